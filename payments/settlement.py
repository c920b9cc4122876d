"""When does the money of a transaction reach the merchant's account? (settlement ETA)

Pure Python, no Django: the caller passes the working calendar (with the operators'
overrides) and the merchant's contract terms, so the same answer is computed for the
transaction page, the API, the assistant and `manage.py settlement_eta`.

Cycles (facts from acquirer pages):

- **T1** (T+1): the next working day after the transaction's business day.
- **T0** (T+0): the same working day; a weekend or holiday rolls over to the next working day.
- **D1** (D+1): the next calendar day, weekends and holidays included.
- **D0** (D+0): the same calendar day, every day.
- **S0** (秒到): within minutes when the transaction falls inside the daily window and the
  daily quota still covers it; otherwise the configured fallback cycle applies.

The *business day* of a transaction is its local date, or the next day when it happened at or
after the cut-off time (default 23:00). Years that `chinesecalendar` does not know are computed
Monday–Friday and the answer is marked *estimated*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from core.money import yuan
from core.workdays import DayInfo, WorkingCalendar, holiday_name_zh

DEFAULT_CUTOFF = dt.time(23, 0)
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class Cycle(StrEnum):
    T1 = "T1"
    T0 = "T0"
    D1 = "D1"
    D0 = "D0"
    S0 = "S0"

    @property
    def label(self) -> str:
        return {"T1": "T+1", "T0": "T+0", "D1": "D+1", "D0": "D+0", "S0": "S0"}[self.value]


@dataclass(frozen=True)
class S0Terms:
    """The instant-settlement (秒到) terms of a merchant's contract."""

    window_start: dt.time = dt.time(7, 0)
    window_end: dt.time = dt.time(22, 0)
    daily_quota_fen: int = 5_000_000  # 50,000.00 yuan a day
    fallback: Cycle = Cycle.T1

    def in_window(self, moment: dt.time) -> bool:
        return self.window_start <= moment < self.window_end


@dataclass(frozen=True)
class SettlementEta:
    payout_date: dt.date
    estimated: bool
    explanation_zh: str
    explanation_en: str
    cycle: Cycle  # the cycle asked for
    applied_cycle: Cycle  # the cycle that decided the date (an S0 fallback differs)
    business_date: dt.date
    after_cutoff: bool
    instant: bool = False  # S0 paid within minutes
    s0_quota_exceeded: bool = False
    s0_outside_window: bool = False
    holidays: list[DayInfo] = field(default_factory=list)

    def explanation(self, language: str = "zh") -> str:
        return self.explanation_en if language.startswith("en") else self.explanation_zh

    def as_dict(self, language: str = "zh") -> dict[str, object]:
        """The public shape (management command, API): exactly these three keys."""
        return {
            "payout_date": self.payout_date.isoformat(),
            "estimated": self.estimated,
            "explanation": self.explanation(language),
        }


def parse_cutoff(value: str | dt.time | None) -> dt.time:
    if value is None or value == "":
        return DEFAULT_CUTOFF
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"cut-off {value!r} must be HH:MM") from None


def _zh_date(day: dt.date) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日（星期{WEEKDAYS_ZH[day.weekday()]}）"


def _en_date(day: dt.date) -> str:
    return f"{WEEKDAYS_EN[day.weekday()]} {day.isoformat()}"


def _holiday_spans(days: list[DayInfo]) -> list[tuple[dt.date, dt.date, list[str]]]:
    """Group consecutive holiday days into spans with the holiday names in them."""
    spans: list[tuple[dt.date, dt.date, list[str]]] = []
    for info in days:
        name = info.holiday_name or ""
        if spans and spans[-1][1] + dt.timedelta(days=1) == info.date:
            start, _end, names = spans[-1]
            if name and name not in names:
                names.append(name)
            spans[-1] = (start, info.date, names)
        else:
            spans.append((info.date, info.date, [name] if name else []))
    return spans


def _span_text(spans: list[tuple[dt.date, dt.date, list[str]]]) -> tuple[str, str]:
    zh_parts, en_parts = [], []
    for start, end, names in spans:
        zh_names = "、".join(holiday_name_zh(n) or n for n in names) or "节假日"
        en_names = " and ".join(names) or "holiday"
        if start == end:
            zh_parts.append(f"{start.month} 月 {start.day} 日（{zh_names}）")
            en_parts.append(f"{start.isoformat()} ({en_names})")
        else:
            zh_parts.append(
                f"{start.month} 月 {start.day} 日至 {end.month} 月 {end.day} 日（{zh_names}）"
            )
            en_parts.append(f"{start.isoformat()} to {end.isoformat()} ({en_names})")
    return "、".join(zh_parts), "; ".join(en_parts)


def _consult(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> list[DayInfo]:
    days = []
    current = start
    while current <= end:
        days.append(calendar.day(current))
        current += dt.timedelta(days=1)
    return days


# size: the settlement rules in the order they apply, property-tested as one answer
def settlement_eta(
    at: dt.datetime,
    cycle: Cycle | str,
    calendar: WorkingCalendar,
    *,
    cutoff: dt.time | str | None = None,
    s0: S0Terms | None = None,
    s0_used_today_fen: int = 0,
    amount_fen: int = 0,
) -> SettlementEta:
    """The payout date of a transaction made at `at` (local time, any offset) on `cycle`.

    For S0, `s0_used_today_fen` is the instant-settled amount already used on that day
    (before this transaction) and `amount_fen` this transaction's amount.
    """
    if at.tzinfo is None:
        raise ValueError("the transaction time needs a UTC offset")
    cycle = Cycle(cycle)
    cutoff_time = parse_cutoff(cutoff)
    local_day = at.date()
    after_cutoff = at.time() >= cutoff_time
    business_date = local_day + dt.timedelta(days=1) if after_cutoff else local_day
    zh: list[str] = []
    en: list[str] = []
    time_text = at.strftime("%Y-%m-%d %H:%M")
    cut_text = cutoff_time.strftime("%H:%M")
    if after_cutoff:
        zh.append(
            f"交易时间 {time_text} 晚于日切时间 {cut_text}，计入次日 {_zh_date(business_date)}。"
        )
        en.append(
            f"The transaction at {time_text} is after the {cut_text} cut-off, so it belongs "
            f"to the next day, {_en_date(business_date)}."
        )

    applied = cycle
    quota_exceeded = outside_window = False
    if cycle is Cycle.S0:
        terms = s0 or S0Terms()
        moment = at.time()
        outside_window = not terms.in_window(moment)
        quota_exceeded = s0_used_today_fen + amount_fen > terms.daily_quota_fen
        window = f"{terms.window_start.strftime('%H:%M')}–{terms.window_end.strftime('%H:%M')}"
        if not outside_window and not quota_exceeded:
            zh.append(f"S0 秒到：交易在秒到时段 {window} 内且未超过当日额度，资金几分钟内到账。")
            en.append(
                f"S0 instant settlement: the transaction is inside the {window} window and "
                f"within the daily quota, so the money arrives within minutes."
            )
            return SettlementEta(
                payout_date=local_day,
                estimated=False,
                explanation_zh="".join(zh),
                explanation_en=" ".join(en),
                cycle=cycle,
                applied_cycle=cycle,
                business_date=local_day,
                after_cutoff=after_cutoff,
                instant=True,
            )
        applied = terms.fallback
        if outside_window:
            zh.append(f"交易不在秒到时段 {window} 内，改按 {applied.label} 结算。")
            en.append(
                f"The transaction is outside the S0 window {window}, so it settles "
                f"{applied.label} instead."
            )
        else:
            quota = yuan(terms.daily_quota_fen)
            zh.append(f"当日秒到额度 {quota} 元已用完，超出部分改按 {applied.label} 结算。")
            en.append(
                f"The daily S0 quota of CNY {quota} is used up, so this transaction settles "
                f"{applied.label} instead."
            )

    payout, estimated, holidays, rule_zh, rule_en = _apply_cycle(applied, business_date, calendar)
    zh.append(rule_zh)
    en.append(rule_en)
    if holidays:
        spans_zh, spans_en = _span_text(_holiday_spans(holidays))
        zh.append(f"{spans_zh}放假，到账日顺延。")
        en.append(f"Public holiday: {spans_en}, so the payout moves later.")
    makeup = [
        d
        for d in _consult(calendar, business_date, payout)
        if d.is_makeup_workday and applied in (Cycle.T1, Cycle.T0)
    ]
    if makeup and makeup[-1].date == payout:
        zh.append(f"{_zh_date(payout)}是调休工作日，照常结算。")
        en.append(f"{_en_date(payout)} is a make-up working day, so payouts run as usual.")
    zh.append(f"预计到账日：{_zh_date(payout)}。")
    en.append(f"Expected payout: {_en_date(payout)}.")
    if estimated:
        zh.append(f"注意：{payout.year} 年的节假日安排尚未公布，按周一至周五估算，公布后可能调整。")
        en.append(
            f"Note: the {payout.year} holiday schedule is not published yet, so this is "
            f"estimated on a Monday–Friday basis and may change."
        )
    return SettlementEta(
        payout_date=payout,
        estimated=estimated,
        explanation_zh="".join(zh),
        explanation_en=" ".join(en),
        cycle=cycle,
        applied_cycle=applied,
        business_date=business_date,
        after_cutoff=after_cutoff,
        s0_quota_exceeded=quota_exceeded and not outside_window,
        s0_outside_window=outside_window,
        holidays=holidays,
    )


def _apply_cycle(
    cycle: Cycle, business_date: dt.date, calendar: WorkingCalendar
) -> tuple[dt.date, bool, list[DayInfo], str, str]:
    """(payout date, estimated, holidays that pushed it, rule text zh, rule text en)."""
    if cycle is Cycle.D0:
        info = calendar.day(business_date)
        holiday = holiday_name_zh(info.holiday_name)
        zh = "D+0：当日到账，节假日照常。"
        en = "D+0: paid the same calendar day, holidays included."
        if holiday:
            zh = f"D+0：当日到账，{holiday}期间照常结算。"
            en = f"D+0: paid the same calendar day, even during {info.holiday_name}."
        return business_date, False, [], zh, en
    if cycle is Cycle.D1:
        return (
            business_date + dt.timedelta(days=1),
            False,
            [],
            "D+1：下一个自然日到账，周末和节假日照常。",
            "D+1: paid the next calendar day, weekends and holidays included.",
        )
    if cycle is Cycle.T0:
        payout, estimated = calendar.next_workday(business_date, include_self=True)
        zh = "T+0：当个工作日到账，遇周末或节假日顺延至下一个工作日。"
        en = "T+0: paid the same working day; weekends and holidays roll over."
    else:  # T1
        payout, estimated = calendar.next_workday(business_date)
        zh = "T+1：下一个工作日到账，遇周末或节假日顺延。"
        en = "T+1: paid the next working day; weekends and holidays push it later."
    # next_workday's flag covers exactly the days that decided the date.
    holidays = [
        d
        for d in _consult(calendar, business_date, payout)
        if d.date < payout and not d.is_workday and d.holiday_name
    ]
    return payout, estimated, holidays, zh, en
