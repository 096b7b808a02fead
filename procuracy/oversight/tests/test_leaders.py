"""Leaders' own cases (领导干部办案): who counts, from when, per person, procuratorate and
period; the by-year series; who may read the report; and a constant number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procuracy.caseorgs import services as caseorgs
from procuracy.cases import lifecycle
from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.oversight import leaders
from procuracy.oversight.tests.leaders_support import (
    DEPUTY_FROM,
    REFORM,
    SYSTEM,
    assign,
    at,
    chief_sole,
    make_deputy,
)
from procuracy.people import services as people
from procuracy.people.models import Staff
from procuracy.powers.tests.support import issue, item

Y2025 = leaders.Period(2025)


def rows_of(report: dict) -> dict[str, tuple]:
    return {
        r["staff"]["name"]: (r["post"], r["cases"], r["concluded"], r["decided"])
        for r in report["rows"]
    }


def test_a_chief_who_is_a_sole_prosecutor_counts_the_cases_assigned_to_him(world):
    org = chief_sole(world)
    assign(world, org, at(2025, 3))
    assign(world, org, at(2025, 9))
    found = leaders.report(SYSTEM, period=Y2025)
    assert rows_of(found) == {"韩川": ("chief", 2, 0, 0)}
    row = found["rows"][0]
    assert row["procuratorate"]["name"] == "城关区院" and row["post_label"] == "检察长"
    assert found["totals"] == {"cases": 2, "concluded": 0, "decided": 0, "leaders": 1}


def test_an_ordinary_prosecutors_cases_do_not_count(world):
    assign(world, world.sole_alice, at(2025, 3))
    assign(world, world.team, at(2025, 4))
    found = leaders.report(SYSTEM, period=Y2025)
    assert found["rows"] == [] and found["totals"]["cases"] == 0


def test_a_case_assigned_before_the_person_became_a_leader_does_not_count(world):
    make_deputy(world)
    assign(world, world.sole_bob, at(2025, 5, 31))  # the day before
    after = assign(world, world.sole_bob, at(2025, 6, 1))
    found = leaders.report(SYSTEM, period=Y2025)
    assert rows_of(found) == {"包博": ("deputy_chief", 1, 0, 0)}
    listed = leaders.leader_cases(SYSTEM, world.bob.pk, period=Y2025)
    assert [c["number"] for c in listed["cases"]] == [after.number]
    assert listed["cases"][0]["role"] == "sole" and listed["cases"][0]["post"] == "deputy_chief"


def test_a_case_assigned_after_the_leader_left_the_post_does_not_count(world):
    post = make_deputy(world, valid_from=datetime.date(2024, 1, 1))
    people.end_position(actor=SYSTEM, position=post, on=DEPUTY_FROM)
    assign(world, world.sole_bob, at(2025, 5, 31))
    assign(world, world.sole_bob, at(2025, 6, 1))
    assert rows_of(leaders.report(SYSTEM, period=Y2025)) == {"包博": ("deputy_chief", 1, 0, 0)}


def test_team_members_who_are_committee_members_each_count_and_the_total_once(world):
    for staff in (world.carol, world.dave):
        people.appoint(actor=SYSTEM, staff=staff, kind="committee_member", valid_from=REFORM)
    assign(world, world.team, at(2025, 2))
    found = leaders.report(SYSTEM, period=Y2025)
    assert rows_of(found) == {
        "蔡蕾": ("committee_member", 1, 0, 0),
        "丁伟": ("committee_member", 1, 0, 0),
    }
    assert found["totals"]["cases"] == 1 and found["totals"]["leaders"] == 2
    # The team's assistant is no prosecutor member, whatever post she held.
    assert "鄂琳" not in rows_of(found)


def test_a_team_members_cases_are_not_listed_for_the_leader_beside_him(world):
    people.appoint(actor=SYSTEM, staff=world.carol, kind="committee_member", valid_from=REFORM)
    assign(world, world.team, at(2025, 2))
    assert len(leaders.leader_cases(SYSTEM, world.carol.pk, period=Y2025)["cases"]) == 1
    with pytest.raises(Staff.DoesNotExist):
        leaders.leader_cases(SYSTEM, world.dave.pk, period=Y2025)


def test_a_chief_who_is_also_a_committee_member_is_shown_by_the_senior_post(world):
    people.appoint(actor=SYSTEM, staff=world.chief, kind="committee_member", valid_from=REFORM)
    assign(world, chief_sole(world), at(2025, 3))
    assert rows_of(leaders.report(SYSTEM, period=Y2025)) == {"韩川": ("chief", 1, 0, 0)}


def test_what_the_leader_concluded_and_decided_is_counted(world):
    issue(world, "base", [item(1, "prosecute", "prosecutor")])
    org = chief_sole(world)
    decided = assign(world, org, at(2025, 3))
    assign(world, org, at(2025, 4))
    chief = world.actor(world.chief)
    lifecycle.start_handling(actor=chief, case=decided)
    lifecycle.decide(actor=chief, case=decided, matter="prosecute", reasoning="证据确实充分")
    found = leaders.report(SYSTEM, period=Y2025)
    assert rows_of(found) == {"韩川": ("chief", 2, 1, 1)}
    listed = leaders.leader_cases(SYSTEM, world.chief.pk, period=Y2025)["cases"]
    assert [(c["number"], c["concluded"], c["decided"]) for c in listed] == [
        (decided.number, True, True),
        (listed[1]["number"], False, False),
    ]


def test_the_period_is_a_year_a_quarter_or_a_month(world):
    org = chief_sole(world)
    for month in (1, 2, 4, 7, 12):
        assign(world, org, at(2025, month))
    assign(world, org, at(2024, 12, 31))

    def cases(**period):
        return leaders.report(SYSTEM, period=leaders.Period(2025, **period))["totals"]["cases"]

    assert cases() == 5
    assert (cases(quarter=1), cases(quarter=2), cases(quarter=4)) == (2, 1, 1)
    assert (cases(month=2), cases(quarter=3, month=7), cases(month=3)) == (1, 1, 0)


def test_a_month_outside_its_quarter_is_refused(db):
    with pytest.raises(RuleViolation, match="不在第 1 季度") as refused:
        leaders.Period(2025, quarter=1, month=5)
    assert refused.value.field == "month"
    with pytest.raises(RuleViolation):
        leaders.Period(2025, quarter=5)


def test_the_by_year_series_counts_each_procuratorates_cases_by_year(world):
    org = chief_sole(world)
    make_deputy(world, valid_from=datetime.date(2022, 1, 1))
    for year, n in ((2023, 1), (2024, 2), (2025, 3)):
        for i in range(n):
            assign(world, org, at(year, 3 + i))
    assign(world, world.sole_bob, at(2025, 8))
    assign(world, world.sole_alice, at(2024, 8))  # not a leader's
    found = leaders.series(leaders.report_scope(SYSTEM, "case__procuratorate"))
    assert found["years"] == [2023, 2024, 2025]
    assert found["total"] == [1, 2, 4] and found["sum"] == 7
    (base,) = found["rows"]
    assert base["procuratorate"]["name"] == "城关区院"
    assert base["counts"] == [1, 2, 4] and base["leaders"] == [1, 1, 2]
    assert found["rising"] is True
    # A year under way is not compared with whole ones.
    assert (
        leaders.series(
            leaders.report_scope(SYSTEM, "case__procuratorate"), until=datetime.date(2025, 6, 30)
        )["rising"]
        is True
    )
    early = leaders.series(
        leaders.report_scope(SYSTEM, "case__procuratorate"), until=datetime.date(2024, 6, 30)
    )
    assert early["years"] == [2023, 2024] and early["rising"] is None


def test_a_year_with_fewer_cases_is_not_rising(world):
    org = chief_sole(world)
    assign(world, org, at(2023, 3))
    assign(world, org, at(2023, 4))
    assign(world, org, at(2024, 3))
    found = leaders.series(leaders.report_scope(SYSTEM, "case__procuratorate"))
    assert found["total"] == [2, 1] and found["rising"] is False


# ---- who reads it -------------------------------------------------------------------------


@pytest.fixture
def two_bases(world):
    """A leader's case at each base: 韩川's at 城关区院, and 欧阳晓's — chief of 七里河区院 and
    its sole prosecutor — at the other."""
    people.appoint(actor=SYSTEM, staff=world.olga, kind="chief", valid_from=REFORM)
    olga_org = caseorgs.form_sole_org(
        actor=SYSTEM, department=world.other_criminal, prosecutor=world.olga, valid_from=REFORM
    )
    assign(world, chief_sole(world), at(2025, 3))
    assign(world, olga_org, at(2025, 3), approver=world.olga)


def test_a_base_chief_sees_only_their_own_and_the_city_chief_both(world, two_bases):
    base = leaders.report(world.actor(world.chief), period=Y2025)
    assert list(rows_of(base)) == ["韩川"]
    assert base["series"]["total"] == [1]
    city = leaders.report(world.actor(world.city_chief), period=Y2025)
    assert list(rows_of(city)) == ["韩川", "欧阳晓"] and city["totals"]["cases"] == 2
    with pytest.raises(Staff.DoesNotExist):
        leaders.leader_cases(world.actor(world.chief), world.olga.pk, period=Y2025)


def test_the_personnel_and_case_offices_read_it_and_a_prosecutor_may_not(world, clerk, two_bases):
    grace = leaders.report(world.actor(world.grace), period=Y2025)
    assert list(rows_of(grace)) == ["韩川"]
    assert list(rows_of(leaders.report(clerk, period=Y2025))) == ["韩川"]
    for staff in (world.alice, world.head):
        with pytest.raises(ActDenied, match="领导干部办案通报仅供"):
            leaders.report(world.actor(staff), period=Y2025)


def test_a_procuratorate_filter_keeps_it_with_or_without_those_below(world, two_bases):
    city = world.actor(world.city_chief)
    below = leaders.report(city, period=Y2025, procuratorate=world.city)
    own = leaders.report(city, period=Y2025, procuratorate=world.city, below=False)
    other = leaders.report(city, period=Y2025, procuratorate=world.other_base)
    assert below["totals"]["cases"] == 2 and own["totals"]["cases"] == 0
    assert list(rows_of(other)) == ["欧阳晓"]


def test_a_sealed_case_is_listed_without_its_title_and_opened_only_by_who_may(world, clerk):
    org = chief_sole(world)
    assign(world, org, at(2025, 3), sealed="juvenile")
    (case,) = leaders.leader_cases(world.actor(world.grace), world.chief.pk, period=Y2025)["cases"]
    assert case["sealed"] and case["title"] == "" and not case["readable"]
    (case,) = leaders.leader_cases(world.actor(world.chief), world.chief.pk, period=Y2025)["cases"]
    assert case["readable"]


# ---- a few queries, whatever the number of cases ---------------------------------------


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as seen:
        fn()
    return len(seen.captured_queries)


def test_the_report_and_a_leaders_cases_take_the_same_few_queries_for_more_cases(world):
    org = chief_sole(world)
    make_deputy(world, valid_from=REFORM)
    assign(world, org, at(2025, 3))
    actor = Actor.system()

    def report():
        leaders.report(actor, period=Y2025)

    def cases():
        leaders.leader_cases(actor, world.chief.pk, period=Y2025)

    few = (_queries(report), _queries(cases))
    for month in range(4, 12):
        assign(world, org, at(2025, month))
        assign(world, world.sole_bob, at(2025, month))
        assign(world, org, at(2024, month))
    assert (_queries(report), _queries(cases)) == few
    assert few[0] <= 4 and few[1] <= 4
    assert leaders.report(actor, period=Y2025)["totals"]["cases"] == 17
