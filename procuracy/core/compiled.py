"""Reads on a hot path (every intake, every draw), built by the ORM and compiled to SQL once per
process for each set of arguments: building and compiling a query with subqueries took the ORM
longer than the database took to answer it. The query is written once, in the ORM, where its
rules (validity on a day, presence, locks) already live; `build` is a module-level function of
hashable arguments returning a QuerySet (or its Query).

Rows come back as the database driver gives them, without the ORM's converters (SQLite gives
dates as text); `raw` gives model instances through the ORM's raw().
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import connection

COMPILED = 1024  # (build, arguments) pairs kept


@functools.lru_cache(maxsize=COMPILED)
def _sql(vendor: str, build: Callable, args: tuple) -> tuple[str, tuple]:
    query = build(*args)
    return getattr(query, "query", query).sql_with_params()


def sql(build: Callable, *args) -> tuple[str, tuple]:
    return _sql(connection.vendor, build, args)


def fetch(build: Callable, *args) -> list[tuple]:
    """Every row of the query `build(*args)`."""
    statement, params = sql(build, *args)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def first(build: Callable, *args) -> tuple | None:
    """The first row of the query `build(*args)`, or None."""
    statement, params = sql(build, *args)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


def raw(model, build: Callable, *args) -> list:
    """The model instances of the query `build(*args)`, with its annotations."""
    statement, params = sql(build, *args)
    return list(model.objects.raw(statement, params))
