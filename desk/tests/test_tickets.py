"""Opening and working a ticket through the service functions."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from desk import services
from desk.models import Attachment, Interaction, Ticket, TicketEvent
from desk.services import DeskError
from desk.tests.conftest import jpeg
from tests.factories import TerminalFactory

pytestmark = pytest.mark.django_db


def test_facts_come_from_the_records_and_only_the_rest_is_missing(merchant_a, terminal_a):
    missing = services.missing_facts("printer_paper", merchant_a, terminal_a, {})
    assert missing == ["symptom", "started_at", "tried"]
    assert services.missing_facts("printer_paper", merchant_a, None, {"tried": "换纸"}) == [
        "terminal_model",
        "serial_number",
        "symptom",
        "started_at",
    ]
    assert services.missing_facts("funds_not_arrived", merchant_a, None, {}) == [
        "recent_transaction"
    ]


def test_open_ticket_numbers_prefills_routes_and_starts_the_clock(ticket_a, agent, terminal_a):
    assert ticket_a.number.startswith("T") and len(ticket_a.number) == 12
    assert ticket_a.facts["serial_number"] == terminal_a.serial_number
    assert ticket_a.facts["terminal_model"] == "PAX A920"
    assert ticket_a.facts["merchant_id"] == ticket_a.merchant.merchant_id
    assert ticket_a.assignee == agent and ticket_a.queue.code == "l1"
    assert ticket_a.status == "new" and ticket_a.is_open
    assert ticket_a.sla_due_at is not None and ticket_a.first_response_due_at is not None


def test_least_loaded_member_gets_the_next_ticket(merchant_a, desk_staff, make_user):
    from desk.models import Queue

    second = make_user("agent2", role="l1", agent_no="A1002")
    Queue.objects.get(code="l1").members.add(second)
    owners = [
        services.open_ticket(
            merchant=merchant_a, category="fees", description=f"手续费 {i}", channel="phone"
        ).assignee
        for i in range(4)
    ]
    assert sorted(u.agent_no for u in owners) == ["A1001", "A1001", "A1002", "A1002"]


def test_terminal_of_another_merchant_is_refused(merchant_a, terminal_b):
    with pytest.raises(DeskError) as error:
        services.open_ticket(
            merchant=merchant_a,
            terminal=terminal_b,
            category="card_reading",
            description="x",
            channel="api",
        )
    assert "20000002" in error.value.messages["en"] and "不属于" in error.value.messages["zh"]
    assert Ticket.objects.count() == 0


def test_bad_attachment_leaves_nothing_behind(merchant_a, terminal_a):
    fake = SimpleUploadedFile("receipt.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(DeskError) as error:
        services.open_ticket(
            merchant=merchant_a,
            terminal=terminal_a,
            category="printer_paper",
            description="不出小票",
            channel="portal",
            attachments=[fake],
        )
    assert "JPEG" in error.value.messages["en"]
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024))
    with pytest.raises(DeskError, match="5 MB"):
        services.open_ticket(
            merchant=merchant_a,
            category="other",
            description="x",
            channel="portal",
            attachments=[big],
        )
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


def test_receipt_photo_is_kept(merchant_a, terminal_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = services.open_ticket(
        merchant=merchant_a,
        terminal=terminal_a,
        category="printer_paper",
        description="不出小票",
        channel="portal",
        attachments=[jpeg()],
    )
    attachment = ticket.attachments.get()
    assert attachment.content_type == "image/jpeg" and attachment.size == 2052


def test_same_idempotency_key_returns_the_same_ticket(merchant_a, merchant_b):
    first = services.open_ticket(
        merchant=merchant_a, category="fees", description="x", channel="api", idempotency_key="k1"
    )
    again = services.open_ticket(
        merchant=merchant_a, category="fees", description="x", channel="api", idempotency_key="k1"
    )
    other = services.open_ticket(
        merchant=merchant_b, category="fees", description="x", channel="api", idempotency_key="k1"
    )
    assert first.pk == again.pk != other.pk
    assert Ticket.objects.count() == 2


def test_assistant_transcript_becomes_the_start_of_the_timeline(merchant_a):
    ticket = services.open_ticket(
        merchant=merchant_a,
        category="transaction_failure",
        description="交易失败 51",
        channel="assistant",
        transcript=[
            {"at": "2025-06-10T10:00:00+08:00", "from": "merchant", "text": "刷卡提示51"},
            {"at": "2025-06-10T10:00:05+08:00", "from": "assistant", "text": "51 表示余额不足"},
        ],
    )
    lines = list(ticket.interactions.values_list("direction", "body"))
    assert lines == [("inbound", "刷卡提示51"), ("outbound", "51 表示余额不足")]
    assert ticket.transcript[0]["text"] == "刷卡提示51"


def test_transitions_are_enforced_and_need_a_reason(ticket_a, agent):
    with pytest.raises(DeskError, match="closed|关闭"):
        services.change_status(ticket_a, "closed", by=agent, reason="x")
    with pytest.raises(DeskError):
        services.change_status(ticket_a, "open", by=agent, reason=" ")
    with pytest.raises(DeskError):
        services.change_status(ticket_a, "resolved", by=agent, reason="好了")  # no code
    services.change_status(ticket_a, "open", by=agent, reason="已受理")
    services.change_status(
        ticket_a, "resolved", by=agent, reason="换纸后正常", resolution_code="first_contact"
    )
    ticket_a.refresh_from_db()
    assert ticket_a.status == "resolved" and not ticket_a.is_open and ticket_a.resolved_at
    reasons = list(ticket_a.events.filter(kind="status").values_list("reason", flat=True))
    assert reasons == ["已受理", "换纸后正常"]
    services.change_status(ticket_a, "open", by=agent, reason="又不出纸了")
    ticket_a.refresh_from_db()
    assert ticket_a.reopen_count == 1 and ticket_a.resolution_code == "" and ticket_a.is_open


def test_a_call_is_signed_with_the_agent_number_and_is_the_first_response(ticket_a, agent):
    services.add_interaction(
        ticket_a, by=agent, kind="call", body="指导换纸", direction="outbound", outcome="未解决"
    )
    ticket_a.refresh_from_db()
    call = ticket_a.interactions.get(kind="call")
    assert call.agent_no == "A1001" and call.author_label == "王芳"
    assert ticket_a.status == "open" and ticket_a.first_responded_at is not None
    assert ticket_a.first_response_due_at is None  # met
    services.add_interaction(ticket_a, by=agent, kind="note", body="疑似打印头坏", is_public=True)
    note = ticket_a.interactions.get(kind="note")
    assert not note.is_public


def test_merchant_reply_reopens_a_ticket_waiting_for_them(ticket_a, agent, alice):
    services.change_status(ticket_a, "pending_merchant", by=agent, reason="请提供小票照片")
    ticket_a.refresh_from_db()
    assert ticket_a.sla_paused
    services.add_interaction(ticket_a, by=alice, body="照片已上传", kind="note", is_public=False)
    ticket_a.refresh_from_db()
    assert ticket_a.status == "open" and not ticket_a.sla_paused
    message = ticket_a.interactions.get(body="照片已上传")
    assert message.is_public and message.kind == "message" and message.agent_no == ""


def test_escalation_needs_a_reason_and_goes_up_only(ticket_a, agent, technician):
    with pytest.raises(DeskError):
        services.escalate(ticket_a, to_tier="l2", reason="", by=agent)
    services.escalate(ticket_a, to_tier="l2", reason="电话指导无效，疑似打印模块故障", by=agent)
    ticket_a.refresh_from_db()
    assert ticket_a.tier == "l2" and ticket_a.assignee == technician
    assert ticket_a.queue.code == "l2-tech"
    event = ticket_a.events.get(kind="escalated")
    assert event.reason.startswith("电话指导无效") and event.actor == agent
    with pytest.raises(DeskError):
        services.escalate(ticket_a, to_tier="l1", reason="x", by=agent)


def test_commitment_in_the_past_is_refused(ticket_a, agent):
    with pytest.raises(DeskError):
        services.add_commitment(
            ticket_a,
            owner=agent,
            due_at=timezone.now() - dt.timedelta(minutes=1),
            promise="15:00 前回电",
            by=agent,
        )
    commitment = services.add_commitment(
        ticket_a,
        owner=agent,
        due_at=timezone.now() + dt.timedelta(hours=2),
        promise="15:00 前回电",
        by=agent,
    )
    assert commitment.status == "open" and not commitment.is_overdue
    assert commitment.promise_en == ""  # typed by an agent: kept as written


def test_a_promise_worded_by_the_system_reads_in_the_merchants_language(
    client, ticket_a, agent, alice
):
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    commitment = services.do_add_commitment(
        ticket_a,
        owner=agent,
        due_at=timezone.now() + dt.timedelta(hours=2),
        promise=gettext_lazy("回电商户（电话自助语音预约）"),
        by=agent,
    )
    assert commitment.promise == "回电商户（电话自助语音预约）" and commitment.promise_en
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("portal_ticket", args=[ticket_a.number])).content.decode()
    block = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert commitment.promise_en in block and "回电商户" not in block
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("portal_ticket", args=[ticket_a.number])).content.decode()
    assert "回电商户（电话自助语音预约）" in page


def test_visit_and_replacement_record_the_new_serial(ticket_a, agent, technician, terminal_a):
    start = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(DeskError):
        services.dispatch_visit(
            ticket_a, technician=technician, window_start=start, window_end=start, by=agent
        )
    visit = services.dispatch_visit(
        ticket_a,
        technician=technician,
        window_start=start,
        window_end=start + dt.timedelta(hours=2),
        by=agent,
    )
    assert ticket_a.interactions.filter(kind="visit", is_public=True).exists()
    replacement = services.replace_terminal(
        ticket_a, new_serial="a920sn9999", reason="打印模块损坏", by=technician
    )
    terminal_a.refresh_from_db()
    assert terminal_a.serial_number == "A920SN9999"
    assert replacement.old_serial == "A920SN0001" and replacement.under_warranty
    other = TerminalFactory(serial_number="TAKEN0001")
    with pytest.raises(DeskError):
        services.replace_terminal(ticket_a, new_serial=other.serial_number, reason="x", by=agent)
    services.record_visit_outcome(visit, status="completed", outcome="已更换整机", by=technician)
    visit.refresh_from_db()
    assert visit.status == "completed" and visit.completed_at


def test_out_of_warranty_replacement_is_flagged(ticket_a, agent, terminal_a):
    terminal_a.warranty_end = dt.date(2020, 1, 1)
    terminal_a.save()
    ticket_a.refresh_from_db()
    replacement = services.replace_terminal(ticket_a, new_serial="NEW0001", reason="x", by=agent)
    assert replacement.under_warranty is False


def test_merge_moves_the_timeline_and_resolves_the_duplicate(merchant_a, agent, desk_staff):
    keep = services.open_ticket(
        merchant=merchant_a, category="fees", description="a", channel="phone"
    )
    dup = services.open_ticket(
        merchant=merchant_a, category="fees", description="b", channel="phone"
    )
    services.add_interaction(dup, by=agent, body="同一问题", kind="call")
    services.merge_tickets(dup, keep, by=agent, reason="重复来电")
    dup.refresh_from_db()
    assert dup.merged_into == keep and dup.status == "resolved"
    assert dup.resolution_code == "duplicate"
    assert Interaction.objects.filter(ticket=keep, body="同一问题").exists()


def test_rating_only_after_resolution_and_once(ticket_a, agent, alice):
    with pytest.raises(DeskError):
        services.rate_ticket(ticket_a, rating=5, comment="", by=alice)
    services.change_status(
        ticket_a, "resolved", by=agent, reason="已修复", resolution_code="remote_fix"
    )
    ticket_a.refresh_from_db()
    with pytest.raises(DeskError):
        services.rate_ticket(ticket_a, rating=6, comment="", by=alice)
    services.rate_ticket(ticket_a, rating=4, comment="很快", by=alice)
    with pytest.raises(DeskError):
        services.rate_ticket(ticket_a, rating=5, comment="", by=alice)
    assert TicketEvent.objects.filter(ticket=ticket_a, kind="rated").count() == 1


def test_search_by_number_terminal_serial_merchant_and_phone(
    ticket_a, ticket_b, merchant_a, agent, technician
):
    from tests.factories import ContactFactory

    ContactFactory(merchant=merchant_a, phone="+8613812345678")

    def search(query, user=agent):
        return Ticket.objects.search(query, user)

    assert list(search(ticket_a.number)) == [ticket_a]
    assert list(search("10000001")) == [ticket_a]
    assert list(search("a920sn0001")) == [ticket_a]
    assert list(search(merchant_a.merchant_id)) == [ticket_a]
    assert list(search("138 1234 5678")) == [ticket_a]
    assert list(search("ME31SN0002")) == [ticket_b]
    # The L2 technician sees phones masked: searching digits must not reveal them.
    assert list(search("138 1234 5678", technician)) == []
    assert list(search("12345678", technician)) == []
