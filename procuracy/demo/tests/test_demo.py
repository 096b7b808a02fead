"""Building the demo province: only through the services (every row leaves its act), the same
seed gives the same records, and a database with data is never overwritten by accident.

These build a small province of the same make; the full one is built once, by the figures
test, which checks its numbers against the report.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from procuracy.caseorgs.models import CaseHandlingOrg
from procuracy.cases.models import CalendarDay
from procuracy.core.models import Act
from procuracy.demo import province
from procuracy.demo.plan import Shape, make_plan
from procuracy.ledger.verify import verify
from procuracy.organisation.models import BusinessLine, Department, Procuratorate
from procuracy.people.models import (
    Absence,
    GradeRecord,
    Position,
    QuotaRecord,
    RankRecord,
    Staff,
)
from procuracy.powers.models import ListVersion

SMALL = Shape(
    cities=2,
    branches=1,
    base_under_branches=(1,),
    base=5,
    base_with_two_criminal=1,
    base_with_personnel_office=1,
    base_departments_before=45,
    prosecutors=70,
    base_prosecutors=35,
    province_prosecutors=10,
    branch_prosecutors=5,
    assistants=40,
    clerks=12,
    contract_clerks=30,
    administrative=50,
    judicial_police=10,
    technicians=5,
    second_sole_orgs=5,
    fixed_teams=12,
    absences=3,
)
TODAY = datetime.date(2026, 3, 2)


def _build(seed: int = 7) -> province.Built:
    return province.build(make_plan(seed, SMALL), today=TODAY)


def test_the_same_seed_gives_the_same_province_after_a_reset(db):
    _build(7)
    first = province.fingerprint()
    province.reset()
    assert not Procuratorate.objects.exists()
    assert BusinessLine.objects.count() == 10  # the reference data came back
    _build(7)
    assert province.fingerprint() == first
    province.reset()
    _build(8)
    assert province.fingerprint() != first


def test_every_row_the_demo_writes_left_its_act(db):
    built = _build()

    def acts(kind: str) -> int:
        return Act.objects.filter(kind=kind).count()

    assert acts("org.procuratorate_created") == Procuratorate.objects.count()
    assert acts("org.department_opened") == Department.objects.count()
    assert (
        acts("org.department_closed") == Department.objects.filter(valid_to__isnull=False).count()
    )
    assert acts("people.staff_registered") == Staff.objects.count()
    assert acts("people.quota_entered") == QuotaRecord.objects.count()
    assert acts("people.grade_recorded") == GradeRecord.objects.count()
    assert acts("people.rank_recorded") == RankRecord.objects.count()
    assert acts("people.position_appointed") == Position.objects.count()
    assert acts("people.absence_recorded") == Absence.objects.count()
    assert acts("org.sole_formed") + acts("org.team_formed") == CaseHandlingOrg.objects.count()
    assert acts("people.account_opened") == len(built.accounts) - 1  # the admin is set-up
    assert acts("powers.version_approved") == ListVersion.objects.count() == 4
    # 2019 to the build year, as the case office loads them.
    assert acts("cases.calendar_loaded") == 8
    assert CalendarDay.objects.filter(day=datetime.date(2026, 2, 17), kind="holiday").exists()
    assert Act.objects.count() == built.calls


def test_the_demo_is_ledgered_entry_for_act_and_row_for_row(db):
    """Every act of the load is an entry of one unbroken log, and every row it wrote
    carries the hash its entry holds."""
    built = _build()

    report = verify()

    assert report.problems == []
    assert report.size == built.calls
    assert report.rows > built.calls  # memberships and postings come with their acts


def test_the_province_lists_are_in_force_and_revised_in_2024(db):
    """A base prosecutor decides a prosecution of 8 million yuan under the 2024 version, not
    under the 2019 one, where it went to the chief."""
    from decimal import Decimal

    from procuracy.core.actors import Actor
    from procuracy.powers.engine import Context, authorize

    _build()
    prosecutor = Actor.for_login("prosecutor")
    place = prosecutor.staff.procuratorate
    assert {v.power_list.level for v in ListVersion.objects.all()} == {"province", "city", "base"}

    def prosecute(day):
        facts = Context(procuratorate=place, amount=Decimal("8000000"), on=day)
        return authorize(prosecutor, "prosecute", facts)

    before, after = prosecute(datetime.date(2024, 8, 31)), prosecute(datetime.date(2024, 9, 1))
    assert not before.allowed and before.path[-1].holder == "chief"
    assert after.allowed and after.rule.code == "B09-1"


def test_history_is_dated_when_it_happened_not_when_it_was_built(db):
    _build()
    closed = Act.objects.filter(kind="org.department_closed").first()
    assert closed.occurred_at.date() == datetime.date(2019, 7, 1)
    assert closed.recorded_at.date() > closed.occurred_at.date()


def test_each_account_signs_in_with_the_demo_password(db, settings):
    built = _build()
    admin, *staff = built.accounts
    assert admin.login == province.ADMIN_LOGIN
    for account in staff:
        user = get_user_model().objects.get(username=account.login)
        assert user.check_password(province.DEMO_PASSWORD)
        assert user.staff.name == account.name


def test_the_admin_is_a_superuser_without_a_staff_record(db):
    _build()
    admin = get_user_model().objects.get(username=province.ADMIN_LOGIN)
    assert admin.is_superuser
    assert admin.check_password(province.DEMO_PASSWORD)
    assert not Staff.objects.filter(user=admin).exists()


def test_the_demo_refuses_a_database_that_holds_data(world):
    with pytest.raises(CommandError) as refused:
        call_command("demo", "--seed", "7")
    assert "--reset" in str(refused.value)
    assert "已有数据" in str(refused.value)
    assert Procuratorate.objects.count() == 4  # the world, untouched


@pytest.mark.parametrize("cases", ["-1", "many", "1000001"])
def test_the_demo_refuses_a_bad_case_count(db, cases):
    with pytest.raises(CommandError, match="--cases"):
        call_command("demo", "--cases", cases)


def test_a_build_day_before_the_history_ends_is_refused(db):
    with pytest.raises(ValueError):
        province.build(make_plan(7, SMALL), today=datetime.date(2024, 1, 1))


def test_loaded_tells_a_script_whether_there_is_data(db):
    with pytest.raises(SystemExit) as empty:
        call_command("demo", "--loaded")
    assert empty.value.code == 1
    _build()
    with pytest.raises(SystemExit) as loaded:
        call_command("demo", "--loaded")
    assert loaded.value.code == 0


def test_logins_lists_the_accounts_without_building(db):
    _build()
    out = io.StringIO()
    call_command("demo", "--logins", stdout=out)
    for login in ("admin", "province_chief", "case_manager", "discipline"):
        assert login in out.getvalue()
    assert Procuratorate.objects.count() == 9  # nothing more was built
