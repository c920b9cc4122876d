from django.contrib import admin

from ledger.admin import AppendOnlyAdmin
from outreach.models import (
    CallTask,
    Campaign,
    ContactAttempt,
    ContactPreference,
    ContactRequest,
    FrequencyComplaint,
    ScamReport,
)


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "merchant", "purpose", "urgency", "decision", "status", "channel")
    list_filter = ("status", "decision", "purpose", "override", "digest")
    search_fields = ("merchant__merchant_id", "subject", "dedupe_key")
    raw_id_fields = ("merchant", "requested_by", "merged_into", "campaign")


@admin.register(ContactAttempt)
class ContactAttemptAdmin(AppendOnlyAdmin):
    list_display = ("occurred_at", "merchant", "purpose", "channel", "from_number", "agent_no")
    list_filter = ("channel", "purpose", "outcome")
    search_fields = ("merchant__merchant_id", "from_number", "verification_code")
    raw_id_fields = ("merchant", "request", "agent", "registered_number")


@admin.register(CallTask)
class CallTaskAdmin(admin.ModelAdmin):
    list_display = ("due_at", "merchant", "status", "attempts", "assigned_to")
    list_filter = ("status",)
    raw_id_fields = ("merchant", "request", "assigned_to", "registered_number")


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    list_display = ("merchant", "quiet_start", "quiet_end", "marketing_opt_in", "fewer_contacts")
    raw_id_fields = ("merchant", "updated_by")


@admin.register(ScamReport)
class ScamReportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "number", "kind", "status", "reporter")
    list_filter = ("status", "kind")
    search_fields = ("number",)
    raw_id_fields = ("reporter", "merchant", "reviewed_by")


@admin.register(FrequencyComplaint)
class FrequencyComplaintAdmin(admin.ModelAdmin):
    list_display = ("created_at", "merchant", "source", "status", "contacts_last_30d")
    list_filter = ("status", "source")
    raw_id_fields = ("merchant", "raised_by", "resolved_by")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("created_at", "name", "purpose", "simulated_at", "launched_at")
    raw_id_fields = ("created_by",)
