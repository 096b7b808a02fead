"""Conformance of the Merkle tree and its verifiers with RFC 6962 / RFC 9162: the 196 probes
of transparency-dev/merkle and the 8-leaf reference tree (tests/vectors, see its README), and
properties over random trees."""

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procuracy.ledger import merkle

VECTORS = Path(__file__).parent / "vectors"
PROBES = VECTORS / "transparency-dev-merkle" / "testdata"
REFERENCE = json.loads((VECTORS / "rfc6962_reference_tree.json").read_text())


def probes(kind: str) -> list[Path]:
    return sorted((PROBES / kind).rglob("*.json"))


def b64(value) -> bytes:
    return base64.b64decode(value or "")


def accepts(check, *args) -> bool:
    try:
        check(*args)
    except merkle.ProofError:
        return False
    return True


def test_all_196_probes_are_there():
    assert len(probes("inclusion")) + len(probes("consistency")) == 196


@pytest.mark.parametrize("path", probes("inclusion"), ids=lambda p: str(p.relative_to(PROBES)))
def test_the_verifier_answers_each_inclusion_probe_as_expected(path):
    probe = json.loads(path.read_text())
    proof = [b64(p) for p in probe["proof"] or []]
    args = (probe["leafIdx"], probe["treeSize"], b64(probe["leafHash"]), proof, b64(probe["root"]))
    assert accepts(merkle.verify_inclusion, *args) is not probe["wantErr"], probe["desc"]


@pytest.mark.parametrize("path", probes("consistency"), ids=lambda p: str(p.relative_to(PROBES)))
def test_the_verifier_answers_each_consistency_probe_as_expected(path):
    probe = json.loads(path.read_text())
    proof = [b64(p) for p in probe["proof"] or []]
    args = (probe["size1"], probe["size2"], b64(probe["root1"]), b64(probe["root2"]), proof)
    assert accepts(merkle.verify_consistency, *args) is not probe["wantErr"], probe["desc"]


LEAVES = [bytes.fromhex(h) for h in REFERENCE["leaves_hex"]]
LEAF_HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]


def test_leaf_hashes_and_every_root_of_the_reference_tree():
    assert [h.hex() for h in LEAF_HASHES] == REFERENCE["leaf_hashes"]
    for size, want in REFERENCE["roots_by_tree_size"].items():
        assert merkle.root(LEAF_HASHES[: int(size)]).hex() == want


def test_the_reference_trees_inclusion_proofs():
    for case in REFERENCE["inclusion_proofs"]:
        tree = LEAF_HASHES[: case["tree_size"]]
        proof = merkle.inclusion_proof(case["leaf_index"], tree)
        assert [p.hex() for p in proof] == case["proof"]
        merkle.verify_inclusion(
            case["leaf_index"],
            case["tree_size"],
            tree[case["leaf_index"]],
            proof,
            merkle.root(tree),
        )


def test_the_reference_trees_consistency_proofs():
    for case in REFERENCE["consistency_proofs"]:
        old, new = LEAF_HASHES[: case["size1"]], LEAF_HASHES[: case["size2"]]
        proof = merkle.consistency_proof(case["size1"], new)
        assert [p.hex() for p in proof] == case["proof"]
        merkle.verify_consistency(
            case["size1"], case["size2"], merkle.root(old), merkle.root(new), proof
        )


trees = st.lists(st.binary(max_size=8), min_size=1, max_size=70).map(
    lambda leaves: [merkle.leaf_hash(leaf) for leaf in leaves]
)


@given(tree=trees, data=st.data())
def test_every_leaf_is_proven_in_every_tree_and_a_changed_leaf_is_not(tree, data):
    index = data.draw(st.integers(0, len(tree) - 1))
    proof = merkle.inclusion_proof(index, tree)
    merkle.verify_inclusion(index, len(tree), tree[index], proof, merkle.root(tree))
    forged = merkle.leaf_hash(b"forged")
    assert not accepts(merkle.verify_inclusion, index, len(tree), forged, proof, merkle.root(tree))


@given(tree=trees, data=st.data())
def test_every_prefix_is_consistent_and_a_rewritten_history_is_not(tree, data):
    size1 = data.draw(st.integers(1, len(tree)))
    proof = merkle.consistency_proof(size1, tree)
    old_root, new_root = merkle.root(tree[:size1]), merkle.root(tree)
    merkle.verify_consistency(size1, len(tree), old_root, new_root, proof)
    rewritten = merkle.root([merkle.leaf_hash(b"rewritten"), *tree[1:size1]])
    assert not accepts(merkle.verify_consistency, size1, len(tree), rewritten, new_root, proof)
