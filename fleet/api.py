"""REST API of the fleet: telemetry in (poscare's own shape and TMS pushes), remote
diagnosis and remote actions (agents, scoped like the terminal page)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsAgent, IsIntegration
from core.errors import in_both_languages, lazy_format
from core.schema import api_error
from core.types import user_of
from fleet.diagnosis import run_diagnosis
from fleet.ingest import ingest_api
from fleet.models import Diagnosis, RemoteAction
from fleet.remote import RemoteActionError, run_remote_action
from fleet.tms import ADAPTERS, AdapterError
from terminals.models import Terminal

MAX_BATCH = 10_000


class TelemetryResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    stored = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    error_rows = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]


# A JSON array of records, or an object with a `records` list (README "Fleet": the fields).
RECORDS = {"type": "array", "items": {"type": "object", "additionalProperties": {}}}
TELEMETRY_BODY = {
    "oneOf": [
        {"type": "object", "properties": {"records": RECORDS}, "required": ["records"]},
        RECORDS,
    ]
}


def _refuse(message: Any) -> Response:
    return Response({"detail": in_both_languages(message)}, status=status.HTTP_400_BAD_REQUEST)


def _store(records: list[Any]) -> Response:
    if len(records) > MAX_BATCH:
        return _refuse(lazy_format(_("每次最多 %(max)s 条记录"), max=f"{MAX_BATCH:,}"))
    return Response(ingest_api(records).as_dict())


@extend_schema(
    request={"application/json": TELEMETRY_BODY}, responses={200: TelemetryResultSerializer}
)
@api_view(["POST"])
@permission_classes([IsIntegration])
def telemetry(request: Request) -> Response:
    """Store up to 10,000 telemetry records: `{"records": [...]}` or a JSON array. Re-sent
    records (same terminal and time) add nothing; bad ones are reported by 1-based index."""
    try:
        records = ADAPTERS["generic"].to_records(request.data)
    except AdapterError:
        return _refuse(_("请发送 JSON 数组，或带 records 列表的 JSON 对象"))
    return _store(records)


@extend_schema(
    request={"application/json": {"type": "object", "description": "the TMS's own push"}},
    parameters=[OpenApiParameter("adapter", str, OpenApiParameter.PATH, enum=sorted(ADAPTERS))],
    responses={200: TelemetryResultSerializer, 404: api_error(404)},
)
@api_view(["POST"])
@permission_classes([IsIntegration])
def tms_push(request: Request, adapter: str) -> Response:
    """A terminal management system's own push format (`paxstore` or `generic`)."""
    mapper = ADAPTERS.get(adapter)
    if mapper is None:
        return Response(
            {"detail": in_both_languages(_("未知的终端管理系统"))}, status=status.HTTP_404_NOT_FOUND
        )
    try:
        records = mapper.to_records(request.data)
    except AdapterError:
        return _refuse(_("推送内容的格式不对"))
    return _store(records)


class DiagnosisSerializer(serializers.ModelSerializer):
    terminal_id = serializers.CharField(source="terminal.terminal_id", read_only=True)
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = Diagnosis
        fields = [
            "id",
            "terminal_id",
            "verdict",
            "verdict_label",
            "evidence",
            "next_step",
            "suggested_action",
            "created_at",
        ]


class RemoteActionRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RemoteAction.Kind.choices)
    ticket = serializers.CharField(max_length=16, required=False, allow_blank=True)
    version = serializers.CharField(max_length=32, required=False, allow_blank=True)


class RemoteActionSerializer(serializers.ModelSerializer):
    terminal_id = serializers.CharField(source="terminal.terminal_id", read_only=True)
    ticket_number = serializers.CharField(
        source="ticket.number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = RemoteAction
        fields = [
            "id",
            "terminal_id",
            "ticket_number",
            "kind",
            "parameters",
            "status",
            "result_message",
            "tms",
            "agent_no",
            "created_at",
        ]


def _terminal(request: Request, terminal_id: str) -> Terminal:
    return get_object_or_404(
        Terminal.objects.visible_to(request.user).select_related("merchant"),
        terminal_id=terminal_id.upper(),
    )


@extend_schema(request=None, responses={201: DiagnosisSerializer})
@api_view(["POST"])
@permission_classes([IsAgent])
def diagnose(request: Request, terminal_id: str) -> Response:
    """Run a remote diagnosis: the verdict, its evidence (zh/en) and the next step."""
    diagnosis = run_diagnosis(_terminal(request, terminal_id), by=user_of(request))
    return Response(DiagnosisSerializer(diagnosis).data, status=status.HTTP_201_CREATED)


@extend_schema(request=RemoteActionRequestSerializer, responses={201: RemoteActionSerializer})
@api_view(["POST"])
@permission_classes([IsAgent])
def remote_action(request: Request, terminal_id: str) -> Response:
    """Reboot, re-sign-in, push parameters or a version through the TMS; recorded on the
    ticket's timeline when a ticket number is given."""
    from desk.models import Ticket

    terminal = _terminal(request, terminal_id)
    data = RemoteActionRequestSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    ticket = None
    if number := (data.validated_data.get("ticket") or "").strip().upper():
        ticket = get_object_or_404(Ticket.objects.visible_to(request.user), number=number)
    try:
        action = run_remote_action(
            terminal,
            data.validated_data["kind"],
            by=user_of(request),
            ticket=ticket,
            version=data.validated_data.get("version") or "",
        )
    except RemoteActionError as error:
        return _refuse(error.message)
    return Response(RemoteActionSerializer(action).data, status=status.HTTP_201_CREATED)
