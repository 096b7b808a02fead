"""The department's assignment scheme (分案方案): drafted, approved by the chief or the
committee, in force from its day until the next approved version's; the draw follows it —
its organisations, its case types, its max_distance and escape, all in the commitment."""

from __future__ import annotations

import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from procuracy.assignment import draw, schemes, services
from procuracy.assignment.models import AssignmentScheme, SchemeStatus
from procuracy.assignment.pool import pool_for
from procuracy.assignment.verify import verify_case
from procuracy.cases.intake import PartyFields, receive_case
from procuracy.cases.models import CaseType
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.organisation.models import BusinessLine
from procuracy.powers.models import Refusal

SYSTEM = Actor.system()
ZONE = ZoneInfo("Asia/Shanghai")
DRAFTED = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=ZONE)
APPROVED = datetime.datetime(2026, 2, 12, 9, 0, tzinfo=ZONE)
IN_FORCE = datetime.date(2026, 3, 1)
AT = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=ZONE)


def receive(clerk, world, case_type="prosecution_review"):
    return receive_case(
        actor=clerk,
        procuratorate=world.base,
        case_type=CaseType.objects.get(code=case_type),
        business_line=BusinessLine.objects.get(code="ordinary_crime"),
        title="张某盗窃案",
        source="police",
        referred_by="兰州市公安局城关分局",
        received_on=datetime.date(2026, 3, 2),
        parties=[PartyFields("suspect", "张某")],
    )


def drafted(world, actor=None, **fields):
    values = {
        "case_types": ["arrest_review", "prosecution_review"],
        "orgs": [world.sole_alice.pk, world.team.pk],
        "max_distance": 150,
        "escape_numerator": 2,
        "escape_denominator": 20,
    }
    values.update(fields)
    return schemes.draft_scheme(
        actor=actor or world.actor(world.head),
        department=world.criminal,
        occurred_at=DRAFTED,
        **values,
    )


def approved(world, scheme=None, effective_from=IN_FORCE, when=APPROVED, **fields):
    return schemes.approve_scheme(
        actor=world.actor(world.chief),
        scheme=scheme or drafted(world, **fields),
        effective_from=effective_from,
        occurred_at=when,
    )


# The draw follows the scheme --------------------------------------------------------------


def test_the_scheme_narrows_the_pool_and_its_balance_is_the_one_committed(world, clerk):
    scheme = approved(world)
    case = receive(clerk, world)
    drawn = services.draw_case(actor=clerk, case=case, occurred_at=AT)
    assert {m.org for m in drawn.inputs.pool} == {world.sole_alice.pk, world.team.pk}
    assert drawn.inputs.max_distance == 150
    assert drawn.inputs.escape == Fraction(1, 10)
    committed = Act.objects.get(kind="assignment.draw_committed").body
    assert committed["max_distance"] == 150
    assert committed["escape"] == {"numerator": 1, "denominator": 10}
    assert Act.objects.get(kind="assignment.drawn").body["schemes"] == [scheme.pk]
    [check] = verify_case(case)
    assert check.matches, check.problems


def test_the_scheme_overrides_the_settings_and_without_one_the_settings_apply(
    world, clerk, settings
):
    settings.PROCURACY_DRAW = {"max_distance": 500, "escape": "1/4"}
    case = receive(clerk, world)
    assert services.parameters(pool_for(case, AT.date()).schemes) == (500, Fraction(1, 4))
    approved(world)
    assert services.parameters(pool_for(case, AT.date()).schemes) == (150, Fraction(1, 10))


def test_no_orgs_named_means_every_org_of_the_department(world, clerk):
    approved(world, orgs=[])
    pool = pool_for(receive(clerk, world), AT.date())
    assert {m.org for m in pool.members} == {
        world.sole_alice.pk,
        world.sole_bob.pk,
        world.team.pk,
    }


def test_a_case_type_the_scheme_does_not_cover_finds_no_org_and_waits(world, clerk):
    approved(world, case_types=["arrest_review"])
    case = receive(clerk, world)
    before = Act.objects.count()
    with pytest.raises(draw.EmptyPool, match="没有办理"):
        services.draw_case(actor=clerk, case=case, occurred_at=AT)
    assert Act.objects.count() == before


def test_a_scheme_approved_for_a_later_day_is_not_yet_followed(world, clerk):
    approved(world, effective_from=datetime.date(2026, 4, 1))
    pool = pool_for(receive(clerk, world), AT.date())
    assert pool.schemes == () and len(pool.members) == 3


def test_a_second_version_supersedes_the_first_from_its_day(world, clerk):
    first = approved(world)
    second_draft = drafted(world, orgs=[world.sole_bob.pk], max_distance=400)
    second = approved(world, second_draft, effective_from=datetime.date(2026, 3, 10))
    case = receive(clerk, world)
    before = pool_for(case, datetime.date(2026, 3, 9))
    after = pool_for(case, datetime.date(2026, 3, 10))
    assert before.schemes == (first,) and {m.org for m in before.members} == {
        world.sole_alice.pk,
        world.team.pk,
    }
    assert after.schemes == (second,) and {m.org for m in after.members} == {world.sole_bob.pk}
    states = schemes.states_on([first, second], datetime.date(2026, 3, 9))
    assert states == {first.pk: "in_force", second.pk: "approved"}
    states = schemes.states_on([first, second], datetime.date(2026, 3, 10))
    assert states == {first.pk: "superseded", second.pk: "in_force"}
    assert second.number == 2
    assert Act.objects.filter(kind="assignment.scheme_approved").last().body["supersedes"] == 1


def test_schemes_of_two_departments_that_disagree_refuse_the_draw(world, clerk):
    from procuracy.caseorgs import services as caseorgs
    from procuracy.organisation import services as organisation

    second = organisation.open_department(
        actor=SYSTEM,
        procuratorate=world.base,
        name="第三检察部",
        kind="business",
        business_lines=list(BusinessLine.objects.filter(code="ordinary_crime")),
        valid_from=datetime.date(2020, 1, 1),
    )
    caseorgs.form_sole_org(
        actor=SYSTEM, department=second, prosecutor=world.head, valid_from=datetime.date(2020, 1, 1)
    )
    approved(world)
    other = schemes.draft_scheme(
        actor=world.actor(world.chief),
        department=second,
        case_types=["prosecution_review"],
        max_distance=300,
        escape_numerator=1,
        escape_denominator=20,
        occurred_at=DRAFTED,
    )
    approved(world, other)
    case = receive(clerk, world)
    before = Act.objects.count()
    with pytest.raises(RuleViolation, match="参数不一致"):
        services.draw_case(actor=clerk, case=case, occurred_at=AT)
    assert Act.objects.count() == before


# Versions ---------------------------------------------------------------------------------


def test_an_approved_scheme_cannot_be_edited_discarded_or_approved_again(world):
    scheme = approved(world)
    head, chief = world.actor(world.head), world.actor(world.chief)
    with pytest.raises(RuleViolation, match="已批准的分案方案不可更改"):
        schemes.revise_scheme(
            actor=head,
            scheme=scheme,
            case_types=["arrest_review"],
            max_distance=100,
            escape_numerator=0,
            escape_denominator=1,
        )
    with pytest.raises(RuleViolation, match="不可更改"):
        schemes.discard_scheme(actor=head, scheme=scheme, reason="x")
    with pytest.raises(RuleViolation, match="不可更改"):
        schemes.approve_scheme(actor=chief, scheme=scheme, effective_from=IN_FORCE)
    scheme.refresh_from_db()
    assert scheme.case_types == ["arrest_review", "prosecution_review"]
    assert scheme.max_distance == 150 and scheme.status == SchemeStatus.APPROVED


def test_a_draft_is_revised_in_place_and_a_second_draft_is_refused(world):
    scheme = drafted(world)
    schemes.revise_scheme(
        actor=world.actor(world.head),
        scheme=scheme,
        case_types=["fast_track"],
        max_distance=200,
        escape_numerator=1,
        escape_denominator=50,
        batch_hour=9,
    )
    scheme.refresh_from_db()
    assert (scheme.case_types, scheme.orgs, scheme.batch_hour) == (["fast_track"], [], 9)
    with pytest.raises(RuleViolation, match="已有一份分案方案草稿"):
        drafted(world)
    schemes.discard_scheme(actor=world.actor(world.head), scheme=scheme, reason="重新起草")
    assert drafted(world).number == 2


def test_approval_is_refused_to_anyone_but_the_chief_and_the_refusal_recorded(world):
    scheme = drafted(world)
    before = Act.objects.count()
    with pytest.raises(ActDenied) as denied:
        schemes.approve_scheme(
            actor=world.actor(world.head), scheme=scheme, effective_from=IN_FORCE
        )
    assert "检察长" in denied.value.reason
    assert list(Act.objects.filter(seq__gte=before).values_list("kind", flat=True)) == [
        "powers.refused"
    ]
    assert Refusal.objects.get().act == "assignment.approve_scheme"
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.DRAFT


def test_a_chief_of_another_procuratorate_may_not_approve(world):
    scheme = drafted(world)
    with pytest.raises(ActDenied):
        schemes.approve_scheme(
            actor=world.actor(world.city_chief), scheme=scheme, effective_from=IN_FORCE
        )


def test_a_committee_approval_needs_its_minutes(world):
    scheme = drafted(world)
    chief = world.actor(world.chief)
    with pytest.raises(RuleViolation) as refused:
        schemes.approve_scheme(
            actor=chief, scheme=scheme, effective_from=IN_FORCE, body="committee"
        )
    assert refused.value.field == "reference"
    schemes.approve_scheme(
        actor=chief,
        scheme=scheme,
        effective_from=IN_FORCE,
        body="committee",
        reference="检委会〔2026〕3号纪要",
        occurred_at=APPROVED,
    )
    assert (scheme.approval_body, scheme.approved_by) == ("committee", world.chief)


def test_where_the_committee_must_approve_the_chief_alone_is_refused(world, settings):
    settings.PROCURACY_SCHEME_APPROVAL = "committee"
    with pytest.raises(RuleViolation, match="检察委员会"):
        approved(world)


def test_a_scheme_never_takes_effect_before_its_approval_nor_before_the_last_version(world):
    first = drafted(world)
    with pytest.raises(RuleViolation, match="不得早于批准之日"):
        approved(world, first, effective_from=datetime.date(2026, 2, 11))
    approved(world, first)
    later = drafted(world)
    with pytest.raises(RuleViolation, match="第 1 版的生效日期"):
        approved(world, later, effective_from=datetime.date(2026, 2, 20))
    later.refresh_from_db()
    assert later.status == SchemeStatus.DRAFT and later.effective_from is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"case_types": ["prosecution_review", "no_such_type"]}, "case_types"),
        ({"case_types": []}, "case_types"),
        ({"case_types": ["civil_supervision"]}, "case_types"),  # not the department's line
        ({"escape_numerator": 3, "escape_denominator": 2}, "escape"),
        ({"escape_denominator": 0}, "escape"),
        ({"max_distance": -1}, "max_distance"),
        ({"batch_hour": 24}, "batch_hour"),
        ({"orgs": [10**6]}, "orgs"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_writes_nothing(world, fields, field):
    before = Act.objects.count()
    with pytest.raises(RuleViolation) as refused:
        drafted(world, **fields)
    assert refused.value.field == field
    assert Act.objects.count() == before
    assert not AssignmentScheme.objects.exists()


def test_an_org_of_another_department_is_refused(world):
    from procuracy.caseorgs import services as caseorgs

    civil = caseorgs.form_sole_org(
        actor=SYSTEM, department=world.civil, prosecutor=world.head, valid_from=IN_FORCE
    )
    with pytest.raises(RuleViolation, match="不属于"):
        drafted(world, orgs=[civil.pk])


def test_a_department_that_handles_no_cases_has_no_scheme(world):
    with pytest.raises(RuleViolation, match="不办理案件"):
        schemes.draft_scheme(
            actor=world.actor(world.chief),
            department=world.office,
            case_types=["prosecution_review"],
            max_distance=300,
            escape_numerator=1,
            escape_denominator=20,
        )


def test_every_act_is_ledgered_with_the_scheme_s_terms(world):
    scheme = approved(world)
    kinds = list(
        Act.objects.filter(subject_type="assignment.assignmentscheme").values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["assignment.scheme_drafted", "assignment.scheme_approved"]
    body = Act.objects.get(kind="assignment.scheme_approved").body
    assert body["escape"] == {"numerator": 1, "denominator": 10}
    assert body["orgs"] == [world.sole_alice.pk, world.team.pk]
    assert body["effective_from"] == "2026-03-01" and body["approval_body"] == "chief"
    assert scheme.ledger_seq == Act.objects.get(kind="assignment.scheme_approved").seq


# Pages, API, command line -----------------------------------------------------------------


def test_the_head_drafts_on_the_page_and_the_chief_approves(world, sign_in):
    client = sign_in("head")
    page = client.get(reverse("assignment:schemes")).content.decode()
    assert "起草分案方案" in page and "本院尚未制定分案方案" in page
    answer = client.post(
        reverse("assignment:scheme_draft") + f"?procuratorate={world.base.pk}",
        {
            "department": world.criminal.pk,
            "case_types": ["prosecution_review", "arrest_review"],
            "orgs": [world.sole_bob.pk, world.team.pk],
            "max_distance": "2.5",
            "escape": "1/25",
            "batch_hour": "9",
        },
    )
    scheme = AssignmentScheme.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "assignment:scheme", args=[scheme.pk]
    )
    assert (scheme.max_distance, scheme.escape, scheme.batch_hour) == (250, Fraction(1, 25), 9)
    assert scheme.case_types == ["arrest_review", "prosecution_review"]
    page = client.get(answer["Location"]).content.decode()
    assert "修改草稿" in page
    assert 'disabled aria-describedby="why-approve"' in page  # the head may not approve
    chief = sign_in("chief")
    answer = chief.post(
        reverse("assignment:scheme_approve", args=[scheme.pk]),
        {"effective_from": "2099-01-01", "body": "chief"},
    )
    assert answer.status_code == 302
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.APPROVED
    page = chief.get(reverse("assignment:scheme", args=[scheme.pk])).content.decode()
    assert "已批准待生效" in page and "以本版为基础起草新版本" in page


def test_a_page_draft_with_a_bad_escape_is_shown_again_with_the_reason(world, sign_in):
    answer = sign_in("head").post(
        reverse("assignment:scheme_draft") + f"?procuratorate={world.base.pk}",
        {
            "department": world.criminal.pk,
            "case_types": ["prosecution_review"],
            "max_distance": "3",
            "escape": "3/2",
        },
    )
    assert answer.status_code == 200
    assert "逃逸概率须在 0 到 1 之间" in answer.content.decode()
    assert not AssignmentScheme.objects.exists()


def test_the_page_approval_by_the_head_is_refused_with_403(world, sign_in):
    scheme = drafted(world)
    answer = sign_in("head").post(
        reverse("assignment:scheme_approve", args=[scheme.pk]),
        {"effective_from": "2099-01-01", "body": "chief"},
    )
    assert answer.status_code == 403
    assert Refusal.objects.filter(act="assignment.approve_scheme").exists()


def test_a_scheme_of_another_procuratorate_is_not_found(world, sign_in):
    scheme = drafted(world)
    assert sign_in("olga").get(reverse("assignment:scheme", args=[scheme.pk])).status_code == 404


def test_the_api_drafts_approves_and_lists_with_the_state(world, sign_in):
    head = sign_in("head")
    answer = head.post(
        "/api/v1/assignment-schemes",
        {
            "department": world.criminal.pk,
            "case_types": ["prosecution_review"],
            "max_distance": 300,
            "escape_numerator": 5,
            "escape_denominator": 100,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["state"], body["escape"]) == ("draft", {"numerator": 1, "denominator": 20})
    url = f"/api/v1/assignment-schemes/{body['id']}/approve"
    refused = head.post(url, {"effective_from": "2099-01-01"}, content_type="application/json")
    assert refused.status_code == 403
    answer = sign_in("chief").post(
        url,
        {"effective_from": "2099-01-01", "body": "committee", "reference": "检委会纪要 2 号"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert (answer.json()["state"], answer.json()["approval_body"]) == ("approved", "committee")
    listed = sign_in("head").get("/api/v1/assignment-schemes").json()
    assert [s["id"] for s in listed] == [body["id"]]
    revised = sign_in("head").post(
        f"/api/v1/assignment-schemes/{body['id']}/revise",
        {
            "case_types": ["fast_track"],
            "max_distance": 1,
            "escape_numerator": 0,
            "escape_denominator": 1,
        },
        content_type="application/json",
    )
    assert revised.status_code == 422
    assert "不可更改" in revised.json()["errors"]["__all__"][0]


def test_the_api_refuses_an_unknown_case_type_with_422(world, sign_in):
    answer = sign_in("head").post(
        "/api/v1/assignment-schemes",
        {
            "department": world.criminal.pk,
            "case_types": ["nonsense"],
            "max_distance": 300,
            "escape_numerator": 1,
            "escape_denominator": 20,
        },
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"case_types": ["案件类型代码不存在:nonsense。"]}


def test_the_command_line_drafts_approves_and_shows(world, capsys):
    call_command(
        "scheme",
        "draft",
        "--department",
        str(world.criminal.pk),
        "--case-types",
        "prosecution_review,arrest_review",
        "--orgs",
        f"{world.sole_alice.pk},{world.team.pk}",
        "--max-distance",
        "200",
        "--escape",
        "1/10",
        "--as",
        "head",
    )
    scheme = AssignmentScheme.objects.get()
    call_command("scheme", "approve", str(scheme.pk), "--from", "2099-01-01", "--as", "chief")
    capsys.readouterr()
    call_command("scheme", "show", "--department", str(world.criminal.pk))
    out = capsys.readouterr().out
    assert "已批准待生效" in out and "审查起诉案件" in out and "1/10" in out


def test_the_command_line_refuses_a_non_chief_approval_and_bad_input(world):
    scheme = drafted(world)
    with pytest.raises(CommandError, match="检察长") as refused:
        call_command("scheme", "approve", str(scheme.pk), "--from", "2099-01-01", "--as", "head")
    assert refused.value.returncode == 1
    with pytest.raises(CommandError) as bad:
        call_command(
            "scheme",
            "draft",
            "--department",
            str(world.criminal.pk),
            "--case-types",
            "x",
            "--max-distance",
            "1",
            "--escape",
            "one in twenty",
            "--as",
            "head",
        )
    assert bad.value.returncode == 2
