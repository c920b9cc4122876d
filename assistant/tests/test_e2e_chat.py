"""The portal chat in headless Chromium: a merchant opens the assistant from the navigation,
asks about code 51, taps a quick reply, and a pasted card number comes back masked."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def send(browser, text):
    count = len(browser.find_elements(By.CSS_SELECTOR, "#chat-log .bubble"))
    box = browser.find_element(By.CSS_SELECTOR, "#chat-form input[name=text]")
    box.send_keys(text)
    browser.find_element(By.CSS_SELECTOR, "#chat-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chat-log .bubble")) >= count + 2
    )
    return browser.find_elements(By.CSS_SELECTOR, "#chat-log .bubble.out")[-1].text


def test_merchant_chats_with_the_assistant(browser, browser_login, live_server, alice, terminal_a):
    browser_login("alice", "pw-alice")
    browser.find_element(By.LINK_TEXT, "智能助手").click()
    WebDriverWait(browser, 10).until(lambda d: "/portal/assistant/" in d.current_url)

    answer = send(browser, "刷卡显示51")
    assert "51" in answer and "资金不足" in answer

    # The page did not reload (htmx): the input is empty and the quick replies were replaced.
    buttons = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#quick-replies button")]
    assert "转人工" in buttons

    answer = send(browser, "卡号 6222021234567890123 刷不了")
    log = browser.find_element(By.ID, "chat-log").text
    assert "6222021234567890123" not in log and "622202****0123" in log
    assert "完整卡号" in answer
    browser.get("about:blank")  # no request may reach the live server after the test
