"""The dialogue: what the assistant says next, given what it understood and where the
conversation stands.

Where it stands is a typed ``State`` (``assistant.turn``) whose ``Flow`` picks, from the one
transition table ``TRANSITIONS``, the function that reads the next message: a troubleshooting
step's "did it help?", a clarifying question's answer, a detail the assistant asked for, a fact a
hand-off needs. That function returns the reply — with the state for the next message — or
``None`` when the message is a new question rather than the answer; ``new_question`` then
answers it. ``respond`` never writes messages itself (``services.post_message`` does), so each
flow can be tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from assistant import clarify as readings
from assistant import handlers, handoff
from assistant.intents import INTENT_LABELS, intent_label
from assistant.troubleshooting import TROUBLESHOOTING_INTENTS, names_hazard
from assistant.turn import HUMAN, NOT_TOPICS, Context, Flow, Reply, State
from chargebacks.chat import topic_reply as cases_topic_reply

__all__ = ["TRANSITIONS", "Context", "Reply", "State", "respond"]

Transition = Callable[[Context], Reply | None]


def respond(ctx: Context) -> Reply:
    """The reply to one message; ``reply.state`` is where the conversation stands next."""
    reply = TRANSITIONS[ctx.state.flow](ctx) or new_question(ctx)
    return with_safety_notes(ctx, reply)


def new_question(ctx: Context) -> Reply:
    """A message that is not the answer to anything: answer it, ask, or hand it to a person."""
    understanding = ctx.understanding
    topic = cases_topic_reply(ctx)  # chargebacks and card fraud: a topic, not an intent
    if topic is not None:
        return topic
    if understanding.action == "handoff":
        reason = "complaint" if understanding.intent == "complaint" else "requested"
        return handoff.start(ctx, reason=reason, intent=understanding.intent)
    if understanding.intent in TROUBLESHOOTING_INTENTS and names_hazard(ctx.text):
        # A wet, dropped or hot device: the safety advice now, even when the model is unsure.
        return answer(ctx, understanding.intent)
    pair = readings.confusable_readings(understanding, ctx.text)
    if pair is not None:
        return clarify_readings(ctx, pair)
    if understanding.action == "clarify":
        return clarify(ctx)
    return answer(ctx, understanding.intent)


def person_first(transition: Transition) -> Transition:
    """Asking for a person ends any flow: the hand-off keeps the flow's topic."""

    def step(ctx: Context) -> Reply | None:
        understanding = ctx.understanding
        if understanding.intent == HUMAN and understanding.action == "handoff":
            return handoff.start(ctx, reason="requested", intent=ctx.state.topic or HUMAN)
        return transition(ctx)

    step.__doc__ = transition.__doc__
    return step


# "Neither" / "I don't know" to "did you mean A or B?" ("是不是…" is a question, not a no).
_NEITHER = re.compile(
    r"不清楚|不知道|不确定|说不清|都不是|都不对|(?<!是)不是|\bno\b|\bneither\b|\bnone\b"
    r"|not sure|don'?t know|\bnope\b"
)


def continue_clarifying(ctx: Context) -> Reply | None:
    """The merchant picked one of the readings offered (or said it in other words), said it is
    neither, or asked something else (None: a new question)."""
    chosen = _chosen_option(ctx)
    if chosen is not None:
        readings.learn(ctx.conversation, ctx.state.question, chosen, ctx.state.options)
        return answer(ctx, chosen)
    understanding = ctx.understanding
    if understanding.action == "answer" and understanding.intent not in NOT_TOPICS:
        return None
    if _NEITHER.search(ctx.text.lower()):
        return Reply(
            text=_(
                "好的，那请换个说法描述一下遇到的问题，比如屏幕上显示了什么、在哪一步出的错；"
                "也可以点“转人工”。"
            ),
            action="answer",
            intent=understanding.intent,
            quick_replies=[_("转人工")],
            unanswered=True,
        )
    return None


# Where the conversation stands → the function that reads the next message. Every flow is a
# row; ``assistant/tests/test_dialogue_states.py`` checks that none is missing.
TRANSITIONS: dict[Flow, Transition] = {
    Flow.IDLE: new_question,
    Flow.COLLECT: handoff.continue_collecting,
    Flow.TROUBLESHOOT: person_first(handlers.continue_troubleshooting),
    Flow.CLARIFY: person_first(continue_clarifying),
    Flow.AWAIT_DETAILS: person_first(handlers.continue_with_details),
}


def answer(ctx: Context, intent: str) -> Reply:
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
        # Nothing to offer (unsure between "other" and small talk): say what we can help with.
        return handlers.out_of_scope(ctx, "other")
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
        state=State(flow=Flow.CLARIFY, options=options, question=ctx.text),
    )


def clarify_readings(ctx: Context, pair: tuple[readings.Reading, readings.Reading]) -> Reply:
    """Offer the two readings of a confusable pair in plain words."""
    first, second = pair
    text = _("为了不答错，我想先确认一下：您是想说“%(first)s”，还是“%(second)s”？") % {
        "first": first.words,
        "second": second.words,
    }
    return Reply(
        text=text,
        action="clarify",
        intent=ctx.understanding.intent,
        quick_replies=[str(first.words), str(second.words), _("转人工")],
        state=State(
            flow=Flow.CLARIFY,
            options=[first.intent, second.intent],
            readings={first.intent: str(first.words), second.intent: str(second.words)},
            question=ctx.text,
        ),
    )


def _chosen_option(ctx: Context) -> str | None:
    options = ctx.state.options
    said = ctx.text.strip().lower()
    tapped = readings.reading_names(ctx.state.readings).get(said)
    if tapped in options:
        return tapped
    for intent in options:
        label = INTENT_LABELS.get(intent)
        names = {intent}
        if label is not None:
            for code in ("zh-hans", "en"):
                with translation.override(code):
                    names.add(str(label).lower())
        if said in names:
            return intent
    # Said in other words: only a confident reading counts (an unsure guess that happens to be
    # one of the options, e.g. "不清楚" read as a printing question, is no choice).
    if ctx.understanding.intent in options and ctx.understanding.action == "answer":
        return ctx.understanding.intent
    return None


# A card number as masked where it came in (core.masking: the request middleware masks a
# Luhn-valid number before the assistant sees it; the NLU masks labelled ones).
_MASKED_CARD = re.compile(r"(?<!\d)\d{6}\*{2,9}\d{4}(?!\d)")


def with_safety_notes(ctx: Context, reply: Reply) -> Reply:
    """A card number or verification code typed into the chat earns a warning (the stored
    text is already masked)."""
    notes = []
    if ctx.entities.get("card_numbers") or _MASKED_CARD.search(ctx.text):
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
