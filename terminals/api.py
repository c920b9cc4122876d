from __future__ import annotations

import django_filters
from rest_framework import serializers, viewsets

from terminals.models import Terminal


class TerminalSerializer(serializers.ModelSerializer):
    merchant_id = serializers.CharField(source="merchant.merchant_id", read_only=True)
    model = serializers.CharField(source="model.code", read_only=True)
    store_code = serializers.CharField(
        source="store.store_code", read_only=True, default=None, allow_null=True
    )
    under_warranty = serializers.BooleanField(read_only=True)

    class Meta:
        model = Terminal
        fields = [
            "terminal_id",
            "serial_number",
            "merchant_id",
            "model",
            "store_code",
            "firmware_version",
            "app_version",
            "comm_type",
            "install_date",
            "warranty_end",
            "under_warranty",
            "status",
        ]


class TerminalFilter(django_filters.FilterSet):
    merchant_id = django_filters.CharFilter(field_name="merchant__merchant_id")
    model = django_filters.CharFilter(field_name="model__name", lookup_expr="iexact")
    firmware_version = django_filters.CharFilter()

    class Meta:
        model = Terminal
        fields = [
            "status",
            "comm_type",
            "merchant_id",
            "model",
            "firmware_version",
            "serial_number",
        ]


class TerminalViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TerminalSerializer
    filterset_class = TerminalFilter
    lookup_field = "terminal_id"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            Terminal.objects.visible_to(self.request.user)
            .select_related("merchant", "model", "store")
            .order_by("terminal_id")
        )
