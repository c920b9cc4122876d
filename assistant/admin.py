from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistant.forms import ArticleForm
from assistant.models import Article, Conversation, HandOff, LearnedExample, Message


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = [
        "slug",
        "section",
        "title_zh",
        "title_en",
        "is_published",
        "updated_at",
        "updated_by",
    ]
    list_filter = ["is_published", "section"]
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


def _review(request: HttpRequest, queryset: QuerySet[LearnedExample], status: str) -> None:
    queryset.filter(status=LearnedExample.Status.PENDING).update(
        status=status, reviewed_by=request.user, reviewed_at=timezone.now()
    )


@admin.register(LearnedExample)
class LearnedExampleAdmin(admin.ModelAdmin):
    """Supervisors review merchants' answers to clarifying questions before they become data."""

    list_display = ["text", "intent", "offered", "status", "created_at", "reviewed_by"]
    list_filter = ["status", "intent"]
    search_fields = ["text"]
    raw_id_fields = ["conversation"]
    readonly_fields = ["conversation", "text", "offered", "reviewed_by", "reviewed_at"]
    actions = ["accept", "reject"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LearnedExample]:
        return LearnedExample.objects.visible_to(request.user)

    # Reviewing is the supervisors' job: their role grants it, no per-model permission needed.
    def _reviewer(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_supervisor", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._reviewer(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._reviewer(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._reviewer(request) or super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # examples come from conversations only

    @admin.action(description=_("采纳为训练例句"))
    def accept(self, request: HttpRequest, queryset: QuerySet[LearnedExample]) -> None:
        _review(request, queryset, LearnedExample.Status.ACCEPTED)

    @admin.action(description=_("驳回"))
    def reject(self, request: HttpRequest, queryset: QuerySet[LearnedExample]) -> None:
        _review(request, queryset, LearnedExample.Status.REJECTED)
