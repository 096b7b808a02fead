"""A simulated year of cases for the demo province, drawn by the real sampler in memory: wall
time, the load spread the draws leave and the designated share, next to the same year picked
uniformly at random (no load balancing) in the same run.

    .venv/bin/python bench/assignment_year.py                    # 100,000 cases, seed 1
    .venv/bin/python bench/assignment_year.py --cases 20000 --designated 0.05 --seed 3

No database. The demo province's plan (`procuracy.demo.plan.make_plan(seed)`, the same one
`procuracy demo --seed` builds: 112 procuratorates, 1,764 sole prosecutors and 505 fixed teams)
gives the case-handling organisations, numbered in the order the build forms them; a draw's
pool is every organisation of the procuratorate in a department that handles the case's
business line, as `assignment.pool` reads it (no absences or conflicts: nobody is excluded).

The year's cases (all NOT VERIFIED against any province's statistics; a plausible shape):

- procuratorates: base 86%, city 11%, branch 1%, province 2% of the cases; within a level in
  proportion to quota prosecutors (which the plan gives out by caseload);
- business lines and case types: LINE_SHARES and TYPE_SHARES below (criminal work two thirds);
- received on the year's working days (Monday to Friday; holidays ignored), uniformly;
- flags by FLAG_CHANCES, the weight from `cases.intake.weight_of` and the case types' table
  (`cases/migrations/0003_case_types.py`), in hundredths as `assignment.pool.units` gives it;
- each case closes (its weight leaves its organisation's load) after DURATIONS days;
- `--designated` of the cases (3%) are designated outside the draw, to an organisation of the
  pool picked at random (the chief's choice is not modelled); their load counts like any other.

Loads start at zero on 1 January. Three runs over the same cases, each timed as a whole:

- draw: `assignment.draw.draw(inputs, root)`, the inputs built as `draw_case` builds them
  (max_distance and escape from `assignment.services.parameters()`, i.e. 3 case weights and
  1/20 unless PROCURACY_DRAW says otherwise), the root SHA-256 of a tag and the draw's counter;
- draw without escapes: the same with escape 0, to show how much of the spread the declared
  escapes cause and how much the weights, closures and designations do;
- uniform: `random.Random(seed).randrange` over the pool, no load balancing: the baseline.

Reported: wall time, picks per second and µs per pick (draw.draw alone against randrange);
the load spread (max − min of the pool's loads, in case weights) each draw saw, the share over
max_distance, at the year's end per pool and per procuratorate (the figures page's
definition); the escapes (heavy organisation-draws, how many escaped, picks by escape against
the number the declared chance predicts) and whether any pick broke the rule (a pick as of
right above the ceiling: must be 0); the designated share overall, per procuratorate and per
procuratorate × month, with the groups over PROCURACY_DESIGNATED_SHARE_WARNING.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import functools
import hashlib
import heapq
import importlib
import os
import random
import shutil
import sys
import tempfile
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOT_TAG = b"procuracy bench year root\x00"

LEVEL_SHARES = {"base": 0.86, "city": 0.11, "branch": 0.01, "province": 0.02}
LINE_SHARES = {
    "ordinary_crime": 0.50,
    "major_crime": 0.05,
    "duty_crime": 0.02,
    "economic_crime": 0.07,
    "minors": 0.04,
    "criminal_enforcement": 0.09,
    "civil": 0.08,
    "administrative": 0.03,
    "public_interest": 0.08,
    "complaints": 0.04,
}
CRIMINAL_LINES = ("ordinary_crime", "major_crime", "duty_crime", "economic_crime")
CRIMINAL_TYPES = {
    "arrest_review": 0.30,
    "prosecution_review": 0.40,
    "fast_track": 0.20,
    "filing_supervision": 0.07,
    "criminal_protest": 0.03,
}
TYPE_SHARES = {
    **dict.fromkeys(
        ("ordinary_crime", "major_crime", "duty_crime", "economic_crime"), CRIMINAL_TYPES
    ),
    "minors": {"arrest_review": 0.35, "prosecution_review": 0.45, "fast_track": 0.20},
    "criminal_enforcement": {"custody_review": 0.5, "enforcement_supervision": 0.5},
    "civil": {"civil_supervision": 1.0},
    "administrative": {"administrative_supervision": 1.0},
    "public_interest": {"public_interest": 1.0},
    "complaints": {"criminal_complaint": 0.8, "state_compensation": 0.2},
}
# Days from intake to closing, inclusive bounds, within each type's statutory limits.
DURATIONS = {
    "arrest_review": (5, 7),
    "prosecution_review": (20, 60),
    "fast_track": (8, 15),
    "criminal_protest": (30, 90),
    "filing_supervision": (20, 60),
    "custody_review": (10, 30),
    "enforcement_supervision": (20, 60),
    "civil_supervision": (60, 90),
    "administrative_supervision": (60, 90),
    "public_interest": (60, 120),
    "criminal_complaint": (30, 90),
    "state_compensation": (30, 60),
}
# The chance of each flag on any case; `minor` on every case of the minors line, `plea` by type.
FLAG_CHANCES = {
    "major": 0.03,
    "difficult": 0.03,
    "complex": 0.02,
    "social_impact": 0.01,
    "npc_deputy": 0.005,
    "foreign": 0.003,
}
PLEA_CHANCES = {"fast_track": 1.0, "prosecution_review": 0.6, "arrest_review": 0.2}


# --- the province and its year ------------------------------------------------------------


def setup_django(data_dir: Path) -> None:
    """Settings and apps only: nothing here opens the database."""
    os.environ["PROCURACY_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'unused.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procuracy.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclass
class Province:
    places: list  # PlaceSpec, by key
    org_dept: list[int]  # org id → DeptSpec key (index 0 unused)
    depts: dict  # key → DeptSpec
    pools: dict[tuple[int, str], tuple[int, ...]]  # (place, line) → org ids, ascending


def province(seed: int) -> Province:
    from procuracy.demo.plan import make_plan

    plan = make_plan(seed)
    depts = {d.key: d for d in plan.depts}
    org_dept = [-1] + [s.dept for s in plan.soles] + [t.dept for t in plan.teams]
    pools: dict[tuple[int, str], list[int]] = defaultdict(list)
    for org, key in enumerate(org_dept[1:], start=1):
        dept = depts[key]
        if dept.closes_on is None:
            for line in dept.lines:
                pools[dept.place, line].append(org)
    return Province(plan.places, org_dept, depts, {k: tuple(v) for k, v in pools.items()})


def case_types() -> dict:
    """The shipped catalogue as unsaved CaseType rows (code, word, weight, business lines)."""
    from procuracy.cases.models import CaseType

    migration = importlib.import_module("procuracy.cases.migrations.0003_case_types")
    out = {}
    for code, name, lines, word, _stage, weight in migration.TYPES:
        out[code] = CaseType(code=code, name=name, word=word, weight=Decimal(weight))
        out[code].lines = set(lines)
    for line, shares in TYPE_SHARES.items():
        for code in shares:
            if line not in out[code].lines:
                raise SystemExit(f"{code} is not a case type of {line}")
    return out


@dataclass(frozen=True)
class Case:
    day: int  # ordinal
    closes: int  # ordinal
    place: int
    line: str
    number: str
    units: int  # weight in hundredths
    designated: bool
    designate_at: float  # where in the pool a designation lands, [0, 1)


def working_days(year: int) -> list[datetime.date]:
    day, out = datetime.date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            out.append(day)
        day += datetime.timedelta(days=1)
    return out


def year_of_cases(world: Province, n: int, year: int, designated: float, seed: int) -> list[Case]:
    from procuracy.assignment.pool import units
    from procuracy.cases.intake import case_number, weight_of

    rng = random.Random(seed)
    types = case_types()
    places = world.places
    per_level = Counter(p.level for p in places)
    quota = {lv: sum(p.prosecutors for p in places if p.level == lv) for lv in per_level}
    place_weights = [LEVEL_SHARES[p.level] * p.prosecutors / quota[p.level] for p in places]
    lines, line_weights = list(LINE_SHARES), list(LINE_SHARES.values())
    days = working_days(year)
    serial: Counter = Counter()
    drafts = []
    for _ in range(n):
        place = rng.choices(places, place_weights)[0]
        line = rng.choices(lines, line_weights)[0]
        code = rng.choices(list(TYPE_SHARES[line]), list(TYPE_SHARES[line].values()))[0]
        flags = [f for f, p in FLAG_CHANCES.items() if rng.random() < p]
        if line == "minors":
            flags.append("minor")
        if rng.random() < PLEA_CHANCES.get(code, 0.0):
            flags.append("plea")
        day = rng.choice(days)
        low, high = DURATIONS[code]
        closes = day + datetime.timedelta(days=rng.randint(low, high))
        drafts.append((day, place, line, types[code], flags, closes, rng.random(), rng.random()))
    drafts.sort(key=lambda d: d[0])  # stable: within a day, in the order generated
    out = []
    for day, place, line, case_type, flags, closes, designate, at in drafts:
        serial[place.key, case_type.word] += 1
        number = case_number(place, case_type, year, serial[place.key, case_type.word])
        out.append(
            Case(
                day=day.toordinal(),
                closes=closes.toordinal(),
                place=place.key,
                line=line,
                number=number,
                units=units(weight_of(case_type, flags)),
                designated=designate < designated,
                designate_at=at,
            )
        )
    return out


# --- picking ------------------------------------------------------------------------------

Pick = Callable[[Case, tuple[int, ...], list[int]], tuple[int, object]]


def sampler(max_distance: int, escape: Fraction) -> Pick:
    """The real draw, its inputs built as draw_case builds them, the root a counter's hash."""
    from procuracy.assignment import draw

    counter = iter(range(1 << 62))

    def pick(case: Case, pool: tuple[int, ...], loads: list[int]) -> tuple[int, object]:
        inputs = draw.DrawInputs(
            case=case.number,
            pool=tuple(map(draw.Member, pool, loads)),
            exclusions=(),
            max_distance=max_distance,
            escape=escape,
        )
        root = hashlib.sha256(ROOT_TAG + next(counter).to_bytes(8, "big")).digest()
        outcome = draw.draw(inputs, root)
        return outcome.chosen, outcome

    return pick


def uniform(seed: int) -> Pick:
    """No load balancing: any organisation of the pool, equally likely."""
    randrange = random.Random(seed).randrange

    def pick(case: Case, pool: tuple[int, ...], loads: list[int]) -> tuple[int, object]:
        return pool[randrange(len(pool))], None

    return pick


@functools.cache
def predicted_escape(normal: int, heavy: int, escape: Fraction) -> float:
    from procuracy.assignment.draw import expected_escape_share

    return float(expected_escape_share(normal, heavy, escape))


# --- the year -----------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    seconds: float = 0.0
    pick_seconds: float = 0.0
    draws: int = 0
    designations: int = 0
    queued: int = 0  # no organisation handles the line there
    spreads: array = field(default_factory=lambda: array("l"))  # per draw, pools of 2 or more
    spread_months: array = field(default_factory=lambda: array("b"))
    over_ceiling: int = 0  # picks that left the chosen org more than max_distance above lightest
    by_escape: int = 0  # picks of a heavy org that escaped
    outside_rules: int = 0  # a pick as of right above the ceiling: the sampler broke its rule
    heavy: int = 0  # heavy organisation-draws
    escaped: int = 0
    predicted: float = 0.0  # picks by escape the declared chance predicts
    chosen: list[int] = field(default_factory=list)  # per case, 0 if queued
    final: list[int] = field(default_factory=list)  # each org's load at the year's end


def simulate(
    name: str, cases: list[Case], world: Province, pick: Pick, max_distance: int, escape=None
) -> Run:
    """The year through `pick`; `escape` is the chance the sampler was given (None: no
    sampler), for the number of escapes it predicts."""
    run = Run(name)
    load = [0] * len(world.org_dept)
    closing: list[tuple[int, int, int]] = []
    clock = time.perf_counter
    started = clock()
    for case in cases:
        while closing and closing[0][0] <= case.day:
            _, org, weight = heapq.heappop(closing)
            load[org] -= weight
        pool = world.pools.get((case.place, case.line), ())
        if not pool:
            run.queued += 1
            run.chosen.append(0)
            continue
        if case.designated:
            org = pool[int(case.designate_at * len(pool))]
            run.designations += 1
        else:
            loads = [load[o] for o in pool]
            lightest = min(loads)
            if len(pool) > 1:
                run.spreads.append(max(loads) - lightest)
                run.spread_months.append(datetime.date.fromordinal(case.day).month)
            before = clock()
            org, outcome = pick(case, pool, loads)
            run.pick_seconds += clock() - before
            run.draws += 1
            ceiling = lightest + max_distance
            if load[org] + case.units > ceiling:
                run.over_ceiling += 1
            if outcome is not None:
                heavy = len(outcome.heavy)
                escaped = sum(h.escaped for h in outcome.heavy)
                run.heavy += heavy
                run.escaped += escaped
                if heavy:
                    normal = len(outcome.eligible) - escaped
                    run.predicted += predicted_escape(normal, heavy, escape)
                if outcome.chosen_by_escape:
                    run.by_escape += 1
                elif load[org] > ceiling:
                    run.outside_rules += 1
        load[org] += case.units
        heapq.heappush(closing, (case.closes, org, case.units))
        run.chosen.append(org)
    run.seconds = clock() - started
    run.final = load
    return run


# --- the report ---------------------------------------------------------------------------


def quantile(values: list[int], q: float) -> int:
    if not values:
        return 0
    return values[min(len(values) - 1, int(q * len(values)))]


def weights(hundredths: float) -> str:
    return f"{hundredths / 100:.2f}"


def spread_row(run: Run, max_distance: int, largest: int) -> str:
    values = sorted(run.spreads)
    over = bisect.bisect_right(values, max_distance)
    beyond = bisect.bisect_right(values, max_distance + largest)
    n = len(values) or 1
    return (
        f"{run.name:<22} {weights(quantile(values, 0.5)):>7} {weights(quantile(values, 0.99)):>7} "
        f"{weights(values[-1] if values else 0):>7} {(len(values) - over) / n:>8.1%} "
        f"{(len(values) - beyond) / n:>9.1%}"
    )


def final_spreads(run: Run, world: Province) -> tuple[int, int, int, str]:
    """At the year's end: the median and largest spread over pools of two or more, and the
    largest over all organisations of one procuratorate (the figures page's), and where."""
    per_pool = sorted(
        max(run.final[o] for o in pool) - min(run.final[o] for o in pool)
        for pool in world.pools.values()
        if len(pool) > 1
    )
    by_place: dict[int, list[int]] = defaultdict(list)
    for org, dept in enumerate(world.org_dept[1:], start=1):
        by_place[world.depts[dept].place].append(run.final[org])
    place, worst = max(
        ((p, max(v) - min(v)) for p, v in by_place.items() if len(v) > 1), key=lambda x: x[1]
    )
    return quantile(per_pool, 0.5), per_pool[-1], worst, world.places[place].short_name


def designated_groups(cases: list[Case], run: Run, world: Province, key) -> list[tuple]:
    """(share, designated, first assignments, group) per group of `key(case, org)`."""
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for case, org in zip(cases, run.chosen, strict=True):
        if org:
            c = counts[key(case, org)]
            c[0] += case.designated
            c[1] += 1
    return sorted(((d / n, d, n, k) for k, (d, n) in counts.items()), reverse=True)


def month_of(case: Case) -> str:
    return datetime.date.fromordinal(case.day).strftime("%Y-%m")


def report_designations(
    cases: list[Case], run: Run, world: Province, warning: int, least: int
) -> None:
    places = world.places
    total = run.draws + run.designations
    print(
        f"designated share: {run.designations:,} of {total:,} first assignments "
        f"({run.designations / total:.2%}); warning above {warning}% "
        f"(PROCURACY_DESIGNATED_SHARE_WARNING)"
    )
    groupings = [
        ("procuratorate (year)", lambda c, o: (c.place,)),
        ("procuratorate × month", lambda c, o: (month_of(c), c.place)),
        (
            "month × procuratorate × department",
            lambda c, o: (month_of(c), c.place, world.depts[world.org_dept[o]].name),
        ),
    ]

    def named(group: tuple) -> str:
        return " ".join(places[p].short_name if isinstance(p, int) else p for p in group)

    print(
        f"  {'grouped by':<35} {'groups':>6} {'median n':>8} {'over':>5} "
        f"{f'n≥{least}':>6} {f'over, n≥{least}':>11}  worst with n ≥ {least}"
    )
    for label, key in groupings:
        groups = designated_groups(cases, run, world, key)
        sizes = sorted(n for _s, _d, n, _k in groups)
        big = [g for g in groups if g[2] >= least]
        over = sum(1 for share, *_ in groups if 100 * share > warning)
        big_over = sum(1 for share, *_ in big if 100 * share > warning)
        worst = f"{big[0][0]:.1%} ({big[0][1]}/{big[0][2]}) {named(big[0][3])}" if big else "—"
        print(
            f"  {label:<35} {len(groups):>6,} {quantile(sizes, 0.5):>8,} {over:>5,} "
            f"{len(big):>6,} {big_over:>11,}  {worst}"
        )
    share, d, n, group = groups[0] if groups else (0.0, 0, 0, ())
    print(f"  (the very worst of the last: {share:.1%} ({d}/{n}) {named(group)})")


def report_months(cases: list[Case], runs: list[Run]) -> None:
    months = sorted({month_of(c) for c in cases})
    designated, firsts = Counter(), Counter()
    for case, org in zip(cases, runs[0].chosen, strict=True):
        if org:
            firsts[month_of(case)] += 1
            designated[month_of(case)] += case.designated
    per_run = []
    for run in runs:
        by_month: dict[int, list[int]] = defaultdict(list)
        for spread, month in zip(run.spreads, run.spread_months, strict=True):
            by_month[month].append(spread)
        per_run.append({m: sorted(v) for m, v in by_month.items()})
    print("by month: first assignments, the designated share, and the p99 load spread the")
    print("draws saw, in case weights, in each run")
    heads = " ".join(f"{r.name.split(' (')[0]:>16}" for r in runs)
    print(f"{'month':<8} {'cases':>6} {'designated':>10} {heads}")
    for month in months:
        m = int(month[-2:])
        cells = " ".join(f"{weights(quantile(by.get(m, []), 0.99)):>16}" for by in per_run)
        share = designated[month] / firsts[month] if firsts[month] else 0.0
        print(f"{month:<8} {firsts[month]:>6,} {share:>10.1%} {cells}")


def report(cases: list[Case], world: Province, runs: list[Run], args, setup: float) -> int:
    from django.conf import settings

    draw_run, uniform_run = runs[0], runs[-1]
    max_distance = args.max_distance
    largest = max(c.units for c in cases)
    pools = [p for p in world.pools.values()]
    sizes = sorted(len(p) for p in pools)
    print()
    print(
        f"{len(cases):,} cases in {args.year}, {len(world.places)} procuratorates, "
        f"{len(world.org_dept) - 1:,} organisations, {len(pools):,} pools "
        f"(size median {quantile(sizes, 0.5)}, max {sizes[-1]}; "
        f"{sum(1 for s in sizes if s == 1)} of one organisation); planning and the cases "
        f"{setup:.1f} s"
    )
    print(
        f"max_distance {weights(max_distance)} case weights, escape {args.escape}, "
        f"largest case weight {weights(largest)}, designated {args.designated:.0%}, "
        f"queued (no pool) {draw_run.queued}"
    )
    print()
    print(f"{'run':<22} {'wall s':>7} {'picks/s':>9} {'µs/pick':>8} {'÷ uniform':>10}")
    for run in runs:
        per_pick = run.pick_seconds / run.draws * 1e6
        ratio = run.pick_seconds / uniform_run.pick_seconds
        print(
            f"{run.name:<22} {run.seconds:>7.2f} {run.draws / run.seconds:>9,.0f} "
            f"{per_pick:>8.2f} {ratio:>9.1f}×"
        )
    print("(wall: the whole year, closings and bookkeeping included; µs/pick: the pick alone)")
    print()
    print("load spread each draw saw: max − min of its pool's loads, in case weights, pools of 2+")
    print(
        f"{'run':<22} {'median':>7} {'p99':>7} {'max':>7} {'> dist':>8} {'> dist+w':>9}"
        f"   (dist {weights(max_distance)}, w {weights(largest)})"
    )
    for run in runs:
        print(spread_row(run, max_distance, largest))
    print()
    print(f"{'at the year end':<22} {'pool median':>11} {'pool max':>9} {'procuratorate max':>18}")
    finals = {}
    for run in runs:
        median, worst, place_worst, where = final_spreads(run, world)
        finals[run.name] = worst
        print(
            f"{run.name:<22} {weights(median):>11} {weights(worst):>9} "
            f"{weights(place_worst):>18} {where}"
        )
    p99 = {r.name: quantile(sorted(r.spreads), 0.99) for r in runs}
    print(
        f"uniform ÷ draw: p99 spread {p99[uniform_run.name] / max(p99[draw_run.name], 1):.1f}×, "
        f"year-end pool max {finals[uniform_run.name] / max(finals[draw_run.name], 1):.1f}×"
    )
    print()
    for run in runs[:-1]:
        rate = run.escaped / run.heavy if run.heavy else 0.0
        print(
            f"{run.name}: {run.heavy:,} heavy organisation-draws, {run.escaped:,} escaped "
            f"({rate:.2%}); {run.by_escape:,} picks by escape against {run.predicted:,.1f} "
            f"predicted; {run.over_ceiling:,} picks left the chosen org more than max_distance "
            f"above the lightest; picks as of right above the ceiling: {run.outside_rules}"
        )
    print(
        f"{uniform_run.name}: {uniform_run.over_ceiling:,} picks left the chosen org more than "
        f"max_distance above the lightest"
    )
    print()
    warning = settings.PROCURACY_DESIGNATED_SHARE_WARNING
    report_designations(cases, draw_run, world, warning, args.least)
    print()
    report_months(cases, runs)
    return 1 if any(r.outside_rules for r in runs) else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the year (100,000)")
    parser.add_argument("--seed", type=int, default=1, help="the demo's seed and the cases' (1)")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument(
        "--designated", type=float, default=0.03, help="share designated outside the draw (0.03)"
    )
    parser.add_argument(
        "--least",
        type=int,
        default=20,
        help="the smallest group whose designated share is reported as the worst (20)",
    )
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="procuracy-bench-year-"))
    try:
        setup_django(data_dir)
        from procuracy.assignment.services import parameters

        args.max_distance, args.escape = parameters()
        started = time.monotonic()
        world = province(args.seed)
        cases = year_of_cases(world, args.cases, args.year, args.designated, args.seed)
        setup = time.monotonic() - started
        print(f"simulating {len(cases):,} cases, three runs …", flush=True)
        runs = []
        for name, pick, escape in (
            ("draw", sampler(args.max_distance, args.escape), args.escape),
            ("draw, no escapes", sampler(args.max_distance, Fraction(0)), Fraction(0)),
            ("uniform (randrange)", uniform(args.seed), None),
        ):
            runs.append(simulate(name, cases, world, pick, args.max_distance, escape))
            print(f"  {name}: {runs[-1].seconds:.1f} s", flush=True)
        status = report(cases, world, runs, args, setup)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
