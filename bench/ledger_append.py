"""Append throughput through the real spine (a service function per act, its entry appended
in the same transaction), next to plain single-row INSERT+COMMIT of a comparable row in the
same run: the cost of being tamper-evident.

    .venv/bin/python bench/ledger_append.py                    # PostgreSQL, 2,000 acts a phase
    .venv/bin/python bench/ledger_append.py --entries 5000
    .venv/bin/python bench/ledger_append.py --sqlite           # a temporary SQLite file

In a throwaway database (made here, dropped at the end) it builds the tests' small world,
then times, each phase over --entries acts:

- plain INSERT + COMMIT: one row per transaction into a scratch table with the columns and
  indexes of core_act, the values copied from real acts (so the same bytes);
- a minimal service: permission check and `record()` only (the act and its entry);
- `people.services.record_absence`: a real act (rule checks, the absence, the act, its entry,
  the row stamped with its entry's hash), each in its own transaction;
- the batch path: the same acts inside `spine.one_transaction()`, against the plain INSERTs
  inside one transaction;
- 8 writers at once (8 processes, one connection each): plain INSERT+COMMIT against
  record_absence, where the head lock makes the appends queue.

Then `ledger verify` checks the whole log (untimed); the script exits 1 if it finds a problem.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import time
from collections.abc import Callable, Sequence

from ledger_verify import SERVER, Database, run_in

WRITERS = 8
ACT_COLUMNS = [
    "seq",
    "visibility",
    "canonical",
    "kind",
    "actor_id",
    "actor_label",
    "procuratorate_id",
    "subject_type",
    "subject_id",
    "occurred_at",
    "recorded_at",
    "body",
]
PLAIN_TABLE = "bench_plain_act"


# --- what is timed ------------------------------------------------------------------------


class Plain:
    """A scratch table made like core_act (same columns, constraints and indexes), and rows
    to put in it: the values of real acts, prepared for the database once, beforehand."""

    def __init__(self, templates: list) -> None:
        from django.db import connection, models

        from procuracy.core.models import Act

        fields = {f.attname: f for f in Act._meta.concrete_fields}
        self.rows = [
            [fields[c].get_db_prep_save(getattr(act, c), connection) for c in ACT_COLUMNS]
            for act in templates
        ]
        attrs = {
            "__module__": __name__,
            "Meta": type(
                "Meta",
                (),
                {
                    "app_label": "core",
                    "db_table": PLAIN_TABLE,
                    "indexes": [
                        models.Index(fields=["subject_type", "subject_id"], name="bench_plain_subj")
                    ],
                },
            ),
        }
        for field in Act._meta.local_fields:
            if not field.primary_key:
                name, _path, args, kwargs = field.deconstruct()
                if field.is_relation:
                    kwargs["related_name"] = "+"
                attrs[name] = type(field)(*args, **kwargs)
        model = type("BenchPlainAct", (models.Model,), attrs)
        with connection.schema_editor() as editor:
            editor.create_model(model)
        placeholders = ", ".join(["%s"] * len(ACT_COLUMNS))
        self.sql = f"INSERT INTO {PLAIN_TABLE} ({', '.join(ACT_COLUMNS)}) VALUES ({placeholders})"
        self.next_seq = 0

    def take(self, count: int) -> list[list]:
        """`count` rows with fresh sequence numbers (the column is unique, as in core_act)."""
        out = []
        for _ in range(count):
            row = list(self.rows[self.next_seq % len(self.rows)])
            row[0] = self.next_seq
            self.next_seq += 1
            out.append(row)
        return out

    def insert(self, rows: Sequence[list]) -> None:
        """One INSERT per row; outside a transaction each one commits on its own."""
        from django.db import connection

        with connection.cursor() as cursor:
            for row in rows:
                cursor.execute(self.sql, row)


class Absences:
    """Who is away on which day: each staff member's next free day, so that no absence
    overlaps another (the rule record_absence checks)."""

    def __init__(self, staff: list) -> None:
        self.staff = staff
        self.next_day = {s.pk: datetime.date(2030, 1, 1) for s in staff}

    def plan(self, count: int, staff: list | None = None) -> list[tuple[object, datetime.date]]:
        staff = staff or self.staff
        out = []
        for k in range(count):
            person = staff[k % len(staff)]
            out.append((person, self.next_day[person.pk]))
            self.next_day[person.pk] += datetime.timedelta(days=1)
        return out


def record_absences(plan: list[tuple[object, datetime.date]]) -> None:
    from procuracy.core.actors import Actor
    from procuracy.people import services as people

    system = Actor.system()
    for person, day in plan:
        people.record_absence(
            actor=system, staff=person, kind="training", starts_on=day, ends_on=day, note="培训"
        )


def minimal_service() -> Callable[..., None]:
    """A service that writes nothing but its act: the spine and the ledger, and no more."""
    from procuracy.core.spine import record, service

    @service("people.manage", where=lambda kw: kw["staff"].procuratorate)
    def note_staff(*, actor, staff, i: int) -> None:
        body = {"staff": staff.pk, "i": i}
        where = staff.procuratorate
        record(
            actor=actor, kind="bench.noted", subject=staff, procuratorate=where, body=body, rows=[]
        )

    return note_staff


def seconds(fn: Callable[[], object]) -> float:
    started = time.monotonic()
    fn()
    return time.monotonic() - started


def _writer(work: Callable[[], None], barrier, done) -> None:
    from django.db import connection

    connection.ensure_connection()
    barrier.wait()
    work()
    done.put(time.monotonic())
    connection.close()


def in_parallel(works: list[Callable[[], None]]) -> float:
    """Run each piece of work in its own process (its own connection), all released at once;
    the wall time from the release to the last one's end."""
    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's connection
    fork = multiprocessing.get_context("fork")
    barrier, done = fork.Barrier(len(works) + 1), fork.Queue()
    children = [fork.Process(target=_writer, args=(w, barrier, done)) for w in works]
    for child in children:
        child.start()
    barrier.wait()
    started = time.monotonic()
    ends = [done.get(timeout=600) for _ in children]
    for child in children:
        child.join()
        if child.exitcode != 0:
            raise SystemExit(f"a writer failed (exit code {child.exitcode})")
    return max(ends) - started


def statements(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


# --- the report ---------------------------------------------------------------------------


def build_world() -> list:
    """The tests' small world (conftest.build_world), with quick password hashing."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from conftest import build_world as world_of_the_tests

    w = world_of_the_tests()
    return [w.head, w.alice, w.bob, w.carol, w.dave, w.erin, w.frank, w.grace]


def measure(n: int) -> int:
    from django.db import connection, transaction

    from procuracy.core.actors import Actor
    from procuracy.core.models import Act
    from procuracy.core.spine import one_transaction
    from procuracy.ledger.verify import verify

    staff = build_world()
    days = Absences(staff)
    record_absences(days.plan(200))  # warm-up; their rows are the plain baseline's bytes
    plain = Plain(list(Act.objects.filter(kind="people.absence_recorded")))
    note_staff = minimal_service()
    system = Actor.system()
    share = n // WRITERS

    def plain_batch() -> None:
        with transaction.atomic():
            plain.insert(plain.take(n))

    def minimal() -> None:
        for i in range(n):
            note_staff(actor=system, staff=staff[i % WRITERS], i=i)

    def absences_batch() -> None:
        with one_transaction():
            record_absences(days.plan(n))

    def plain_writers() -> float:
        parts = [plain.take(share) for _ in range(WRITERS)]
        return in_parallel([lambda rows=rows: plain.insert(rows) for rows in parts])

    def absence_writers() -> float:
        plans = [days.plan(share, [person]) for person in staff]
        return in_parallel([lambda plan=plan: record_absences(plan) for plan in plans])

    print(f"{connection.vendor}: {n:,} acts per phase", flush=True)
    results: list[tuple[str, int, float, str]] = []

    def phase(label: str, count: int, took: float, against: str) -> None:
        results.append((label, count, took, against))
        print(f"  {label}: {count / took:,.0f} acts/s", flush=True)

    single, batch = "plain INSERT+COMMIT", "plain INSERTs, one transaction"
    many = f"plain INSERT+COMMIT, {WRITERS} writers"
    phase(single, n, seconds(lambda: plain.insert(plain.take(n))), "")
    phase("minimal service", n, seconds(minimal), single)
    phase("record_absence", n, seconds(lambda: record_absences(days.plan(n))), single)
    phase(batch, n, seconds(plain_batch), "")
    phase("record_absence, one_transaction", n, seconds(absences_batch), batch)
    phase(many, share * WRITERS, plain_writers(), "")
    phase(f"record_absence, {WRITERS} writers", share * WRITERS, absence_writers(), many)

    counts = {
        "plain INSERT+COMMIT": statements(lambda: plain.insert(plain.take(1))),
        "minimal service": statements(lambda: note_staff(actor=system, staff=staff[0], i=-1)),
        "record_absence": statements(lambda: record_absences(days.plan(1))),
    }
    report = verify()

    rate = {label: count / took for label, count, took, _ in results}
    print()
    print(f"{'':<40} {'acts/s':>8} {'ms/act':>7} {'ratio':>6}  against")
    for label, count, took, against in results:
        ratio = f"{rate[against] / rate[label]:5.1f}×" if against else ""
        print(f"{label:<40} {rate[label]:8,.0f} {took / count * 1000:7.2f} {ratio:>6}  {against}")
    print("statements per act: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"ledger verify over {report.size:,} entries: {len(report.problems)} problems")
    for problem in report.problems[:5]:
        print(f"  {problem}")
    return 1 if report.problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=2000, help="acts per phase (2,000)")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    parser.add_argument("--server", default=SERVER, help=f"PostgreSQL server ({SERVER})")
    args = parser.parse_args()
    database = Database("bench_append", args.sqlite, args.server)
    print(f"{database.engine}: {database.url}")
    run_in(database, lambda: measure(args.entries))


if __name__ == "__main__":
    main()
