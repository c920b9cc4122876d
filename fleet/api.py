"""REST API of the fleet: telemetry in (poscare's own shape and TMS pushes)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsIntegration
from core.errors import in_both_languages, lazy_format
from fleet.ingest import ingest_api
from fleet.tms import ADAPTERS, AdapterError

MAX_BATCH = 10_000


class TelemetryResultSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    stored = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    error_rows = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]


def _refuse(message: Any) -> Response:
    return Response({"detail": in_both_languages(message)}, status=status.HTTP_400_BAD_REQUEST)


def _store(records: list[Any]) -> Response:
    if len(records) > MAX_BATCH:
        return _refuse(lazy_format(_("每次最多 %(max)s 条记录"), max=f"{MAX_BATCH:,}"))
    return Response(ingest_api(records).as_dict())


@extend_schema(request=None, responses={200: TelemetryResultSerializer})
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


@extend_schema(request=None, responses={200: TelemetryResultSerializer})
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
