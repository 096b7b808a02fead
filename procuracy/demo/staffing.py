"""Planning step 2: the people of each procuratorate (categories, careers, quota, grades and
ranks) and the positions they hold."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from procuracy.demo.spec import (
    ADMINISTRATIVE,
    ASSISTANT,
    BASE,
    BRANCH,
    CASE_HANDLING,
    CITY,
    CLERK,
    POLICE,
    PROSECUTOR,
    PROVINCE,
    QUOTA_ROUNDS,
    RANK_CONVERSION,
    REFORM,
    TECHNICIAN,
    DeptSpec,
    NameMaker,
    PersonSpec,
    PlaceSpec,
    PositionSpec,
    Shape,
    apportion,
    random_day,
    years,
)

D = datetime.date

# --- people ---------------------------------------------------------------------------------

CONTRACT_CLERK = "contract_clerk"  # a clerk employed on contract (聘用制书记员)
FEMALE_SHARE = {
    PROSECUTOR: 0.45,
    ASSISTANT: 0.55,
    CLERK: 0.65,
    CONTRACT_CLERK: 0.7,
    ADMINISTRATIVE: 0.45,
    POLICE: 0.15,
    TECHNICIAN: 0.35,
}
# Born between, joined at an age between, joined no later than (so that the regular civil
# servants of the report all went through the 2019 rank conversion).
CAREER = {
    PROSECUTOR: (1962, 1993, 23, 27, D(2019, 6, 1)),
    ASSISTANT: (1975, 1996, 22, 25, D(2019, 5, 1)),
    CLERK: (1970, 1995, 21, 25, D(2019, 5, 1)),
    ADMINISTRATIVE: (1964, 1995, 22, 26, D(2019, 5, 1)),
    POLICE: (1970, 1998, 20, 24, D(2024, 12, 31)),
    TECHNICIAN: (1970, 1996, 22, 26, D(2024, 12, 31)),
    CONTRACT_CLERK: (1985, 2002, 19, 24, D(2025, 6, 30)),
}
# Where support staff work: the kinds of department, else the fallback kind.
HOME_KINDS = {
    ASSISTANT: (CASE_HANDLING, None),
    CLERK: (CASE_HANDLING, None),
    CONTRACT_CLERK: (CASE_HANDLING, None),
    ADMINISTRATIVE: (("administrative", "personnel", "case_management", "inspection"), None),
    POLICE: (("police",), "administrative"),
    TECHNICIAN: (("technical",), "case_management"),
}
# Administrative ranks, highest first (people.models.Rank).
RANKS = (
    "inspector_1",
    "inspector_2",
    "researcher_1",
    "researcher_2",
    "researcher_3",
    "researcher_4",
    "principal_1",
    "principal_2",
    "principal_3",
    "principal_4",
    "member_1",
    "member_2",
)


def deputies_for(place: PlaceSpec) -> int:
    if place.level == BASE:
        return 2 if place.prosecutors < 10 else 3 if place.prosecutors < 20 else 4
    return 2 if place.level == BRANCH else 4


def committee_size(place: PlaceSpec) -> int:
    size = {PROVINCE: 13, CITY: 11, BRANCH: 5}.get(place.level)
    if size is None:
        size = 5 if place.prosecutors < 10 else 7 if place.prosecutors < 25 else 9
    size = min(size, place.prosecutors)
    return size if size % 2 else size - 1


def _born_and_joined(rng: random.Random, category: str) -> tuple[datetime.date, datetime.date]:
    first, last, age_lo, age_hi, latest = CAREER[category]
    birth = random_day(rng, D(first, 1, 1), D(last, 12, 31))
    joined = random_day(rng, years(birth, age_lo), years(birth, age_hi))
    if joined > latest:
        joined = random_day(rng, max(years(birth, 18), years(latest, -3)), latest)
    if category == CONTRACT_CLERK:
        joined = max(joined, random_day(rng, D(2016, 9, 1), D(2019, 12, 31)))
    return birth, joined


def _person(rng, namer, place: PlaceSpec, category: str) -> PersonSpec:
    gender = "F" if rng.random() < FEMALE_SHARE[category] else "M"
    birth, joined = _born_and_joined(rng, category)
    contract = category == CONTRACT_CLERK
    return PersonSpec(
        key=-1,
        place=place.key,
        dept=None,
        name=namer.make(place.key, gender),
        gender=gender,
        birth=birth,
        category=CLERK if contract else category,
        employment="contract" if contract else "regular",
        joined=joined,
    )


def _add(people: list[PersonSpec], person: PersonSpec) -> PersonSpec:
    person.key = len(people)
    people.append(person)
    return person


def _grade_for(place: PlaceSpec, role: int | None, birth: datetime.date) -> int:
    """The grade a prosecutor holds now: by post for leaders (0 chief, 1 deputy), else by age."""
    if role is not None:
        return {PROVINCE: 3, CITY: 5, BRANCH: 6, BASE: 7}[place.level] + role
    age = 2024 - birth.year
    grade = 12 - min(4, max(0, (age - 28) // 6))
    if place.level in (PROVINCE, CITY):
        grade -= 1
    return max(grade, 7)


def _enter_quota(rng: random.Random, place: PlaceSpec, person: PersonSpec, role) -> None:
    """Quota entry at a selection round; the grade then, and a scheduled promotion for some."""
    eligible = max(years(person.joined, 4), QUOTA_ROUNDS[0])
    person.quota_on = next((r for r in QUOTA_ROUNDS if r >= eligible), QUOTA_ROUNDS[-1])
    reason = "conversion" if person.quota_on == QUOTA_ROUNDS[0] else "initial"
    grade = _grade_for(place, role, person.birth)
    promoted_on = years(person.quota_on, 4)
    if grade < 12 and promoted_on <= QUOTA_ROUNDS[-1] and rng.random() < 0.2:
        person.grades = [(grade + 1, person.quota_on, reason), (grade, promoted_on, "scheduled")]
    else:
        person.grades = [(grade, person.quota_on, reason)]


def _give_rank(rng: random.Random, person: PersonSpec) -> None:
    age = 2019 - person.birth.year
    index = 10 if age < 30 else 9 if age < 38 else 7 if age < 45 else 6 if age < 52 else 4
    index = min(index + rng.choice((0, 0, 1)), len(RANKS) - 1)
    if person.joined < RANK_CONVERSION:
        person.ranks = [(RANKS[index], RANK_CONVERSION, "conversion")]
    else:
        person.ranks = [(RANKS[index], person.joined, "initial")]
    if index > 2 and rng.random() < 0.08:
        person.ranks.append(
            (RANKS[index - 1], rng.choice((D(2022, 1, 1), D(2023, 7, 1))), "promotion")
        )


def _place_prosecutors(rng, namer, place: PlaceSpec, cases: list[DeptSpec], people) -> list:
    """The oldest is the chief (in the first criminal department), the next the deputies,
    spread over the departments; the rest fill the departments in proportion to their work."""
    counts = apportion(place.prosecutors, [d.share for d in cases], lo=1)
    free = {d.key: n for d, n in zip(cases, counts, strict=True)}
    crowd = sorted(
        (_person(rng, namer, place, PROSECUTOR) for _ in range(place.prosecutors)),
        key=lambda p: (p.birth, p.name),
    )
    n_leaders = 1 + deputies_for(place)
    for i, person in enumerate(crowd):
        if i < n_leaders:
            wanted = cases[i % len(cases)].key
            person.dept = wanted if free[wanted] else next(k for k, n in free.items() if n)
        else:
            person.dept = rng.choice([k for k, n in free.items() for _ in range(n)])
        free[person.dept] -= 1
        _enter_quota(rng, place, person, 0 if i == 0 else 1 if i < n_leaders else None)
        _add(people, person)
    place.leaders = [p.key for p in crowd[:n_leaders]]
    return crowd


def _place_support(rng, namer, place, current, category, n, prosecutors_in, people) -> None:
    kinds, fallback = HOME_KINDS[category]
    homes = [d for d in current if d.kind in kinds] or [d for d in current if d.kind == fallback]
    if category in (ASSISTANT, CLERK, CONTRACT_CLERK):
        weights = [prosecutors_in[d.key] for d in homes]
        counts = apportion(n, weights)
    else:
        counts = apportion(n, [d.share for d in homes], lo=1 if n >= len(homes) else 0)
    for dept, k in zip(homes, counts, strict=True):
        for _ in range(k):
            person = _person(rng, namer, place, category)
            person.dept = dept.key
            if person.employment == "regular":
                _give_rank(rng, person)
            _add(people, person)


def plan_people(rng, shape: Shape, places: list[PlaceSpec], depts: list[DeptSpec]):
    namer = NameMaker(rng)
    weights = [p.prosecutors for p in places]
    per_place = {
        ASSISTANT: apportion(shape.assistants, weights, lo=1),
        CLERK: apportion(shape.clerks, weights, lo=1),
        CONTRACT_CLERK: apportion(shape.contract_clerks, weights, lo=2),
        ADMINISTRATIVE: apportion(shape.administrative, weights, lo=5),
        POLICE: apportion(shape.judicial_police, weights, lo=1),
        TECHNICIAN: apportion(shape.technicians, weights),
    }
    current = defaultdict(list)
    for d in depts:
        if d.closes_on is None:
            current[d.place].append(d)
    people: list[PersonSpec] = []
    for place in places:
        cases = [d for d in current[place.key] if d.handles_cases]
        prosecutors_in = defaultdict(int)
        for person in _place_prosecutors(rng, namer, place, cases, people):
            prosecutors_in[person.dept] += 1
        for category, counts in per_place.items():
            n = counts[place.key]
            _place_support(
                rng, namer, place, current[place.key], category, n, prosecutors_in, people
            )
    return people


# --- positions ------------------------------------------------------------------------------


class Roster:
    """People by procuratorate and by department, each list oldest first."""

    def __init__(self, people: list[PersonSpec]):
        self.people = people
        self.in_place: dict[tuple[int, str], list[PersonSpec]] = defaultdict(list)
        self.in_dept: dict[tuple[int, str], list[PersonSpec]] = defaultdict(list)
        for p in sorted(people, key=lambda p: (p.birth, p.key)):
            category = CONTRACT_CLERK if p.employment == "contract" else p.category
            self.in_place[p.place, category].append(p)
            self.in_dept[p.dept, category].append(p)

    def first(self, candidates, taken: set[int]) -> PersonSpec | None:
        return next((p for p in candidates if p.key not in taken), None)


def _since(person: PersonSpec, day: datetime.date = REFORM) -> datetime.date:
    return max(day, person.joined)


HEAD_CATEGORY = {
    "business": PROSECUTOR,
    "combined": PROSECUTOR,
    "police": POLICE,
    "technical": TECHNICIAN,
}
OFFICES = (
    # (position, how many, the kinds of department its holder is found in, first choice first)
    ("case_management", None, ("case_management",)),
    ("personnel", 1, ("personnel", "administrative")),
    ("inspection", 1, ("inspection", "administrative")),
    ("discipline", 1, ("administrative",)),
)


def _heads(roster: Roster, place: PlaceSpec, current: list[DeptSpec], out: list) -> list[int]:
    """A head per department: the oldest of the department's own kind of staff; where there is
    none, a deputy chief holds the post concurrently (兼任)."""
    heads, taken = [], set(place.leaders)
    for i, dept in enumerate(current):
        category = HEAD_CATEGORY.get(dept.kind, ADMINISTRATIVE)
        head = roster.first(roster.in_dept[dept.key, category], taken)
        if head is None:
            deputies = place.leaders[1:] or place.leaders
            head = roster.people[deputies[i % len(deputies)]]
        taken.add(head.key)
        heads.append(head.key)
        out.append(PositionSpec(head.key, "department_head", dept.key, _since(head)))
    return heads


def _committee(roster, place: PlaceSpec, heads: list[int], out: list) -> None:
    """Chief, deputies and senior prosecutors, an odd number (检察委员会)."""
    members = list(place.leaders)
    seniors = [k for k in heads if roster.people[k].category == PROSECUTOR]
    seniors += [p.key for p in roster.in_place[place.key, PROSECUTOR]]
    for key in seniors:
        if len(members) >= committee_size(place):
            break
        if key not in members:
            members.append(key)
    for key in members:
        out.append(PositionSpec(key, "committee_member", None, _since(roster.people[key])))


def _offices(roster, place: PlaceSpec, current: list[DeptSpec], heads, out) -> None:
    """Case management, personnel, inspection and discipline, held by administrative staff
    in the department of that kind where the procuratorate has one."""
    taken = set(heads)
    for kind, count, dept_kinds in OFFICES:
        wanted = count or (1 if place.level == BASE else 2)
        homes = [d for k in dept_kinds for d in current if d.kind == k]
        pool = [p for d in homes for p in roster.in_dept[d.key, ADMINISTRATIVE]]
        pool += roster.in_place[place.key, ADMINISTRATIVE]
        for _ in range(wanted):
            holder = roster.first(pool, taken) or roster.first(pool, set())
            taken.add(holder.key)
            out.append(PositionSpec(holder.key, kind, holder.dept, _since(holder)))


def plan_positions(places, depts, people) -> list[PositionSpec]:
    roster = Roster(people)
    current = defaultdict(list)
    for d in depts:
        if d.closes_on is None:
            current[d.place].append(d)
    out: list[PositionSpec] = []
    for place in places:
        chief, *deputies = place.leaders
        out.append(PositionSpec(chief, "chief", None, _since(people[chief])))
        out += [PositionSpec(k, "deputy_chief", None, _since(people[k])) for k in deputies]
        heads = _heads(roster, place, current[place.key], out)
        _committee(roster, place, heads, out)
        _offices(roster, place, current[place.key], heads, out)
    return out
