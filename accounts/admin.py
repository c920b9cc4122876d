from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "agent_no", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "agent_no", "phone", "email")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("poscare"), {"fields": ("role", "agent_no", "display_name", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("poscare"), {"fields": ("role", "agent_no", "display_name", "phone")}),
    )
