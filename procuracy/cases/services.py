"""The acts on the working-day calendar: seeding a year from the State Council's notice (as the
`chinese_calendar` package carries it) and marking or unmarking a day by hand. The calendar is
the province's: its case management office keeps it, and the system administrator may too.
"""

from __future__ import annotations

import copy
import datetime

import chinese_calendar
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procuracy.cases import lifecycle
from procuracy.cases.models import CalendarDay, DayKind, DaySource
from procuracy.core.actors import Actor
from procuracy.core.errors import RuleViolation
from procuracy.core.models import Ledgered, Visibility
from procuracy.core.permissions import BELOW, role_rule
from procuracy.core.spine import record, service
from procuracy.organisation.models import Level, Procuratorate

CALENDAR = role_rule(
    "cases.calendar",
    gettext_lazy("维护节假日和调休上班日历"),
    {"case_management"},
    BELOW,
    admin=True,
)

# The package's names (its Holiday enum's values) in the words of the State Council's notice.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def province() -> Procuratorate | None:
    """Where calendar acts happen: the province (the first, should there be several)."""
    return Procuratorate.objects.filter(level=Level.PROVINCE).order_by("code").first()


def official_years() -> range:
    """The years the installed package knows."""
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def official_days(year: int) -> list[tuple[datetime.date, str, str]]:
    """(day, kind, Chinese name) for every holiday and make-up working day of the year."""
    rows = [
        (day, DayKind.HOLIDAY, _chinese(name))
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    ]
    rows += [
        (day, DayKind.WORKDAY, _chinese(name))
        for day, name in chinese_calendar.workdays.items()
        if day.year == year and day.weekday() >= 5
    ]
    return sorted(rows)


def _chinese(name: str | None) -> str:
    return HOLIDAY_NAMES.get(name or "", name or "")


@service(CALENDAR, where=lambda kw: province())
def load_official_year(*, actor: Actor, year: int) -> list[CalendarDay]:
    """Seed a year from the State Council's notice, as one act. Days already marked by hand
    are kept as they are (the act says which)."""
    known = official_years()
    if year not in known:
        raise RuleViolation(
            _(
                "日历数据包(chinesecalendar)没有 %(year)s 年的节假日安排"
                "(现有 %(first)s—%(last)s 年);"
                "请升级数据包,或按国务院办公厅通知逐日标记。"
            )
            % {"year": year, "first": known.start, "last": known.stop - 1},
            "year",
        )
    existing = {c.day: c for c in CalendarDay.objects.filter(day__year=year)}
    if any(c.source == DaySource.OFFICIAL for c in existing.values()):
        raise RuleViolation(
            _("%(year)s 年的节假日安排已经载入,请用“标记”“取消标记”逐日修改。") % {"year": year},
            "year",
        )
    rows = []
    for day, kind, name in official_days(year):
        if day in existing:
            continue
        row = CalendarDay(day=day, kind=kind, name=name, source=DaySource.OFFICIAL)
        row.save()
        rows.append(row)
    if not rows:
        raise RuleViolation(_("%(year)s 年没有可载入的日期。") % {"year": year}, "year")
    written: list[Ledgered] = list(rows)
    moved = lifecycle.recount(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    record(
        actor=actor,
        kind="cases.calendar_loaded",
        subject=rows[0],
        procuratorate=province(),
        visibility=Visibility.OPEN,
        body={
            "year": year,
            "holidays": sum(r.kind == DayKind.HOLIDAY for r in rows),
            "workdays": sum(r.kind == DayKind.WORKDAY for r in rows),
            "kept": sorted(d.isoformat() for d in existing),
            "package": f"chinesecalendar {_package_version()}",
            "time_limits_moved": moved.moved,
        },
        rows=[*written, *moved.rows],
    )
    return rows


def _package_version() -> str:
    from importlib.metadata import version

    return version("chinesecalendar")


@service(CALENDAR, where=lambda kw: province())
def mark_day(
    *, actor: Actor, day: datetime.date, kind: str, name: str = "", note: str = ""
) -> CalendarDay:
    """Mark a day as a holiday or a make-up working day, or change its marking."""
    if kind not in DayKind.values:
        raise RuleViolation(_("类别只能是法定节假日或调休上班日。"), "kind")
    weekend = day.weekday() >= 5
    if kind == DayKind.WORKDAY and not weekend:
        raise RuleViolation(
            _("%(day)s 本来就是工作日,无须标记为调休上班日。") % {"day": day}, "day"
        )
    if kind == DayKind.HOLIDAY and not name.strip():
        raise RuleViolation(_("请填写节假日名称,如“国庆节”。"), "name")
    row = CalendarDay.objects.filter(day=day).first()
    before = {"kind": row.kind, "name": row.name, "source": row.source} if row else None
    if row is None:
        row = CalendarDay(day=day)
    row.kind, row.name, row.note = kind, name.strip(), note.strip()
    row.source = DaySource.MANUAL
    row.save()
    moved = lifecycle.recount(day, day)
    record(
        actor=actor,
        kind="cases.calendar_marked",
        subject=row,
        procuratorate=province(),
        visibility=Visibility.OPEN,
        body={
            "day": day.isoformat(),
            "kind": kind,
            "name": row.name,
            "note": row.note,
            "before": before,
            "time_limits_moved": moved.moved,
        },
        rows=[row, *moved.rows],
    )
    return row


@service(CALENDAR, where=lambda kw: province())
def unmark_day(*, actor: Actor, day: datetime.date, reason: str) -> None:
    """Remove a day's marking, so it counts as an ordinary weekday or weekend day again."""
    if not reason.strip():
        raise RuleViolation(_("请写明取消标记的理由。"), "reason")
    row = CalendarDay.objects.filter(day=day).first()
    if row is None:
        raise RuleViolation(_("%(day)s 没有标记,无须取消。") % {"day": day}, "day")
    gone = copy.copy(row)  # the act names the row it removed
    row.delete()
    moved = lifecycle.recount(day, day)
    record(
        actor=actor,
        kind="cases.calendar_unmarked",
        subject=gone,
        procuratorate=province(),
        visibility=Visibility.OPEN,
        body={
            "day": day.isoformat(),
            "kind": row.kind,
            "name": row.name,
            "source": row.source,
            "reason": reason.strip(),
            "time_limits_moved": moved.moved,
        },
        rows=moved.rows,
    )
