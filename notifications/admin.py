from django.contrib import admin

from notifications.models import Delivery, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "merchant", "event", "subject", "read_at")
    list_filter = ("event",)
    search_fields = ("subject", "recipient__username", "merchant__merchant_id")
    raw_id_fields = ("recipient", "merchant")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "address", "event", "status", "provider_ref")
    list_filter = ("channel", "status", "event")
    raw_id_fields = ("notification", "merchant")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "event", "channel", "enabled")
    raw_id_fields = ("user",)
