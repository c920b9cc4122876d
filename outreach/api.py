"""Outreach API: contact requests (internal systems and staff), the contact log, caller
verification (public, rate-limited) and scam reports. Same scoping as the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAgent, IsSupervisor
from core.errors import in_both_languages, lazy_format
from core.types import AuthenticatedRequest
from merchants.models import Merchant
from outreach import services
from outreach.models import ContactAttempt, ContactRequest, ScamReport
from outreach.throttles import VerifyThrottle


def _bilingual_error(field: str, error: Any) -> ValidationError:
    messages = error.messages if hasattr(error, "messages") else in_both_languages(error)
    return ValidationError({field: messages})


class ContactRequestSerializer(serializers.ModelSerializer):
    merchant_id = serializers.CharField(source="merchant.merchant_id")
    # Plain strings: the service checks them and answers in both languages.
    purpose = serializers.CharField()
    urgency = serializers.CharField(required=False, default="normal")
    channels = serializers.ListField(child=serializers.CharField(), allow_empty=True)
    merged_into: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = ContactRequest
        fields = [
            "id",
            "merchant_id",
            "purpose",
            "urgency",
            "channels",
            "subject",
            "content",
            "dedupe_key",
            "expires_at",
            "justification",
            "source",
            "created_at",
            "decision",
            "status",
            "channel",
            "scheduled_for",
            "merged_into",
            "override",
            "digest",
            "reasons",
            "sent_at",
        ]
        read_only_fields = [
            "id",
            "created_at",
            "decision",
            "status",
            "channel",
            "scheduled_for",
            "override",
            "digest",
            "reasons",
            "sent_at",
        ]
        extra_kwargs = {
            "subject": {"required": True},
            "content": {"required": True},
            "dedupe_key": {"required": False},
            "justification": {"required": False},
            "source": {"required": False},
        }

    def create(self, validated_data: dict[str, Any]) -> ContactRequest:
        request = self.context["request"]
        merchant_id = validated_data.pop("merchant")["merchant_id"]
        merchant = Merchant.objects.visible_to(request.user).by_merchant_id(merchant_id)
        if merchant is None:
            raise _bilingual_error(
                "merchant_id", lazy_format(_("找不到商户“%(value)s”"), value=merchant_id)
            )
        try:
            return services.file_request(
                merchant=merchant,
                requested_by=request.user,
                purpose=validated_data["purpose"],
                urgency=validated_data.get("urgency", "normal"),
                channels=validated_data["channels"],
                subject=validated_data["subject"],
                content=validated_data["content"],
                dedupe_key=validated_data.get("dedupe_key", ""),
                expires_at=validated_data.get("expires_at"),
                justification=validated_data.get("justification", ""),
                source=validated_data.get("source", "") or "api",
            )
        except services.RequestError as error:
            raise _bilingual_error(error.field, error) from None


class ContactRequestViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """File a contact request (the contact policy decides), or look at the decisions."""

    serializer_class = ContactRequestSerializer
    permission_classes = [IsAgent]
    filterset_fields = ["status", "purpose", "decision"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            ContactRequest.objects.visible_to(self.request.user)
            .select_related("merchant")
            .order_by("-created_at")
        )


class ContactAttemptSerializer(serializers.ModelSerializer):
    merchant_id = serializers.CharField(source="merchant.merchant_id", read_only=True)
    from_number = serializers.CharField(source="from_display", read_only=True)
    to_address = serializers.SerializerMethodField()

    class Meta:
        model = ContactAttempt
        fields = [
            "id",
            "merchant_id",
            "occurred_at",
            "purpose",
            "channel",
            "from_number",
            "to_address",
            "agent_no",
            "outcome",
            "summary",
            "verification_code",
            "digest",
        ]

    def get_to_address(self, attempt: ContactAttempt) -> str:
        return attempt.to_display_for(self.context["request"].user)


class ContactLogViewSet(viewsets.ReadOnlyModelViewSet):
    """The contact log: merchants see their own contacts, staff all."""

    serializer_class = ContactAttemptSerializer
    filterset_fields = ["purpose", "channel", "outcome"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return ContactAttempt.objects.visible_to(self.request.user).select_related("merchant")


class VerifyContactInput(serializers.Serializer):
    number = serializers.CharField(max_length=30)
    code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    time = serializers.DateTimeField(required=False, allow_null=True)


class VerifyContactView(APIView):
    """Was that call or SMS really from us? Public; limited per client address."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [VerifyThrottle]

    @extend_schema(request=VerifyContactInput, responses={200: dict})
    def post(self, request: Request) -> Response:
        data = VerifyContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.verify_contact(
                data.validated_data["number"],
                data.validated_data.get("code"),
                data.validated_data.get("time"),
                user=request.user,
            )
        except services.RequestError as error:
            raise _bilingual_error(error.field, error) from None
        return Response(result.as_dict())


class ScamReportSerializer(serializers.ModelSerializer):
    number = serializers.CharField(max_length=30)

    class Meta:
        model = ScamReport
        fields = [
            "id",
            "number",
            "kind",
            "claimed_to_be",
            "message",
            "occurred_at",
            "status",
            "review_note",
            "created_at",
        ]
        read_only_fields = ["id", "status", "review_note", "created_at"]

    def create(self, validated_data: dict[str, Any]) -> ScamReport:
        try:
            return services.report_scam(reporter=self.context["request"].user, **validated_data)
        except services.RequestError as error:
            raise _bilingual_error(error.field, error) from None


class ReviewInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=["confirmed", "rejected"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ScamReportViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Report a suspicious number; supervisors see and review all reports, others their own."""

    serializer_class = ScamReportSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return ScamReport.objects.visible_to(self.request.user).order_by("-created_at")

    @extend_schema(request=ReviewInput, responses={200: ScamReportSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsSupervisor])
    def review(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        report = self.get_object()
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_scam_report(
            report,
            reviewer=request.user,
            status=data.validated_data["status"],
            note=data.validated_data.get("note", ""),
        )
        return Response(ScamReportSerializer(report).data, status=status.HTTP_200_OK)
