from django.contrib import admin

from terminals.models import Terminal, TerminalModel


@admin.register(TerminalModel)
class TerminalModelAdmin(admin.ModelAdmin):
    list_display = ("manufacturer", "name", "kind")
    list_filter = ("manufacturer", "kind")


@admin.register(Terminal)
class TerminalAdmin(admin.ModelAdmin):
    list_display = (
        "terminal_id",
        "serial_number",
        "model",
        "merchant",
        "firmware_version",
        "comm_type",
        "status",
    )
    list_filter = ("status", "comm_type", "model")
    search_fields = ("terminal_id", "serial_number", "merchant__merchant_id")
    raw_id_fields = ("merchant", "store")
