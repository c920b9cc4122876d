"""Signed checkpoints (C2SP tlog-checkpoint in a C2SP signed note, Ed25519).

Keys: `LEDGER_SIGNING_KEY` (environment; one or more `PRIVATE+KEY+…` keys separated by spaces
or commas) or the file `LEDGER_SIGNING_KEY_FILE` (one key a line). With several keys every
checkpoint carries a signature by each — that is how a key is rotated: add the new key, publish
its verifier key, later drop the old one. Each checkpoint stores the verifier keys that signed
it, so the public page lists every key that ever signed. A demo checkout (`LEDGER_CREATE_KEY`,
on with DEBUG) creates a key file on first use.

A checkpoint is issued only when the tree grew and the last one is at least
`LEDGER_CHECKPOINT_SECONDS` old, and only after the new tree is proved consistent with the last
checkpoint: a tree that no longer extends what was signed is never signed.
"""

from __future__ import annotations

import base64
import logging
import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ledger import log
from ledger.models import LedgerCheckpoint, LogHead
from poscare_verify.note import SIGNATURE_PREFIX, Checkpoint, NoteError, Signer
from poscare_verify.proofs import ProofError, verify_consistency

logger = logging.getLogger(__name__)


class SigningKeyMissing(RuntimeError):
    pass


def _key_texts() -> list[str]:
    raw = getattr(settings, "LEDGER_SIGNING_KEY", "") or ""
    if not raw:
        path = Path(settings.LEDGER_SIGNING_KEY_FILE)
        if not path.exists() and settings.LEDGER_CREATE_KEY:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(Signer.generate(settings.LEDGER_ORIGIN).signer_key() + "\n")
            path.chmod(0o600)
            logger.warning("created a ledger signing key in %s (demo)", path)
        if path.exists():
            raw = path.read_text()
    return [text for text in re.split(r"[\s,]+", raw) if text]


def signers() -> list[Signer]:
    """The configured signing keys, the current one first."""
    texts = _key_texts()
    if not texts:
        raise SigningKeyMissing(
            "no ledger signing key: set LEDGER_SIGNING_KEY or LEDGER_SIGNING_KEY_FILE "
            "(manage.py ledger_keygen makes one)"
        )
    return [Signer.parse(text) for text in texts]


def sign(text: str, keys: list[Signer]) -> str:
    """A signed note with one signature line per key."""
    lines = [keys[0].sign(text).rsplit("\n\n", 1)[1]]
    for key in keys[1:]:
        signature = key.private_key.sign(text.encode())
        encoded = base64.b64encode(key.key_id + signature).decode()
        lines.append(f"{SIGNATURE_PREFIX}{key.name} {encoded}\n")
    return text + "\n" + "".join(lines)


def current_verifier_keys() -> list[str]:
    try:
        return [key.verifier_key() for key in signers()]
    except (SigningKeyMissing, NoteError):
        return []


def known_verifier_keys() -> list[str]:
    """Every key that signed a checkpoint, newest first, then the configured ones."""
    keys: list[str] = []
    for listed in LedgerCheckpoint.objects.order_by("-size").values_list(
        "verifier_keys", flat=True
    ):
        keys.extend(key for key in listed if key not in keys)
    keys.extend(key for key in current_verifier_keys() if key not in keys)
    return keys


def latest() -> LedgerCheckpoint | None:
    return LedgerCheckpoint.objects.order_by("-size").first()


class InconsistentTree(RuntimeError):
    pass


def issue(*, force: bool = False) -> LedgerCheckpoint | None:
    """Sign the current tree head when it grew (and, unless forced, the last checkpoint is at
    least a minute old). Refuses (InconsistentTree) a head that does not extend the last one."""
    keys = signers()
    log.head()
    with transaction.atomic():
        state = LogHead.objects.select_for_update().get(pk=1)
        last = latest()
        if state.size == 0 or (last is not None and last.size >= state.size):
            return None
        spacing = timedelta(seconds=settings.LEDGER_CHECKPOINT_SECONDS)
        if not force and last is not None and timezone.now() - last.issued_at < spacing:
            return None
        root = log.root(state.size)
        if last is not None:
            try:
                proof = log.consistency_proof(last.size, state.size)
                verify_consistency(last.size, state.size, proof, bytes(last.root_hash), root)
            except ProofError as error:
                logger.error("ledger: tree of %s does not extend checkpoint %s", state.size, last)
                raise InconsistentTree(str(error)) from error
        text = Checkpoint(settings.LEDGER_ORIGIN, state.size, root).text()
        return LedgerCheckpoint.objects.create(
            size=state.size,
            root_hash=root,
            note=sign(text, keys),
            verifier_keys=[key.verifier_key() for key in keys],
        )


def covering(index: int) -> LedgerCheckpoint | None:
    """The newest checkpoint whose tree holds entry `index`."""
    return LedgerCheckpoint.objects.filter(size__gt=index).order_by("-size").first()
