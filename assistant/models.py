"""Conversations with the assistant, their messages, hand-offs to the desk, and the
knowledge base the answers come from."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assistant.intents import INTENT_LABELS
from core.scoping import ScopedQuerySet
from desk.facts import FACTS

if TYPE_CHECKING:
    from core.types import Viewer

INTENT_CHOICES = [(name, label) for name, label in INTENT_LABELS.items()]


def session_digest(session_key: str) -> str:
    """Anonymous conversations are tied to a session; only a digest of its key is stored."""
    return hashlib.sha256(session_key.encode()).hexdigest()


class ConversationQuerySet(ScopedQuerySet["Conversation"]):
    # Staff read every transcript; a merchant user only the conversations they had, not those
    # of a colleague at the same merchant.
    owner_path = "user"
    merchant_path = None

    def of_session(self, session_key: str) -> ConversationQuerySet:
        """An anonymous visitor's own conversations (by the session they chat in)."""
        if not session_key:
            return self.none()
        return self.filter(user__isnull=True, session_digest=session_digest(session_key))


class Conversation(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("商户门户")
        API = "api", _("接口")

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        HANDED_OFF = "handed_off", _("已转人工")
        CLOSED = "closed", _("已结束")

    public_id = models.UUIDField(_("对话编号"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.SET_NULL,
        related_name="assistant_conversations",
        null=True,
        blank=True,
    )
    session_digest = models.CharField(
        _("匿名会话摘要"),
        max_length=64,
        blank=True,
        help_text=_("匿名访客会话标识的 SHA-256 摘要；不保存会话标识本身。"),
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.SET_NULL,
        related_name="assistant_conversations",
        null=True,
        blank=True,
    )
    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.SET_NULL,
        related_name="assistant_conversations",
        null=True,
        blank=True,
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("语言"), max_length=8, default="zh-hans")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    state = models.JSONField(
        _("对话状态"),
        default=dict,
        blank=True,
        help_text=_("多步流程进行到哪一步（排障、收集信息、澄清）。"),
    )
    last_intent = models.CharField(_("最近意图"), max_length=32, choices=INTENT_CHOICES, blank=True)
    staffed_hours = models.CharField(
        _("人工值班时间"),
        max_length=80,
        blank=True,
        help_text=_("转人工时的值班时间，如 08:00–20:00。"),
    )
    outside_staffed_hours = models.BooleanField(_("转人工时在值班时间外"), default=False)
    # Live take-over: while an agent holds the conversation, the assistant stays silent and
    # the agent answers in person (assistant/takeover.py).
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接管坐席"),
        on_delete=models.SET_NULL,
        related_name="held_conversations",
        null=True,
        blank=True,
    )
    taken_over_at = models.DateTimeField(_("接管时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("助手对话")
        verbose_name_plural = pgettext_lazy("plural", "助手对话")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["user", "-updated_at"], name="conversation_user_recent"),
            models.Index(fields=["session_digest", "-updated_at"], name="conversation_session"),
            models.Index(fields=["merchant", "-updated_at"], name="conversation_merchant"),
            models.Index(fields=["-started_at"], name="conversation_started"),
        ]
        constraints = [
            models.CheckConstraint(
                name="conversation_has_owner",
                condition=Q(user__isnull=False) | ~Q(session_digest=""),
                violation_error_message=_("对话必须属于一个用户或一个匿名会话。"),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_channel_display()}"

    @property
    def handed_off(self) -> bool:
        return self.status == self.Status.HANDED_OFF

    @property
    def held_by_agent(self) -> bool:
        return self.agent_id is not None

    def is_owned_by(self, user: Viewer, session_key: str = "") -> bool:
        if getattr(user, "is_authenticated", False):
            return self.user_id == user.pk
        return (
            self.user_id is None
            and bool(session_key)
            and (self.session_digest == session_digest(session_key))
        )


class MessageQuerySet(ScopedQuerySet["Message"]):
    owner_path = "conversation__user"
    merchant_path = None  # as the conversation: the person who chatted, not the merchant

    def inbound(self) -> MessageQuerySet:
        return self.filter(direction=Message.Direction.IN)


class Message(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("商户")
        OUT = "out", _("助手")
        AGENT = "agent", _("坐席")

    class Action(models.TextChoices):
        ANSWER = "answer", _("回答")
        CLARIFY = "clarify", _("澄清")
        HANDOFF = "handoff", _("转人工")
        ASK = "ask", _("收集信息")

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("对话"), on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(_("方向"), max_length=5, choices=Direction.choices)
    # Who wrote an agent's message, as the merchant sees it (the agent number, never a name).
    agent_no = models.CharField(_("坐席工号"), max_length=16, blank=True)
    # Full card numbers are masked before the text reaches this field (services.post_message).
    text = models.TextField(_("内容"))
    intent = models.CharField(_("意图"), max_length=32, choices=INTENT_CHOICES, blank=True)
    confidence = models.FloatField(_("置信度"), null=True, blank=True)
    action = models.CharField(_("动作"), max_length=8, choices=Action.choices, blank=True)
    entities = models.JSONField(_("实体"), default=dict, blank=True)
    quick_replies = models.JSONField(_("快捷回复"), default=list, blank=True)
    unanswered = models.BooleanField(
        _("未能回答"),
        default=False,
        help_text=_("助手没有资料或数据回答这条消息（用于完善知识库）。"),
    )
    second_opinion = models.BooleanField(
        _("第二意见"),
        default=False,
        help_text=_("本地模型没有把握时，由第二意见（外部大模型）确定了意图或提问方式。"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = pgettext_lazy("plural", "消息")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_conversation"),
            models.Index(fields=["direction", "created_at"], name="message_direction_recent"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class ArticleQuerySet(ScopedQuerySet["Article"]):
    # Published articles are public knowledge; drafts only for staff.
    public_rows = Q(is_published=True)

    def published(self) -> ArticleQuerySet:
        return self.filter(is_published=True)

    def for_intent(self, intent: str) -> list[Article]:
        # A few dozen articles: filtering the intent list in Python works the same on SQLite
        # and PostgreSQL and keeps `intents` a plain list the admin can edit.
        return [article for article in self.order_by("slug") if intent in (article.intents or [])]


class Article(models.Model):
    """Vetted knowledge: what the assistant may say for an intent, in Chinese and English, and
    the pages of the public help centre (`helpcentre`), grouped by section; a training lesson
    carries its quiz (scored on the server, the answers never sent to the browser)."""

    class Section(models.TextChoices):
        PROBLEMS = "problems", _("常见问题与解决")
        CARE = "care", _("日常保养")
        SETTINGS = "settings", _("设置、限额与更新")
        BACKUP = "backup", _("POS 机用不了时")
        TRAINING = "training", _("收银员培训")
        CHARTER = "charter", _("服务承诺")
        OTHER = "other", _("更多问答")

    slug = models.SlugField(_("代码"), max_length=60, unique=True)
    section = models.CharField(
        _("栏目"), max_length=16, choices=Section.choices, default=Section.OTHER, db_index=True
    )
    position = models.PositiveSmallIntegerField(_("栏目内顺序"), default=100)
    title_zh = models.CharField(_("标题"), max_length=120)
    title_en = models.CharField(_("标题（英文）"), max_length=160)
    summary_zh = models.CharField(_("摘要"), max_length=200, blank=True)
    summary_en = models.CharField(_("摘要（英文）"), max_length=300, blank=True)
    body_zh = models.TextField(_("正文"))
    body_en = models.TextField(_("正文（英文）"))
    intents = models.JSONField(
        _("关联意图"), default=list, blank=True, help_text=_("回答这些意图时使用本文。")
    )
    quiz = models.JSONField(
        _("测验"),
        default=list,
        blank=True,
        help_text=_("培训课的测验题：题目、选项、正确答案的序号、解析（中英文）。"),
    )
    is_published = models.BooleanField(_("已发布"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后编辑人"),
        on_delete=models.SET_NULL,
        related_name="assistant_articles",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("知识库文章")
        verbose_name_plural = pgettext_lazy("plural", "知识库文章")
        ordering = ["slug"]
        indexes = [models.Index(fields=["is_published", "slug"], name="article_published")]

    def __str__(self) -> str:
        return self.title_zh

    def get_absolute_url(self) -> str:
        return reverse("help_article", kwargs={"slug": self.slug})

    def title(self, language: str = "zh") -> str:
        return self.title_en if language.startswith("en") else self.title_zh

    def body(self, language: str = "zh") -> str:
        return self.body_en if language.startswith("en") else self.body_zh

    def summary(self, language: str = "zh") -> str:
        return self.summary_en if language.startswith("en") else self.summary_zh


class HandOffQuerySet(ScopedQuerySet["HandOff"]):
    owner_path = "conversation__user"
    merchant_path = None  # as the conversation: the person who chatted, not the merchant


class HandOff(models.Model):
    """The assistant passing a conversation to a person, with the reason and what came of it."""

    class Reason(models.TextChoices):
        REQUESTED = "requested", _("商户要求转人工")
        COMPLAINT = "complaint", _("投诉")
        OUT_OF_SCOPE = "out_of_scope", _("超出助手范围")
        TROUBLESHOOTING_FAILED = "troubleshooting_failed", _("自助排障未解决")
        NEEDS_PERSON = "needs_person", _("需要人工办理")
        DATA_MISSING = "data_missing", _("缺少数据无法回答")

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("正在收集信息")
        TICKET_OPENED = "ticket_opened", _("已创建工单")
        NO_TICKET = "no_ticket", _("已引导拨打热线")

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("对话"), on_delete=models.CASCADE, related_name="handoffs"
    )
    sequence = models.PositiveSmallIntegerField(_("序号"))
    reason = models.CharField(_("原因"), max_length=24, choices=Reason.choices)
    intent = models.CharField(_("意图"), max_length=32, choices=INTENT_CHOICES, blank=True)
    category = models.CharField(_("工单类别"), max_length=24, blank=True)
    facts = models.JSONField(_("已收集信息"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.COLLECTING
    )
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("工单"),
        on_delete=models.SET_NULL,
        related_name="assistant_handoffs",
        null=True,
        blank=True,
    )
    outside_hours = models.BooleanField(_("值班时间外"), default=False)
    callback_due_at = models.DateTimeField(_("承诺回电时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = HandOffQuerySet.as_manager()

    class Meta:
        verbose_name = _("转人工记录")
        verbose_name_plural = pgettext_lazy("plural", "转人工记录")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["-created_at"], name="handoff_recent"),
            models.Index(fields=["reason", "created_at"], name="handoff_reason"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "sequence"], name="unique_handoff_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}/{self.sequence} {self.get_reason_display()}"

    def labelled_facts(self, language: str) -> list[tuple[str, str]]:
        """The facts gathered, each under the desk's label in the reader's language."""
        return [
            (FACTS[key].label(language) if key in FACTS else key, str(value))
            for key, value in self.facts.items()
        ]


class LearnedExampleQuerySet(ScopedQuerySet["LearnedExample"]):
    # Staff only: merchants' words wait for a supervisor's review, not for other merchants.
    merchant_path = None


class LearnedExample(models.Model):
    """A merchant's answer to a clarifying question: their words, labelled with the reading they
    chose, kept for a supervisor to review before it may join the training phrases."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("已驳回")

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("对话"),
        on_delete=models.CASCADE,
        related_name="learned_examples",
    )
    text = models.CharField(_("商户原话（已脱敏）"), max_length=500)
    intent = models.CharField(_("商户选择的意图"), max_length=32, choices=INTENT_CHOICES)
    offered = models.JSONField(_("提供的选项"), default=list)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = LearnedExampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("学习到的例句")
        verbose_name_plural = pgettext_lazy("plural", "学习到的例句")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="learned_review_queue")]
        constraints = [
            # The same answer to the same question is one example, however often it is sent.
            models.UniqueConstraint(
                fields=["conversation", "text", "intent"], name="unique_learned_example"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text[:30]} → {self.intent}"
