"""The verifiable random draw (随机分案): which case-handling organisation a case goes to.

Pure and deterministic, no database: the inputs are committed to the ledger first, the seed
comes from the root of the tree whose last entry is that commitment (and an external beacon
where one is configured), and the choice from a SHA-256 counter stream by rejection sampling.
Anyone holding the ledger can recompute a draw with their own code from docs/assignment.md.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import comb
from typing import Any, Protocol

from django.utils.translation import gettext as _

from procuracy.core.errors import RuleViolation
from procuracy.ledger.canonical import dumps

ALGORITHM_VERSION = "procuracy-draw/1"
SEED_TAG = b"procuracy draw seed v1\x00"
ROOT_SIZE = 32
# Every number the commitment holds is an integer JSON can carry exactly (RFC 8785 refuses more).
MAX_JSON_INT = 2**53 - 1


class EmptyPool(RuleViolation):
    """No organisation may take part in the draw: the case waits in the queue."""


# --- The inputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """An organisation in the pool and its running weighted load, in hundredths of a case
    weight (a case of weight 1.5 adds 150)."""

    org: int
    load: int


@dataclass(frozen=True)
class Exclusion:
    """An organisation kept out of this draw, with a reason code and the reason in words."""

    org: int
    reason: str
    text: str


@dataclass(frozen=True)
class BeaconRef:
    """The external beacon round the seed will take, named before its value is published."""

    source: str
    round: int


@dataclass(frozen=True)
class DrawInputs:
    """Everything the draw depends on except the tree root and the beacon value.

    `pool` is in ascending org id; `exclusions` likewise (an excluded org may also be in the
    pool: it is then left out of the draw). `max_distance` is in the same unit as the loads;
    `escape` is the chance each heavier organisation stays in the draw anyway.
    """

    case: str
    pool: tuple[Member, ...]
    exclusions: tuple[Exclusion, ...]
    max_distance: int
    escape: Fraction
    beacon: BeaconRef | None = None
    algorithm: str = ALGORITHM_VERSION

    def __post_init__(self) -> None:
        if self.algorithm != ALGORITHM_VERSION:
            raise ValueError(f"unknown draw algorithm {self.algorithm!r}")
        numbers = [self.max_distance, *(e.org for e in self.exclusions)]
        numbers += [n for m in self.pool for n in (m.org, m.load)]
        if self.beacon is not None:
            numbers.append(self.beacon.round)
        for number in numbers:
            _check_int(number)
        _check_ascending([m.org for m in self.pool], "pool")
        _check_ascending([e.org for e in self.exclusions], "exclusions")
        if not isinstance(self.escape, Fraction) or not 0 <= self.escape <= 1:
            raise ValueError("escape must be a Fraction between 0 and 1")

    def as_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "case": self.case,
            "pool": [{"org": m.org, "load": m.load} for m in self.pool],
            "exclusions": [
                {"org": e.org, "reason": e.reason, "text": e.text} for e in self.exclusions
            ],
            "max_distance": self.max_distance,
            "escape": {
                "numerator": self.escape.numerator,
                "denominator": self.escape.denominator,
            },
            "beacon": (
                None
                if self.beacon is None
                else {"source": self.beacon.source, "round": self.beacon.round}
            ),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DrawInputs:
        """The inputs back from a ledger entry's body; refuses anything but the exact form."""
        keys = {"algorithm", "case", "pool", "exclusions", "max_distance", "escape", "beacon"}
        if set(data) != keys:
            raise ValueError(f"draw inputs must have exactly the keys {sorted(keys)}")
        beacon = data["beacon"]
        inputs = cls(
            algorithm=data["algorithm"],
            case=data["case"],
            pool=tuple(Member(org=m["org"], load=m["load"]) for m in data["pool"]),
            exclusions=tuple(
                Exclusion(org=e["org"], reason=e["reason"], text=e["text"])
                for e in data["exclusions"]
            ),
            max_distance=data["max_distance"],
            escape=Fraction(data["escape"]["numerator"], data["escape"]["denominator"]),
            beacon=None if beacon is None else BeaconRef(beacon["source"], beacon["round"]),
        )
        if inputs.as_json() != dict(data):  # e.g. an escape of 2/40 that should read 1/20
            raise ValueError("draw inputs are not in their canonical form")
        return inputs


def _check_ascending(ids: list[int], what: str) -> None:
    if any(a >= b for a, b in itertools.pairwise(ids)):
        raise ValueError(f"the {what} must be in strictly ascending org id")


def _check_int(number: int) -> None:
    if isinstance(number, bool) or not isinstance(number, int):
        raise ValueError(f"{number!r} is not an integer")
    if not 0 <= number <= MAX_JSON_INT:
        raise ValueError(f"{number} is outside 0 … 2**53 - 1")


def commitment(inputs: DrawInputs) -> bytes:
    """The RFC 8785 bytes of the inputs: what the draw's ledger entry holds, appended first."""
    return dumps(inputs.as_json())


# --- The seed and the stream -----------------------------------------------------------------


def seed(tree_root: bytes, beacon: bytes | None) -> bytes:
    """SHA-256(tag ‖ root ‖ 0x00) without a beacon, SHA-256(tag ‖ root ‖ 0x01 ‖ uint32_be(len)
    ‖ value) with one."""
    if len(tree_root) != ROOT_SIZE:
        raise ValueError("the tree root must be 32 bytes")
    tail = b"\x00" if beacon is None else b"\x01" + len(beacon).to_bytes(4, "big") + beacon
    return hashlib.sha256(SEED_TAG + tree_root + tail).digest()


class ByteSource(Protocol):
    def read(self, n: int) -> bytes: ...


class Stream:
    """Block i = SHA-256(seed ‖ uint64_be(i)); the blocks laid end to end, read in order."""

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._buffer = b""
        self.blocks = 0  # blocks computed so far
        self.consumed = 0  # bytes read so far

    def read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            counter = self.blocks.to_bytes(8, "big")
            self._buffer += hashlib.sha256(self._seed + counter).digest()
            self.blocks += 1
        taken, self._buffer = self._buffer[:n], self._buffer[n:]
        self.consumed += n
        return taken


def uniform_below(k: int, source: ByteSource) -> int:
    """A number in 0 … k-1, each equally likely: draw b bytes (the fewest with 256**b ≥ k),
    and draw again while the value falls in the top 256**b mod k values, which `% k` would
    map unevenly."""
    if k < 1:
        raise ValueError("k must be at least 1")
    size = ((k - 1).bit_length() + 7) // 8  # fewest bytes b with 256**b ≥ k; 0 for k = 1
    limit = k * (256**size // k)
    while True:
        x = int.from_bytes(source.read(size), "big")
        if x < limit:
            return x % k


def bernoulli(numerator: int, denominator: int, source: ByteSource) -> bool:
    """True with probability numerator/denominator, always drawing from the stream."""
    return uniform_below(denominator, source) < numerator


# --- The choice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heavy:
    """An organisation more than max_distance above the lightest, and whether it escaped."""

    org: int
    load: int
    escaped: bool


@dataclass(frozen=True)
class Outcome:
    """The draw with everything needed to explain and re-check it."""

    chosen: int
    index: int  # the chosen org's place in `eligible`
    eligible: tuple[int, ...]
    excluded: tuple[int, ...]  # pool members left out by an exclusion
    heavy: tuple[Heavy, ...]
    lightest: int
    ceiling: int  # lightest + max_distance: heavier orgs only stay in by escaping
    seed: bytes
    blocks: int
    consumed: int
    algorithm: str = ALGORITHM_VERSION

    @property
    def chosen_by_escape(self) -> bool:
        """Whether the chosen org is a heavy one that stayed in by escaping."""
        return self.chosen in {h.org for h in self.heavy}

    def as_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "seed": self.seed.hex(),
            "chosen": self.chosen,
            "index": self.index,
            "eligible": list(self.eligible),
            "excluded": list(self.excluded),
            "heavy": [{"org": h.org, "load": h.load, "escaped": h.escaped} for h in self.heavy],
            "lightest": self.lightest,
            "ceiling": self.ceiling,
            "blocks": self.blocks,
            "bytes": self.consumed,
        }


def choose(inputs: DrawInputs, seed: bytes) -> Outcome:
    excluded = {e.org for e in inputs.exclusions}
    candidates = [m for m in inputs.pool if m.org not in excluded]
    if not candidates:
        raise EmptyPool(
            _(
                "没有可参与随机分案的办案组织（池中没有，或都已被排除），"
                "案件 %(case)s 留在待分案队列中。"
            )
            % {"case": inputs.case}
        )
    stream = Stream(seed)
    lightest = min(m.load for m in candidates)
    ceiling = lightest + inputs.max_distance
    eligible: list[int] = []
    heavy: list[Heavy] = []
    for member in candidates:  # pool order: the escapes take the stream in this order
        if member.load <= ceiling:
            eligible.append(member.org)
            continue
        escaped = bernoulli(inputs.escape.numerator, inputs.escape.denominator, stream)
        heavy.append(Heavy(org=member.org, load=member.load, escaped=escaped))
        if escaped:
            eligible.append(member.org)
    index = uniform_below(len(eligible), stream)
    return Outcome(
        chosen=eligible[index],
        index=index,
        eligible=tuple(eligible),
        excluded=tuple(m.org for m in inputs.pool if m.org in excluded),
        heavy=tuple(heavy),
        lightest=lightest,
        ceiling=ceiling,
        seed=seed,
        blocks=stream.blocks,
        consumed=stream.consumed,
    )


def draw(inputs: DrawInputs, tree_root: bytes, beacon: bytes | None = None) -> Outcome:
    """The draw from its committed inputs, the tree root and the beacon value (if the inputs
    name a beacon round, its value is required; if they do not, none may be given)."""
    if (inputs.beacon is None) != (beacon is None):
        raise ValueError(
            "the beacon value is missing" if beacon is None else "the inputs name no beacon"
        )
    return choose(inputs, seed(tree_root, beacon))


@dataclass(frozen=True)
class Verification:
    recorded: int
    outcome: Outcome

    @property
    def matches(self) -> bool:
        return self.outcome.chosen == self.recorded

    def __bool__(self) -> bool:
        return self.matches


def verify(
    inputs: DrawInputs, tree_root: bytes, beacon: bytes | None, recorded_choice: int
) -> Verification:
    """Recompute the draw and compare it with the org that was recorded as chosen."""
    return Verification(recorded=recorded_choice, outcome=draw(inputs, tree_root, beacon))


def expected_escape_share(normal: int, heavy: int, escape: Fraction) -> Fraction:
    """The chance that a draw with `normal` orgs within the distance and `heavy` above it picks
    a heavy one: Σ_j C(heavy, j) p^j (1-p)^(heavy-j) · j / (normal + j). For the fairness
    figures and the tests, which compare it with what the draws did."""
    total = Fraction(0)
    for j in range(1, heavy + 1):
        chance = comb(heavy, j) * escape**j * (1 - escape) ** (heavy - j)
        total += chance * Fraction(j, normal + j)
    return total
