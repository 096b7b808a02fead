"""The prosecutor's desk (待办): what waits on whom. The chief finds the major case's arrest
decision submitted to them; Alice her cases by due date and those to start; the case office
the cases to draw, to receive back and to archive; leaders the cases due soon or overdue in
their scope. The desk costs the same few queries however many cases it lists."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procuracy.assignment import services as assignment
from procuracy.cases import desk, lifecycle
from procuracy.cases.models import CaseStatus, Decision
from procuracy.cases.tests.test_lifecycle import (  # noqa: F401
    TODAY,
    handling,
    listed,
    receive,
    to_alice,
)
from procuracy.core.actors import Actor
from procuracy.powers import engine
from procuracy.powers.models import Refusal


def desk_of(world, name) -> desk.Desk:
    return desk.desk(world.actor(getattr(world, name)))


def numbers(cases) -> list[str]:
    return [c.number for c in cases]


def submitted(world, clerk):
    case = handling(world, clerk, case_type="arrest_review", custody=True, flags=["major"])
    return lifecycle.submit_decision(
        actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="建议批捕"
    )


def test_the_chief_finds_the_major_cases_arrest_decision_waiting_on_them(world, clerk, listed):  # noqa: F811
    pending = submitted(world, clerk)
    chief = desk_of(world, "chief")
    assert chief.to_decide == [pending] and chief.counts["to_decide"] == 1
    assert chief.waiting == 1
    # The department head and the handler are not who decides it; asking recorded nothing.
    assert desk_of(world, "head").to_decide == []
    alice = desk_of(world, "alice")
    assert alice.to_decide == [] and numbers(alice.handling) == [pending.case.number]
    assert alice.handling[0].status == CaseStatus.DECIDING
    assert not Refusal.objects.exists()


def test_once_decided_it_waits_on_no_one(world, clerk, listed):  # noqa: F811
    pending = submitted(world, clerk)
    lifecycle.decide(
        actor=world.actor(world.chief), case=pending.case, matter="approve_arrest", reasoning="同意"
    )
    assert desk_of(world, "chief").to_decide == []
    assert desk_of(world, "alice").handling == []  # closed: off her desk


def test_alice_sees_her_cases_by_due_date_and_those_to_start(world, clerk):
    review = handling(world, clerk, case_type="prosecution_review", days_ago=3)
    arrest = handling(world, clerk, case_type="arrest_review", custody=True, days_ago=1)
    supervision = handling(world, clerk, case_type="filing_supervision")
    waiting = to_alice(world, receive(clerk, world, case_type="arrest_review", days_ago=0))
    found = desk_of(world, "alice")
    assert numbers(found.handling) == [
        arrest.number,  # 7 days from yesterday
        waiting.number,  # 15 days (not detained) from today
        review.number,  # a month from three days ago
        supervision.number,  # no statutory time limit: last
    ]
    first = found.handling[0]
    assert first.due_state == "ok" and first.days_left == (arrest.due_on - TODAY).days
    assert found.handling[-1].days_left is None
    assert numbers(found.to_start) == [waiting.number]
    # Erin assists Alice: the cases are on her desk, but starting them is not hers.
    erin = desk_of(world, "erin")
    assert waiting.number in numbers(erin.handling) and erin.to_start == []
    assert not found.office and not found.leader


def test_the_case_office_sees_cases_to_draw_to_receive_back_and_to_archive(
    world,
    clerk,
    listed,  # noqa: F811
):
    queued = receive(clerk, world)
    returned = handling(world, clerk, days_ago=10)
    lifecycle.decide(
        actor=world.actor(world.head),
        case=returned,
        matter="return_investigation",
        reasoning="补证",
    )
    closed = handling(world, clerk)
    lifecycle.decide(
        actor=world.actor(world.alice), case=closed, matter="prosecute", reasoning="起诉"
    )
    filed = handling(world, clerk)
    lifecycle.decide(actor=world.actor(world.alice), case=filed, matter="prosecute", reasoning="诉")
    lifecycle.archive(actor=clerk, case=filed)
    found = desk.desk(clerk)
    assert found.office
    assert numbers(found.to_draw) == [queued.number]
    assert numbers(found.returned) == [returned.number]
    assert found.returned[0].stage == "supplementary_investigation"
    assert numbers(found.to_archive) == [closed.number]
    assert found.waiting == 3
    assert desk_of(world, "alice").to_draw == []


def test_leaders_see_the_cases_due_soon_or_overdue_in_their_scope(world, clerk):
    soon = receive(clerk, world, case_type="arrest_review", custody=True, days_ago=6)
    late = receive(clerk, world, case_type="arrest_review", custody=True, days_ago=9)
    receive(clerk, world, case_type="prosecution_review", days_ago=0)
    for name in ("head", "chief", "city_chief"):
        found = desk_of(world, name)
        assert found.leader and numbers(found.warned) == [late.number, soon.number], name
        assert [c.due_state for c in found.warned] == ["overdue", "due_soon"]
        assert found.warned[0].days_left == -2
    assert desk_of(world, "olga").warned == []
    assert not desk_of(world, "alice").leader


def test_the_bulk_contexts_agree_with_the_lifecycles(world, clerk):
    mine = to_alice(world, receive(clerk, world))
    team = receive(clerk, world, flags=["major"])
    assignment.designate_case(
        actor=world.actor(world.chief), case=team, org=world.team, reason="major", reasoning="指定"
    )
    queued = receive(clerk, world)
    cases = [mine, team, queued]
    found = lifecycle.contexts_of(cases)
    for case in cases:
        assert found[case.pk] == lifecycle.context_of(case), case.number
    assert found[team.pk].lead == world.carol.pk


def _many(world, clerk, n: int) -> None:
    """n major arrest reviews assigned to Alice (a third waiting to start, a third submitted
    to the chief), and n prosecution reviews waiting for the draw."""
    for i in range(n):
        case = receive(clerk, world, case_type="arrest_review", custody=True, flags=["major"])
        case = to_alice(world, case)
        if i % 3:
            lifecycle.start_handling(actor=world.actor(world.alice), case=case)
        if i % 3 == 2:
            lifecycle.submit_decision(
                actor=world.actor(world.alice), case=case, matter="approve_arrest", reasoning="x"
            )
        receive(clerk, world, days_ago=i % 10)


def _queries(actor_of, call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call(actor_of())
    return len(captured)


def _still(monkeypatch) -> None:
    """The power list's index is compiled; keep the engine from looking for list changes
    made elsewhere (once a second) in the middle of a count."""
    monkeypatch.setattr(engine, "RECHECK", 10**9)


def test_the_desk_costs_the_same_queries_for_many_cases(
    world,
    clerk,
    listed,  # noqa: F811
    django_assert_max_num_queries,
    monkeypatch,
):
    _many(world, clerk, 3)
    people = ("alice", "chief", "frank", "head")

    def fresh(name):
        return lambda: Actor.for_login(name)

    for name in people:
        desk.desk(Actor.for_login(name))
    _still(monkeypatch)
    few = {name: _queries(fresh(name), desk.desk) for name in people}
    _many(world, clerk, 15)
    for name in people:
        actor = Actor.for_login(name)
        with django_assert_max_num_queries(few[name]):
            desk.desk(actor)
    assert len(desk.desk(Actor.for_login("chief")).to_decide) == 6


def test_the_desk_page_lists_them_in_a_constant_number_of_queries(
    world,
    clerk,
    listed,  # noqa: F811
    sign_in,
    django_assert_max_num_queries,
    monkeypatch,
):
    _many(world, clerk, 3)
    client = sign_in("chief")
    client.get(reverse("cases:desk"))
    _still(monkeypatch)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:desk"))
    _many(world, clerk, 12)
    with django_assert_max_num_queries(len(few)):
        text = client.get(reverse("cases:desk")).content.decode()
    assert text.count("批准逮捕") == 5
    assert "待您决定(5 件)" in text
    pending = Decision.objects.filter(status="pending").first()
    assert reverse("cases:detail", args=[pending.case_id]) in text


def test_the_desk_page_of_someone_with_nothing_waiting(world, sign_in):
    text = sign_in("olga").get(reverse("cases:desk")).content.decode()
    assert "您没有承办中的案件。" in text


def test_days_are_counted_from_today(world, clerk):
    case = receive(clerk, world, case_type="arrest_review", custody=True, days_ago=0)
    found = desk.desk(Actor.for_login("head"), day=TODAY + datetime.timedelta(days=8))
    assert numbers(found.warned) == [case.number] and found.warned[0].days_left == -1
