"""How a finding reads: title, plain words for the merchant, the evidence and the fix, in the
reader's language, from `fleet/data/rules.json` (the knowledge base's fix for each kind)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fleet.models import FailureRisk, Finding, PrinterState

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


REASON_LABELS: dict[str, Any] = {
    "age_years": _("终端使用年限（年）"),
    "model_repair_rate": _("该型号近一年的故障率"),
    "battery_kcycles": _("电池循环次数（千次）"),
    "prints_100k": _("累计打印张数（十万张）"),
    "reader_recent": _("近两周日均读卡错误"),
    "reader_trend": _("读卡错误比前两周增多"),
    "reboots_recent": _("近两周日均重启次数"),
    "reboots_trend": _("重启次数比前两周增多"),
    "battery_low_trend": _("每日最低电量的变化"),
    "overheat_days": _("近两周打印头过热天数"),
    "past_failures": _("以往故障次数"),
}


def describe_risk(risk: FailureRisk) -> dict[str, Any]:
    """A terminal's failure risk as the pages show it: percent, level, part, reasons."""
    return {
        "risk": risk,
        "percent": risk.percent,
        "level": risk.level,
        "level_label": risk.get_level_display(),
        "part_label": risk.get_part_display(),
        "reasons": [
            {
                "label": REASON_LABELS.get(r["feature"], r["feature"]),
                "value": r["value"],
                "points": r["points"],
            }
            for r in risk.reasons
        ],
    }
