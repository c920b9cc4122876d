from django.contrib import admin

from ledger.admin import AppendOnlyAdmin
from payments.models import (
    DisputeCase,
    Investigation,
    MaintenanceWindow,
    Payout,
    ResponseCode,
    SettlementTerms,
    Transaction,
)


@admin.register(ResponseCode)
class ResponseCodeAdmin(admin.ModelAdmin):
    """Response codes are editable data: operators correct wording and add acquirer codes."""

    list_display = (
        "code",
        "acquirer",
        "meaning_zh",
        "uc_class",
        "actor",
        "retry_safe",
        "is_success",
    )
    list_filter = ("uc_class", "actor", "acquirer", "retry_safe")
    search_fields = ("code", "meaning_zh", "meaning_en")


@admin.register(SettlementTerms)
class SettlementTermsAdmin(admin.ModelAdmin):
    list_display = (
        "merchant",
        "s0_window_start",
        "s0_window_end",
        "s0_daily_quota",
        "s0_fallback_cycle",
    )
    raw_id_fields = ("merchant",)
    search_fields = ("merchant__merchant_id", "merchant__name")


@admin.register(Transaction)
class TransactionAdmin(AppendOnlyAdmin):
    list_display = (
        "local_time",
        "merchant",
        "terminal",
        "txn_type",
        "amount",
        "response_code",
        "status",
    )
    list_filter = ("status", "txn_type", "entry_mode", "source")
    search_fields = ("rrn", "merchant__merchant_id", "terminal__terminal_id")
    raw_id_fields = ("merchant", "terminal", "original")
    show_full_result_count = False  # counting a partitioned table of millions is slow


@admin.register(Payout)
class PayoutAdmin(AppendOnlyAdmin):
    list_display = ("payout_date", "merchant", "amount", "status", "reason")
    list_filter = ("status", "reason")
    search_fields = ("merchant__merchant_id", "merchant__name", "bank_reference")
    raw_id_fields = ("merchant",)


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "ends_at", "description_zh", "delays_payouts")


@admin.register(Investigation)
class InvestigationAdmin(AppendOnlyAdmin):
    list_display = ("created_at", "merchant", "business_date", "verdict", "ticket")
    list_filter = ("verdict",)
    raw_id_fields = ("merchant", "transaction", "opened_by")


@admin.register(DisputeCase)
class DisputeCaseAdmin(admin.ModelAdmin):
    list_display = ("created_at", "merchant", "amount", "status", "ticket")
    list_filter = ("status",)
    raw_id_fields = ("merchant", "first_transaction", "duplicate_transaction", "opened_by")
