"""The whole path in a real browser: a merchant reports "no receipt prints" in the portal, L1
calls and escalates, L2 dispatches a visit, the merchant follows each public step and the
appointment, the ticket is resolved and the merchant rates the help."""

import datetime as dt

import pytest
from django.utils import timezone
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from desk.models import Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def body(browser) -> str:
    """The page text; empty while the page is being replaced (a wait then tries again)."""
    try:
        return browser.find_element(By.TAG_NAME, "body").text
    except StaleElementReferenceException:
        return ""


def open_all_details(browser) -> None:
    """The page's folded forms; not the header's menus (an open menu covers the page)."""
    browser.execute_script("document.querySelectorAll('main details').forEach(d => d.open = true)")


def set_value(browser, name: str, value: str) -> None:
    field = browser.find_element(By.NAME, name)
    browser.execute_script("arguments[0].value = arguments[1]", field, value)


def submit(browser, form_id: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f"#{form_id} button").click()


def test_no_receipt_prints_from_report_to_rating(
    browser,
    browser_login,
    live_server,
    alice,
    agent,
    technician,
    terminal_a,
    terminal_b,
    desk_staff,
):
    # 1. The merchant reports the problem; the form asks only for what is missing.
    browser_login("alice", "pw-alice")
    browser.get(live_server.url + "/portal/tickets/new/")
    Select(browser.find_element(By.NAME, "terminal")).select_by_value(str(terminal_a.pk))
    Select(browser.find_element(By.NAME, "category")).select_by_value("printer_paper")
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: (
            d.find_elements(By.NAME, "fact_tried")
            and d.execute_script("return !document.querySelector('.htmx-request')")
        )
    )
    assert not browser.find_elements(By.NAME, "fact_serial_number")
    assert not browser.find_elements(By.NAME, "fact_terminal_model")
    assert not browser.find_elements(By.NAME, "fact_error_code")
    browser.find_element(By.NAME, "description").send_keys("不出小票")
    browser.find_element(By.NAME, "fact_symptom").send_keys("打印时没有反应，纸是新换的")
    browser.find_element(By.NAME, "fact_tried").send_keys("重启过")
    browser.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "/portal/tickets/T" in d.current_url
    )
    ticket = Ticket.objects.get()
    assert ticket.number in body(browser)

    # 2. L1 sees it in the queue with its SLA timer, calls, and escalates with a reason.
    browser_login("agent", "pw-agent")
    browser.get(live_server.url + "/console/desk/?view=mine")
    row = browser.find_element(By.XPATH, f"//tr[td/a[text()='{ticket.number}']]")
    timer = row.find_elements(By.TAG_NAME, "td")[0].text
    assert timer and timer != "—"
    row.find_element(By.LINK_TEXT, ticket.number).click()
    assert "开始时间" in body(browser)  # the fact the merchant did not give is shown missing
    open_all_details(browser)
    Select(browser.find_element(By.NAME, "i-kind")).select_by_value("call")
    browser.find_element(By.NAME, "i-body").send_keys("已电话指导清洁打印头，仍不出纸")
    browser.find_element(By.NAME, "i-outcome").send_keys("未解决")
    browser.find_element(By.NAME, "i-is_public").click()  # not ticked by default
    submit(browser, "form-interaction")
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "已电话指导清洁打印头" in body(d)
    )
    assert "工号 A1001" in body(browser)
    open_all_details(browser)
    Select(browser.find_element(By.NAME, "e-tier")).select_by_value("l2")
    browser.find_element(By.NAME, "e-reason").send_keys("疑似打印模块故障，需二线处理")
    submit(browser, "form-escalate")
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "T2001" in d.find_element(By.ID, "ticket-assignee").text
    )

    # 3. L2 dispatches a visit with an appointment window.
    browser_login("tech", "pw-tech")
    browser.get(live_server.url + f"/console/desk/tickets/{ticket.number}/")
    open_all_details(browser)
    start = timezone.localtime() + dt.timedelta(days=1)
    start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    Select(browser.find_element(By.NAME, "v-technician")).select_by_value(str(technician.pk))
    set_value(browser, "v-window_start", start.strftime("%Y-%m-%dT%H:%M"))
    set_value(browser, "v-window_end", (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    submit(browser, "form-visit")
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "已安排技术员" in body(d)
    )

    # 4. The merchant sees each public step and the appointment.
    browser_login("alice", "pw-alice")
    browser.get(live_server.url + f"/portal/tickets/{ticket.number}/")
    text = body(browser)
    assert "已电话指导清洁打印头" in text and "A1001" in text
    assert "已转交" in text
    appointment = browser.find_element(By.ID, "appointment").text
    assert start.strftime("%Y-%m-%d 10:00") in appointment and "T2001" in appointment
    assert "疑似打印模块故障" not in text  # the escalation reason stays internal

    # 5. The technician records the visit and resolves the ticket.
    browser_login("tech", "pw-tech")
    browser.get(live_server.url + f"/console/desk/tickets/{ticket.number}/")
    browser.find_element(By.NAME, "outcome").send_keys("更换打印模块，测试打印正常")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/visit_outcome/'] button").click()
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "更换打印模块" in body(d)
    )
    open_all_details(browser)
    Select(browser.find_element(By.NAME, "s-status")).select_by_value("resolved")
    Select(browser.find_element(By.NAME, "s-resolution_code")).select_by_value("field_visit")
    browser.find_element(By.NAME, "s-reason").send_keys("上门更换打印模块")
    submit(browser, "form-status")
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.ID, "ticket-status").text == "已解决"
    )

    # 6. The merchant rates the help.
    browser_login("alice", "pw-alice")
    browser.get(live_server.url + f"/portal/tickets/{ticket.number}/")
    assert "上门更换打印模块" in body(browser)
    browser.find_element(By.CSS_SELECTOR, "#rating input[value='5']").click()
    browser.find_element(By.NAME, "rate-comment").send_keys("师傅很专业")
    browser.find_element(By.CSS_SELECTOR, "#rating button").click()
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_elements(By.ID, "my-rating")
    )
    assert browser.find_element(By.ID, "my-rating").text == "5"
    ticket.refresh_from_db()
    assert ticket.rating == 5 and ticket.resolution_code == "field_visit"
    assert ticket.events.filter(kind="escalated", reason__contains="打印模块").exists()
