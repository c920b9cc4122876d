"""Verify a receipt: one entry, its inclusion proof and the signed checkpoint it is proved in.

A receipt (JSON, produced by the ledger's "download receipt") holds:
  format          "poscare-receipt/1"
  entry           the entry's canonical JSON (RFC 8785) as a string
  index           the entry's position in the log
  inclusion_proof base64 SHA-256 hashes, RFC 9162 order
  checkpoint      the C2SP signed checkpoint note (tree size and root hash)
The verifier recomputes the entry's leaf hash, walks the proof to a root, and checks that the
checkpoint's root and size match and that the checkpoint is signed by the key it was given.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from poscare_verify.note import Checkpoint, NoteError, Verifier, open_note
from poscare_verify.proofs import ProofError, leaf_hash, verify_inclusion

FORMAT = "poscare-receipt/1"
MAX_RECEIPT_SIZE = 2_000_000


class ReceiptError(ValueError):
    """The receipt does not verify; `zh` and `en` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass
class Verified:
    """What was checked, for the report."""

    entry: dict[str, Any]
    index: int
    tree_size: int
    origin: str
    signer: str
    lines: list[tuple[str, str]] = field(default_factory=list)


def _field(receipt: dict[str, Any], name: str, kind: type) -> Any:
    value = receipt.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ReceiptError(
            f"回执缺少字段 {name} 或类型不对", f"receipt field {name} is missing or wrong"
        )
    return value


def _decode_proof(items: list[Any]) -> list[bytes]:
    try:
        return [base64.b64decode(item, validate=True) for item in items]
    except (binascii.Error, TypeError, ValueError) as error:
        raise ReceiptError(
            "包含证明不是有效的 base64", "inclusion proof is not valid base64"
        ) from error


def parse_receipt(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_RECEIPT_SIZE:
        raise ReceiptError("回执文件过大", "receipt file is too large")
    try:
        receipt = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ReceiptError("回执不是有效的 JSON", "receipt is not valid JSON") from error
    if not isinstance(receipt, dict) or receipt.get("format") != FORMAT:
        raise ReceiptError(f"不是 {FORMAT} 格式的回执", f"not a {FORMAT} receipt")
    return receipt


def verify_receipt(receipt: dict[str, Any], verifier_key: str) -> Verified:
    """Check everything in the receipt; raise ReceiptError (zh/en) at the first failure."""
    entry_text = _field(receipt, "entry", str)
    index = _field(receipt, "index", int)
    proof = _decode_proof(_field(receipt, "inclusion_proof", list))
    try:
        verifier = Verifier.parse(verifier_key)
    except NoteError as error:
        raise ReceiptError("公钥格式不正确", f"verifier key is malformed: {error}") from error
    try:
        checkpoint = Checkpoint.parse(open_note(_field(receipt, "checkpoint", str), verifier))
    except NoteError as error:
        raise ReceiptError("检查点签名无效", f"checkpoint does not verify: {error}") from error
    try:
        entry = json.loads(entry_text)
    except ValueError as error:
        raise ReceiptError("记录不是有效的 JSON", "entry is not valid JSON") from error
    try:
        verify_inclusion(
            index, checkpoint.size, leaf_hash(entry_text.encode()), proof, checkpoint.root
        )
    except ProofError as error:
        raise ReceiptError(
            "包含证明无效：记录或证明被改动过", f"inclusion proof does not verify: {error}"
        ) from error
    return Verified(
        entry=entry if isinstance(entry, dict) else {"value": entry},
        index=index,
        tree_size=checkpoint.size,
        origin=checkpoint.origin,
        signer=verifier.name,
    )


def report(verified: Verified) -> list[str]:
    """Lines in Chinese and English saying what was verified."""
    kind = verified.entry.get("kind", "?")
    record = verified.entry.get("record", "?")
    logged = verified.entry.get("time", "?")
    return [
        f"✔ 记录哈希正确：{kind} #{record}（记录时间 {logged}）",
        f"  entry hash recomputed: {kind} #{record} (logged {logged})",
        f"✔ 包含证明正确：第 {verified.index} 条，位于大小为 {verified.tree_size} 的日志树中",
        f"  inclusion proof verified: entry {verified.index} in a tree of {verified.tree_size}",
        f"✔ 检查点签名正确：{verified.origin}，签名者 {verified.signer}",
        f"  checkpoint signature verified: {verified.origin}, signed by {verified.signer}",
    ]
