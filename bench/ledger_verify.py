"""How fast `ledger verify` checks the log itself, next to the same RFC 6962 root computed
with bare hashlib over the same entry bytes, held in memory, in the same run.

    .venv/bin/python bench/ledger_verify.py                     # PostgreSQL, 1,000,000 entries
    .venv/bin/python bench/ledger_verify.py --sqlite --entries 100000

It fills a throwaway database (made here, dropped at the end) with synthetic entries through
the real appender, then times `verify.check_log` (read every entry, hash it, rebuild the
tree, check the stored subtrees, the head and the checkpoints) against the bare computation
(leaf = SHA-256(0x00 ‖ bytes), node = SHA-256(0x01 ‖ l ‖ r), level by level, the odd node
carried up). Goal: bare ÷ verify ≥ 0.3. `check_records` (the acts' columns against their
bytes, the domain rows against their hashes) is timed apart. The two roots must be equal;
the script exits 1 when they differ.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
GOAL_RATIO = 0.3
BATCH = 10_000


# --- a throwaway database (the ledger benches share these) --------------------------------


class Database:
    """A database made for one bench run and dropped after it: PostgreSQL (a fresh database
    on SERVER) or a SQLite file in a temporary folder. `setup()` points Django at it and
    migrates; `drop()` closes every connection and removes it."""

    def __init__(self, name: str, sqlite: bool, server: str = SERVER, keep: bool = False):
        self.keep = keep
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"procuracy-{name}-"))
        self.sqlite = sqlite
        self.server = server
        self.name = f"procuracy_{name}_{os.getpid()}"
        if sqlite:
            self.url = f"sqlite:///{self.data_dir / 'bench.sqlite3'}"
        else:
            self.url = f"{server}/{self.name}"

    @property
    def engine(self) -> str:
        return "SQLite" if self.sqlite else "PostgreSQL"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            admin.execute(sql)

    def setup(self) -> None:
        if not self.sqlite:
            self._admin(f'CREATE DATABASE "{self.name}"')
        os.environ["DATABASE_URL"] = self.url
        os.environ["PROCURACY_DATA_DIR"] = str(self.data_dir)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "procuracy.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    def drop(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.keep:
            print(f"kept the database: DATABASE_URL={self.url}")
            return
        if not self.sqlite:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.data_dir, ignore_errors=True)


def run_in(database: Database, body: Callable[[], int]) -> None:
    database.setup()
    try:
        status = body()
    finally:
        database.drop()
    sys.exit(status)


def peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


# --- a synthetic log ----------------------------------------------------------------------

KINDS = [
    "people.absence_recorded",
    "people.grade_recorded",
    "people.position_appointed",
    "caseorgs.member_added",
    "caseorgs.membership_ended",
    "org.department_opened",
    "case.assigned",
    "interference.recorded",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
VISIBILITIES = ["open", "procuratorate", "personal", "sealed"]


def synthetic_acts(count: int, start: int, rng: random.Random) -> list:
    """Acts that look like the real ones: a kind, a made-up actor, a staff subject, a body
    with a few ids, a date and a salted-hash commitment."""
    from procuracy.core.models import Act

    epoch = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    acts = []
    for i in range(start, start + count):
        when = epoch + datetime.timedelta(seconds=i * 97 + rng.randrange(60))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        staff = rng.randrange(1, 40_000)
        acts.append(
            Act(
                kind=rng.choice(KINDS),
                actor=None,
                actor_label=name,
                procuratorate=None,
                subject_type="people.staff",
                subject_id=staff,
                occurred_at=when,
                recorded_at=when + datetime.timedelta(milliseconds=rng.randrange(1, 900)),
                visibility=rng.choice(VISIBILITIES),
                body={
                    "staff": staff,
                    "department": rng.randrange(1, 3_000),
                    "on": (when.date() + datetime.timedelta(days=rng.randrange(30))).isoformat(),
                    "commitment": rng.randbytes(32).hex(),
                },
            )
        )
    return acts


def fill(entries: int, seed: int = 1) -> float:
    """Append `entries` synthetic acts through the real appender, in one transaction."""
    from django.db import connection, transaction

    from procuracy.core.models import Act
    from procuracy.ledger.log import Appender

    rng = random.Random(seed)
    started = time.monotonic()
    with transaction.atomic():
        appender = Appender.open()
        done = appender.size
        while done < entries:
            acts = synthetic_acts(min(BATCH, entries - done), done, rng)
            for act in acts:
                appender.add(act, rows=[])
            Act.objects.bulk_create(acts, batch_size=2000)
            appender.flush()
            done += len(acts)
            if done % 50_000 == 0 or done == entries:
                elapsed = time.monotonic() - started
                print(f"  filled {done:,} / {entries:,} entries ({elapsed:.0f} s)", flush=True)
    with connection.cursor() as cursor:  # the statistics a live database's autovacuum keeps
        cursor.execute("ANALYZE")
    return time.monotonic() - started


# --- the baseline -------------------------------------------------------------------------


def read_entries() -> list[bytes]:
    from procuracy.core.models import Act

    rows = Act.objects.order_by("seq").values_list("canonical", flat=True)
    return [bytes(raw) for raw in rows.iterator(chunk_size=BATCH)]


def bare_root(entries: list[bytes]) -> bytes:
    """RFC 6962 root with nothing but hashlib: hash the leaves, then pair each level up; a
    level's odd last node is carried up as it is (no duplicated nodes)."""
    sha = hashlib.sha256
    if not entries:
        return sha(b"").digest()
    level = [sha(b"\x00" + e).digest() for e in entries]
    while len(level) > 1:
        up = [sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) & 1:
            up.append(level[-1])
        level = up
    return level[0]


# --- the report ---------------------------------------------------------------------------


def measure(entries: int, rounds: int) -> int:
    from procuracy.ledger import checkpoints, keys, store
    from procuracy.ledger.verify import Report, check_log, check_records

    print(f"filling the log with {entries:,} synthetic entries …", flush=True)
    fill_seconds = fill(entries)
    keys.keygen()
    checkpoints.make()
    n = store.size()
    print(f"filled in {fill_seconds:.0f} s; one checkpoint at {n:,}", flush=True)

    read_s, bare_s, verify_s = [], [], []
    report = Report()
    for r in range(rounds):
        started = time.monotonic()
        held = read_entries()
        read_s.append(time.monotonic() - started)
        started = time.monotonic()
        bare = bare_root(held)
        bare_s.append(time.monotonic() - started)
        size_bytes = sum(map(len, held))
        del held
        report = Report()
        started = time.monotonic()
        check_log(report)
        verify_s.append(time.monotonic() - started)
        print(
            f"  round {r + 1}: read {read_s[-1]:.2f} s, bare {bare_s[-1]:.2f} s, "
            f"check_log {verify_s[-1]:.2f} s",
            flush=True,
        )
    started = time.monotonic()
    check_records(report)
    records_s = time.monotonic() - started

    best_read, best_bare, best_verify = min(read_s), min(bare_s), min(verify_s)
    ratio = best_bare / best_verify
    verdict = "met" if ratio >= GOAL_RATIO else "MISSED"
    print()
    print(f"{n:,} entries, {size_bytes / n:.0f} bytes each on average; best of {rounds} rounds")
    print(f"{'':<36} {'seconds':>8} {'entries/s':>11}")
    rows = [
        ("read the bytes into memory (ORM)", best_read),
        ("bare hashlib root, bytes in memory", best_bare),
        ("verify.check_log (the log)", best_verify),
        ("verify.check_records (separately)", records_s),
    ]
    for label, seconds in rows:
        print(f"{label:<36} {seconds:8.2f} {n / seconds:11,.0f}")
    print(f"ratio bare ÷ check_log: {ratio:.2f}  (goal ≥ {GOAL_RATIO}: {verdict})")
    print(f"ratio (read + bare) ÷ check_log: {(best_read + best_bare) / best_verify:.2f}")
    print(f"peak RSS {peak_mib()} MiB")
    print(f"root (check_log): {report.root.hex()}")
    print(f"root (bare):      {bare.hex()}")
    if report.problems:
        print("verify found problems:", *report.problems[:5], sep="\n  ")
    if bare != report.root:
        print("THE ROOTS DIFFER")
        return 1
    return 1 if report.problems else 0


def arguments(doc: str) -> argparse.ArgumentParser:
    """What the benches over a large log share: its size, the database, whether to keep it."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="log size (1,000,000)")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    parser.add_argument("--server", default=SERVER, help=f"PostgreSQL server ({SERVER})")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser


def open_database(name: str, args: argparse.Namespace) -> Database:
    database = Database(name, args.sqlite, args.server, args.keep)
    print(f"{database.engine}: {database.url}")
    return database


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds, best kept (2)")
    args = parser.parse_args()
    run_in(open_database("bench_verify", args), lambda: measure(args.entries, args.rounds))


if __name__ == "__main__":
    main()
