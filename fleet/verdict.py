"""From what a remote diagnosis gathered to a verdict and the next step. Pure Python.

The order is the order an experienced L2 technician checks things: an outage in the region
explains everything else; then a terminal that does not answer; then sign-in and keys (the
terminal cannot trade at all); then the hardware the merchant can fix themselves (paper,
signal, reader cleaning) before a visit; then wear that needs a part or a new terminal; then
the response codes of the last 24 hours against the terminal's own baseline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

HEALTHY, GUIDE, REMOTE, OUTAGE, VISIT, REPLACE = (
    "healthy",
    "guide_merchant",
    "remote_action",
    "outage",
    "field_visit",
    "replace",
)
SILENT_VISIT_HOURS = 72
MIN_CODE_COUNT = 5  # a code must be seen at least this often in 24 h to count as a spike
SPIKE_RATIO = 3.0


@dataclass(frozen=True)
class Gathered:
    findings: Mapping[str, str] = field(default_factory=dict)  # kind -> severity
    silent_hours: int | None = None
    outage_in_region: bool = False
    breaks_signin: bool = False
    code_spikes: Sequence[str] = ()  # response codes far above the terminal's baseline
    under_warranty: bool = False


@dataclass(frozen=True)
class Verdict:
    verdict: str
    step: str  # a key of fleet.diagnosis.NEXT_STEPS
    action: str = ""  # a RemoteAction kind to offer, if any


def code_spikes(
    last_day: Mapping[str, int], baseline_daily: Mapping[str, float], total_last_day: int
) -> list[str]:
    """Declined codes seen at least MIN_CODE_COUNT times in 24 h and SPIKE_RATIO times more
    often than on an average day of the terminal's own baseline."""
    spikes = []
    for code, count in sorted(last_day.items(), key=lambda item: -item[1]):
        if code == "00" or count < MIN_CODE_COUNT or total_last_day == 0:
            continue
        if count >= SPIKE_RATIO * max(baseline_daily.get(code, 0.0), 1.0):
            spikes.append(code)
    return spikes


def decide(g: Gathered) -> Verdict:
    f = g.findings
    if g.outage_in_region or any(c in ("96", "91") for c in g.code_spikes):
        return Verdict(OUTAGE, "outage")
    if g.silent_hours is not None and "silent" in f:
        if g.silent_hours >= SILENT_VISIT_HOURS:
            return Verdict(VISIT, "silent_visit")
        return Verdict(GUIDE, "silent", "reboot")
    if "signin_failing" in f and g.breaks_signin:
        return Verdict(REMOTE, "firmware_then_signin", "push_version")
    if "signin_failing" in f or "keys_expiring" in f or "A0" in g.code_spikes:
        return Verdict(REMOTE, "signin", "signin")
    if "printer_paper" in f:
        return Verdict(GUIDE, "paper")
    if "printer_fault" in f:
        return Verdict(VISIT, "print_head")
    if "55" in g.code_spikes:
        return Verdict(GUIDE, "pin")
    if "reader_errors" in f:
        return Verdict(GUIDE, "reader")
    if f.get("battery_wear") == "critical":
        return Verdict(REPLACE, "battery_replace")
    if "firmware_issue" in f:
        return Verdict(REMOTE, "firmware", "push_version")
    if "low_storage" in f:
        return Verdict(REMOTE, "storage", "parameters")
    if "weak_signal" in f:
        return Verdict(GUIDE, "signal")
    if "battery_wear" in f:
        return Verdict(GUIDE, "battery_soon")
    return Verdict(HEALTHY, "healthy")
