from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import agent_required, supervisor_required
from assistant import reports, services, takeover
from assistant.forms import AgentReplyForm, ArticleForm, MessageForm
from assistant.intents import INTENT_LABELS
from assistant.models import Article, Conversation, HandOff, Message
from core.language import current_language
from core.pagination import page_of
from core.types import AuthenticatedHttpRequest

# --------------------------------------------------------------------------- merchant chat


def _session_key(request: HttpRequest, create: bool = False) -> str | None:
    if request.session.session_key is None and create:
        request.session.save()
    return request.session.session_key


def _starter_replies() -> list[str]:
    return [_("刷卡显示51"), _("打印不出小票"), _("钱没到账"), _("转人工")]


def _chat_context(request: HttpRequest, conversation: Conversation | None) -> dict[str, Any]:
    history = list(conversation.messages.all()) if conversation else []
    last = history[-1] if history else None
    quick = last.quick_replies if last is not None and last.direction == "out" else []
    agent_lines = [m.pk for m in history if m.direction == Message.Direction.AGENT]
    return {
        "conversation": conversation,
        "history": history,
        "after": history[-1].pk if history else 0,
        "quick_replies": quick or ([] if history else _starter_replies()),
        "form": MessageForm(),
        "last_agent_line": agent_lines[-1] if agent_lines else 0,
        "holder": _holder(conversation),
    }


def _holder(conversation: Conversation | None) -> str:
    """The agent number of the agent holding the conversation ("" when the assistant talks)."""
    if conversation is None or conversation.agent is None:
        return ""
    return conversation.agent.agent_no or "—"


def chat_poll(request: HttpRequest) -> HttpResponse:
    """The chat page asks every few seconds for what an agent wrote (live take-over): the
    agent's new lines after `after`, and who holds the conversation. Only the visitor's own
    conversation (by user or session) is ever read."""
    if request.user.is_authenticated and request.user.is_agent:
        return HttpResponse(status=204)
    conversation = services.current_conversation(request.user, _session_key(request))
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        after = 0
    lines = takeover.new_agent_messages(conversation, after) if conversation else []
    context = {
        "lines": lines,
        "last_agent_line": lines[-1].pk if lines else after,
        "holder": _holder(conversation),
    }
    return render(request, "assistant/_poll.html", context)


def chat(request: HttpRequest) -> HttpResponse:
    """The chat (mobile first). Merchant users and anonymous visitors; staff read transcripts."""
    if request.user.is_authenticated and request.user.is_agent:
        return redirect("assistant_transcripts")
    conversation = services.current_conversation(request.user, _session_key(request))
    return render(request, "assistant/chat.html", _chat_context(request, conversation))


@require_POST
def chat_send(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_agent:
        return redirect("assistant_transcripts")
    form = MessageForm(request.POST)
    session_key = _session_key(request, create=True)
    conversation = services.current_conversation(request.user, session_key)
    error = ""
    exchange = None
    if form.is_valid():
        try:
            exchange = services.converse(
                conversation,
                form.cleaned_data["text"],
                user=request.user,
                session_key=session_key,
                channel=Conversation.Channel.PORTAL,
                language=request.LANGUAGE_CODE,
                after=form.cleaned_data["after"],
            )
        except services.AssistantError as failure:
            error = str(failure)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return redirect("assistant_chat")
    outbound = exchange.outbound if exchange else None
    shown = [m for m in (exchange.inbound, outbound) if m] if exchange else []
    context = {
        # A message sent twice: the first sending's answer is on the page already.
        "new_messages": [] if exchange and exchange.repeated else shown,
        "quick_replies": outbound.quick_replies if outbound else [],
        "after": shown[-1].pk if shown else form.cleaned_data.get("after"),
        "error": error,
    }
    return render(request, "assistant/_exchange.html", context)


@require_POST
def chat_new(request: HttpRequest) -> HttpResponse:
    conversation = services.current_conversation(request.user, _session_key(request))
    if conversation is not None:
        services.close_conversation(conversation)
    return redirect("assistant_chat")


# --------------------------------------------------------------------------- staff pages


@agent_required
def transcripts(request: AuthenticatedHttpRequest) -> HttpResponse:
    conversations = (
        Conversation.objects.visible_to(request.user)
        .select_related("user", "merchant")
        .order_by("-updated_at")
    )
    status = request.GET.get("status", "")
    if status in Conversation.Status.values:
        conversations = conversations.filter(status=status)
    intent = request.GET.get("intent", "")
    if intent in INTENT_LABELS:
        conversations = conversations.filter(last_intent=intent)
    query = request.GET.get("q", "").strip()
    if query:
        conversations = conversations.filter(
            Q(merchant__merchant_id=query) | Q(handoffs__ticket__number=query)
        ).distinct()
    page = page_of(request, conversations)
    context = {
        "page": page,
        "status": status,
        "intent": intent,
        "query": query,
        "statuses": Conversation.Status.choices,
        "intents": list(INTENT_LABELS.items()),
    }
    return render(request, "assistant/transcripts.html", context)


@agent_required
def transcript(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(
        Conversation.objects.visible_to(request.user).select_related(
            "user", "merchant", "terminal"
        ),
        pk=pk,
    )
    history = list(conversation.messages.all())
    intents = sorted({m.intent for m in history if m.intent and m.direction == "in"})
    articles = {
        article.pk: article
        for intent in intents
        for article in Article.objects.visible_to(request.user).for_intent(intent)
    }
    handoffs = list(
        HandOff.objects.visible_to(request.user)
        .filter(conversation=conversation)
        .select_related("ticket")
    )
    language = current_language()
    context = {
        "conversation": conversation,
        "history": history,
        "handoffs": [(handoff, handoff.labelled_facts(language)) for handoff in handoffs],
        "articles": list(articles.values()),
        "reply_form": AgentReplyForm(),
    }
    return render(request, "assistant/transcript.html", context)


def _staff_conversation(request: AuthenticatedHttpRequest, pk: int) -> Conversation:
    return get_object_or_404(
        Conversation.objects.visible_to(request.user).select_related("agent"), pk=pk
    )


@agent_required
def transcript_live(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The transcript's messages, refreshed every few seconds while the agent holds it."""
    conversation = _staff_conversation(request, pk)
    history = list(conversation.messages.all())
    return render(
        request,
        "assistant/_transcript_rows.html",
        {"conversation": conversation, "history": history},
    )


@agent_required
@require_POST
def take_over(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = _staff_conversation(request, pk)
    try:
        takeover.take_over(conversation, by=request.user)
    except services.AssistantError as failure:
        messages.error(request, str(failure))
    else:
        messages.success(request, _("已接管对话，智能助手暂停回答。商户看到的是您的工号。"))
    return redirect("assistant_transcript", pk=pk)


@agent_required
@require_POST
def agent_reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = _staff_conversation(request, pk)
    form = AgentReplyForm(request.POST)
    if form.is_valid():
        try:
            takeover.agent_reply(conversation, form.cleaned_data["text"], by=request.user)
        except services.AssistantError as failure:
            messages.error(request, str(failure))
        else:
            messages.success(request, _("回复已发送"))
    else:
        messages.error(request, _("请输入回复内容"))
    return redirect("assistant_transcript", pk=pk)


@agent_required
@require_POST
def release(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conversation = _staff_conversation(request, pk)
    takeover.release(conversation, by=request.user)
    messages.success(request, _("已交还智能助手"))
    return redirect("assistant_transcript", pk=pk)


@supervisor_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        days = max(1, min(365, int(request.GET.get("days", 30))))
    except ValueError:
        days = 30
    data = reports.dashboard(request.user, days=days)
    chart = {
        "intents": {
            "labels": [row["label"] for row in data["top_intents"]],
            "counts": [row["count"] for row in data["top_intents"]],
        },
        "reasons": {
            "labels": [row["label"] for row in data["handoff_reasons"]],
            "counts": [row["count"] for row in data["handoff_reasons"]],
        },
        "daily": {
            "labels": [row["day"] for row in data["daily"]],
            "containment": [row["containment"] for row in data["daily"]],
            "conversations": [row["conversations"] for row in data["daily"]],
        },
    }
    return render(request, "assistant/dashboard.html", {"data": data, "chart": chart})


@supervisor_required
def articles(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = Article.objects.visible_to(request.user).select_related("updated_by")
    return render(request, "assistant/articles.html", {"articles": rows})


@supervisor_required
def article_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    article = (
        get_object_or_404(Article.objects.visible_to(request.user), pk=pk) if pk else Article()
    )
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        services.save_article(form.save(commit=False), by=request.user)
        messages.success(request, _("知识库文章已保存"))
        return redirect("assistant_articles")
    return render(request, "assistant/article_form.html", {"form": form, "article": article})
