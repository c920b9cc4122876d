"""Issue 15's rough edge "tables overflow on phones" in a real browser at 390 px, in Chinese
and English: the payouts list (481 px in Chinese, 621 px in English before) and the official
hotlines (bank names wrapped one character per line) fit the screen, and so does the agent's
merchant 360° page with its panels (contacts, tickets, transactions, contact history)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser import page_problems, set_window_width

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _panels_with_rows(merchant, owner):
    """A contact, a terminal with a transaction, an open ticket and a logged contact: every
    panel of the 360° page has a table row."""
    import datetime as dt

    from desk.defaults import ensure_defaults
    from desk.services import open_ticket
    from merchants.models import Contact
    from outreach.models import ContactAttempt
    from payments.tests.factories import TransactionFactory
    from tests.factories import TerminalFactory

    ensure_defaults()
    Contact.objects.create(
        merchant=merchant,
        name="Li Jie",
        role="owner",
        phone="+8615052418292",
        email="owner110001@example.cn",
        is_primary=True,
    )
    terminal = TerminalFactory(merchant=merchant, terminal_id="10000007")
    TransactionFactory(terminal=terminal, rrn="261203000208")
    open_ticket(
        merchant=merchant,
        terminal=terminal,
        category="printer_paper",
        description="Printer jams",
        channel="portal",
        opened_by=owner,
    )
    ContactAttempt.objects.create(
        merchant=merchant,
        purpose="service_followup",
        channel="inbox",
        occurred_at=dt.datetime.now(dt.UTC),
        outcome="sent",
        summary="Payout held: CNY 123.45",
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_payouts_and_hotlines_fit_a_phone(
    browser, browser_login, live_server, alice, agent, language
):
    from django.conf import settings

    from payments.tests.factories import PayoutFactory

    merchant = alice.merchants.get()
    merchant.name = merchant.short_name = "Axiang Store"
    merchant.save(update_fields=["name", "short_name"])
    PayoutFactory(merchant=merchant, status="held", reason="risk_hold")
    _panels_with_rows(merchant, alice)
    PayoutFactory(
        merchant=merchant, status="paid", period_start="2025-10-01", period_end="2025-10-01"
    )
    lang = "en" if language == "en" else "zh"
    problems: list[str] = []
    # The agent's header carries their Chinese name (data): only the width is checked there.
    for username, scan in (("alice", lang), ("agent", "zh")):
        browser_login(username, f"pw-{username}")
        browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "path": "/"})
        set_window_width(browser, 390)
        browser.get(live_server.url + "/payouts/")
        problems += page_problems(browser, scan)
    browser.get(live_server.url + f"/console/merchants/{merchant.merchant_id}/")
    problems += page_problems(browser, "zh")  # the agent's view: the width
    browser.delete_all_cookies()
    browser.get(live_server.url + "/hotlines/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "path": "/"})
    browser.get(live_server.url + "/hotlines/")
    problems += page_problems(browser, lang)
    first_cells = browser.find_elements(By.CSS_SELECTOR, "table.hotlines td:first-child")
    assert first_cells
    for cell in first_cells:  # a bank name is not one character per line
        assert cell.size["width"] >= 80, cell.text
    set_window_width(browser, 1280)
    assert problems == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_consoles_lists_fit_a_phone(browser, browser_login, live_server, agent, language):
    """The browser walk of 2026-12-03 found the console's lists 414–1103 px wide at 390 px
    (calls, contact requests, the call list, outages, transactions): a dense table now scrolls
    inside its own box on a phone, and the status tabs above a list wrap."""
    from django.conf import settings

    from outreach.models import ContactRequest
    from tests.factories import MerchantFactory

    merchant = MerchantFactory(name="Axiang Store")
    ContactRequest.objects.create(
        merchant=merchant, purpose="service_followup", urgency="high", channels=["inbox"],
        subject="Follow-up", content="Printer replaced", requested_by=agent, status="sent",
        channel="inbox",
    )  # fmt: skip
    browser_login("agent", "pw-agent")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "path": "/"})
    set_window_width(browser, 390)
    problems: list[str] = []
    for path in (
        "/console/calls/",
        "/console/outreach/",
        "/console/outreach/calls/",
        "/console/desk/outages/",
        "/console/transactions/",
    ):
        browser.get(live_server.url + path)
        problems += page_problems(browser, "zh")  # the width (the header names the agent)
    set_window_width(browser, 1280)
    assert problems == []
