"""Safety first in guided troubleshooting: a wet, dropped or hot device is switched off and not
charged before anything else is tried; a restart never comes before that warning."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assistant.troubleshooting import GUIDES

NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


def test_a_wet_machine_is_told_not_to_power_on_in_the_very_first_step(chat, alice):
    reply = chat(alice).say("机器进水了", now=NOON)
    assert reply.intent == "device_fault"
    warning, restart = reply.text.index("不要再充电或开机"), reply.text.index("强制重启")
    assert warning < restart


@pytest.mark.parametrize("intent", ["device_fault", "power_battery"])
def test_the_first_step_of_a_hardware_guide_is_the_safety_check(intent):
    first = str(GUIDES[intent][0].instruction)
    assert first.startswith("先看安全")
    assert "不要充电" in first or "不要再充电" in first
