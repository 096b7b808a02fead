"""The Merkle tree as stored: a hash for every complete subtree, so that roots and proofs
of any size are read in O(log n) hashes and the log is never hashed again.

A complete subtree is named by (level, index): it covers leaves [index·2^level,
(index+1)·2^level). Appending leaf n stores (0, n) and every subtree that leaf completes;
a tree of any size is then a few complete subtrees read left to right (its binary digits).
`get(level, index)` is the store: a dict in tests, the database in the ledger.
"""

from __future__ import annotations

from collections.abc import Callable

from procuracy.ledger.merkle import EMPTY_ROOT, ProofError, node_hash, split

Get = Callable[[int, int], bytes]
Node = tuple[int, int, bytes]


def parts(begin: int, end: int) -> list[tuple[int, int]]:
    """The complete subtrees, largest first, that leaves [begin, end) are made of, for a range
    the RFC 6962 recursion produces (begin aligned to the power of two that spans it); from 0,
    the binary digits of `end`: a tree's right edge."""
    out = []
    while begin < end:
        level = (end - begin).bit_length() - 1
        out.append((level, begin >> level))
        begin += 1 << level
    return out


def push(size: int, peaks: list[bytes], leaf: bytes) -> list[Node]:
    """Append leaf number `size` to a tree whose right edge is `peaks` (largest first; changed
    in place). Returns the complete subtrees to store: the leaf and each one it completes."""
    nodes = [(0, size, leaf)]
    level, index, h = 0, size, leaf
    while index & 1:
        h = node_hash(peaks.pop(), h)
        level, index = level + 1, index >> 1
        nodes.append((level, index, h))
    peaks.append(h)
    return nodes


def root_of_peaks(peaks: list[bytes]) -> bytes:
    """The root of a tree from its right edge (largest subtree first), folded from the right
    as RFC 6962 splits: MTH of the empty tree when there is none."""
    if not peaks:
        return EMPTY_ROOT
    h = peaks[-1]
    for peak in reversed(peaks[:-1]):
        h = node_hash(peak, h)
    return h


def appended(size: int, leaf: bytes, get: Get) -> list[Node]:
    """The subtrees to store when leaf number `size` (0-based) with hash `leaf` is appended,
    lowest first, reading the right edge from the store."""
    return push(size, [get(level, index) for level, index in parts(0, size)], leaf)


def _range(begin: int, end: int, get: Get) -> bytes:
    """The root over leaves [begin, end), for a range the RFC 6962 recursion produces (begin
    is aligned to the power of two that spans it): its complete subtrees, largest first,
    folded from the right."""
    hashes = [get(level, index) for level, index in parts(begin, end)]
    h = hashes.pop()
    while hashes:
        h = node_hash(hashes.pop(), h)
    return h


def root(size: int, get: Get) -> bytes:
    return _range(0, size, get) if size else EMPTY_ROOT


def inclusion_proof(index: int, size: int, get: Get) -> list[bytes]:
    """RFC 6962 PATH(index, D[size]) from the stored subtrees."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    proof: list[bytes] = []
    begin, n, m = 0, size, index
    while n > 1:  # walk down from the root; siblings are collected top first
        k = split(n)
        if m < k:
            proof.append(_range(begin + k, begin + n, get))
            n = k
        else:
            proof.append(_range(begin, begin + k, get))
            begin, n, m = begin + k, n - k, m - k
    return proof[::-1]


def consistency_proof(size1: int, size2: int, get: Get) -> list[bytes]:
    """RFC 6962 PROOF(size1, D[size2]) from the stored subtrees."""
    if not 0 < size1 <= size2:
        raise ProofError(f"no consistency proof from size {size1} to size {size2}")
    proof: list[bytes] = []
    begin, n, m, complete = 0, size2, size1, True
    while m != n:
        k = split(n)
        if m <= k:
            proof.append(_range(begin + k, begin + n, get))
            n = k
        else:
            proof.append(_range(begin, begin + k, get))
            begin, n, m, complete = begin + k, n - k, m - k, False
    if not complete:
        proof.append(_range(begin, begin + n, get))
    return proof[::-1]
