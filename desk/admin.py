from django.contrib import admin

from desk.models import (
    BusinessCalendar,
    CannedResponse,
    Commitment,
    FieldVisit,
    Interaction,
    Outage,
    Queue,
    Replacement,
    SLAPolicy,
    Ticket,
    TicketEvent,
)
from ledger.admin import AppendOnlyAdmin


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "always_open", "follows_holidays", "workday_periods", "timezone"]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "priority",
        "category",
        "calendar",
        "first_response_minutes",
        "next_update_minutes",
        "resolution_minutes",
    ]


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "tier", "auto_assign"]
    filter_horizontal = ["members"]


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "category"]


class InteractionInline(admin.TabularInline):
    model = Interaction
    extra = 0
    can_delete = False  # evidence (ledger): append-only
    fields = ["created_at", "kind", "direction", "is_public", "agent_no", "body", "outcome"]
    readonly_fields = [
        "created_at",
        "kind",
        "direction",
        "is_public",
        "agent_no",
        "body",
        "outcome",
    ]


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "from_status", "to_status", "reason", "actor"]
    readonly_fields = ["at", "kind", "from_status", "to_status", "reason", "actor"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["number", "merchant", "category", "priority", "status", "tier", "assignee"]
    list_filter = ["status", "category", "priority", "channel", "tier"]
    search_fields = ["number", "merchant__merchant_id", "terminal__terminal_id"]
    raw_id_fields = ["merchant", "terminal", "assignee", "opened_by", "merged_into", "outage"]
    readonly_fields = ["status", "is_open"]
    inlines = [InteractionInline, EventInline]


@admin.register(Commitment)
class CommitmentAdmin(AppendOnlyAdmin):
    list_display = ["promise", "ticket", "owner", "due_at", "status"]
    raw_id_fields = ["ticket"]


@admin.register(FieldVisit)
class FieldVisitAdmin(admin.ModelAdmin):
    list_display = ["ticket", "technician", "window_start", "status"]
    raw_id_fields = ["ticket"]


@admin.register(Replacement)
class ReplacementAdmin(admin.ModelAdmin):
    list_display = ["ticket", "old_serial", "new_serial", "under_warranty", "created_at"]
    raw_id_fields = ["ticket", "terminal"]


@admin.register(Outage)
class OutageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "started_at", "expected_recovery_at"]
