"""The spine every consequential act runs along, in one transaction:
(1) ask the power list (`procuracy.powers.engine.authorize`) whether this actor may do this
here, (2) write the records, (3) record the act and append it to the ledger.

A service function is declared with `@service(permission, where=...)`; it must call `record()`
at least once. `record()` appends the act to the Merkle log in the same transaction and stamps
the rows the act wrote with the entry's number and their content hash; if the append fails,
the act and its records are rolled back with it.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from procuracy.core.actors import Actor
from procuracy.core.errors import ActDenied
from procuracy.core.models import Act, Ledgered, Visibility
from procuracy.core.permissions import ROLE_RULES
from procuracy.ledger.log import Appender

SERVICES: list[Callable] = []
_recorded: ContextVar[list[Act] | None] = ContextVar("recorded", default=None)
# Inside one_transaction(): the act rows not yet written, which go in together.
_unit: ContextVar[_Unit | None] = ContextVar("unit", default=None)


@dataclass(frozen=True)
class Permitted:
    """What the power list answered for the act running now, and the context it was asked
    in: a service that needs the item it acts under, or the case's handlers, reads them here
    rather than asking again."""

    decision: Any
    context: Any


_permitted: ContextVar[Permitted | None] = ContextVar("permitted", default=None)


def permitted() -> Permitted:
    """The answer that let the running service act (inside a service only)."""
    found = _permitted.get()
    if found is None:
        raise RuntimeError("permitted() is read inside a service")
    return found


UNIT_BATCH = 2000


@contextlib.contextmanager
def one_transaction() -> Iterator[None]:
    """For a loader that performs many acts as one unit (the demo): each act joins this one
    transaction without a savepoint of its own, and the act rows are inserted in batches
    before it commits; a refusal anywhere undoes the whole load. (A savepoint and an INSERT
    per act were three of the demo's five statements per act.)"""
    with transaction.atomic():
        unit = _Unit()
        token = _unit.set(unit)
        try:
            yield
            unit.write()
        finally:
            _unit.reset(token)


class _Unit:
    """The acts of one_transaction() not yet written, and the log's head, locked for the
    whole unit on its first act."""

    def __init__(self) -> None:
        self.pending: list[Act] = []
        self.appender: Appender | None = None

    def add(self, act: Act, rows: list[Ledgered]) -> None:
        if self.appender is None:
            self.appender = Appender.open()
        self.appender.add(act, rows)
        self.pending.append(act)
        if len(self.pending) >= UNIT_BATCH:
            self.write()

    def write(self) -> None:
        Act.objects.bulk_create(self.pending, batch_size=UNIT_BATCH)
        self.pending.clear()
        if self.appender is not None:
            self.appender.flush()


def service(
    permission: str | Callable[[dict], str],
    *,
    where: Callable[[dict], object],
    context: Callable[[dict], object] | None = None,
    power: str = "decide",
    among: tuple[str, ...] = (),
):
    """Declare a service function: the permission it needs and where (which procuratorate).

    `permission` is a role rule's name (declared with `role_rule` beside the function) or,
    with `context`, a power-list matter: `context` receives the keyword arguments and returns
    the engine's Context (the case's facts), and the act needs `power` over the matter. Where
    one service performs any of several matters (a decision in a case), `permission` is a
    function of the keyword arguments that picks the matter (raising RuleViolation for one the
    act cannot take) and `among` lists every matter it may pick.
    `where` receives the keyword arguments and returns the procuratorate the act concerns (or
    a tuple of them, all of which must allow it). A refused attempt is recorded, in its own
    transaction, before the refusal is raised: who tried what, when, and the reason.
    """
    if callable(permission):
        if context is None or not among:
            raise ValueError("a chosen matter needs the case's context and the matters among")
    elif context is None and permission not in ROLE_RULES:
        raise ValueError(f"unknown role rule {permission!r}")

    def decorate(fn):
        @functools.wraps(fn)
        def act(*, actor: Actor, **kwargs):
            chosen = permission(kwargs) if callable(permission) else permission
            ctx = context and context(kwargs)
            decision = _authorize(actor, chosen, power, where(kwargs), ctx)
            with transaction.atomic(savepoint=_unit.get() is None):
                token = _recorded.set([])
                answer = _permitted.set(Permitted(decision, ctx))
                try:
                    result = fn(actor=actor, **kwargs)
                    if not _recorded.get():
                        raise RuntimeError(f"{fn.__qualname__} recorded no act")
                finally:
                    _permitted.reset(answer)
                    _recorded.reset(token)
                return result

        # read by the service walk: the rule's name, or every matter the act may pick
        act.permission = among if callable(permission) else permission  # type: ignore[attr-defined]
        SERVICES.append(act)
        return act

    return decorate


def _authorize(actor: Actor, permission: str, power: str, places, ctx):
    """The engine's answer (the last place's, where the act concerns several), or ActDenied
    with the refusal recorded."""
    from procuracy.powers.engine import Context, authorize

    decision = None
    for place in places if isinstance(places, tuple) else (places,):
        decision = authorize(actor, permission, ctx or Context(procuratorate=place), power)
        if not decision.allowed:
            _note_refusal(actor, decision, place)
            raise ActDenied(decision.sentence, decision=decision)
    return decision


def _note_refusal(actor: Actor, decision, procuratorate) -> None:
    """The refused attempt, ledgered. It is its own transaction when the act is the outermost
    one (a page, an API call, a command), so it stays when the refusal is raised."""
    from procuracy.powers.models import Refusal

    with transaction.atomic(savepoint=_unit.get() is None):
        token = _recorded.set([])
        try:
            now = timezone.now()
            refusal = Refusal.objects.create(
                actor=actor.staff,
                actor_label=actor.label,
                act=decision.act,
                act_label=str(decision.act_label),
                procuratorate=procuratorate,
                reason=decision.sentence,
                attempted_at=now,
            )
            record(
                actor=actor,
                kind="powers.refused",
                subject=refusal,
                procuratorate=procuratorate,
                body={"act": decision.act, "power": decision.power, "reason": decision.sentence},
                occurred_at=now,
            )
        finally:
            _recorded.reset(token)


def record(
    *,
    actor: Actor,
    kind: str,
    subject,
    procuratorate=None,
    body: dict | None = None,
    occurred_at: datetime.datetime | None = None,
    visibility: str = Visibility.PROCURATORATE,
    rows: list[Ledgered] | None = None,
) -> Act:
    """Step (3): the typed record of what was done, appended to the ledger.

    `rows` are the domain rows the act wrote (by default the subject, when it is a ledgered
    row); each is stamped with the entry's number and its content hash. `visibility` is the
    scope and confidentiality of what the act describes; an act on personal data or sealed
    content keeps that content out of `body` (the rows' salted hashes commit to it).
    """
    acts = _recorded.get()
    if acts is None:
        raise RuntimeError("record() is called only inside a service function")
    act = Act(
        kind=kind,
        actor=actor.staff,
        actor_label=actor.label,
        procuratorate=procuratorate,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        occurred_at=occurred_at or timezone.now(),
        recorded_at=timezone.now(),
        visibility=visibility,
        body=body or {},
    )
    if rows is None:
        rows = [subject] if isinstance(subject, Ledgered) else []
    from procuracy.powers.engine import forget_people

    forget_people({row._meta.label_lower for row in rows})  # who may do what may have changed
    unit = _unit.get()
    if unit is None:
        Appender.current().write(act, rows)
    else:
        unit.add(act, rows)
    acts.append(act)
    return act


def ledger_head() -> tuple[int, bytes]:
    """The log's size and root as they stand in this transaction, the acts recorded so far
    included: what a draw seeds from right after committing its inputs (docs/assignment.md)."""
    from procuracy.ledger.log import split_peaks
    from procuracy.ledger.models import Head
    from procuracy.ledger.tree import root_of_peaks

    unit = _unit.get()
    if unit is not None:
        if unit.appender is None:
            unit.appender = Appender.open()
        return unit.appender.size, root_of_peaks(unit.appender.peaks)
    held = Appender.held()  # the head as this transaction last wrote it, lock still ours
    if held is not None:
        return held.size, root_of_peaks(held.peaks)
    head = Head.objects.filter(pk=1).first()
    if head is None:
        return 0, root_of_peaks([])
    return head.size, root_of_peaks(split_peaks(bytes(head.peaks)))


def at_start_of(day: datetime.date) -> datetime.datetime:
    """An act dated by a day only (an appointment from 1 March) happened at that day's start."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
