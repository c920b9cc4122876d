"""Settlement ETA: the issue's cases, S0, the management command and operator overrides."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from core.workdays import WorkingCalendar
from payments.settlement import Cycle, S0Terms, settlement_eta

CST = dt.timezone(dt.timedelta(hours=8))
CALENDAR = WorkingCalendar()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CST)


def test_t1_across_national_day_2025_names_the_holiday():
    eta = settlement_eta(at(2025, 9, 30, 14, 0), Cycle.T1, CALENDAR)
    assert eta.payout_date == dt.date(2025, 10, 9) and not eta.estimated
    assert "国庆节" in eta.explanation_zh and "中秋节" in eta.explanation_zh
    assert "National Day" in eta.explanation_en and "Thursday 2025-10-09" in eta.explanation_en


def test_saturday_before_a_makeup_sunday_pays_on_the_sunday():
    eta = settlement_eta(at(2025, 9, 27, 10, 30), Cycle.T1, CALENDAR)
    assert eta.payout_date == dt.date(2025, 9, 28)
    assert "调休" in eta.explanation_zh and "make-up working day" in eta.explanation_en


def test_after_the_cutoff_belongs_to_the_next_day():
    before = settlement_eta(at(2025, 11, 12, 22, 59), Cycle.T1, CALENDAR)  # Wednesday
    after = settlement_eta(at(2025, 11, 12, 23, 0), Cycle.T1, CALENDAR)
    assert before.payout_date == dt.date(2025, 11, 13)
    assert after.payout_date == dt.date(2025, 11, 14) and after.after_cutoff
    assert "23:00" in after.explanation_en
    earlier_cutoff = settlement_eta(at(2025, 11, 12, 22, 30), Cycle.T1, CALENDAR, cutoff="22:00")
    assert earlier_cutoff.payout_date == dt.date(2025, 11, 14)


def test_d0_on_a_holiday_pays_the_same_day():
    eta = settlement_eta(at(2025, 10, 3, 11, 0), Cycle.D0, CALENDAR)
    assert eta.payout_date == dt.date(2025, 10, 3) and not eta.estimated
    assert "National Day" in eta.explanation_en


def test_t0_and_d1_over_a_weekend():
    saturday = at(2025, 11, 15, 12, 0)
    assert settlement_eta(saturday, Cycle.T0, CALENDAR).payout_date == dt.date(2025, 11, 17)
    assert settlement_eta(saturday, Cycle.D1, CALENDAR).payout_date == dt.date(2025, 11, 16)


def test_unknown_year_is_estimated_until_the_operator_adds_the_schedule():
    moment = at(2031, 9, 30, 14, 0)  # Tuesday in a year chinesecalendar does not know
    eta = settlement_eta(moment, Cycle.T1, CALENDAR)
    assert eta.payout_date == dt.date(2031, 10, 1) and eta.estimated
    assert "estimated" in eta.explanation_en and "估算" in eta.explanation_zh
    overrides = {dt.date(2031, 10, d): (False, "国庆节") for d in range(1, 8)}
    overrides[dt.date(2031, 10, 8)] = (True, "")
    eta = settlement_eta(moment, Cycle.T1, WorkingCalendar(overrides))
    assert eta.payout_date == dt.date(2031, 10, 8) and not eta.estimated
    assert "国庆节" in eta.explanation_zh


def test_s0_instant_inside_window_and_quota_else_fallback():
    terms = S0Terms(dt.time(7), dt.time(22), daily_quota_fen=100_000, fallback=Cycle.T1)
    instant = settlement_eta(at(2025, 9, 30, 10, 0), Cycle.S0, CALENDAR, s0=terms, amount_fen=5_000)
    assert instant.instant and instant.payout_date == dt.date(2025, 9, 30)
    over_quota = settlement_eta(
        at(2025, 9, 30, 10, 0),
        Cycle.S0,
        CALENDAR,
        s0=terms,
        s0_used_today_fen=99_000,
        amount_fen=5_000,
    )
    assert over_quota.s0_quota_exceeded and over_quota.payout_date == dt.date(2025, 10, 9)
    assert "quota" in over_quota.explanation_en
    late = settlement_eta(at(2025, 9, 30, 22, 30), Cycle.S0, CALENDAR, s0=terms)
    assert late.s0_outside_window and late.applied_cycle is Cycle.T1
    assert late.payout_date == dt.date(2025, 10, 9)


def test_naive_time_is_refused():
    with pytest.raises(ValueError):
        settlement_eta(dt.datetime(2025, 9, 30, 14), Cycle.T1, CALENDAR)


@pytest.mark.django_db
def test_settlement_eta_command_prints_exactly_three_keys():
    out = StringIO()
    call_command(
        "settlement_eta", cycle="T1", at="2025-09-30T14:00:00+08:00", json=True, stdout=out
    )
    answer = json.loads(out.getvalue())
    assert set(answer) == {"payout_date", "estimated", "explanation"}
    assert answer["payout_date"] == "2025-10-09" and answer["estimated"] is False
    assert "国庆节" in answer["explanation"]


@pytest.mark.django_db
def test_calendar_override_command_changes_the_answer():
    def ask() -> dict:
        out = StringIO()
        call_command(
            "settlement_eta", cycle="T1", at="2031-09-30T14:00:00+08:00", json=True, stdout=out
        )
        return json.loads(out.getvalue())

    assert ask() == {**ask(), "payout_date": "2031-10-01", "estimated": True}
    for day in range(1, 8):
        call_command(
            "calendar_override", f"2031-10-0{day}", "holiday", name="国庆节", stdout=StringIO()
        )
    call_command("calendar_override", "2031-10-08", "workday", stdout=StringIO())
    answer = ask()
    assert answer["payout_date"] == "2031-10-08" and answer["estimated"] is False


@pytest.mark.django_db
def test_settlement_calculator_endpoint(client):
    response = client.get(
        "/api/settlement-eta/", {"cycle": "T1", "at": "2025-09-30T14:00:00+08:00", "lang": "en"}
    )
    assert response.status_code == 200
    assert response.json()["payout_date"] == "2025-10-09"
    assert client.get("/api/settlement-eta/", {"cycle": "T9", "at": "x"}).status_code == 400
