"""The ledger API: entries (scoped like their records), inclusion and consistency proofs
(hashes only, public) — RFC 9162 proofs a client verifies with `poscare_verify.proofs`."""

from __future__ import annotations

import base64
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import in_both_languages
from core.schema import api_error
from ledger import checkpoints, log
from ledger.models import LedgerEntry


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


class EntrySerializer(serializers.ModelSerializer):
    entry = serializers.CharField(source="content")
    leaf_hash = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = ["index", "kind", "record_id", "logged_at", "entry", "leaf_hash"]

    def get_leaf_hash(self, entry: LedgerEntry) -> str:
        return _b64(bytes(entry.leaf_hash))


class EntryView(APIView):
    @extend_schema(responses=EntrySerializer)
    def get(self, request: Request, index: int) -> Response:
        entry = get_object_or_404(LedgerEntry.objects.visible_to(request.user), index=index)
        return Response(EntrySerializer(entry).data)


class InclusionProofSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    root_hash = serializers.CharField(help_text="base64")
    inclusion_proof = serializers.ListField(child=serializers.CharField(), help_text="base64")


class ConsistencyProofSerializer(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    first_root = serializers.CharField(help_text="base64")
    second_root = serializers.CharField(help_text="base64")
    consistency_proof = serializers.ListField(child=serializers.CharField(), help_text="base64")


class CheckpointSerializer(serializers.Serializer):
    size = serializers.IntegerField()
    note = serializers.CharField(help_text="the signed note (C2SP signed-note)")
    keys = serializers.ListField(child=serializers.CharField(), help_text="verifier keys")


# A tree index or size: a non-negative integer of at most 19 digits (_int_params).
TREE_NUMBER = {"type": "integer", "minimum": 0, "maximum": 10**19 - 1}


def _bad(message: Any) -> Response:
    return Response({"detail": in_both_languages(message)}, status=400)


def _int_params(request: Request, *names: str) -> list[int] | None:
    values = []
    for name in names:
        raw = request.query_params.get(name, "")
        if not raw.isdigit() or len(raw) > 19:
            return None
        values.append(int(raw))
    return values


class InclusionProofView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("index", TREE_NUMBER, required=True),
            OpenApiParameter("size", TREE_NUMBER, required=True),
        ],
        responses=InclusionProofSerializer,
    )
    def get(self, request: Request) -> Response:
        values = _int_params(request, "index", "size")
        if values is None:
            return _bad(_("index 和 size 须为非负整数"))
        index, size = values
        if not 0 <= index < size <= log.tree_size():
            return _bad(_("需要 0 ≤ index < size ≤ 当前日志大小"))
        proof = log.inclusion_proof(index, size)
        return Response(
            {
                "index": index,
                "tree_size": size,
                "root_hash": _b64(log.root(size)),
                "inclusion_proof": [_b64(item) for item in proof],
            }
        )


class ConsistencyProofView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("first", TREE_NUMBER, required=True),
            OpenApiParameter("second", TREE_NUMBER, required=True),
        ],
        responses=ConsistencyProofSerializer,
    )
    def get(self, request: Request) -> Response:
        values = _int_params(request, "first", "second")
        if values is None:
            return _bad(_("first 和 second 须为非负整数"))
        first, second = values
        if not 0 < first <= second <= log.tree_size():
            return _bad(_("需要 0 < first ≤ second ≤ 当前日志大小"))
        return Response(
            {
                "first": first,
                "second": second,
                "first_root": _b64(log.root(first)),
                "second_root": _b64(log.root(second)),
                "consistency_proof": [_b64(item) for item in log.consistency_proof(first, second)],
            }
        )


class CheckpointView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: CheckpointSerializer, 404: api_error(404)})
    def get(self, request: Request) -> Response:
        latest = checkpoints.latest()
        if latest is None:
            return Response({"detail": in_both_languages(_("还没有签发检查点"))}, status=404)
        return Response({"size": latest.size, "note": latest.note, "keys": latest.verifier_keys})
