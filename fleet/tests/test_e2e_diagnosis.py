"""In a real browser: an agent opens a terminal whose keys expire, runs the diagnosis, reads
the verdict and its evidence, and sends a re-sign-in through the (simulated) TMS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from fleet.evaluation import evaluate_fleet
from fleet.ingest import ingest_api
from fleet.models import RemoteAction
from fleet.tests.conftest import record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_agent_diagnoses_a_terminal_and_re_signs_it_in(
    browser, browser_login, live_server, agent, terminal_a
):
    soon = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    ingest_api(
        [
            record(
                terminal_a.terminal_id,
                at=timezone.now() - dt.timedelta(hours=1),
                key_expires_on=soon,
            )
        ]
    )
    evaluate_fleet()
    browser_login("agent", "pw-agent")
    browser.get(f"{live_server.url}/terminals/{terminal_a.terminal_id}/")
    assert "密钥即将到期" in browser.find_element(By.ID, "fleet-health").text
    browser.find_element(By.ID, "diagnose").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".diagnosis"))
    verdict = browser.find_element(By.CSS_SELECTOR, ".diagnosis").text
    assert "远程处理" in verdict and "重新签到" in verdict and "密钥" in verdict
    browser.execute_script("document.querySelectorAll('main details').forEach(d => d.open = true)")
    Select(browser.find_element(By.NAME, "kind")).select_by_value("signin")
    browser.find_element(By.ID, "remote-action").click()
    # htmx swaps the panel while we read it: a stale element means "look again".
    WebDriverWait(browser, 10, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: "签到成功，密钥已更新" in d.find_element(By.ID, "fleet-health").text
    )
    assert RemoteAction.objects.get().agent_no == "A1001"
    assert browser.find_elements(By.CSS_SELECTOR, ".finding-keys_expiring") == []
