import datetime

import pytest

from conftest import REFORM, SYSTEM
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.organisation import services
from procuracy.organisation.models import BusinessLine, Department, DepartmentKind, Level


def lines(*codes):
    return list(BusinessLine.objects.filter(code__in=codes))


def test_the_ten_business_lines_sit_under_the_four_functions(db):
    assert BusinessLine.objects.count() == 10
    functions = set(BusinessLine.objects.values_list("function", flat=True))
    assert functions == {"criminal", "civil", "administrative", "public_interest"}
    assert BusinessLine.objects.filter(prosecutes=True).count() == 4


def test_a_base_procuratorate_hangs_below_a_city_and_its_path_says_so(world):
    assert world.base.parent == world.city
    assert world.base.path == "620000/620100/620102/"


def test_a_base_procuratorate_cannot_hang_directly_below_the_province(world):
    with pytest.raises(RuleViolation) as broken:
        services.create_procuratorate(
            actor=SYSTEM,
            code="620199",
            name="错误院",
            short_name="错误院",
            level=Level.BASE,
            parent=world.province,
        )
    assert "市州院" in broken.value.rule
    assert broken.value.field == "parent"


def test_a_procuratorate_code_is_used_once(world):
    with pytest.raises(RuleViolation):
        services.create_procuratorate(
            actor=SYSTEM,
            code="620102",
            name="重复院",
            short_name="重复",
            level=Level.BASE,
            parent=world.city,
        )


def test_a_combined_department_needs_two_lines_and_a_lower_level(world):
    with pytest.raises(RuleViolation, match="两个业务条线"):
        services.open_department(
            actor=SYSTEM,
            procuratorate=world.base,
            name="综合部",
            kind=DepartmentKind.COMBINED,
            business_lines=lines("civil"),
            valid_from=REFORM,
        )
    with pytest.raises(RuleViolation, match="组织法第十八条"):
        services.open_department(
            actor=SYSTEM,
            procuratorate=world.province,
            name="综合部",
            kind=DepartmentKind.COMBINED,
            business_lines=lines("civil", "administrative"),
            valid_from=REFORM,
        )


def test_departments_on_a_date_are_a_query_over_their_validity(world):
    old = services.open_department(
        actor=SYSTEM,
        procuratorate=world.base,
        name="公诉科",
        kind=DepartmentKind.BUSINESS,
        business_lines=lines("ordinary_crime"),
        valid_from=datetime.date(2016, 1, 1),
    )
    services.close_department(actor=SYSTEM, department=old, on=REFORM)
    before = Department.objects.on(REFORM - datetime.timedelta(days=1)).filter(
        procuratorate=world.base
    )
    after = Department.objects.on(REFORM).filter(procuratorate=world.base)
    assert list(before) == [old]
    assert old not in after and after.count() == 3


def test_a_department_with_staff_cannot_be_closed(world):
    with pytest.raises(RuleViolation, match="在编人员"):
        services.close_department(
            actor=SYSTEM, department=world.criminal, on=datetime.date(2025, 1, 1)
        )
    assert Department.objects.get(pk=world.criminal.pk).valid_to is None


def test_the_personnel_officer_may_open_a_department_and_the_act_is_recorded(world):
    grace = world.actor(world.grace)
    dept = services.open_department(
        actor=grace,
        procuratorate=world.base,
        name="第三检察部",
        kind=DepartmentKind.BUSINESS,
        business_lines=lines("minors"),
        valid_from=datetime.date(2025, 1, 1),
    )
    act = Act.objects.get(kind="org.department_opened", subject_id=dept.pk)
    assert act.actor == world.grace
    assert act.body["business_lines"] == ["minors"]


def test_a_prosecutor_may_not_open_a_department(world):
    with pytest.raises(ActDenied):
        services.open_department(
            actor=world.actor(world.alice),
            procuratorate=world.base,
            name="第三检察部",
            kind=DepartmentKind.BUSINESS,
            business_lines=lines("minors"),
            valid_from=datetime.date(2025, 1, 1),
        )
    assert not Department.objects.filter(name="第三检察部").exists()


def test_a_base_personnel_officer_cannot_reach_another_base(world):
    with pytest.raises(ActDenied):
        services.open_department(
            actor=world.actor(world.grace),
            procuratorate=world.other_base,
            name="第三检察部",
            kind=DepartmentKind.BUSINESS,
            business_lines=lines("minors"),
            valid_from=datetime.date(2025, 1, 1),
        )


def test_the_city_chief_reaches_the_base_below(world):
    dept = services.open_department(
        actor=world.actor(world.city_chief),
        procuratorate=world.other_base,
        name="第三检察部",
        kind=DepartmentKind.BUSINESS,
        business_lines=lines("minors"),
        valid_from=datetime.date(2025, 1, 1),
    )
    assert dept.procuratorate == world.other_base
