"""Under the Content-Security-Policy, in a real browser: the pages that had inline code or an
eval-needing htmx trigger still work (the portal's new-ticket form re-draws its fields, the
desk report draws its charts, Swagger UI renders), and the browser reports no violation."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def violations(browser) -> list[str]:
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


def test_pages_work_under_the_policy(
    browser, browser_login, live_server, alice, supervisor, terminal_a, desk_staff
):
    browser.get_log("browser")  # drop what earlier tests left
    browser_login("alice", "pw-alice")
    browser.get(live_server.url + "/portal/tickets/new/")
    Select(browser.find_element(By.NAME, "terminal")).select_by_value(str(terminal_a.pk))
    Select(browser.find_element(By.NAME, "category")).select_by_value("printer_paper")
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_elements(By.NAME, "fact_tried")
    )
    assert violations(browser) == []

    browser_login("boss", "pw-boss")
    browser.get(live_server.url + "/console/desk/reports/")
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script(
            "return typeof Chart !== 'undefined' && !!Chart.getChart('backlog-chart')"
        )
    )
    browser.get(live_server.url + "/api/docs/")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .info")
    )
    assert violations(browser) == []
