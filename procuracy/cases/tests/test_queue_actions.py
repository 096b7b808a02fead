"""The queue's 可办理 column: on each case, the transitions the reader may perform now, asked of
the power list (the handler starts their assigned case, the case office draws a received case
and archives a closed one, someone who may do nothing sees nothing), the same answers as the
case page's, and a page of 30 cases in no more queries than a page of 5."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import REFORM, SYSTEM
from procuracy.assignment import services as assignment
from procuracy.caseorgs import services as caseorgs
from procuracy.cases import desk, lifecycle
from procuracy.cases.models import Case, CaseStatus
from procuracy.cases.tests.test_lifecycle import (  # noqa: F401
    handling,
    listed,
    receive,
    to_alice,
)
from procuracy.powers import engine
from procuracy.powers.models import Refusal

ACT_LINK = re.compile(r'<a href="/cases/(\d+)/#([\w-]+)" data-act="(\w+)">([^<]+)</a>')


def offered(text: str) -> dict[int, list[tuple[str, str, str]]]:
    """The queue page's 可办理 links by case: (act, label, anchor)."""
    found: dict[int, list[tuple[str, str, str]]] = {}
    for pk, anchor, act, label in ACT_LINK.findall(text):
        found.setdefault(int(pk), []).append((act, label, anchor))
    return found


def queue(client) -> str:
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    return response.content.decode()


def closed(world, clerk) -> Case:
    case = handling(world, clerk, case_type="arrest_review", custody=True)
    lifecycle.decide(
        actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="证据充分"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    return case


def test_the_handler_sees_start_on_their_assigned_case(world, clerk, sign_in):
    case = to_alice(world, receive(clerk, world))
    found = offered(queue(sign_in("alice")))
    assert found[case.pk] == [("start", "开始办理", "lifecycle-title")]


def test_the_case_office_sees_the_draw_on_a_received_case_and_archive_on_a_closed_one(
    world,
    clerk,
    sign_in,
    listed,  # noqa: F811
):
    received = receive(clerk, world)
    done = closed(world, clerk)
    assigned = to_alice(world, receive(clerk, world))
    found = offered(queue(sign_in("frank")))
    assert found[received.pk] == [("draw", "随机分案", "assignment-title")]
    assert found[done.pk] == [("archive", "归档", "lifecycle-title")]
    assert assigned.pk not in found  # the office does not start a prosecutor's case


def test_a_reader_who_may_do_nothing_sees_no_action(world, clerk, sign_in):
    """Erin assists Alice: she reads Alice's cases and performs none of their transitions."""
    to_alice(world, receive(clerk, world))
    handling(world, clerk)
    text = queue(sign_in("erin"))
    assert text.count("/cases/") > 2  # she reads both cases
    assert offered(text) == {}
    assert not Refusal.objects.exists()  # asking recorded nothing


def test_the_handler_decides_what_the_list_gives_them_and_submits_the_rest(
    world,
    clerk,
    listed,  # noqa: F811
):
    alice = world.actor(world.alice)
    plain = handling(world, clerk, case_type="arrest_review", custody=True)
    major = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    found = desk.allowed_actions(alice, [plain, major])
    # Alice decides the arrest of a plain case; in every case some matter is the chief's.
    assert [a.name for a in found[plain.pk]] == ["decide", "submit"]
    assert [a.name for a in found[major.pk]] == ["submit"]
    assert [a.name for a in desk.allowed_actions(world.actor(world.chief), [major])[major.pk]] == [
        "decide"
    ]


def test_a_handler_who_decides_every_matter_has_nothing_to_submit(world, clerk):
    """Without a list, every matter is the chief's (规则 Art 4): the chief handling a case
    himself decides it and submits nothing."""
    own = caseorgs.form_sole_org(
        actor=SYSTEM, department=world.criminal, prosecutor=world.chief, valid_from=REFORM
    )
    chief = world.actor(world.chief)
    case = receive(clerk, world, case_type="filing_supervision")
    assignment.designate_case(
        actor=chief, case=case, org=own, reason="leader", reasoning="检察长亲自办理"
    )
    lifecycle.start_handling(actor=chief, case=case)
    case.refresh_from_db()
    found = desk.allowed_actions(chief, [case])[case.pk]
    assert [a.name for a in found] == ["decide", "conclude"]
    assert "submit" not in desk.actions(chief, case).offers


def test_a_suspended_case_offers_its_resumption(world, clerk):
    case = handling(world, clerk)
    chief = world.actor(world.chief)
    lifecycle.decide(actor=chief, case=case, matter="suspend_review", reasoning="犯罪嫌疑人在逃")
    case.refresh_from_db()
    assert case.status == CaseStatus.SUSPENDED
    [resume] = desk.allowed_actions(chief, [case])[case.pk]
    assert (resume.name, resume.label) == ("decide", "恢复审查")


def _world_of_states(world, clerk) -> list[Case]:
    """A case in each state a transition leaves from, and one of a type a handler concludes."""
    received = receive(clerk, world)
    assigned = to_alice(world, receive(clerk, world))
    plain = handling(world, clerk, case_type="arrest_review", custody=True)
    supervision = handling(world, clerk, case_type="filing_supervision")
    major = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    lifecycle.submit_decision(
        actor=world.actor(world.alice), case=major, matter="approve_arrest", reasoning="建议批捕"
    )
    returned = handling(world, clerk)
    lifecycle.decide(
        actor=world.actor(world.head),
        case=returned,
        matter="return_investigation",
        reasoning="证据不足",
    )
    done = closed(world, clerk)
    cases = [received, assigned, plain, supervision, major, returned, done]
    return [Case.objects.select_related(*_RELATED).get(pk=c.pk) for c in cases]


_RELATED = ("procuratorate", "case_type", "business_line")


@pytest.mark.parametrize("name", ["alice", "chief", "frank", "head", "erin", "bob"])
def test_the_queue_offers_what_the_case_page_allows(world, clerk, listed, name):  # noqa: F811
    cases = _world_of_states(world, clerk)
    statuses = {c.status for c in cases}
    assert {CaseStatus.DECIDING, CaseStatus.RETURNED, CaseStatus.CLOSED} <= statuses
    actor = world.actor(getattr(world, name))
    found = desk.allowed_actions(actor, cases)
    for case in cases:
        page = desk.actions(actor, case)
        expected = [n for n, d in page.offers.items() if d.allowed and n != "exclude"]
        if case.status == CaseStatus.RECEIVED and name == "frank":
            expected.insert(0, "draw")
        assert [a.name for a in found[case.pk]] == expected, (name, case.get_status_display())


def _many(world, clerk, n: int) -> None:
    """n cases, in turn received, assigned to Alice, handled, closed."""
    for i in range(n):
        if i % 4 == 0:
            receive(clerk, world)
        elif i % 4 == 1:
            to_alice(world, receive(clerk, world))
        elif i % 4 == 2:
            handling(world, clerk, case_type="filing_supervision")
        else:
            closed(world, clerk)


@pytest.mark.parametrize("name", ["alice", "frank", "chief"])
def test_a_page_of_30_cases_costs_no_more_queries_than_a_page_of_5(
    world,
    clerk,
    listed,  # noqa: F811
    sign_in,
    django_assert_max_num_queries,
    monkeypatch,
    name,
):
    _many(world, clerk, 5)
    client = sign_in(name)
    queue(client)  # the power list's index compiled
    monkeypatch.setattr(engine, "RECHECK", 10**9)  # no look for list changes mid-count
    with CaptureQueriesContext(connection) as few:
        text = queue(client)
    assert offered(text)
    _many(world, clerk, 25)
    with django_assert_max_num_queries(len(few)):
        text = queue(client)
    assert Case.objects.count() == 30 and text.count('data-act="') >= 5


def test_the_links_lead_to_the_case_page_s_sections(world, clerk, sign_in):
    received = receive(clerk, world)
    client = sign_in("frank")
    text = client.get(reverse("cases:detail", args=[received.pk])).content.decode()
    for _act, _label, anchor in offered(queue(client))[received.pk]:
        assert f'id="{anchor}"' in text
    to_alice(world, received)
    text = sign_in("alice").get(reverse("cases:detail", args=[received.pk])).content.decode()
    assert 'id="lifecycle-title"' in text
