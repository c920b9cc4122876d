"""Issue 14: live chat take-over. An agent joins a merchant's conversation with the assistant
and answers in person; the merchant sees the agent number; the assistant is silent while the
agent holds the conversation; release hands it back. Agents only; a merchant reads only their
own conversation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assistant import services, takeover
from assistant.models import Conversation, Message
from core.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db

CARD = "6222021234567890128"


def portal_chat(client, user, text):
    client.force_login(user)
    return client.post(reverse("assistant_send"), {"text": text}, HTTP_HX_REQUEST="true")


@pytest.fixture
def held(client, alice, agent):
    """Alice asked the assistant something in the portal; agent A1001 took it over."""
    portal_chat(client, alice, "打印不出小票")
    conversation = Conversation.objects.get(user=alice)
    takeover.take_over(conversation, by=agent)
    conversation.refresh_from_db()
    return conversation


def test_agent_takes_over_and_the_assistant_stays_silent(client, alice, agent, held):
    assert held.agent == agent and held.taken_over_at is not None
    before = Message.objects.filter(conversation=held, direction="out").count()
    html = portal_chat(client, alice, "还是不行").content.decode()
    assert "还是不行" in html
    # No assistant answer while the agent holds the conversation.
    assert Message.objects.filter(conversation=held, direction="out").count() == before
    takeover.agent_reply(held, "您好，我是人工客服，请把打印机盖打开看看纸卷方向", by=agent)
    line = Message.objects.filter(conversation=held, direction="agent").last()
    assert line.agent_no == "A1001" and "纸卷方向" in line.text


def test_merchant_sees_the_agent_number_not_a_name(client, alice, agent, held):
    takeover.agent_reply(held, f"请不要发卡号 {CARD}", by=agent)
    client.force_login(alice)
    poll = client.get(reverse("assistant_poll"), {"after": 0}).content.decode()
    assert "A1001" in poll and "王芳" not in poll  # the agent number, never the name
    assert CARD not in poll and "622202****0128" in poll
    assert "正在为您服务" in poll
    page = client.get(reverse("assistant_chat")).content.decode()
    assert "A1001" in page and "正在为您服务" in page and "王芳" not in page


def test_poll_returns_only_new_agent_lines(client, alice, agent, held):
    first = takeover.agent_reply(held, "第一条", by=agent)
    takeover.agent_reply(held, "第二条", by=agent)
    client.force_login(alice)
    poll = client.get(reverse("assistant_poll"), {"after": first.pk}).content.decode()
    assert "第二条" in poll and "第一条" not in poll


def test_release_returns_the_conversation_to_the_assistant(client, alice, agent, held):
    takeover.release(held, by=agent)
    held.refresh_from_db()
    assert held.agent is None
    html = portal_chat(client, alice, "刷卡显示51").content.decode()
    assert "资金不足" in html  # the assistant answers again
    poll = client.get(reverse("assistant_poll")).content.decode()
    assert "正在为您服务" not in poll and "智能助手继续为您服务" in poll


def test_only_agents_take_over_reply_and_release(client, alice, bob, agent, held):
    for who in (alice, bob):
        with pytest.raises(PermissionDeniedError):
            takeover.take_over(held, by=who)
        with pytest.raises(PermissionDeniedError):
            takeover.agent_reply(held, "冒充客服", by=who)
        client.force_login(who)
        for name in ("assistant_take_over", "assistant_agent_reply", "assistant_release"):
            response = client.post(reverse(name, args=[held.pk]), {"text": "x"})
            assert response.status_code == 403, name
    client.logout()
    response = client.post(reverse("assistant_take_over", args=[held.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_one_agent_at_a_time_and_a_supervisor_may_release(agent, make_user, supervisor, held):
    other = make_user("agent9", role="l1", agent_no="A1009")
    with pytest.raises(PermissionDeniedError):
        takeover.take_over(held, by=other)
    with pytest.raises(PermissionDeniedError):
        takeover.agent_reply(held, "我来答", by=other)
    with pytest.raises(PermissionDeniedError):
        takeover.release(held, by=other)
    takeover.release(held, by=supervisor)
    held.refresh_from_db()
    assert held.agent is None


def test_a_merchant_polls_only_their_own_conversation(client, alice, bob, agent, held):
    takeover.agent_reply(held, "只给阿香看的回复", by=agent)
    client.force_login(bob)
    poll = client.get(reverse("assistant_poll"), {"after": 0}).content.decode()
    assert "只给阿香看的回复" not in poll and "A1001" not in poll
    client.logout()
    anonymous = client.get(reverse("assistant_poll"), {"after": 0}).content.decode()
    assert "只给阿香看的回复" not in anonymous


def test_agent_takes_over_from_the_console_page(client, alice, agent):
    portal_chat(client, alice, "打印不出小票")
    conversation = Conversation.objects.get(user=alice)
    client.force_login(agent)
    page = client.get(reverse("assistant_transcript", args=[conversation.pk])).content.decode()
    assert reverse("assistant_take_over", args=[conversation.pk]) in page
    client.post(reverse("assistant_take_over", args=[conversation.pk]))
    page = client.get(reverse("assistant_transcript", args=[conversation.pk])).content.decode()
    assert 'id="agent-reply"' in page and "hx-trigger" in page
    client.post(reverse("assistant_agent_reply", args=[conversation.pk]), {"text": "马上帮您看"})
    assert Message.objects.filter(conversation=conversation, text="马上帮您看").exists()
    client.post(reverse("assistant_release", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.agent is None


def test_wechat_or_sms_conversation_gets_the_agent_reply_as_a_notification(alice, agent):
    from notifications.models import Notification

    conversation = services.start_conversation(
        user=alice, session_key=None, channel=Conversation.Channel.API
    )
    services.post_message(conversation, "打印不出小票", user=alice)
    takeover.take_over(conversation, by=agent)
    exchange = services.post_message(conversation, "还是不行", user=alice)
    assert exchange.outbound is None and exchange.reply is None
    takeover.agent_reply(conversation, "请换一卷纸", by=agent)
    notes = Notification.objects.filter(recipient=alice, event="assistant.agent_reply")
    assert notes.filter(body="请换一卷纸", subject__contains="A1001").exists()
    assert notes.filter(body__contains="已接入").exists()  # the join note went out too
