"""Team accounts: the owner invites a manager and a cashier, who accept with the link and set
a password; roles decide what the portal shows (one scoping rule, `core.scoping`); the owner
sees who did what. A cashier is walked through every portal page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from merchants import team
from merchants.models import Membership, TeamEvent
from payments.models import Payout, Transaction
from terminals.models import Terminal

pytestmark = pytest.mark.django_db
PASSWORD = "Till-2026-strong"


@pytest.fixture
def shops(merchant_a):
    from tests.factories import StoreFactory, TerminalFactory

    front = StoreFactory(merchant=merchant_a, store_code="S01", name="前门店")
    back = StoreFactory(merchant=merchant_a, store_code="S02", name="后街店")
    return {
        "front": front,
        "back": back,
        "front_terminal": TerminalFactory(merchant=merchant_a, store=front, terminal_id="11110001"),
        "back_terminal": TerminalFactory(merchant=merchant_a, store=back, terminal_id="22220002"),
    }


def join(client, owner, merchant, role, store, username):
    """The owner invites, the invitee opens the link and accepts; returns the new user."""
    client.force_login(owner)
    data = {"merchant": merchant.pk, "name": username.title(), "role": role}
    if store is not None:
        data["store"] = store.pk
    response = client.post(reverse("portal_team_invite"), data, follow=True)
    link = re.search(r"/team/join/([\w-]+)/", response.content.decode()).group(0)
    client.logout()
    assert client.get(link).status_code == 200
    form = {"username": username, "password": PASSWORD, "password_again": PASSWORD}
    response = client.post(link, form)
    assert response.status_code == 302, response.content.decode()[:500]
    client.logout()
    return User.objects.get(username=username), link


@pytest.fixture
def cashier(client, alice, merchant_a, shops):
    user, _link = join(client, alice, merchant_a, "cashier", shops["front"], "zhou")
    return user


def test_owner_invites_and_the_invitee_accepts_once(client, alice, merchant_a, shops):
    user, link = join(client, alice, merchant_a, "cashier", shops["front"], "zhou")
    membership = Membership.objects.get(user=user)
    assert (membership.merchant, membership.role, membership.store) == (
        merchant_a,
        "cashier",
        shops["front"],
    )
    assert user.check_password(PASSWORD) and user.role == "merchant"
    again = {"username": "zhou2", "password": PASSWORD, "password_again": PASSWORD}
    response = client.post(link, again)
    assert response.status_code == 404 and "邀请链接无效" in response.content.decode()
    assert not User.objects.filter(username="zhou2").exists()


def test_joining_refuses_bad_input_clearly(client, alice, merchant_a, shops):
    client.force_login(alice)
    data = {"merchant": merchant_a.pk, "name": "小李", "role": "manager"}
    page = client.post(reverse("portal_team_invite"), data, follow=True).content.decode()
    link = re.search(r"/team/join/([\w-]+)/", page).group(0)
    client.logout()
    for form, message in (
        ({"username": "li", "password": PASSWORD, "password_again": "x"}, "两次输入的密码不一致"),
        ({"username": "alice", "password": PASSWORD, "password_again": PASSWORD}, "用户名已被使用"),
        ({"username": "li", "password": "123", "password_again": "123"}, "密码"),
    ):
        response = client.post(link, form)
        assert response.status_code == 200 and message in response.content.decode()
    assert not User.objects.filter(username="li").exists()
    client.cookies["django_language"] = "en"
    response = client.post(link, {"username": "li", "password": PASSWORD, "password_again": "x"})
    assert "passwords do not match" in response.content.decode()
    assert client.get("/team/join/not-a-token/").status_code == 404


def test_only_the_owner_manages_the_team(client, alice, bob, merchant_a, shops, cashier):
    manager, _link = join(client, alice, merchant_a, "manager", None, "liu")
    for user in (manager, cashier):
        client.force_login(user)
        assert client.get(reverse("portal_team")).status_code == 403
        assert client.get(reverse("portal_team_activity")).status_code == 403
    client.force_login(bob)  # bob owns his own merchant: his team, not alice's
    assert "zhou" not in client.get(reverse("portal_team")).content.decode()
    assert "Zhou" not in client.get(reverse("portal_team_activity")).content.decode()
    theirs = Membership.objects.get(user=cashier)
    client.force_login(bob)
    response = client.post(reverse("portal_team_member", args=[theirs.pk]), {"remove": "1"})
    assert response.status_code == 404 and Membership.objects.filter(pk=theirs.pk).exists()
    client.force_login(manager)  # a manager sees the membership but may not change it
    response = client.post(reverse("portal_team_member", args=[theirs.pk]), {"remove": "1"})
    assert response.status_code == 403


def test_owner_changes_a_role_and_removes_a_member(client, alice, merchant_a, shops, cashier):
    membership = Membership.objects.get(user=cashier)
    client.force_login(alice)
    url = reverse("portal_team_member", args=[membership.pk])
    client.post(url, {f"m{membership.pk}-role": "manager", f"m{membership.pk}-store": ""})
    membership.refresh_from_db()
    assert membership.role == "manager" and membership.store is None
    own = Membership.objects.get(user=alice)
    client.post(reverse("portal_team_member", args=[own.pk]), {"remove": "1"})
    assert Membership.objects.filter(pk=own.pk).exists()  # the owner stays
    client.post(url, {"remove": "1"})
    cashier.refresh_from_db()
    assert not Membership.objects.filter(pk=membership.pk).exists() and not cashier.is_active
    kinds = list(TeamEvent.objects.order_by("at").values_list("kind", flat=True))
    assert kinds == ["invited", "joined", "role_changed", "removed"]


def test_cashier_sees_only_their_shop_today(merchant_a, shops, cashier, alice):
    from payments.tests.factories import PayoutFactory, TransactionFactory

    now = timezone.localtime()
    today = TransactionFactory(terminal=shops["front_terminal"], local_time=now)
    yesterday = TransactionFactory(
        terminal=shops["front_terminal"], local_time=now - dt.timedelta(days=1)
    )
    other_shop = TransactionFactory(terminal=shops["back_terminal"], local_time=now)
    PayoutFactory(merchant=merchant_a)
    assert list(Transaction.objects.visible_to(cashier)) == [today]
    assert set(Transaction.objects.visible_to(alice)) == {today, yesterday, other_shop}
    assert list(Terminal.objects.visible_to(cashier)) == [shops["front_terminal"]]
    assert not Payout.objects.visible_to(cashier).exists()


def test_every_portal_page_with_a_cashier(client, merchant_a, shops, cashier, alice):
    """Every portal page a merchant user can open, as a cashier: never a 500, and none shows
    the other shop, another day, the money or the owner's contact and tickets."""
    from desk.services import open_ticket
    from payments.tests.factories import PayoutFactory, TransactionFactory
    from tests.factories import ContactFactory

    now = timezone.localtime()
    mine = TransactionFactory(terminal=shops["front_terminal"], local_time=now, rrn="111111111111")
    TransactionFactory(terminal=shops["back_terminal"], local_time=now, rrn="222222222222")
    old = TransactionFactory(
        terminal=shops["front_terminal"], local_time=now - dt.timedelta(days=2), rrn="333333333333"
    )
    PayoutFactory(merchant=merchant_a, amount=98765432)
    ContactFactory(merchant=merchant_a, phone="+8613912345678")
    open_ticket(
        merchant=merchant_a,
        category="other",
        description="店主的秘密工单",
        channel="portal",
        opened_by=alice,
    )
    hidden = [
        "22220002",
        "222222222222",
        "333333333333",
        "987,654.32",
        "139 1234 5678",
        "13912345678",
        "店主的秘密工单",
    ]
    client.force_login(cashier)
    visited = 0
    owner_ticket = open_ticket(
        merchant=merchant_a, category="other", description="x", channel="portal", opened_by=alice
    )
    values = {
        "merchant_id": merchant_a.merchant_id,
        "terminal_id": "22220002",
        "number": owner_ticket.number,
    }
    for url in page_urls(values):
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.content.decode()
        leaked = [marker for marker in hidden if marker in body]
        assert not leaked, f"{url} shows {leaked}"
        visited += 1
    assert visited >= 10
    page = client.get(reverse("transaction_detail", args=[mine.pk])).content.decode()
    assert "111111111111" in page
    assert client.get(reverse("transaction_detail", args=[old.pk])).status_code == 404
    menu = client.get(reverse("portal")).content.decode()
    assert reverse("payouts") not in menu and reverse("help_home") in menu


def page_urls(values: dict[str, str]) -> list[str]:
    """Every page a merchant user might open (not the console, API, admin or account pages),
    its parameters filled from `values`."""
    from core.tests.test_access_walk import url_patterns

    urls = []
    for route, entry in url_patterns():
        if route.startswith(("console/", "api/", "admin/", "accounts/", "i18n/")) or not entry.name:
            continue
        names = list(entry.pattern.regex.groupindex)
        if any(name not in values for name in names):
            continue
        urls.append(reverse(entry.name, kwargs={name: values[name] for name in names}))
    return urls


def test_owner_sees_who_did_what(client, alice, merchant_a, shops, cashier):
    from assistant.models import Article
    from desk.services import open_ticket
    from helpcentre.services import hand_in, sync_articles

    sync_articles()
    open_ticket(
        merchant=merchant_a,
        terminal=shops["front_terminal"],
        category="printer_paper",
        description="不出小票",
        channel="portal",
        opened_by=cashier,
    )
    lesson = Article.objects.get(slug="lesson-end-of-day")
    hand_in(lesson, {"q1": "1", "q2": "1", "attempt": "a"}, user=cashier)
    rows = team.activity(alice)
    whats = [row.what for row in rows]
    assert whats[:2] == ["完成培训测验", "报告问题"] and "加入团队" in whats and "发出邀请" in whats
    client.force_login(alice)
    page = client.get(reverse("portal_team_activity")).content.decode()
    assert "Zhou" in page and "2/2" in page
