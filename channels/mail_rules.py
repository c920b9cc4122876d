"""E-mail rules that need no database: signed reply addresses that carry the ticket number,
and the recognition of automatic mail (out-of-office, bounces, lists) that must never open a
ticket or answer one — the usual cause of mail loops between two help desks.

A reply address is `desk+T26110000421.3f9c1a7b2e@example.cn`: the ticket number and the first
ten hex digits of HMAC-SHA256(secret, number), so nobody can post to a ticket by guessing its
number. Pure Python.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

_REPLY = re.compile(r"^[^+@]+\+(T\d{6,14})\.([0-9a-f]{10})@", re.IGNORECASE)
_DAEMONS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|bounce)", re.IGNORECASE)


def _tag(secret: str, number: str) -> str:
    return hmac.new(secret.encode(), number.encode(), hashlib.sha256).hexdigest()[:10]


def reply_address(number: str, secret: str, mailbox: str) -> str:
    """`desk@example.cn` + ticket → `desk+T….tag@example.cn`."""
    local, _at, domain = mailbox.partition("@")
    return f"{local}+{number}.{_tag(secret, number)}@{domain}"


def ticket_number(address: str, secret: str) -> str | None:
    """The ticket a reply address belongs to, if its tag is right."""
    match = _REPLY.match(address.strip())
    if match is None:
        return None
    number, tag = match.group(1).upper(), match.group(2).lower()
    return number if hmac.compare_digest(_tag(secret, number), tag) else None


def is_automatic(headers: Mapping[str, str], sender: str) -> bool:
    """RFC 3834 Auto-Submitted, Precedence bulk/junk/list, the common auto-reply headers,
    mailing lists and bounces."""
    auto = (headers.get("Auto-Submitted") or "no").strip().lower()
    precedence = (headers.get("Precedence") or "").strip().lower()
    return (
        auto != "no"
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or any(headers.get(name) for name in ("X-Autoreply", "X-Autorespond", "List-Id"))
        or (headers.get("X-Auto-Response-Suppress") or "").strip().lower() in {"all", "oof"}
        or bool(_DAEMONS.match(sender))
        or not sender
    )
