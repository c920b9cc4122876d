"""The tree and its proofs: the shared RFC 9162 vectors, and random trees against a naive
recomputation straight from the RFC's recursive definitions."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import merkle

# The team's shared vectors lie beside the checkout (../shared/vectors).
VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "vectors"


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _cases(kind: str) -> list[Path]:
    return sorted((VECTORS / "merkle" / kind).rglob("*.json"))


@pytest.mark.parametrize("path", _cases("inclusion"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_inclusion_vectors(path: Path) -> None:
    case = json.loads(path.read_text())
    proof = [_b64(item) for item in case["proof"] or []]
    args = (case["leafIdx"], case["treeSize"], _b64(case["leafHash"]), proof, _b64(case["root"]))
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)


@pytest.mark.parametrize("path", _cases("consistency"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_consistency_vectors(path: Path) -> None:
    case = json.loads(path.read_text())
    proof = [_b64(item) for item in case["proof"] or []]
    args = (case["size1"], case["size2"], proof, _b64(case["root1"]), _b64(case["root2"]))
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args)
    else:
        merkle.verify_consistency(*args)


def test_vector_files_are_there() -> None:
    assert len(_cases("inclusion")) > 50
    assert len(_cases("consistency")) > 50


def test_tree_roots_of_the_eight_leaf_reference() -> None:
    data = json.loads((VECTORS / "merkle" / "tree-roots.json").read_text())
    leaves = [bytes.fromhex(item) for item in data["leaf_inputs_hex"]]
    for size, want in enumerate(data["root_by_tree_size_hex"]):
        tree = merkle.MemoryTiles()
        tree.append([merkle.leaf_hash(leaf) for leaf in leaves[:size]])
        assert tree.root().hex() == want


# -- naive recomputation (RFC 9162 §2.1 recursions over the leaf list) ----------------------------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_root(leaves: Sequence[bytes]) -> bytes:
    return _naive_root(tuple(leaves))


@functools.cache  # the same subtrees recur in every proof of a tree: compute each once
def _naive_root(leaves: tuple[bytes, ...]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return merkle.leaf_hash(leaves[0])
    k = _k(len(leaves))
    return merkle.node_hash(_naive_root(leaves[:k]), _naive_root(leaves[k:]))


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _k(len(leaves))
    if m < k:
        return naive_path(m, leaves[:k]) + [naive_root(leaves[k:])]
    return naive_path(m - k, leaves[k:]) + [naive_root(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [naive_root(leaves)]
    k = _k(n)
    if m <= k:
        return naive_subproof(m, leaves[:k], complete) + [naive_root(leaves[k:])]
    return naive_subproof(m - k, leaves[k:], False) + [naive_root(leaves[:k])]


def _tree(leaves: list[bytes]) -> merkle.MemoryTiles:
    tree = merkle.MemoryTiles()
    tree.append([merkle.leaf_hash(leaf) for leaf in leaves])
    return tree


sizes = st.integers(min_value=1, max_value=700)


@settings(max_examples=25, deadline=None)
@given(size=sizes, data=st.data())
def test_random_tree_proofs_match_naive(size: int, data: st.DataObject) -> None:
    """Every inclusion proof (each leaf, in the whole tree) and every consistency proof (from
    each smaller size) of a random tree equals the RFC 9162 recursion and verifies."""
    leaves = [f"entry {i}".encode() for i in range(size)]
    # Appending in random chunks gives the same tiles as one append.
    tree = merkle.MemoryTiles()
    chunks = data.draw(st.lists(st.integers(1, 300), min_size=1, max_size=8))
    done = 0
    for chunk in chunks:
        tree.append([merkle.leaf_hash(leaf) for leaf in leaves[done : done + chunk]])
        done = min(size, done + chunk)
    tree.append([merkle.leaf_hash(leaf) for leaf in leaves[done:]])
    assert tree.size == size
    root = tree.root()
    assert root == naive_root(leaves)
    for index in range(size):
        proof = tree.inclusion_proof(index)
        assert proof == naive_path(index, leaves)
        merkle.verify_inclusion(index, size, merkle.leaf_hash(leaves[index]), proof, root)
    for old in range(1, size + 1):
        assert tree.root(old) == naive_root(leaves[:old])
        consistency = tree.consistency_proof(old)
        assert consistency == naive_subproof(old, leaves, True)
        merkle.verify_consistency(old, size, consistency, tree.root(old), root)
    _naive_root.cache_clear()


@settings(max_examples=40, deadline=None)
@given(size=st.integers(2, 300), data=st.data())
def test_a_flipped_bit_is_rejected(size: int, data: st.DataObject) -> None:
    leaves = [bytes([i % 256, i // 256]) for i in range(size)]
    tree = _tree(leaves)
    index = data.draw(st.integers(0, size - 1))
    proof = tree.inclusion_proof(index)
    if not proof:
        return
    element = data.draw(st.integers(0, len(proof) - 1))
    bit = data.draw(st.integers(0, 255))
    damaged = list(proof)
    flipped = bytearray(damaged[element])
    flipped[bit // 8] ^= 1 << (bit % 8)
    damaged[element] = bytes(flipped)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(index, size, merkle.leaf_hash(leaves[index]), damaged, tree.root())
    old = data.draw(st.integers(1, size - 1))
    consistency = tree.consistency_proof(old)
    flipped = bytearray(consistency[0])
    flipped[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(
            old, size, [bytes(flipped), *consistency[1:]], tree.root(old), tree.root()
        )


def test_tiles_span_levels() -> None:
    """70,000 leaves need level-0, level-1 and level-2 tiles; proofs stay correct at the edges."""
    size = 70_000
    hashes = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(size)]
    tree = merkle.MemoryTiles()
    tree.append(hashes[:65_536])
    tree.append(hashes[65_536:])
    assert (2, 0) in tree.tiles
    root = tree.root()
    for index in (0, 255, 256, 65_535, 65_536, size - 1):
        merkle.verify_inclusion(index, size, hashes[index], tree.inclusion_proof(index), root)
    for old in (1, 256, 65_536, 65_537, size - 1):
        proof = tree.consistency_proof(old)
        merkle.verify_consistency(old, size, proof, tree.root(old), root)


def test_out_of_range_proof_requests_are_refused() -> None:
    tree = _tree([b"a", b"b", b"c"])
    with pytest.raises(merkle.ProofError):
        tree.inclusion_proof(3)
    with pytest.raises(merkle.ProofError):
        tree.consistency_proof(0)
