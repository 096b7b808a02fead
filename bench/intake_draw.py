"""Intake and the draw end to end through the service layer, one transaction (one commit) per
case, next to plain single-row INSERT+COMMIT of a comparable row in the same run.

    .venv/bin/python bench/intake_draw.py                    # PostgreSQL, 1,000 cases
    .venv/bin/python bench/intake_draw.py --cases 300 --orgs 20
    .venv/bin/python bench/intake_draw.py --sqlite           # a temporary SQLite file

In a throwaway database (`procuracy_bench_intake_<pid>` on 127.0.0.1:5432, `--server` to
change; dropped at the end) it builds the tests' small world (conftest.build_world), appoints
its clerk to the case management office and forms sole organisations in the base's criminal
department until the draw's pool holds `--orgs` (12). Then, for each case, inside one
`transaction.atomic()`:

- `cases.intake.receive_case`: a criminal case of a random type, line, source and flags with
  one or two suspects (rule checks, the number's serial under the procuratorate's row lock,
  the case and its parties, the act and its entry);
- `assignment.services.draw_case`: the locks, the pool and its loads, the inputs committed as
  an act, the root of the tree ending in it, the draw, the assignment and the choice's act;

and the commit. The baseline, in the same run: one INSERT per row, each its own transaction
(autocommit), into a scratch table made like cases_case (the same columns, constraints and
indexes), of the values of real cases received in the warm-up (so the same bytes), their
numbers made unique. The two are interleaved in `--rounds` (5) so that both see the same
machine and a table of the same size. Goal: cases/s ≥ 0.2 × plain rows/s.

Every case stays open, so the loads the pool sums grow with the run, as they would in a
procuratorate where nothing closes. Afterwards `assign verify --all` recomputes every draw
from the ledger (untimed); the script exits 1 if one does not match.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from ledger_verify import SERVER, Database, run_in

GOAL = 0.2
WARM_UP = 20
PLAIN_TABLE = "bench_plain_case"
SKIPPED = {"id"}

# (case type, weight in the mix): the types the base's criminal department takes in.
TYPES = [
    ("arrest_review", 3),
    ("prosecution_review", 4),
    ("fast_track", 2),
    ("filing_supervision", 1),
]
LINES = [("ordinary_crime", 9), ("major_crime", 1)]
FLAG_CHANCES = [("major", 0.03), ("complex", 0.02), ("plea", 0.5)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
OFFENCES = ["盗窃", "诈骗", "故意伤害", "危险驾驶", "寻衅滋事", "非法经营", "信用卡诈骗", "抢劫"]


# --- the world ----------------------------------------------------------------------------


@dataclass
class World:
    clerk: object  # the case office's actor
    base: object
    case_types: dict
    lines: dict
    orgs: int = 0


def build_world(orgs: int) -> World:
    """The tests' small world, the clerk in the case office, and sole prosecutors in the base's
    criminal department until its pool holds `orgs` organisations."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from conftest import FOUNDED, REFORM, SYSTEM
    from conftest import build_world as world_of_the_tests
    from procuracy.caseorgs import services as caseorgs
    from procuracy.caseorgs.models import CaseHandlingOrg
    from procuracy.cases.models import CaseType
    from procuracy.organisation.models import BusinessLine
    from procuracy.people import services as people
    from procuracy.people.models import Category, Employment, GradeReason

    w = world_of_the_tests()
    people.appoint(
        actor=SYSTEM, staff=w.frank, kind="case_management", department=None, valid_from=REFORM
    )
    have = CaseHandlingOrg.objects.filter(department=w.criminal).count()
    for n in range(have, orgs):
        staff = people.register_staff(
            actor=SYSTEM,
            procuratorate=w.base,
            department=w.criminal,
            name=f"{SURNAMES[n % len(SURNAMES)]}检{n}",
            gender="M",
            category=Category.PROSECUTOR,
            employment=Employment.REGULAR,
            joined_on=FOUNDED,
            posted_from=REFORM,
        )
        people.record_grade(
            actor=SYSTEM, staff=staff, grade=9, effective_on=FOUNDED, reason=GradeReason.INITIAL
        )
        people.enter_quota(actor=SYSTEM, staff=staff, on=FOUNDED)
        caseorgs.form_sole_org(
            actor=SYSTEM, department=w.criminal, prosecutor=staff, valid_from=REFORM
        )
    return World(
        clerk=w.actor(w.frank),
        base=w.base,
        case_types={t.code: t for t in CaseType.objects.filter(code__in=[c for c, _ in TYPES])},
        lines={line.code: line for line in BusinessLine.objects.filter(code__in=dict(LINES))},
        orgs=CaseHandlingOrg.objects.filter(department=w.criminal).count(),
    )


class Intake:
    """Random criminal cases, received and drawn, one transaction each."""

    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.rng = random.Random(seed)

    def facts(self) -> dict:
        from procuracy.cases.intake import PartyFields
        from procuracy.core.models import today

        rng, w = self.rng, self.world
        code = rng.choices([c for c, _ in TYPES], [k for _, k in TYPES])[0]
        line = rng.choices([c for c, _ in LINES], [k for _, k in LINES])[0]
        custody = rng.random() < 0.4
        suspects = [
            PartyFields("suspect", f"{rng.choice(SURNAMES)}某{k or ''}", in_custody=custody)
            for k in range(rng.choice((1, 1, 1, 2)))
        ]
        flags = [
            f for f, p in (("major", 0.03), ("complex", 0.02), ("plea", 0.5)) if rng.random() < p
        ]
        return {
            "procuratorate": w.base,
            "case_type": w.case_types[code],
            "business_line": w.lines[line],
            "title": f"{suspects[0].name}{rng.choice(OFFENCES)}案",
            "source": "police",
            "referred_by": "兰州市公安局城关分局",
            "received_on": today(),
            "custody": custody,
            "flags": flags,
            "parties": suspects,
        }

    def one(self, times: Times | None = None) -> None:
        from django.db import transaction

        from procuracy.assignment.services import draw_case
        from procuracy.cases.intake import receive_case

        facts = self.facts()
        clerk = self.world.clerk
        clock = time.perf_counter
        started = clock()
        with transaction.atomic():
            case = receive_case(actor=clerk, **facts)
            received = clock()
            draw_case(actor=clerk, case=case)
            drawn = clock()
        if times is not None:
            committed = clock()
            times.intake += received - started
            times.draw += drawn - received
            times.commit += committed - drawn
            times.cases += 1


@dataclass
class Times:
    cases: int = 0
    intake: float = 0.0
    draw: float = 0.0
    commit: float = 0.0

    @property
    def total(self) -> float:
        return self.intake + self.draw + self.commit


# --- the baseline -------------------------------------------------------------------------


@dataclass
class Plain:
    """A scratch table made like cases_case (same columns, constraints and indexes) and rows to
    put in it: the values of real cases, prepared for the database once, beforehand."""

    rows: list[list] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    sql: str = ""
    next_number: int = 0

    @classmethod
    def like_cases(cls, templates: Sequence) -> Plain:
        from django.db import connection, models

        from procuracy.cases.models import Case

        fields = [f for f in Case._meta.concrete_fields if f.attname not in SKIPPED]
        plain = cls(columns=[f.column for f in fields])
        plain.rows = [
            [f.get_db_prep_save(getattr(case, f.attname), connection) for f in fields]
            for case in templates
        ]
        indexes = [
            models.Index(fields=index.fields, name=f"bench_plain_case_{k}")
            for k, index in enumerate(Case._meta.indexes)
        ]
        attrs = {
            "__module__": __name__,
            "Meta": type(
                "Meta",
                (),
                {"app_label": "cases", "db_table": PLAIN_TABLE, "indexes": indexes},
            ),
        }
        for f in Case._meta.concrete_fields:
            if f.attname in SKIPPED:
                continue
            name, _path, args, kwargs = f.deconstruct()
            if f.is_relation:
                kwargs["related_name"] = "+"
            attrs[name] = type(f)(*args, **kwargs)
        model = type("BenchPlainCase", (models.Model,), attrs)
        with connection.schema_editor() as editor:
            editor.create_model(model)
        marks = ", ".join(["%s"] * len(plain.columns))
        plain.sql = f"INSERT INTO {PLAIN_TABLE} ({', '.join(plain.columns)}) VALUES ({marks})"
        return plain

    def take(self, count: int) -> list[list]:
        """`count` rows, each with a number of its own (the column is unique, as in cases_case)."""
        at = self.columns.index("number")
        out = []
        for _ in range(count):
            row = list(self.rows[self.next_number % len(self.rows)])
            row[at] = f"{row[at]}-{self.next_number}"
            self.next_number += 1
            out.append(row)
        return out

    def insert(self, rows: Sequence[list]) -> float:
        """One INSERT per row; outside a transaction each one commits on its own."""
        from django.db import connection

        started = time.perf_counter()
        with connection.cursor() as cursor:
            for row in rows:
                cursor.execute(self.sql, row)
        return time.perf_counter() - started


def statements(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


# --- the run ------------------------------------------------------------------------------


def measure(n: int, rounds: int, orgs: int, seed: int) -> int:
    from django.db import connection

    from procuracy.assignment.verify import verify_all
    from procuracy.cases.models import Case

    world = build_world(orgs)
    intake = Intake(world, seed)
    for _ in range(WARM_UP):
        intake.one()
    plain = Plain.like_cases(list(Case.objects.all()))
    print(
        f"{connection.vendor}: {n:,} cases in {rounds} rounds, a pool of {world.orgs} "
        f"organisations",
        flush=True,
    )
    times, plain_seconds, plain_rows = Times(), 0.0, 0
    for r in range(rounds):
        share = n // rounds + (r < n % rounds)
        took = plain.insert(plain.take(share))
        plain_seconds += took
        plain_rows += share
        so_far = times.total
        for _ in range(share):
            intake.one(times)
        print(
            f"  round {r + 1}: plain {share / took:,.0f} rows/s, "
            f"intake + draw {share / (times.total - so_far):,.1f} cases/s",
            flush=True,
        )
    counts = {
        "plain INSERT+COMMIT": statements(lambda: plain.insert(plain.take(1))),
        "intake + draw": statements(intake.one),
    }
    checks = verify_all()
    wrong = [c for c in checks if not c.matches]

    plain_rate = plain_rows / plain_seconds
    rate = times.cases / times.total
    ratio = rate / plain_rate
    print()
    print(f"{'':<32} {'per s':>9} {'ms each':>8} {'÷ plain':>8}")
    print(f"{'plain INSERT+COMMIT (rows)':<32} {plain_rate:>9,.0f} {1000 / plain_rate:>8.2f}")
    print(f"{'intake + draw + commit (cases)':<32} {rate:>9,.1f} {1000 / rate:>8.2f} {ratio:>8.3f}")
    for label, seconds in (
        ("  of which intake", times.intake),
        ("  of which draw", times.draw),
        ("  of which commit", times.commit),
    ):
        share = seconds / times.total
        print(f"{label:<32} {'':>9} {seconds / times.cases * 1000:>8.2f} {share:>7.0%} of it")
    print("statements: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(
        f"goal: cases/s ≥ {GOAL:g} × plain rows/s: "
        f"{'met' if ratio >= GOAL else 'missed'} ({ratio:.3f})"
    )
    print(f"assign verify --all: {len(checks):,} draws, {len(wrong)} not matching")
    for check in wrong[:5]:
        print(f"  {check.sentence}")
    return 1 if wrong else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="cases timed (1,000)")
    parser.add_argument("--rounds", type=int, default=5, help="plain and cases taken in turn (5)")
    parser.add_argument("--orgs", type=int, default=12, help="organisations in the pool (12)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    parser.add_argument("--server", default=SERVER, help=f"PostgreSQL server ({SERVER})")
    args = parser.parse_args()
    database = Database("bench_intake", args.sqlite, args.server)
    print(f"{database.engine}: {database.url}")
    run_in(database, lambda: measure(args.cases, args.rounds, args.orgs, args.seed))


if __name__ == "__main__":
    main()
