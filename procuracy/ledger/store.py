"""Roots and proofs of the stored log, read from its complete subtrees.

Every question is answered in two steps: the tree module names the subtrees it needs (a dry
run with placeholder hashes), they are fetched in one query, and the answer is computed from
them — O(log n) hashes read, one round trip, and the log never rehashed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from procuracy.core.models import Act
from procuracy.ledger import tree
from procuracy.ledger.merkle import ProofError
from procuracy.ledger.models import Head, Node, node_key

T = TypeVar("T")
_PLACEHOLDER = bytes(32)


class MissingNode(ProofError):
    """A subtree the log should hold is not stored (the database was changed around us)."""


def size() -> int:
    """How many entries the log holds (without taking the append lock)."""
    return Head.objects.filter(pk=1).values_list("size", flat=True).first() or 0


def _stored(compute: Callable[[tree.Get], T]) -> T:
    wanted: set[int] = set()

    def probe(level: int, index: int) -> bytes:
        wanted.add(node_key(level, index))
        return _PLACEHOLDER

    compute(probe)
    found = {k: bytes(h) for k, h in Node.objects.filter(key__in=wanted).values_list("key", "hash")}

    def get(level: int, index: int) -> bytes:
        try:
            return found[node_key(level, index)]
        except KeyError:
            raise MissingNode(f"the subtree ({level}, {index}) is not stored") from None

    return compute(get)


def _check_size(n: int) -> None:
    held = size()
    if n > held:
        raise ProofError(f"the log holds {held} entries, not {n}")


def root(n: int) -> bytes:
    _check_size(n)
    return _stored(lambda get: tree.root(n, get))


def inclusion_proof(index: int, n: int) -> list[bytes]:
    _check_size(n)
    return _stored(lambda get: tree.inclusion_proof(index, n, get))


def consistency_proof(n1: int, n2: int) -> list[bytes]:
    _check_size(n2)
    return _stored(lambda get: tree.consistency_proof(n1, n2, get))


def leaf_hash(seq: int) -> bytes:
    return _stored(lambda get: get(0, seq))


def entry_bytes(seq: int) -> bytes | None:
    raw = Act.objects.filter(seq=seq).values_list("canonical", flat=True).first()
    return None if raw is None else bytes(raw)
