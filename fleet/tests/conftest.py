from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from payments import partitions

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _chinese_by_default():
    # Service functions write in the active language; another test may have left English on.
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _fresh_partition_cache():
    # Each test database is new: forget which monthly partitions an earlier one had.
    partitions.forget_known_partitions()
    yield
    partitions.forget_known_partitions()


@pytest.fixture
def integration(make_user):
    return make_user("tms", role="integration")


@pytest.fixture
def api():
    return APIClient()


def record(terminal_id="10000001", at=None, **values):
    moment = at or dt.datetime(2026, 11, 20, 10, 0, tzinfo=CST)
    base = {
        "terminal_id": terminal_id,
        "at": moment.isoformat(),
        "battery_pct": 80,
        "charging": False,
        "battery_cycles": 300,
        "temperature_c": 31.5,
        "signal_dbm": -70,
        "network": "4g",
        "printer": "ok",
        "print_count": 12000,
        "chip_errors": 0,
        "swipe_errors": 0,
        "contactless_errors": 0,
        "reboots": 0,
        "free_storage_mb": 1500,
        "firmware_version": "PayDroid 8.1",
        "app_version": "3.2.1",
        "last_signin_at": moment.isoformat(),
        "signin_ok": True,
        "key_expires_on": "2027-05-01",
    }
    base.update(values)
    return base


@pytest.fixture
def signin_ticket(merchant_a, terminal_a, agent):
    from desk.defaults import ensure_defaults
    from desk.services import open_ticket

    ensure_defaults()  # a transactional test before this one may have flushed them
    return open_ticket(
        merchant=merchant_a,
        terminal=terminal_a,
        category="network_signin",
        description="终端签到失败",
        channel="phone",
        opened_by=agent,
    )
