"""Issue 15 in a real browser, at 390 px and 1366 px, in Chinese and English: a merchant who is
not signed in checks a number on /verify/, follows "report this number" (no login form), files
the report and is thanked; the pending report does not change the verdict. No page is wider
than the screen; English pages show no Chinese characters or punctuation."""

from __future__ import annotations

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from outreach.models import ScamReport
from tests.browser import page_problems, screenshot, set_window_width

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NUMBERS = {390: "171 0000 3901", 1366: "171 0000 1366"}
CLAIM = {"zh": "银联客服", "en": "UnionPay service"}


def walk(browser, live_server, lang: str) -> list[str]:
    problems: list[str] = []
    for width, number in NUMBERS.items():
        set_window_width(browser, width)
        browser.delete_all_cookies()
        browser.get(live_server.url + "/verify/")
        browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "path": "/"})
        browser.get(live_server.url + "/verify/")
        browser.find_element(By.NAME, "number").send_keys(number)
        browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        verdict = browser.find_element(By.ID, "verdict")
        assert "verdict-unknown" in verdict.get_attribute("class")
        problems += page_problems(browser, lang)
        browser.find_element(By.ID, "report-number").click()
        WebDriverWait(browser, 10).until(lambda d: "/scam-reports/new/" in d.current_url)
        assert "/accounts/login/" not in browser.current_url
        assert browser.find_element(By.ID, "reported-number").text == number
        problems += page_problems(browser, lang)
        screenshot(browser, f"scam-report-{lang}-{width}")
        browser.find_element(By.NAME, "claimed_to_be").send_keys(CLAIM[lang])
        browser.find_element(By.CSS_SELECTOR, "#scam-report button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".messages"))
        assert browser.current_url.endswith("/verify/")
        problems += page_problems(browser, lang)
        # Awaiting review: checking the number again gives the same verdict.
        browser.find_element(By.NAME, "number").send_keys(number)
        browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        verdict = browser.find_element(By.ID, "verdict")
        assert "verdict-unknown" in verdict.get_attribute("class")
        problems += page_problems(browser, lang)
    set_window_width(browser, 1280)
    reports = ScamReport.objects.filter(reporter__isnull=True, claimed_to_be=CLAIM[lang])
    assert reports.count() == 2 and {r.status for r in reports} == {"pending"}
    return problems


def test_anonymous_scam_report_walk_in_chinese(browser, live_server):
    assert walk(browser, live_server, "zh") == []


def test_anonymous_scam_report_walk_in_english(browser, live_server):
    assert walk(browser, live_server, "en") == []
