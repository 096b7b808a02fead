"""The working-day calendar: loading a year from the State Council's notice, marking and
unmarking days, who may, the `procuracy calendar` command and the calendar page."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import PASSWORD, SYSTEM
from procuracy.cases import deadlines, services
from procuracy.cases.calendar import WorkingCalendar, periods
from procuracy.cases.models import CalendarDay, DayKind, DaySource
from procuracy.core.errors import ActDenied, RuleViolation
from procuracy.core.models import Act
from procuracy.people import services as people
from procuracy.people.models import Category, Employment, PositionKind

D = datetime.date
FROM = D(2019, 7, 1)


@pytest.fixture
def keeper(world):
    """The province's case management officer, who keeps the calendar."""
    staff = people.register_staff(
        actor=SYSTEM,
        procuratorate=world.province,
        department=None,
        name="柯安",
        gender="M",
        category=Category.ADMINISTRATIVE,
        employment=Employment.REGULAR,
        joined_on=FROM,
        posted_from=FROM,
    )
    people.appoint(actor=SYSTEM, staff=staff, kind=PositionKind.CASE_MANAGEMENT, valid_from=FROM)
    people.open_account(actor=SYSTEM, staff=staff, login="keeper", password=PASSWORD)
    return world.actor(staff)


@pytest.fixture
def loaded(keeper):
    services.load_official_year(actor=keeper, year=2026)
    return keeper


# ---- services ------------------------------------------------------------------------------


def test_loading_a_year_writes_its_holidays_and_make_up_days_in_one_act(keeper):
    rows = services.load_official_year(actor=keeper, year=2026)

    national = CalendarDay.objects.get(day=D(2026, 10, 1))
    assert (national.kind, national.name, national.source) == ("holiday", "国庆节", "official")
    assert CalendarDay.objects.get(day=D(2026, 10, 10)).kind == DayKind.WORKDAY
    assert {r.name for r in rows} == {
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    }
    act = Act.objects.get(kind="cases.calendar_loaded")
    assert act.body["year"] == 2026 and act.body["holidays"] == 33 and act.body["workdays"] == 6
    assert all(r.ledger_seq == act.seq for r in CalendarDay.objects.all())


def test_the_2015_victory_day_has_its_chinese_name(keeper):
    services.load_official_year(actor=keeper, year=2015)
    assert CalendarDay.objects.get(day=D(2015, 9, 3)).name == "抗战胜利纪念日"


def test_a_year_already_loaded_is_refused_with_the_edit_acts_named(loaded):
    with pytest.raises(RuleViolation, match=r"已经载入.*标记"):
        services.load_official_year(actor=loaded, year=2026)
    assert Act.objects.filter(kind="cases.calendar_loaded").count() == 1


def test_a_year_the_package_does_not_know_is_refused(keeper):
    with pytest.raises(RuleViolation, match="没有 2099 年的节假日安排"):
        services.load_official_year(actor=keeper, year=2099)
    assert not CalendarDay.objects.exists()


def test_loading_keeps_a_day_marked_by_hand(keeper):
    services.mark_day(actor=keeper, day=D(2026, 10, 1), kind="holiday", name="国庆节(本省)")
    services.load_official_year(actor=keeper, year=2026)
    assert CalendarDay.objects.get(day=D(2026, 10, 1)).source == DaySource.MANUAL
    assert Act.objects.get(kind="cases.calendar_loaded").body["kept"] == ["2026-10-01"]


def test_a_day_is_marked_changed_and_unmarked_each_as_a_ledgered_act(loaded):
    day = D(2026, 12, 31)
    services.mark_day(actor=loaded, day=day, kind="holiday", name="临时放假", note="国办发明电")
    assert not WorkingCalendar.for_year(2026).is_working_day(day)
    services.mark_day(actor=loaded, day=day, kind="holiday", name="元旦前夕")
    assert CalendarDay.objects.get(day=day).name == "元旦前夕"

    services.unmark_day(actor=loaded, day=day, reason="通知撤回")

    assert not CalendarDay.objects.filter(day=day).exists()
    assert WorkingCalendar.for_year(2026).is_working_day(day)
    kinds = list(Act.objects.filter(kind__startswith="cases.").values_list("kind", flat=True))
    assert kinds[-3:] == [
        "cases.calendar_marked",
        "cases.calendar_marked",
        "cases.calendar_unmarked",
    ]
    unmarked = Act.objects.get(kind="cases.calendar_unmarked")
    assert unmarked.body["reason"] == "通知撤回" and unmarked.body["name"] == "元旦前夕"


def test_marking_refuses_what_makes_no_sense(keeper):
    with pytest.raises(RuleViolation, match="本来就是工作日"):
        services.mark_day(actor=keeper, day=D(2026, 3, 4), kind="workday")
    with pytest.raises(RuleViolation, match="节假日名称"):
        services.mark_day(actor=keeper, day=D(2026, 3, 4), kind="holiday")
    with pytest.raises(RuleViolation, match="没有标记"):
        services.unmark_day(actor=keeper, day=D(2026, 3, 4), reason="误")
    with pytest.raises(RuleViolation, match="理由"):
        services.unmark_day(actor=keeper, day=D(2026, 3, 4), reason=" ")


def test_a_prosecutor_may_not_touch_the_calendar(world):
    alice = world.actor(world.alice)
    with pytest.raises(ActDenied):
        services.load_official_year(actor=alice, year=2026)
    with pytest.raises(ActDenied):
        services.mark_day(actor=alice, day=D(2026, 3, 4), kind="holiday", name="假")
    assert not CalendarDay.objects.exists()
    assert Act.objects.filter(kind="powers.refused").count() == 2


def test_a_base_case_manager_may_not_either_but_the_administrator_may(world, keeper):
    grace = world.actor(world.grace)  # personnel at the base: no calendar rule
    with pytest.raises(ActDenied):
        services.load_official_year(actor=grace, year=2026)
    services.load_official_year(actor=SYSTEM, year=2025)
    assert CalendarDay.objects.filter(day__year=2025).exists()


# ---- the calendar as the deadlines read it ---------------------------------------------------


def test_a_working_calendar_reads_each_year_once(loaded, django_assert_num_queries):
    with django_assert_num_queries(1):
        cal = WorkingCalendar.between(D(2026, 1, 1), D(2026, 12, 31))
        working = [d for d in (D(2026, 1, 1) + datetime.timedelta(n) for n in range(365))]
        # 261 weekdays, less 19 holidays on weekdays, plus 6 make-up Saturdays and Sundays.
        assert sum(cal.is_working_day(d) for d in working) == 248
    assert cal.next_working_day(D(2026, 9, 30)) == D(2026, 10, 8)
    assert cal.name_of(D(2026, 10, 1)) == "国庆节"


def test_the_national_day_holiday_as_loaded_shifts_a_free_suspects_expiry(loaded):
    cal = WorkingCalendar.between(D(2026, 9, 3), D(2026, 12, 31))
    free = deadlines.expiry("prosecution_review", D(2026, 9, 3), calendar=cal, custody=False)
    held = deadlines.expiry("prosecution_review", D(2026, 9, 3), calendar=cal, custody=True)
    assert (free.day, held.day) == (D(2026, 10, 8), D(2026, 10, 3))


def test_a_year_not_loaded_is_said_to_count_weekends_only(db):
    cal = WorkingCalendar.from_db()
    deadline = deadlines.expiry("prosecution_review", D(2027, 3, 1), calendar=cal, custody=True)
    assert "2027 年的节假日安排尚未载入" in deadline.explanation[-1]


def test_periods_group_the_days_as_the_notice_states_them(loaded):
    found = {p.name: p for p in periods(CalendarDay.objects.filter(day__year=2026))}
    national = found["国庆节"]
    assert (national.first, national.last, national.days) == (D(2026, 10, 1), D(2026, 10, 7), 7)
    assert national.workdays == [D(2026, 9, 20), D(2026, 10, 10)]


# ---- the command -----------------------------------------------------------------------------


def calendar(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("calendar", *args, stdout=out, stderr=err)
    except CommandError as refused:
        return refused.returncode, out.getvalue(), str(refused)
    return 0, out.getvalue(), err.getvalue()


def test_the_command_loads_and_shows_a_year(keeper):
    code, out, _ = calendar("load", "--year", "2026", "--as", "keeper")
    assert code == 0 and "法定节假日 33 天,调休上班日 6 天" in out
    code, out, _ = calendar("show", "--year", "2026")
    assert code == 0 and "2026-10-01" in out and "国庆节" in out and "调休上班日" in out


def test_the_command_refuses_with_exit_code_1(world, keeper):
    calendar("load", "--year", "2026", "--as", "keeper")
    code, _, err = calendar("load", "--year", "2026", "--as", "keeper")
    assert code == 1 and "已经载入" in err
    code, _, err = calendar(
        "mark", "--day", "2026-03-04", "--kind", "holiday", "--name", "假", "--as", "alice"
    )
    assert code == 1


def test_the_command_marks_and_unmarks(keeper):
    code, out, _ = calendar(
        "mark", "--day", "2026-03-07", "--kind", "workday", "--note", "本省调休", "--as", "keeper"
    )
    assert code == 0 and "已标记" in out
    assert CalendarDay.objects.get(day=D(2026, 3, 7)).note == "本省调休"
    code, _, _ = calendar("unmark", "--day", "2026-03-07", "--reason", "误标", "--as", "keeper")
    assert code == 0 and not CalendarDay.objects.exists()


def test_the_command_answers_bad_usage_with_exit_code_2(world):
    assert calendar("load", "--year", "2026", "--as", "nobody")[0] == 2
    assert calendar("deadline", "--stage", "fast_track", "--from", "2026-13-01")[0] == 2
    assert (
        calendar("deadline", "--stage", "fast_track", "--from", "2026-03-02", "--variant", "x")[0]
        == 2
    )


def test_the_command_explains_a_deadline(loaded):
    code, out, _ = calendar("deadline", "--stage", "prosecution_review", "--from", "2026-09-03")
    assert code == 0 and "届满日:2026-10-08" in out and "顺延至 2026-10-08" in out
    code, out, _ = calendar(
        "deadline", "--stage", "prosecution_review", "--from", "2026-09-03", "--custody"
    )
    assert "届满日:2026-10-03" in out and "不顺延" in out


# ---- the page --------------------------------------------------------------------------------


def url(year=2026) -> str:
    return reverse("cases:calendar") + f"?year={year}"


def test_the_page_shows_the_years_holidays_and_make_up_days(loaded, sign_in):
    html = sign_in("alice").get(url()).content.decode()
    assert "2026 年节假日日历" in html
    assert "国庆节" in html and "10月1日 — 10月7日" in html and "10月10日" in html
    assert "2026-10-10" in html


def test_a_prosecutor_sees_the_actions_disabled_with_the_reason(world, sign_in):
    html = sign_in("alice").get(url()).content.decode()
    assert 'aria-describedby="why-load"' in html and "disabled" in html
    assert 'aria-describedby="why-mark"' in html and 'aria-describedby="why-unmark"' in html
    assert reverse("cases:calendar_mark") not in html


def test_the_keeper_loads_marks_and_unmarks_from_the_page(keeper, sign_in):
    client = sign_in("keeper")
    assert reverse("cases:calendar_load") in client.get(url()).content.decode()

    answer = client.post(reverse("cases:calendar_load"), {"year": 2026})
    assert answer.status_code == 302 and CalendarDay.objects.filter(day__year=2026).count() == 39
    answer = client.post(
        reverse("cases:calendar_mark"), {"day": "2026-12-31", "kind": "holiday", "name": "临时"}
    )
    assert answer.status_code == 302 and CalendarDay.objects.filter(day=D(2026, 12, 31)).exists()
    answer = client.post(reverse("cases:calendar_unmark"), {"day": "2026-12-31", "reason": "撤回"})
    assert (
        answer.status_code == 302 and not CalendarDay.objects.filter(day=D(2026, 12, 31)).exists()
    )


def test_a_refused_post_answers_403_and_a_broken_rule_shows_its_reason(world, keeper, sign_in):
    answer = sign_in("alice").post(reverse("cases:calendar_load"), {"year": 2026})
    assert answer.status_code == 403 and not CalendarDay.objects.exists()
    answer = sign_in("keeper").post(
        reverse("cases:calendar_mark"), {"day": "2026-03-04", "kind": "workday"}
    )
    assert answer.status_code == 200 and "本来就是工作日" in answer.content.decode()


def test_a_year_the_package_does_not_know_says_how_to_fill_it_in(loaded, sign_in):
    html = sign_in("keeper").get(url(2099)).content.decode()
    assert "2099 年的国务院节假日安排尚未载入" in html and "日历数据包还没有 2099 年的安排" in html
    assert reverse("cases:calendar_load") not in html
