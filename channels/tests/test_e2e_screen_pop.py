"""In a real browser: the agent has the console open; the phone system reports a call from a
merchant's registered phone; within a second or so the console shows the merchant and its
open ticket, and after the call the ticket's timeline has the call."""

from __future__ import annotations

import time
import urllib.request

import pytest
from django.conf import settings
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from channels.simulator import SimulatedPhoneSystem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _pop_text(browser) -> str:
    try:
        return browser.find_element(By.ID, "screen-pop").text
    except StaleElementReferenceException:
        return ""


def test_call_pops_on_the_console_and_lands_on_the_ticket(
    browser, browser_login, live_server, integration_a, caller_a, agent, ticket_a
):
    def post(path: str, body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(live_server.url + path, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        for name, value in headers.items():
            request.add_header(name, value)
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return response.status

    pbx = SimulatedPhoneSystem(post, integration_a.key, integration_a.secret)
    browser_login("agent", "pw-agent")
    # An earlier browser test may have left English chosen in this browser: read it in Chinese.
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans"})
    browser.get(live_server.url + "/console/")
    WebDriverWait(browser, 30).until(lambda d: "当前没有来电" in _pop_text(d))

    sent = time.monotonic()
    assert pbx.call("ringing", "e2e-1", caller="13800001111", agent="A1001", queue="L1") == 200
    WebDriverWait(browser, 5, poll_frequency=0.05).until(lambda d: "北京阿香便利店" in _pop_text(d))
    popped_after = time.monotonic() - sent
    assert ticket_a.number in _pop_text(browser)
    assert popped_after < 2.0  # 500 ms polling; generous for a loaded CI machine

    pbx.call("answered", "e2e-1", agent="A1001")
    pbx.call("ended", "e2e-1", recording_url="https://pbx.example.cn/rec/e2e-1.wav")
    browser.get(live_server.url + f"/console/desk/tickets/{ticket_a.number}/")
    assert "https://pbx.example.cn/rec/e2e-1.wav" in browser.find_element(By.TAG_NAME, "body").text
