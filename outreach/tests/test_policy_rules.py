"""The contact policy's rules, one example each (pure Python: no database)."""

from __future__ import annotations

import datetime as dt

from core.workdays import WorkingCalendar
from outreach.policy import (
    MERGE,
    SCHEDULE,
    SEND_NOW,
    SUPPRESS,
    ContactRequest,
    History,
    Policy,
    Preferences,
    decide_and_book,
    summarize,
)
from outreach.quiet import DayBook

TUESDAY_1030 = dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)  # Shanghai time
TUESDAY_2230 = dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC)
NATIONAL_DAY = dt.datetime(2026, 10, 1, 2, 0, tzinfo=dt.UTC)
POLICY = Policy()


def req(
    n=1,
    purpose="transaction_anomaly",
    urgency="high",
    channels=("inbox", "sms", "phone"),
    at=TUESDAY_1030,
    **kw,
):
    return ContactRequest(n, "m", purpose, urgency, tuple(channels), at, **kw)


def test_lowest_rung_of_the_ladder_that_does_the_job():
    history = History()
    anomaly = POLICY.decide(req(), Preferences(), history, TUESDAY_1030)
    assert (anomaly.kind, anomaly.channel) == (SEND_NOW, "sms")
    risk = POLICY.decide(req(purpose="risk_alert"), Preferences(), history, TUESDAY_1030)
    assert risk.channel == "phone"
    update = POLICY.decide(
        req(purpose="system_update", urgency="normal"), Preferences(), history, TUESDAY_1030
    )
    assert update.channel == "inbox" and update.digest and update.kind == SCHEDULE


def test_quiet_hours_push_to_the_morning_in_the_merchants_zone():
    decision = POLICY.decide(req(at=TUESDAY_2230), Preferences(), History(), TUESDAY_2230)
    assert decision.kind == SCHEDULE
    assert decision.at == dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)  # 09:00 Shanghai
    assert any("quiet hours 21:00–09:00" in r for r in decision.reasons_en)
    urumqi = Preferences(timezone="Asia/Urumqi")  # UTC+6: 20:30 there, not yet quiet
    assert POLICY.decide(req(at=TUESDAY_2230), urumqi, History(), TUESDAY_2230).kind == SEND_NOW


def test_public_holidays_hold_sms_and_calls_but_not_the_inbox():
    prefs = Preferences(quiet_start=dt.time(0), quiet_end=dt.time(0))
    sms = POLICY.decide(
        req(channels=("sms",), at=NATIONAL_DAY, expires_at=NATIONAL_DAY + dt.timedelta(days=20)),
        prefs,
        History(),
        NATIONAL_DAY,
    )
    assert sms.kind == SUPPRESS or sms.at.date() >= dt.date(2026, 10, 8)
    assert any("National Day" in r for r in sms.reasons_en)
    falls_back = POLICY.decide(
        req(channels=("inbox", "sms"), at=NATIONAL_DAY), prefs, History(), NATIONAL_DAY
    )
    assert (falls_back.kind, falls_back.channel) == (SEND_NOW, "inbox")


def test_operator_override_of_the_calendar_is_respected():
    policy = Policy(days=DayBook(WorkingCalendar({dt.date(2026, 11, 24): (False, "台风停工")})))
    decision = policy.decide(req(channels=("sms",)), Preferences(), History(), TUESDAY_1030)
    assert decision.kind == SCHEDULE and decision.at.date() == dt.date(2026, 11, 25)
    assert "台风停工" in " ".join(decision.reasons_zh)


def test_urgent_security_overrides_quiet_hours_and_is_marked_for_audit():
    urgent = req(purpose="security_verification", urgency="urgent", at=TUESDAY_2230)
    decision = POLICY.decide(urgent, Preferences(), History(), TUESDAY_2230)
    assert decision.kind == SEND_NOW and decision.override and decision.channel == "phone"
    assert "audited override" in decision.reasons_en[0]
    # "Urgent" marketing is not an emergency.
    pushy = req(purpose="service_followup", urgency="urgent", at=TUESDAY_2230)
    decision = POLICY.decide(pushy, Preferences(), History(), TUESDAY_2230)
    assert decision.kind == SCHEDULE and not decision.override


def test_caps_hold_the_third_non_urgent_call_of_the_week():
    history = History()
    prefs = Preferences()
    calls = [
        decide_and_book(
            POLICY, req(n, purpose="risk_alert", channels=("phone",)), prefs, history, TUESDAY_1030
        )
        for n in range(1, 4)
    ]
    assert [c.kind for c in calls[:2]] == [SEND_NOW, SEND_NOW]
    assert calls[2].kind == SUPPRESS  # phone only, and no room within three days
    assert "at most two non-urgent phone calls a week" in " ".join(calls[2].reasons_en)


def test_capped_call_falls_back_to_sms():
    history = History()
    for n in (1, 2):
        decide_and_book(POLICY, req(n, purpose="risk_alert"), Preferences(), history, TUESDAY_1030)
    third = POLICY.decide(req(3, purpose="risk_alert"), Preferences(), history, TUESDAY_1030)
    assert (third.kind, third.channel) == (SEND_NOW, "sms")
    assert any("could not go out in time" in r for r in third.reasons_en)


def test_personal_call_cap_and_refusal():
    none = Preferences(call_cap_per_week=0)
    decision = POLICY.decide(
        req(purpose="risk_alert", channels=("phone",)), none, History(), TUESDAY_1030
    )
    assert decision.kind == SUPPRESS
    assert "accepts no non-urgent calls" in " ".join(decision.reasons_en)


def test_marketing_needs_opt_in_and_one_a_month():
    out = POLICY.decide(
        req(purpose="marketing", urgency="normal"), Preferences(), History(), TUESDAY_1030
    )
    assert out.kind == SUPPRESS and out.reasons[0].code == "marketing_opt_out"
    prefs = Preferences(marketing_opt_in=True)
    history = History()
    first = decide_and_book(
        POLICY, req(1, purpose="marketing", urgency="normal"), prefs, history, TUESDAY_1030
    )
    second = POLICY.decide(
        req(2, purpose="marketing", urgency="normal"), prefs, history, TUESDAY_1030
    )
    assert first.kind == SCHEDULE and second.kind == SUPPRESS


def test_same_key_merges_into_the_first_within_its_window():
    history = History()
    first = decide_and_book(
        POLICY, req(1, dedupe_key="incident-9"), Preferences(), history, TUESDAY_1030
    )
    again = POLICY.decide(req(2, dedupe_key="incident-9"), Preferences(), history, TUESDAY_1030)
    assert first.kind == SEND_NOW and (again.kind, again.merge_into) == (MERGE, 1)
    next_day = TUESDAY_1030 + dt.timedelta(days=1, minutes=1)
    later = POLICY.decide(
        req(3, dedupe_key="incident-9", at=next_day), Preferences(), history, next_day
    )
    assert later.kind == SEND_NOW


def test_fewer_contacts_keeps_the_merchant_informed_gently():
    prefs = Preferences(fewer_contacts=True)
    survey = POLICY.decide(req(purpose="survey", urgency="normal"), prefs, History(), TUESDAY_1030)
    assert survey.kind == SUPPRESS
    update = POLICY.decide(
        req(purpose="service_followup", urgency="high"), prefs, History(), TUESDAY_1030
    )
    assert update.channel == "inbox"
    anomaly = POLICY.decide(req(), prefs, History(), TUESDAY_1030)
    assert anomaly.channel == "sms"  # essential: still by SMS


def test_expired_request_is_suppressed_and_says_so():
    decision = POLICY.decide(
        req(expires_at=TUESDAY_1030 - dt.timedelta(minutes=1)),
        Preferences(),
        History(),
        TUESDAY_1030,
    )
    assert decision.kind == SUPPRESS and decision.reasons[0].code == "expired"
    assert decision.reasons[0].zh.startswith("请求已于")


def test_recheck_before_sending_honours_a_new_opt_out():
    prefs = Preferences(marketing_opt_in=True)
    booked = POLICY.decide(
        req(purpose="marketing", urgency="normal"), prefs, History(), TUESDAY_1030
    )
    later = booked.at
    out = POLICY.recheck(
        req(purpose="marketing", urgency="normal"),
        Preferences(marketing_opt_in=False),
        booked,
        later,
    )
    assert out.kind == SUPPRESS


def test_summary_counts_kinds_and_reasons():
    history = History()
    prefs = Preferences(marketing_opt_in=True)
    decisions = [
        decide_and_book(
            POLICY, req(n, purpose="marketing", urgency="normal"), prefs, history, TUESDAY_1030
        )
        for n in range(3)
    ]
    summary = summarize(decisions)
    assert summary["kinds"] == {"send_now": 0, "schedule": 1, "merge": 0, "suppress": 2}
    assert summary["reasons"]["cap"]["count"] == 2
