"""Clarifying questions for the pairs of intents merchants' words often leave open.

"撤销" may mean voiding a sale or giving up the POS; "96" may be a code or a sign that the
system is down; "刷不了" may be a card the machine cannot read or a declined payment; a call
about a POS may be one to verify or one sales call too many. When the words leave both readings
open (or the model's two likeliest intents are such a pair and it is unsure), the assistant
offers both readings in plain words instead of guessing. The merchant's choice is kept as a
labelled example (``LearnedExample``) for a supervisor to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assistant.models import Conversation, LearnedExample
from assistant.nlu import Understanding, normalize

# A runner-up this likely makes the pair worth asking about even above the clarify threshold.
RUNNER_UP_FLOOR = 0.2


@dataclass(frozen=True)
class Reading:
    intent: str
    words: Promise  # what the merchant may have meant, in plain words


@dataclass(frozen=True)
class Confusable:
    """Two readings, the words that leave them open, and the words that settle them."""

    first: Reading
    second: Reading
    open_words: re.Pattern[str] | None = None
    settling_words: re.Pattern[str] | None = None

    @property
    def intents(self) -> set[str]:
        return {self.first.intent, self.second.intent}

    def left_open_by(self, words: str) -> bool:
        if self.open_words is None or not self.open_words.search(words):
            return False
        return self.settling_words is None or not self.settling_words.search(words)


_VOID_SALE = Reading("refund_void", _("撤销或退掉一笔交易"))
_STOP_POS = Reading("cancel_pos", _("不再使用这台 POS 机（注销或退机）"))
_CODE = Reading("txn_failed_code", _("POS 机上显示了一个代码"))
_OUTAGE = Reading("outage_status", _("所有交易都刷不了，想知道是不是系统故障"))
_CANNOT_READ = Reading("card_read_error", _("机器读不了卡（插卡、刷卡或挥卡没反应）"))
_DECLINED = Reading("txn_failed_generic", _("读卡以后交易被拒绝"))
_DECLINED_CODE = Reading("txn_failed_code", _("读卡以后交易被拒绝并显示代码"))
_VERIFY_CALL = Reading("verify_caller", _("有人来电说 POS 的事，想核实是不是我们打的"))
_SALES_CALLS = Reading("too_many_calls", _("推销或回访电话太多，想少接电话"))
_APPLY = Reading("apply_pos", _("我自己想申请一台 POS 机"))

_CALL = re.compile(r"电话|来电|打给我|\bcall(?:s|ed|ing)?\b|\bphoned?\b")
_CALL_SETTLED = re.compile(
    r"真的|真假|是不是|核实|骗|冒充|验证|可信|\breal\b|\bscam|\bverify|\blegit"
    r"|太多|天天|每天|老是|总是|骚扰|推销|别再|不要再|少打|\bstop\b|too many|every day"
    r"|申请|办理|想办|想要|\bapply"
)

CONFUSABLE_PAIRS: tuple[Confusable, ...] = (
    Confusable(
        _VOID_SALE,
        _STOP_POS,
        re.compile(r"撤销|取消|注销|停用|\bcancel"),
        re.compile(
            r"一笔|那笔|这笔|交易|消费|刷的|订单|金额|元|块|\bsale|\btransaction|\bpayment"
            r"|退机|不用了|不想用|不要了|商户|终端|结算卡|银行卡|\bterminal|\baccount|\bservice"
        ),
    ),
    Confusable(
        _CODE,
        _OUTAGE,
        re.compile(r"都|所有|全部|大家|整个|\ball\b|\beveryone\b|\bevery\b"),
        re.compile(r"什么意思|啥意思|\bmean"),
    ),
    Confusable(
        _CANNOT_READ,
        _DECLINED,
        re.compile(r"刷不了|刷不出|不能刷|刷卡不行|刷不上|\bcan.?t (?:swipe|take cards?)"),
        re.compile(
            r"读|识别|插卡|挥卡|芯片|磁条|闪付|没反应|\bchip|\btap|\bread"
            r"|拒|失败|代码|显示|提示|余额|\bdeclin|\bcode|都|所有|全部"
        ),
    ),
    Confusable(_CANNOT_READ, _DECLINED_CODE),
    Confusable(_VERIFY_CALL, _SALES_CALLS, _CALL, _CALL_SETTLED),
    Confusable(_VERIFY_CALL, _APPLY, _CALL, _CALL_SETTLED),
    Confusable(_SALES_CALLS, _APPLY, _CALL, _CALL_SETTLED),
)


def confusable_readings(understanding: Understanding, text: str) -> tuple[Reading, Reading] | None:
    """The pair to ask about: the model's two likeliest intents are one and it is unsure, or
    its likeliest is one of a pair and the words leave both readings open."""
    if understanding.action == "handoff":
        return None
    runner_up, runner_up_p = (understanding.alternatives or [("", 0.0)])[0]
    unsure = understanding.action == "clarify" or runner_up_p >= RUNNER_UP_FLOOR
    words = normalize(text)
    for pair in CONFUSABLE_PAIRS:
        if unsure and pair.intents == {understanding.intent, runner_up}:
            return pair.first, pair.second
        if understanding.intent in pair.intents and pair.left_open_by(words):
            return pair.first, pair.second
    return None


def reading_names(intent_words: dict[str, str]) -> dict[str, str]:
    """Lower-cased plain words (Chinese and English) → intent, to recognise a tapped reply."""
    names = {words.lower(): intent for intent, words in intent_words.items()}
    readings = {reading for pair in CONFUSABLE_PAIRS for reading in (pair.first, pair.second)}
    for reading in readings:
        if reading.intent in intent_words:
            for code in ("zh-hans", "en"):
                with translation.override(code):
                    names[str(reading.words).lower()] = reading.intent
    return names


def learn(conversation: Conversation, question: str, intent: str, offered: list[str]) -> None:
    """Keep the merchant's choice as a labelled example for review (once per answer)."""
    if not question:
        return
    LearnedExample.objects.get_or_create(
        conversation=conversation,
        text=question[:500],
        intent=intent,
        defaults={"offered": offered},
    )
