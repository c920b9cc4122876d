"""RFC 9162 §2.1 hashing and proof verification (SHA-256), standard library only.

This is the half of the Merkle log that someone who does not trust poscare runs: it hashes an
entry, checks an inclusion proof against a tree head and a consistency proof between two tree
heads. The server side (`ledger.merkle`) imports these functions instead of keeping its own
copy, so what the server checks is exactly what an outside verifier checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
# A proof for a tree of at most 2**64 leaves never has more elements than this.
MAX_PROOF_LENGTH = 64
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof or tree head that does not verify; the message says why (English)."""


def leaf_hash(entry: bytes) -> bytes:
    """H(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """H(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _check_components(proof: Sequence[bytes]) -> None:
    if len(proof) > MAX_PROOF_LENGTH:
        raise ProofError(f"proof has {len(proof)} hashes, more than any tree needs")
    for position, component in enumerate(proof):
        if len(component) != HASH_SIZE:
            raise ProofError(f"proof hash {position} is {len(component)} bytes, not {HASH_SIZE}")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that `proof` leads to from leaf hash `leaf` at `index` (RFC 9162 §2.1.3.2)."""
    if index < 0 or size <= 0 or index >= size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    if len(leaf) != HASH_SIZE:
        raise ProofError(f"leaf hash is {len(leaf)} bytes, not {HASH_SIZE}")
    _check_components(proof)
    fn, sn, result = index, size - 1, leaf
    for component in proof:
        if sn == 0:
            raise ProofError("proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            result = node_hash(component, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, component)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("proof is shorter than the tree is deep")
    return result


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes] | None, root: bytes
) -> None:
    """Raise ProofError unless `proof` shows leaf hash `leaf` at `index` in the tree `root`."""
    computed = root_from_inclusion_proof(index, size, leaf, proof or [])
    if computed != root:
        raise ProofError("inclusion proof leads to a different root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes] | None, root1: bytes, root2: bytes
) -> None:
    """Raise ProofError unless the tree `root2` of size2 extends the tree `root1` of size1
    (RFC 9162 §2.1.4.2). A proof from the empty tree proves nothing and is refused."""
    proof = list(proof or [])
    if size1 < 0 or size2 < size1:
        raise ProofError(f"size2 ({size2}) is smaller than size1 ({size1})")
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if size1 == size2:
        if proof:
            raise ProofError("trees of equal size need an empty proof")
        if root1 != root2:
            raise ProofError("trees of equal size have different roots")
        return
    if not proof:
        raise ProofError("empty consistency proof")
    _check_components(proof)
    if size1 & (size1 - 1) == 0:  # size1 is a power of two: its root starts the path
        proof = [root1, *proof]
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = proof[0]
    for component in proof[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            first = node_hash(component, first)
            second = node_hash(component, second)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            second = node_hash(second, component)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if first != root1:
        raise ProofError("consistency proof does not lead to the first root")
    if second != root2:
        raise ProofError("consistency proof does not lead to the second root")
