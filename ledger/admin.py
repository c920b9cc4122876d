"""The ledger in the admin: read only. `AppendOnlyAdmin` makes a record of evidence append-only
in the admin of its own app too (no change, no delete): corrections are new records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ledger.models import AuditRun, LedgerCheckpoint, LedgerEntry


class AppendOnlyAdmin(admin.ModelAdmin):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(AppendOnlyAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["index", "kind", "record_id", "logged_at"]
    list_filter = ["kind"]
    search_fields = ["record_id"]


@admin.register(LedgerCheckpoint)
class LedgerCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["size", "issued_at"]


@admin.register(AuditRun)
class AuditRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "ok"]
