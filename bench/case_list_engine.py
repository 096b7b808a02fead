"""The case queue page with its 可办理 column (what the reader may do now on each of its 50
cases): the share of the page's time spent in the power-list engine.

    .venv/bin/python bench/case_list_engine.py                   # a temporary SQLite file
    .venv/bin/python bench/case_list_engine.py --postgres        # a throwaway PostgreSQL DB
    .venv/bin/python bench/case_list_engine.py --cases 300 --requests 100

In a throwaway database it builds the tests' small world (conftest.build_world), posts its
clerk to the case management office, issues the base-level list (the shipped template,
`procuracy/powers/data/base.csv`, as bench/powers_decision.py does) and takes in `--cases`
(250) criminal cases through the services, moving each on as a procuratorate would: some left
to draw, the rest drawn among the department's three organisations (`draw_case`), then left
assigned, started, submitted upward, returned for supplementary investigation, suspended,
closed (by a decision of whoever the list lets decide, or concluded) or archived.

Then, for each reader — the chief (reads every case of the procuratorate and decides much of
it), the case office's clerk (draws, receives back, archives) and a sole prosecutor (her own
cases) — it signs in with the Django test client and GETs `/cases/` (the first page: 50 cases,
the whole request through the middleware and the template) `--requests` times, with
`procuracy.powers.engine.authorize` wrapped by a timer (perf_counter around each outermost
call). Warm: the lists' compiled index cached, as for every request but the first after a
change; cold: `engine.forget()` before each request, so that the request compiles the index
again. Per reader it prints the page's median time, the engine's median time in it, the share
(engine time ÷ page time over all requests), the engine's calls per page and, of the
engine's time, the part spent reading the reader's positions, quota and team leads (three
queries, `engine._read_profile`, once per person and day until a post changes), with the
share left without it (the decisions alone). "bare" is the same page with the column taken
out (`desk.allowed_actions` answering nothing), requested in turn with the warm one, so warm −
bare is what the column costs. Goal: under 5% warm.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from ledger_verify import SERVER, Database, run_in

GOAL = 0.05
WARM_UP = 3
READERS = ("chief", "frank", "alice")

# (case type, weight in the mix): the types the base's criminal department takes in.
TYPES = [
    ("arrest_review", 3),
    ("prosecution_review", 4),
    ("fast_track", 2),
    ("filing_supervision", 1),
]
FLAG_CHANCES = [("major", 0.08), ("complex", 0.05), ("plea", 0.4)]
# What becomes of a case after intake, with its weight in the mix.
FATES = [
    ("received", 15),
    ("assigned", 10),
    ("handling", 25),
    ("deciding", 12),
    ("returned", 8),
    ("suspended", 5),
    ("closed", 15),
    ("archived", 10),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
OFFENCES = ["盗窃", "诈骗", "故意伤害", "危险驾驶", "寻衅滋事", "非法经营", "信用卡诈骗", "抢劫"]


# --- the world ----------------------------------------------------------------------------


@dataclass
class World:
    tests: object  # conftest.World
    clerk: object  # the case office's actor
    handlers: dict  # organisation id → the actor who starts and submits its cases
    deciders: list  # who may be asked to decide: the handler first, then these
    made: Counter = field(default_factory=Counter)


def build_world() -> World:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from powers_decision import issue, template

    from conftest import REFORM, SYSTEM
    from conftest import build_world as world_of_the_tests
    from procuracy.people import services as people

    w = world_of_the_tests()
    people.appoint(
        actor=SYSTEM, staff=w.frank, kind="case_management", department=None, valid_from=REFORM
    )
    items, source = template()
    issue(w, items, "基准测试")
    print(f"the base list: {len(items)} items ({source})")
    return World(
        tests=w,
        clerk=w.actor(w.frank),
        handlers={
            w.sole_alice.pk: w.actor(w.alice),
            w.sole_bob.pk: w.actor(w.bob),
            w.team.pk: w.actor(w.carol),
        },
        deciders=[w.actor(w.head), w.actor(w.chief)],
    )


class Cases:
    """Random criminal cases, each taken in and moved on to its fate through the services."""

    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.rng = random.Random(seed)

    def receive(self):
        from procuracy.cases.intake import PartyFields, receive_case
        from procuracy.cases.models import CaseType
        from procuracy.core.models import today
        from procuracy.organisation.models import BusinessLine

        rng, w = self.rng, self.world.tests
        code = rng.choices([c for c, _ in TYPES], [k for _, k in TYPES])[0]
        custody = rng.random() < 0.4
        name = f"{rng.choice(SURNAMES)}某"
        return receive_case(
            actor=self.world.clerk,
            procuratorate=w.base,
            case_type=CaseType.objects.get(code=code),
            business_line=BusinessLine.objects.get(code="ordinary_crime"),
            title=f"{name}{rng.choice(OFFENCES)}案",
            source="police",
            referred_by="兰州市公安局城关分局",
            received_on=today(),
            custody=custody,
            flags=[f for f, p in FLAG_CHANCES if rng.random() < p],
            parties=[PartyFields("suspect", name, in_custody=custody)],
        )

    def one(self) -> None:
        from procuracy.assignment.services import draw_case
        from procuracy.cases import lifecycle

        fate = self.rng.choices([f for f, _ in FATES], [k for _, k in FATES])[0]
        case = self.receive()
        if fate != "received":
            drawn = draw_case(actor=self.world.clerk, case=case)
            handler = self.world.handlers[drawn.assignment.org_id]
            case.refresh_from_db()
            if fate != "assigned":
                lifecycle.start_handling(actor=handler, case=case)
                case.refresh_from_db()
                self.move_on(case, handler, fate)
        case.refresh_from_db()
        self.world.made[case.get_status_display()] += 1

    def move_on(self, case, handler, fate: str) -> None:
        from procuracy.cases import lifecycle

        if fate == "deciding":
            matter = self.theirs_not(case, handler)
            if matter:
                lifecycle.submit_decision(
                    actor=handler, case=case, matter=matter, reasoning="报请决定"
                )
        elif fate == "returned" and case.case_type.code == "prosecution_review":
            self.decided(case, handler, "return_investigation")
        elif fate == "suspended":
            self.decided(case, handler, "suspend_review")
        elif fate in ("closed", "archived"):
            self.close(case, handler)
            case.refresh_from_db()
            if fate == "archived" and case.status in lifecycle.FROM["archive"]:
                lifecycle.archive(actor=self.world.clerk, case=case)

    def close(self, case, handler) -> None:
        from procuracy.cases import lifecycle

        if case.case_type.code not in lifecycle.DECISION_REQUIRED:
            lifecycle.conclude(actor=handler, case=case, outcome="经审查,不存在应当立案而不立案")
            return
        closing = [m for m in lifecycle.matters_for(case) if lifecycle.EFFECTS[m] == "close"]
        self.decided(case, handler, self.rng.choice(closing))

    def decided(self, case, handler, matter: str) -> None:
        """The matter decided by the first of the handler, the department head and the chief
        whom the list lets decide it."""
        from procuracy.cases import lifecycle
        from procuracy.powers import engine
        from procuracy.powers.models import Power

        ctx = lifecycle.context_of(case)
        for actor in [handler, *self.world.deciders]:
            if engine.authorize(actor, matter, ctx, Power.DECIDE).allowed:
                lifecycle.decide(actor=actor, case=case, matter=matter, reasoning="经审查决定")
                return

    def theirs_not(self, case, handler) -> str | None:
        """A matter of the case the handler may not decide (so they submit it)."""
        from procuracy.cases import lifecycle
        from procuracy.powers import engine
        from procuracy.powers.models import Power

        ctx = lifecycle.context_of(case)
        codes = [m for m in lifecycle.matters_for(case) if lifecycle.EFFECTS[m] == "close"]
        upward = [m for m in codes if not engine.authorize(handler, m, ctx, Power.DECIDE).allowed]
        return self.rng.choice(upward) if upward else None


# --- the timer ----------------------------------------------------------------------------


class EngineTimer:
    """`engine.authorize` wrapped: the time spent in its outermost calls, and how many; and,
    of that time, the reading of the reader's positions (`engine._read_profile`, once per
    actor and day: a request's actor is new, so once per request)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self.profile = 0.0
        self._depth = 0
        self._original = None
        self._read = None

    def __enter__(self) -> EngineTimer:
        from procuracy.powers import engine

        original = self._original = engine.authorize
        read = self._read = engine._read_profile
        clock = time.perf_counter

        def timed_read(*args, **kwargs):
            started = clock()
            try:
                return read(*args, **kwargs)
            finally:
                self.profile += clock() - started

        def timed(*args, **kwargs):
            if self._depth:
                return original(*args, **kwargs)
            self._depth += 1
            started = clock()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += clock() - started
                self.calls += 1
                self._depth -= 1

        engine.authorize = timed
        engine._read_profile = timed_read
        return self

    def __exit__(self, *exc) -> None:
        from procuracy.powers import engine

        engine.authorize = self._original
        engine._read_profile = self._read

    def reset(self) -> None:
        self.seconds, self.calls, self.profile = 0.0, 0, 0.0


@dataclass
class Sample:
    page: float  # seconds
    engine: float
    profile: float  # of `engine`, reading the reader's positions
    calls: int


def request(client, timer: EngineTimer, cold: bool) -> Sample:
    from procuracy.powers import engine

    if cold:
        engine.forget()
    timer.reset()
    started = time.perf_counter()
    response = client.get("/cases/")
    took = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return Sample(took, timer.seconds, timer.profile, timer.calls)


@dataclass
class Row:
    reader: str
    kind: str
    cases: int
    acts: int  # 可办理 links on the page
    samples: list[Sample]

    @property
    def share(self) -> float:
        return sum(s.engine for s in self.samples) / sum(s.page for s in self.samples)

    @property
    def deciding(self) -> float:
        """The share without the reading of the reader's positions: the decisions alone."""
        return sum(s.engine - s.profile for s in self.samples) / sum(s.page for s in self.samples)

    def median(self, what: str) -> float:
        return statistics.median(getattr(s, what) for s in self.samples) * 1000


def measure_reader(login: str, requests: int, cold_rounds: int) -> list[Row]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=login))
    text = client.get("/cases/").content.decode()
    cases = len(re.findall(r'<td class="nowrap"><a href="/cases/\d+/">', text))
    acts = text.count('data-act="')
    with EngineTimer() as timer:
        for _ in range(WARM_UP):
            request(client, timer, cold=False)
        warm, bare = [], []
        for _ in range(requests):  # taken in turn, so that both see the same machine
            warm.append(request(client, timer, cold=False))
            with without_the_column():
                bare.append(request(client, timer, cold=False))
        cold = [request(client, timer, cold=True) for _ in range(cold_rounds)]
    return [
        Row(login, "warm", cases, acts, warm),
        Row(login, "cold", cases, acts, cold),
        Row(login, "bare", cases, 0, bare),
    ]


@contextlib.contextmanager
def without_the_column():
    """The page as it was before the 可办理 column: nothing asked, no link."""
    from procuracy.cases import desk

    original = desk.allowed_actions
    desk.allowed_actions = lambda actor, cases, day=None: {case.pk: [] for case in cases}
    try:
        yield
    finally:
        desk.allowed_actions = original


# --- the run ------------------------------------------------------------------------------


def measure(n: int, requests: int, cold_rounds: int, seed: int) -> int:
    from django.db import connection

    from procuracy.cases.models import Case

    world = build_world()
    cases = Cases(world, seed)
    started = time.perf_counter()
    for _ in range(n):
        cases.one()
    print(
        f"{connection.vendor}: {Case.objects.count()} cases built in "
        f"{time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{state} {k}" for state, k in world.made.most_common())
    )
    rows = []
    for login in READERS:
        rows += measure_reader(login, requests, cold_rounds)
    print()
    print(
        f"{'reader':<7} {'index':<5} {'cases':>5} {'links':>5} {'pages':>5} "
        f"{'page ms':>8} {'engine ms':>9} {'reader ms':>9} {'calls':>6} {'share':>6} "
        f"{'w/o reader':>10}"
    )
    for row in rows:
        calls = statistics.median(s.calls for s in row.samples)
        print(
            f"{row.reader:<7} {row.kind:<5} {row.cases:>5} {row.acts:>5} {len(row.samples):>5} "
            f"{row.median('page'):>8.2f} {row.median('engine'):>9.2f} "
            f"{row.median('profile'):>9.2f} {calls:>6.0f} "
            f"{row.share:>6.1%} {row.deciding:>10.1%}"
        )
    for login in READERS:
        kinds = {row.kind: row for row in rows if row.reader == login}
        added = kinds["warm"].median("page") - kinds["bare"].median("page")
        print(f"{login}: the column adds {added:.2f} ms to the page (warm − bare, medians)")
    worst = max(row.share for row in rows if row.kind == "warm")
    print(
        f"goal: engine < {GOAL:.0%} of the page, warm: "
        f"{'met' if worst < GOAL else 'missed'} (worst reader {worst:.1%})"
    )
    short = [row.reader for row in rows if row.cases < 50]
    if short:
        print(f"note: fewer than 50 cases on the page of {', '.join(sorted(set(short)))}")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=250, help="cases built (250)")
    parser.add_argument("--requests", type=int, default=50, help="warm pages per reader (50)")
    parser.add_argument("--cold", type=int, default=10, help="cold pages per reader (10)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL DB")
    parser.add_argument("--server", default=SERVER, help=f"PostgreSQL server ({SERVER})")
    args = parser.parse_args()
    database = Database("bench_queue", not args.postgres, args.server)
    print(f"{database.engine}: {database.url}")
    run_in(database, lambda: measure(args.cases, args.requests, args.cold, args.seed))


if __name__ == "__main__":
    main()
