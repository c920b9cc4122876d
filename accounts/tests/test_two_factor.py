"""Two-factor login (TOTP): supervisors and admins cannot use any console page, the admin or
the API before they have enrolled and entered a code; every staff user may enrol, and once
enrolled enters a code at each login; a password alone cannot replace the device; merchants
are not concerned. Chinese and English."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required_for_supervisors(settings):
    settings.TWO_FACTOR_ROLES = ["supervisor", "admin"]


def code(device: TOTPDevice, steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def log_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": f"pw-{username}"})
    assert response.status_code == 302
    return client


def enrol(client: Client, user) -> TOTPDevice:
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/two-factor/", {"code": code(device), "next": "/console/"})
    assert response.status_code == 302 and response["Location"] == "/console/"
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_supervisor_must_enrol_before_any_page(supervisor):
    client = log_in("boss")
    for url in ("/console/", "/console/desk/reports/", "/admin/", "/accounts/password_change/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/two-factor/?next="), url
    api = client.get("/api/tickets/")
    assert api.status_code == 403 and "two-step" in api.json()["detail"]["en"]
    page = client.get("/accounts/two-factor/").content.decode()
    assert "必须开启两步验证" in page and "data:image/svg+xml;base64," in page


def test_enrolment_needs_a_right_code_then_the_console_opens(supervisor):
    client = log_in("boss")
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=supervisor)
    secret = two_factor.secret_of(device).replace(" ", "")
    assert secret in client.get("/accounts/two-factor/").content.decode().replace(" ", "")
    wrong = client.post("/accounts/two-factor/", {"code": "000000"})
    assert wrong.status_code == 200 and "动态码不正确" in wrong.content.decode()
    assert client.get("/console/").status_code == 302
    device.throttle_reset()
    enrol(client, supervisor)
    assert client.get("/console/").status_code == 200
    assert client.get("/api/tickets/").status_code == 200


def test_after_enrolment_each_login_asks_for_a_code(supervisor):
    device = enrol(log_in("boss"), supervisor)
    client = log_in("boss")
    response = client.get("/console/")
    assert response["Location"] == "/accounts/two-factor/verify/?next=%2Fconsole%2F"
    wrong = client.post("/accounts/two-factor/verify/", {"code": "123456", "next": "/console/"})
    assert wrong.status_code == 200 and "动态码不正确" in wrong.content.decode()
    assert client.get("/console/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    right = client.post(
        "/accounts/two-factor/verify/", {"code": code(device, 1), "next": "/console/"}
    )
    assert right.status_code == 302 and right["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_a_code_cannot_be_used_twice(supervisor):
    device = enrol(log_in("boss"), supervisor)
    first = log_in("boss")
    used = code(device, 1)
    first.post("/accounts/two-factor/verify/", {"code": used})
    assert first.get("/console/").status_code == 200
    second = log_in("boss")
    second.post("/accounts/two-factor/verify/", {"code": used})
    assert second.get("/console/").status_code == 302


def test_a_password_alone_cannot_replace_the_device(supervisor):
    device = enrol(log_in("boss"), supervisor)
    thief = log_in("boss")
    response = thief.get("/accounts/two-factor/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/verify/"
    thief.post("/accounts/two-factor/", {"code": "000000"})
    assert list(TOTPDevice.objects.filter(user=supervisor)) == [device]


def test_wrong_codes_slow_down(supervisor):
    device = enrol(log_in("boss"), supervisor)
    client = log_in("boss")
    for _ in range(3):
        client.post("/accounts/two-factor/verify/", {"code": "000000"})
    # Even the right code is refused while the wait after the failures runs.
    client.post("/accounts/two-factor/verify/", {"code": code(device, 1)})
    assert client.get("/console/").status_code == 302


def test_every_staff_user_may_enrol_and_then_must_use_it(agent):
    client = log_in("agent")
    assert client.get("/console/").status_code == 200  # not required for L1
    assert "两步验证" in client.get("/accounts/two-factor/").content.decode()
    enrol(client, agent)
    again = log_in("agent")
    assert again.get("/console/")["Location"].startswith("/accounts/two-factor/verify/")


def test_merchants_are_not_concerned(alice):
    client = log_in("alice")
    assert client.get("/portal/").status_code == 200
    assert client.get("/accounts/two-factor/").status_code == 403
    assert client.get("/accounts/two-factor/verify/").status_code == 403


def test_the_pages_in_english(supervisor):
    client = log_in("boss")
    client.cookies["django_language"] = "en"
    page = client.get("/accounts/two-factor/").content.decode()
    assert "Two-step verification" in page and "两步验证" not in page
    enrol(client, supervisor)
    again = log_in("boss")
    again.cookies["django_language"] = "en"
    assert "6-digit code for poscare" in again.get("/accounts/two-factor/verify/").content.decode()


def test_the_demo_supervisor_is_pre_enrolled_with_the_published_key(supervisor, capsys):
    from merchants.demo import DEMO_TOTP_KEY

    device = two_factor.demo_device(supervisor, DEMO_TOTP_KEY)
    assert two_factor.secret_of(device).replace(" ", "") == "OBXXGY3BOJSS2ZDFNVXS2MTGMEWWWZLZ"
    call_command("demo_totp")
    printed = capsys.readouterr().out
    assert printed.startswith("boss: ") and code(device) in printed
    client = log_in("boss")
    client.post("/accounts/two-factor/verify/", {"code": code(device)})
    assert client.get("/console/").status_code == 200


def test_a_password_alone_gets_no_api_token_for_two_factor_accounts(supervisor, agent, make_user):
    tms = make_user("tms2fa", role="integration")
    client = Client()
    refused = client.post("/api/auth/token/", {"username": "boss", "password": "pw-boss"})
    assert refused.status_code == 403 and "two-step" in refused.json()["detail"]["en"]
    assert client.post("/api/auth/token/", {"username": "agent", "password": "pw-agent"}).json()[
        "token"
    ]
    enrol(log_in("agent"), agent)
    assert (
        client.post("/api/auth/token/", {"username": "agent", "password": "pw-agent"}).status_code
        == 403
    )
    machine = client.post("/api/auth/token/", {"username": tms.username, "password": "pw-tms2fa"})
    assert machine.status_code == 200 and machine.json()["token"]
