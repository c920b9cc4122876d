"""Chargebacks and card fraud are a topic inside the answer routing (no new intent): the
assistant explains what to do and points to the merchant's cases."""

from __future__ import annotations

import pytest

from chargebacks.chat import topic_of

pytestmark = pytest.mark.django_db


def test_the_words_decide_the_topic_but_callers_stay_with_verification():
    assert topic_of("收到一笔拒付通知怎么办", "refund_void") == "chargeback"
    assert topic_of("银行说要调单", "other") == "chargeback"
    assert topic_of("I got a chargeback", "other") == "chargeback"
    assert topic_of("顾客说他的卡被盗刷了", "account_frozen") == "fraud"
    assert topic_of("is this card fraud?", "other") == "fraud"
    assert topic_of("有人冒充银联打电话说我卡被盗刷", "verify_caller") is None
    assert topic_of("怎么撤销一笔交易", "refund_void") is None


def test_the_assistant_answers_fraud_and_chargebacks(chat, alice):
    reply = chat(alice).say("顾客说卡被盗刷了，我该怎么办")
    assert "不要给顾客退现金或转账" in reply.text and "/portal/cases/report-fraud/" in reply.text
    reply = chat(alice).say("收到拒付通知了")
    assert "回复期限" in reply.text and "/portal/cases/" in reply.text
