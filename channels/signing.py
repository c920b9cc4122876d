"""Request signatures of the phone system, IVR and SMS webhooks: HMAC-SHA256 over the
timestamp and the raw body, with a freshness window against replays.

Pure Python (no Django), so the simulated phone system in the tests and benchmarks signs with
the very code that checks. The header a caller sends is
`X-Poscare-Signature: <hex of HMAC-SHA256(secret, "<timestamp>." + body)>` with
`X-Poscare-Timestamp: <unix seconds>`; a request older (or newer) than `TOLERANCE_SECONDS`
is refused, and each event carries an id that is processed once, so a captured request can
neither be replayed later nor count twice now.
"""

from __future__ import annotations

import hashlib
import hmac

TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """Why a signed request was refused; `code` is stable for clients and tests."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float) -> None:
    """Raise SignatureError unless `signature` is ours and the timestamp is fresh."""
    if not timestamp or not timestamp.isdigit():
        raise SignatureError("missing_timestamp")
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        raise SignatureError("stale")
    if not signature or not hmac.compare_digest(sign(secret, timestamp, body), signature.lower()):
        raise SignatureError("bad_signature")
