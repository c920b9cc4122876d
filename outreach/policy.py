"""The contact policy: may we contact this merchant about this, now, and how?

Pure Python (no Django imports), so it is tested with hypothesis and benchmarked on its own.
Input: a contact request, the merchant's preferences, the institution's caps, and the
merchant's recent contacts (a compact in-memory History). Output: a Decision — send now,
schedule at a time, merge into an earlier request, or suppress — with the channel and the
reasons in Chinese and English.

The rules, in the order they apply:

1. An expired request is suppressed.
2. Marketing needs the merchant's opt-in; surveys respect the opt-out; a merchant who asked for
   fewer contacts gets neither. Opt-outs apply to the very next decision.
3. The same de-duplication key within the first request's window merges into that request.
4. Urgent security verifications and risk alerts override quiet hours, rest days and caps;
   the override is marked on the decision so the caller records who asked and why.
5. The channel is the lowest rung of the ladder (inbox/e-mail → SMS → call) that suits the
   purpose and urgency, among the channels both the requester and the merchant allow.
6. Non-urgent notices wait for the daily digest.
7. Quiet hours (any channel) and non-working days (SMS and calls) push the contact back.
8. Caps: per purpose and channel for the institution, plus the merchant's own call cap. A capped
   contact is pushed back until the cap frees, falls back to a gentler channel, or — when it
   could not go out before it expires — is suppressed.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from outreach.quiet import DayBook, local_label, next_allowed, zone
from outreach.vocabulary import (
    CALLS,
    CHANNEL_RANK,
    CHANNELS,
    DIGESTIBLE,
    ESCALATION_ORDER,
    INTRUSIVE,
    OVERRIDABLE,
    PURPOSES,
    URGENCIES,
    channel_name,
    needed_rank,
    purpose_name,
)

SEND_NOW, SCHEDULE, MERGE, SUPPRESS = "send_now", "schedule", "merge", "suppress"
DECISION_KINDS = (SEND_NOW, SCHEDULE, MERGE, SUPPRESS)

DEDUPE_WINDOW = dt.timedelta(hours=24)
DIGEST_TIME = dt.time(10, 0)
# How long a contact may be held back before it is no longer worth sending.
MAX_DELAY = {"marketing": dt.timedelta(days=7), "survey": dt.timedelta(days=7)}
DEFAULT_MAX_DELAY = dt.timedelta(days=3)
# Purposes a merchant who asked for fewer contacts still gets by SMS or phone.
ESSENTIAL = frozenset({"transaction_anomaly", "security_verification", "risk_alert"})

# ---------------------------------------------------------------------------------------------
# Reasons in words


REASONS: dict[str, tuple[str, str]] = {
    "expired": ("请求已于 {at} 过期", "The request expired at {at}"),
    "marketing_opt_out": (
        "商户未同意接收营销信息",
        "The merchant has not opted in to marketing",
    ),
    "survey_opt_out": ("商户不接收满意度调查", "The merchant does not accept surveys"),
    "fewer_contacts": (
        "商户已要求减少联系，不发送{purpose}",
        "The merchant asked for fewer contacts: no {purpose_en}",
    ),
    "fewer_contacts_gentle": (
        "商户已要求减少联系，只用站内消息或邮件",
        "The merchant asked for fewer contacts: portal inbox or e-mail only",
    ),
    "duplicate": (
        "与请求 #{into} 的去重键“{key}”相同，在其有效期内，合并",
        "Same de-duplication key “{key}” as request #{into} within its window: merged",
    ),
    "no_channel": (
        "没有商户和请求方都允许的渠道",
        "No channel is allowed by both the merchant and the requester",
    ),
    "channel": (
        "渠道：{channel}（适合{purpose}的最低打扰渠道）",
        "Channel: {channel_en} (the least intrusive one for this purpose: {purpose_en})",
    ),
    "channel_fallback": (
        "{wanted}无法按时发送，改用{channel}",
        "{wanted_en} could not go out in time; using {channel_en} instead",
    ),
    "channel_pref_overridden": (
        "商户未允许请求方的渠道，紧急例外仍使用{channel}",
        "The merchant allows none of the requested channels; the urgent override uses {channel_en}",
    ),
    "override": (
        "紧急{purpose}：经审计的例外，不受免打扰时段和频次上限限制",
        "Urgent {purpose_en}: audited override of quiet hours and caps",
    ),
    "override_not_allowed": (
        "只有安全验证和风险提示可以突破免打扰时段，按普通规则处理",
        "Only security verifications and risk alerts may override quiet hours; normal rules apply",
    ),
    "digest": (
        "非紧急通知，合并到每日摘要",
        "Not urgent: consolidated into the daily digest",
    ),
    "quiet_hours": (
        "商户免打扰时段 {start}–{end}（{tz}）",
        "The merchant's quiet hours {start}–{end} ({tz})",
    ),
    "holiday": (
        "{date} 是{name_zh}假期，短信和电话等到工作日",
        "{date} is a public holiday ({name_en}); SMS and calls wait for a working day",
    ),
    "rest_day": (
        "{date} 是休息日，短信和电话等到工作日",
        "{date} is a rest day; SMS and calls wait for a working day",
    ),
    "cap": ("已达上限：{cap}", "Cap reached: {cap_en}"),
    "calls_refused": (
        "商户不接受非紧急电话",
        "The merchant accepts no non-urgent calls",
    ),
    "too_late": (
        "最早可发送时间晚于 {until}，不再发送",
        "It could not go out before {until}; not sent",
    ),
    "scheduled": ("安排在 {at}（商户当地时间）发送", "Scheduled for {at} (merchant's local time)"),
    "send_now": ("现在发送", "Sent now"),
    "withdrawn": (
        "商户已不再允许{wanted}，改用站内消息",
        "The merchant no longer allows {wanted_en}; using the portal inbox",
    ),
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def _render(self, index: int) -> str:
        return REASONS[self.code][index].format(**dict(self.params))

    @property
    def zh(self) -> str:
        return self._render(0)

    @property
    def en(self) -> str:
        return self._render(1)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}


def reason(code: str, **params: str) -> Reason:
    return Reason(code, tuple(sorted(params.items())))


def _purpose_params(purpose: str) -> dict[str, str]:
    return {"purpose": purpose_name(purpose), "purpose_en": purpose_name(purpose, "en")}


def _channel_params(channel: str, prefix: str = "channel") -> dict[str, str]:
    return {prefix: channel_name(channel), f"{prefix}_en": channel_name(channel, "en")}


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class ContactRequest:
    request_id: Any
    merchant_id: Any
    purpose: str
    urgency: str
    channels: tuple[str, ...]
    created_at: dt.datetime
    dedupe_key: str | None = None
    expires_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Preferences:
    channels: frozenset[str] = frozenset(CHANNELS)
    quiet_start: dt.time = dt.time(21, 0)
    quiet_end: dt.time = dt.time(9, 0)
    marketing_opt_in: bool = False
    survey_opt_in: bool = True
    call_cap_per_week: int | None = None
    fewer_contacts: bool = False
    timezone: str = "Asia/Shanghai"

    def allows(self, channel: str) -> bool:
        # The portal inbox disturbs nobody; it is always allowed.
        return channel == "inbox" or channel in self.channels


@dataclass(frozen=True, slots=True)
class Cap:
    """At most `limit` non-urgent contacts matching (purposes, channels) in any `window`."""

    key: str
    name_zh: str
    name_en: str
    limit: int
    window: dt.timedelta
    purposes: frozenset[str] | None = None  # None: any purpose
    channels: frozenset[str] | None = None  # None: any channel

    def applies(self, purpose: str, channel: str) -> bool:
        return (self.purposes is None or purpose in self.purposes) and (
            self.channels is None or channel in self.channels
        )


DEFAULT_CAPS: tuple[Cap, ...] = (
    Cap(
        "marketing_30d",
        "营销每 30 天至多 1 次",
        "at most one marketing contact per 30 days",
        1,
        dt.timedelta(days=30),
        purposes=frozenset({"marketing"}),
    ),
    Cap(
        "survey_30d",
        "调查每 30 天至多 1 次",
        "at most one survey per 30 days",
        1,
        dt.timedelta(days=30),
        purposes=frozenset({"survey"}),
    ),
    Cap(
        "calls_7d",
        "非紧急电话每周至多 2 次",
        "at most two non-urgent phone calls a week",
        2,
        dt.timedelta(days=7),
        channels=CALLS,
    ),
    Cap(
        "sms_7d",
        "非紧急短信每周至多 5 条",
        "at most five non-urgent SMS a week",
        5,
        dt.timedelta(days=7),
        channels=frozenset({"sms"}),
    ),
)


def personal_call_cap(limit: int) -> Cap:
    return Cap(
        "personal_calls",
        f"商户自设：电话每周至多 {limit} 次",
        f"the merchant's own limit: at most {limit} calls a week",
        limit,
        dt.timedelta(days=7),
        channels=CALLS,
    )


class History:
    """One merchant's contacts, sent or booked, ordered by time (epoch seconds), plus the
    de-duplication keys still in their window. Parallel lists keep it small and fast."""

    __slots__ = ("times", "purposes", "channels", "exempt", "keys")

    def __init__(self) -> None:
        self.times: list[float] = []
        self.purposes: list[str] = []
        self.channels: list[str] = []
        self.exempt: list[bool] = []
        self.keys: dict[str, tuple[Any, float]] = {}

    def __len__(self) -> int:
        return len(self.times)

    def add(
        self,
        ts: float,
        purpose: str,
        channel: str,
        exempt: bool = False,
        *,
        request_id: Any = None,
        dedupe_key: str | None = None,
        dedupe_until: float | None = None,
    ) -> None:
        index = bisect.bisect_right(self.times, ts)
        self.times.insert(index, ts)
        self.purposes.insert(index, purpose)
        self.channels.insert(index, channel)
        self.exempt.insert(index, exempt)
        if dedupe_key and dedupe_until is not None:
            self.keys[dedupe_key] = (request_id, dedupe_until)

    def duplicate_of(self, key: str, ts: float) -> Any:
        found = self.keys.get(key)
        if found is not None and ts < found[1]:
            return found[0]
        return None

    def first_blocking(self, cap: Cap, ts: float) -> float | None:
        """The earliest matching contact in (ts - window, ts + window) when the cap is full
        there, else None. Counting both sides keeps every sliding window within the cap,
        also when later contacts are already booked."""
        width = cap.window.total_seconds()
        lo = bisect.bisect_right(self.times, ts - width)
        hi = bisect.bisect_left(self.times, ts + width)
        count = 0
        first: float | None = None
        purposes, channels = self.purposes, self.channels
        for i in range(lo, hi):
            if (cap.purposes is None or purposes[i] in cap.purposes) and (
                cap.channels is None or channels[i] in cap.channels
            ):
                if first is None:
                    first = self.times[i]
                count += 1
        if count >= cap.limit:
            return first if first is not None else ts  # limit 0: never
        return None

    def prune(self, before: float) -> None:
        """Forget contacts older than `before` (keys too, once their window closed)."""
        cut = bisect.bisect_left(self.times, before)
        if cut:
            del self.times[:cut], self.purposes[:cut], self.channels[:cut], self.exempt[:cut]
        if self.keys:
            self.keys = {k: v for k, v in self.keys.items() if v[1] > before}


# ---------------------------------------------------------------------------------------------
# Output


@dataclass(frozen=True, slots=True)
class Decision:
    kind: str
    channel: str | None = None
    at: dt.datetime | None = None
    merge_into: Any = None
    reasons: tuple[Reason, ...] = ()
    override: bool = False
    digest: bool = False

    @property
    def reasons_zh(self) -> list[str]:
        return [r.zh for r in self.reasons]

    @property
    def reasons_en(self) -> list[str]:
        return [r.en for r in self.reasons]

    @property
    def sends(self) -> bool:
        return self.kind in (SEND_NOW, SCHEDULE)


def _suppress(*reasons: Reason) -> Decision:
    return Decision(SUPPRESS, reasons=tuple(reasons))


# ---------------------------------------------------------------------------------------------
# The policy


@dataclass
class Policy:
    caps: tuple[Cap, ...] = DEFAULT_CAPS
    days: DayBook = field(default_factory=DayBook)

    def caps_for(self, prefs: Preferences) -> tuple[Cap, ...]:
        if prefs.call_cap_per_week is None:
            return self.caps
        return (*self.caps, personal_call_cap(prefs.call_cap_per_week))

    # size: the contact rules in the order they apply, property-tested as one decision
    def decide(
        self, request: ContactRequest, prefs: Preferences, history: History, now: dt.datetime
    ) -> Decision:
        purpose, urgency = request.purpose, request.urgency
        if purpose not in PURPOSES or urgency not in URGENCIES:
            raise ValueError(f"unknown purpose or urgency: {purpose!r} {urgency!r}")
        now_ts = now.timestamp()
        tz = prefs.timezone

        if request.expires_at is not None and request.expires_at <= now:
            return _suppress(reason("expired", at=local_label(request.expires_at.timestamp(), tz)))
        if purpose == "marketing" and not prefs.marketing_opt_in:
            return _suppress(reason("marketing_opt_out"))
        if purpose == "survey" and not prefs.survey_opt_in:
            return _suppress(reason("survey_opt_out"))
        if prefs.fewer_contacts and purpose in ("marketing", "survey"):
            return _suppress(reason("fewer_contacts", **_purpose_params(purpose)))
        if request.dedupe_key:
            first = history.duplicate_of(request.dedupe_key, now_ts)
            if first is not None:
                return Decision(
                    MERGE,
                    merge_into=first,
                    reasons=(reason("duplicate", into=str(first), key=request.dedupe_key),),
                )

        notes: list[Reason] = []
        override = urgency == "urgent" and purpose in OVERRIDABLE
        if urgency == "urgent" and not override:
            notes.append(reason("override_not_allowed"))

        requested = [c for c in ESCALATION_ORDER if c in request.channels]
        allowed = [c for c in requested if prefs.allows(c)]
        if prefs.fewer_contacts and not override and purpose not in ESSENTIAL:
            gentle = [c for c in allowed if c not in INTRUSIVE]
            if len(gentle) < len(allowed):
                notes.append(reason("fewer_contacts_gentle"))
            allowed = gentle
        if not allowed:
            if override and requested:
                allowed = requested
                notes.append(reason("channel_pref_overridden", **_channel_params(requested[-1])))
            else:
                return _suppress(*notes, reason("no_channel"))

        need = needed_rank(purpose, urgency)
        ladder = [c for c in allowed if CHANNEL_RANK[c] >= need]
        ladder += [c for c in reversed(allowed) if CHANNEL_RANK[c] < need]

        if override:
            channel = ladder[0]
            return Decision(
                SEND_NOW,
                channel=channel,
                at=None,
                reasons=(
                    *notes,
                    reason("override", **_purpose_params(purpose)),
                    reason("channel", **_channel_params(channel), **_purpose_params(purpose)),
                ),
                override=True,
            )

        horizon = now_ts + MAX_DELAY.get(purpose, DEFAULT_MAX_DELAY).total_seconds()
        if request.expires_at is not None:
            horizon = min(horizon, request.expires_at.timestamp())
        caps = self.caps_for(prefs)
        wanted = ladder[0]
        for channel in ladder:
            digest = urgency == "normal" and purpose in DIGESTIBLE and CHANNEL_RANK[channel] == 0
            start = self._digest_slot(now_ts, tz) if digest else now_ts
            found, found_notes = self._earliest(
                start, horizon, purpose, channel, prefs, caps, history
            )
            if found is None:
                notes.extend(r for r in found_notes if r not in notes)
                continue
            reasons = [*notes]
            if channel != wanted:
                reasons.append(
                    reason(
                        "channel_fallback",
                        **_channel_params(wanted, "wanted"),
                        **_channel_params(channel),
                    )
                )
            reasons.append(
                reason("channel", **_channel_params(channel), **_purpose_params(purpose))
            )
            if digest:
                reasons.append(reason("digest"))
            reasons.extend(found_notes)
            if found <= now_ts and not digest:
                reasons.append(reason("send_now"))
                return Decision(SEND_NOW, channel=channel, reasons=tuple(reasons))
            reasons.append(reason("scheduled", at=local_label(found, tz)))
            return Decision(
                SCHEDULE,
                channel=channel,
                at=dt.datetime.fromtimestamp(found, dt.UTC),
                reasons=tuple(reasons),
                digest=digest,
            )
        notes.append(reason("too_late", until=local_label(horizon, tz)))
        return _suppress(*notes)

    def _digest_slot(self, now_ts: float, tz: str) -> float:
        local = dt.datetime.fromtimestamp(now_ts, zone(tz))
        slot = dt.datetime.combine(local.date(), DIGEST_TIME, tzinfo=local.tzinfo)
        if slot.timestamp() < now_ts:
            slot = dt.datetime.combine(
                local.date() + dt.timedelta(days=1), DIGEST_TIME, tzinfo=local.tzinfo
            )
        return slot.timestamp()

    def _earliest(
        self,
        start: float,
        horizon: float,
        purpose: str,
        channel: str,
        prefs: Preferences,
        caps: tuple[Cap, ...],
        history: History,
    ) -> tuple[float | None, list[Reason]]:
        """The first time at or after `start`, not after `horizon`, that respects quiet hours,
        rest days and every cap; None if there is none."""
        notes: list[Reason] = []
        applicable = [cap for cap in caps if cap.applies(purpose, channel)]
        ts = start
        for _ in range(64):
            ts, quiet = next_allowed(
                ts, channel, prefs.timezone, prefs.quiet_start, prefs.quiet_end, self.days
            )
            for code, params in quiet:
                note = reason(code, **params)
                if note not in notes:
                    notes.append(note)
            if ts > horizon:
                return None, notes
            for cap in applicable:
                blocking = history.first_blocking(cap, ts)
                if blocking is not None:
                    if cap.limit <= 0:
                        notes.append(reason("calls_refused"))
                        return None, notes
                    note = reason("cap", cap=cap.name_zh, cap_en=cap.name_en)
                    if note not in notes:
                        notes.append(note)
                    ts = blocking + cap.window.total_seconds()
                    break
            else:
                return ts, notes
        return None, notes

    def recheck(
        self, request: ContactRequest, prefs: Preferences, decision: Decision, now: dt.datetime
    ) -> Decision:
        """Just before a scheduled contact goes out: the merchant may have opted out or
        changed quiet hours since it was booked. Caps were reserved when it was booked."""
        if request.expires_at is not None and request.expires_at <= now:
            return _suppress(
                reason("expired", at=local_label(request.expires_at.timestamp(), prefs.timezone))
            )
        purpose = request.purpose
        if purpose == "marketing" and not prefs.marketing_opt_in:
            return _suppress(reason("marketing_opt_out"))
        if purpose == "survey" and not prefs.survey_opt_in:
            return _suppress(reason("survey_opt_out"))
        if prefs.fewer_contacts and purpose in ("marketing", "survey"):
            return _suppress(reason("fewer_contacts", **_purpose_params(purpose)))
        channel = decision.channel or "inbox"
        notes: list[Reason] = []
        if not decision.override and (
            not prefs.allows(channel)
            or (prefs.fewer_contacts and channel in INTRUSIVE and purpose not in ESSENTIAL)
        ):
            notes.append(reason("withdrawn", **_channel_params(channel, "wanted")))
            channel = "inbox"
        if decision.override:
            return Decision(SEND_NOW, channel=channel, reasons=decision.reasons, override=True)
        ts, quiet = next_allowed(
            now.timestamp(),
            channel,
            prefs.timezone,
            prefs.quiet_start,
            prefs.quiet_end,
            self.days,
        )
        notes.extend(reason(code, **params) for code, params in quiet)
        if ts > now.timestamp():
            notes.append(reason("scheduled", at=local_label(ts, prefs.timezone)))
            return Decision(
                SCHEDULE,
                channel=channel,
                at=dt.datetime.fromtimestamp(ts, dt.UTC),
                reasons=tuple(notes),
                digest=decision.digest,
            )
        return Decision(SEND_NOW, channel=channel, reasons=tuple(notes) or decision.reasons)


def book(history: History, request: ContactRequest, decision: Decision, now: dt.datetime) -> None:
    """Write a sending decision into the history, so the next decision counts it."""
    if not decision.sends or decision.channel is None:
        return
    ts = decision.at.timestamp() if decision.at is not None else now.timestamp()
    until = None
    if request.dedupe_key:
        until = (
            request.expires_at.timestamp()
            if request.expires_at is not None
            else (request.created_at + DEDUPE_WINDOW).timestamp()
        )
        until = max(until, now.timestamp())
    history.add(
        ts,
        request.purpose,
        decision.channel,
        decision.override,
        request_id=request.request_id,
        dedupe_key=request.dedupe_key,
        dedupe_until=until,
    )


def decide_and_book(
    policy: Policy,
    request: ContactRequest,
    prefs: Preferences,
    history: History,
    now: dt.datetime,
) -> Decision:
    decision = policy.decide(request, prefs, history, now)
    book(history, request, decision, now)
    return decision


def summarize(decisions: Iterable[Decision]) -> dict[str, Any]:
    """Counts per decision kind and per reason code, for campaign simulations."""
    kinds = dict.fromkeys(DECISION_KINDS, 0)
    channels: dict[str, int] = {}
    reasons: dict[str, dict[str, Any]] = {}
    for decision in decisions:
        kinds[decision.kind] += 1
        if decision.sends and decision.channel:
            channels[decision.channel] = channels.get(decision.channel, 0) + 1
        for item in decision.reasons:
            if item.code in ("channel", "send_now", "scheduled"):
                continue
            entry = reasons.setdefault(item.code, {"count": 0, "zh": item.zh, "en": item.en})
            entry["count"] += 1
    ordered = sorted(reasons.items(), key=lambda kv: -kv[1]["count"])
    return {"kinds": kinds, "channels": channels, "reasons": dict(ordered)}
