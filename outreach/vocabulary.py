"""The words of outreach — purposes, channels, urgency — with their names in Chinese and English.

Pure Python (no Django): the contact policy, the benchmark and the models all read it, so the
identifiers can never drift apart.
"""

from __future__ import annotations

PURPOSES: dict[str, tuple[str, str]] = {
    "service_followup": ("服务回访", "service follow-up"),
    "system_update": ("系统升级", "system update"),
    "service_outage": ("故障通知", "service outage notice"),
    "transaction_anomaly": ("交易异常", "transaction anomaly"),
    "security_verification": ("安全验证", "security verification"),
    "risk_alert": ("风险提示", "risk alert"),
    "survey": ("满意度调查", "survey"),
    "marketing": ("营销推广", "marketing"),
}

CHANNELS: dict[str, tuple[str, str]] = {
    "inbox": ("站内消息", "portal inbox"),
    "email": ("邮件", "e-mail"),
    "sms": ("短信", "SMS"),
    "wechat": ("微信模板消息", "WeChat template message"),
    "voice": ("语音外呼", "automated voice call"),
    "phone": ("人工电话", "agent phone call"),
}

URGENCIES: dict[str, tuple[str, str]] = {
    "normal": ("普通", "normal"),
    "high": ("重要", "high"),
    "urgent": ("紧急", "urgent"),
}

# The escalation ladder: portal inbox and e-mail disturb nobody, an SMS makes a phone buzz,
# a call interrupts the shop. A contact uses the lowest rung that does the job.
# A WeChat template message makes the phone buzz like an SMS: the same rung, tried first (it
# reaches only merchants who bound the Official Account, and costs nothing per message).
CHANNEL_RANK: dict[str, int] = {
    "inbox": 0, "email": 0, "wechat": 1, "sms": 1, "voice": 2, "phone": 2
}  # fmt: skip
ESCALATION_ORDER: tuple[str, ...] = ("inbox", "email", "wechat", "sms", "voice", "phone")
INTRUSIVE = frozenset({"wechat", "sms", "voice", "phone"})
CALLS = frozenset({"voice", "phone"})

# Only these purposes may, when urgent, override quiet hours and caps (audited).
OVERRIDABLE = frozenset({"security_verification", "risk_alert"})
# Non-urgent notices of these purposes wait for the daily digest.
DIGESTIBLE = frozenset({"service_followup", "system_update", "survey", "marketing"})
# Purposes a merchant can refuse outright.
OPTIONAL_PURPOSES = frozenset({"survey", "marketing"})

# The lowest rung of the ladder that does the job, per purpose and urgency.
_NEEDED_RANK: dict[str, tuple[int, int, int]] = {
    #                        normal, high, urgent
    "service_followup": (0, 0, 1),
    "system_update": (0, 0, 1),
    # A shop whose terminals cannot take payments should hear it soon: an SMS when it matters.
    "service_outage": (0, 1, 1),
    "transaction_anomaly": (1, 1, 2),
    "security_verification": (1, 2, 2),
    "risk_alert": (1, 2, 2),
    "survey": (0, 0, 0),
    "marketing": (0, 0, 0),
}
_URGENCY_INDEX = {"normal": 0, "high": 1, "urgent": 2}


def needed_rank(purpose: str, urgency: str) -> int:
    return _NEEDED_RANK[purpose][_URGENCY_INDEX[urgency]]


def purpose_name(purpose: str, lang: str = "zh") -> str:
    names = PURPOSES.get(purpose, (purpose, purpose))
    return names[0] if lang == "zh" else names[1]


def channel_name(channel: str, lang: str = "zh") -> str:
    names = CHANNELS.get(channel, (channel, channel))
    return names[0] if lang == "zh" else names[1]
