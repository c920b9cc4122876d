"""Issue 15's walks in a real browser, at 390 px (a phone) and 1366 px (a desktop), in Chinese
and in English: the status page and the portal banner for a merchant in an affected region, a
complaint filed from the portal, and a portal escalation of an overdue ticket. No page is wider
than the screen; English pages show no Chinese characters or punctuation (tests/browser.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from desk import services
from desk.defaults import ensure_defaults
from desk.models import Ticket
from tests.browser import page_problems, screenshot, set_window_width
from tests.factories import MerchantFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (390, 1366)
# English walks use English data: what a merchant or agent typed is not the page's language.
TEXT = {
    "zh": {
        "title": "广东地区 4G 网络故障",
        "message": "运营商基站故障，可暂时改用 Wi-Fi。",
        "complaint": "上次来电的客服态度很差",
        "reason": "已经等了两天，还是不能收款",
    },
    "en": {
        "title": "Guangdong 4G network down",
        "message": "Carrier fault: use Wi-Fi for now.",
        "complaint": "The agent on my last call was rude",
        "reason": "Two days on, still no payments",
    },
}


def wait_for(browser, condition) -> None:
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        condition
    )


def settled(browser) -> bool:
    return bool(browser.execute_script("return !document.querySelector('.htmx-request')"))


@pytest.fixture
def shop(make_user, supervisor, agent):
    ensure_defaults()
    merchant = MerchantFactory(
        merchant_id="898440158120777",
        name="Green Grocer",
        short_name="Green",
        address="1 Tianhe Road",
        region_code="440106",
    )
    owner = make_user("owner")
    merchant.members.add(owner)
    MerchantFactory(merchant_id="898310158120888", name="Shanghai Noodles", region_code="310101")
    return merchant


def walk(browser, live_server, browser_login, shop, agent, lang: str) -> list[str]:
    from django.conf import settings

    text = TEXT[lang]
    services.declare_outage(
        title=text["title"],
        kind="network",
        region_code="44",
        public_message=text["message"],
        expected_recovery_at=timezone.now() + dt.timedelta(hours=3),
        by=agent,
    )
    problems: list[str] = []
    for width in WIDTHS:
        set_window_width(browser, width)
        browser_login("owner", "pw-owner")
        browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "path": "/"})
        shot = f"ux-{lang}-{width}"

        browser.get(live_server.url + "/portal/")
        banner = browser.find_element(By.CSS_SELECTOR, ".outage-banner")
        assert text["title"] in banner.text
        problems += page_problems(browser, lang)
        screenshot(browser, f"{shot}-banner")
        banner.find_element(By.TAG_NAME, "a").click()
        wait_for(browser, lambda d: "/status/" in d.current_url)
        incident = browser.find_element(By.CSS_SELECTOR, ".incident-mine")
        assert text["title"] in incident.text
        problems += page_problems(browser, lang)
        screenshot(browser, f"{shot}-status")

        # A complaint, filed as one.
        browser.get(live_server.url + "/portal/tickets/new/")
        Select(browser.find_element(By.NAME, "category")).select_by_value("complaint")
        wait_for(browser, lambda d: d.find_elements(By.NAME, "fact_symptom") and settled(d))
        complaint = f"{text['complaint']} ({width})"
        browser.find_element(By.NAME, "description").send_keys(complaint)
        browser.find_element(By.NAME, "fact_symptom").send_keys(text["complaint"])
        problems += page_problems(browser, lang)
        browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
        wait_for(browser, lambda d: "/portal/tickets/T" in d.current_url)
        ticket = Ticket.objects.get(description=complaint, merchant=shop)
        assert ticket.category == "complaint"
        problems += page_problems(browser, lang)
        screenshot(browser, f"{shot}-complaint")

        # Overdue: the merchant escalates it from the portal.
        Ticket.objects.filter(pk=ticket.pk).update(
            sla_due_at=timezone.now() - dt.timedelta(hours=1), sla_breached=True
        )
        browser.get(live_server.url + f"/portal/tickets/{ticket.number}/")
        browser.find_element(By.NAME, "reason").send_keys(text["reason"])
        problems += page_problems(browser, lang)
        browser.find_element(By.CSS_SELECTOR, "#escalate button").click()
        wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".message-success"))
        ticket.refresh_from_db()
        assert ticket.tier == "supervisor" and ticket.assignee is not None
        problems += page_problems(browser, lang)
        screenshot(browser, f"{shot}-escalated")

        browser.delete_all_cookies()
        browser.get(live_server.url + "/status/")  # anonymous: public
        browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "path": "/"})
        browser.get(live_server.url + "/status/")
        assert text["title"] in browser.find_element(By.TAG_NAME, "body").text
        problems += page_problems(browser, lang)
    set_window_width(browser, 1280)
    return problems


def test_walk_in_chinese(browser, browser_login, live_server, shop, agent):
    assert walk(browser, live_server, browser_login, shop, agent, "zh") == []


def test_walk_in_english(browser, browser_login, live_server, shop, agent):
    assert walk(browser, live_server, browser_login, shop, agent, "en") == []
