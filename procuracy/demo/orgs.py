"""Planning step 3: case-handling organisations (1,764 sole prosecutors, 505 fixed teams), a
few absences, and one sign-in account per role."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils.translation import gettext_noop

from procuracy.demo.spec import (
    ASSISTANT,
    CITY,
    CLERK,
    PROSECUTOR,
    REFORM,
    SECOND_POSTS,
    AbsenceSpec,
    AccountSpec,
    PersonSpec,
    Shape,
    SoleSpec,
    TeamSpec,
    apportion,
    cn_number,
)
from procuracy.demo.staffing import CONTRACT_CLERK, Roster

# --- case-handling organisations ------------------------------------------------------------


class Helpers:
    """Each department's assistants and clerks, handed out in turn."""

    def __init__(self, roster: Roster):
        self.roster = roster
        self.next: dict[tuple[int, str], int] = defaultdict(int)

    def take(self, dept: int, category: str, by: datetime.date) -> list[int]:
        """The next one in turn who had joined by `by` (none if nobody had)."""
        pool = self.roster.in_dept[dept, category]
        start = self.next[dept, category]
        for i in range(start, start + len(pool)):
            person = pool[i % len(pool)]
            if person.joined <= by:
                self.next[dept, category] = i + 1
                return [person.key]
        return []


def _weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k items without replacement, each drawn with probability in proportion to its weight."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


def _soles(rng, shape, places, current, roster) -> list[SoleSpec]:
    """Every quota prosecutor is a sole prosecutor in their own department; some, mostly in
    small procuratorates, also in a second department they serve concurrently (兼任).
    Assistants and clerks work with them through the teams (each membership is a query or
    three, and the build must stay quick)."""
    soles = []
    for p in roster.people:
        if p.quota_on:
            since = max(REFORM, p.quota_on)
            soles.append(SoleSpec(p.dept, p.key, since))
    candidates = [
        p
        for p in roster.people
        if p.quota_on and p.key != places[p.place].leaders[0] and len(current[p.place]) > 1
    ]
    weights = [1.0 / places[p.place].prosecutors for p in candidates]
    for p in sorted(_weighted_sample(rng, candidates, weights, shape.second_sole_orgs), key=_key):
        other = rng.choice([d for d in current[p.place] if d.key != p.dept])
        since = max(SECOND_POSTS, p.quota_on)
        soles.append(SoleSpec(other.key, p.key, since))
    return soles


def _key(p: PersonSpec) -> int:
    return p.key


def _teams(rng, shape, places, current, roster, helpers) -> list[TeamSpec]:
    """Fixed teams: a lead and one to three more quota prosecutors of one department, with an
    assistant and a clerk. Chiefs lead no team; everyone else is in one team at most."""
    depts, pools = [], []
    for place in places:
        for dept in current[place.key]:
            pool = [
                p
                for p in roster.in_dept[dept.key, PROSECUTOR]
                if p.key != place.leaders[0] and p.quota_on
            ]
            rng.shuffle(pool)
            depts.append(dept)
            pools.append(pool)
    counts = apportion(shape.fixed_teams, [len(p) for p in pools], hi=[len(p) // 2 for p in pools])
    teams = []
    for dept, pool, n in zip(depts, pools, counts, strict=True):
        for i in range(n):
            room = len(pool) - 2 * (n - i - 1)
            size = min(rng.choice((2, 2, 2, 3, 3, 4)), room)
            members, pool = sorted(pool[:size], key=lambda p: (p.birth, p.key)), pool[size:]
            since = max(REFORM, *(p.quota_on for p in members))
            clerk = helpers.take(dept.key, CONTRACT_CLERK, since)
            teams.append(
                TeamSpec(
                    dept=dept.key,
                    name=f"{dept.name}第{cn_number(i + 1)}办案组",
                    lead=members[0].key,
                    prosecutors=[p.key for p in members[1:]],
                    valid_from=since,
                    assistants=helpers.take(dept.key, ASSISTANT, since),
                    clerks=clerk or helpers.take(dept.key, CLERK, since),
                )
            )
    return teams


def plan_orgs(rng, shape, places, depts, people) -> tuple[list[SoleSpec], list[TeamSpec]]:
    roster = Roster(people)
    helpers = Helpers(roster)
    current = defaultdict(list)
    for d in depts:
        if d.closes_on is None and d.handles_cases:
            current[d.place].append(d)
    soles = _soles(rng, shape, places, current, roster)
    return soles, _teams(rng, shape, places, current, roster, helpers)


# --- absences and sign-in accounts ----------------------------------------------------------

ABSENCE_KINDS = (("leave", 3, 15), ("sick", 2, 20), ("training", 5, 30), ("secondment", 60, 180))


def plan_absences(rng: random.Random, shape: Shape, people) -> list[AbsenceSpec]:
    """A few people away around the build day: some back already, some away now."""
    out = []
    for person in sorted(rng.sample(people, min(shape.absences, len(people))), key=_key):
        kind, shortest, longest = rng.choice(ABSENCE_KINDS)
        out.append(
            AbsenceSpec(person.key, kind, rng.randint(-90, 20), rng.randint(shortest, longest))
        )
    return out


# (login, the role it shows, in Chinese; translated where it is printed)
ACCOUNT_ROLES = (
    ("province_chief", gettext_noop("省院检察长")),
    ("city_chief", gettext_noop("市院检察长")),
    ("chief", gettext_noop("基层院检察长")),
    ("head", gettext_noop("部门负责人")),
    ("prosecutor", gettext_noop("独任检察官")),
    ("lead", gettext_noop("主办检察官")),
    ("assistant", gettext_noop("检察官助理")),
    ("clerk", gettext_noop("书记员")),
    ("case_manager", gettext_noop("案件管理人员")),
    ("personnel", gettext_noop("政治部(人事)人员")),
    ("inspector", gettext_noop("检务督察人员")),
    ("discipline", gettext_noop("纪检监察组人员")),
)


def plan_accounts(places, people, positions, soles, teams) -> list[AccountSpec]:
    """One person per role, at the first city and its busiest procuratorate, so that one
    sign-in after another shows the same procuratorate from each side. Each role goes to the
    first candidate not already given an account."""
    city = next(p for p in places if p.level == CITY)
    base = max((p for p in places if p.parent == city.key), key=lambda p: (p.prosecutors, -p.key))
    in_team = {k for t in teams for k in (t.lead, *t.prosecutors, *t.assistants, *t.clerks)}
    leads = {t.lead for t in teams}
    busy = {pos.person for pos in positions if pos.kind != "committee_member"}
    first_case_dept = min(s.dept for s in soles if people[s.prosecutor].place == base.key)

    def holders(kind, dept=None):
        """Holders of a position at the base first, then anywhere."""
        found = [p.person for p in positions if p.kind == kind and dept in (None, p.dept)]
        return sorted(found, key=lambda k: people[k].place != base.key)

    def at_base(*tests):
        """People at the base passing the first test, then those passing the next…"""
        return [p.key for ok in tests for p in people if p.place == base.key and ok(p)]

    candidates = {
        "province_chief": [places[0].leaders[0]],
        "city_chief": [city.leaders[0]],
        "chief": [base.leaders[0]],
        "head": holders("department_head", first_case_dept),
        "prosecutor": at_base(
            lambda p: p.category == PROSECUTOR and p.key not in in_team and p.key not in busy,
            lambda p: p.category == PROSECUTOR and p.key not in busy,
        ),
        "lead": at_base(lambda p: p.key in leads and p.key not in busy, lambda p: p.key in leads),
        "assistant": at_base(
            lambda p: p.category == ASSISTANT and p.key in in_team,
            lambda p: p.category == ASSISTANT,
        ),
        "clerk": at_base(lambda p: p.category == CLERK and p.employment == "regular"),
        "case_manager": holders("case_management"),
        "personnel": holders("personnel"),
        "inspector": holders("inspection"),
        "discipline": holders("discipline"),
    }
    accounts, taken = [], set()
    for login, role in ACCOUNT_ROLES:
        person = next((k for k in candidates[login] if k not in taken), None)
        if person is None:
            raise ValueError(f"nobody left for the {login} account")
        taken.add(person)
        accounts.append(AccountSpec(login, role, person))
    return accounts
