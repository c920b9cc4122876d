import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_login_sends_each_role_to_its_home(client, alice, agent):
    response = client.post(reverse("login"), {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("portal")
    client.logout()
    client.post(reverse("login"), {"username": "agent", "password": "pw-agent"})
    assert client.get(reverse("home"))["Location"] == reverse("console")


def test_agent_number_shown_in_header(client, agent):
    client.force_login(agent)
    assert "A1001" in client.get(reverse("console")).content.decode()


def test_staff_need_an_agent_number(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create(username="nobody", role="l1", agent_no=None)


def test_login_is_throttled(client, alice, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()


def test_password_reset_mail(client, alice):
    alice.email = "alice@example.cn"
    alice.save()
    client.post(reverse("password_reset"), {"email": "alice@example.cn"})
    assert len(mail.outbox) == 1 and "alice" in mail.outbox[0].body


def test_language_switch(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert "Log in to poscare" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/"})
    assert "登录 poscare" in client.get(reverse("login")).content.decode()
