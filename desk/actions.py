"""The ticket page's action forms: one table row per action, (form, prefix, service call).

`desk.views.ticket_action` posts to `run_action`, which validates the row's form and calls the
service with the cleaned data; a refused request raises `DeskError`, which the view shows as a
page message. A new action is one small function and one row in `ACTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.types import AuthenticatedHttpRequest
from desk import forms, services
from desk.models import Ticket
from desk.services import DeskError
from helpcentre.forms import SendArticleForm
from helpcentre.services import send_article

Handler = Callable[[AuthenticatedHttpRequest, Ticket, dict[str, Any]], None]


@dataclass(frozen=True)
class Action:
    """One action on the ticket page: its form (None: the handler reads the POST itself) and
    what the page says once it is done (None: the handler says it)."""

    run: Handler
    form: type[django_forms.Form] | None = None
    prefix: str | None = None
    done: Any = None


def _interaction(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    services.add_interaction(
        ticket,
        by=request.user,
        kind=d["kind"],
        body=d["body"],
        direction=d["direction"],
        is_public=d["is_public"],
        outcome=d["outcome"],
        channel=Ticket.Channel.PHONE if d["kind"] == "call" else None,
    )


def _status(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    services.change_status(
        ticket,
        d["status"],
        by=request.user,
        reason=d["reason"],
        resolution_code=d["resolution_code"],
    )


def _escalate(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    services.escalate(ticket, to_tier=d["tier"], reason=d["reason"], by=request.user)


def _assign(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    services.assign(ticket, d["assignee"], by=request.user)


def _priority(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    services.set_priority(ticket, d["priority"], by=request.user, reason=d["reason"])


def _visit(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    services.dispatch_visit(
        ticket,
        technician=d["technician"],
        window_start=d["window_start"],
        window_end=d["window_end"],
        address=d["address"],
        by=request.user,
    )


def _visit_outcome(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    visit = get_object_or_404(ticket.visits, pk=d["visit"])
    services.record_visit_outcome(visit, status=d["status"], outcome=d["outcome"], by=request.user)


def _replace(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    replacement = services.replace_terminal(
        ticket, new_serial=d["new_serial"], reason=d["reason"], by=request.user
    )
    verdict = _("在保，免费更换") if replacement.under_warranty else _("已过保，需收费")
    messages.info(request, f"{replacement} · {verdict}")


def _commitment(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    user = request.user
    services.add_commitment(
        ticket, owner=d["owner"] or user, due_at=d["due_at"], promise=d["promise"], by=user
    )


def _commitment_done(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    commitment = get_object_or_404(ticket.commitments, pk=request.POST.get("commitment"))
    kept = request.POST.get("kept", "1") == "1"
    services.complete_commitment(commitment, by=request.user, kept=kept)


def _merge(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    target = Ticket.objects.filter(number=d["target"].upper()).first()
    if target is None:
        raise DeskError(_("未找到目标工单"))  # type: ignore[arg-type]
    services.merge_tickets(ticket, target, by=request.user, reason=d["reason"])


def _kb(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    services.set_kb_url(ticket, d["kb_url"], by=request.user)


def _article(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    base_url = request.build_absolute_uri("/").rstrip("/")
    send_article(ticket, d["article"], by=request.user, base_url=base_url)


def _outage(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    services.link_to_outage([ticket], d["outage"], by=request.user)


def _attach(request: AuthenticatedHttpRequest, ticket: Ticket, d: dict[str, Any]) -> None:
    upload = request.FILES.get("file")
    if not isinstance(upload, UploadedFile):
        raise DeskError(_("请选择文件"))  # type: ignore[arg-type]
    services.attach_file(ticket, upload, by=request.user)


ACTIONS: dict[str, Action] = {
    "interaction": Action(_interaction, forms.InteractionForm, "i", gettext_lazy("已记入处理记录")),
    "status": Action(_status, forms.StatusForm, "s", gettext_lazy("状态已更新")),
    "escalate": Action(_escalate, forms.EscalateForm, "e", gettext_lazy("已升级")),
    "assign": Action(_assign, forms.AssignForm, "a", gettext_lazy("已分派")),
    "priority": Action(_priority, forms.PriorityForm, "p", gettext_lazy("优先级已更新")),
    "visit": Action(_visit, forms.VisitForm, "v", gettext_lazy("已安排上门")),
    "visit_outcome": Action(
        _visit_outcome, forms.VisitOutcomeForm, done=gettext_lazy("已记录上门结果")
    ),
    "replace": Action(_replace, forms.ReplacementForm, "r"),  # says the warranty verdict
    "commitment": Action(_commitment, forms.CommitmentForm, "c", gettext_lazy("已记录承诺")),
    "commitment_done": Action(_commitment_done, done=gettext_lazy("承诺已更新")),
    "merge": Action(_merge, forms.MergeForm, "m", gettext_lazy("工单已合并")),
    "kb": Action(_kb, forms.KnowledgeForm, "k", gettext_lazy("已关联知识库文章")),
    "article": Action(_article, SendArticleForm, "h", gettext_lazy("已把文章发给商户")),
    "outage": Action(_outage, forms.OutageLinkForm, "o", gettext_lazy("已关联到故障")),
    "attach": Action(_attach, done=gettext_lazy("附件已上传")),
}


def action_forms(**options: dict[str, Any]) -> dict[str, django_forms.Form]:
    """The ticket page's empty action forms by action name; `options[name]` holds the extra
    arguments of that form (initial values, allowed choices)."""
    return {
        name: action.form(prefix=action.prefix, **options.get(name, {}))
        for name, action in ACTIONS.items()
        if action.form is not None and action.prefix is not None
    }


def run_action(request: AuthenticatedHttpRequest, ticket: Ticket, name: str) -> None:
    """Apply one action form from the ticket page; form errors become page messages."""
    action = ACTIONS.get(name)
    if action is None:
        raise Http404
    if action.form is None:
        action.run(request, ticket, {})
    else:
        form = action.form(request.POST, prefix=action.prefix)
        if not form.is_valid():
            _form_errors(request, form)
            return
        action.run(request, ticket, form.cleaned_data)
    if action.done:
        messages.success(request, action.done)


def _form_errors(request: AuthenticatedHttpRequest, form: django_forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(error) for error in errors)
        messages.error(request, f"{label}: {text}" if label else text)
