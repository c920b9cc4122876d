"""Phone systems behind one small interface. poscare asks a phone system to place a call
(click-to-dial); the phone system reports what happens through `POST /api/calls/events`.

Only the simulated adapter ships: it records what it was asked to dial, which the demo and the
tests read back, and the simulated phone system in the tests then sends the events a real
one would. A FreeSWITCH or Asterisk adapter is one more class with the same `originate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Originate:
    call_id: str
    from_number: str  # the registered outbound number the merchant will see
    to_number: str
    agent_no: str


class PhoneSystem(Protocol):
    def originate(self, request: Originate) -> None: ...


class SimulatedPhoneSystem:
    """Keeps every request; nothing leaves the machine."""

    placed: list[Originate] = []

    def originate(self, request: Originate) -> None:
        self.placed.append(request)


ADAPTERS: dict[str, type[PhoneSystem]] = {"simulated": SimulatedPhoneSystem}


def phone_system(adapter: str) -> PhoneSystem:
    return ADAPTERS[adapter]()
