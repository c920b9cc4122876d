"""Shared fixtures. Every permission path is tested with three merchant-side users:
alice (owner of merchant A), bob (owner of merchant B), charlie (a user with no merchant),
plus staff of each tier."""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Property tests check behaviour, not speed: on a busy CI machine a slow draw or a slow example
# is not a failure (speed is measured in bench/). Every property test inherits this profile.
settings.register_profile(
    "poscare", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("poscare")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (zh-hans) and leaves it so: a test that
    activates English (a chat in English, an English request) must not change the next one."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
    # The console log (Content-Security-Policy violations, script errors) for tests to read.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
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


class ConcurrentDatabase:
    """Runs callables in threads, each with its own connection and real transactions.

    On SQLite the test database lives in memory with a shared cache, where locking does not
    behave as on disk; the threads work on a file copy of it (WAL, busy timeout, IMMEDIATE
    transactions from the settings), which is what the demo runs on. On PostgreSQL they use
    the test database itself."""

    def __init__(self, path: str | None):
        from django.db import connections

        self.path = path
        self.wrapper_class = type(connections["default"])
        self.settings_dict = {**connections["default"].settings_dict, "NAME": path}

    def _bind(self) -> None:
        from django.db import connections

        if self.path is not None:
            connections["default"] = self.wrapper_class(dict(self.settings_dict), "default")

    def call(self, function: Callable[[], Any]) -> Any:
        """Run one callable against the shared database (e.g. to check the outcome)."""
        return self.run(lambda _index: function(), 1)[0]

    def run(self, function: Callable[[int], Any], count: int) -> list[Any]:
        """Start `count` threads together (a barrier); each result, or the exception raised."""
        from django.db import connections

        barrier = threading.Barrier(count)

        def worker(index: int) -> Any:
            self._bind()
            try:
                barrier.wait()
                return function(index)
            except Exception as error:  # noqa: BLE001 - reported to the test
                return error
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=count) as pool:
            return list(pool.map(worker, range(count)))


@pytest.fixture
def concurrent_db(transactional_db, django_db_serialized_rollback, tmp_path):
    """A ConcurrentDatabase holding everything the test committed before it is asked for.
    Serialized rollback restores the seeded rows (catalogue, codes) for the tests after it."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield ConcurrentDatabase(None)
        return
    path = tmp_path / "concurrent.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()
    yield ConcurrentDatabase(str(path))


@pytest.fixture
def daytime(monkeypatch):
    """Now is 10:00 today in Shanghai, outside the merchants' default quiet hours (21:00–09:00):
    what the contact policy may send at once goes at once, whatever the hour the suite runs."""
    import datetime as dt

    from django.utils import timezone

    shanghai = dt.timezone(dt.timedelta(hours=8))
    fixed = timezone.now().astimezone(shanghai).replace(hour=10, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return fixed


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that commits (`transaction=True`) must restore the database as it found it
    (`serialized_rollback=True`): otherwise its flush re-creates the content types, and every
    later test that restores the serialized database fails on duplicates (seen on PostgreSQL
    when the ledger's worker-process test ran before the notification tests)."""
    careless = [
        item.nodeid
        for item in items
        if (marker := item.get_closest_marker("django_db")) is not None
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ]
    if careless:
        raise pytest.UsageError(
            "django_db(transaction=True) without serialized_rollback=True: " + ", ".join(careless)
        )
