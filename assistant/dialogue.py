"""The dialogue: what the assistant says next, given what it understood and where the
conversation stands (troubleshooting step, facts being collected, a clarifying question).

`respond(ctx)` is the one entry point. It reads and updates `ctx.state` (stored on the
conversation), calls the per-intent handlers in `assistant.handlers` and the hand-off in
`assistant.handoff`, and returns a `Reply`. It never writes messages itself
(`services.post_message` does), so each flow can be tested on its own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from assistant import backends
from assistant import clarify as readings
from assistant.intents import INTENT_LABELS, intent_label
from assistant.nlu import Understanding

HUMAN = "human_agent"
NOT_TOPICS = frozenset({"other", "greeting", "complaint", HUMAN})

# Answers to "did that fix it?". "No" is checked first: "还是不行" contains "行".
_NO = re.compile(
    r"不行|没用|没有用|没好|不好|不能|没反应|还是|依然|仍然|一样|无效|失败|没解决|未解决|"
    r"\bno\b|\bnope\b|\bstill\b|not (?:work|fix|solved)|doesn'?t|didn'?t|won'?t"
)
_YES = re.compile(
    r"好了|可以了|行了|解决了|正常了|能用了|搞定|没问题了|谢谢|有用|^(?:好|是|对|嗯|可以|行)[的啊呀吧!！。]*$|"
    r"\byes\b|\bfixed\b|\bworks\b|\bworking\b|\bsolved\b|\bok\b"
)


@dataclass
class Reply:
    text: str
    action: str  # answer / clarify / handoff / ask
    intent: str
    quick_replies: list[str] = field(default_factory=list)
    unanswered: bool = False
    ticket_number: str = ""


@dataclass
class Context:
    """One incoming message and everything a handler may use to answer it."""

    user: Any
    conversation: Any  # assistant.models.Conversation
    understanding: Understanding
    text: str  # already masked
    now: dt.datetime
    language: str = "zh"

    @property
    def state(self) -> dict[str, Any]:
        return self.conversation.state

    @property
    def entities(self) -> dict[str, Any]:
        return self.understanding.entities

    @property
    def english(self) -> bool:
        return self.language.startswith("en")

    @property
    def is_merchant_user(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False) and self.user.is_merchant_user)

    @cached_property
    def merchants(self) -> list[Any]:
        return backends.merchants_of(self.user)

    @property
    def merchant(self) -> Any:
        """The merchant this conversation is about, when it is known without asking."""
        if self.conversation.merchant_id:
            return self.conversation.merchant
        merchants = self.merchants
        wanted = set(self.entities.get("merchant_id", []))
        for merchant in merchants:
            if merchant.merchant_id in wanted:
                return self._choose(merchant)
        for value in self.entities.get("terminal_id", []) + self.entities.get("serial_no", []):
            terminal = backends.find_terminal(self.user, value)
            if terminal is not None:
                self.conversation.terminal = terminal
                return self._choose(terminal.merchant)
        if len(merchants) == 1:
            return self._choose(merchants[0])
        return None

    def _choose(self, merchant: Any) -> Any:
        self.conversation.merchant = merchant
        return merchant

    @property
    def terminal(self) -> Any:
        if self.conversation.terminal_id:
            return self.conversation.terminal
        merchant = self.merchant
        if merchant is None:
            return None
        for value in self.entities.get("terminal_id", []) + self.entities.get("serial_no", []):
            terminal = backends.find_terminal(self.user, value)
            if terminal is not None and terminal.merchant_id == merchant.pk:
                self.conversation.terminal = terminal
                return terminal
        terminals = backends.terminals_of(self.user, merchant)
        if len(terminals) == 1:
            self.conversation.terminal = terminals[0]
            return terminals[0]
        return None


def respond(ctx: Context) -> Reply:
    """The reply to one message; updates ctx.state for the next one."""
    return with_safety_notes(ctx, _respond(ctx))


def _respond(ctx: Context) -> Reply:
    from assistant import handlers, handoff
    from chargebacks.chat import topic_reply as cases_topic_reply

    understanding = ctx.understanding
    flow = ctx.state.get("flow")
    if flow == "collect":
        return handoff.continue_collecting(ctx)
    if understanding.intent == HUMAN and understanding.action == "handoff":
        return handoff.start(ctx, reason="requested", intent=ctx.state.get("topic") or HUMAN)
    if flow == "troubleshoot":
        reply = handlers.continue_troubleshooting(ctx)
        if reply is not None:
            return reply
    if flow == "clarify":
        chosen = _chosen_option(ctx)
        if chosen is not None:
            question, options = ctx.state.get("question", ""), ctx.state.get("options", [])
            readings.learn(ctx.conversation, question, chosen, options)
            ctx.state.clear()
            return answer(ctx, chosen)
    if flow == "await_details":
        reply = handlers.continue_with_details(ctx)
        if reply is not None:
            return reply
    ctx.state.clear()
    topic = cases_topic_reply(ctx)  # chargebacks and card fraud: a topic, not an intent
    if topic is not None:
        return topic
    if understanding.action == "handoff":
        reason = {"complaint": "complaint", HUMAN: "requested"}.get(
            understanding.intent, "out_of_scope"
        )
        return handoff.start(ctx, reason=reason, intent=understanding.intent)
    pair = readings.confusable_readings(understanding, ctx.text)
    if pair is not None:
        return clarify_readings(ctx, pair)
    if understanding.action == "clarify":
        return clarify(ctx)
    return answer(ctx, understanding.intent)


def answer(ctx: Context, intent: str) -> Reply:
    from assistant import handlers, handoff

    if intent in ("complaint", HUMAN):
        reason = {"complaint": "complaint", HUMAN: "requested"}[intent]
        return handoff.start(ctx, reason=reason, intent=intent)
    handler = handlers.HANDLERS.get(intent, handlers.knowledge)
    return handler(ctx, intent)


def clarify(ctx: Context) -> Reply:
    """Offer the two likeliest topics instead of guessing."""
    understanding = ctx.understanding
    # Offer topics the assistant can act on; "other"/"greeting" are not topics to pick.
    candidates = [understanding.intent] + [intent for intent, _p in understanding.alternatives]
    options = [intent for intent in candidates if intent not in NOT_TOPICS][:2]
    if not options:
        options = [understanding.intent]
    ctx.state.update({"flow": "clarify", "options": options, "question": ctx.text})
    labels = [intent_label(intent) for intent in options]
    if len(labels) > 1:
        text = _(
            "我想确认一下，您问的是“%(first)s”还是“%(second)s”？点下面的按钮或换个说法告诉我。"
        ) % {"first": labels[0], "second": labels[1]}
    else:
        text = _("我想确认一下，您问的是“%(first)s”吗？点下面的按钮或换个说法告诉我。") % {
            "first": labels[0]
        }
    return Reply(
        text=text,
        action="clarify",
        intent=understanding.intent,
        quick_replies=[*labels, _("转人工")],
    )


def clarify_readings(ctx: Context, pair: tuple[readings.Reading, readings.Reading]) -> Reply:
    """Offer the two readings of a confusable pair in plain words."""
    first, second = pair
    ctx.state.update(
        {
            "flow": "clarify",
            "options": [first.intent, second.intent],
            "readings": {first.intent: str(first.words), second.intent: str(second.words)},
            "question": ctx.text,
        }
    )
    text = _("为了不答错，我想先确认一下：您是想说“%(first)s”，还是“%(second)s”？") % {
        "first": first.words,
        "second": second.words,
    }
    return Reply(
        text=text,
        action="clarify",
        intent=ctx.understanding.intent,
        quick_replies=[str(first.words), str(second.words), _("转人工")],
    )


def _chosen_option(ctx: Context) -> str | None:
    options: list[str] = ctx.state.get("options", [])
    said = ctx.text.strip().lower()
    tapped = readings.reading_names(ctx.state.get("readings", {})).get(said)
    if tapped in options:
        return tapped
    for intent in options:
        label = INTENT_LABELS.get(intent)
        names = {intent}
        if label is not None:
            from django.utils import translation

            for code in ("zh-hans", "en"):
                with translation.override(code):
                    names.add(str(label).lower())
        if said in names:
            return intent
    if ctx.understanding.intent in options and ctx.understanding.action != "handoff":
        return ctx.understanding.intent
    return None


def is_no(text: str) -> bool:
    return bool(_NO.search(text.lower()))


def is_yes(text: str) -> bool:
    return not is_no(text) and bool(_YES.search(text.strip().lower()))


def with_safety_notes(ctx: Context, reply: Reply) -> Reply:
    """A card number or verification code typed into the chat earns a warning (the stored
    text is already masked)."""
    notes = []
    if ctx.entities.get("card_numbers"):
        notes.append(
            _(
                "为了您的安全，请不要在聊天里发送完整卡号——我们已自动隐藏。"
                "我们永远不会索要完整卡号、密码（PIN）、CVV 或短信验证码。"
            )
        )
    elif ctx.entities.get("verification_codes") and ctx.understanding.intent != "verify_caller":
        notes.append(_("请不要把短信验证码发给任何人，包括自称客服的人。"))
    if notes:
        reply.text = reply.text + "\n\n" + "\n".join(notes)
    return reply
