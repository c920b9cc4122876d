"""Shared fixtures. Every permission path is tested with three merchant-side users:
alice (owner of merchant A), bob (owner of merchant B), charlie (a user with no merchant),
plus staff of each tier."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture
def make_user(db):
    from accounts.models import User

    def make(username: str, role: str = "merchant", agent_no: str | None = None, **extra):
        user = User(username=username, role=role, agent_no=agent_no, **extra)
        user.set_password("pw-" + username)
        user.save()
        return user

    return make


@pytest.fixture
def merchant_a(db):
    from tests.factories import MerchantFactory

    return MerchantFactory(merchant_id="898110154110001", name="北京阿香便利店")


@pytest.fixture
def merchant_b(db):
    from tests.factories import MerchantFactory

    return MerchantFactory(merchant_id="898310158120002", name="上海老王餐馆")


@pytest.fixture
def alice(make_user, merchant_a):
    user = make_user("alice")
    merchant_a.members.add(user)
    return user


@pytest.fixture
def bob(make_user, merchant_b):
    user = make_user("bob")
    merchant_b.members.add(user)
    return user


@pytest.fixture
def charlie(make_user):
    return make_user("charlie")


@pytest.fixture
def agent(make_user):
    return make_user("agent", role="l1", agent_no="A1001", display_name="王芳")


@pytest.fixture
def technician(make_user):
    return make_user("tech", role="l2", agent_no="T2001", display_name="张工")


@pytest.fixture
def supervisor(make_user):
    return make_user("boss", role="supervisor", agent_no="S1001", display_name="陈主管")


@pytest.fixture
def terminal_a(merchant_a):
    from tests.factories import TerminalFactory

    return TerminalFactory(merchant=merchant_a, terminal_id="10000001", serial_number="A920SN0001")


@pytest.fixture
def terminal_b(merchant_b):
    from tests.factories import TerminalFactory

    return TerminalFactory(merchant=merchant_b, terminal_id="20000002", serial_number="ME31SN0002")


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port (aiosmtpd); yields the received messages."""
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    try:
        yield received
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's chromium + chromedriver) driven by Selenium."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1280,1600",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser_login(browser, live_server):
    """Log in through the real login form; returns a function (user, password) -> None."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def log_in(username: str, password: str) -> None:
        browser.delete_all_cookies()
        browser.get(live_server.url + "/accounts/login/")
        browser.find_element(By.NAME, "username").send_keys(username)
        browser.find_element(By.NAME, "password").send_keys(password)
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda d: "/accounts/login/" not in d.current_url)

    return log_in
