"""The stored tree gives the same roots and proofs as the reference construction, reading a
number of hashes that grows with log n, not n."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from procuracy.ledger import merkle, tree


class Store(dict):
    """A node store that counts its reads."""

    reads = 0

    def get_node(self, level: int, index: int) -> bytes:
        self.reads += 1
        return self[level, index]


def grow(leaves: list[bytes]) -> Store:
    store = Store()
    for size, leaf in enumerate(leaves):
        for level, index, h in tree.appended(size, leaf, store.get_node):
            store[level, index] = h
    store.reads = 0
    return store


def hashes(count: int) -> list[bytes]:
    return [merkle.leaf_hash(str(i).encode()) for i in range(count)]


@settings(max_examples=60)
@given(count=st.integers(1, 300), data=st.data())
def test_roots_and_proofs_from_stored_subtrees_match_the_reference(count, data):
    leaves = hashes(count)
    store = grow(leaves)
    size = data.draw(st.integers(1, count))
    index = data.draw(st.integers(0, size - 1))
    size1 = data.draw(st.integers(1, size))
    assert tree.root(size, store.get_node) == merkle.root(leaves[:size])
    assert tree.inclusion_proof(index, size, store.get_node) == merkle.inclusion_proof(
        index, leaves[:size]
    )
    assert tree.consistency_proof(size1, size, store.get_node) == merkle.consistency_proof(
        size1, leaves[:size]
    )


def test_a_proof_in_a_large_tree_reads_logarithmically_many_hashes():
    count = 5000
    store = grow(hashes(count))
    bound = 3 * math.ceil(math.log2(count)) + 2
    for index in (0, 1, 2047, 4095, 4999):
        store.reads = 0
        tree.inclusion_proof(index, count, store.get_node)
        assert store.reads <= bound, (index, store.reads)
    for size1 in (1, 1000, 4096, 4999):
        store.reads = 0
        tree.consistency_proof(size1, count, store.get_node)
        assert store.reads <= 2 * bound, (size1, store.reads)


def test_appending_stores_about_two_subtrees_per_leaf():
    store = grow(hashes(1024))
    assert len(store) == 2 * 1024 - 1
