"""Safety first in guided troubleshooting: a wet, dropped or hot device is switched off and not
charged before anything else is tried; a restart never comes before that warning, and a device
the merchant says is wet, dropped or hot gets no step to try at all: it goes to repair."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assistant.troubleshooting import GUIDES

NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


def test_a_wet_machine_is_told_not_to_power_on_and_never_to_restart(chat, alice):
    reply = chat(alice).say("机器进水了", now=NOON)
    assert reply.intent == "device_fault"
    assert "不要开机" in reply.text and "不要充电" in reply.text
    assert "重启" not in reply.text


@pytest.mark.parametrize("intent", ["device_fault", "power_battery"])
def test_the_first_step_of_a_hardware_guide_is_the_safety_check(intent):
    first = str(GUIDES[intent][0].instruction)
    assert first.startswith("先看安全")
    assert "不要充电" in first or "不要再充电" in first


@pytest.mark.parametrize(
    ("words", "language"),
    [("机器进水了", "zh-hans"), ("收银台的水洒到POS机上了", "zh-hans"), ("my POS got wet", "en")],
)
def test_a_device_the_merchant_says_is_wet_is_sent_to_repair_without_any_step(
    chat, alice, terminal_a, words, language
):
    from assistant.models import HandOff

    reply = chat(alice, language=language).say(words, now=NOON)
    # No restart, no charging, no update to try: switch it off, and a person arranges the repair.
    for risky in ("强制重启", "长按电源键", "充电 30", "restart", "power button", "update"):
        assert risky not in reply.text, reply.text
    advice = "不要开机" if language == "zh-hans" else "do not switch it on"
    assert advice in reply.text
    handoff = HandOff.objects.get()
    assert handoff.reason == "needs_person" and handoff.intent in ("device_fault", "power_battery")
    assert handoff.facts["symptom"] == words


def test_the_safety_checks_button_goes_to_repair_and_not_to_the_next_step(chat, alice, terminal_a):
    from assistant.models import HandOff

    talk = chat(alice)
    first = talk.say("POS机开不了机", now=NOON)
    assert first.intent in ("device_fault", "power_battery") and "第 1 步" in first.text
    assert "进过水、摔过或发烫" in first.quick_replies
    reply = talk.say("进过水、摔过或发烫", now=NOON)
    assert "第 2 步" not in reply.text and "更新" not in reply.text
    assert "不要开机" in reply.text
    assert HandOff.objects.get().reason == "needs_person"


def test_still_not_working_after_the_safety_check_is_the_next_step(chat, alice, terminal_a):
    talk = chat(alice)
    talk.say("POS机死机了", now=NOON)
    reply = talk.say("还是不行", now=NOON)
    assert "第 2 步" in reply.text
    assert "进过水、摔过或发烫" not in reply.quick_replies  # offered with the safety check only
