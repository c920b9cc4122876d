"""The real site in headless Chromium: a merchant sees their own terminals; an agent searches
and opens a merchant's 360° page."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_merchant_sees_own_terminals(
    browser, browser_login, live_server, alice, terminal_a, terminal_b
):
    browser_login("alice", "pw-alice")
    assert browser.current_url.endswith("/portal/")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "我的商户" in body
    assert terminal_a.terminal_id in body and terminal_b.terminal_id not in body
    browser.find_element(By.LINK_TEXT, terminal_a.terminal_id).click()
    assert terminal_a.serial_number in browser.find_element(By.TAG_NAME, "body").text


def test_agent_searches_and_opens_a_merchant(
    browser, browser_login, live_server, agent, merchant_a, terminal_a, merchant_b
):
    browser_login("agent", "pw-agent")
    assert browser.current_url.endswith("/console/")
    search = browser.find_element(By.NAME, "q")
    search.send_keys(terminal_a.serial_number)
    search.submit()
    WebDriverWait(browser, 10).until(lambda d: "/terminals/" in d.current_url)
    assert f"/terminals/{terminal_a.terminal_id}/" in browser.current_url
    browser.find_element(By.PARTIAL_LINK_TEXT, merchant_a.name).click()
    body = browser.find_element(By.TAG_NAME, "body").text
    assert merchant_a.merchant_id in body and terminal_a.terminal_id in body
    assert "A1001" in body  # the agent number in the header
    browser.save_screenshot(str(live_server_screenshot_path()))


def test_language_switch_to_english(browser, browser_login, live_server, alice, terminal_a):
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser_login("alice", "pw-alice")
    Select(browser.find_element(By.NAME, "language")).select_by_value("en")
    WebDriverWait(browser, 10).until(
        lambda d: "My merchants" in d.find_element(By.TAG_NAME, "body").text
    )
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "My merchants" in body and "我的商户" not in body


def live_server_screenshot_path():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path / "agent_merchant_360.png"
