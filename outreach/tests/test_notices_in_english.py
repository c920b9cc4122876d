"""Notices that go through the contact policy keep both languages: a merchant who reads in
English finds payout, chargeback and outage notices in English in the inbox and the contact
history; one who reads Chinese finds them in Chinese (issue 15: stored notices were Chinese
only)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

pytestmark = pytest.mark.django_db


def _page(client, user, url: str, language: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(url).content.decode()


def _main(html: str) -> str:
    """The page's own text (no header, footer or language menu)."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", main)


@pytest.fixture
def english_shop(alice, merchant_a):
    merchant_a.name = merchant_a.short_name = "Axiang Store"
    merchant_a.save(update_fields=["name", "short_name"])
    return merchant_a


def test_payout_and_chargeback_notices_read_in_each_language(
    client, alice, english_shop, agent, daytime
):
    from chargebacks.services import open_case
    from payments.tests.factories import PayoutFactory, TransactionFactory
    from statements.notices import notify_payout
    from tests.factories import TerminalFactory

    notify_payout(
        PayoutFactory(merchant=english_shop, status="failed", reason="wrong_account", amount=12345)
    )
    txn = TransactionFactory(terminal=TerminalFactory(merchant=english_shop), rrn="520000000001")
    open_case("chargeback", english_shop, by=agent, transaction_row=txn, reason_code="not_received")
    inbox = _main(_page(client, alice, reverse("inbox"), "en"))
    assert "Payout failed: CNY 123.45" in inbox and "settlement account details are wrong" in inbox
    assert "Please upload your evidence before" in inbox
    assert CJK.findall(inbox) == []
    history = _main(_page(client, alice, reverse("contact_history"), "en"))
    assert "Payout failed: CNY 123.45" in history and CJK.findall(history) == []
    chinese = _main(_page(client, alice, reverse("inbox"), "zh-hans"))
    assert "结算款付款失败：¥123.45" in chinese and "前上传材料" in chinese
    assert "Payout failed" not in chinese


def test_an_outage_notice_through_the_policy_reads_in_english(
    client, alice, english_shop, agent, daytime
):
    from desk import services

    english_shop.region_code = "440106"
    english_shop.save(update_fields=["region_code"])
    services.declare_outage(
        title="广东地区 4G 网络故障",
        title_en="Guangdong 4G network down",
        kind="network",
        region_code="44",
        public_message="运营商基站故障，可暂时改用 Wi-Fi。",
        public_message_en="Carrier fault: use Wi-Fi for now.",
        by=agent,
    )
    inbox = _main(_page(client, alice, reverse("inbox"), "en"))
    assert "Guangdong 4G network down" in inbox and "Carrier fault" in inbox
    assert "See the outage's progress" in inbox and CJK.findall(inbox) == []
    chinese = _main(_page(client, alice, reverse("inbox"), "zh-hans"))
    assert "广东地区 4G 网络故障" in chinese and "查看故障进展" in chinese


def test_a_digest_keeps_both_languages(alice, english_shop, agent):
    import datetime as dt

    from django.utils import translation

    from notifications.models import Notification
    from outreach.models import ContactRequest
    from outreach.services.sending import _send_digest

    requests = [
        ContactRequest.objects.create(
            merchant=english_shop,
            purpose="service_followup",
            channels=["inbox"],
            channel="inbox",
            subject=f"通知 {n}",
            subject_en=f"Notice {n}",
            content="内容",
            content_en="Text",
            requested_by=agent,
        )
        for n in (1, 2)
    ]
    _send_digest(requests, dt.datetime.now(dt.UTC))
    notice = Notification.objects.get(recipient=alice, event="outreach.digest")
    assert notice.subject == "今日摘要：2 条通知" and notice.subject_en == "Daily digest: 2 notices"
    assert notice.body_en == "1. Notice 1\nText\n\n2. Notice 2\nText"
    with translation.override("en"):
        assert notice.shown_body == notice.body_en
