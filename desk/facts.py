"""The facts an agent needs before they can help ("请提前准备好必要的信息").

Each ticket category names the facts it needs; intake (portal form, assistant, API) asks only
for those that are still missing, and the console shows what is missing. Pure Python: the
labels carry both languages so the assistant and the API can use them without Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    key: str
    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""
    # Filled from the records, never asked: the merchant ID (from the merchant), the model and
    # serial number (from the terminal). Asked only when the record is not known.
    from_record: str = ""

    def label(self, language: str) -> str:
        return self.en if language.startswith("en") else self.zh

    def hint(self, language: str) -> str:
        return self.hint_en if language.startswith("en") else self.hint_zh


FACTS: dict[str, Fact] = {
    fact.key: fact
    for fact in (
        Fact(
            "merchant_id",
            "商户编号",
            "Merchant ID",
            "15 位，印在签购单上",
            "15 digits, printed on the receipt",
            from_record="merchant",
        ),
        Fact(
            "terminal_model",
            "终端型号",
            "Terminal model",
            "机身背面的型号，如 A920",
            "On the back of the device, e.g. A920",
            from_record="terminal",
        ),
        Fact(
            "serial_number",
            "序列号 (SN)",
            "Serial number (SN)",
            "机身背面标签上的 SN",
            "The SN on the label on the back",
            from_record="terminal",
        ),
        Fact(
            "recent_transaction",
            "最近一笔交易或小票",
            "A recent transaction or receipt",
            "时间、金额、参考号或凭证号",
            "Time, amount, reference or voucher number",
        ),
        Fact(
            "symptom",
            "具体现象",
            "What happens",
            "屏幕提示、声音、哪一步出错",
            "What the screen says, at which step it fails",
        ),
        Fact(
            "started_at",
            "开始时间",
            "Since when",
            "例如：今天上午 10 点起",
            "For example: since 10 a.m. today",
        ),
        Fact(
            "tried",
            "已尝试的操作",
            "What you already tried",
            "例如：重启、换纸、重新插卡",
            "For example: restarted, changed the paper, re-inserted the card",
        ),
        Fact(
            "error_code",
            "错误代码",
            "Error code shown",
            "屏幕上显示的代码，如 51、A0",
            "The code on the screen, e.g. 51, A0",
        ),
    )
}

DEVICE = ("terminal_model", "serial_number")

CATEGORY_FACTS: dict[str, tuple[str, ...]] = {
    "transaction_failure": (
        "merchant_id",
        *DEVICE,
        "error_code",
        "recent_transaction",
        "started_at",
    ),
    "card_reading": ("merchant_id", *DEVICE, "symptom", "started_at", "tried"),
    "network_signin": ("merchant_id", *DEVICE, "error_code", "started_at", "tried"),
    "printer_paper": ("merchant_id", *DEVICE, "symptom", "started_at", "tried"),
    "power_battery": ("merchant_id", *DEVICE, "symptom", "tried"),
    "device_fault": ("merchant_id", *DEVICE, "symptom", "started_at", "tried", "error_code"),
    "funds_not_arrived": ("merchant_id", "recent_transaction"),
    "refund_dispute": ("merchant_id", "recent_transaction", "symptom"),
    "fees": ("merchant_id", "recent_transaction"),
    "account_risk": ("merchant_id", "symptom"),
    "outreach_complaint": ("merchant_id", "symptom", "started_at"),
    "complaint": ("merchant_id", "symptom"),
    "other": ("merchant_id", "symptom"),
}


def required_facts(category: str) -> tuple[str, ...]:
    return CATEGORY_FACTS.get(category, CATEGORY_FACTS["other"])


def known_from_records(
    merchant_id: str | None, terminal_model: str | None, serial_number: str | None
) -> dict[str, str]:
    """The facts the records already answer."""
    known: dict[str, str] = {}
    if merchant_id:
        known["merchant_id"] = merchant_id
    if terminal_model:
        known["terminal_model"] = terminal_model
    if serial_number:
        known["serial_number"] = serial_number
    return known


def missing(category: str, known: Mapping[str, object]) -> list[str]:
    """Keys the category needs that have no non-blank value in `known`, in asking order."""
    return [key for key in required_facts(category) if not str(known.get(key) or "").strip()]


def clean(facts: Mapping[str, object] | None) -> dict[str, str]:
    """Keep only known fact keys with text values, stripped; drop blanks."""
    result: dict[str, str] = {}
    for key, value in (facts or {}).items():
        if key in FACTS and value is not None and str(value).strip():
            result[key] = str(value).strip()[:500]
    return result


def shown(
    facts: Mapping[str, str], facts_en: Mapping[str, str], language: str
) -> list[tuple[str, str]]:
    """(label, value) of the known facts in the reader's language: a fact the system wrote in
    both languages (`Ticket.facts_en`) in English for an English reader, any other as written."""
    english = language.startswith("en")
    return [
        (FACTS[key].label(language), (facts_en.get(key) if english else "") or value)
        for key, value in facts.items()
        if key in FACTS
    ]


def unknown_keys(facts: Mapping[str, object] | None) -> list[str]:
    return sorted(key for key in (facts or {}) if key not in FACTS)


def labelled(keys: Iterable[str], language: str) -> list[tuple[str, str]]:
    return [(key, FACTS[key].label(language)) for key in keys if key in FACTS]
