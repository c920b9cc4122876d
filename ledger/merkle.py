"""The Merkle tree of the ledger (RFC 9162 §2.1, SHA-256), stored as tlog tiles. No Django.

Storage follows C2SP tlog-tiles: a tile (level L, number N) holds up to 256 consecutive hashes
of tree level 8·L, starting at hash 256·N. Level-0 tiles hold the leaf hashes; a full tile's
root is the next hash of the tile level above. Any complete subtree hash is then at most 255
hash computations away from one tile, so a tree head, an inclusion proof or a consistency proof
needs O(log n) tiles (three tiles deep at 16 million leaves), fetched in one read.

A proof is first *planned* as a list of complete subtrees (level, index), then the tiles they
live in are read once, then it is evaluated. `append` returns the tiles an append rewrites.
Verification is `poscare_verify.proofs`, shared with the standalone verifier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

from poscare_verify.proofs import (
    EMPTY_ROOT,
    HASH_SIZE,
    ProofError,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "ProofError",
    "leaf_hash",
    "node_hash",
    "verify_consistency",
    "verify_inclusion",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "MemoryTiles",
    "append",
    "tree_hash",
    "inclusion_proof",
    "consistency_proof",
]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
TILE_BYTES = TILE_WIDTH * HASH_SIZE

Node = tuple[int, int]  # (level, index) of a complete subtree of 2**level leaves
TileKey = tuple[int, int]  # (tile level, tile number)
# A proof element or a root: the right fold of these complete subtrees, left to right.
Fold = list[Node]
TileReader = Callable[[set[TileKey]], dict[TileKey, bytes]]


def _reduce(hashes: bytes) -> bytes:
    """Root of the perfect subtree whose bottom row is `hashes` (a power of two of them)."""
    row = [hashes[i : i + HASH_SIZE] for i in range(0, len(hashes), HASH_SIZE)]
    sha = hashlib.sha256
    while len(row) > 1:
        row = [sha(b"\x01" + row[i] + row[i + 1]).digest() for i in range(0, len(row), 2)]
    return row[0]


def _largest_power_below(n: int) -> int:
    """Largest power of two strictly smaller than n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


# -- planning: which complete subtrees make up a root or a proof ---------------------------------


def _range_fold(start: int, end: int) -> Fold:
    """MTH(D[start:end]) as complete subtrees, for the aligned ranges RFC 9162 recursion makes."""
    nodes: Fold = []
    while start < end:
        level = (end - start).bit_length() - 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def _inclusion_plan(index: int, size: int) -> list[Fold]:
    """RFC 9162 PATH(index, D[0:size]), leaf side first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    plan: list[Fold] = []
    start, end = 0, size
    while end - start > 1:
        k = _largest_power_below(end - start)
        if index < start + k:
            plan.append(_range_fold(start + k, end))
            end = start + k
        else:
            plan.append(_range_fold(start, start + k))
            start += k
    plan.reverse()
    return plan


def _consistency_plan(size1: int, size2: int) -> list[Fold]:
    """RFC 9162 PROOF(size1, D[0:size2]) = SUBPROOF(size1, D[0:size2], true)."""
    if not 0 < size1 <= size2:
        raise ProofError(f"no consistency proof from size {size1} to size {size2}")
    plan: list[Fold] = []
    start, end, m, complete = 0, size2, size1, True
    while m != end - start:
        k = _largest_power_below(end - start)
        if m <= k:
            plan.append(_range_fold(start + k, end))
            end = start + k
        else:
            plan.append(_range_fold(start, start + k))
            start += k
            m -= k
            complete = False
    if not complete:
        plan.append(_range_fold(start, end))
    plan.reverse()
    return plan


# -- reading complete subtrees from tiles -------------------------------------------------------


def _tile_of(node: Node) -> tuple[TileKey, int, int]:
    """The tile holding the bottom row of `node`, and the row's offset and width in hashes."""
    level, index = node
    tile_level, rise = divmod(level, TILE_HEIGHT)
    first = index << rise
    return (tile_level, first >> TILE_HEIGHT), first & (TILE_WIDTH - 1), 1 << rise


def _evaluate(plan: Iterable[Fold], read_tiles: TileReader) -> list[bytes]:
    plan = list(plan)
    nodes = {node for fold in plan for node in fold}
    tiles = read_tiles({_tile_of(node)[0] for node in nodes})
    cache: dict[Node, bytes] = {}
    for node in nodes:
        key, offset, width = _tile_of(node)
        tile = tiles.get(key, b"")
        row = tile[offset * HASH_SIZE : (offset + width) * HASH_SIZE]
        if len(row) != width * HASH_SIZE:
            raise ProofError(f"tile {key} does not hold subtree {node}: storage is incomplete")
        cache[node] = _reduce(row)
    results = []
    for fold in plan:
        value = cache[fold[-1]]
        for node in reversed(fold[:-1]):
            value = node_hash(cache[node], value)
        results.append(value)
    return results


def tree_hash(size: int, read_tiles: TileReader) -> bytes:
    """MTH of the first `size` leaves."""
    if size == 0:
        return EMPTY_ROOT
    return _evaluate([_range_fold(0, size)], read_tiles)[0]


def inclusion_proof(index: int, size: int, read_tiles: TileReader) -> list[bytes]:
    return _evaluate(_inclusion_plan(index, size), read_tiles)


def consistency_proof(size1: int, size2: int, read_tiles: TileReader) -> list[bytes]:
    if size1 == size2:
        return []
    return _evaluate(_consistency_plan(size1, size2), read_tiles)


# -- appending ----------------------------------------------------------------------------------


def _edge_tiles(size: int) -> set[TileKey]:
    """The partly filled tiles at the right edge of a tree of `size` leaves."""
    keys = set()
    level = 0
    while (count := size >> (TILE_HEIGHT * level)) > 0:
        if count & (TILE_WIDTH - 1):
            keys.add((level, count >> TILE_HEIGHT))
        level += 1
    return keys


def append(size: int, leaf_hashes: Sequence[bytes], read_tiles: TileReader) -> dict[TileKey, bytes]:
    """Tiles (whole new contents) after appending `leaf_hashes` to a tree of `size` leaves."""
    existing = read_tiles(_edge_tiles(size)) if leaf_hashes else {}
    written: dict[TileKey, bytes] = {}
    new_hashes: Sequence[bytes] = leaf_hashes
    level = 0
    while new_hashes:
        count = size >> (TILE_HEIGHT * level)
        number = count >> TILE_HEIGHT
        buffer = bytearray(existing.get((level, number), b"") if count % TILE_WIDTH else b"")
        if len(buffer) != (count % TILE_WIDTH) * HASH_SIZE:
            raise ProofError(f"edge tile {(level, number)} has the wrong width: storage damaged")
        completed: list[bytes] = []
        for value in new_hashes:
            buffer += value
            if len(buffer) == TILE_BYTES:
                written[(level, number)] = bytes(buffer)
                completed.append(_reduce(bytes(buffer)))
                number += 1
                buffer = bytearray()
        if buffer:
            written[(level, number)] = bytes(buffer)
        new_hashes = completed
        level += 1
    return written


class MemoryTiles:
    """Tiles in a dict: the tree for tests, benchmarks and the audit's recomputation."""

    def __init__(self) -> None:
        self.tiles: dict[TileKey, bytes] = {}
        self.size = 0

    def read(self, keys: set[TileKey]) -> dict[TileKey, bytes]:
        return {key: self.tiles[key] for key in keys if key in self.tiles}

    def append(self, leaf_hashes: Sequence[bytes]) -> None:
        self.tiles.update(append(self.size, leaf_hashes, self.read))
        self.size += len(leaf_hashes)

    def root(self, size: int | None = None) -> bytes:
        return tree_hash(self.size if size is None else size, self.read)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self.size if size is None else size, self.read)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        return consistency_proof(size1, self.size if size2 is None else size2, self.read)
