from django.contrib import admin

from directory.models import Hotline, HotlineWindow, Institution, RegisteredNumber


class HotlineWindowInline(admin.TabularInline):
    model = HotlineWindow
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "code", "name_en")


@admin.register(Hotline)
class HotlineAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "institution", "is_24x7", "is_public")
    list_filter = ("is_24x7", "is_public")
    search_fields = ("number", "name", "institution__name")
    inlines = [HotlineWindowInline]


@admin.register(RegisteredNumber)
class RegisteredNumberAdmin(admin.ModelAdmin):
    list_display = ("number", "institution", "kind", "is_active", "registered_on")
    list_filter = ("kind", "is_active", "institution")
    search_fields = ("number", "purpose")
