"""Appending to the log, inside the transaction of the act being recorded.

Each act becomes one entry: its sequence number is the log's size when it is appended (the
leaf index), its canonical bytes are the leaf, and the complete subtrees it completes are
stored. Appends are serialised by locking the one `Head` row (SELECT … FOR UPDATE on
PostgreSQL; SQLite's IMMEDIATE transactions already let one writer in at a time), and the
head holds the right edge of the tree, so an append reads nothing else.

The rows an act wrote are stamped here: each gets the entry's sequence number, a fresh salt
and the salted hash of its canonical content, and the entry lists (model, id, hash).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import models

from procuracy.core.models import Act, Ledgered
from procuracy.ledger.canonical import commitment, content, dumps, instant, jsonable
from procuracy.ledger.merkle import leaf_hash
from procuracy.ledger.models import Head, Node, node_key
from procuracy.ledger.tree import push

HASH = 32
POINTERS = ["ledger_seq", "ledger_salt", "ledger_hash"]


def split_peaks(blob: bytes) -> list[bytes]:
    return [blob[i : i + HASH] for i in range(0, len(blob), HASH)]


def entry_of(act: Act, rows: list[dict]) -> dict:
    """The entry as a JSON object: every column of the act, and the rows it wrote."""
    procuratorate = None
    if act.procuratorate is not None:
        procuratorate = {"id": act.procuratorate.pk, "code": act.procuratorate.code}
    return {
        "seq": act.seq,
        "kind": act.kind,
        "occurred_at": instant(act.occurred_at),
        "recorded_at": instant(act.recorded_at),
        "actor": {"staff": act.actor_id, "label": act.actor_label},
        "procuratorate": procuratorate,
        "subject": {"type": act.subject_type, "id": act.subject_id},
        "visibility": act.visibility,
        "body": act.body,
        "rows": rows,
    }


def stamp(row: Ledgered, seq: int) -> dict:
    """Point `row` at entry `seq` with a fresh salted hash of its content (in memory)."""
    salt = secrets.token_bytes(16)
    row.ledger_seq = seq
    row.ledger_salt = salt.hex()
    row.ledger_hash = commitment(salt, content(row))
    return {"model": row._meta.label_lower, "id": row.pk, "hash": row.ledger_hash}


class Appender:
    """The log's head while one transaction appends to it. Made by `open()`, which takes the
    lock; `add()` gives each act its entry; `flush()` writes the nodes, the stamped rows and
    the head (the acts themselves are the caller's to save, after `add()`)."""

    def __init__(self, size: int, peaks: list[bytes]):
        self.size = size
        self.peaks = peaks
        self.nodes: list[Node] = []
        self.rows: dict[tuple[type[models.Model], int], Ledgered] = {}

    @classmethod
    def open(cls) -> Appender:
        head = Head.objects.select_for_update().filter(pk=1).first()
        if head is None:  # a fresh (or flushed) database: the head is made on first use
            Head.objects.bulk_create([Head(pk=1)], ignore_conflicts=True)
            head = Head.objects.select_for_update().get(pk=1)
        return cls(head.size, split_peaks(bytes(head.peaks)))

    def add(self, act: Act, rows: Iterable[Ledgered]) -> None:
        act.seq = self.size
        act.body = jsonable(act.body)
        stamped = []
        for row in rows:
            stamped.append(stamp(row, act.seq))
            self.rows[type(row), row.pk] = row
        act.canonical = dumps(entry_of(act, stamped))
        for level, index, h in push(self.size, self.peaks, leaf_hash(act.canonical)):
            self.nodes.append(Node(key=node_key(level, index), hash=h))
        self.size += 1

    def flush(self, batch_size: int = 2000) -> None:
        Node.objects.bulk_create(self.nodes, batch_size=batch_size)
        self.nodes = []
        by_model: dict[type[models.Model], list[Ledgered]] = {}
        for (model, _pk), row in self.rows.items():
            by_model.setdefault(model, []).append(row)
        for model, rows in by_model.items():
            if len(rows) == 1:
                row = rows[0]
                model._base_manager.filter(pk=row.pk).update(
                    **{name: getattr(row, name) for name in POINTERS}
                )
            else:
                model._base_manager.bulk_update(rows, POINTERS, batch_size=500)
        self.rows = {}
        Head.objects.filter(pk=1).update(size=self.size, peaks=b"".join(self.peaks))
