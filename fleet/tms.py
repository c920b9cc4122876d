"""The TMS adapter layer: how a terminal management system's pushes become our telemetry
records, and how remote actions reach a terminal.

`GenericAdapter` takes records already in poscare's shape; `PaxStoreAdapter` maps a
PAXSTORE-style webhook (camelCase, nested battery/printer/network blocks). `SimulatedTMS`
stands in for a real TMS in the demo and the tests: it answers remote actions the way a
terminal would, given what its telemetry says. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class AdapterError(ValueError):
    """The push as a whole has the wrong shape."""


class GenericAdapter:
    name = "generic"

    def to_records(self, payload: Any) -> list[Any]:
        records = payload.get("records") if isinstance(payload, Mapping) else payload
        if not isinstance(records, list):
            raise AdapterError("records")
        return records


_PAX_PRINTER = {
    "NORMAL": "ok",
    "OUT_OF_PAPER": "no_paper",
    "COVER_OPEN": "cover_open",
    "OVERHEAT": "overheat",
    "HEAD_ERROR": "head_fault",
}
_PAX_NETWORK = {"MOBILE": "4g", "WIFI": "wifi", "ETHERNET": "eth", "NONE": "none"}


def _get(block: Any, key: str) -> Any:
    return block.get(key) if isinstance(block, Mapping) else None


class PaxStoreAdapter:
    """A PAXSTORE-style webhook: {"eventType": "TERMINAL_DETAIL", "data": [{...}, …]}."""

    name = "paxstore"

    def _one(self, item: Any) -> Any:
        if not isinstance(item, Mapping):
            return item  # reported as a bad record by the checks
        battery, printer = item.get("battery"), item.get("printer")
        network, reader = item.get("network"), item.get("cardReader")
        record: dict[str, Any] = {
            "terminal_id": item.get("tid"),
            "at": item.get("reportTime"),
            "battery_pct": _get(battery, "level"),
            "charging": _get(battery, "charging"),
            "battery_cycles": _get(battery, "cycleCount"),
            "temperature_c": item.get("temperature"),
            "signal_dbm": _get(network, "signalDbm"),
            "network": _PAX_NETWORK.get(str(_get(network, "type") or "").upper(), ""),
            "printer": _PAX_PRINTER.get(str(_get(printer, "status") or "").upper(), ""),
            "print_count": _get(printer, "printedCount"),
            "chip_errors": _get(reader, "iccErrors"),
            "swipe_errors": _get(reader, "magErrors"),
            "contactless_errors": _get(reader, "piccErrors"),
            "reboots": item.get("rebootCount"),
            "free_storage_mb": item.get("freeStorageMB"),
            "firmware_version": item.get("firmwareVersion"),
            "app_version": item.get("appVersion"),
            "last_signin_at": item.get("lastSignInTime"),
            "signin_ok": item.get("signInSuccess"),
            "key_expires_on": item.get("keyExpiryDate"),
        }
        if serial := item.get("serialNo"):
            record["serial_no"] = serial  # kept in extra
        return record

    def to_records(self, payload: Any) -> list[Any]:
        data = payload.get("data") if isinstance(payload, Mapping) else None
        if isinstance(data, Mapping):
            data = [data]
        if not isinstance(data, list):
            raise AdapterError("data")
        return [self._one(item) for item in data]


ADAPTERS: dict[str, Any] = {"generic": GenericAdapter(), "paxstore": PaxStoreAdapter()}


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    code: str  # a key of fleet.remote.RESULT_MESSAGES


class SimulatedTMS:
    """Answers remote actions as the demo fleet's terminals would.

    A terminal that has not reported for a day does not answer; a re-sign-in fails on a
    firmware version that is known to break sign-in (push a fixed version first); everything
    else succeeds.
    """

    name = "simulated"

    def send(
        self, action: str, state: Mapping[str, Any], parameters: Mapping[str, Any]
    ) -> ActionResult:
        if not state.get("online", False):
            return ActionResult(False, "offline")
        if action == "signin" and state.get("firmware_breaks_signin"):
            return ActionResult(False, "signin_rejected")
        if action == "push_version" and not parameters.get("version"):
            return ActionResult(False, "no_version")
        return ActionResult(True, f"{action}_ok")
