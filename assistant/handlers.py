"""Per-intent answers. Each handler is a plain function of the context (the message and where
the conversation stands) and the intent to a Reply that carries the next state. Facts about
money and transactions come only from the payments app (through `assistant.backends`); when a
fact is not there, the handler says so and offers a person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assistant import backends, handoff
from assistant.intents import intent_label
from assistant.models import Article
from assistant.troubleshooting import (
    HAZARD_ADVICE,
    HAZARD_TRIED,
    SAFETY_FIRST,
    TROUBLESHOOTING_INTENTS,
    names_hazard,
    steps_for,
)
from assistant.turn import (
    NOT_TOPICS,
    Context,
    Flow,
    Reply,
    State,
    Wanted,
    asks_something_else,
    is_no,
    is_yes,
    merchant_choices,
)
from core.money import yuan
from core.templatetags.punctuation import colon, lparen, rparen, semicolon
from fleet.diagnosis import diagnose_for_chat

# Intents whose request a person must carry out (the assistant explains, then offers one).
NEEDS_PERSON = frozenset(
    {
        "account_frozen",
        "settlement_account_change",
        "cancel_pos",
        "apply_pos",
        "merchant_name_mismatch",
        "duplicate_charge",
        "too_many_calls",
        "fee_rate",
    }
)
# Codes fixed by signing the terminal in again (keys, batch number or state out of step).
SIGN_IN_CODES = frozenset({"77", "A0", "99", "22"})


def person() -> str:
    return _("转人工")


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def articles_for(intent: str) -> list[Article]:
    return Article.objects.published().for_intent(intent)[:2]


def article_text(ctx: Context, articles: list[Article]) -> str:
    # Each answer ends with the article's help-centre page (the chat shows it as a link).
    return "\n\n".join(
        f"{a.title(ctx.language)}\n{a.body(ctx.language)}\n{a.get_absolute_url()}" for a in articles
    )


def login_hint() -> str:
    return _("登录商户门户后，我可以直接查您自己的交易、结算和工单。")


# ------------------------------------------------------------------ knowledge base


def knowledge(ctx: Context, intent: str) -> Reply:
    """Answer from the vetted articles linked to the intent; without one, say so."""
    articles = articles_for(intent)
    if not articles:
        return Reply(
            text=_(
                "这个问题我暂时没有核实过的资料，不想给您不准确的答案。需要的话我可以为您转人工。"
            ),
            action="answer",
            intent=intent,
            quick_replies=[person()],
            unanswered=True,
        )
    text = article_text(ctx, articles)
    quick: list[str] = []
    if intent in NEEDS_PERSON:
        text += "\n\n" + _("这件事需要工作人员办理。需要的话点“转人工”，我会把情况转给客服。")
        quick = [person()]
    return Reply(text=text, action="answer", intent=intent, quick_replies=quick)


def greeting(ctx: Context, intent: str) -> Reply:
    said = ctx.text.lower()
    if any(word in said for word in ("谢", "thank", "thx")):
        text = _("不客气！还有其他问题随时问我。")
    elif any(word in said for word in ("再见", "拜拜", "bye")):
        text = _("再见，祝您生意兴隆！")
    else:
        text = _(
            "您好，我是 POS 智能助手。可以问我交易失败、到账时间、打印和网络问题，或查询您的交易。"
        )
    return Reply(
        text=text,
        action="answer",
        intent=intent,
        quick_replies=[_("交易失败"), _("钱没到账"), _("打印不出小票"), person()],
    )


# ------------------------------------------------------------------ response codes


def _class_advice(info: backends.CodeInfo) -> str:
    """The UnionPay action class's advice, unless the code's own advice already says when to
    try again (a class C code the table marks safe to retry, such as 96 "retry later")."""
    if info.uc_class == "C" and info.retry_safe:
        return ""
    return {
        "A": _("这表示交易已成功（或部分成功），不是故障。"),
        "B": _("处理后可以重试这笔交易。"),
        "C": _("请不要反复重试同一笔交易。"),
        "D": _("收银员需要处理：按上面的提示操作，不要继续这笔交易。"),
        "E": _("这是系统故障：先不要重做这笔交易，请先查询交易结果，确认没有扣款后再做。"),
    }.get(info.uc_class, "")


def _code_line(info: backends.CodeInfo) -> str:
    """'Response code 51: meaning. action' — the meaning left out where the action already
    begins with it (the English of 51: "insufficient funds on the customer's card …")."""
    if info.action.casefold().startswith(info.meaning.casefold()):
        return _("应答码 %(code)s：%(action)s") % {"code": info.code, "action": info.action}
    return _("应答码 %(code)s：%(meaning)s。%(action)s") % {
        "code": info.code,
        "meaning": info.meaning,
        "action": info.action,
    }


def response_code(ctx: Context, intent: str) -> Reply:
    codes = ctx.entities.get("response_codes", [])
    if not codes:
        return failed_generic(ctx, intent)
    merchant = ctx.merchant if ctx.is_merchant_user else None
    parts: list[str] = []
    unknown = False
    for code in codes[:2]:
        info = backends.response_code(code, merchant, ctx.language)
        if info is None:
            unknown = True
            parts.append(
                _(
                    "代码 %(code)s 不在我们的应答码表里（终端一般只显示“交易失败”），"
                    "我不猜它的意思。"
                    "请记下小票或屏幕上的参考号，我可以为您转人工核实。"
                )
                % {"code": code}
            )
            continue
        line = _code_line(info)
        advice = _class_advice(info)
        if advice:
            line += "\n" + advice
        if info.code in SIGN_IN_CODES:
            line += "\n" + _("处理方法：在主菜单选“签到”重新签到，再做交易。")
        parts.append(line)
    if not unknown:
        parts.append(_("这类提示不需要报修；如果同一张卡换了方法仍失败，再联系我。"))
    return Reply(
        text="\n\n".join(parts),
        action="answer",
        intent=intent,
        quick_replies=[person()] if unknown else [_("查询交易"), person()],
        unanswered=unknown,
    )


def failed_generic(ctx: Context, intent: str) -> Reply:
    merchant = ctx.merchant if ctx.is_merchant_user else None
    if merchant is not None:
        today = backends.todays_transactions(ctx.user, merchant, ctx.language)
        declined = [t for t in today[2] if t.response_code != "00"]
        if declined:
            latest = declined[0]
            return Reply(
                text=_("我查到您今天最近一笔失败的交易：%(when)s，%(amount)s 元。%(explanation)s")
                % {
                    "when": local(latest.when),
                    "amount": yuan(latest.amount_fen),
                    "explanation": latest.explanation,
                },
                action="answer",
                intent=intent,
                quick_replies=[person()],
            )
    return Reply(
        text=_(
            "交易失败时，屏幕或小票上通常会显示两位应答码（如 51、55、96、A0）。"
            "请告诉我显示的代码，我来解释原因；如果没有代码，请回复“没有代码”，我帮您排查网络和签到。"
        ),
        action="answer",
        intent=intent,
        quick_replies=[_("没有代码"), person()],
        state=State(flow=Flow.AWAIT_DETAILS, wanted=Wanted.CODE, topic=intent),
    )


# ------------------------------------------------------------------ troubleshooting


def _ask_fixed() -> str:
    return _("试过之后，问题解决了吗？")


def fixed_replies(topic: str = "", step: int = 0) -> list[str]:
    replies = [_("解决了"), _("还是不行")]
    if step == 0 and topic in SAFETY_FIRST:
        replies.append(_("进过水、摔过或发烫"))  # the safety check's own way out: repair
    return replies


def to_repair(ctx: Context, intent: str, symptom: str, seed: dict[str, Any]) -> Reply:
    """A wet, dropped, smoking, hot or swollen device: no step to try (a restart or a charge
    could make it worse); switch it off and hand it to a person for repair."""
    reply = handoff.start(
        ctx,
        reason="needs_person",
        intent=intent,
        symptom=symptom,
        tried=str(HAZARD_TRIED),
        seed=seed,
    )
    reply.text = str(HAZARD_ADVICE) + "\n\n" + reply.text
    return reply


def start_troubleshooting(ctx: Context, intent: str) -> Reply:
    if names_hazard(ctx.text):
        return to_repair(ctx, intent, ctx.text, _seed_entities(ctx.entities))
    steps = steps_for(intent)
    if intent == "network_signin" and ctx.is_merchant_user:
        outages = backends.active_outages(ctx.merchant)
        if outages:
            return _outage_reply(ctx, intent, outages)
    state = State(
        flow=Flow.TROUBLESHOOT,
        topic=intent,
        step=0,
        symptom=ctx.text,
        seed=_seed_entities(ctx.entities),
    )
    text = _("我们一步一步来（共 %(count)s 步）。") % {"count": len(steps)}
    # What the remote diagnosis sees comes before any step or ticket.
    if ctx.is_merchant_user and (
        seen := diagnose_for_chat(ctx.merchant or ctx.merchants, ctx.terminal, topic=intent)
    ):
        text = seen + "\n\n" + text
    text += "\n" + _("第 1 步：") + str(steps[0].instruction) + "\n\n" + _ask_fixed()
    return Reply(
        text=text,
        action="answer",
        intent=intent,
        quick_replies=fixed_replies(intent),
        state=state,
    )


def _seed_entities(entities: dict[str, Any]) -> dict[str, Any]:
    keep = ("response_codes", "datetimes", "amounts_fen", "rrn", "trace_no")
    return {key: entities[key] for key in keep if entities.get(key)}


def continue_troubleshooting(ctx: Context) -> Reply | None:
    """Next step, the end of the flow, or None when the merchant moved to another topic."""
    state = ctx.state
    topic = state.topic
    steps = steps_for(topic)
    if names_hazard(ctx.text):
        symptom = f"{state.symptom} {ctx.text}".strip()
        return to_repair(ctx, topic, symptom, state.seed)
    if is_yes(ctx.text):
        return Reply(
            text=_("太好了，问题解决了！还有其他问题随时问我。"), action="answer", intent=topic
        )
    same_topic = ctx.understanding.intent == topic
    if not (is_no(ctx.text) or same_topic):
        if ctx.understanding.action == "answer":
            return None  # a new question: answer it instead
        return Reply(
            text=_ask_fixed(),
            action="answer",
            intent=topic,
            quick_replies=fixed_replies(topic, state.step),
            state=state,
        )
    step = state.step + 1
    if step < len(steps):
        text = (
            _("好的，我们试下一步。")
            + "\n"
            + _("第 %(n)s 步：") % {"n": step + 1}
            + str(steps[step].instruction)
            + "\n\n"
            + _ask_fixed()
        )
        return Reply(
            text=text,
            action="answer",
            intent=topic,
            quick_replies=fixed_replies(topic, step),
            state=replace(state, step=step),
        )
    tried = semicolon().join(str(s.tried) for s in steps).strip()
    return handoff.start(
        ctx,
        reason="troubleshooting_failed",
        intent=topic,
        symptom=state.symptom,
        tried=tried,
        seed=state.seed,
    )


def continue_with_details(ctx: Context) -> Reply | None:
    """The merchant answers a question the assistant asked (a code; which merchant; a date and
    amount) — or None when the message is a new question instead."""
    wanted, intent = ctx.state.wanted, ctx.state.topic
    said = ctx.text.lower()
    if wanted == Wanted.CODE:
        if ctx.entities.get("response_codes"):
            return response_code(ctx, "txn_failed_code")
        if "没有" in said or "no code" in said or "无" in said:
            return start_troubleshooting(ctx, "network_signin")
        return None
    if wanted != Wanted.DETAILS or intent not in HANDLERS:
        return None
    if ctx.merchant is None and ctx.merchant_named() is None:
        # Not one of the shops offered: a new question ("which merchant?" is not answered).
        return None if asks_something_else(ctx) else _which_merchant(ctx, intent)
    if _new_topic_without_details(ctx, intent):
        return None
    ctx.understanding.entities.update({**ctx.state.seed, **_seed_entities(ctx.entities)})
    return HANDLERS[intent](ctx, intent)


def _new_topic_without_details(ctx: Context, intent: str) -> bool:
    """A confident question about something else that names no transaction detail."""
    understanding = ctx.understanding
    return (
        understanding.action == "answer"
        and understanding.intent not in NOT_TOPICS
        and understanding.intent != intent
        and not _seed_entities(ctx.entities)
        and not ctx.merchant_named()
    )


# ------------------------------------------------------------------ the merchant's own data


def _which_merchant(ctx: Context, intent: str) -> Reply:
    return Reply(
        text=_("您名下有多个商户，请问是哪一个？"),
        action="ask",
        intent=intent,
        quick_replies=merchant_choices(ctx.merchants),
        state=State(
            flow=Flow.AWAIT_DETAILS,
            wanted=Wanted.DETAILS,
            topic=intent,
            seed={**_earlier_seed(ctx), **_seed_entities(ctx.entities)},
        ),
    )


def _earlier_seed(ctx: Context) -> dict[str, Any]:
    """Details named while the assistant was already asking (kept when it asks again)."""
    return ctx.state.seed if ctx.state.flow == Flow.AWAIT_DETAILS else {}


def _ask_details(ctx: Context, intent: str) -> Reply:
    return Reply(
        text=_(
            "请告诉我交易的日期、时间和金额（例如“昨天下午3点 1280元”），或小票上的参考号。"
            "不需要卡号、密码或验证码。"
        ),
        action="ask",
        intent=intent,
        quick_replies=[person()],
        state=State(flow=Flow.AWAIT_DETAILS, wanted=Wanted.DETAILS, topic=intent),
    )


def funds_not_arrived(ctx: Context, intent: str) -> Reply:
    if not ctx.is_merchant_user:
        reply = knowledge(ctx, "settlement_rules")
        reply.intent = intent
        reply.text += "\n\n" + login_hint()
        return reply
    merchant = ctx.merchant
    if merchant is None:
        return _which_merchant(ctx, intent) if ctx.merchants else _no_merchant(ctx, intent)
    entities = ctx.entities
    txns = backends.find_transactions(ctx.user, merchant, entities, ctx.language)
    dates = [d for d in entities.get("datetimes", []) if d.get("date")]
    named = any(entities.get(k) for k in ("rrn", "amounts_fen", "trace_no"))
    if not txns and not named and not dates:
        return _ask_details(ctx, intent)
    if not txns and named:
        return _not_found(ctx, intent)
    if txns:
        txn = txns[0]
        found = _("找到了这笔交易：%(when)s，%(amount)s 元。") % {
            "when": local(txn.when),
            "amount": yuan(txn.amount_fen),
        }
        investigation = backends.investigate_funds(
            ctx.user,
            merchant,
            txn_pk=txn.pk,
            date=None,
            today=ctx.now.date(),
            language=ctx.language,
        )
        parts = [found, txn.explanation]
        if txn.payout_date is not None:
            parts.append(
                _("到账日：%(date)s。原因：%(reason)s")
                % {"date": txn.payout_date.isoformat(), "reason": txn.payout_reason}
            )
    else:
        day = dt.date.fromisoformat(dates[0]["date"])
        investigation = backends.investigate_funds(
            ctx.user, merchant, txn_pk=None, date=day, today=ctx.now.date(), language=ctx.language
        )
        parts = [_("我核查了 %(date)s 的结算情况。") % {"date": day.isoformat()}]
    parts.append(investigation.summary)
    if investigation.next_step:
        parts.append(investigation.next_step)
    if investigation.ticket_number:
        parts.append(
            _("已为您创建核查工单 %(number)s，客服会跟进并联系您。")
            % {"number": investigation.ticket_number}
        )
    return Reply(text="\n".join(parts), action="answer", intent=intent, quick_replies=[person()])


def _not_found(ctx: Context, intent: str) -> Reply:
    return Reply(
        text=_(
            "我在您的交易记录里没有找到符合的交易。请核对日期、时间和金额，或告诉我小票上的参考号；"
            "也可以转人工核实。"
        ),
        action="answer",
        intent=intent,
        quick_replies=[person()],
        unanswered=True,
    )


def _no_merchant(ctx: Context, intent: str) -> Reply:
    return Reply(
        text=_("您的账户还没有关联商户，我查不到交易数据。请联系客服关联商户，或转人工。"),
        action="answer",
        intent=intent,
        quick_replies=[person()],
        unanswered=True,
    )


def txn_query(ctx: Context, intent: str) -> Reply:
    if not ctx.is_merchant_user:
        return Reply(text=login_hint(), action="answer", intent=intent, unanswered=True)
    merchant = ctx.merchant
    if merchant is None:
        return _which_merchant(ctx, intent) if ctx.merchants else _no_merchant(ctx, intent)
    entities = ctx.entities
    txns = backends.find_transactions(ctx.user, merchant, entities, ctx.language)
    if txns:
        lines = [_("找到 %(count)s 笔交易：") % {"count": len(txns)}]
        for txn in txns:
            lines.append(_txn_line(txn))
        return Reply(text="\n".join(lines), action="answer", intent=intent)
    if any(entities.get(k) for k in ("rrn", "amounts_fen", "trace_no", "card_last4")):
        return _not_found(ctx, intent)
    count, total, latest = backends.todays_transactions(ctx.user, merchant, ctx.language)
    lines = [
        _("今天共有 %(count)s 笔交易，成功收款合计 %(total)s 元。")
        % {"count": count, "total": yuan(total)}
    ]
    for txn in latest:
        lines.append(_txn_line(txn))
    lines.append(_("要查某一笔，请告诉我时间和金额，或参考号。"))
    return Reply(text="\n".join(lines), action="answer", intent=intent)


def _txn_line(txn: backends.TxnInfo) -> str:
    return "· " + _("%(when)s，%(amount)s 元：%(explanation)s") % {
        "when": local(txn.when),
        "amount": yuan(txn.amount_fen),
        "explanation": txn.explanation,
    }


def settlement_rules(ctx: Context, intent: str) -> Reply:
    reply = knowledge(ctx, intent)
    if ctx.is_merchant_user and ctx.merchant is not None:
        info = backends.settlement_for_today(ctx.merchant, ctx.language)
        mine = _("您的结算周期是 %(cycle)s；今天的交易预计 %(date)s 到账。%(explanation)s") % {
            "cycle": info.cycle,
            "date": info.payout_date.isoformat(),
            "explanation": info.explanation,
        }
        reply.text = mine + ("\n\n" + reply.text if not reply.unanswered else "")
        reply.unanswered = False
        reply.quick_replies = []
    return reply


def _outage_reply(ctx: Context, intent: str, outages: list[backends.OutageInfo]) -> Reply:
    lines = [_("目前有以下故障或维护，可能影响您的交易：")]
    for outage in outages:
        line = f"· {outage.title}{colon()}{outage.message}"
        if outage.expected_recovery_at:
            line += " " + _("（预计 %(when)s 恢复）") % {"when": local(outage.expected_recovery_at)}
        lines.append(line)
    lines.append(_("恢复后请重新签到再交易，不需要报修。"))
    return Reply(text="\n".join(lines), action="answer", intent=intent)


def outage_status(ctx: Context, intent: str) -> Reply:
    merchant = ctx.merchant if ctx.is_merchant_user else None
    outages = backends.active_outages(merchant)
    if outages:
        return _outage_reply(ctx, intent, outages)
    return Reply(
        text=_(
            "目前没有登记影响您所在地区的系统故障或维护。如果只是您的机器有问题，我可以帮您排查网络和签到。"
        ),
        action="answer",
        intent=intent,
        quick_replies=[_("排查网络和签到"), person()],
    )


def repair_status(ctx: Context, intent: str) -> Reply:
    if not ctx.is_merchant_user:
        return Reply(text=login_hint(), action="answer", intent=intent, unanswered=True)
    merchant = ctx.merchant
    if merchant is None:
        return _which_merchant(ctx, intent) if ctx.merchants else _no_merchant(ctx, intent)
    lines = []
    in_repair = [t for t in backends.terminals_of(ctx.user, merchant) if t.status == "in_repair"]
    for terminal in in_repair:
        lines.append(
            _("终端 %(tid)s（%(model)s）状态：维修中。")
            % {"tid": terminal.terminal_id, "model": terminal.model}
        )
    tickets = backends.open_tickets(ctx.user, merchant)
    for ticket in tickets:
        lines.append(
            _("工单 %(number)s（%(category)s）：%(status)s，创建于 %(when)s。")
            % {
                "number": ticket.number,
                "category": ticket.category,
                "status": ticket.status,
                "when": local(ticket.created_at),
            }
        )
    if not lines:
        lines.append(_("您目前没有未完成的工单或维修。"))
    return Reply(text="\n".join(lines), action="answer", intent=intent, quick_replies=[person()])


# ------------------------------------------------------------------ safety and directory


def _hotline_lines(ctx: Context, codes: list[str] | None) -> list[str]:
    return [
        f"· {line.institution} {line.number}"
        + (f"{lparen()}{line.serves}{rparen()}" if line.serves else "")
        for line in backends.hotlines(codes, ctx.language)
    ]


def _own_hotline_codes(ctx: Context) -> list[str]:
    codes = ["unionpay"]
    merchant = ctx.merchant if ctx.is_merchant_user else None
    if merchant is not None and merchant.acquirer is not None:
        codes.insert(0, merchant.acquirer.code)
    return codes


def verify_caller(ctx: Context, intent: str) -> Reply:
    parts = [
        _(
            "请当心：很多自称“银联客服”“银行客服”的来电和短信是诈骗。"
            "真正的客服绝不会索要短信验证码、密码或完整卡号，也不会让您转账、下载软件或开启屏幕共享。"
        ),
        _("核实方法：先挂断，再自己拨打下面的官方热线核实（不要回拨对方给的号码）："),
        "\n".join(_hotline_lines(ctx, _own_hotline_codes(ctx))),
    ]
    for phone in ctx.entities.get("phones", [])[:2]:
        owners = backends.registered_callers(phone)
        if owners:
            parts.append(
                _(
                    "号码 %(phone)s 是 %(owners)s 登记的外呼号码；"
                    "但来电显示可以伪造，仍请挂断后拨打官方热线核实。"
                )
                % {"phone": phone, "owners": ("、" if not ctx.english else ", ").join(owners)}
            )
        else:
            parts.append(
                _("号码 %(phone)s 不在我们登记的官方外呼号码里，请高度警惕。") % {"phone": phone}
            )
    parts.append(_("如果已经把验证码或密码告诉了对方，请立即拨打发卡行客服冻结账户并修改密码。"))
    return Reply(text="\n".join(parts), action="answer", intent=intent)


def too_many_calls(ctx: Context, intent: str) -> Reply:
    """A logged-in merchant called too often is offered the contact preferences at once."""
    merchant = ctx.merchant if ctx.is_merchant_user else None
    if merchant is None:
        if ctx.is_merchant_user and ctx.merchants:
            return _which_merchant(ctx, intent)
        return knowledge(ctx, intent)
    url = reverse("contact_preferences", kwargs={"merchant_id": merchant.merchant_id})
    text = _(
        "抱歉打扰您了。您可以直接设置联系偏好：哪些事可以联系您、什么时间、用电话还是短信，"
        "也可以要求少联系；保存后，之后的联系都按您的设置安排。\n联系偏好：%(url)s"
    ) % {"url": url}
    return Reply(text=text, action="answer", intent=intent, quick_replies=[person()])


def hotline(ctx: Context, intent: str) -> Reply:
    codes = ctx.entities.get("institution") or None
    lines = _hotline_lines(ctx, codes) or _hotline_lines(ctx, None)
    text = _("官方客服热线：") + "\n" + "\n".join(lines)
    text += "\n" + _("请只拨打官方公布的号码；有人来电自称客服时，挂断后拨这些号码核实。")
    return Reply(text=text, action="answer", intent=intent)


def out_of_scope(ctx: Context, intent: str) -> Reply:
    """A question outside POS service: say so and where to ask; no ticket for nobody to work."""
    text = _(
        "这个问题不在 POS 商户服务的范围内，我回答不了，也不会为它建工单。"
        "POS 机故障、交易、到账、费率、维修和来电核实等问题我都可以帮您。"
    )
    lines = _hotline_lines(ctx, None)
    if lines:
        text += "\n" + _("如需人工帮助，可拨打官方客服热线：") + "\n" + "\n".join(lines)
    return Reply(
        text=text,
        action="answer",
        intent=intent,
        quick_replies=[intent_label("hotline")],
    )


HANDLERS: dict[str, Callable[[Context, str], Reply]] = {
    "txn_failed_code": response_code,
    "txn_failed_generic": failed_generic,
    "funds_not_arrived": funds_not_arrived,
    "txn_query": txn_query,
    "settlement_rules": settlement_rules,
    "outage_status": outage_status,
    "repair_status": repair_status,
    "verify_caller": verify_caller,
    "hotline": hotline,
    "too_many_calls": too_many_calls,
    "greeting": greeting,
    "other": out_of_scope,
    **{intent: start_troubleshooting for intent in TROUBLESHOOTING_INTENTS},
}
