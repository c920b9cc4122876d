import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_render_for_each_role(client, alice, agent, supervisor, merchant_a, terminal_a):
    client.force_login(alice)
    assert client.get(reverse("portal")).status_code == 200
    assert client.get(reverse("portal_merchant", args=[merchant_a.merchant_id])).status_code == 200
    assert client.get(reverse("terminal_detail", args=[terminal_a.terminal_id])).status_code == 200
    client.force_login(agent)
    assert client.get(reverse("console") + "?q=阿香").status_code in (200, 302)
    assert client.get(reverse("merchant_360", args=[merchant_a.merchant_id])).status_code == 200
    client.force_login(supervisor)
    assert client.get(reverse("imports")).status_code == 200
    assert client.get(reverse("hotlines")).status_code == 200
