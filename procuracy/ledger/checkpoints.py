"""Signed checkpoints of the log (C2SP tlog-checkpoint): made on demand
(`procuracy ledger checkpoint`) and by the worker, never by a web request."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from procuracy.ledger import keys, store
from procuracy.ledger.checkpoint import Checkpoint as Body
from procuracy.ledger.models import Checkpoint
from procuracy.ledger.note import sign


class EmptyLog(Exception):
    """An empty log has no checkpoint."""


def latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-id").first()


def make(now: datetime.datetime | None = None) -> Checkpoint:
    """Sign the log at its present size. When nothing was appended since the latest
    checkpoint, that one is returned: two checkpoints of one size would carry one root."""
    signer = keys.signer()
    with transaction.atomic():
        size = store.size()
        if size == 0:
            raise EmptyLog("the ledger is empty: there is nothing to sign")
        last = latest()
        if last is not None and last.size == size:
            return last
        root = store.root(size)
        note = sign(Body(keys.origin(), size, root).body(), signer)
        return Checkpoint.objects.create(
            size=size, root=root.hex(), note=note, made_at=now or timezone.now()
        )


def due(now: datetime.datetime | None = None) -> bool:
    """Whether the worker should sign: N entries, or T minutes with something new, since the
    latest checkpoint (settings PROCURACY_LEDGER_CHECKPOINT_ENTRIES / _MINUTES)."""
    size = store.size()
    last = latest()
    if last is None:
        return size > 0
    if size - last.size >= settings.PROCURACY_LEDGER_CHECKPOINT_ENTRIES:
        return True
    elapsed = (now or timezone.now()) - last.made_at
    minutes = datetime.timedelta(minutes=settings.PROCURACY_LEDGER_CHECKPOINT_MINUTES)
    return size > last.size and elapsed >= minutes
