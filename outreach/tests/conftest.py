"""Outreach fixtures: a fixed clock (contact rules depend on the hour and the day), contacts
for the alice/bob merchants, and a clean rate-limit cache."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

# Tuesday 24 November 2026, 10:30 in Shanghai: a working day, outside quiet hours.
WORKDAY_MORNING = dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)
# The same day at 22:30 in Shanghai: inside the default quiet hours.
WORKDAY_NIGHT = dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """Set the time the services see: clock(WORKDAY_NIGHT). Starts on a working morning."""
    from django.utils import timezone

    current = {"now": WORKDAY_MORNING}
    monkeypatch.setattr(timezone, "now", lambda: current["now"])

    def set_time(when: dt.datetime) -> dt.datetime:
        current["now"] = when
        return when

    set_time.now = lambda: current["now"]  # type: ignore[attr-defined]
    return set_time


@pytest.fixture
def contact_a(merchant_a):
    from tests.factories import ContactFactory

    return ContactFactory(merchant=merchant_a, phone="+8613800001111", email="owner@a.example.cn")


@pytest.fixture
def contact_b(merchant_b):
    from tests.factories import ContactFactory

    return ContactFactory(merchant=merchant_b, phone="+8613900002222", email="owner@b.example.cn")


@pytest.fixture
def file(agent):
    """File a request as the agent with sensible defaults."""
    from outreach.services import file_request

    def make(merchant, **overrides):
        values = {
            "purpose": "transaction_anomaly",
            "urgency": "high",
            "channels": ["inbox", "sms", "phone"],
            "subject": "交易异常提醒",
            "content": "您的终端今天有 3 笔交易失败，请确认。",
            "requested_by": agent,
        }
        values.update(overrides)
        return file_request(merchant=merchant, **values)

    return make
