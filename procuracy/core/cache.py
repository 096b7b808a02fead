"""Rendered fragments kept until the records change.

Every write is an act, so the newest act's number is a version of all the data; with the day
(what holds "today" changes at midnight), the reader and the language it makes a key that can
never serve a stale fragment. Pages that are read far more often than the records change (the
organisation tree, the first pages of the staff list) keep their costly part this way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from procuracy.core.models import Act, today

TIMEOUT = 3600
T = TypeVar("T")


def data_version() -> str:
    # The newest act's time as well as its number: after the database is emptied and loaded
    # again (`demo --reset`) numbers start over, times do not.
    last = Act.objects.order_by("-id").values_list("id", "recorded_at").first() or (0, None)
    stamp = last[1].timestamp() if last[1] else 0
    return f"{today().isoformat()}.{last[0]}.{stamp:.6f}"


def kept(request, name: str, build: Callable[[], T]) -> T:
    """What `build()` makes for this reader, made again only when the records, the day, the
    reader or the language differ from the last time."""
    key = f"procuracy:{name}:{request.user.pk}:{get_language()}:{data_version()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def fragment(request, name: str, build: Callable[[], str]) -> SafeString:
    """A rendered fragment, kept as `kept` keeps it."""
    return mark_safe(kept(request, name, build))  # our own template output, already escaped
