"""An agent takes over a conversation a merchant started in WeChat: the agent's lines reach the
follower as customer-service (chat) messages while WeChat's 48-hour window since the
follower's last message is open, as template messages after it (and when WeChat says the
window has closed). A send that never reached WeChat, or got "system busy", is tried again by
the notifications task, each try a Delivery; one WeChat got but did not answer is not. Through
the real HTTP adapter to the simulated WeChat API (channels/tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from assistant import takeover
from assistant.models import Conversation
from channels import wechat
from channels.tests.conftest import CUSTOM_SEND, TEMPLATE_SEND
from notifications.models import Delivery

pytestmark = pytest.mark.django_db


def _writes(account, text: str, msg_id: str) -> None:
    """The follower sends a text message to the Official Account (the callback's handling)."""
    inbound = wechat.Inbound(
        openid="o-alice", account="gh_account", msg_type="text", text=text, msg_id=msg_id
    )
    wechat.handle(account, inbound)


def _agent_answers(conversation, agent, text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        takeover.agent_reply(conversation, text, by=agent)


@pytest.fixture
def chat(wechat_api, bound, alice, agent, account, django_capture_on_commit_callbacks):
    """Alice wrote to the account a moment ago; agent A1001 took the conversation over."""
    _writes(account, "打印不出小票", "m-1")
    conversation = Conversation.objects.get(user=alice, channel=Conversation.Channel.API)
    with django_capture_on_commit_callbacks(execute=True):
        takeover.take_over(conversation, by=agent)
    return conversation


def test_within_48_hours_the_agents_lines_are_chat_messages(
    chat, wechat_api, bound, agent, django_capture_on_commit_callbacks
):
    _agent_answers(chat, agent, "请换一卷热敏纸", django_capture_on_commit_callbacks)
    assert wechat_api.paths == [CUSTOM_SEND, CUSTOM_SEND]  # the join line, then the answer
    joined, answer = wechat_api.sent
    assert joined["touser"] == "o-alice" and joined["msgtype"] == "text"
    assert "A1001" in joined["text"]["content"] and "已接入" in joined["text"]["content"]
    assert answer == {
        "touser": "o-alice",
        "msgtype": "text",
        "text": {"content": "坐席 A1001 的回复\n请换一卷热敏纸"},
    }
    deliveries = Delivery.objects.filter(channel="wechat", event="assistant.agent_reply")
    assert [d.status for d in deliveries] == ["sent", "sent"]


def test_a_follower_who_bound_in_english_reads_the_agents_line_in_english(
    chat, wechat_api, bound, agent, django_capture_on_commit_callbacks
):
    bound.language = "en"
    bound.save(update_fields=["language"])
    _agent_answers(chat, agent, "Please load a new paper roll", django_capture_on_commit_callbacks)
    content = wechat_api.sent[-1]["text"]["content"]
    assert content == "Reply from agent A1001\nPlease load a new paper roll"


def test_after_48_hours_the_agents_line_is_a_template_message(
    chat, wechat_api, bound, agent, django_capture_on_commit_callbacks
):
    bound.last_message_at = timezone.now() - dt.timedelta(hours=48, minutes=1)
    bound.save(update_fields=["last_message_at"])
    _agent_answers(chat, agent, "请换一卷热敏纸", django_capture_on_commit_callbacks)
    assert wechat_api.paths[-1] == TEMPLATE_SEND
    sent = wechat_api.sent[-1]
    assert sent["data"]["first"]["value"] == "坐席 A1001 的回复"
    assert sent["data"]["keyword1"]["value"] == "请换一卷热敏纸"


def test_a_new_message_from_the_follower_opens_the_window_again(
    chat, wechat_api, bound, account, agent, django_capture_on_commit_callbacks
):
    bound.last_message_at = timezone.now() - dt.timedelta(days=3)
    bound.save(update_fields=["last_message_at"])
    _writes(account, "还在吗", "m-2")
    bound.refresh_from_db()
    assert bound.can_chat()
    _agent_answers(chat, agent, "在的", django_capture_on_commit_callbacks)
    assert wechat_api.paths[-1] == CUSTOM_SEND


def test_when_wechat_says_the_window_closed_the_line_goes_as_a_template(
    chat, wechat_api, agent, django_capture_on_commit_callbacks
):
    wechat_api.mode = "window_closed"
    _agent_answers(chat, agent, "请换一卷热敏纸", django_capture_on_commit_callbacks)
    assert wechat_api.paths[-1] == TEMPLATE_SEND
    assert Delivery.objects.filter(channel="wechat").latest("pk").status == "sent"


def test_a_notice_that_is_not_a_chat_line_stays_a_template_message(
    chat, wechat_api, merchant_a, django_capture_on_commit_callbacks
):
    from notifications.services import notify

    with django_capture_on_commit_callbacks(execute=True):
        notify(merchant_a, event="desk.ticket_update", subject="工单 T1 有新进展", body="…")
    assert wechat_api.paths[-1] == TEMPLATE_SEND


def test_a_busy_answer_is_tried_again_and_each_try_is_recorded(
    chat, wechat_api, agent, django_capture_on_commit_callbacks
):
    """The test settings run tasks in process, so the second try follows at once; with a
    queue (database, RQ) it waits `RETRY_AFTER` (next test)."""
    wechat_api.mode = "busy_once"
    _agent_answers(chat, agent, "请换一卷热敏纸", django_capture_on_commit_callbacks)
    tries = Delivery.objects.filter(channel="wechat").order_by("pk")
    assert [(d.status, "-1" in d.error) for d in tries][-2:] == [("failed", True), ("sent", False)]
    assert wechat_api.sent[-1]["text"]["content"].endswith("请换一卷热敏纸")
    assert len([p for p in wechat_api.paths if p == CUSTOM_SEND]) == 2  # join + answer, once


def _agent_reply_payload(bound) -> dict:
    target = {"channel": "wechat", "address": f"{bound.integration_id}:o-alice"}
    return {
        "merchant_id": None,
        "event": "assistant.agent_reply",
        "subject": "坐席 A1001 的回复",
        "body": "请换一卷热敏纸",
        "subject_en": "",
        "body_en": "",
        "link": "",
        "reply_to": "",
        "targets": [target],
    }


@pytest.fixture
def queued_tasks(settings):
    """From here on tasks are queued, not run: what `deliver` queues again, and when, can be
    read (ask for it after the fixtures whose tasks should run)."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    yield default_task_backend
    default_task_backend.clear()


def test_a_send_that_never_reached_wechat_is_queued_again_later_then_given_up(
    chat, wechat_api, bound, queued_tasks
):
    """The access token is at hand, then WeChat cannot be reached (the connection is refused):
    nothing was sent, so the same send is tried again after RETRY_AFTER, until the last try."""
    from notifications.services import RETRY_AFTER, deliver

    wechat_api.close()  # nothing listens on the API's address any more
    payload = _agent_reply_payload(bound)
    before = timezone.now()
    deliver.call(payload)
    (queued,) = queued_tasks.results
    assert queued.task.run_after is not None
    assert queued.task.run_after - before >= RETRY_AFTER[0]
    assert queued.args[0]["targets"] == payload["targets"] and queued.args[0]["tries"] == 2
    queued_tasks.clear()
    deliver.call({**payload, "tries": len(RETRY_AFTER) + 1})  # the last try
    assert queued_tasks.results == []
    failed = Delivery.objects.filter(channel="wechat").exclude(status="sent")  # not the join line
    assert [(d.status, d.error.split(":")[0], d.reason) for d in failed] == [
        ("failed", "unsent", "")
    ] * 2


def test_a_send_wechat_got_but_never_answered_is_not_sent_again(
    settings, chat, wechat_api, bound, queued_tasks
):
    """WeChat may have delivered a message it did not answer in time: sending it again could
    deliver it twice, so it is recorded with an unknown outcome and left."""
    from notifications.services import deliver

    settings.WECHAT_API_TIMEOUT = 0.2
    wechat_api.mode = "silent"
    deliver.call(_agent_reply_payload(bound))
    assert queued_tasks.results == []
    (attempt,) = Delivery.objects.filter(channel="wechat").exclude(status="sent")
    assert attempt.status == "unknown" and attempt.error.startswith("timeout")
    assert attempt.reason == "no_answer"
    assert wechat_api.tokens_issued == 1  # the token was fetched: the send itself went out
