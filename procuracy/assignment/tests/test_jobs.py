"""The worker's assignment jobs: a department's daily batch draw at its scheme's hour (the
cases received before it, none after), and nothing for a scheme without a batch hour."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from procuracy.assignment import jobs
from procuracy.assignment.tests.test_schemes import approved
from procuracy.assignment.tests.test_services import receive
from procuracy.assignment.verify import verify_case
from procuracy.cases.models import Case, CaseStatus
from procuracy.core.models import Act

ZONE = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=ZONE)


def status(case) -> str:
    return Case.objects.get(pk=case.pk).status


def test_the_batch_draws_what_came_in_before_its_hour_and_leaves_the_rest_for_tomorrow(
    world, clerk
):
    approved(world, batch_hour=9)
    early = receive(world, clerk, occurred_at=at(3, 8))
    late = receive(world, clerk, occurred_at=at(3, 10))
    assert jobs.run_batches(now=at(3, 8, 30)).drawn == []  # not yet nine o'clock
    run = jobs.run_batches(now=at(3, 10, 30))
    assert run.drawn == [early.number]
    assert status(early) == CaseStatus.ASSIGNED and status(late) == CaseStatus.RECEIVED
    assert jobs.run_batches(now=at(4, 9, 5)).drawn == [late.number]
    drawn = Act.objects.filter(kind="assignment.drawn").order_by("seq")
    assert [(a.actor, a.actor_label) for a in drawn] == [(None, "system")] * 2
    assert all(check.matches for case in (early, late) for check in verify_case(case))


def test_a_scheme_without_a_batch_hour_leaves_the_draw_to_the_case_office(world, clerk):
    approved(world)
    case = receive(world, clerk, occurred_at=at(3, 8))
    assert jobs.run_batches(now=at(3, 23)).drawn == []
    assert status(case) == CaseStatus.RECEIVED


def test_without_a_beacon_the_completion_job_does_nothing(world, clerk):
    assert jobs.complete_draws() == []
