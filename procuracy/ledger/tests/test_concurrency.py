"""Eight writers at once, each on its own PostgreSQL connection, each performing its acts
through a real service function: the log never forks. Its sequence numbers are exactly
0..n-1, the head's size is the number of acts, and `ledger verify` finds nothing wrong —
including while the writers are still at it.

On SQLite there is nothing to test: it lets one writer in at a time, and the IMMEDIATE
transactions the settings ask for take the write lock at BEGIN, so appends are serialised
by construction before the head row is even read.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from procuracy.core.actors import Actor
from procuracy.core.models import Act
from procuracy.ledger import checkpoints, keys, store
from procuracy.ledger.models import LEVEL_SHIFT, Checkpoint, Head, Node
from procuracy.ledger.verify import verify
from procuracy.organisation import services as organisation
from procuracy.organisation.models import Level
from procuracy.people import services as people
from procuracy.people.models import Absence, AbsenceKind

WRITERS = 8
ACTS_EACH = 40
SQLITE = (
    "SQLite lets one writer in at a time: its IMMEDIATE transactions take the write lock at "
    "BEGIN, so appends are serialised by construction and there is nothing concurrent to test"
)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason=SQLITE),
    # Committed for real, so that the writers' own connections see each other's work; the
    # serialized rollback puts back what migrations seeded after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Overlap:
    """How many writers were inside a service call at once, at most: the test only means
    something if appends were really in flight together."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def __enter__(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *exc) -> None:
        with self.lock:
            self.now -= 1


def together(writers: list[Callable[[], None]]) -> None:
    """Run each writer in its own thread (so on its own database connection), all released
    at once; re-raise the first failure."""
    barrier = threading.Barrier(len(writers))
    failures: list[BaseException] = []

    def run(writer: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=60)
            writer()
        except BaseException as failure:
            failures.append(failure)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a writer never finished (a deadlock?)"
    if failures:
        raise failures[0]


def assert_one_unforked_log(expected: int) -> None:
    seqs = list(Act.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(expected)), "sequence numbers skipped or repeated"
    assert Head.objects.get(pk=1).size == expected
    leaves = Node.objects.filter(key__lt=1 << LEVEL_SHIFT).count()
    assert leaves == expected, "one stored leaf per entry"
    keys.keygen()
    checkpoint = checkpoints.make()
    assert checkpoint.size == expected
    report = verify()
    assert report.problems == [], "\n".join(map(str, report.problems))
    assert (report.size, report.checkpoints) == (expected, Checkpoint.objects.count())
    assert report.root == store.root(expected) == bytes.fromhex(checkpoint.root)


def test_eight_writers_recording_absences_never_fork_the_log(world):
    system = Actor.system()
    staff = [world.head, world.alice, world.bob, world.carol, world.dave, world.erin]
    staff += [world.frank, world.grace]
    assert len(staff) == WRITERS
    keys.keygen()
    checkpoints.make()  # a checkpoint before the writers: verify checks it against the next
    before = Act.objects.count()
    overlap = Overlap()
    written: dict[int, list[int]] = {}

    def writer(person) -> Callable[[], None]:
        def write() -> None:
            first = datetime.date(2024, 1, 1)
            seqs = []
            for i in range(ACTS_EACH):
                day = first + datetime.timedelta(days=2 * i)
                with overlap:
                    absence = people.record_absence(
                        actor=system,
                        staff=person,
                        kind=AbsenceKind.TRAINING,
                        starts_on=day,
                        ends_on=day,
                        note=f"并发写入 {i}",
                    )
                seqs.append(absence.ledger_seq)
            written[person.pk] = seqs

        return write

    together([writer(person) for person in staff])

    assert overlap.most > 1, "the writers never overlapped: nothing concurrent was tested"
    assert_one_unforked_log(before + WRITERS * ACTS_EACH)
    for person in staff:
        # each writer's own acts come out in the order it performed them
        assert written[person.pk] == sorted(written[person.pk])
        rows = Absence.objects.filter(staff=person).order_by("starts_on")
        assert list(rows.values_list("ledger_seq", flat=True)) == written[person.pk]
        entries = Act.objects.filter(seq__in=written[person.pk])
        assert {(a.subject_type, a.subject_id) for a in entries} == {
            ("people.absence", pk) for pk in rows.values_list("pk", flat=True)
        }


def test_eight_writers_on_a_fresh_database_race_to_make_the_head():
    """No head row yet: the first appends find none, all insert it (ON CONFLICT DO
    NOTHING), and then queue on it like any other append."""
    assert not Act.objects.exists()
    Head.objects.all().delete()
    system = Actor.system()
    overlap = Overlap()

    def writer(w: int) -> Callable[[], None]:
        def write() -> None:
            for i in range(ACTS_EACH):
                with overlap:
                    organisation.create_procuratorate(
                        actor=system,
                        code=f"9{w}{i:04d}",
                        name=f"并发测试省院 {w}-{i}",
                        short_name=f"测{w}-{i}",
                        level=Level.PROVINCE,
                        parent=None,
                    )

        return write

    together([writer(w) for w in range(WRITERS)])

    assert overlap.most > 1, "the writers never overlapped: nothing concurrent was tested"
    assert Head.objects.count() == 1
    assert_one_unforked_log(WRITERS * ACTS_EACH)


def test_verify_while_eight_writers_append_finds_nothing_wrong(world):
    """`ledger verify` on a live installation: what it reads must be one state of the log,
    not the head of one moment and the entries and subtrees of later ones."""
    system = Actor.system()
    staff = [world.head, world.alice, world.bob, world.carol, world.dave, world.erin]
    staff += [world.frank, world.grace]
    writing = threading.Event()
    writing.set()
    reports = []

    def writer(person) -> Callable[[], None]:
        def write() -> None:
            day = datetime.date(2025, 1, 1)
            while writing.is_set():
                people.record_absence(
                    actor=system, staff=person, kind=AbsenceKind.LEAVE, starts_on=day, ends_on=day
                )
                day += datetime.timedelta(days=1)

        return write

    def checker() -> None:
        try:
            for _ in range(5):
                reports.append(verify())
        finally:
            writing.clear()

    together([writer(person) for person in staff] + [checker])

    problems = [p for report in reports for p in report.problems]
    assert problems == [], "\n".join(map(str, problems[:10]))
