"""The figures on the small test world: each follows the records it counts, on the days it
is asked about, within what the actor may see."""

from __future__ import annotations

import datetime

from conftest import REFORM
from procuracy.caseorgs import services as caseorgs
from procuracy.core.actors import Actor
from procuracy.figures.selectors import report_figures
from procuracy.organisation import services as organisation
from procuracy.organisation.models import BusinessLine, DepartmentKind
from procuracy.people import services as people

SYSTEM = Actor.system()
BEFORE = datetime.date(2019, 6, 30)
LATER = datetime.date(2024, 1, 1)


def _values(figures, section: str) -> dict:
    return {item["key"]: item["value"] for item in figures["sections"][section]["items"]}


def _open(world, name, *codes, valid_from=datetime.date(2016, 1, 1), kind="business"):
    return organisation.open_department(
        actor=SYSTEM,
        procuratorate=world.base,
        name=name,
        kind=kind,
        business_lines=list(BusinessLine.objects.filter(code__in=codes)),
        valid_from=valid_from,
    )


def test_closing_a_department_moves_it_from_after_to_before(world):
    old = _open(world, "公诉科", "ordinary_crime")
    figures = report_figures(SYSTEM, before=BEFORE, after=LATER)
    # The world's three base departments open at the reform; the old one is still open.
    assert _values(figures, "base_departments")["before"] == 1
    assert _values(figures, "base_departments")["after"] == 5
    organisation.close_department(actor=SYSTEM, department=old, on=REFORM)
    figures = report_figures(SYSTEM, before=BEFORE, after=LATER)
    assert _values(figures, "base_departments") == {
        "before": 1,
        "after": 4,
        "change_percent": 300,
    }


def test_a_second_criminal_department_changes_the_distribution(world):
    figures = report_figures(SYSTEM, after=LATER)
    assert figures["sections"]["criminal_departments"]["distribution"]["base"] == {"1": 2}
    _open(world, "第二刑事检察部", "duty_crime", valid_from=REFORM)
    figures = report_figures(SYSTEM, after=LATER)
    assert figures["sections"]["criminal_departments"]["distribution"]["base"] == {
        "1": 1,
        "2": 1,
    }


def test_a_combined_department_without_prosecution_lines_is_not_criminal(world):
    _open(
        world, "综合业务部", "minors", "complaints", valid_from=REFORM, kind=DepartmentKind.COMBINED
    )
    figures = report_figures(SYSTEM, after=LATER)
    assert figures["sections"]["criminal_departments"]["distribution"]["base"] == {"1": 2}


def test_people_are_counted_where_they_worked_on_the_day(world):
    figures = report_figures(SYSTEM, after=LATER)
    people_now = {i["key"]: i for i in figures["sections"]["people"]["items"]}
    assert people_now["prosecutor"]["value"] == 9
    assert people_now["prosecutor"]["by_level"] == {
        "province": 1,
        "city": 1,
        "branch": 0,
        "base": 7,
    }
    people.staff_leaves(actor=SYSTEM, staff=world.bob, on=datetime.date(2023, 1, 1), reason="退休")
    figures = report_figures(SYSTEM, after=LATER)
    assert _values(figures, "people")["prosecutor"] == 8
    assert _values(figures, "quota")["base"] == 6
    assert _values(report_figures(SYSTEM, after=datetime.date(2022, 1, 1)), "quota")["base"] == 7


def test_quota_share_is_the_base_part_of_all_quota_prosecutors(world):
    figures = report_figures(SYSTEM, after=LATER)
    assert _values(figures, "quota") == {"total": 9, "base": 7, "base_share_percent": 77.8}


def test_dissolved_organisations_no_longer_count(world):
    figures = report_figures(SYSTEM, after=LATER)
    assert _values(figures, "case_handling_orgs") == {
        "sole": 2,
        "fixed": 1,
        "temporary": 0,
        "total": 3,
    }
    caseorgs.dissolve_org(actor=SYSTEM, org=world.sole_bob, on=datetime.date(2023, 1, 1))
    assert _values(report_figures(SYSTEM, after=LATER), "case_handling_orgs")["sole"] == 1
    assert (
        _values(report_figures(SYSTEM, after=BEFORE.replace(year=2022)), "case_handling_orgs")[
            "sole"
        ]
        == 2
    )


def test_what_a_base_prosecutor_sees_is_their_own_procuratorate(world):
    figures = report_figures(world.actor(world.alice), after=LATER)
    assert _values(figures, "procuratorates") == {
        "province": 0,
        "city": 0,
        "branch": 0,
        "base": 1,
        "total": 1,
    }
    assert _values(figures, "people")["prosecutor"] == 6


def test_the_city_chief_sees_the_city_and_its_base_procuratorates(world):
    figures = report_figures(world.actor(world.city_chief), after=LATER)
    assert _values(figures, "procuratorates")["total"] == 3


def test_figures_without_a_report_number_neither_agree_nor_disagree(world):
    figures = report_figures(SYSTEM, after=LATER)
    temporary = figures["sections"]["case_handling_orgs"]["items"][2]
    assert temporary["key"] == "temporary"
    assert temporary["report"] is None and temporary["agrees"] is None
    assert _values(figures, "procuratorates")["city"] == 1
    city = figures["sections"]["procuratorates"]["items"][1]
    assert city["report"] == 14 and city["agrees"] is False


def test_the_dates_default_to_the_reform_baseline_and_today(world, settings):
    settings.PROCURACY_REFORM_BASELINE = "2019-06-30"
    figures = report_figures(SYSTEM)
    assert figures["before"] == "2019-06-30"
    assert figures["after"] == datetime.date.today().isoformat()
