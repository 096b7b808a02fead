"""The random draw on its own: pinned vectors (also in docs/assignment.md), the sampler's
rejection, uniformity, the load balance over a long intake, exclusions and determinism."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procuracy.assignment.draw import (
    BeaconRef,
    DrawInputs,
    EmptyPool,
    Exclusion,
    Member,
    Stream,
    bernoulli,
    choose,
    commitment,
    draw,
    expected_escape_share,
    seed,
    uniform_below,
    verify,
)
from procuracy.ledger.merkle import leaf_hash

ZERO_ROOT = bytes(32)
# The critical value of chi-square with 6 degrees of freedom at p = 0.001.
CHI_SQUARE_6_AT_0_001 = 22.46


class Bytes:
    """A byte source that gives exactly the bytes it was made with."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.consumed = 0

    def read(self, n: int) -> bytes:
        taken = self.data[self.consumed : self.consumed + n]
        assert len(taken) == n, "the test ran out of bytes"
        self.consumed += n
        return taken


def example(case: str = "甘检刑诉受〔2026〕1号", beacon: BeaconRef | None = None) -> DrawInputs:
    return DrawInputs(
        case=case,
        pool=(
            Member(org=11, load=1200),
            Member(org=12, load=900),
            Member(org=13, load=1500),
            Member(org=15, load=950),
            Member(org=17, load=1000),
        ),
        exclusions=(
            Exclusion(
                org=15, reason="recusal", text="承办检察官的配偶在犯罪嫌疑人的辩护律师事务所执业"
            ),
        ),
        max_distance=300,
        escape=Fraction(1, 20),
        beacon=beacon,
    )


def counter_root(label: bytes, i: int) -> bytes:
    return hashlib.sha256(label + i.to_bytes(8, "big")).digest()


# --- Vectors ---------------------------------------------------------------------------------


def test_the_seed_vectors_hold():
    assert seed(ZERO_ROOT, None).hex() == (
        "49793c067928705a8a0fa69d8385d0c25e4ce6a7a5a27e6ba0570ec01750f6c5"
    )
    assert seed(ZERO_ROOT, bytes.fromhex("ab" * 32)).hex() == (
        "dc9da4a9930bceb7fc2fd0792665efb43915d5bac4d7a263e4bf3b7f598ab743"
    )
    assert seed(ZERO_ROOT, b"").hex() == (
        "622c5399b6f7db229054d00284df39ca9062e3633fdf0fcaf234ff5ac8478ddc"
    )


def test_the_stream_vector_holds_across_a_block_boundary():
    stream = Stream(seed(ZERO_ROOT, None))
    values = [uniform_below(7, stream) for _ in range(40)]
    assert values == [
        1, 2, 1, 0, 1, 3, 0, 0, 1, 4, 2, 0, 2, 6, 6, 0, 1, 0, 4, 4,
        5, 3, 2, 0, 2, 3, 4, 1, 5, 0, 4, 1, 4, 3, 6, 2, 0, 6, 6, 4,
    ]  # fmt: skip
    # 42 bytes for 40 numbers: bytes 27 (252) and 35 (255) fall in the rejected zone
    assert (stream.blocks, stream.consumed) == (2, 42)


def test_the_mixed_sizes_vector_holds():
    stream = Stream(seed(ZERO_ROOT, None))
    sizes = [1, 2, 3, 10, 129, 256, 257, 1000, 65537, 2**32 + 15, 2**40]
    values = [uniform_below(k, stream) for k in sizes]
    assert values == [0, 0, 2, 0, 77, 162, 72, 761, 52623, 1746185136, 662080972259]
    assert (stream.blocks, stream.consumed) == (1, 22)


def test_the_commitment_vector_holds():
    data = commitment(example())
    assert data.decode() == (
        '{"algorithm":"procuracy-draw/1","beacon":null,"case":"甘检刑诉受〔2026〕1号",'
        '"escape":{"denominator":20,"numerator":1},"exclusions":[{"org":15,"reason":"recusal",'
        '"text":"承办检察官的配偶在犯罪嫌疑人的辩护律师事务所执业"}],"max_distance":300,'
        '"pool":[{"load":1200,"org":11},{"load":900,"org":12},{"load":1500,"org":13},'
        '{"load":950,"org":15},{"load":1000,"org":17}]}'
    )
    assert hashlib.sha256(data).hexdigest() == (
        "b0727a9c594dd2f625dcc199323ef4a2dcb0e175c11c513b90184eeb3e519608"
    )


def test_the_draw_vector_holds():
    inputs = example()
    root = leaf_hash(commitment(inputs))  # a log whose only entry is the commitment
    assert root.hex() == "599299aad3293300ea0e8cba9e9737b06f8ea314c133c8eb9449e9f71be37103"
    outcome = draw(inputs, root)
    assert outcome.as_json() == {
        "algorithm": "procuracy-draw/1",
        "seed": "3431de5fe46488dd516f8c40b8d50f94a81aebc531c6f767dd4ef963849d77cd",
        "chosen": 12,
        "index": 1,
        "eligible": [11, 12, 17],
        "excluded": [15],
        "heavy": [{"org": 13, "load": 1500, "escaped": False}],
        "lightest": 900,
        "ceiling": 1200,
        "blocks": 1,
        "bytes": 2,
    }
    assert not outcome.chosen_by_escape


def test_the_beacon_and_escape_vector_holds():
    inputs = example("甘检刑诉受〔2026〕4号", BeaconRef(source="drand quicknet", round=12345678))
    root = leaf_hash(commitment(inputs))
    beacon = hashlib.sha256(b"beacon").digest()
    assert root.hex() == "668dd144c9fb43c3b0671e021d75e4151116bf74252c27600c8dd1ab725b27ef"
    assert beacon.hex() == "8a62e967fcd6dfa5d75308c37808b4668a7faf1cdb06e09ac0a7161827603887"
    outcome = draw(inputs, root, beacon)
    assert outcome.seed.hex() == (
        "12bfa8611601df7e666ec20a207891447448d61ba3531a59fd7b1fd8b2d17d7b"
    )
    assert outcome.eligible == (11, 12, 13, 17)
    assert [(h.org, h.escaped) for h in outcome.heavy] == [(13, True)]
    assert (outcome.chosen, outcome.index, outcome.blocks, outcome.consumed) == (13, 2, 1, 3)
    assert outcome.chosen_by_escape


def test_a_reimplementation_from_the_document_agrees():
    """What a third party writes from docs/assignment.md, with hashlib and json only."""

    def reference(entry: bytes, root: bytes) -> int:
        body = json.loads(entry)
        block_seed = hashlib.sha256(b"procuracy draw seed v1\x00" + root + b"\x00").digest()
        data = b"".join(
            hashlib.sha256(block_seed + i.to_bytes(8, "big")).digest() for i in range(4)
        )
        position = 0

        def below(k: int) -> int:
            nonlocal position
            size = 0
            while 256**size < k:
                size += 1
            while True:
                x = int.from_bytes(data[position : position + size], "big")
                position += size
                if x < k * (256**size // k):
                    return x % k

        excluded = {e["org"] for e in body["exclusions"]}
        pool = [m for m in body["pool"] if m["org"] not in excluded]
        ceiling = min(m["load"] for m in pool) + body["max_distance"]
        p, q = body["escape"]["numerator"], body["escape"]["denominator"]
        eligible = [
            m["org"] for m in pool if m["load"] <= ceiling or below(q) < p
        ]  # `or` short-circuits: only the heavy ones draw, in pool order
        return eligible[below(len(eligible))]

    for n in range(1, 60):
        inputs = example(f"甘检刑诉受〔2026〕{n}号")
        entry = commitment(inputs)
        assert reference(entry, leaf_hash(entry)) == draw(inputs, leaf_hash(entry)).chosen


# --- The sampler -----------------------------------------------------------------------------


def test_rejection_rejects_the_top_of_the_byte_range():
    source = Bytes(bytes([252, 253, 254, 255, 251]))
    assert uniform_below(7, source) == 251 % 7
    assert source.consumed == 5  # 252 … 255 are the 256 mod 7 = 4 values % 7 would favour


def test_rejection_rejects_almost_half_when_k_is_just_over_half_a_byte():
    source = Bytes(bytes([200, 128, 5]))
    assert uniform_below(129, source) == 128
    assert source.consumed == 2


def test_rejection_works_on_several_bytes():
    source = Bytes(bytes([0xFF, 0xFF, 0x01, 0x02]))
    assert uniform_below(257, source) == 0x0102 % 257
    assert source.consumed == 4


def test_a_real_seed_can_start_in_the_rejected_zone():
    root = counter_root(b"", 0)
    first = hashlib.sha256(seed(root, None) + bytes(8)).digest()[0]
    assert first == 0xFC  # ≥ 252: rejected for k = 7
    stream = Stream(seed(root, None))
    assert uniform_below(7, stream) == 5
    assert stream.consumed == 2


@pytest.mark.parametrize("k", [*range(1, 257)])
def test_every_accepted_byte_value_maps_evenly(k):
    counts = [0] * k
    for x in range(256):
        try:
            counts[uniform_below(k, Bytes(bytes([x])))] += 1
        except AssertionError:  # rejected: it asked for another byte
            continue
    assert counts == [256 // k] * k


def test_one_choice_reads_no_bytes():
    stream = Stream(seed(ZERO_ROOT, None))
    assert uniform_below(1, stream) == 0
    assert (stream.blocks, stream.consumed) == (0, 0)


@given(k=st.integers(min_value=1, max_value=2**40), root=st.binary(min_size=32, max_size=32))
def test_uniform_below_is_always_below_k(k, root):
    stream = Stream(seed(root, None))
    assert all(0 <= uniform_below(k, stream) < k for _ in range(3))


def test_bernoulli_takes_its_declared_share():
    stream = Stream(seed(ZERO_ROOT, None))
    hits = sum(bernoulli(1, 20, stream) for _ in range(20_000))
    assert abs(hits - 1000) < 4 * math.sqrt(20_000 * 0.05 * 0.95)


def test_choices_are_uniform_on_an_equal_load_pool():
    pool = tuple(Member(org=org, load=1000) for org in range(1, 8))
    inputs = DrawInputs(
        case="均匀性", pool=pool, exclusions=(), max_distance=300, escape=Fraction(1, 20)
    )
    draws = 14_000
    counts = dict.fromkeys(range(1, 8), 0)
    for i in range(draws):
        counts[choose(inputs, seed(counter_root(b"chi-square", i), None)).chosen] += 1
    expected = draws / 7
    statistic = sum((n - expected) ** 2 / expected for n in counts.values())
    assert statistic < CHI_SQUARE_6_AT_0_001, counts


# --- The load balance ------------------------------------------------------------------------

WEIGHTS = [50, 100, 100, 100, 150, 200, 300, 500]  # hundredths of a case weight


def simulate(cases: int, escape: Fraction, max_distance: int = 300):
    """A long intake on 7 organisations starting empty; each chosen org's load grows by the
    case's weight and never decays (a running total, as between two recalculations)."""
    weights = random.Random(20260501)
    loads = dict.fromkeys(range(1, 8), 0)
    picks = []
    for i in range(cases):
        weight = weights.choice(WEIGHTS)
        inputs = DrawInputs(
            case=f"模拟{i}",
            pool=tuple(Member(org=org, load=load) for org, load in loads.items()),
            exclusions=(),
            max_distance=max_distance,
            escape=escape,
        )
        outcome = choose(inputs, seed(counter_root(b"intake", i), None))
        lightest_before = min(loads.values())
        loads[outcome.chosen] += weight
        spread = max(loads.values()) - min(loads.values())
        picks.append((outcome, loads[outcome.chosen] - lightest_before, spread))
    return picks


def test_without_escapes_the_spread_stays_within_the_distance_and_one_weight():
    bound = 300 + max(WEIGHTS)
    picks = simulate(5_000, Fraction(0))
    assert all(spread <= bound for _, _, spread in picks)
    assert not any(outcome.chosen_by_escape for outcome, _, _ in picks)


def test_in_a_long_intake_only_the_declared_escapes_break_the_spread():
    escape = Fraction(1, 20)
    bound = 300 + max(WEIGHTS)
    picks = simulate(20_000, escape)
    # Only an escape pick can take an org beyond lightest + distance + one weight.
    for outcome, above_lightest, _ in picks:
        assert outcome.chosen_by_escape or above_lightest <= bound
    over = [i for i, (_, _, spread) in enumerate(picks) if spread > bound]
    first_escape = next(i for i, (o, _, _) in enumerate(picks) if o.chosen_by_escape)
    assert not over or over[0] >= first_escape
    # Each heavy org stays in with the declared chance …
    heavy = [h for outcome, _, _ in picks for h in outcome.heavy]
    escaped = sum(h.escaped for h in heavy)
    p = float(escape)
    assert len(heavy) > 10_000
    assert abs(escaped - p * len(heavy)) < 4 * math.sqrt(len(heavy) * p * (1 - p))
    # … so the share of escape picks is what that chance predicts, draw by draw.
    chances = [
        float(expected_escape_share(len(o.eligible) - sum(h.escaped for h in o.heavy),
                                    len(o.heavy), escape))
        for o, _, _ in picks
    ]  # fmt: skip
    expected = sum(chances)
    observed = sum(o.chosen_by_escape for o, _, _ in picks)
    spread_sd = math.sqrt(sum(c * (1 - c) for c in chances))
    assert abs(observed - expected) < 4 * spread_sd, (observed, expected)
    assert len(over) < len(picks) // 10


# --- Exclusions, the empty pool, determinism ---------------------------------------------------


@given(
    loads=st.lists(st.integers(min_value=0, max_value=5_000), min_size=1, max_size=12),
    excluded=st.sets(st.integers(min_value=0, max_value=11)),
    root=st.binary(min_size=32, max_size=32),
)
def test_the_choice_is_always_eligible_and_never_excluded(loads, excluded, root):
    inputs = DrawInputs(
        case="性质",
        pool=tuple(Member(org=i, load=load) for i, load in enumerate(loads)),
        exclusions=tuple(Exclusion(org=i, reason="absent", text="休假") for i in sorted(excluded)),
        max_distance=300,
        escape=Fraction(1, 20),
    )
    if set(range(len(loads))) <= excluded:
        with pytest.raises(EmptyPool):
            choose(inputs, seed(root, None))
        return
    outcome = choose(inputs, seed(root, None))
    assert outcome.chosen in outcome.eligible
    assert outcome.chosen not in excluded
    assert not set(outcome.eligible) & excluded
    lightest = min(load for i, load in enumerate(loads) if i not in excluded)
    assert outcome.lightest == lightest
    for org in outcome.eligible:
        assert loads[org] <= lightest + 300 or org in {h.org for h in outcome.heavy if h.escaped}


def test_an_empty_pool_is_refused_with_the_reason():
    inputs = dataclasses.replace(example(), pool=(), exclusions=())
    with pytest.raises(EmptyPool, match="没有可参与随机分案的办案组织"):
        choose(inputs, seed(ZERO_ROOT, None))


def test_a_pool_all_excluded_is_refused_with_the_reason():
    inputs = dataclasses.replace(
        example(),
        pool=(Member(org=15, load=950),),
    )
    with pytest.raises(EmptyPool) as refused:
        choose(inputs, seed(ZERO_ROOT, None))
    assert "甘检刑诉受〔2026〕1号" in refused.value.messages[0]


def test_the_same_inputs_give_the_same_outcome():
    root = leaf_hash(commitment(example()))
    assert draw(example(), root) == draw(example(), root)


@pytest.mark.parametrize(
    "change",
    [
        {"case": "甘检刑诉受〔2026〕2号"},
        {"pool": (Member(11, 1200), Member(12, 901), Member(13, 1500), Member(15, 950))},
        {"exclusions": (Exclusion(15, "recusal", "另一理由"),)},
        {"exclusions": ()},
        {"max_distance": 301},
        {"escape": Fraction(1, 21)},
        {"beacon": BeaconRef("drand quicknet", 1)},
    ],
)
def test_any_change_in_the_inputs_changes_the_seed(change):
    before = commitment(example())
    after = commitment(dataclasses.replace(example(), **change))
    assert after != before
    assert seed(leaf_hash(after), None) != seed(leaf_hash(before), None)


def test_any_change_in_the_root_or_the_beacon_changes_the_seed():
    seeds = {
        seed(ZERO_ROOT, None),
        seed(b"\x01" + ZERO_ROOT[1:], None),
        seed(ZERO_ROOT, b""),
        seed(ZERO_ROOT, b"\x00"),
        seed(ZERO_ROOT, b"\x01"),
        seed(ZERO_ROOT, bytes(32)),
    }
    assert len(seeds) == 6


def test_the_commitment_is_canonical_json():
    inputs = example(beacon=BeaconRef("drand quicknet", 7))
    data = commitment(inputs)
    obj = json.loads(data)
    assert (
        data == json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    assert DrawInputs.from_json(obj) == inputs


def test_inputs_out_of_canonical_form_are_refused():
    obj = json.loads(commitment(example()))
    obj["escape"] = {"numerator": 2, "denominator": 40}
    with pytest.raises(ValueError, match="canonical"):
        DrawInputs.from_json(obj)
    with pytest.raises(ValueError, match="ascending"):
        dataclasses.replace(example(), pool=(Member(12, 0), Member(11, 0)))
    with pytest.raises(ValueError, match="outside"):
        dataclasses.replace(example(), max_distance=2**53)


def test_verify_recomputes_and_compares():
    inputs = example()
    root = leaf_hash(commitment(inputs))
    assert verify(inputs, root, None, recorded_choice=12)
    check = verify(inputs, root, None, recorded_choice=11)
    assert not check
    assert check.outcome.chosen == 12


def test_a_beacon_named_in_the_inputs_is_required():
    inputs = example(beacon=BeaconRef("drand quicknet", 7))
    with pytest.raises(ValueError, match="missing"):
        draw(inputs, ZERO_ROOT)
    with pytest.raises(ValueError, match="no beacon"):
        draw(example(), ZERO_ROOT, b"\x00")
