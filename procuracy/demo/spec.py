"""What the demo province's plan is made of: the shape (the report's counts), the dated
specifications of each record, and the arithmetic and names the planning steps share."""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from procuracy.demo import names

D = datetime.date

FOUNDED = D(2016, 1, 1)  # the pre-reform departments are valid from here
REFORM = D(2019, 7, 1)  # the internal-department reform: old departments end, new ones begin
RANK_CONVERSION = D(2019, 6, 1)  # 职级套改 under the 2019 civil-service rank reform
SECOND_POSTS = D(2021, 3, 1)  # concurrent sole organisations come with a later adjustment
# Quota selection rounds, twice a year (一年组织两批); the first converts the old grades.
QUOTA_ROUNDS = tuple(D(y, m, 1) for y in range(2017, 2025) for m in (1, 7))
# The last fixed date in the plan: a build day before it would put history in the future.
HISTORY_END = D(2025, 7, 1)

PROVINCE, CITY, BRANCH, BASE = "province", "city", "branch", "base"
PROSECUTOR, ASSISTANT, CLERK = "prosecutor", "assistant", "clerk"
POLICE, TECHNICIAN, ADMINISTRATIVE = "judicial_police", "technician", "administrative"
CASE_HANDLING = ("business", "combined")


@dataclass(frozen=True)
class Shape:
    """The counts the demo province is built to. The defaults are the report's; the figures
    page and its test compare what the records give back with these."""

    cities: int = 14
    branches: int = 3
    base_under_branches: tuple[int, ...] = (3, 3, 2)
    base: int = 94
    base_with_two_criminal: int = 12
    base_with_personnel_office: int = 28
    base_departments_before: int = 956
    prosecutors: int = 1614
    base_prosecutors: int = 1145
    province_prosecutors: int = 95
    branch_prosecutors: int = 14
    min_base_prosecutors: int = 6
    assistants: int = 1049
    clerks: int = 322
    contract_clerks: int = 2046
    administrative: int = 832
    # Not in the report: modest counts of our own choosing.
    judicial_police: int = 180
    technicians: int = 120
    second_sole_orgs: int = 150
    fixed_teams: int = 505
    absences: int = 30


REPORT_SHAPE = Shape()


# --- specifications ------------------------------------------------------------------------


@dataclass
class PlaceSpec:
    key: int
    code: str
    name: str
    short_name: str
    level: str
    parent: int | None
    weight: float = 1.0
    prosecutors: int = 0
    leaders: list[int] = field(default_factory=list)  # the chief first, then the deputies


@dataclass
class DeptSpec:
    key: int
    place: int
    name: str
    kind: str
    lines: tuple[str, ...] = ()
    valid_from: datetime.date = REFORM
    closes_on: datetime.date | None = None
    share: float = 1.0  # how much of the procuratorate's work lands here

    @property
    def handles_cases(self) -> bool:
        return self.kind in CASE_HANDLING


@dataclass
class PersonSpec:
    key: int
    place: int
    dept: int | None
    name: str
    gender: str
    birth: datetime.date
    category: str
    employment: str
    joined: datetime.date
    quota_on: datetime.date | None = None
    grades: list[tuple[int, datetime.date, str]] = field(default_factory=list)
    ranks: list[tuple[str, datetime.date, str]] = field(default_factory=list)

    @property
    def posted_from(self) -> datetime.date:
        """Everyone is posted to a post-reform department; earlier postings are not made up."""
        return max(self.joined, REFORM)


@dataclass
class PositionSpec:
    person: int
    kind: str
    dept: int | None
    valid_from: datetime.date


@dataclass
class SoleSpec:
    dept: int
    prosecutor: int
    valid_from: datetime.date
    assistants: list[int] = field(default_factory=list)


@dataclass
class TeamSpec:
    dept: int
    name: str
    lead: int
    prosecutors: list[int]
    valid_from: datetime.date
    assistants: list[int] = field(default_factory=list)
    clerks: list[int] = field(default_factory=list)


@dataclass
class AbsenceSpec:
    """Dated relative to the build day: the one part of the history that must be."""

    person: int
    kind: str
    starts_in: int  # days after the build day (negative: before)
    days: int


@dataclass
class AccountSpec:
    login: str
    role: str
    person: int


@dataclass
class Plan:
    seed: int
    shape: Shape
    places: list[PlaceSpec]
    depts: list[DeptSpec]
    people: list[PersonSpec]
    positions: list[PositionSpec]
    soles: list[SoleSpec]
    teams: list[TeamSpec]
    absences: list[AbsenceSpec]
    accounts: list[AccountSpec]

    def size(self) -> int:
        """How many service calls the build makes, for the progress bar."""
        return (
            len(self.places)
            + len(self.depts)
            + sum(1 for d in self.depts if d.closes_on)
            + sum(1 + len(p.grades) + len(p.ranks) + bool(p.quota_on) for p in self.people)
            + len(self.positions)
            + len(self.soles)
            + len(self.teams)
            + len(self.absences)
            + len(self.accounts)
        )


# --- arithmetic -----------------------------------------------------------------------------


def apportion(total: int, weights, *, lo=0, hi=None) -> list[int]:
    """Split `total` into whole numbers in proportion to `weights`, each within [lo, hi]
    (a number or one per weight), by largest remainder. Raises ValueError if impossible."""
    n = len(weights)
    los = list(lo) if isinstance(lo, list | tuple) else [lo] * n
    his = list(hi) if isinstance(hi, list | tuple) else [math.inf if hi is None else hi] * n
    if not (sum(los) <= total <= sum(his)):
        raise ValueError(f"cannot split {total} within the bounds")
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(n) if i not in fixed]
        left = total - sum(fixed.values())
        mass = sum(weights[i] for i in free) or 1.0
        share = {i: left * (weights[i] or 0) / mass for i in free}
        clamped = {i: los[i] for i in free if share[i] < los[i]}
        clamped |= {i: his[i] for i in free if share[i] > his[i]}
        if not clamped:
            break
        fixed |= clamped
    counts = [0] * n
    for i, v in fixed.items():
        counts[i] = int(v)
    for i in free:
        counts[i] = math.floor(share[i])
    short = total - sum(counts)
    order = sorted(free, key=lambda i: (share[i] - counts[i], -i), reverse=True)
    for i in order:
        if short == 0:
            break
        if counts[i] < his[i]:
            counts[i] += 1
            short -= 1
    if short:
        raise ValueError(f"cannot split {total} within the bounds")
    return counts


def years(day: datetime.date, n: int) -> datetime.date:
    return day.replace(year=day.year + n, day=min(day.day, 28))


def random_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days)))


CN_NUMERALS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUMERALS[n - 1]
    if n < 20:
        return "十" + CN_NUMERALS[n - 11]
    tens, ones = divmod(n, 10)
    return CN_NUMERALS[tens - 1] + "十" + (CN_NUMERALS[ones - 1] if ones else "")


# --- names ----------------------------------------------------------------------------------


class NameMaker:
    """Made-up personal names, unique within a procuratorate."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.surnames = list(dict.fromkeys(names.SURNAMES))
        self.male = list(dict.fromkeys(names.GIVEN_MALE))
        self.female = list(dict.fromkeys(names.GIVEN_FEMALE))
        self.used: dict[int, set[str]] = defaultdict(set)

    def surname(self) -> str:
        if self.rng.random() < 0.01:
            return self.rng.choice(names.COMPOUND_SURNAMES)
        # Frequent surnames first: a triangular draw leans towards the front of the list.
        return self.surnames[int(self.rng.triangular(0, len(self.surnames), 0))]

    def given(self, gender: str) -> str:
        pool = self.male if gender == "M" else self.female
        either = self.male + self.female
        first = self.rng.choice(pool)
        if self.rng.random() < 0.25:
            return first
        return first + self.rng.choice(pool if self.rng.random() < 0.7 else either)

    def make(self, place: int, gender: str) -> str:
        for _ in range(50):
            name = self.surname() + self.given(gender)
            if name not in self.used[place]:
                self.used[place].add(name)
                return name
        raise RuntimeError("ran out of names")  # pragma: no cover - 10^6 combinations


def place_names(rng: random.Random, n: int) -> list[str]:
    pairs = [a + b for a in names.PLACE_FIRST for b in names.PLACE_SECOND if a != b]
    return rng.sample(sorted(set(pairs)), n)
