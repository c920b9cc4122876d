from __future__ import annotations

from typing import Any

import django_filters
from rest_framework import serializers, viewsets

from core import audit
from core.api import LocalTimeField
from core.models import AuditEvent
from merchants.models import Contact, Merchant, Store


class StoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Store
        fields = ["store_code", "name", "region_code", "address"]


class ContactSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["name", "role", "phone", "email", "is_primary"]

    def get_phone(self, contact: Contact) -> str:
        return contact.phone_for(self.context["request"].user)


class MerchantSerializer(serializers.ModelSerializer):
    acquirer: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    settlement_cutoff = LocalTimeField(read_only=True)
    region = serializers.CharField(source="region_label", read_only=True)
    stores = StoreSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Merchant
        fields = [
            "merchant_id",
            "name",
            "short_name",
            "mcc",
            "region_code",
            "region",
            "address",
            "settlement_cycle",
            "settlement_cutoff",
            "settlement_bank",
            "settlement_account_masked",
            "status",
            "acquirer",
            "stores",
            "contacts",
        ]


class MerchantFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    region = django_filters.CharFilter(field_name="region_code", lookup_expr="startswith")
    acquirer = django_filters.CharFilter(field_name="acquirer__code")

    class Meta:
        model = Merchant
        fields = ["status", "settlement_cycle", "mcc", "name", "region", "acquirer"]


class MerchantViewSet(viewsets.ReadOnlyModelViewSet):
    """Merchants the caller may see: staff all, a merchant user only their own."""

    serializer_class = MerchantSerializer
    filterset_class = MerchantFilter
    lookup_field = "merchant_id"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            Merchant.objects.visible_to(self.request.user)
            .select_related("acquirer")
            .prefetch_related("stores", "contacts", "contacts__merchant__members")
            .order_by("merchant_id")
        )

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().retrieve(request, *args, **kwargs)
        audit.merchant_details_viewed(request, self.get_object())
        return response

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().list(request, *args, **kwargs)
        if getattr(request.user, "is_agent", False):
            # One row for the page of merchants (with their contacts) that was sent.
            results = response.data.get("results", []) if isinstance(response.data, dict) else []
            audit.record(
                request,
                AuditEvent.Action.MERCHANT_DETAILS,
                target=request.get_full_path(),
                rows=len(results),
            )
        return response
