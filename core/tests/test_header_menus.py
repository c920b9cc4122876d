"""The header: related links gathered into menus (core.panels.MENU_OF_LINK), so that a
supervisor's console and an owner's portal fit one row at 1366 px in Chinese and in English,
and a phone shows the brand and one menu button."""

from __future__ import annotations

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By

from core.panels import nav_entries
from tests.browser import page_problems, set_window_width


def _shape(entries) -> dict[str, list[str]]:
    """{menu key or link key: the link keys under it} of the header's items."""
    return {e.key: [link.key for link in e.links] if e.links else [e.key] for e in entries}


@pytest.mark.django_db
def test_supervisor_console_links_are_gathered_into_menus(supervisor):
    shape = _shape(nav_entries("console", supervisor))
    assert len(shape) <= 10, shape
    assert shape["admin"] == ["imports", "ledger_audit", "audit_log"]
    assert {"calls", "calls_wall", "outreach", "call_tasks"} <= set(shape["phone"])
    assert list(shape)[0] == "console"  # 工作台 first, on its own


@pytest.mark.django_db
def test_a_menu_with_one_link_for_this_user_is_just_the_link(agent, make_user, merchant_a):
    from merchants.models import Membership
    from tests.factories import StoreFactory

    assert "admin" not in _shape(nav_entries("console", agent))  # no admin links for L1
    cashier = make_user("till")
    store = StoreFactory(merchant=merchant_a)
    Membership.objects.create(merchant=merchant_a, user=cashier, role="cashier", store=store)
    shape = _shape(nav_entries("portal", cashier))
    assert "transactions" in shape and "money" not in shape


@pytest.mark.django_db
def test_the_menu_of_the_page_shown_is_marked(client, supervisor):
    client.force_login(supervisor)
    html = client.get(reverse("audit_log")).content.decode()
    assert '<summary class="current">' in html
    assert 'href="/console/audit/" aria-current="page"' in html


def _row_tops(browser) -> set[int]:
    """The top edge of every item of the header on a desktop (one row: one value)."""
    return {
        round(float(top) / 8)
        for top in browser.execute_script(
            "return [...document.querySelectorAll("
            "'header.site .site-links > li, header.site .site-account > li, header.site .brand')]"
            ".map(e => e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)"
        )
    }


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_header_is_one_row_at_1366_and_a_menu_button_at_390(
    browser, browser_login, live_server, make_user, merchant_a, language
):
    from django.conf import settings

    merchant_a.name = merchant_a.short_name = "Axiang Store"
    merchant_a.save(update_fields=["name", "short_name"])
    owner = make_user("owner", display_name="Li Jie")
    merchant_a.members.add(owner)
    make_user("staff", role="l1", agent_no="A1001", display_name="Wang Fang")
    make_user("boss", role="supervisor", agent_no="S1001", display_name="Chen")
    problems = []
    for username, start in (("staff", "/console/"), ("boss", "/console/"), ("owner", "/portal/")):
        browser_login(username, f"pw-{username}")
        browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "path": "/"})
        for width in (1366, 390):
            set_window_width(browser, width)
            browser.get(live_server.url + start)
            problems += page_problems(browser, "en" if language == "en" else "zh")
            if width == 1366:
                assert len(_row_tops(browser)) == 1, f"{username}: the header wraps"
            else:
                header = browser.find_element(By.CSS_SELECTOR, "header.site")
                assert header.size["height"] < 70, f"{username}: {header.size['height']} px"
                assert not browser.find_element(By.ID, "site-menu").is_displayed()
    set_window_width(browser, 1280)
    assert problems == []


@pytest.mark.django_db
def test_console_home_says_each_thing_once(client, supervisor):
    """The console home does not repeat the header: no link in the page body that the
    header's menus already have (issue 15: "the console home repeats itself")."""
    import re

    client.force_login(supervisor)
    html = client.get(reverse("console")).content.decode()
    header, body = html.split("</header>", 1)
    body = body.split("<footer", 1)[0]
    in_header = set(re.findall(r'href="([^"]+)"', header))
    in_body = re.findall(r'href="([^"]+)"', body)
    assert [href for href in in_body if href in in_header] == []
    assert len(in_body) == len(set(in_body)), "the same link twice"
