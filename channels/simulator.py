"""A simulated phone system: it signs call events and IVR steps exactly as a real one must
and sends them through the real HTTP interface. Tests drive it with Django's test client,
the benchmark with a real HTTP connection; both hand it a `post(path, body, headers)`.
Pure Python, no Django."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from channels.signing import sign

Post = Callable[[str, bytes, dict[str, str]], Any]
EVENTS_PATH = "/api/calls/events"
IVR_PATH = "/api/ivr/step"


class SimulatedPhoneSystem:
    def __init__(self, post: Post, key: str, secret: str) -> None:
        self.post, self.key, self.secret = post, key, secret
        self._ids = itertools.count(1)

    def headers(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        stamp = int(time.time()) if timestamp is None else timestamp
        return {
            "X-Poscare-Key": self.key,
            "X-Poscare-Timestamp": str(stamp),
            "X-Poscare-Signature": sign(self.secret, stamp, body),
        }

    def send(self, path: str, payload: Any, *, timestamp: int | None = None) -> Any:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return self.post(path, body, self.headers(body, timestamp))

    def event(self, kind: str, call_id: str, **fields: Any) -> dict[str, Any]:
        at = fields.pop("at", None) or dt.datetime.now(dt.UTC)
        return {
            "event_id": fields.pop("event_id", None) or f"{call_id}-{kind}-{next(self._ids)}",
            "call_id": call_id,
            "type": kind,
            "at": at.isoformat(),
            **fields,
        }

    def call(self, kind: str, call_id: str, **fields: Any) -> Any:
        return self.send(EVENTS_PATH, self.event(kind, call_id, **fields))

    def menu(self, call_id: str, step: int, digits: str = "", caller: str = "") -> Any:
        """One exchange with the phone menu (`/api/ivr/step`)."""
        payload = {"call_id": call_id, "step": step, "digits": digits, "caller": caller}
        return self.send(IVR_PATH, payload)
