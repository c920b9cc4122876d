"""Browser walks at 390 px (a phone) and 1366 px (a desktop), in Chinese and English: the help
centre (search, an article, a training quiz), a cashier's limited portal, and a chargeback case
with evidence. On every page: nothing wider than the screen, and English pages show no Chinese
characters or Chinese punctuation (the one scanner, `tests/browser.py`'s `page_problems`)."""

from __future__ import annotations

import datetime as dt

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import page_problems, set_window_width, visible_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WIDTHS = (390, 1366)


def check_page(browser, language: str) -> str:
    """The page fits the window, and in English shows no Chinese; returns its text."""
    problems = page_problems(browser, "en" if language == "en" else "zh")
    assert problems == []
    return visible_text(browser)


def open_page(browser, url: str, language: str) -> str:
    browser.get(url)
    return check_page(browser, language)


def english_names(merchant) -> None:
    """Merchant names are data, written as the merchant wrote them: give this one an English
    name so an English page has no Chinese at all."""
    merchant.name, merchant.short_name, merchant.address = "Axiang Store", "Axiang", "1 Main St"
    merchant.save(update_fields=["name", "short_name", "address"])


def use(browser, live_server, width: int, language: str) -> None:
    set_window_width(browser, width, 1000)
    browser.get(live_server.url + "/help/")
    browser.add_cookie(
        {"name": "django_language", "value": "en" if language == "en" else "zh-hans"}
    )


@pytest.fixture
def help_articles(db):
    from helpcentre.services import sync_articles

    sync_articles()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_help_centre_search_article_and_quiz(browser, live_server, help_articles, width, language):
    use(browser, live_server, width, language)
    open_page(browser, live_server.url + "/help/", language)
    box = browser.find_element(By.NAME, "q")
    box.send_keys("电池" if language == "zh" else "battery")
    box.submit()
    WebDriverWait(browser, 10).until(lambda d: "q=" in d.current_url)
    check_page(browser, language)
    results = browser.find_elements(By.CSS_SELECTOR, ".help-results a.help-card")
    assert results, "no search results"
    results[0].click()
    WebDriverWait(browser, 10).until(lambda d: "/help/care-battery/" in d.current_url)
    text = check_page(browser, language)
    assert ("原装充电器" if language == "zh" else "original charger") in text
    open_page(browser, live_server.url + "/help/lesson-end-of-day/", language)
    for number in (1, 2):
        browser.find_element(By.CSS_SELECTOR, f"input[name=q{number}][value='1']").click()
    browser.find_element(By.CSS_SELECTOR, ".help-quiz form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".quiz-score"))
    text = check_page(browser, language)
    assert ("答对 2 / 2 题" if language == "zh" else "2 of 2 correct") in text


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_cashier_sees_a_limited_portal(
    browser, browser_login, live_server, merchant_a, make_user, width, language
):
    from merchants.models import Membership
    from tests.factories import StoreFactory, TerminalFactory

    english_names(merchant_a)
    front = StoreFactory(merchant=merchant_a, store_code="S01", name="Front")
    back = StoreFactory(merchant=merchant_a, store_code="S02", name="Back")
    TerminalFactory(merchant=merchant_a, store=front, terminal_id="11110001")
    TerminalFactory(merchant=merchant_a, store=back, terminal_id="22220002")
    cashier = make_user("till")
    Membership.objects.create(merchant=merchant_a, user=cashier, role="cashier", store=front)
    set_window_width(browser, width, 1000)
    browser_login("till", "pw-till")
    use(browser, live_server, width, language)
    text = open_page(browser, live_server.url + "/portal/", language)
    assert "11110001" in text and "22220002" not in text
    links = [
        a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#site-menu a")
    ]
    assert not any(link.endswith("/payouts/") for link in links)
    assert any(link.endswith("/help/") for link in links)
    open_page(browser, live_server.url + "/portal/transactions/", language)
    open_page(browser, live_server.url + "/portal/tickets/new/", language)
    browser.get(live_server.url + "/portal/statements/")
    check_page(browser, language)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("width", WIDTHS)
def test_chargeback_case_with_evidence(
    browser, browser_login, live_server, alice, agent, terminal_a, tmp_path, width, language
):
    from chargebacks.services import open_case
    from desk.defaults import ensure_defaults
    from payments.tests.factories import TransactionFactory

    ensure_defaults()
    english_names(terminal_a.merchant)
    txn = TransactionFactory(
        terminal=terminal_a,
        rrn="520000000001",
        local_time=dt.datetime(2025, 9, 30, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )
    case = open_case(
        "chargeback", terminal_a.merchant, by=agent, transaction_row=txn, reason_code="not_received"
    )
    slip = tmp_path / "slip.jpg"
    slip.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 200)
    set_window_width(browser, width, 1000)
    browser_login("alice", "pw-alice")
    use(browser, live_server, width, language)
    open_page(browser, live_server.url + "/portal/cases/", language)
    text = open_page(browser, live_server.url + f"/portal/cases/{case.number}/", language)
    assert case.number in text
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(slip))
    browser.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.LINK_TEXT, "slip.jpg"))
    text = check_page(browser, language)
    assert ("材料已提交，审核中" if language == "zh" else "Evidence received, under review") in text
