"""Error pages (403, 404, 500): in the visitor's language, saying why and where to go next; a
signed-in user of the wrong role gets the 403 page, not the login form; the demo shows them
(DEBUG off), not Django's debug page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import include, path, reverse

from core.management.commands.run_demo import demo_commands, demo_environment
from tests.browser import chinese_in

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_wrong_role_gets_a_403_that_says_why_not_the_login_form(client, alice, agent):
    client.force_login(alice)
    response = client.get(reverse("console"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "此页面仅供客服人员使用" in page and "商户用户" in page  # why, and who is signed in
    assert 'name="password"' not in page
    client.force_login(agent)
    response = client.get(reverse("portal_tickets"))
    assert response.status_code == 403
    assert "仅供商户账号使用" in response.content.decode()
    response = client.get(reverse("imports"))
    assert response.status_code == 403 and "仅供主管使用" in response.content.decode()


def test_403_in_english(client, alice):
    client.force_login(english(client) and alice)
    page = client.get(reverse("console")).content.decode()
    assert "only for service desk staff" in page
    assert not chinese_in(_main(page)), chinese_in(_main(page))


def test_anonymous_visitor_still_goes_to_the_login_form(client):
    response = client.get(reverse("console"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_unknown_ticket_number_is_a_404_page(client, alice, agent):
    client.force_login(alice)
    response = client.get(reverse("portal_ticket", args=["T26129999999"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到您要的内容" in page and "工单号" in page
    assert "Traceback" not in page and "urlpatterns" not in page.lower()
    client.force_login(agent)
    page = english(client).get(reverse("desk_ticket", args=["T0000"])).content.decode()
    assert "could not find" in page.lower()
    assert not chinese_in(_main(page)), chinese_in(_main(page))


def test_mistyped_merchant_id_in_the_payout_check_says_so(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("investigate_day"), {"merchant_id": "898110154110009", "date": "2026-11-02"}
    )
    assert response.status_code == 404
    assert "没有找到该商户" in response.content.decode()
    response = english(client).post(
        reverse("investigate_day"), {"merchant_id": "898110154110009", "date": "2026-11-02"}
    )
    assert "merchant" in response.content.decode().lower()
    assert not chinese_in(_main(response.content.decode()))


def test_a_mistyped_address_is_a_404_page_without_the_url_list(client):
    response = client.get("/portal/nothing-here/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到您要的内容" in page
    assert "Using the URLconf" not in page


def broken(request):
    raise RuntimeError("boom: 数据库不可用")


urlpatterns = [path("broken/", broken), path("", include("poscare.urls"))]
handler500 = "core.error_views.server_error"


@pytest.mark.urls(__name__)
def test_server_error_page_in_both_languages(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务暂时出了问题" in page and "boom" not in page and "Traceback" not in page
    page = english(client).get("/broken/").content.decode()
    assert "Something went wrong" in page
    assert not chinese_in(page), chinese_in(page)


def test_the_demo_runs_with_debug_off_and_collects_its_static_files(tmp_path: Path):
    env = demo_environment({"PATH": "/usr/bin"}, tmp_path)
    assert env["DEBUG"] == "0" and len(env["SECRET_KEY"]) > 40
    assert demo_environment({}, tmp_path)["SECRET_KEY"] == env["SECRET_KEY"]  # kept
    assert "SECRET_KEY" not in demo_environment({"DEBUG": "1"}, tmp_path)  # asked for DEBUG
    commands = demo_commands("127.0.0.1", "8000")
    assert "collectstatic" in commands[0] and "runserver" in commands[-1]


def _main(page: str) -> str:
    """The page's main part (the language selector in the header names 简体中文 on purpose)."""
    return page.split("<main", 1)[1].split("</main>", 1)[0]
