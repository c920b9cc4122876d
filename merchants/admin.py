from django.contrib import admin

from merchants.models import Contact, Membership, Merchant, Store


class StoreInline(admin.TabularInline):
    model = Store
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = (
        "merchant_id",
        "name",
        "mcc",
        "region_code",
        "settlement_cycle",
        "status",
        "acquirer",
    )
    list_filter = ("status", "settlement_cycle", "acquirer")
    search_fields = ("merchant_id", "name", "short_name", "contacts__phone")
    inlines = [StoreInline, ContactInline, MembershipInline]
    readonly_fields = ("created_at", "updated_at")


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("store_code", "name", "merchant", "region_code")
    search_fields = ("store_code", "name", "merchant__merchant_id")
    raw_id_fields = ("merchant",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "phone", "merchant", "is_primary")
    search_fields = ("name", "phone", "merchant__merchant_id")
    raw_id_fields = ("merchant",)
