"""The demo's year of cases: taken in on working days by each case office, drawn (every draw
recomputes from the ledger) or designated within the warning limit, decided by whoever the
power list let decide, dated when it happened; and the sign-in accounts' desks have work.

A small province of the demo's make is built once for the module, with its year of cases,
inside a transaction rolled back at the end. The planning tests need no database.
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from procuracy.assignment.models import Assignment, AssignmentKind
from procuracy.assignment.verify import verify_all
from procuracy.cases.calendar import WorkingCalendar
from procuracy.cases.models import OPEN_STATUSES, Case, CaseStatus, Decision, DecisionStatus
from procuracy.core.actors import Actor
from procuracy.core.models import Act, today
from procuracy.demo import casebook, province
from procuracy.demo import cases as demo_cases
from procuracy.demo.plan import make_plan
from procuracy.demo.tests.test_demo import SMALL
from procuracy.figures.selectors import report_figures
from procuracy.ledger.verify import verify
from procuracy.people.models import Position

N = 300
TYPE_LINES = {
    "arrest_review": frozenset({"ordinary_crime", "major_crime", "minors"}),
    "prosecution_review": frozenset({"ordinary_crime", "economic_crime", "minors"}),
    "civil_supervision": frozenset({"civil"}),
    "criminal_complaint": frozenset({"complaints"}),
}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield province.build(make_plan(7, SMALL), today=today(), cases=N)
        transaction.set_rollback(True)


@pytest.fixture
def year(built, db):
    return built


def _open_of(login: str):
    staff = Actor.for_login(login).staff
    orgs = staff.memberships.values("org")
    return Case.objects.filter(
        status__in=OPEN_STATUSES, assignments__org__in=orgs, assignments__ended_at__isnull=True
    )


# ---- the plan ----------------------------------------------------------------------------


def _days(n=250):
    start = datetime.date(2025, 3, 3)
    found = [start + datetime.timedelta(days=i) for i in range(365)]
    return [d for d in found if d.weekday() < 5][:n]


def test_the_same_seed_plans_the_same_intakes():
    plan, days = make_plan(7, SMALL), _days()
    first = demo_cases.plan_cases(plan, 200, days, TYPE_LINES)
    assert demo_cases.plan_cases(plan, 200, days, TYPE_LINES) == first
    assert demo_cases.plan_cases(make_plan(8, SMALL), 200, days, TYPE_LINES) != first


def test_intakes_fall_on_the_working_days_given_in_time_order_each_of_a_type_it_handles():
    plan, days = make_plan(7, SMALL), _days()
    specs = demo_cases.plan_cases(plan, 200, days, TYPE_LINES)
    assert len(specs) <= 200 and set(s.day for s in specs) <= set(days)
    assert [(s.day, s.minute) for s in specs] == sorted((s.day, s.minute) for s in specs)
    lines = casebook.place_lines(plan)
    assert all(s.line in TYPE_LINES[s.case_type] & lines[s.place] for s in specs)
    assert all(s.title and s.parties for s in specs)


def test_the_showcase_gets_a_full_caseload_and_the_others_share_the_rest_by_prosecutors():
    plan = make_plan(7, SMALL)
    counts = demo_cases.allocate(plan, 3000)
    showcase = demo_cases.showcase_of(plan)
    assert sum(counts.values()) == 3000
    assert counts[showcase.key] == demo_cases.PER_PROSECUTOR * showcase.prosecutors
    busiest = max((p for p in plan.places if p.key != showcase.key), key=lambda p: p.prosecutors)
    quietest = min((p for p in plan.places if p.key != showcase.key), key=lambda p: p.prosecutors)
    assert counts[busiest.key] >= counts[quietest.key]
    # A small count: at most half goes to the showcase.
    assert demo_cases.allocate(plan, 90)[showcase.key] == 45


def test_the_showcase_keeps_its_last_intakes_in_the_queue():
    plan, days = make_plan(7, SMALL), _days()
    specs = demo_cases.plan_cases(plan, 200, days, TYPE_LINES)
    queued = [s for s in specs if s.queued]
    assert len(queued) == demo_cases.QUEUED
    assert {s.day for s in queued} == {days[-1]}
    assert {s.place for s in queued} == {demo_cases.showcase_of(plan).key}


# ---- the year, built ---------------------------------------------------------------------


def test_every_act_of_the_year_is_counted_and_ledgered(year):
    assert Act.objects.count() == year.calls
    assert Act.objects.filter(kind="powers.refused").count() == 0
    report = verify()
    assert report.problems == [] and report.size == year.calls


def test_every_draw_recomputes_from_the_ledger(year):
    checks = verify_all()
    assert len(checks) == Assignment.objects.filter(kind=AssignmentKind.DRAW).count() > 0
    assert [c.sentence for c in checks if not c.matches] == []


def test_cases_were_taken_in_by_the_case_office_on_working_days_of_the_last_year(year):
    first = today() - datetime.timedelta(days=365)
    received = Case.objects.values_list("received_on", "received_by", "procuratorate")
    clerks = set(
        Position.objects.filter(kind="case_management").values_list("staff", "procuratorate")
    )
    assert len(received) >= N - 10  # a type some procuratorate does not take in is skipped
    calendar = WorkingCalendar.between(first, today())
    assert all(first < day <= today() for day, _s, _p in received)
    assert all(calendar.is_working_day(day) for day, _s, _p in received)
    assert all((staff, place) in clerks for _d, staff, place in received)


def test_acts_carry_the_time_they_happened(year):
    acts = Act.objects.filter(kind="cases.received").values_list("occurred_at", "subject_id")
    days = dict(Case.objects.values_list("pk", "received_on"))
    assert all(timezone.localtime(at).date() == days[pk] for at, pk in acts)
    assert all(
        a.recorded_at >= a.occurred_at for a in Act.objects.filter(kind__startswith="cases.")
    )


def test_the_designated_share_stays_below_the_warning(year, settings):
    section = report_figures(Actor.system())["sections"]["assignment"]
    values = {i["key"]: i["value"] for i in section["items"]}
    assert values["designations"] >= 1  # at least the prosecutor's follow-up case
    assert values["designated_share"] < settings.PROCURACY_DESIGNATED_SHARE_WARNING
    assert "均未超过" in section["note"]
    reasons = set(Assignment.objects.exclude(reason="").values_list("reason", flat=True))
    assert reasons <= {"major", "leader", "related"}
    assert all(a.reasoning and a.approved_by for a in Assignment.objects.filter(kind="designation"))


def test_decisions_were_made_by_whom_the_list_allowed_and_cases_moved_on(year):
    made = Decision.objects.filter(status=DecisionStatus.MADE)
    assert made.exists() and all(d.basis for d in made)
    matters = Counter(made.values_list("matter__code", flat=True))
    assert matters["return_investigation"] >= 1 and matters["extend_review"] >= 1
    # A submission is decided by someone above the handler, or by the committee (recorded
    # with the chief who presides, who may be the handler).
    submitted = made.exclude(proposed_by=None)
    assert submitted.exists()
    assert all(d.decided_by_id != d.proposed_by_id or "检察委员会" in d.basis for d in submitted)
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses[CaseStatus.ARCHIVED] > statuses[CaseStatus.CLOSED] > 0
    assert statuses[CaseStatus.HANDLING] > 0


def test_the_prosecutor_has_open_cases_one_of_them_due_soon(year):
    day = today()
    mine = _open_of("prosecutor")
    assert mine.count() >= 2
    assert mine.filter(warn_on__lte=day, due_on__gte=day).exists()


def test_the_chief_has_a_decision_waiting(year):
    chief = Actor.for_login("chief").staff
    waiting = Decision.objects.filter(
        status=DecisionStatus.PENDING, case__procuratorate=chief.procuratorate
    )
    assert any(d.path[-1]["holder"] == "chief" for d in waiting)


def test_the_case_office_has_cases_to_draw_and_to_file(year):
    place = Actor.for_login("case_manager").staff.procuratorate
    here = Case.objects.filter(procuratorate=place)
    assert here.filter(status=CaseStatus.RECEIVED).count() >= demo_cases.QUEUED
    assert here.filter(status__in=(CaseStatus.CLOSED, CaseStatus.TRANSFERRED)).exists()


def test_the_figures_count_the_year(year):
    section = report_figures(Actor.system())["sections"]["cases"]
    values = {i["key"]: i["value"] for i in section["items"]}
    assert values["received"] == Case.objects.count()
    assert values["open"] == Case.objects.filter(status__in=OPEN_STATUSES).count()
    assert values["due_soon"] >= 1


def test_the_showcase_shows_each_way_of_oversight(year):
    """Reviews, a re-examination, a leader deciding otherwise, a written objection carried
    out, a committee meeting with votes, and reports to the chief — each made by a service."""
    from procuracy.oversight.models import Meeting, Objection, Report, Review, Vote

    assert Review.objects.filter(kind="agree").exists()
    assert Review.objects.filter(kind="reexamine").exists()
    overridden = Decision.objects.filter(overrides__isnull=False, binding=True)
    assert overridden.exists()
    assert Objection.objects.filter(answer="maintain").exists()
    executed = overridden.filter(executed_at__isnull=False)
    assert all(d.executed_at >= d.decided_at for d in executed)
    for meeting in Meeting.objects.filter(status="closed"):
        present = meeting.attendance.filter(present=True).count()
        assert 2 * present > meeting.members and meeting.members % 2 == 1
    assert Vote.objects.exists()
    assert Report.objects.filter(read_at__isnull=False).exists()
