"""Chinese names a thing and a list of them with one word; English does not. A model's singular
name is the bare msgid, its plural (and every page or heading that lists several) the same
msgid in the "plural" context: the outage list is headed "Outages", one outage is "Outage"."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from tests.factories import TerminalFactory

# English nouns whose plural is the singular.
SAME_IN_PLURAL = {"Contact preferences", "Settlement terms", "Case evidence", "Terminal telemetry"}
SAME_IN_PLURAL |= {"Daily telemetry"}


def _project_models():
    return [
        m
        for m in apps.get_models()
        if m.__module__.split(".")[0] not in {"django", "rest_framework"}
    ]


def test_every_model_has_an_english_singular_and_plural():
    wrong = []
    with translation.override("en"):
        for model in _project_models():
            one, many = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
            if re.search(r"[\u4e00-\u9fff]", one + many):
                continue  # a third-party model without an English catalogue
            if one == many and one not in SAME_IN_PLURAL:
                wrong.append(f"{model._meta.label}: {one}")
    assert wrong == []
    with translation.override("zh-hans"):
        from desk.models import Outage

        assert Outage._meta.verbose_name == Outage._meta.verbose_name_plural == "故障事件"


def _page(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.django_db
def test_outage_list_is_headed_outages_and_one_outage_is_an_outage(client, agent):
    from desk import services

    outage = services.declare_outage(
        title="银联通道故障", kind="network", public_message="部分交易失败", by=agent
    )
    client.force_login(agent)
    listing = _page(client, reverse("desk_outages"), "en")
    assert "<title>Outages" in listing and "<h1>Outages</h1>" in listing
    detail = _page(client, reverse("desk_outage", args=[outage.pk]), "en")
    assert "← Outages" in detail
    assert "<h1>故障事件</h1>" in _page(client, reverse("desk_outages"), "zh-hans")


@pytest.mark.django_db
def test_lists_on_the_360_page_and_the_portal_are_named_in_the_plural(client, agent, alice):
    terminal = TerminalFactory()
    merchant = terminal.merchant
    merchant.members.add(alice)
    client.force_login(agent)
    page = _page(client, reverse("merchant_360", args=[merchant.merchant_id]), "en")
    for heading in ("Terminals", "Stores", "Contacts"):
        assert f"<strong>{heading}</strong>" in page
    client.force_login(alice)
    portal = _page(client, reverse("portal_merchant", args=[merchant.merchant_id]), "en")
    assert "<strong>Terminals</strong>" in portal and "<strong>Contacts</strong>" in portal
    assert ">Contact history<" in portal  # the portal's link to who contacted the merchant
    inbox = _page(client, reverse("inbox"), "en")
    assert "<h1>Messages</h1>" in inbox


def test_one_chinese_word_for_a_deed_and_an_action_reads_right_in_english():
    """分配 is the ticket page's "Assign" button and the timeline's "Assigned"; 暂停 the
    campaign's "Pause" button and an SLA timer's "Paused"."""
    from django.utils.translation import gettext, pgettext

    from desk.models import TicketEvent

    with translation.override("en"):
        assert gettext("分配") == "Assign" and str(TicketEvent.Kind.ASSIGNED.label) == "Assigned"
        assert str(TicketEvent.Kind.ESCALATED.label) == "Escalated"
        assert pgettext("button", "暂停") == "Pause" and gettext("暂停") == "Paused"
        assert gettext("拒付") == "Chargeback" and pgettext("plural", "拒付") == "Chargebacks"
