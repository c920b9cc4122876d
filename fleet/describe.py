"""How a finding reads: title, plain words for the merchant, the evidence and the fix, in the
reader's language, from `fleet/data/rules.json` (the knowledge base's fix for each kind)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from django.utils import translation

from fleet.models import Finding, PrinterState

RULES_FILE = Path(__file__).parent / "data" / "rules.json"


@functools.cache
def rules() -> dict[str, dict[str, Any]]:
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh"


class _Params(dict):
    """Evidence values for a template; a missing one shows as a dash, never a crash."""

    def __missing__(self, key: str) -> str:
        return "—"


def describe(kind: str, severity: str, evidence: dict[str, Any]) -> dict[str, Any]:
    text = rules().get(kind)
    lang = language()
    params = _Params({k: ("—" if v is None else v) for k, v in evidence.items()})
    if "state" in evidence:
        params["state_label"] = str(PrinterState(evidence["state"]).label)
    if not text:
        return {"kind": kind, "title": kind, "severity": severity, "evidence": "", "fix": ""}
    return {
        "kind": kind,
        "severity": severity,
        "severity_label": Finding.Severity(severity).label,
        "title": text["title"][lang],
        "merchant": text["merchant"][lang],
        "evidence": text["evidence"][lang] % params,
        "fix": text["fix"][lang],
        "action": text["action"],
    }


def describe_finding(finding: Finding) -> dict[str, Any]:
    described = describe(finding.kind, finding.severity, finding.evidence)
    described["finding"] = finding
    return described
