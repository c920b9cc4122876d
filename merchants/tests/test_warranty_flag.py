"""Issue 15: expired warranties are flagged on the merchant 360° page — at the top of the
terminal list, in both languages, and only for terminals whose warranty has run out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import TerminalFactory

pytestmark = pytest.mark.django_db


def page(client, merchant, lang="zh-hans"):
    return client.get(
        reverse("merchant_360", args=[merchant.merchant_id]), HTTP_ACCEPT_LANGUAGE=lang
    ).content.decode()


def test_expired_warranties_are_flagged(client, agent, merchant_a):
    today = timezone.localdate()
    TerminalFactory(merchant=merchant_a, terminal_id="10000011", warranty_end=today)
    TerminalFactory(
        merchant=merchant_a, terminal_id="10000012", warranty_end=today - dt.timedelta(days=1)
    )
    TerminalFactory(merchant=merchant_a, terminal_id="10000013", warranty_end=None)
    client.force_login(agent)
    html = page(client, merchant_a)
    flag = html[html.index('id="warranty-expired"') :].split("</p>", 1)[0]
    assert "1 台终端已过保修期" in flag
    assert "10000012" in flag and "10000011" not in flag and "10000013" not in flag
    client.cookies["django_language"] = "en"
    english = page(client, merchant_a, "en")
    assert "1 terminal(s) out of warranty" in english and "已过保" not in english


def test_no_flag_when_every_warranty_runs(client, agent, merchant_a, terminal_a):
    client.force_login(agent)
    assert 'id="warranty-expired"' not in page(client, merchant_a)
