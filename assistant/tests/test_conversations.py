"""The issue's "Done when" conversations, end to end through the service layer (what the
portal chat and the API both call): understanding, dialogue, stored messages, hand-off."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from assistant.intents import intent_label
from assistant.models import Conversation, HandOff, Message

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)


def test_code_51_is_explained_without_a_ticket(chat, alice):
    talk = chat(alice)
    reply = talk.say("刷卡显示51", now=NOON)
    assert reply.action == "answer" and reply.intent == "txn_failed_code"
    assert "51" in reply.text and "资金不足" in reply.text
    assert not HandOff.objects.exists()
    assert talk.conversation.status == Conversation.Status.OPEN


def test_code_explained_in_english_when_asked_in_english(chat, alice):
    reply = chat(alice).say("the POS says error 05", now=NOON)
    assert reply.intent == "txn_failed_code"
    assert "05" in reply.text and "Response code" in reply.text


def test_code_advice_reads_as_one_voice_in_english(chat, alice):
    """51's English is not "insufficient funds. insufficient funds on …"; 96 (the table says
    retry later) is not also told never to retry; 98 (a system fault, result unknown) says to
    check the result before running it again."""
    reply = chat(alice).say("the POS says error 51", now=NOON)
    assert "Response code 51: insufficient funds on the customer's card" in reply.text
    assert reply.text.lower().count("insufficient funds") == 1
    reply = chat(alice).say("the POS says error 96", now=NOON)
    assert "retry later" in reply.text and "do not keep retrying" not in reply.text
    reply = chat(alice).say("the POS says error 98", now=NOON)
    assert "check its result first" in reply.text and "try again later" not in reply.text


def test_unknown_code_is_not_guessed(chat, alice):
    reply = chat(alice).say("刷卡显示87", now=NOON)
    assert reply.intent == "txn_failed_code"
    assert "87" in reply.text and "不在我们的应答码表里" in reply.text
    assert reply.quick_replies == ["转人工"]


def test_scam_call_gets_warning_and_official_numbers(chat, anonymous):
    reply = chat(anonymous).say("有人打电话说是银联的，要我提供验证码", now=NOON)
    assert reply.intent == "verify_caller" and reply.action == "answer"
    assert "验证码" in reply.text and "挂断" in reply.text
    assert "95516" in reply.text  # the official number, from directory.Hotline
    assert not HandOff.objects.exists()


def test_unregistered_caller_number_is_flagged(chat, alice):
    reply = chat(alice).say("刚才 17088889999 打电话说是银联的，要我报验证码，是真的吗", now=NOON)
    assert reply.intent == "verify_caller"
    assert "17088889999" in reply.text and "不在我们登记" in reply.text


def test_full_card_number_is_stored_masked(chat, alice):
    talk = chat(alice)
    reply = talk.say("我的卡号 6222 0212 3456 7890 123 刷不了，显示05", now=NOON)
    stored = Message.objects.get(conversation=talk.conversation, direction="in")
    assert "6222021234567890123" not in stored.text.replace(" ", "")
    assert "622202" in stored.text and "0123" in stored.text
    assert "6222021234567890123" not in str(stored.entities)
    for message in Message.objects.all():
        assert "1234567890" not in message.text.replace(" ", "")
    assert "完整卡号" in reply.text  # and the merchant is told not to send one


def test_the_assistant_never_asks_for_secrets(chat, alice, terminal_a):
    talk = chat(alice)
    for text in ("刷卡显示55", "打印不出小票", "还是不行", "还是不行", "还是不行", "今天上午"):
        talk.say(text, now=NOON)
    for message in Message.objects.filter(direction="out"):
        for secret in ("请提供卡号", "请输入密码", "告诉我验证码", "CVV 是多少"):
            assert secret not in message.text


def test_transfer_to_a_person_happens_at_once(chat, alice, terminal_a):
    talk = chat(alice)
    reply = talk.say("转人工", now=NOON)
    assert reply.action == "handoff"
    handoff = HandOff.objects.get(conversation=talk.conversation)
    assert handoff.reason == HandOff.Reason.REQUESTED
    assert handoff.status == HandOff.Status.TICKET_OPENED
    assert handoff.ticket and handoff.ticket.number in reply.text


class _UnsureModel:
    """Reads every message as printer vs network with a thin margin; a tapped label firmly."""

    clarify_threshold = 0.35

    def predict(self, text):
        from assistant.nlu.classifier import Prediction

        if text in (intent_label("printer_paper"), intent_label("network_signin")):
            return Prediction("other", 0.9, [("greeting", 0.05)])
        return Prediction("printer_paper", 0.40, [("network_signin", 0.30), ("other", 0.1)])

    def decide(self, prediction):
        from assistant.nlu.classifier import decide

        return decide(prediction, self.clarify_threshold)


@pytest.fixture
def unsure_model(nlu_model):
    from assistant.nlu import set_model

    set_model(_UnsureModel())  # type: ignore[arg-type]
    yield
    set_model(nlu_model)


def test_low_confidence_asks_with_the_two_likeliest_topics(chat, alice, articles, unsure_model):
    talk = chat(alice)
    reply = talk.say("机器那个事", now=NOON)
    assert reply.action == "clarify"
    first, second, person = reply.quick_replies
    assert person == "转人工"
    assert first in reply.text and second in reply.text
    offered = talk.conversation.state["options"]
    follow = talk.say(second, now=NOON)
    assert follow.action != "clarify"
    # The second button is the second topic offered (its label, or its reading in plain words).
    assert follow.intent == offered[1]


def test_printer_guided_steps_then_ticket_with_only_missing_facts(chat, alice, terminal_a):
    from desk.models import Ticket

    talk = chat(alice)
    first = talk.say("打印不出小票", now=NOON)
    assert first.intent == "printer_paper" and "第 1 步" in first.text
    assert first.quick_replies == ["解决了", "还是不行"]
    second = talk.say("还是不行", now=NOON)
    assert "第 2 步" in second.text
    third = talk.say("还是不行", now=NOON)
    assert "第 3 步" in third.text
    question = talk.say("还是不行", now=NOON)
    # The merchant, terminal, symptom and what was tried are known: only the start time is asked.
    assert question.action == "ask"
    assert "开始时间" in question.text
    for known in ("商户编号", "序列号", "终端型号", "具体现象", "已尝试"):
        assert known not in question.text
    done = talk.say("今天早上开始的", now=NOON)
    assert done.action == "handoff"
    ticket = Ticket.objects.get()
    assert ticket.number in done.text
    assert ticket.category == "printer_paper" and ticket.channel == "assistant"
    assert ticket.merchant == terminal_a.merchant and ticket.terminal == terminal_a
    assert ticket.facts["symptom"] == "打印不出小票"
    assert "换热敏纸" in ticket.facts["tried"]
    assert ticket.facts["started_at"]
    texts = [line["text"] for line in ticket.transcript]
    assert texts[0] == "打印不出小票" and "还是不行" in texts
    assert talk.conversation.status == Conversation.Status.HANDED_OFF
    asked = Message.objects.filter(direction="out", action="ask").count()
    assert asked == 1


def test_fixed_printer_ends_without_ticket(chat, alice, terminal_a):
    talk = chat(alice)
    talk.say("小票打出来是白纸", now=NOON)
    reply = talk.say("好了，可以打印了", now=NOON)
    assert "解决" in reply.text
    assert not HandOff.objects.exists()
    assert talk.conversation.state == {}


def test_funds_not_arrived_finds_the_transaction_and_its_payout_date(chat, alice, terminal_a):
    from payments.services import settlement_eta_for
    from payments.tests.factories import TransactionFactory

    txn = TransactionFactory(
        terminal=terminal_a,
        amount=128000,
        local_time=dt.datetime(2026, 11, 23, 15, 2, tzinfo=SHANGHAI),
    )
    TransactionFactory(  # another day, another amount: not the one the merchant means
        terminal=terminal_a,
        amount=5000,
        local_time=dt.datetime(2026, 11, 20, 15, 0, tzinfo=SHANGHAI),
    )
    eta = settlement_eta_for(txn)
    reply = chat(alice).say("昨天下午3点刷的1280元还没到账", now=NOON)
    assert reply.intent == "funds_not_arrived" and reply.action == "answer"
    assert "1,280.00" in reply.text and "2026-11-23 15:02" in reply.text
    assert f"到账日：{eta.payout_date.isoformat()}" in reply.text
    assert eta.explanation("zh") in reply.text  # the reason, from the settlement calendar


def test_funds_question_without_details_asks_for_them(chat, alice, terminal_a):
    talk = chat(alice)
    reply = talk.say("钱还没到账", now=NOON)
    assert reply.action == "ask" and "参考号" in reply.text
    follow = talk.say("昨天下午3点 1280元", now=NOON)
    assert follow.intent == "funds_not_arrived"


def test_other_merchants_transactions_are_never_found(chat, bob, terminal_a, terminal_b):
    from payments.tests.factories import TransactionFactory

    TransactionFactory(
        terminal=terminal_a,
        amount=128000,
        local_time=dt.datetime(2026, 11, 23, 15, 2, tzinfo=SHANGHAI),
    )
    reply = chat(bob).say("昨天下午3点刷的1280元还没到账", now=NOON)
    assert "1,280.00" not in reply.text and "没有找到" in reply.text


def test_an_english_chat_stays_english_when_a_chinese_shop_name_is_tapped(
    chat, alice, merchant_a, merchant_b
):
    merchant_b.members.add(alice)
    merchant_b.short_name = "老王餐馆"
    merchant_b.save(update_fields=["short_name"])
    talk = chat(alice, language="en")
    asked = talk.say("you call me too many times, stop calling me", now=NOON)
    assert asked.action == "ask" and "老王餐馆" in asked.quick_replies
    reply = talk.say("老王餐馆", now=NOON)  # the tapped quick reply is the shop's Chinese name
    assert talk.conversation.merchant == merchant_b
    assert "contact preferences" in reply.text.lower(), reply.text
    assert "联系偏好" not in reply.text


def test_english_replies_have_no_chinese_punctuation_around_data(chat, alice):
    from directory.models import Hotline, Institution
    from tests.browser import chinese_in

    unionpay = Institution.objects.filter(code="unionpay").first() or Institution.objects.create(
        code="unionpay", name="中国银联", name_en="UnionPay", kind="scheme"
    )
    Hotline.objects.update_or_create(
        institution=unionpay,
        number="95516",
        defaults={"name": "银联客服", "serves": "银行卡交易", "serves_en": "Card transactions"},
    )
    reply = chat(alice, language="en").say("what is the official hotline number", now=NOON)
    assert "95516 (Card transactions)" in reply.text, reply.text
    assert not chinese_in(reply.text), reply.text


def test_a_card_number_masked_where_it_came_in_still_earns_the_warning(client, alice):
    client.force_login(alice)
    response = client.post(
        "/api/assistant/messages",
        {"text": "my card number is 4111 1111 1111 1111 and it was declined", "language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert "4111111111111111" not in str(body).replace(" ", "")
    assert "full card number" in body["reply"], body["reply"]
    stored = Message.objects.get(direction="in").text
    assert "4111 1111 1111 1111" not in stored and "1111" in stored


def test_the_handoffs_questions_are_announced_without_detail_s_in_english(chat, alice, terminal_a):
    talk = chat(alice, language="en")
    reply = talk.say("the printer prints no receipts", now=NOON)
    assert "Step 1" in reply.text, reply.text
    while reply.action != "ask":
        reply = talk.say("still not working", now=NOON)
    assert "I will ask what they still need to know." in reply.text, reply.text
    assert "(s)" not in reply.text


def test_a_closed_conversation_takes_no_more_messages_through_the_api(client, alice):
    client.force_login(alice)
    url = "/api/assistant/messages"
    started = client.post(url, {"text": "刷卡显示51"}, content_type="application/json").json()
    conversation = Conversation.objects.get(public_id=started["conversation"])
    conversation.status = Conversation.Status.CLOSED
    conversation.save(update_fields=["status"])
    body = {"conversation": started["conversation"], "text": "还是不行"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 409
    assert "ended" in response.json()["detail"]["en"] and "结束" in response.json()["detail"]["zh"]
    assert Message.objects.count() == 2  # nothing stored in the closed conversation


def test_the_hotline_link_is_a_word_of_its_own_in_english(client, alice):
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    html = client.get("/portal/assistant/").content.decode()
    assert "official hotline</a> to check" in html
