from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from defusedcsv import csv as defusedcsv
from django.contrib import messages
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import agent_required, merchant_required, supervisor_required
from core import audit
from core.language import current_language
from core.pagination import page_of
from core.types import AuthenticatedHttpRequest
from core.uploads import serve_upload
from desk import facts as fact_registry
from desk import forms, services
from desk.actions import action_forms, run_action
from desk.models import (
    CannedResponse,
    Commitment,
    FieldVisit,
    Interaction,
    Outage,
    Queue,
    Ticket,
    TicketEvent,
    Tier,
)
from desk.reports import desk_report, report_csv_rows
from desk.services import DeskError
from merchants.models import Merchant
from terminals.models import Terminal

if TYPE_CHECKING:
    from accounts.models import User


def _error(request: HttpRequest, error: DeskError) -> None:
    messages.error(request, str(error))


# --------------------------------------------------------------------------- console


def queue_tickets(user: User, params: Any) -> tuple[Any, dict[str, Any]]:
    """The filtered queue: open tickets by default, the most urgent SLA first."""
    form = forms.QueueFilterForm(params)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    tickets = Ticket.objects.visible_to(user)
    view = params.get("view", "mine" if user.is_agent else "all")
    if data.get("status"):
        tickets = tickets.filter(status=data["status"])
    elif not data.get("q"):
        tickets = tickets.filter(is_open=True)
    if view == "mine":
        tickets = tickets.filter(assignee=user)
    elif view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif view == "breached":
        tickets = tickets.filter(sla_breached=True)
    elif view.startswith("queue:"):
        tickets = tickets.filter(queue__code=view.removeprefix("queue:"))
    for name in ("category", "priority", "channel", "tier"):
        if data.get(name):
            tickets = tickets.filter(**{name: data[name]})
    if data.get("q"):
        tickets = tickets.search(data["q"], user)
    # Most urgent first; tickets without a running clock (paused, no policy) last.
    tickets = tickets.select_related("merchant", "terminal", "assignee", "queue").order_by(
        F("sla_due_at").asc(nulls_last=True), "id"
    )
    return tickets, {"form": form, "view": view}


@agent_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    tickets, context = queue_tickets(request.user, request.GET)
    query = context["form"].cleaned_data.get("q", "")
    if query:
        exact = Ticket.objects.filter(number=query.strip().upper()).first()
        if exact is not None:
            return redirect("desk_ticket", number=exact.number)
    page = page_of(request, tickets)
    now = timezone.now()
    rows = [(t, t.timer(now)) for t in page.object_list]
    context.update(
        page=page,
        rows=rows,
        queues=list(Queue.objects.order_by("tier", "name")),
    )
    template = "desk/_queue_table.html" if request.htmx else "desk/queue.html"
    return render(request, template, context)


@agent_required
@require_http_methods(["GET", "POST"])
def agent_new_ticket(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.AgentTicketForm(request.POST or None, initial=request.GET)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        merchant = Merchant.objects.visible_to(request.user).by_merchant_id(data["merchant_id"])
        terminal = None
        if merchant is None:
            form.add_error("merchant_id", _("未找到该商户"))
        elif data["terminal_id"]:
            terminal = Terminal.objects.filter(terminal_id=data["terminal_id"].upper()).first()
            if terminal is None:
                form.add_error("terminal_id", _("未找到该终端"))
        if merchant is not None and not form.errors:
            try:
                ticket = services.open_ticket(
                    merchant=merchant,
                    terminal=terminal,
                    category=data["category"],
                    subcategory=data["subcategory"],
                    priority=data["priority"] or None,
                    channel=data["channel"],
                    description=data["description"],
                    facts=form.fact_values(data),
                    opened_by=request.user,
                )
            except DeskError as error:
                form.add_error(None, str(error))
            else:
                return redirect("desk_ticket", number=ticket.number)
    return render(request, "desk/agent_new_ticket.html", {"form": form})


def _timeline(ticket: Ticket, *, public_only: bool) -> list[dict[str, Any]]:
    """Interactions and status changes in time order; the portal sees only public ones."""
    items: list[dict[str, Any]] = []
    for interaction in ticket.interactions.all():
        if public_only and not interaction.is_public:
            continue
        items.append({"at": interaction.created_at, "interaction": interaction})
    for event in ticket.events.all():
        if event.kind in (TicketEvent.Kind.CREATED, TicketEvent.Kind.STATUS) or (
            not public_only and event.kind in ("escalated", "assigned", "sla_breach", "merged")
        ):
            item = {"at": event.at, "event": event}
            if event.kind == TicketEvent.Kind.ESCALATED:
                tiers = dict(Tier.choices)
                item["from_tier"] = tiers.get(event.data.get("from_tier"), "")
                item["to_tier"] = tiers.get(event.data.get("to_tier"), "")
            items.append(item)
    items.sort(key=lambda item: item["at"])
    return items


def _ticket_for(request: HttpRequest, number: str, *, timeline: bool = False) -> Ticket:
    """The ticket if the user may see it (404 otherwise); `timeline`: with everything the
    ticket page shows beside it, in the same look-up."""
    queryset = Ticket.objects.visible_to(request.user).select_related(
        "merchant", "terminal__model", "assignee", "queue", "outage", "merged_into"
    )
    if timeline:
        queryset = _with_timeline(queryset)
    return get_object_or_404(queryset, number=number.upper())


def _with_timeline(queryset: Any) -> Any:
    return queryset.prefetch_related(
        Prefetch("interactions", queryset=Interaction.objects.order_by("created_at", "id")),
        Prefetch("events", queryset=TicketEvent.objects.select_related("actor")),
        "attachments",
        Prefetch("visits", queryset=FieldVisit.objects.select_related("technician")),
        Prefetch("commitments", queryset=Commitment.objects.select_related("owner")),
        "replacements",
    )


@agent_required
def ticket_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_for(request, number, timeline=True)
    language = current_language()
    missing = fact_registry.missing(ticket.category, ticket.facts)
    state = services.sla_state(ticket)
    facts = fact_registry.shown(ticket.facts, ticket.facts_en, language)
    now = timezone.now()
    context = {
        "ticket": ticket,
        "timeline": _timeline(ticket, public_only=False),
        "facts": facts,
        "missing": fact_registry.labelled(missing, language),
        "sla": state,
        "timer": ticket.timer(now),
        "now": now,
        "other_tickets": Ticket.objects.filter(merchant=ticket.merchant, is_open=True)
        .exclude(pk=ticket.pk)
        .only("number", "category", "status")[:10],
        "canned": CannedResponse.objects.filter(category__in=["", ticket.category]),
        "forms": action_forms(
            status={"allowed": ticket.TRANSITIONS.get(ticket.status, ())},
            assign={"initial": {"assignee": ticket.assignee_id}},
            priority={"initial": {"priority": ticket.priority}},
            commitment={"initial": {"owner": request.user.pk}},
            kb={"initial": {"kb_url": ticket.kb_url}},
        ),
        "transitions": ticket.TRANSITIONS.get(ticket.status, ()),
        "visits": [
            (v, forms.VisitOutcomeForm.for_visit(v) if v.status == v.Status.SCHEDULED else None)
            for v in ticket.visits.all()  # prefetched with the technician
        ],
    }
    return render(request, "desk/ticket.html", context)


@agent_required
@require_POST
def ticket_action(request: AuthenticatedHttpRequest, number: str, action: str) -> HttpResponse:
    ticket = _ticket_for(request, number)
    try:
        run_action(request, ticket, action)
    except DeskError as error:
        _error(request, error)
    return redirect("desk_ticket", number=ticket.number)


@agent_required
@require_http_methods(["GET", "POST"])
def outages(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.OutageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outage = services.declare_outage(by=request.user, **form.cleaned_data)
        return redirect("desk_outage", pk=outage.pk)
    items = Outage.objects.visible_to(request.user).select_related("created_by")[:50]
    return render(request, "desk/outages.html", {"form": form, "outages": items})


@agent_required
@require_http_methods(["GET", "POST"])
def outage_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    outage = get_object_or_404(Outage.objects.visible_to(request.user), pk=pk)
    form = forms.OutageUpdateForm(request.POST or None)
    if request.method == "POST":
        try:
            if "link" in request.POST:
                numbers = [n.strip().upper() for n in request.POST["link"].split() if n.strip()]
                found = list(Ticket.objects.filter(number__in=numbers))
                linked = services.link_to_outage(found, outage, by=request.user)
                messages.info(request, _("已关联 %(n)s 张工单") % {"n": linked})
            elif form.is_valid():
                d = form.cleaned_data
                if d["resolve"]:
                    n = services.resolve_outage(
                        outage, message=d["message"], message_en=d["message_en"], by=request.user
                    )
                else:
                    n = services.update_outage(
                        outage,
                        message=d["message"],
                        message_en=d["message_en"],
                        expected_recovery_at=d["expected_recovery_at"],
                        by=request.user,
                    )
                messages.info(request, _("已通知 %(n)s 个商户") % {"n": n})
        except DeskError as error:
            _error(request, error)
        return redirect("desk_outage", pk=outage.pk)
    tickets = outage.tickets.select_related("merchant", "terminal").order_by("-is_open", "id")
    page = page_of(request, tickets)
    return render(request, "desk/outage.html", {"outage": outage, "form": form, "page": page})


@supervisor_required
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    days = _days(request)
    report = desk_report(request.user, days=days)
    chart = {
        "categories": [r["label"] for r in report["by_category"]],
        "category_first": [r["first_response_min"] for r in report["by_category"]],
        "category_resolution": [r["resolution_min"] for r in report["by_category"]],
        "channels": [r["label"] for r in report["by_channel"]],
        "channel_first": [r["first_response_min"] for r in report["by_channel"]],
        "channel_resolution": [r["resolution_min"] for r in report["by_channel"]],
        "backlog_labels": [r["queue_label"] for r in report["backlog"]],
        "backlog_total": [r["total"] for r in report["backlog"]],
        "backlog_breached": [r["breached"] for r in report["backlog"]],
        "labels": {
            "first": _("首次响应中位数（工作分钟）"),
            "resolution": _("解决用时中位数（工作分钟）"),
            "open": _("未结"),
            "breached": _("已超时"),
        },
    }
    return render(request, "desk/reports.html", {"report": report, "chart": chart})


def _days(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("days", 30)), 366))
    except ValueError:
        return 30


@supervisor_required
def reports_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    report = desk_report(request.user, days=_days(request))
    buffer = io.StringIO()
    defusedcsv.writer(buffer).writerows(report_csv_rows(report))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="desk-report.csv"'
    audit.exported(request, "desk-report.csv")
    return response


# --------------------------------------------------------------------------- portal


@merchant_required
def portal_tickets(request: AuthenticatedHttpRequest) -> HttpResponse:
    tickets = (
        Ticket.objects.visible_to(request.user)
        .select_related("merchant", "terminal")
        .order_by("-is_open", "-created_at")
    )
    page = page_of(request, tickets)
    return render(request, "desk/portal_tickets.html", {"page": page})


def _portal_form(
    request: HttpRequest, data: Any = None, files: Any = None
) -> forms.PortalTicketForm:
    merchants = Merchant.objects.visible_to(request.user)
    terminals = Terminal.objects.visible_to(request.user).select_related("model", "merchant")
    source = request.POST if request.method == "POST" else request.GET
    chosen = merchants.filter(pk=_int_or_zero(source.get("merchant"))).first()
    if chosen is None and merchants.count() == 1:
        chosen = merchants.first()
    if chosen is not None:
        terminals = terminals.filter(merchant=chosen)  # only the chosen merchant's terminals
    return forms.PortalTicketForm(
        data, files, merchants=merchants, terminals=terminals, initial=request.GET.dict()
    )


def _int_or_zero(value: Any) -> int:
    return int(value) if str(value or "").isdigit() else 0


# The form's own merchant and terminal lists answer these: never asked again as facts.
_ANSWERED_BY_THE_FORM = frozenset({"merchant_id", *fact_registry.DEVICE})


def _missing_for(form: forms.PortalTicketForm, source: Any) -> list[str]:
    """The facts still missing for the chosen category, merchant and terminal."""
    category = source.get("category") or Ticket.Category.OTHER
    merchants = form.merchants
    terminals = form.terminals
    merchant = merchants.filter(pk=_int_or_zero(source.get("merchant"))).first() or (
        merchants.first() if merchants.count() == 1 else None
    )
    terminal = terminals.filter(pk=_int_or_zero(source.get("terminal"))).first()
    missing = services.missing_facts(category, merchant, terminal, {})
    return [name for name in missing if name not in _ANSWERED_BY_THE_FORM]


@merchant_required
@require_http_methods(["GET", "POST"])
def portal_new_ticket(request: AuthenticatedHttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    form = _portal_form(request, request.POST or None, request.FILES or None)
    form.add_fact_fields(_missing_for(form, source))
    if request.htmx and request.method == "GET":
        return render(request, "desk/_portal_ticket_fields.html", {"form": form})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ticket = services.open_ticket(
                merchant=d["merchant"],
                terminal=d["terminal"],
                category=d["category"],
                description=d["description"],
                channel=Ticket.Channel.PORTAL,
                facts=form.fact_values(d),
                opened_by=request.user,
                attachments=[d["photo"]] if d.get("photo") else [],
            )
        except DeskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已收到您的报修，工单号 %(n)s") % {"n": ticket.number})
            return redirect("portal_ticket", number=ticket.number)
    return render(request, "desk/portal_new_ticket.html", {"form": form})


@merchant_required
@require_http_methods(["GET", "POST"])
def portal_ticket(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_for(request, number)
    reply_form = forms.ReplyForm(prefix="reply")
    rating_form = forms.RatingForm(prefix="rate")
    if request.method == "POST":
        try:
            if "reply-body" in request.POST:
                reply_form = forms.ReplyForm(request.POST, request.FILES, prefix="reply")
                if reply_form.is_valid():
                    photo = reply_form.cleaned_data.get("photo")
                    if photo:
                        services.validate_attachment(photo)
                    services.add_interaction(
                        ticket, by=request.user, body=reply_form.cleaned_data["body"]
                    )
                    if photo:
                        services.attach_file(ticket, photo, by=request.user)
                    return redirect("portal_ticket", number=ticket.number)
            elif "rate-rating" in request.POST:
                rating_form = forms.RatingForm(request.POST, prefix="rate")
                if rating_form.is_valid():
                    services.rate_ticket(
                        ticket,
                        rating=rating_form.cleaned_data["rating"],
                        comment=rating_form.cleaned_data["comment"],
                        by=request.user,
                    )
                    messages.success(request, _("感谢您的评价！"))
                    return redirect("portal_ticket", number=ticket.number)
        except DeskError as error:
            _error(request, error)
    ticket = _with_timeline(Ticket.objects.filter(pk=ticket.pk)).select_related(
        "merchant", "terminal__model", "outage"
    )[0]
    context = {
        "ticket": ticket,
        "cannot_escalate": services.why_not_escalate(ticket),
        "timeline": _timeline(ticket, public_only=True),
        "visits": [v for v in ticket.visits.all() if v.status != FieldVisit.Status.CANCELLED],
        "commitments": [c for c in ticket.commitments.all() if c.status == Commitment.Status.OPEN],
        "reply_form": reply_form,
        "rating_form": rating_form,
    }
    return render(request, "desk/portal_ticket.html", context)


@merchant_required
@require_POST
def portal_escalate(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The merchant asks for a supervisor on an overdue ticket (once, with a reason)."""
    ticket = _ticket_for(request, number)
    try:
        reason = request.POST.get("reason", "")
        services.escalate_from_portal(ticket, by=request.user, reason=reason)
    except DeskError as error:
        _error(request, error)
    else:
        messages.success(request, _("已为您升级：客服主管会尽快联系您。"))
    return redirect("portal_ticket", number=ticket.number)


@require_http_methods(["GET"])
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Files are served through the ticket's scoping, never from a guessable public URL."""
    from desk.models import Attachment

    if not request.user.is_authenticated:
        return redirect("login")
    item = get_object_or_404(
        Attachment.objects.filter(ticket__in=Ticket.objects.visible_to(request.user)), pk=pk
    )
    return serve_upload(item.file, filename=item.original_name, content_type=item.content_type)
