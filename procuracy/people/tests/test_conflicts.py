"""Conflicts of interest (利益冲突申报) declared on a person: declared by the person or by
personnel for them, kept personal in the ledger, and keeping the person's organisations out
of the draw for a case whose names they match — with a reason that names no one else."""

from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from procuracy.assignment import draw, services
from procuracy.assignment.pool import pool_for
from procuracy.assignment.verify import verify_case
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import CaseType
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act, Visibility
from procuracy.ledger.selectors import visible_acts
from procuracy.organisation.models import BusinessLine
from procuracy.people import services as people
from procuracy.people.models import Conflict, ConflictKind
from procuracy.powers.models import Refusal

SYSTEM = Actor.system()
ZONE = ZoneInfo("Asia/Shanghai")
DECLARED = datetime.datetime(2026, 2, 20, 9, 0, tzinfo=ZONE)
AT = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=ZONE)


def receive(clerk, world, parties=("张某",), referred_by="兰州市公安局城关分局", source="police"):
    return receive_case(
        actor=clerk,
        procuratorate=world.base,
        case_type=CaseType.objects.get(code="prosecution_review"),
        business_line=BusinessLine.objects.get(code="ordinary_crime"),
        title="张某盗窃案",
        source=source,
        referred_by=referred_by,
        received_on=datetime.date(2026, 3, 2),
        parties=[PartyFields("suspect", name) for name in parties],
    )


def declare(world, staff, kind=ConflictKind.KNOWS_PARTY, names=("张某",), **fields):
    return people.declare_conflict(
        actor=world.actor(staff),
        staff=staff,
        kind=kind,
        names=list(names),
        occurred_at=fields.pop("occurred_at", DECLARED),
        **fields,
    )


# The draw ---------------------------------------------------------------------------------


def test_a_declared_acquaintance_with_a_party_keeps_the_org_out_and_the_draw_verifies(world, clerk):
    conflict = declare(world, world.alice)
    case = receive(clerk, world)
    drawn = services.draw_case(actor=clerk, case=case, occurred_at=AT)
    assert drawn.inputs.exclusions == (
        draw.Exclusion(
            world.sole_alice.pk,
            "conflict",
            f"独任检察官安丽申报与当事人相识(申报编号 {conflict.pk})",
        ),
    )
    assert drawn.assignment.org_id != world.sole_alice.pk
    committed = Act.objects.get(kind="assignment.draw_committed")
    assert committed.body["exclusions"][0]["reason"] == "conflict"
    [check] = verify_case(case)
    assert check.matches, check.problems


def test_the_reason_names_the_member_and_the_kind_but_not_whom_it_concerns(world, clerk):
    declare(
        world,
        world.carol,
        kind=ConflictKind.LAWYER_RELATIVE,
        names=["蔡明"],
        law_firm="甘肃正大律师事务所",
    )
    case = receive(clerk, world, parties=("张某", "蔡明"))
    drawn = services.draw_case(actor=clerk, case=case, occurred_at=AT)
    commitment = json.dumps(
        Act.objects.get(kind="assignment.draw_committed").body, ensure_ascii=False
    )
    assert "主办检察官蔡蕾申报亲属是律师" in commitment
    assert "蔡明" not in commitment and "律师事务所" not in commitment
    assert world.team.pk in drawn.outcome.excluded


def test_the_law_firm_matches_the_referring_body_whatever_its_brackets_and_spaces(world, clerk):
    declare(
        world,
        world.bob,
        kind=ConflictKind.LAWYER_RELATIVE,
        names=["包晓"],
        law_firm="北京市（盈科） 律师事务所",
    )
    case = receive(clerk, world, referred_by="北京市(盈科)律师事务所", source="complaint")
    assert [e.reason for e in pool_for(case, AT.date()).exclusions] == ["conflict"]


def test_a_conflict_of_an_assistant_keeps_out_every_org_she_works_in(world, clerk):
    declare(world, world.erin)
    pool = pool_for(receive(clerk, world), AT.date())
    assert {e.org for e in pool.exclusions} == {world.sole_alice.pk, world.team.pk}
    assert all("检察官助理鄂琳" in e.text for e in pool.exclusions)


def test_a_declaration_naming_someone_else_excludes_no_one(world, clerk):
    declare(world, world.alice, names=["李四"])
    assert pool_for(receive(clerk, world), AT.date()).exclusions == ()


def test_a_withdrawn_conflict_no_longer_excludes(world, clerk):
    conflict = declare(world, world.alice)
    case = receive(clerk, world)
    assert pool_for(case, AT.date()).exclusions != ()
    people.withdraw_conflict(
        actor=world.actor(world.alice),
        conflict=conflict,
        reason="已不再联系",
        occurred_at=AT - datetime.timedelta(days=1),
    )
    assert pool_for(case, AT.date()).exclusions == ()
    # The day before the withdrawal it still applied: the past is not rewritten.
    assert pool_for(case, AT.date() - datetime.timedelta(days=2)).exclusions != ()
    drawn = services.draw_case(actor=clerk, case=case, occurred_at=AT)
    assert drawn.inputs.exclusions == ()


def test_a_conflict_past_its_end_no_longer_excludes(world, clerk):
    declare(world, world.alice, valid_until=datetime.date(2026, 3, 2))
    case = receive(clerk, world)
    assert pool_for(case, datetime.date(2026, 3, 2)).exclusions != ()
    assert pool_for(case, AT.date()).exclusions == ()


def test_a_member_named_as_a_party_is_found_on_the_case_and_recused(world, clerk):
    case = receive(clerk, world, parties=("张某", "丁伟"))
    pool = pool_for(case, AT.date())
    assert pool.exclusions == (
        draw.Exclusion(world.team.pk, "recusal", "组员检察官丁伟与本案当事人同名"),
    )


def test_an_absence_and_a_conflict_on_one_org_are_joined(world, clerk):
    declare(world, world.alice)
    people.record_absence(
        actor=SYSTEM, staff=world.alice, kind="leave", starts_on=AT.date(), ends_on=AT.date()
    )
    [exclusion] = pool_for(receive(clerk, world), AT.date()).exclusions
    assert exclusion.reason == "absent+conflict"
    assert exclusion.text.startswith("独任检察官安丽缺勤；独任检察官安丽申报与当事人相识")


# Who declares, and who reads --------------------------------------------------------------


def test_a_person_declares_their_own_conflict_in_a_personal_entry_without_names(world):
    conflict = declare(world, world.alice, names=["张某", "王五"])
    act = Act.objects.get(kind="people.conflict_declared")
    assert act.visibility == Visibility.PERSONAL
    assert act.body == {
        "staff": world.alice.pk,
        "kind": "knows_party",
        "own": True,
        "declared_on": "2026-02-20",
        "valid_until": None,
    }
    assert conflict.ledger_seq == act.seq and conflict.recorded_by == world.alice
    assert "张某" not in json.dumps(act.body, ensure_ascii=False)


def test_the_entry_is_read_by_the_person_and_personnel_but_not_by_a_colleague(world):
    declare(world, world.alice)
    seen = {
        name: visible_acts(world.actor(staff)).filter(kind="people.conflict_declared").exists()
        for name, staff in (("alice", world.alice), ("grace", world.grace), ("bob", world.bob))
    }
    assert seen == {"alice": True, "grace": True, "bob": False}


def test_personnel_records_a_declaration_on_someone_s_behalf(world):
    conflict = people.declare_conflict(
        actor=world.actor(world.grace),
        staff=world.bob,
        kind=ConflictKind.OTHER,
        names=["兰州某某公司"],
        note="曾在该公司任法律顾问",
        occurred_at=DECLARED,
    )
    assert conflict.recorded_by == world.grace
    assert Act.objects.get(kind="people.conflict_declared").body["own"] is False


def test_a_colleague_may_not_declare_for_someone_else_and_the_refusal_is_recorded(world):
    before = Act.objects.count()
    with pytest.raises(ActDenied) as denied:
        people.declare_conflict(
            actor=world.actor(world.bob),
            staff=world.alice,
            kind=ConflictKind.KNOWS_PARTY,
            names=["张某"],
        )
    assert "政治部" in denied.value.reason
    assert not Conflict.objects.exists()
    assert list(Act.objects.filter(seq__gte=before).values_list("kind", flat=True)) == [
        "powers.refused"
    ]
    assert Refusal.objects.get().act == "people.conflicts"


def test_a_colleague_is_refused_with_who_may_and_the_refusal_is_recorded(world):
    with pytest.raises(ActDenied, match="本人"):
        people.declare_conflict(
            actor=world.actor(world.bob), staff=world.alice, kind="other", names=["某"]
        )
    assert not Conflict.objects.exists()
    assert Refusal.objects.get().actor == world.bob


def test_a_colleague_may_not_withdraw_someone_else_s_declaration(world):
    conflict = declare(world, world.alice)
    with pytest.raises(ActDenied):
        people.withdraw_conflict(actor=world.actor(world.bob), conflict=conflict, reason="x")
    conflict.refresh_from_db()
    assert conflict.withdrawn_on is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"names": [" ", ""]}, "names"),
        ({"kind": "cousin"}, "kind"),
        ({"declared_on": datetime.date(2026, 2, 21)}, "declared_on"),
        ({"valid_until": datetime.date(2026, 2, 19)}, "valid_until"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_writes_nothing(world, fields, field):
    before = Act.objects.count()
    with pytest.raises(RuleViolation) as refused:
        declare(world, world.alice, **fields)
    assert refused.value.field == field
    assert Act.objects.count() == before and not Conflict.objects.exists()


def test_a_withdrawal_needs_a_reason_and_cannot_reach_back(world):
    conflict = declare(world, world.alice)
    alice = world.actor(world.alice)
    with pytest.raises(RuleViolation, match="理由"):
        people.withdraw_conflict(actor=alice, conflict=conflict, reason=" ", occurred_at=AT)
    with pytest.raises(RuleViolation, match="早于今天"):
        people.withdraw_conflict(
            actor=alice, conflict=conflict, reason="x", on=AT.date().replace(day=1), occurred_at=AT
        )
    people.withdraw_conflict(actor=alice, conflict=conflict, reason="已无联系", occurred_at=AT)
    with pytest.raises(RuleViolation, match="已于"):
        people.withdraw_conflict(actor=alice, conflict=conflict, reason="x", occurred_at=AT)
    act = Act.objects.get(kind="people.conflict_withdrawn")
    assert act.visibility == Visibility.PERSONAL
    assert act.body == {
        "staff": world.alice.pk,
        "kind": "knows_party",
        "own": True,
        "on": "2026-03-03",
    }


# Pages, API, command line -----------------------------------------------------------------


def test_a_person_declares_and_withdraws_on_their_own_page(world, sign_in):
    client = sign_in("alice")
    page = client.get(reverse("people:detail", args=[world.alice.pk])).content.decode()
    assert "申报利益冲突" in page
    answer = client.post(
        reverse("people:declare_conflict", args=[world.alice.pk]),
        {"kind": "lawyer_relative", "names": "安明", "law_firm": "甘肃正大律师事务所"},
    )
    assert answer.status_code == 302
    conflict = Conflict.objects.get()
    assert (conflict.names, conflict.law_firm) == (["安明"], "甘肃正大律师事务所")
    page = client.get(reverse("people:detail", args=[world.alice.pk])).content.decode()
    assert "甘肃正大律师事务所" in page
    answer = client.post(
        reverse("people:withdraw_conflict", args=[conflict.pk]), {"reason": "亲属已不再执业"}
    )
    assert answer.status_code == 302
    conflict.refresh_from_db()
    assert conflict.withdrawn_on is not None


def test_a_colleague_sees_neither_the_section_nor_the_names(world, sign_in):
    declare(world, world.alice, names=["张某某"])
    page = sign_in("bob").get(reverse("people:detail", args=[world.alice.pk])).content.decode()
    assert "利益冲突申报" not in page and "张某某" not in page
    page = sign_in("grace").get(reverse("people:detail", args=[world.alice.pk])).content.decode()
    assert "张某某" in page


def test_a_colleague_posting_a_declaration_for_someone_is_refused_with_403(world, sign_in):
    answer = sign_in("bob").post(
        reverse("people:declare_conflict", args=[world.alice.pk]),
        {"kind": "knows_party", "names": "张某"},
    )
    assert answer.status_code == 403
    assert "政治部" in answer.content.decode()
    assert not Conflict.objects.exists()
    assert Refusal.objects.filter(act="people.conflicts").exists()


def test_a_page_declaration_without_names_is_shown_again_with_the_reason(world, sign_in):
    answer = sign_in("alice").post(
        reverse("people:declare_conflict", args=[world.alice.pk]),
        {"kind": "knows_party", "names": "、 ,"},
    )
    assert answer.status_code == 200
    assert "请填写所涉人员或单位" in answer.content.decode()
    assert not Conflict.objects.exists()


def test_the_api_declares_lists_and_withdraws(world, sign_in):
    client = sign_in("alice")
    url = f"/api/v1/staff/{world.alice.pk}/conflicts"
    answer = client.post(
        url, {"kind": "knows_party", "names": ["张某"]}, content_type="application/json"
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["kind_label"], body["names"], body["in_force"]) == ("与当事人相识", ["张某"], True)
    assert [c["id"] for c in client.get(url).json()] == [body["id"]]
    answer = client.post(
        f"{url}/{body['id']}/withdraw", {"reason": "已无往来"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["in_force"] is False


def test_the_api_hides_a_person_s_conflicts_from_colleagues_and_refuses_their_writes(
    world, sign_in
):
    declare(world, world.alice)
    client = sign_in("bob")
    url = f"/api/v1/staff/{world.alice.pk}/conflicts"
    assert client.get(url).status_code == 404
    answer = client.post(url, {"kind": "other", "names": ["某"]}, content_type="application/json")
    assert answer.status_code == 403 and "政治部" in answer.json()["detail"]
    conflict = Conflict.objects.get()
    answer = client.post(
        f"{url}/{conflict.pk}/withdraw", {"reason": "x"}, content_type="application/json"
    )
    assert answer.status_code == 404


def test_the_api_answers_bad_input_with_422_per_field(world, sign_in):
    answer = sign_in("alice").post(
        f"/api/v1/staff/{world.alice.pk}/conflicts",
        {"kind": "knows_party", "names": []},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "names" in answer.json()["errors"]


def test_the_command_line_declares_lists_and_withdraws(world, capsys):
    call_command(
        "conflicts",
        "declare",
        str(world.alice.pk),
        "--kind",
        "lawyer_relative",
        "--name",
        "安明",
        "--firm",
        "甘肃正大律师事务所",
        "--as",
        "alice",
    )
    conflict = Conflict.objects.get()
    assert "编号" in capsys.readouterr().out
    call_command("conflicts", "list", str(world.alice.pk), "--as", "grace")
    assert "甘肃正大律师事务所" in capsys.readouterr().out
    with pytest.raises(CommandError, match="本人和政治部"):
        call_command("conflicts", "list", str(world.alice.pk), "--as", "bob")
    call_command("conflicts", "withdraw", str(conflict.pk), "--reason", "不再执业", "--as", "grace")
    conflict.refresh_from_db()
    assert conflict.withdrawn_on is not None


def test_the_command_line_refuses_a_colleague_with_the_reason(world):
    with pytest.raises(CommandError, match="政治部"):
        call_command(
            "conflicts",
            "declare",
            str(world.alice.pk),
            "--kind",
            "other",
            "--name",
            "某",
            "--as",
            "bob",
        )
    assert not Conflict.objects.exists()
