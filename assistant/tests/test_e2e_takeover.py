"""Live chat take-over in headless Chromium, at 390 px and 1366 px, in Chinese and English.

The agent works in the console (this browser, logged in as the agent): opens the merchant's
conversation, takes it over, answers. The merchant's chat (the same browser, as the merchant)
shows the agent's answer with the agent number as it arrives (htmx poll, no reload), and the
note that a person is answering; the merchant's next message gets no assistant answer. After
the agent hands it back, the assistant answers again. No page is wider than the screen;
English pages show no Chinese characters or punctuation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from assistant import takeover
from assistant.models import Conversation, Message
from tests.browser import page_problems, screenshot, set_window_width

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = {
    "zh": {
        "ask": "打印不出小票",
        "answer": "请打开打印机盖，确认纸卷光面朝外",
        "again": "好的，我试试",
        "code": "刷卡显示51",
        "joined": "正在为您服务",
    },
    "en": {
        "ask": "the receipt does not print",
        "answer": "Please open the printer cover and check the paper roll",
        "again": "OK, trying now",
        "code": "the POS says error 51",
        "joined": "is helping you",
    },
}


def bubbles(browser, kind: str) -> list[str]:
    return [b.text for b in browser.find_elements(By.CSS_SELECTOR, f"#chat-log .bubble.{kind}")]


def released_check(pk: int) -> Callable[[Any], bool]:
    return lambda _driver: not Conversation.objects.get(pk=pk).agent_id


def more_answers_than(count: int) -> Callable[[Any], bool]:
    return lambda driver: len(bubbles(driver, "out")) > count


def send(browser, text: str) -> None:
    count = len(browser.find_elements(By.CSS_SELECTOR, "#chat-log .bubble"))
    browser.find_element(By.CSS_SELECTOR, "#chat-form input[name=text]").send_keys(text)
    browser.find_element(By.CSS_SELECTOR, "#chat-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chat-log .bubble")) > count
    )


def as_user(browser, browser_login, username: str, lang: str) -> None:
    browser_login(username, f"pw-{username}")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "path": "/"})


def walk(browser, browser_login, live_server, alice, agent, lang: str) -> list[str]:
    text = TEXT[lang]
    problems: list[str] = []
    for width in (390, 1366):
        set_window_width(browser, width)
        Conversation.objects.filter(user=alice).delete()
        # The merchant asks the assistant.
        as_user(browser, browser_login, "alice", lang)
        browser.get(live_server.url + "/portal/assistant/")
        send(browser, text["ask"])
        conversation = Conversation.objects.get(user=alice)
        assigned = len(bubbles(browser, "out"))
        assert assigned >= 1

        # The agent takes it over from the console and answers.
        as_user(browser, browser_login, "agent", lang)
        browser.get(live_server.url + f"/console/assistant/{conversation.pk}/")
        problems += page_problems(browser, lang)
        browser.find_element(By.CSS_SELECTOR, "#takeover button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "agent-reply"))
        browser.find_element(By.CSS_SELECTOR, "#agent-reply textarea").send_keys(text["answer"])
        browser.find_element(By.CSS_SELECTOR, "#agent-reply button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".messages"))
        problems += page_problems(browser, lang)
        screenshot(browser, f"takeover-console-{lang}-{width}")

        # The merchant sees the agent's answer with the agent number, and a person is answering.
        as_user(browser, browser_login, "alice", lang)
        browser.get(live_server.url + "/portal/assistant/")
        lines = bubbles(browser, "agent")
        assert any(text["answer"] in line and "A1001" in line for line in lines), lines
        assert text["joined"] in browser.find_element(By.ID, "chat-agent").text
        problems += page_problems(browser, lang)
        screenshot(browser, f"takeover-chat-{lang}-{width}")
        # While the agent holds it the assistant does not answer.
        before = len(bubbles(browser, "out"))
        send(browser, text["again"])
        assert len(bubbles(browser, "out")) == before
        # A new agent line arrives without a reload (the chat polls every 3 s).
        takeover.agent_reply(conversation, "A1001: 2", by=agent)
        WebDriverWait(browser, 10).until(
            lambda d: any("A1001: 2" in line for line in bubbles(d, "agent"))
        )

        # The agent hands back; the assistant answers again.
        as_user(browser, browser_login, "agent", lang)
        browser.get(live_server.url + f"/console/assistant/{conversation.pk}/")
        browser.find_element(By.CSS_SELECTOR, "#takeover button[type=submit]").click()
        released = released_check(conversation.pk)
        WebDriverWait(browser, 10).until(released)
        as_user(browser, browser_login, "alice", lang)
        browser.get(live_server.url + "/portal/assistant/")
        before = len(bubbles(browser, "out"))
        send(browser, text["code"])
        WebDriverWait(browser, 10).until(more_answers_than(before))
        assert "51" in bubbles(browser, "out")[-1]
        problems += page_problems(browser, lang)
        assert Message.objects.filter(conversation=conversation, direction="agent").count() >= 3
    set_window_width(browser, 1280)
    browser.get("about:blank")
    return problems


def test_takeover_walk_in_chinese(browser, browser_login, live_server, alice, agent):
    assert walk(browser, browser_login, live_server, alice, agent, "zh") == []


def test_takeover_walk_in_english(browser, browser_login, live_server, alice, agent, merchant_a):
    # English walks use English data: what a merchant typed is not the page's language.
    merchant_a.name, merchant_a.short_name = "Green Grocer", "Green"
    merchant_a.save(update_fields=["name", "short_name"])
    agent.display_name = "Wang"
    agent.save(update_fields=["display_name"])
    assert walk(browser, browser_login, live_server, alice, agent, "en") == []
