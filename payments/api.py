"""REST API: response codes, scoped transaction look-ups with explanation and settlement date,
the batch ingestion endpoint, funds-not-arrived investigations, payouts, double charges."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import OptionalChoiceField
from core.calendar import working_calendar
from core.language import current_language
from core.money import parse_yuan
from core.schema import MERCHANT_ID, TIME_OF_DAY, api_error
from core.types import AuthenticatedRequest, user_of
from core.validators import BUSINESS_DATE, validate_business_date
from directory.models import Institution
from merchants.models import Merchant
from payments.ingest import ingest_api
from payments.models import DisputeCase, Investigation, Payout, ResponseCode, Transaction
from payments.services import (
    DisputeError,
    explain_transaction,
    find_duplicate_charges,
    investigate_funds,
    open_or_get_dispute,
    settlement_eta_for,
)
from payments.settlement import Cycle, parse_cutoff, settlement_eta

MAX_BATCH = 10_000
MAX_LOOKBACK_DAYS = 366


def _language(request: Request) -> str:
    return request.query_params.get("lang") or current_language()


class ResponseCodeSerializer(serializers.ModelSerializer):
    acquirer: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="null: the UnionPay entry"
    )
    uc_class = serializers.CharField()

    class Meta:
        model = ResponseCode
        fields = [
            "code",
            "acquirer",
            "meaning_zh",
            "meaning_en",
            "uc_class",
            "actor",
            "action_zh",
            "action_en",
            "retry_safe",
            "is_success",
        ]


class ResponseCodeViewSet(viewsets.ReadOnlyModelViewSet):
    """UnionPay response codes (field 39) and acquirer additions; public reference data.
    `?acquirer=CODE` returns that acquirer's own entry where it has one."""

    serializer_class = ResponseCodeSerializer
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = "[0-9A-Za-z]{2}"
    pagination_class = None

    def _acquirer(self) -> Institution | None:
        code = self.request.query_params.get("acquirer")
        return Institution.objects.filter(code=code).first() if code else None

    def get_queryset(self) -> QuerySet[ResponseCode]:
        return ResponseCode.objects.filter(acquirer__isnull=True).select_related("acquirer")

    @extend_schema(parameters=[OpenApiParameter("acquirer", str, description="institution code")])
    def retrieve(self, request: Request, *args: Any, code: str = "", **kwargs: Any) -> Response:
        entry = ResponseCode.lookup(code, self._acquirer())
        if entry is None:
            raise Http404
        return Response(self.get_serializer(entry).data)


class SettlementSerializer(serializers.Serializer):
    payout_date = serializers.DateField()
    estimated = serializers.BooleanField()
    explanation = serializers.CharField()


class TransactionSerializer(serializers.ModelSerializer):
    merchant_id = serializers.CharField(source="merchant.merchant_id", read_only=True)
    terminal_id = serializers.CharField(source="terminal.terminal_id", read_only=True)
    amount_fen = serializers.IntegerField(source="amount", read_only=True)
    amount = serializers.CharField(source="amount_yuan", read_only=True)
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = Transaction
        fields = [
            "id",
            "merchant_id",
            "terminal_id",
            "txn_type",
            "amount",
            "amount_fen",
            "currency",
            "pan_masked",
            "card_last4",
            "card_brand",
            "entry_mode",
            "local_time",
            "txn_date",
            "stan",
            "batch_no",
            "rrn",
            "auth_code",
            "response_code",
            "settlement_date",
            "status",
            "original",
            "explanation",
        ]

    def get_explanation(self, txn: Transaction) -> str:
        return explain_transaction(txn, _language(self.context["request"]))


class TransactionDetailSerializer(TransactionSerializer):
    settlement = serializers.SerializerMethodField()

    class Meta(TransactionSerializer.Meta):
        fields = [*TransactionSerializer.Meta.fields, "settlement"]

    @extend_schema(responses=SettlementSerializer)
    def get_settlement(self, txn: Transaction) -> dict[str, Any]:
        return settlement_eta_for(txn).as_dict(_language(self.context["request"]))


class TransactionFilter(django_filters.FilterSet):
    merchant_id = django_filters.CharFilter(field_name="merchant__merchant_id")
    terminal_id = django_filters.CharFilter(field_name="terminal__terminal_id")
    rrn = django_filters.CharFilter()
    stan = django_filters.CharFilter(method="filter_stan")
    date = django_filters.DateFilter(field_name="txn_date", validators=BUSINESS_DATE)
    amount = django_filters.CharFilter(method="filter_amount", label="amount in yuan, e.g. 88.00")
    since = django_filters.IsoDateTimeFilter(
        field_name="local_time", lookup_expr="gte", validators=BUSINESS_DATE
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="local_time", lookup_expr="lt", validators=BUSINESS_DATE
    )
    card_last4 = django_filters.CharFilter()
    today = django_filters.BooleanFilter(method="filter_today")

    class Meta:
        model = Transaction
        fields = ["status", "response_code", "txn_type"]

    def filter_stan(self, queryset: Any, name: str, value: str) -> Any:
        value = value.strip()
        return queryset.filter(stan=value.zfill(6) if value.isdigit() else value)

    def filter_amount(self, queryset: Any, name: str, value: str) -> Any:
        try:
            fen = parse_yuan(value)
        except ValueError:  # NaN, Infinity, 1e999: nothing matches
            return queryset.none()
        return queryset if fen is None else queryset.filter(amount=fen)

    def filter_today(self, queryset: Any, name: str, value: bool) -> Any:
        return queryset.today() if value else queryset


class CanIngest(BasePermission):
    """Host systems post transactions with a token of a supervisor/admin or of an account
    given the `payments.add_transaction` permission."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        user = request.user
        return bool(
            user.is_authenticated
            and (getattr(user, "is_supervisor", False) or user.has_perm("payments.add_transaction"))
        )


class BatchSerializer(serializers.Serializer):
    transactions = serializers.ListField(child=serializers.DictField(), max_length=MAX_BATCH)
    settlement_date = serializers.DateField(
        required=False, help_text="The batch's settlement date: the year of MMDDhhmmss times."
    )


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="1-based index of the record")
    column = serializers.CharField()
    value = serializers.CharField()
    zh = serializers.CharField()
    en = serializers.CharField()


class BatchResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    masked_pans = serializers.IntegerField()
    linked = serializers.IntegerField()
    error_rows = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]


class TransactionViewSet(viewsets.ReadOnlyModelViewSet):
    """Transactions the caller may see (staff: all; merchant users: their merchants')."""

    filterset_class = TransactionFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Transaction]:
        return (
            Transaction.objects.visible_to(self.request.user)
            .select_related("merchant", "terminal")
            .order_by("-local_time")
        )

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return TransactionDetailSerializer if self.action == "retrieve" else TransactionSerializer

    @extend_schema(responses=SettlementSerializer)
    @action(detail=True, methods=["get"])
    def settlement(self, request: Request, pk: str | None = None) -> Response:
        return Response(settlement_eta_for(self.get_object()).as_dict(_language(request)))

    @extend_schema(
        request=None,
        # InvestigationSerializer is defined further down; its component is the same.
        responses={201: OpenApiResponse({"$ref": "#/components/schemas/Investigation"})},
    )
    @action(detail=True, methods=["post"])
    def investigate(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        txn = self.get_object()
        investigation = investigate_funds(
            txn.merchant, txn=txn, opened_by=user_of(request), channel="api"
        )
        return Response(InvestigationSerializer(investigation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BatchSerializer, responses={200: BatchResultSerializer})
    @action(detail=False, methods=["post"], permission_classes=[CanIngest], url_path="batch")
    def batch(self, request: Request) -> Response:
        """Ingest up to 10,000 records (canonical columns, amount in yuan); re-sending the
        same records adds nothing. Bad records are reported by their 1-based index."""
        payload = (
            request.data.get("transactions") if isinstance(request.data, dict) else request.data
        )
        if not isinstance(payload, list):
            return Response(
                {"detail": "POST {'transactions': [...]} or a JSON array"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if len(payload) > MAX_BATCH:
            return Response(
                {"detail": f"at most {MAX_BATCH} records per request"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        settlement_date = None
        if isinstance(request.data, dict) and request.data.get("settlement_date"):
            options = BatchSerializer(data={**request.data, "transactions": []})
            options.is_valid(raise_exception=True)
            settlement_date = options.validated_data.get("settlement_date")
        result = ingest_api(payload, settlement_date)
        return Response(result.as_dict())


class TicketNumberField(serializers.CharField):
    """The linked desk ticket's number ("" without one); the API keeps its `ticket_reference`."""

    def __init__(self) -> None:
        super().__init__(source="ticket.number", read_only=True, default="")


class InvestigationSerializer(serializers.ModelSerializer):
    merchant_id = serializers.CharField(source="merchant.merchant_id", read_only=True)
    ticket_reference = TicketNumberField()

    class Meta:
        model = Investigation
        fields = [
            "id",
            "merchant_id",
            "transaction",
            "business_date",
            "verdict",
            "expected_date",
            "summary_zh",
            "summary_en",
            "next_step_zh",
            "next_step_en",
            "findings",
            "ticket_reference",
            "created_at",
        ]


class InvestigationRequestSerializer(serializers.Serializer):
    merchant_id = serializers.CharField(max_length=15)
    date = serializers.DateField(validators=BUSINESS_DATE)


class InvestigationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Funds-not-arrived checks: POST {merchant_id, date} runs the checklist for a day."""

    serializer_class = InvestigationSerializer

    def get_queryset(self) -> QuerySet[Investigation]:
        return Investigation.objects.visible_to(self.request.user).select_related(
            "merchant", "ticket"
        )

    @extend_schema(
        request=InvestigationRequestSerializer,
        responses={201: InvestigationSerializer, 404: api_error(404)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = InvestigationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = get_object_or_404(
            Merchant.objects.visible_to(request.user),
            merchant_id=data.validated_data["merchant_id"],
        )
        investigation = investigate_funds(
            merchant, date=data.validated_data["date"], opened_by=user_of(request), channel="api"
        )
        return Response(InvestigationSerializer(investigation).data, status=status.HTTP_201_CREATED)


class PayoutSerializer(serializers.ModelSerializer):
    merchant_id = serializers.CharField(source="merchant.merchant_id", read_only=True)
    reason = OptionalChoiceField(
        choices=[c for c in Payout.Reason.choices if c[0]], read_only=True, help_text="null: none"
    )

    class Meta:
        model = Payout
        fields = [
            "id",
            "merchant_id",
            "payout_date",
            "period_start",
            "period_end",
            "amount",
            "txn_count",
            "status",
            "reason",
            "note",
            "note_en",
            "bank_note",
            "bank_reference",
        ]


class PayoutViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PayoutSerializer
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[Payout]:
        queryset = Payout.objects.visible_to(self.request.user).select_related("merchant")
        merchant_id = self.request.query_params.get("merchant_id")
        return queryset.filter(merchant__merchant_id=merchant_id) if merchant_id else queryset


class DisputeRequestSerializer(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()


class DisputeSerializer(serializers.ModelSerializer):
    merchant_id = serializers.CharField(source="merchant.merchant_id", read_only=True)
    ticket_reference = TicketNumberField()

    class Meta:
        model = DisputeCase
        fields = [
            "id",
            "merchant_id",
            "first_transaction",
            "duplicate_transaction",
            "amount",
            "status",
            "evidence",
            "ticket_reference",
            "created_at",
        ]


class DisputeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Double-charge dispute cases; POST {first, second} (transaction ids) opens one."""

    serializer_class = DisputeSerializer

    def get_queryset(self) -> QuerySet[DisputeCase]:
        return DisputeCase.objects.visible_to(self.request.user).select_related(
            "merchant", "ticket"
        )

    @extend_schema(
        request=DisputeRequestSerializer,
        responses={201: DisputeSerializer, 200: DisputeSerializer, 404: api_error(404)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = DisputeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visible = Transaction.objects.visible_to(request.user)
        first = get_object_or_404(visible, pk=data.validated_data["first"])
        second = get_object_or_404(visible, pk=data.validated_data["second"])
        try:
            case, created = open_or_get_dispute(
                first, second, opened_by=user_of(request), channel="api"
            )
        except DisputeError as error:
            return Response({"detail": error.messages}, status=status.HTTP_400_BAD_REQUEST)
        # The case that already covers this double charge is answered as it is, with 200.
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(DisputeSerializer(case).data, status=answer)


class DuplicateChargeSerializer(serializers.Serializer):
    first = TransactionSerializer()
    second = TransactionSerializer()
    seconds_apart = serializers.IntegerField()
    dispute_case = serializers.IntegerField(allow_null=True, help_text="the dispute case opened")


@extend_schema(
    parameters=[
        OpenApiParameter("merchant_id", MERCHANT_ID, required=True),
        OpenApiParameter(
            "days",
            {"type": "integer", "minimum": 1, "maximum": MAX_LOOKBACK_DAYS},
            description=f"look back this many days (default 30, at most {MAX_LOOKBACK_DAYS})",
        ),
    ],
    responses={200: DuplicateChargeSerializer(many=True), 404: api_error(404)},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def duplicate_charges(request: Request) -> Response:
    """Likely double charges of a merchant: same terminal, card last four and amount, both
    approved, within ten minutes."""
    merchant = get_object_or_404(
        Merchant.objects.visible_to(request.user),
        merchant_id=request.query_params.get("merchant_id", ""),
    )
    days_text = request.query_params.get("days", "30")
    if not days_text.isdigit() or not 1 <= int(days_text) <= MAX_LOOKBACK_DAYS:
        return Response({"days": [f"1–{MAX_LOOKBACK_DAYS}"]}, status=status.HTTP_400_BAD_REQUEST)
    days = int(days_text)
    found = find_duplicate_charges(merchant, since=timezone.now() - dt.timedelta(days=days))
    return Response(
        [
            {
                "first": TransactionSerializer(d.first, context={"request": request}).data,
                "second": TransactionSerializer(d.second, context={"request": request}).data,
                "seconds_apart": d.seconds_apart,
                "dispute_case": d.case.pk if d.case else None,
            }
            for d in found
        ]
    )


@extend_schema(
    parameters=[
        OpenApiParameter("cycle", str, required=True, enum=[c.value for c in Cycle]),
        OpenApiParameter(
            "at", OpenApiTypes.DATETIME, required=True, description="ISO 8601 with offset"
        ),
        OpenApiParameter("cutoff", TIME_OF_DAY, description="HH:MM, default 23:00"),
    ],
    responses=SettlementSerializer,
)
@api_view(["GET"])
@permission_classes([AllowAny])
def settlement_eta_view(request: Request) -> Response:
    """The settlement calculator: same answer as `manage.py settlement_eta`."""
    try:
        cycle = Cycle(request.query_params.get("cycle", ""))
        at = dt.datetime.fromisoformat(request.query_params.get("at", "").replace(" ", "+"))
        cutoff = parse_cutoff(request.query_params.get("cutoff"))
    except ValueError:
        return Response(
            {"detail": "cycle=T1|T0|D1|D0|S0, at=ISO 8601 with offset, cutoff=HH:MM"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if at.tzinfo is None:
        return Response(
            {"detail": "at needs a UTC offset, e.g. +08:00"}, status=status.HTTP_400_BAD_REQUEST
        )
    try:
        validate_business_date(at)
    except DjangoValidationError as error:
        return Response({"at": error.messages}, status=status.HTTP_400_BAD_REQUEST)
    eta = settlement_eta(at, cycle, working_calendar(), cutoff=cutoff)
    return Response(eta.as_dict(_language(request)))
