"""The demo province on paper: the report's shape, the same plan for the same seed, and the
arithmetic that spreads the counts. No database: the plan is pure."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procuracy.demo.plan import REPORT_SHAPE, make_plan
from procuracy.demo.spec import apportion, cn_number


@pytest.fixture(scope="module")
def plan():
    return make_plan(7)


def _base_keys(plan) -> set[int]:
    return {p.key for p in plan.places if p.level == "base"}


def test_the_plan_has_the_reports_procuratorates(plan):
    levels = Counter(p.level for p in plan.places)
    assert levels == {"province": 1, "city": 14, "branch": 3, "base": 94}
    assert len({p.code for p in plan.places}) == len(plan.places)
    assert len({p.name for p in plan.places}) == len(plan.places)


def test_base_departments_go_from_956_to_510(plan):
    base = _base_keys(plan)
    at_base = [d for d in plan.depts if d.place in base]
    assert sum(1 for d in at_base if d.closes_on) == 956
    assert sum(1 for d in at_base if not d.closes_on) == 510


def test_combined_departments_are_below_the_province_and_cover_several_lines(plan):
    """组织法 Art 18: city-level (分院 included, Art 13) and base procuratorates may combine."""
    levels = {p.key: p.level for p in plan.places}
    combined = [d for d in plan.depts if d.kind == "combined"]
    assert {levels[d.place] for d in combined} == {"city", "branch", "base"}
    assert all(len(d.lines) >= 2 for d in combined)


def test_people_follow_the_report(plan):
    counts = Counter((p.category, p.employment) for p in plan.people)
    assert counts["prosecutor", "regular"] == 1614
    assert counts["assistant", "regular"] == 1049
    assert counts["clerk", "regular"] == 322
    assert counts["administrative", "regular"] == 832
    assert counts["clerk", "contract"] > 2000
    base = _base_keys(plan)
    at_base = Counter(p.place for p in plan.people if p.category == "prosecutor")
    assert sum(n for k, n in at_base.items() if k in base) == 1145
    assert min(at_base[k] for k in base) >= 6


def test_every_prosecutor_is_in_the_quota_with_a_grade(plan):
    prosecutors = [p for p in plan.people if p.category == "prosecutor"]
    assert all(p.quota_on and p.grades for p in prosecutors)
    assert all(p.quota_on >= p.joined for p in prosecutors)


def test_the_regular_staff_of_the_report_went_through_rank_conversion(plan):
    converted = Counter(
        p.category for p in plan.people if any(r[2] == "conversion" for r in p.ranks)
    )
    assert converted["administrative"] == 832
    assert converted["assistant"] == 1049
    assert converted["clerk"] == 322


def test_organisations_are_1764_sole_and_505_fixed_teams(plan):
    assert len(plan.soles) == 1764
    assert len(plan.teams) == 505
    prosecutors = {p.key for p in plan.people if p.category == "prosecutor"}
    assert {s.prosecutor for s in plan.soles} == prosecutors
    sole_places = Counter((s.prosecutor, s.dept) for s in plan.soles)
    assert max(sole_places.values()) == 1  # one sole organisation per department


def test_teams_have_a_lead_and_one_to_three_more_from_one_procuratorate(plan):
    place_of = {p.key: p.place for p in plan.people}
    dept_place = {d.key: d.place for d in plan.depts}
    for team in plan.teams:
        assert 1 <= len(team.prosecutors) <= 3
        members = [team.lead, *team.prosecutors, *team.assistants, *team.clerks]
        assert {place_of[k] for k in members} == {dept_place[team.dept]}


def test_every_procuratorate_has_a_chief_deputies_and_an_odd_committee(plan):
    by_place = Counter()
    committee = Counter()
    for pos in plan.positions:
        place = plan.people[pos.person].place
        by_place[place, pos.kind] += 1
        if pos.kind == "committee_member":
            committee[place] += 1
    for place in plan.places:
        assert by_place[place.key, "chief"] == 1
        assert 2 <= by_place[place.key, "deputy_chief"] <= 4
        assert committee[place.key] % 2 == 1
        for office in ("case_management", "personnel", "inspection", "discipline"):
            assert by_place[place.key, office] >= 1


def test_one_account_per_role(plan):
    logins = [a.login for a in plan.accounts]
    assert len(logins) == len(set(logins)) == 12
    assert len({a.person for a in plan.accounts}) == 12


def test_the_same_seed_gives_the_same_plan_and_another_seed_another(plan):
    assert make_plan(7) == plan
    other = make_plan(8)
    assert [p.name for p in other.people] != [p.name for p in plan.people]


def test_the_plan_does_not_depend_on_the_report_shape_being_the_default():
    assert REPORT_SHAPE.prosecutors == 1614


@given(
    total=st.integers(0, 500),
    weights=st.lists(st.floats(0.01, 100), min_size=1, max_size=30),
)
def test_apportion_splits_the_whole_total_within_bounds(total, weights):
    lo = min(2, total // len(weights))
    counts = apportion(total, weights, lo=lo)
    assert sum(counts) == total
    assert all(c >= lo for c in counts)


def test_apportion_respects_upper_bounds_and_refuses_the_impossible():
    assert apportion(10, [1, 1, 8], hi=[5, 5, 2]) == [4, 4, 2]
    with pytest.raises(ValueError):
        apportion(10, [1, 1], hi=4)


def test_chinese_numerals_for_team_names():
    assert [cn_number(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]
