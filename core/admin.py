from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.models import CalendarOverride, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports run from the console's import page (with progress); the admin lists them."""

    list_display = (
        "created_at",
        "kind",
        "original_name",
        "status",
        "total_rows",
        "error_rows",
        "progress_link",
    )
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    @admin.display(description=_("进度"))
    def progress_link(self, job: ImportJob) -> str:
        return format_html('<a href="{}">{}</a>', reverse("import_job", args=[job.pk]), _("查看"))


admin.site.site_header = _("poscare 管理后台")
admin.site.site_title = _("poscare")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
