"""The ticket API: other systems and the assistant open and follow tickets here, with the same
scoping as the pages (staff see all tickets, a merchant user only their merchants')."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from core.api import OptionalChoiceField, OptionalURLField
from core.errors import in_both_languages
from core.types import AuthenticatedRequest, user_of
from desk import facts as fact_registry
from desk import services
from desk.models import Commitment, Interaction, Ticket, Tier
from desk.services import DeskError
from merchants.models import Merchant
from terminals.models import Terminal


def _invalid(error: Any) -> serializers.ValidationError:
    return serializers.ValidationError({"detail": in_both_languages(error.message)})


class TicketSerializer(serializers.ModelSerializer):
    merchant_id = serializers.CharField(source="merchant.merchant_id", read_only=True)
    terminal_id = serializers.CharField(
        source="terminal.terminal_id", read_only=True, default=None, allow_null=True
    )
    assignee = serializers.CharField(
        source="assignee.agent_no", read_only=True, default=None, allow_null=True
    )
    queue = serializers.CharField(
        source="queue.code", read_only=True, default=None, allow_null=True
    )
    missing_facts = serializers.SerializerMethodField()
    # "" in the table means none: null here, never "" for an enum or a URL.
    resolution_code = OptionalChoiceField(choices=Ticket.Resolution.choices, read_only=True)
    kb_url = OptionalURLField(read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "number",
            "merchant_id",
            "terminal_id",
            "category",
            "subcategory",
            "priority",
            "channel",
            "status",
            "tier",
            "queue",
            "assignee",
            "description",
            "description_en",
            "facts",
            "facts_en",
            "missing_facts",
            "kb_url",
            "resolution_code",
            "created_at",
            "first_responded_at",
            "resolved_at",
            "sla_due_at",
            "sla_paused",
            "sla_breached",
            "rating",
        ]
        read_only_fields = fields

    def get_missing_facts(self, ticket: Ticket) -> list[str]:
        return fact_registry.missing(ticket.category, ticket.facts)


class TicketCreateSerializer(serializers.Serializer):
    merchant_id = serializers.CharField(max_length=15)
    terminal_id = serializers.CharField(max_length=8, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Ticket.Category.choices)
    subcategory = serializers.CharField(max_length=60, required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, required=False)
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices, default=Ticket.Channel.API)
    description = serializers.CharField()
    facts = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    transcript = serializers.ListField(child=serializers.DictField(), required=False)

    def validate_facts(self, value: dict[str, str]) -> dict[str, str]:
        unknown = fact_registry.unknown_keys(value)
        if unknown:
            raise serializers.ValidationError(
                in_both_languages(_("未知的信息项：%(keys)s") % {"keys": ", ".join(unknown)})
            )
        return value


class TicketUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    resolution_code = serializers.ChoiceField(
        choices=Ticket.Resolution.choices, required=False, allow_blank=True
    )
    reason = serializers.CharField(required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    assignee = serializers.CharField(required=False, allow_null=True, help_text="agent number")
    kb_url = serializers.URLField(required=False, allow_blank=True)


class InteractionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interaction
        fields = [
            "id",
            "kind",
            "channel",
            "direction",
            "is_public",
            "agent_no",
            "author_label",
            "body",
            "outcome",
            "created_at",
        ]
        read_only_fields = ["id", "agent_no", "author_label", "created_at"]
        extra_kwargs = {
            "channel": {"required": False},
            "direction": {"required": False},
            "kind": {"required": False},
        }


class CommitmentSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(
        source="owner.agent_no", required=False, help_text="agent number; default: the caller"
    )

    class Meta:
        model = Commitment
        fields = ["id", "owner", "promise", "due_at", "status", "created_at"]
        read_only_fields = ["id", "status", "created_at"]


class TicketFilter(django_filters.FilterSet):
    merchant_id = django_filters.CharFilter(field_name="merchant__merchant_id")
    terminal_id = django_filters.CharFilter(field_name="terminal__terminal_id")
    queue = django_filters.CharFilter(field_name="queue__code")
    assignee = django_filters.CharFilter(field_name="assignee__agent_no")

    class Meta:
        model = Ticket
        fields = [
            "status",
            "category",
            "priority",
            "channel",
            "tier",
            "is_open",
            "sla_breached",
            "merchant_id",
            "terminal_id",
            "queue",
            "assignee",
        ]


class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Tickets. `POST` with an `Idempotency-Key` header, repeated (also concurrently), answers
    each time as the first time: 201 and the same ticket."""

    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    lookup_field = "number"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            Ticket.objects.visible_to(self.request.user)
            .select_related("merchant", "terminal", "assignee", "queue")
            .order_by("-created_at", "-id")
        )

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        if self.action == "create":
            return TicketCreateSerializer
        if self.action in ("update", "partial_update"):
            return TicketUpdateSerializer
        if self.action == "interactions":
            return InteractionSerializer
        if self.action == "commitments":
            return CommitmentSerializer
        return TicketSerializer

    @extend_schema(
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={201: TicketSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TicketCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        merchant = Merchant.objects.visible_to(request.user).by_merchant_id(data["merchant_id"])
        if merchant is None:
            raise serializers.ValidationError(
                {"merchant_id": in_both_languages(_("未知的商户编号"))}
            )
        terminal = None
        if data.get("terminal_id"):
            terminal = Terminal.objects.filter(terminal_id=data["terminal_id"].upper()).first()
            if terminal is None or terminal.merchant_id != merchant.pk:
                # Another merchant's terminal is reported like an unknown one: nothing leaks.
                raise serializers.ValidationError(
                    {"terminal_id": in_both_languages(_("该商户下没有这个终端号"))}
                )
        key = (request.headers.get("Idempotency-Key") or "").strip()[:80] or None
        try:
            ticket = services.open_ticket(
                merchant=merchant,
                terminal=terminal,
                category=data["category"],
                subcategory=data.get("subcategory", ""),
                priority=data.get("priority"),
                channel=data["channel"],
                description=data["description"],
                facts=data.get("facts"),
                transcript=data.get("transcript"),
                opened_by=user_of(request),
                idempotency_key=key,
            )
        except DeskError as error:
            raise _invalid(error) from error
        body = TicketSerializer(ticket, context=self.get_serializer_context()).data
        # A replay (the same key again, or at the same moment: open_ticket lets one request
        # win and hands the others its ticket) is answered as the first request was: 201 and
        # the ticket, so a client that retried cannot tell, and need not.
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=TicketUpdateSerializer, responses=TicketSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ticket = self.get_object()
        user = user_of(request)
        # Who may change a ticket is each service's decision (check_staff): a merchant's PATCH
        # gets its PermissionDeniedError as a 403 (core.api.exception_handler).
        serializer = TicketUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reason = data.get("reason", "")
        try:
            with transaction.atomic():
                if "priority" in data and data["priority"] != ticket.priority:
                    services.set_priority(ticket, data["priority"], by=user, reason=reason)
                if "tier" in data and data["tier"] != ticket.tier:
                    services.escalate(ticket, to_tier=data["tier"], reason=reason, by=user)
                if "assignee" in data:
                    assignee = None
                    if data["assignee"]:
                        assignee = User.objects.filter(agent_no=data["assignee"]).first()
                        if assignee is None:
                            raise serializers.ValidationError(
                                {"assignee": in_both_languages(_("未知的工号"))}
                            )
                    services.assign(ticket, assignee, by=user)
                if "kb_url" in data:
                    services.set_kb_url(ticket, data["kb_url"], by=user)
                if "status" in data and data["status"] != ticket.status:
                    ticket.refresh_from_db()
                    services.change_status(
                        ticket,
                        data["status"],
                        by=user,
                        reason=reason,
                        resolution_code=data.get("resolution_code", ""),
                    )
        except DeskError as error:
            raise _invalid(error) from error
        ticket = self.get_queryset().get(pk=ticket.pk)
        return Response(TicketSerializer(ticket, context=self.get_serializer_context()).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(methods=["GET"], responses=InteractionSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=InteractionSerializer, responses={201: InteractionSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # the whole list
    def interactions(
        self, request: AuthenticatedRequest, number: str | None = None, format: str | None = None
    ) -> Response:
        ticket = self.get_object()
        if request.method == "GET":
            visible = Interaction.objects.visible_to(
                request.user
            )  # no internal notes for merchants
            items = visible.filter(ticket=ticket).order_by("created_at", "id")
            return Response(InteractionSerializer(items, many=True).data)
        serializer = InteractionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        try:
            interaction = services.add_interaction(
                ticket,
                by=request.user,
                body=d["body"],
                kind=d.get("kind", Interaction.Kind.MESSAGE),
                channel=d.get("channel") or Ticket.Channel.API,
                direction=d.get("direction"),
                is_public=d.get("is_public", True),
                outcome=d.get("outcome", ""),
            )
        except DeskError as error:
            raise _invalid(error) from error
        return Response(InteractionSerializer(interaction).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=CommitmentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=CommitmentSerializer, responses={201: CommitmentSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # the whole list
    def commitments(
        self, request: AuthenticatedRequest, number: str | None = None, format: str | None = None
    ) -> Response:
        ticket = self.get_object()
        if request.method == "GET":
            items = ticket.commitments.select_related("owner")
            return Response(CommitmentSerializer(items, many=True).data)
        serializer = CommitmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        owner = request.user
        agent_no = d.get("owner", {}).get("agent_no")
        if agent_no:
            named = User.objects.filter(agent_no=agent_no).first()
            if named is None:
                raise serializers.ValidationError({"owner": in_both_languages(_("未知的工号"))})
            owner = named
        try:
            commitment = services.add_commitment(
                ticket, owner=owner, due_at=d["due_at"], promise=d["promise"], by=request.user
            )
        except DeskError as error:
            raise _invalid(error) from error
        return Response(CommitmentSerializer(commitment).data, status=status.HTTP_201_CREATED)
