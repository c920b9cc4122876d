"""The public status page, the portal banner, and outage notices to every merchant of the
affected region — each once, none outside it (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from desk import services
from desk.models import Outage, OutageUpdate
from outreach.models import ContactRequest
from tests.browser import chinese_in
from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(merchant_a, merchant_b):
    """merchant_a and merchant_b are in Guangzhou (4401); three more in Guangdong, two outside."""
    inside = [merchant_a, merchant_b]
    inside += [MerchantFactory(region_code="440305") for _ in range(2)]
    inside += [MerchantFactory(region_code="445102")]
    outside = [MerchantFactory(region_code="310101"), MerchantFactory(region_code="110105")]
    MerchantFactory(region_code="440104", status="closed")  # closed merchants are not told
    return inside, outside


def declare(agent, **extra):
    values = {
        "title": "广东地区 4G 网络故障",
        "kind": "network",
        "region_code": "44",
        "public_message": "运营商基站故障，部分 4G 终端无法交易，可暂时改用 Wi-Fi。",
        "expected_recovery_at": timezone.now() + dt.timedelta(hours=3),
        "by": agent,
    }
    return services.declare_outage(**{**values, **extra})


def told(outage, step):
    key = f"outage:{outage.pk}:{step}"
    return list(ContactRequest.objects.filter(dedupe_key=key).values_list("merchant_id", flat=True))


def test_every_merchant_of_the_region_is_told_once_and_none_outside(region, agent, alice):
    inside, outside = region
    outage = declare(agent)
    filed = told(outage, "declared")
    assert sorted(filed) == sorted(m.pk for m in inside)  # each once
    assert not set(filed) & {m.pk for m in outside}
    assert {r.purpose for r in ContactRequest.objects.all()} == {"service_outage"}
    # merchant_a has a ticket linked to the outage: told on the ticket, not again by outreach.
    ticket = services.open_ticket(
        merchant=inside[0],
        category="network_signin",
        description="签到失败",
        channel="portal",
        opened_by=alice,
    )
    services.link_to_outage([ticket], outage, by=agent)
    services.update_outage(outage, message="基站已修复一半。", by=agent)
    update = told(outage, "update:1")
    assert sorted(update) == sorted(m.pk for m in inside[1:])
    assert ticket.interactions.filter(body__contains="基站已修复一半").count() == 1
    from desk.services.outage_notices import notify_region

    assert notify_region(outage, step="update:1", text="again", by=agent, skip=set()) == 1
    assert sorted(told(outage, "update:1")) == sorted(m.pk for m in inside)  # still once each


def test_the_notice_goes_out_through_the_policy(region, agent, merchant_a, daytime):
    from outreach.models import ContactAttempt, ContactPreference

    ContactPreference.objects.create(merchant=region[0][2], fewer_contacts=True)
    declare(agent)
    sent = ContactAttempt.objects.get(merchant=merchant_a, purpose="service_outage")
    assert sent.channel == "sms"  # terminals may be down: the policy's rung for "high"
    assert "/status/" in sent.request.content
    quiet = ContactAttempt.objects.get(merchant=region[0][2], purpose="service_outage")
    assert quiet.channel == "inbox"  # "contact me less": no SMS


def test_status_page_is_public_with_current_and_past_incidents(client, region, agent):
    outage = declare(agent)
    services.update_outage(outage, message="抢修中，预计今晚恢复。", by=agent)
    past = declare(agent, title="银联例行维护", region_code="", public_message="维护中。")
    services.resolve_outage(past, message="维护已完成。", by=agent)
    page = client.get(reverse("status")).content.decode()
    current, history = page.split("过去 30 天的故障")
    assert "广东地区 4G 网络故障" in current and "广东省" in current
    assert "抢修中，预计今晚恢复。" in current and "预计恢复时间" in current
    assert "运营商基站故障" in current  # the first update is kept
    assert "银联例行维护" in history and "全国" in history and "维护已完成。" in history
    assert OutageUpdate.objects.filter(outage=past).count() == 2


ENGLISH = {"title_en": "Guangdong 4G network down", "public_message_en": "Use Wi-Fi for now."}


def _main(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_status_page_in_english(client, region, agent):
    outage = declare(agent, **ENGLISH)
    services.update_outage(outage, message="抢修中。", message_en="Repairs under way.", by=agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    main = _main(client.get(reverse("status")))
    assert "Guangdong 4G network down" in main and "Expected recovery" in main
    assert "Use Wi-Fi for now." in main and "Repairs under way." in main
    assert not chinese_in(main), chinese_in(main)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    main = _main(client.get(reverse("status")))
    assert "广东地区 4G 网络故障" in main and "抢修中。" in main and "Wi-Fi for now" not in main


def test_an_outage_written_in_chinese_only_is_shown_in_chinese_on_english_pages(
    client, region, agent
):
    outage = declare(agent, **ENGLISH)
    # A new message without English replaces both: the old English must not outlive it.
    services.update_outage(outage, message="基站已全部修复，正在观察。", by=agent)
    outage.refresh_from_db()
    assert outage.public_message_en == "" and outage.title_en == ENGLISH["title_en"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    main = _main(client.get(reverse("status")))
    assert "基站已全部修复" in main and "Guangdong 4G network down" in main


def test_outage_notices_and_banner_in_the_readers_language(client, region, agent, alice):
    from notifications.models import Notification

    inside, _outside = region
    outage = declare(agent, **ENGLISH)
    ticket = services.open_ticket(
        merchant=inside[0],
        category="network_signin",
        description="签到失败",
        channel="portal",
        opened_by=alice,
    )
    services.link_to_outage([ticket], outage, by=agent)
    services.update_outage(outage, message="抢修中。", message_en="Repairs under way.", by=agent)
    notice = Notification.objects.filter(recipient=alice, event="desk.outage_update").get()
    assert notice.subject == "广东地区 4G 网络故障" and notice.subject_en == ENGLISH["title_en"]
    assert notice.body.startswith("抢修中。") and notice.body_en.startswith("Repairs under way.")
    assert "Expected recovery" in notice.body_en
    # The ticket's timeline keeps what was said in both languages.
    line = ticket.interactions.get(body__contains="抢修中。")
    assert "Repairs under way." in line.body
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    banner = client.get(reverse("portal")).content.decode().split('class="outage-banner"')[1]
    banner = banner.split("</div>", 1)[0]
    assert "Guangdong 4G network down" in banner and not chinese_in(banner), chinese_in(banner)


def test_agents_write_the_english_text_on_the_outage_pages(client, region, agent):
    client.force_login(agent)
    response = client.post(
        reverse("desk_outages"),
        {
            "title": "广东地区 4G 网络故障",
            "title_en": "Guangdong 4G network down",
            "kind": "network",
            "region_code": "44",
            "public_message": "可暂时改用 Wi-Fi。",
            "public_message_en": "Use Wi-Fi for now.",
        },
    )
    assert response.status_code == 302
    outage = Outage.objects.get()
    assert (outage.title_en, outage.public_message_en) == tuple(ENGLISH.values())
    client.post(
        reverse("desk_outage", args=[outage.pk]),
        {"message": "抢修中。", "message_en": "Repairs under way."},
    )
    update = outage.updates.order_by("-id").first()
    assert update is not None and update.message_en == "Repairs under way."


def test_portal_banner_only_for_merchants_in_the_region(client, region, agent, alice, make_user):
    inside, outside = region
    declare(agent)
    client.force_login(alice)
    page = client.get(reverse("portal")).content.decode()
    assert 'class="outage-banner"' in page and "广东地区 4G 网络故障" in page
    shanghai = make_user("shanghai")
    outside[0].members.add(shanghai)
    client.force_login(shanghai)
    assert 'class="outage-banner"' not in client.get(reverse("portal")).content.decode()
    client.force_login(agent)
    assert 'class="outage-banner"' not in client.get(reverse("console")).content.decode()


def test_resolved_outage_leaves_the_banner(client, region, agent, alice):
    outage = declare(agent)
    services.resolve_outage(outage, message="已恢复。", by=agent)
    client.force_login(alice)
    assert 'class="outage-banner"' not in client.get(reverse("portal")).content.decode()
    assert sorted(told(outage, "resolved")) == sorted(m.pk for m in region[0])
