import pytest
from django.urls import reverse

from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_phone_masked_for_roles_that_do_not_call(client, alice, agent, technician, merchant_a):
    ContactFactory(merchant=merchant_a, phone="+8613812345678")
    url = reverse("merchant_360", args=[merchant_a.merchant_id])
    client.force_login(agent)
    assert "138 1234 5678" in client.get(url).content.decode()
    client.force_login(technician)
    html = client.get(url).content.decode()
    assert "138****5678" in html and "12345678" not in html
    client.force_login(alice)  # the merchant's own contact, in the portal
    assert (
        "138 1234 5678"
        in client.get(reverse("portal_merchant", args=[merchant_a.merchant_id])).content.decode()
    )


def test_console_search_by_phone_name_id_serial(client, agent, merchant_a, terminal_a, merchant_b):
    ContactFactory(merchant=merchant_a, phone="+8613812345678")
    client.force_login(agent)
    for query in ("13812345678", "阿香", merchant_a.merchant_id):
        response = client.get(reverse("console"), {"q": query})
        assert response.status_code == 302, query
        assert response["Location"] == reverse("merchant_360", args=[merchant_a.merchant_id])
    response = client.get(reverse("console"), {"q": terminal_a.serial_number.lower()})
    assert response["Location"] == reverse("terminal_detail", args=[terminal_a.terminal_id])
    html = client.get(reverse("console"), {"q": "不存在的店"}).content.decode()
    assert "没有找到" in html


def test_technician_cannot_recover_a_masked_phone_by_searching_digits(
    client, technician, merchant_a
):
    ContactFactory(merchant=merchant_a, phone="+8613812345678")
    client.force_login(technician)
    for query in ("13812345678", "1234", "2345", "345678", "8123"):
        response = client.get(reverse("console"), {"q": query})
        assert response.status_code == 200, query  # no match: no redirect to the merchant
        assert merchant_a.name not in response.content.decode()
    found = client.get(reverse("console"), {"q": "阿香"})
    assert found.status_code == 302  # by name still
