"""`procuracy ledger verify`: recompute the log from its stored bytes and check everything the
database holds against it, reporting — never raising — what is wrong.

Two passes, timed apart:

1. The log. Every entry's canonical bytes are hashed into its leaf and the tree is rebuilt
   level by level; each stored subtree, the head, and every stored checkpoint (its signature,
   its root, and its consistency with the next) are checked against the rebuilt tree.
2. The records. Every act's columns are checked against its entry's bytes, and every domain
   row that an act wrote against the salted hash its latest entry holds.

Each problem names the first sequence number it concerns and what is wrong: edited, deleted,
inserted, reordered, bad signature, row differs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from procuracy.core.models import Act, ledgered_models
from procuracy.ledger import keys, tree
from procuracy.ledger.canonical import commitment, content, content_fields, instant, jsonable
from procuracy.ledger.checkpoint import Checkpoint as Body
from procuracy.ledger.checkpoint import CheckpointError
from procuracy.ledger.merkle import (
    EMPTY_ROOT,
    ProofError,
    leaf_hash,
    verify_consistency,
)
from procuracy.ledger.models import LEVEL_SHIFT, Checkpoint, Head, Node
from procuracy.ledger.note import NoteError, Verifier, open_note

CHUNK = 10_000
MOST_PROBLEMS = 100  # past this a log is plainly broken; the first ones say where

Progress = Callable[[str, int, int], None]


def _quiet(step: str, done: int, total: int) -> None:
    pass


@dataclasses.dataclass(frozen=True)
class Problem:
    seq: int  # the first entry concerned (-1: none in particular)
    what: str  # edited · deleted · inserted · reordered · bad signature · row differs · …
    detail: str
    derived: bool = False  # a consequence of another problem (a checkpoint's root differs)

    def rank(self) -> tuple[int, bool]:
        return (self.seq, self.derived)

    def __str__(self) -> str:
        where = f"#{self.seq}" if self.seq >= 0 else "ledger"
        return f"{where}: {self.what}: {self.detail}"


@dataclasses.dataclass
class Report:
    size: int = 0
    checkpoints: int = 0
    rows: int = 0
    problems: list[Problem] = dataclasses.field(default_factory=list)
    log_seconds: float = 0.0
    records_seconds: float = 0.0
    root: bytes = EMPTY_ROOT

    @property
    def ok(self) -> bool:
        return not self.problems

    def first(self) -> Problem | None:
        return min(self.problems, key=Problem.rank) if self.problems else None

    def ordered(self) -> list[Problem]:
        return sorted(self.problems, key=Problem.rank)

    def add(self, seq: int, what: str, detail: str, derived: bool = False) -> None:
        if len(self.problems) < MOST_PROBLEMS:
            self.problems.append(Problem(seq, what, detail, derived))


class Levels:
    """The rebuilt tree: levels[L][i] is the hash of the complete subtree (L, i)."""

    def __init__(self, leaves: list[bytes]):
        sha256 = hashlib.sha256  # node_hash inlined: a call per node costs more than its hash
        self.levels = [leaves]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            pairs = range(0, len(below) - 1, 2)
            self.levels.append([sha256(b"\x01" + below[i] + below[i + 1]).digest() for i in pairs])

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def get(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int) -> bytes:
        """RFC 6962 root of the first `size` leaves, from the complete subtrees."""
        return tree.root(size, self.get)

    def peaks(self) -> bytes:
        return b"".join(self.get(level, index) for level, index in tree.parts(0, self.size))


# --- pass 1: the log ----------------------------------------------------------------------


def _keyset(
    model: type[Model], key: str, value: str, after: int, stop: int = 1 << 63
) -> Iterator[list[tuple]]:
    """(key, value) rows with after < key < stop, in key order, a chunk at a time: each chunk
    one plain query from the last key seen. Reading starts at once and runs a few chunks
    ahead in a helper thread, so that the database (another process, another core) sends
    the next chunks while this one is hashed. Per row, the ORM's iterator and a server-side
    cursor cost more than hashing the row; psycopg's binary protocol gives bytea as stored.
    The query has no upper bound: with ORDER BY key LIMIT n alone the key's index is always
    the plan, with or without statistics."""
    q = connection.ops.quote_name
    sql = (
        f"SELECT {q(key)}, {q(value)} FROM {q(model._meta.db_table)} "
        f"WHERE {q(key)} > %s ORDER BY {q(key)} LIMIT {CHUNK}"
    )
    connection.ensure_connection()
    if connection.vendor != "postgresql":
        return _chunks(connection.cursor(), sql, after, stop, {})
    import psycopg  # the same connection (and transaction), used by one thread at a time

    cursor = psycopg.Cursor(connection.connection)
    return _ahead(_chunks(cursor, sql, after, stop, {"binary": True}))


def _chunks(cursor, sql: str, after: int, stop: int, options: dict) -> Iterator[list[tuple]]:
    with cursor:
        while True:
            cursor.execute(sql, [after], **options)
            rows = cursor.fetchall()
            if rows and rows[-1][0] >= stop:
                rows = [row for row in rows if row[0] < stop]
                if rows:
                    yield rows
                return
            if not rows:
                return
            yield rows
            after = rows[-1][0]


def _ahead(chunks: Iterator[list[tuple]], depth: int = 8) -> Iterator[list[tuple]]:
    """The chunks, read up to `depth` ahead by one helper thread (so one at a time, in order),
    starting now."""
    pool = ThreadPoolExecutor(max_workers=1)
    coming = deque(pool.submit(next, chunks, None) for _ in range(depth))

    def drain() -> Iterator[list[tuple]]:
        try:
            while (rows := coming.popleft().result()) is not None:
                coming.append(pool.submit(next, chunks, None))
                yield rows
        finally:
            pool.shutdown(cancel_futures=True)

    return drain()


def _entries() -> Iterator[list[tuple[int, bytes | None]]]:
    return _keyset(Act, "seq", "canonical", -1)


def _stored_level(level: int) -> Iterator[list[tuple[int, bytes]]]:
    """The stored leaves (level 0) or subtrees of one level, (index, hash), in chunks."""
    low, high = level << LEVEL_SHIFT, (level + 1) << LEVEL_SHIFT
    for rows in _keyset(Node, "key", "hash", low - 1, high):
        yield [(key - low, h) for key, h in rows] if low else rows


def _claimed_seq(raw: bytes | None) -> int | None:
    try:
        seq = json.loads(raw)["seq"] if raw is not None else None
    except (ValueError, TypeError, KeyError):
        return None
    return seq if isinstance(seq, int) else None


def _read_leaves(report: Report, size: int, progress: Progress) -> list[bytes]:
    """Hash every entry's bytes into its leaf, checking it against the stored leaf. Where an
    entry is missing its stored leaf stands in, so the rest of the log can still be checked.

    The stored leaves are read alongside the entries, a chunk of each at a time; only when a
    chunk is not as appended are they all read, to say what differs."""
    leaves: list[bytes] = []
    alongside = _stored_level(0)
    stored: dict[int, bytes] | None = None
    for rows in _entries():
        hashes = _hashed_run(rows, len(leaves), size)
        if hashes is not None and stored is None:
            beside = next(alongside, [])
            # keys are unique and ordered: the same ends and as many rows are the same keys
            ends = len(beside) == len(rows) and bool(beside)
            ends = ends and (beside[0][0], beside[-1][0]) == (rows[0][0], rows[-1][0])
            if ends and [h for _, h in beside] == hashes:
                leaves += hashes
                progress("log", len(leaves), size)
                continue
        if stored is None:
            stored = _all_stored_leaves()
        if hashes is not None and hashes == [stored.get(seq) for seq, _ in rows]:
            leaves += hashes
        else:
            _check_leaves(report, rows, size, stored, leaves)
        progress("log", len(leaves), size)
    if len(leaves) < size:
        stored = stored if stored is not None else _all_stored_leaves()
        for seq in range(len(leaves), size):
            report.add(seq, "deleted", "the entry's row is missing from the log")
            leaves.append(stored.get(seq, EMPTY_ROOT))
    progress("log", len(leaves), size)
    return leaves


def _hashed_run(rows: list[tuple[int, Any]], expected: int, size: int) -> list | None:
    """The leaves of a chunk of entries numbered expected, expected + 1, … (the common case),
    or None when the chunk is not such a run."""
    first, last = rows[0][0], rows[-1][0]
    if first != expected or last != first + len(rows) - 1 or last >= size:
        return None
    sha256 = hashlib.sha256  # leaf_hash inlined, as in Levels
    try:
        return [sha256(b"\x00" + raw).digest() for _, raw in rows]
    except TypeError:  # a NULL entry: the careful path names it
        return None


def _all_stored_leaves() -> dict[int, bytes]:
    stored: dict[int, bytes] = {}
    for rows in _stored_level(0):
        stored.update(rows)
    return stored


def _check_leaves(
    report: Report,
    rows: list[tuple[int, bytes | None]],
    size: int,
    stored: dict[int, bytes],
    leaves: list[bytes],
) -> None:
    """Entry by entry, where a run of them is not as appended: say what differs."""
    expected = len(leaves)
    for seq, raw in rows:
        raw = None if raw is None else bytes(raw)
        if seq is None or seq < expected:
            continue  # cannot happen with a unique, non-null seq; reported by count below
        if seq >= size:
            report.add(seq, "inserted", "an entry beyond the log's size, not in its tree")
            continue
        while expected < seq:  # a gap: the rows for these entries were removed
            report.add(expected, "deleted", "the entry's row is missing from the log")
            leaves.append(stored.get(expected, EMPTY_ROOT))
            expected += 1
        h = leaf_hash(raw) if raw is not None else EMPTY_ROOT
        if h != stored.get(seq):
            claimed = _claimed_seq(raw)
            if (
                claimed is not None
                and claimed != seq
                and leaf_hash(raw or b"") == stored.get(claimed)
            ):
                report.add(seq, "reordered", f"the bytes of entry #{claimed} stand at #{seq}")
            elif claimed is not None and claimed != seq:
                report.add(seq, "inserted", f"an entry claiming #{claimed} stands at #{seq}")
            elif seq not in stored:
                report.add(seq, "edited", "the stored tree has no leaf for this entry")
            else:
                report.add(seq, "edited", "its bytes no longer hash to the leaf appended")
        leaves.append(h)
        expected += 1


def _check_stored_tree(report: Report, levels: Levels, stored: Iterator[list[tuple]]) -> None:
    """Every stored subtree above the leaves must be the rebuilt one, and no other may be
    stored: proofs are read from them. `stored` is every (key, hash) above level 0, in key
    order, so level by level."""
    seen: dict[int, int] = {}
    for rows in stored:
        begin = 0
        while begin < len(rows):  # a chunk may end one level and begin the next
            level = rows[begin][0] >> LEVEL_SHIFT
            end = begin
            while end < len(rows) and rows[end][0] >> LEVEL_SHIFT == level:
                end += 1
            _check_stored_run(report, levels, level, rows[begin:end], seen)
            begin = end
    for level in range(1, len(levels.levels)):
        if seen.get(level, 0) < len(levels.levels[level]):
            report.add(
                len(levels.levels[level]) << level,
                "deleted",
                f"stored subtrees missing at level {level}",
            )


def _check_stored_run(
    report: Report, levels: Levels, level: int, rows: list[tuple], seen: dict[int, int]
) -> None:
    low = level << LEVEL_SHIFT
    rebuilt = levels.levels[level] if level < len(levels.levels) else []
    first, last = rows[0][0] - low, rows[-1][0] - low
    done = seen.get(level, 0)
    seen[level] = done + len(rows)
    run = first == done and last == first + len(rows) - 1
    if run and [bytes(h) for _, h in rows] == rebuilt[first : last + 1]:
        return  # the common case: a run of subtrees, each as rebuilt
    for key, h in rows:
        index, first_leaf = key - low, (key - low) << level
        if index >= len(rebuilt):
            report.add(first_leaf, "inserted", f"a stored subtree ({level}, {index}) too many")
        elif bytes(h) != rebuilt[index]:
            report.add(first_leaf, "edited", f"the stored subtree ({level}, {index}) differs")


def _open_checkpoint(
    report: Report, note: str, verifiers: list[Verifier], name: str
) -> Body | None:
    try:
        text, _signers = open_note(note, verifiers)
        body = Body.parse(text)
    except (NoteError, CheckpointError) as failure:
        report.add(-1, "bad signature", f"{name}: {failure}")
        return None
    if body.origin != keys.origin():
        report.add(-1, "bad signature", f"{name} names another log: {body.origin}")
        return None
    return body


def _check_against(report: Report, levels: Levels, body: Body, name: str, good: int = 0) -> bool:
    """A checkpoint's tree must be a prefix of the rebuilt log: same root at its size. `good`
    is the size of the last checkpoint that held: the change lies after it."""
    if body.size > levels.size:
        report.add(
            levels.size,
            "deleted",
            f"{name} signed {body.size} entries; the log now holds {levels.size}",
        )
        return False
    if levels.root(body.size) != body.root:
        seq, derived = _first_problem_before(report, body.size, good)
        report.add(
            seq,
            "edited",
            f"{name} signed another root at size {body.size}: "
            f"an entry from #{good} to #{body.size - 1} changed",
            derived,
        )
        return False
    return True


def _first_problem_before(report: Report, size: int, good: int) -> tuple[int, bool]:
    """Where a checkpoint's different root points: the first problem already found before its
    size (this one follows from it), or else the first entry after the last good checkpoint."""
    earlier = [p.seq for p in report.problems if 0 <= p.seq < size]
    return (min(earlier), True) if earlier else (good, False)


def _check_checkpoints(report: Report, levels: Levels, verifiers: list[Verifier]) -> None:
    previous: tuple[Body, str] | None = None
    good = 0
    for row in Checkpoint.objects.order_by("id").iterator():
        report.checkpoints += 1
        name = f"checkpoint {row.pk}"
        body = _open_checkpoint(report, row.note, verifiers, name)
        if body is None:
            continue
        if (body.size, body.root.hex()) != (row.size, row.root):
            report.add(-1, "edited", f"{name}: its columns differ from its signed note")
        if not _check_against(report, levels, body, name, good):
            continue
        good = max(good, body.size)
        if previous is not None:
            before, before_name = previous
            try:
                if before.size > body.size:
                    raise ProofError(f"the log shrank from {before.size} to {body.size}")
                if before.size:
                    proof = tree.consistency_proof(before.size, body.size, levels.get)
                    verify_consistency(before.size, body.size, before.root, body.root, proof)
            except ProofError as failure:
                report.add(-1, "inconsistent", f"{before_name} → {name}: {failure}")
        previous = (body, name)


def check_log(
    report: Report,
    progress: Progress = _quiet,
    witness: str | None = None,
    witness_keys: list[Verifier] | None = None,
) -> Levels:
    started = time.monotonic()
    head = Head.objects.filter(pk=1).first()
    size = head.size if head else 0
    count = Act.objects.count()
    leaves = _read_leaves(report, size, progress)
    stored = _keyset(Node, "key", "hash", (1 << LEVEL_SHIFT) - 1)  # read while the tree is built
    levels = Levels(leaves)
    report.size = size
    report.root = levels.root(size)
    if count > size:
        # Rows beyond the head that an append in progress has just added are not ours to
        # judge; read the head again.
        now = Head.objects.filter(pk=1).values_list("size", flat=True).first() or 0
        if count > now:
            report.add(size, "inserted", f"{count} entries stored for a log of {size}")
    _check_stored_tree(report, levels, stored)
    if head is not None and bytes(head.peaks) != levels.peaks():
        report.add(max(size - 1, 0), "edited", "the head's right edge is not the rebuilt tree's")
    verifiers = keys.verifiers()
    _check_checkpoints(report, levels, verifiers)
    if witness is not None:
        body = _open_checkpoint(report, witness, witness_keys or verifiers, "the given checkpoint")
        if body is not None:
            _check_against(report, levels, body, "the given checkpoint")
    report.log_seconds = time.monotonic() - started
    return levels


# --- pass 2: the records ------------------------------------------------------------------

ACT_COLUMNS = (
    "seq",
    "canonical",
    "kind",
    "occurred_at",
    "recorded_at",
    "actor_id",
    "actor_label",
    "procuratorate_id",
    "subject_type",
    "subject_id",
    "visibility",
    "body",
)


def _act_differs(entry: dict, row: dict) -> str | None:
    """Which column of an act differs from its entry's bytes, if one does."""
    procuratorate = entry.get("procuratorate") or {}
    expected = {
        "seq": entry.get("seq"),
        "kind": entry.get("kind"),
        "occurred_at": entry.get("occurred_at"),
        "recorded_at": entry.get("recorded_at"),
        "actor_id": (entry.get("actor") or {}).get("staff"),
        "actor_label": (entry.get("actor") or {}).get("label"),
        "procuratorate_id": procuratorate.get("id"),
        "subject_type": (entry.get("subject") or {}).get("type"),
        "subject_id": (entry.get("subject") or {}).get("id"),
        "visibility": entry.get("visibility"),
        "body": entry.get("body"),
    }
    for column, value in expected.items():
        held = row[column]
        if isinstance(held, datetime.datetime):
            held = instant(held)
        elif column == "body":
            held = jsonable(held)
        if held != value:
            return column
    return None


Written = dict[tuple[str, int], tuple[int, str | None]]


def _check_acts(report: Report, size: int, progress: Progress) -> Written:
    """Each act's columns against its bytes; and which entry last wrote each domain row."""
    written: Written = {}
    done = 0
    for row in Act.objects.order_by("seq").values(*ACT_COLUMNS).iterator(chunk_size=CHUNK):
        seq = row["seq"]
        if seq is None or seq >= size:
            continue
        try:
            entry = json.loads(bytes(row["canonical"]))
            if not isinstance(entry, dict):
                raise ValueError("not an object")
        except (ValueError, TypeError) as failure:
            report.add(seq, "edited", f"its bytes are not an entry ({failure})")
            continue
        column = _act_differs(entry, row)
        if column is not None:
            report.add(seq, "edited", f"the act's column {column} differs from its entry")
        for item in entry.get("rows") or []:
            try:
                written[item["model"], int(item["id"])] = (seq, item.get("hash"))
            except (KeyError, TypeError, ValueError):
                report.add(seq, "edited", "the entry lists a row it cannot name")
        done += 1
        if done % CHUNK == 0:
            progress("acts", done, size)
    progress("acts", done, size)
    return written


def _check_rows(report: Report, written: Written, size: int, progress: Progress) -> None:
    for model in ledgered_models():
        label = model._meta.label_lower
        fields = content_fields(model)
        rows = model._base_manager.order_by("pk")
        rows = rows.prefetch_related(*(m.name for m in model._meta.many_to_many))
        for row in rows.iterator(chunk_size=CHUNK):
            report.rows += 1
            key = (label, row.pk)
            last = written.pop(key, None)
            if row.ledger_seq is not None and row.ledger_seq >= size:
                continue  # written by an act appended while we were reading
            if last is None:
                report.add(
                    row.ledger_seq if row.ledger_seq is not None else size,
                    "row differs",
                    f"{label} {row.pk} was written around the application (no entry)",
                )
                continue
            seq, expected = last
            if row.ledger_seq != seq:
                report.add(
                    seq,
                    "row differs",
                    f"{label} {row.pk} points at #{row.ledger_seq}, but #{seq} wrote it last",
                )
                continue
            try:
                salt = bytes.fromhex(row.ledger_salt)
                actual = commitment(salt, content(row, fields))
            except (ValueError, TypeError) as failure:
                actual = f"unreadable: {failure}"
            if actual != expected:
                report.add(seq, "row differs", f"{label} {row.pk} differs from its entry")
        progress("rows", report.rows, report.rows)
    for (label, pk), (seq, expected) in sorted(written.items(), key=lambda kv: kv[1][0]):
        if expected is not None:
            report.add(seq, "row differs", f"{label} {pk} was written by #{seq} and is gone")


def check_records(report: Report, progress: Progress = _quiet) -> None:
    started = time.monotonic()
    written = _check_acts(report, report.size, progress)
    _check_rows(report, written, report.size, progress)
    report.records_seconds = time.monotonic() - started


@contextlib.contextmanager
def _one_state() -> Iterator[None]:
    """Read one state of the database throughout: the head of one moment and the entries,
    subtrees and rows of a later one (appends go on while we read) would not agree.
    PostgreSQL: one REPEATABLE READ transaction, a single snapshot. SQLite: one deferred read
    transaction, which under WAL is a snapshot too and blocks no writer. Inside a transaction
    already (a test), that transaction is the state."""
    if not connection.get_autocommit():
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")


def verify(
    progress: Progress = _quiet,
    witness: str | None = None,
    witness_keys: list[Verifier] | None = None,
    records: bool = True,
) -> Report:
    """Check the whole ledger. Never raises on a damaged database: whatever cannot be read
    is a problem in the report."""
    report = Report()
    try:
        with _one_state():
            check_log(report, progress, witness, witness_keys)
            if records:
                check_records(report, progress)
    except Exception as failure:  # a database too damaged to read is itself the finding
        report.add(-1, "unreadable", f"{type(failure).__name__}: {failure}")
    return report
