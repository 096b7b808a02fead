"""The external randomness beacon (随机信标) whose value enters a draw's seed, where one is
configured (setting PROCURACY_BEACON; docs/assignment.md, "Beacon"): which round a draw waits
for, when that round is published, and its value.

The site has no public internet: the values come from an intranet mirror of the drand HTTP
API (`relay`) or from a directory an operator fills, one file per round. Nothing here raises
on a network or file error: a value that cannot be had yet is None, and the draw waits.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

log = logging.getLogger("procuracy.beacon")
TIMEOUT = 3.0  # seconds a relay may take to answer before the value counts as not yet there
# A draw names the first round published at least this long after it commits its inputs, so
# that the round cannot come out while the commitment's transaction is still open.
SLACK = datetime.timedelta(seconds=1)


@dataclass(frozen=True)
class Source:
    """The configured beacon: its name (as the commitment names it), its schedule, and where
    its values are read."""

    name: str
    genesis: int  # unix seconds at which round 1 is published
    period: int  # seconds between rounds
    relay: str = ""  # base URL of a drand HTTP API: GET {relay}/public/{round}
    directory: str = ""  # a folder holding one file per round, named by the round number
    timeout: float = TIMEOUT


def source() -> Source | None:
    """The configured beacon, or None when none is (the setting unset or empty)."""
    conf = getattr(settings, "PROCURACY_BEACON", None)
    if not conf:
        return None
    if not isinstance(conf, dict):
        raise ImproperlyConfigured("PROCURACY_BEACON must be a JSON object")
    name, relay, directory = conf.get("source"), conf.get("relay"), conf.get("directory")
    if not isinstance(name, str) or not name:
        raise ImproperlyConfigured("PROCURACY_BEACON needs a 'source' name")
    if bool(relay) == bool(directory):
        raise ImproperlyConfigured("PROCURACY_BEACON needs exactly one of 'relay' and 'directory'")
    return Source(
        name=name,
        genesis=_seconds(conf, "genesis", least=0),
        period=_seconds(conf, "period", least=1),
        relay=str(relay or ""),
        directory=str(directory or ""),
        timeout=float(conf.get("timeout", TIMEOUT)),
    )


def _seconds(conf: dict, key: str, *, least: int) -> int:
    number = conf.get(key)
    if isinstance(number, bool) or not isinstance(number, int) or number < least:
        raise ImproperlyConfigured(f"PROCURACY_BEACON '{key}' must be whole seconds")
    return number


def configured() -> bool:
    return source() is not None


def _required(src: Source | None) -> Source:
    found = src or source()
    if found is None:
        raise ImproperlyConfigured("no beacon is configured (PROCURACY_BEACON)")
    return found


def published_at(round: int, src: Source | None = None) -> datetime.datetime:
    """When round `round` is published: genesis + (round − 1) · period."""
    src = _required(src)
    return datetime.datetime.fromtimestamp(src.genesis + (round - 1) * src.period, tz=datetime.UTC)


def round_after(moment: datetime.datetime, src: Source | None = None) -> int:
    """The first round published strictly after `moment`."""
    src = _required(src)
    genesis = datetime.datetime.fromtimestamp(src.genesis, tz=datetime.UTC)
    if moment < genesis:
        return 1
    # Rounds 1 … n are out at `moment`, n = floor(elapsed / period) + 1, in whole microseconds.
    elapsed = (moment - genesis) // datetime.timedelta(microseconds=1)
    return elapsed // (src.period * 1_000_000) + 2


def value(round: int, src: Source | None = None) -> bytes | None:
    """The round's published value (drand: the `randomness` field, hex-decoded), or None when
    it cannot be had yet: its time has not come, the file is not there, the relay does not
    answer or answers with something else than that round."""
    src = _required(src)
    if timezone.now() < published_at(round, src):
        return None  # a value offered before its round's time is not the beacon's
    try:
        text = _read_file(src, round) if src.directory else _fetch(src, round)
        return None if text is None else _parse(text, round)
    except (OSError, ValueError, KeyError, TypeError) as failed:
        log.warning("beacon %s round %s: no value (%s)", src.name, round, failed)
        return None


def _read_file(src: Source, round: int) -> str | None:
    path = Path(src.directory) / str(round)
    if not path.exists():
        return None
    return path.read_text(encoding="utf-8")


def _fetch(src: Source, round: int) -> str:
    url = f"{src.relay.rstrip('/')}/public/{round}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=src.timeout) as response:
        return response.read().decode("utf-8")


def _parse(text: str, round: int) -> bytes:
    """A round's value from a drand JSON answer ({"round", "randomness", "signature"}) or from
    a file holding only the randomness in hex."""
    text = text.strip()
    if not text.startswith("{"):
        found = bytes.fromhex(text)
    else:
        data = json.loads(text)
        if "round" in data and data["round"] != round:
            raise ValueError(f"the answer is for round {data['round']}")
        found = bytes.fromhex(data["randomness"])
        # drand's randomness is SHA-256 of the round's signature: a cheap check that catches a
        # garbled copy (it proves nothing about a forged one; comparing with the public chain does).
        if (
            "signature" in data
            and hashlib.sha256(bytes.fromhex(data["signature"])).digest() != found
        ):
            raise ValueError("the randomness is not the hash of the signature")
    if not found:
        raise ValueError("the value is empty")
    return found
