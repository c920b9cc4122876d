from django.contrib import admin

from assistant.forms import ArticleForm
from assistant.models import Article, Conversation, HandOff, Message


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ["slug", "title_zh", "title_en", "is_published", "updated_at", "updated_by"]
    list_filter = ["is_published"]
    search_fields = ["slug", "title_zh", "title_en", "body_zh", "body_en"]
    readonly_fields = ["updated_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ["created_at", "direction", "text", "intent", "confidence", "action", "unanswered"]
    readonly_fields = (
        "created_at",
        "direction",
        "text",
        "intent",
        "confidence",
        "action",
        "unanswered",
    )

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["pk", "channel", "user", "merchant", "status", "last_intent", "updated_at"]
    list_filter = ["channel", "status", "last_intent"]
    search_fields = ["merchant__merchant_id", "user__username", "public_id"]
    raw_id_fields = ["user", "merchant", "terminal"]
    readonly_fields = ["public_id", "session_digest", "started_at", "updated_at"]
    inlines = [MessageInline]


@admin.register(HandOff)
class HandOffAdmin(admin.ModelAdmin):
    list_display = ["conversation", "sequence", "reason", "intent", "status", "ticket"]
    list_filter = ["reason", "status", "outside_hours"]
    search_fields = ["ticket__number"]
    raw_id_fields = ["conversation"]
