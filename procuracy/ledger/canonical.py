"""The one canonical form: RFC 8785 (JSON Canonicalization Scheme) bytes, and the content of a
domain row as the ledger commits to it.

An entry is stored as the RFC 8785 bytes of a JSON object; those bytes are the Merkle leaf.
A domain row that an act wrote is committed to by a salted hash of its canonical content, so
that a later edit made around the application is found, and so that personal or sealed
content can be corrected or withheld without the log giving it away.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import uuid
from typing import Any

import rfc8785
from django.db import models

# Fields of a ledgered row that are bookkeeping, not content.
POINTER_FIELDS = frozenset({"ledger_seq", "ledger_salt", "ledger_hash"})


def dumps(obj: Any) -> bytes:
    return rfc8785.dumps(obj)


def instant(moment: datetime.datetime) -> str:
    """An aware time as the entry writes it: UTC, microseconds, 'Z'."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def jsonable(value: Any) -> Any:
    """A field value as JSON that RFC 8785 can canonicalise, the same before and after the
    value has been through the database."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.datetime):
        return instant(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, float):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    raise TypeError(f"cannot put a {type(value).__name__} in a ledger entry")


def content_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if f.name not in POINTER_FIELDS and not f.primary_key
    ]


def content(row: models.Model, fields: list[models.Field] | None = None) -> dict:
    """The row's own content: its label, primary key, every concrete field but the pointers
    (each normalised the way the database would give it back) and the ids of its many-to-many
    relations (a department's business lines), sorted."""
    fields = fields if fields is not None else content_fields(type(row))
    values = {}
    for f in fields:
        value = getattr(row, f.attname)
        if value is not None and not isinstance(f, models.ForeignKey | models.JSONField):
            value = f.to_python(value)
        values[f.attname] = jsonable(value)
    for m2m in row._meta.many_to_many:
        # .all(), not values_list(): it reads a prefetched relation without a query
        values[m2m.attname] = sorted(related.pk for related in getattr(row, m2m.name).all())
    return {"model": row._meta.label_lower, "id": row.pk, "fields": values}


def commitment(salt: bytes, value: Any) -> str:
    """SHA-256(salt ‖ canonical bytes of value), hex: a hash that says nothing of a
    low-entropy value (a reason for leave, a note) to someone without the salt."""
    return hashlib.sha256(salt + dumps(value)).hexdigest()
