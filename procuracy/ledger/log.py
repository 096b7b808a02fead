"""Appending to the log, inside the transaction of the act being recorded.

Each act becomes one entry: its sequence number is the log's size when it is appended (the
leaf index), its canonical bytes are the leaf, and the complete subtrees it completes are
stored. Appends are serialised by locking the one `Head` row (SELECT … FOR UPDATE on
PostgreSQL; SQLite's IMMEDIATE transactions already let one writer in at a time), and the
head holds the right edge of the tree, so an append reads nothing else.

The rows an act wrote are stamped here: each gets the entry's sequence number, a fresh salt
and the salted hash of its canonical content, and the entry lists (model, id, hash).

A transaction that appends several acts (an intake and its draw) reads and locks the head
once: the appender stays with the transaction for as long as what it wrote stands (see
`Appender.current`). On PostgreSQL one act's writes — the act, its nodes, the stamps of its
rows and the head — go in one statement.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable

from django.db import connection, models, transaction

from procuracy.core.models import Act, Ledgered
from procuracy.ledger.canonical import commitment, content, dumps, instant, jsonable
from procuracy.ledger.merkle import leaf_hash
from procuracy.ledger.models import Head, Node, node_key
from procuracy.ledger.tree import push

HASH = 32
POINTERS = ["ledger_seq", "ledger_salt", "ledger_hash"]
# Above these an act's writes go in the ORM's statements (a loader's batch), not one.
ONE_STATEMENT_ROWS = 100
_HELD = "procuracy_ledger_appender"  # the connection's attribute: (token, appender)


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


class _Token:
    """Registered with on_commit() after each write: Django drops it when the transaction
    ends (commit or rollback) and when a savepoint that was open at the write is rolled
    back, so while it is still registered, everything the appender wrote stands."""

    def __call__(self) -> None:
        pass


class Appender:
    """The log's head while one transaction appends to it. Made by `open()`, which takes the
    lock; `add()` gives each act its entry; `flush()` writes the nodes, the stamped rows and
    the head (the acts themselves are the caller's to save, after `add()`, unless they were
    given to `write()`)."""

    def __init__(self, size: int, peaks: list[bytes]):
        self.size = size
        self.peaks = peaks
        self.nodes: list[Node] = []
        self.rows: dict[tuple[type[models.Model], int], Ledgered] = {}
        self.acts: list[Act] = []  # added by write(), saved by flush()

    @classmethod
    def open(cls) -> Appender:
        """Lock the head and read it. Whatever appender the transaction held is let go: this
        one (a loader's) writes the head from now on."""
        cls.forget()
        head = _locked_head()
        if head is None:  # a fresh (or flushed) database: the head is made on first use
            Head.objects.bulk_create([Head(pk=1)], ignore_conflicts=True)
            head = _locked_head()
            assert head is not None
        size, peaks = head
        return cls(size, split_peaks(bytes(peaks)))

    @classmethod
    def held(cls) -> Appender | None:
        """The appender this transaction locked the head with, if everything it wrote still
        stands (no rollback since, the same transaction): its size and peaks are then the
        head's, and the lock is still ours."""
        found = getattr(connection, _HELD, None)
        if found is None:
            return None
        token, appender = found
        hooks = connection.run_on_commit
        if connection.in_atomic_block and any(h[1] is token for h in reversed(hooks)):
            return appender
        cls.forget()
        return None

    @classmethod
    def current(cls) -> Appender:
        """The transaction's appender: the one it holds, or a new one (the head locked)."""
        return cls.held() or cls.open()

    @classmethod
    def forget(cls) -> None:
        setattr(connection, _HELD, None)

    def _hold(self) -> None:
        token = _Token()
        transaction.on_commit(token)
        setattr(connection, _HELD, (token, self))

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

    def write(self, act: Act, rows: Iterable[Ledgered]) -> None:
        """Append `act`, save it and flush: the spine's append of one act. The appender is
        then held for the rest of the transaction; if anything here fails, it is let go
        (the transaction rolls back what was written)."""
        try:
            self.add(act, rows)
            self.acts.append(act)
            self.flush()
        except BaseException:
            self.forget()
            raise
        self._hold()

    def flush(self, batch_size: int = 2000) -> None:
        if self._one_statement():
            self._flush_in_one()
            return
        for act in self.acts:
            act.save()
        self.acts = []
        Node.objects.bulk_create(self.nodes, batch_size=batch_size)
        self.nodes = []
        for model, rows in self._rows_by_model().items():
            if len(rows) == 1:
                row = rows[0]
                model._base_manager.filter(pk=row.pk).update(
                    **{name: getattr(row, name) for name in POINTERS}
                )
            else:
                model._base_manager.bulk_update(rows, POINTERS, batch_size=500)
        self.rows = {}
        Head.objects.filter(pk=1).update(size=self.size, peaks=b"".join(self.peaks))

    def _rows_by_model(self) -> dict[type[models.Model], list[Ledgered]]:
        by_model: dict[type[models.Model], list[Ledgered]] = {}
        for (model, _pk), row in self.rows.items():
            by_model.setdefault(model, []).append(row)
        return by_model

    # --- PostgreSQL: one act's writes in one statement ------------------------------------

    def _one_statement(self) -> bool:
        return (
            connection.vendor == "postgresql"
            and len(self.acts) == 1
            and len(self.rows) + len(self.nodes) <= ONE_STATEMENT_ROWS
            # a row of a proxy or a child model could be the same row under two classes
            and not any(m._meta.proxy or m._meta.parents for m, _pk in self.rows)
        )

    def _flush_in_one(self) -> None:
        """The act's INSERT, the nodes' INSERT, an UPDATE per stamped row and the head's
        UPDATE as data-modifying WITH queries of one statement: one round trip instead of
        four or more. PostgreSQL runs every one of them to completion."""
        (act,) = self.acts
        parts, params = [], []
        insert, values = _insert_sql(Act, [act], returning=True)
        parts.append(f"act AS ({insert})")
        params += values
        if self.nodes:
            insert, values = _insert_sql(Node, self.nodes)
            parts.append(f"node AS ({insert})")
            params += values
        for n, row in enumerate(self.rows.values()):
            parts.append(f"row{n} AS ({_pointer_update_sql(type(row))})")
            params += [row.ledger_seq, row.ledger_salt, row.ledger_hash, row.pk]
        parts.append(f"head AS ({_head_update_sql()})")
        params += [self.size, b"".join(self.peaks), 1]
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {', '.join(parts)} SELECT * FROM act", params)
            (pk,) = cursor.fetchone()
        act.pk = pk
        act._state.adding = False
        act._state.db = connection.alias
        self.acts, self.nodes, self.rows = [], [], {}


@functools.lru_cache(maxsize=4)
def _head_sql(vendor: str) -> tuple[str, tuple]:
    rows = Head.objects.select_for_update().filter(pk=1).values_list("size", "peaks")
    return rows.query.sql_with_params()


def _locked_head() -> tuple[int, bytes] | None:
    """The head's size and peaks, its row locked (the SQL compiled once)."""
    sql, params = _head_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@functools.lru_cache(maxsize=64)
def _insert_template(model: type[models.Model], count: int, returning: bool):
    """INSERT of `count` rows into the model's table, every concrete field but an automatic
    key, as the ORM writes it on PostgreSQL (each value a plain placeholder there)."""
    meta = model._meta
    fields = tuple(
        f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field
    )
    qn = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES {', '.join([row] * count)}"
    )
    if returning:
        sql += f" RETURNING {qn(meta.db_table)}.{qn(meta.pk.column)}"
    return sql, fields


def _insert_sql(model: type[models.Model], objs: list, returning: bool = False):
    """The INSERT of `objs` and its parameters, each value prepared as the ORM prepares it
    (pre_save, then get_db_prep_save)."""
    sql, fields = _insert_template(model, len(objs), returning)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    return sql, params


_POINTER_UPDATES: dict[type[models.Model], str] = {}


def _pointer_update_sql(model: type[models.Model]) -> str:
    sql = _POINTER_UPDATES.get(model)
    if sql is None:
        qn = connection.ops.quote_name
        opts = (model._meta.concrete_model or model)._meta
        column = {f.name: f.column for f in opts.concrete_fields}
        columns = ", ".join(f"{qn(column[n])} = %s" for n in POINTERS)
        sql = f"UPDATE {qn(opts.db_table)} SET {columns} WHERE {qn(opts.pk.column)} = %s"
        _POINTER_UPDATES[model] = sql
    return sql


def _head_update_sql() -> str:
    qn = connection.ops.quote_name
    opts = Head._meta
    column = {f.name: f.column for f in opts.concrete_fields}
    return (
        f"UPDATE {qn(opts.db_table)} SET {qn(column['size'])} = %s, "
        f"{qn(column['peaks'])} = %s WHERE {qn(opts.pk.column)} = %s"
    )
