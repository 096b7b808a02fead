"""Working days: Monday to Friday unless the calendar marks a holiday, Saturday and Sunday only
when it marks a make-up working day. A `WorkingCalendar` reads the calendar's rows a year at a
time (one query per year it is asked about, never one per day) and then answers from memory.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from procuracy.cases.models import CalendarDay, DayKind
from procuracy.core import compiled

ONE_DAY = datetime.timedelta(days=1)
# A holiday period is at most nine days; a longer run of non-working days is a calendar error.
LONGEST_BREAK = 60


def _years_query(years: tuple[int, ...]):
    """The years' marked days (compiled once per process: every intake reads the calendar to
    compute the first stage's expiry)."""
    return CalendarDay.objects.filter(day__year__in=years).values_list("day", "kind", "name")


class WorkingCalendar:
    """The calendar's marked days, read once per year and kept.

    `WorkingCalendar({day: kind})` builds one from given rows (tests, a what-if); the
    class methods read the database. Years not given up front are read when first asked about,
    unless the calendar was built `closed` from rows alone."""

    def __init__(
        self,
        marks: Mapping[datetime.date, str] | None = None,
        *,
        names: Mapping[datetime.date, str] | None = None,
        years: Iterable[int] = (),
        closed: bool = True,
    ) -> None:
        self._marks: dict[datetime.date, str] = dict(marks or {})
        self._names: dict[datetime.date, str] = dict(names or {})
        self._loaded: set[int] = set(years) | {d.year for d in self._marks}
        self._closed = closed

    @classmethod
    def from_db(cls) -> WorkingCalendar:
        """Reads each year from the database when first asked about it."""
        return cls(closed=False)

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> WorkingCalendar:
        """The years from `start` to `end` read in one query; later years as needed."""
        calendar = cls.from_db()
        calendar._load(range(start.year, end.year + 1))
        return calendar

    @classmethod
    def for_year(cls, year: int) -> WorkingCalendar:
        return cls.between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def _load(self, years: Iterable[int]) -> None:
        wanted = [y for y in years if y not in self._loaded]
        if not wanted or self._closed:
            return
        for day, kind, name in compiled.fetch(_years_query, tuple(wanted)):
            if not isinstance(day, datetime.date):  # SQLite gives the text
                day = datetime.date.fromisoformat(day)
            self._marks[day] = kind
            self._names[day] = name
        self._loaded.update(wanted)

    def _mark(self, day: datetime.date) -> str | None:
        if day.year not in self._loaded:
            self._load([day.year])
        return self._marks.get(day)

    def knows(self, year: int) -> bool:
        """Whether any day of the year is marked: a year nobody has loaded counts weekends only,
        which a deadline's explanation says."""
        self._load([year])
        return any(d.year == year for d in self._marks)

    def is_working_day(self, day: datetime.date) -> bool:
        mark = self._mark(day)
        if mark == DayKind.HOLIDAY:
            return False
        if mark == DayKind.WORKDAY:
            return True
        return day.weekday() < 5

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day after `day`."""
        candidate = day + ONE_DAY
        for _ in range(LONGEST_BREAK):
            if self.is_working_day(candidate):
                return candidate
            candidate += ONE_DAY
        raise ValueError(f"no working day within {LONGEST_BREAK} days after {day}")

    def name_of(self, day: datetime.date) -> str:
        """The holiday's or make-up day's name ("国庆节"), or "" for an ordinary day."""
        self._mark(day)
        return self._names.get(day, "")


class Period:
    """A holiday period as the State Council's notice states it: its name, first and last
    day, and the weekend days worked in its place."""

    def __init__(self, name: str, first: datetime.date) -> None:
        self.name = name
        self.first = self.last = first
        self.workdays: list[datetime.date] = []

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def periods(rows: Iterable[CalendarDay]) -> list[Period]:
    """The year's marked days as holiday periods: consecutive holidays of one name form one
    period; each make-up working day joins the period of its name (the nearest, if two)."""
    found: list[Period] = []
    workdays: list[CalendarDay] = []
    for row in sorted(rows, key=lambda r: r.day):
        if row.kind == DayKind.WORKDAY:
            workdays.append(row)
            continue
        last = found[-1] if found else None
        if last and last.name == row.name and (row.day - last.last).days == 1:
            last.last = row.day
        else:
            found.append(Period(row.name, row.day))
    for row in workdays:
        same = [p for p in found if p.name == row.name] or found
        if same:
            min(same, key=lambda p: abs((p.first - row.day).days)).workdays.append(row.day)
    return found
