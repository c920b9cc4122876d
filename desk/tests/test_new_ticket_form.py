"""The merchant's new-ticket form (issue 15): it does not ask again for what it filled in, its
terminal list follows the chosen merchant, and it has no default problem type."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from desk.defaults import ensure_defaults
from desk.models import Ticket
from tests.factories import MerchantFactory, TerminalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_shops(alice, merchant_a, terminal_a):
    ensure_defaults()
    other = MerchantFactory(merchant_id="898110154110002", name="阿香二店")
    other.members.add(alice)
    TerminalFactory(merchant=other, terminal_id="10000002", serial_number="A920SN0002")
    return merchant_a, other


def test_no_default_problem_type(client, two_shops, alice):
    client.force_login(alice)
    page = client.get(reverse("portal_new_ticket")).content.decode()
    category = re.search(r'<select name="category".*?</select>', page, re.S).group(0)
    assert '<option value="" selected>' in category
    merchant_a = two_shops[0]
    response = client.post(
        reverse("portal_new_ticket"), {"merchant": merchant_a.pk, "description": "坏了"}
    )
    assert response.status_code == 200 and not Ticket.objects.exists()  # asked, not guessed


def test_terminal_list_follows_the_chosen_merchant(client, two_shops, alice):
    first, second = two_shops
    client.force_login(alice)
    url = reverse("portal_new_ticket")
    page = client.get(url, {"merchant": second.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "10000002" in page and "10000001" not in page
    page = client.get(url, {"merchant": first.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "10000001" in page and "10000002" not in page


def test_does_not_ask_again_for_what_it_filled_in(client, two_shops, alice, terminal_a):
    client.force_login(alice)
    url = reverse("portal_new_ticket")
    params = {"merchant": two_shops[0].pk, "terminal": terminal_a.pk, "category": "card_reading"}
    page = client.get(url, params).content.decode()
    for asked in ("fact_merchant_id", "fact_serial_number", "fact_terminal_model"):
        assert asked not in page
    assert "fact_symptom" in page  # what the records cannot know is still asked
    response = client.post(url, {**params, "description": "读不了卡", "fact_symptom": "芯片卡"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and ticket.category == "card_reading"
    assert ticket.facts["serial_number"] == "A920SN0001"  # filled from the records
