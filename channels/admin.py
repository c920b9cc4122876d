from django.contrib import admin

from channels.models import Call, Integration


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "kind", "institution", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("external_id", "direction", "state", "agent_no", "merchant", "started_at")
    list_filter = ("state", "direction")
    raw_id_fields = ("merchant", "ticket", "interaction", "call_task", "agent")
