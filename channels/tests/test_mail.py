"""E-mail to the desk through a real SMTP receiver: a merchant contact's mail opens a ticket, a
reply to the ticket's signed address lands on it with its attachment; auto-replies, our own
mail, unknown senders and forged addresses never touch a ticket; a resend counts once."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from channels import mail
from channels.models import InboundMail
from channels.smtp import DeskMailHandler
from desk.models import Attachment, Interaction, Ticket

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 512


@pytest.fixture
def contact(merchant_a, alice):
    from tests.factories import ContactFactory

    return ContactFactory(
        merchant=merchant_a, phone="+8613800001111", email="owner@axiang.example.cn"
    )


@pytest.fixture
def desk_smtp(desk_staff):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(DeskMailHandler(), hostname="127.0.0.1", port=port)
    controller.start()

    def send(message: EmailMessage, to: str | None = None) -> None:
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(message, to_addrs=[to or message["To"]])

    yield send
    controller.stop()


def _mail(
    subject: str,
    body: str,
    *,
    sender: str = "owner@axiang.example.cn",
    to: str = "desk@poscare.example.cn",
    **headers,
) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def test_a_mail_opens_a_ticket_and_a_reply_lands_on_it(desk_smtp, contact):
    desk_smtp(_mail("POS 不出小票", "打印机不走纸，卡号 6222021234567890128 的交易也没有小票"))
    ticket = Ticket.objects.get(merchant=contact.merchant, channel="email")
    assert "不出小票" in ticket.description and "6222021234567890128" not in ticket.description
    reply = _mail("Re: POS 不出小票", "换了纸还是不行，照片见附件", to=mail.reply_address(ticket))
    reply.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="receipt.jpg")
    desk_smtp(reply)
    assert Interaction.objects.filter(ticket=ticket, body__contains="换了纸还是不行").exists()
    assert Attachment.objects.filter(ticket=ticket, original_name="receipt.jpg").exists()


def test_auto_replies_and_our_own_mail_are_ignored(desk_smtp, contact):
    desk_smtp(_mail("自动回复：不在办公室", "我休假到下周", Auto_Submitted="auto-replied"))
    desk_smtp(_mail("通知", "……", sender="desk@poscare.example.cn"))
    desk_smtp(_mail("退信", "……", sender="MAILER-DAEMON@mx.example.cn"))
    assert not Ticket.objects.exists()
    assert set(InboundMail.objects.values_list("outcome", flat=True)) == {"automatic"}


def test_the_same_mail_twice_opens_one_ticket(desk_smtp, contact):
    message = _mail("打印机坏了", "不出纸", Message_ID="<m1@axiang.example.cn>")
    desk_smtp(message)
    desk_smtp(message)
    assert Ticket.objects.count() == 1 and InboundMail.objects.count() == 1


def test_unknown_senders_and_forged_reply_addresses_do_not_reach_a_ticket(
    desk_smtp, contact, merchant_b
):
    desk_smtp(_mail("hello", "who am I", sender="stranger@example.com"))
    assert InboundMail.objects.get().outcome == "unmatched" and not Ticket.objects.exists()
    desk_smtp(_mail("first", "开个工单"))
    ticket = Ticket.objects.get()
    forged = f"desk+{ticket.number}.0000000000@poscare.example.cn"
    desk_smtp(_mail("Re: first", "伪造的回复地址", to=forged))
    assert not Interaction.objects.filter(ticket=ticket, body__contains="伪造").exists()


def test_reply_addresses_are_signed():
    from channels.mail_rules import reply_address, ticket_number

    address = reply_address("T26110000421", "secret", "desk@example.cn")
    assert ticket_number(address, "secret") == "T26110000421"
    assert ticket_number(address, "other-secret") is None
    assert ticket_number("desk@example.cn", "secret") is None


def test_desk_mail_about_a_ticket_replies_to_the_ticket(desk_smtp, contact, agent):
    """Outgoing desk mail carries the ticket's reply address as Reply-To, so the merchant's
    mail client answers onto the ticket."""
    from django.core import mail as outbox

    from desk.services import add_interaction

    desk_smtp(_mail("POS 不出小票", "打印机不走纸"))
    ticket = Ticket.objects.get(merchant=contact.merchant, channel="email")
    outbox.outbox.clear()
    add_interaction(ticket, by=agent, body="请换一卷热敏纸再试")
    sent = [m for m in outbox.outbox if "owner@axiang.example.cn" in m.to]
    assert sent and sent[0].reply_to == [mail.reply_address(ticket)]
    answer = _mail("Re: 工单", "换纸后正常了", to=sent[0].reply_to[0])
    desk_smtp(answer)
    assert Interaction.objects.filter(ticket=ticket, body__contains="换纸后正常了").exists()


def test_notices_not_about_one_ticket_have_no_reply_to(merchant_a, contact):
    from django.core import mail as outbox

    from notifications.services import notify

    notify(merchant_a, event="statements.ready", subject="对账单", body="本月对账单已生成")
    assert outbox.outbox and all(not m.reply_to for m in outbox.outbox)
