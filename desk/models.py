from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.language import BilingualText
from core.scoping import ScopedQuerySet
from core.uploads import RandomName
from core.workdays import WorkingCalendar
from desk import sla
from desk.outage_updates import OutageTexts, OutageUpdate

if TYPE_CHECKING:
    from accounts.models import User


class Tier(models.TextChoices):
    L1 = "l1", _("一线 (L1)")
    L2 = "l2", _("二线技术 (L2)")
    SUPERVISOR = "supervisor", _("主管")


# What a merchant reads for a tier: who looks after the ticket, not the desk's jargon.
TIER_FOR_MERCHANTS = {
    Tier.L1: _("客服专员"),
    Tier.L2: _("技术专家"),
    Tier.SUPERVISOR: _("客服主管"),
}


class BusinessCalendar(models.Model):
    """When the desk is staffed: several periods a day, or 7×24; public holidays and make-up
    working days come from the shared working calendar when `follows_holidays` is on."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    always_open = models.BooleanField(_("7×24 小时"), default=False)
    follows_holidays = models.BooleanField(
        _("遵循法定节假日与调休"),
        default=True,
        help_text=_("关闭时按周一至周五计算工作日。"),
    )
    workday_periods = models.JSONField(
        _("工作日时段"),
        default=list,
        help_text=_("每个时段写作 [开始, 结束]，如 09:00–12:00 与 13:30–18:00 两段"),
    )
    non_workday_periods = models.JSONField(
        _("非工作日时段"), default=list, blank=True, help_text=_("周末与节假日的值班时段。")
    )
    timezone = models.CharField(_("时区"), max_length=40, default="Asia/Shanghai")

    class Meta:
        verbose_name = _("服务时间日历")
        verbose_name_plural = pgettext_lazy("plural", "服务时间日历")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def business_hours(self, calendar: WorkingCalendar | None) -> sla.BusinessHours:
        def periods(raw: list[list[str]]) -> tuple[sla.Period, ...]:
            return tuple((dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in raw)

        return sla.BusinessHours(
            timezone=ZoneInfo(self.timezone),
            workday_periods=periods(self.workday_periods),
            non_workday_periods=periods(self.non_workday_periods),
            always_open=self.always_open,
            calendar=calendar if self.follows_holidays else None,
        )


class SLAPolicy(models.Model):
    """Targets by priority and category; the most specific active policy applies."""

    name = models.CharField(_("名称"), max_length=60)
    priority = models.CharField(_("优先级"), max_length=2, blank=True, help_text=_("空 = 任意"))
    category = models.CharField(_("类别"), max_length=24, blank=True, help_text=_("空 = 任意"))
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("服务时间"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    first_response_minutes = models.PositiveIntegerField(_("首次响应（分钟）"))
    next_update_minutes = models.PositiveIntegerField(_("后续更新（分钟）"), default=0)
    resolution_minutes = models.PositiveIntegerField(_("解决时限（分钟）"))

    class Meta:
        verbose_name = _("SLA 策略")
        verbose_name_plural = pgettext_lazy("plural", "SLA 策略")
        ordering = ["priority", "category"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "category"], name="unique_sla_scope")
        ]

    def __str__(self) -> str:
        return self.name

    def targets(self) -> sla.Targets:
        return sla.Targets(
            self.first_response_minutes * 60,
            self.next_update_minutes * 60,
            self.resolution_minutes * 60,
        )


class Queue(models.Model):
    """A group of staff of one tier; new and escalated tickets go to the least-loaded member."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    tier = models.CharField(_("层级"), max_length=12, choices=Tier.choices)
    categories = models.JSONField(
        _("负责的类别"), default=list, blank=True, help_text=_("空 = 该层级的默认队列")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("成员"), related_name="desk_queues", blank=True
    )
    auto_assign = models.BooleanField(_("自动分配"), default=True)

    class Meta:
        verbose_name = _("队列")
        verbose_name_plural = pgettext_lazy("plural", "队列")
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: the default queues' names are in the catalogue
        (desk/defaults.py); a name given in the admin is shown as it was typed."""
        return gettext(self.name)


class OutageQuerySet(ScopedQuerySet["Outage"]):
    # A merchant user sees the outages linked to their tickets.
    merchant_path = "tickets__merchant"


class Outage(OutageTexts, models.Model):
    """A master incident (maintenance, regional network failure) with linked tickets."""

    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", _("系统维护")
        NETWORK = "network", _("区域网络故障")
        PLATFORM = "platform", _("平台故障")

    class Status(models.TextChoices):
        ACTIVE = "active", _("处理中")
        RESOLVED = "resolved", _("已恢复")

    title = models.CharField(_("标题"), max_length=120)
    title_en = models.CharField(_("英文标题"), max_length=120, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    region_code = models.CharField(
        _("影响地区"), max_length=6, blank=True, help_text=_("行政区划代码前缀；空 = 全国")
    )
    public_message = models.TextField(_("对商户的说明"))
    public_message_en = models.TextField(_("对商户的说明（英文）"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    expected_recovery_at = models.DateTimeField(_("预计恢复时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    update_count = models.PositiveIntegerField(_("更新次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="desk_outages",
    )

    objects = OutageQuerySet.as_manager()

    class Meta:
        verbose_name = _("故障事件")
        verbose_name_plural = pgettext_lazy("plural", "故障事件")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.title


class TicketQuerySet(ScopedQuerySet["Ticket"]):
    merchant_path = "merchant"

    def cashier_condition(self, user: User, shifts: models.QuerySet) -> Q | None:  # type: ignore[type-arg]
        # A cashier follows the faults they reported themselves.
        return Q(opened_by=user, merchant__in=shifts.values("merchant_id"))

    def open(self) -> TicketQuerySet:
        return self.filter(is_open=True)

    def search(self, query: str, user: User | None = None) -> TicketQuerySet:
        """Ticket number, merchant ID, terminal ID, serial number or contact phone (the phone
        only for a user who sees phones in full, as MerchantQuerySet.search)."""
        import re

        query = query.strip()
        if not query:
            return self
        from merchants.models import Merchant
        from terminals.models import Terminal

        upper = query.upper()
        # Subqueries rather than joins, so each branch of the OR can use its own index.
        terminals = Terminal.objects.filter(Q(terminal_id=upper) | Q(serial_number=upper))
        condition = Q(number=upper) | Q(terminal__in=terminals.values("pk"))
        digits = re.sub(r"\D", "", query)
        if len(digits) == 15 and digits == query:
            condition |= Q(merchant__in=Merchant.objects.filter(merchant_id=digits).values("pk"))
        elif (
            getattr(user, "sees_contact_phones", False)
            and len(digits) >= 7
            and digits == re.sub(r"[\s+-]", "", query)
        ):
            from merchants.models import Contact

            by_phone = Contact.objects.filter(phone__endswith=digits[-11:]).values("merchant_id")
            condition |= Q(merchant__in=by_phone)
        return self.filter(condition)


class Ticket(models.Model):
    class Category(models.TextChoices):
        TRANSACTION_FAILURE = "transaction_failure", _("交易失败")
        CARD_READING = "card_reading", _("读卡问题")
        NETWORK_SIGNIN = "network_signin", _("网络/签到")
        PRINTER_PAPER = "printer_paper", _("打印/纸张")
        POWER_BATTERY = "power_battery", _("电源/电池")
        DEVICE_FAULT = "device_fault", _("设备故障")
        FUNDS_NOT_ARRIVED = "funds_not_arrived", _("资金未到账")
        REFUND_DISPUTE = "refund_dispute", _("退货/撤销/争议")
        FEES = "fees", _("手续费")
        ACCOUNT_RISK = "account_risk", _("账户/风控")
        OUTREACH_COMPLAINT = "outreach_complaint", _("外呼投诉")
        COMPLAINT = "complaint", _("服务投诉")
        OTHER = "other", _("其他")

    class Channel(models.TextChoices):
        PHONE = "phone", _("电话")
        PORTAL = "portal", _("商户门户")
        ASSISTANT = "assistant", _("智能助手")
        EMAIL = "email", _("电子邮件")
        API = "api", _("接口")
        OUTBOUND = "outbound", _("外呼")

    class Priority(models.TextChoices):
        P1 = "P1", _("P1 紧急")
        P2 = "P2", _("P2 高")
        P3 = "P3", _("P3 普通")
        P4 = "P4", _("P4 低")

    class Status(models.TextChoices):
        NEW = "new", _("新建")
        OPEN = "open", _("处理中")
        PENDING_MERCHANT = "pending_merchant", _("待商户回复")
        ON_HOLD = "on_hold", _("挂起")
        RESOLVED = "resolved", _("已解决")
        CLOSED = "closed", _("已关闭")

    class Resolution(models.TextChoices):
        FIRST_CONTACT = "first_contact", _("首次联络指导解决")
        REMOTE_FIX = "remote_fix", _("远程修复")
        FIELD_VISIT = "field_visit", _("上门服务")
        REPLACED = "replaced", _("更换设备")
        REFERRED = "referred", _("转风控/法务")
        OUTAGE = "outage", _("系统故障恢复")
        DUPLICATE = "duplicate", _("重复工单")

    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.NEW: (Status.OPEN, Status.PENDING_MERCHANT, Status.ON_HOLD, Status.RESOLVED),
        Status.OPEN: (Status.PENDING_MERCHANT, Status.ON_HOLD, Status.RESOLVED),
        Status.PENDING_MERCHANT: (Status.OPEN, Status.ON_HOLD, Status.RESOLVED),
        Status.ON_HOLD: (Status.OPEN, Status.PENDING_MERCHANT, Status.RESOLVED),
        Status.RESOLVED: (Status.OPEN, Status.CLOSED),
        Status.CLOSED: (),
    }
    OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING_MERCHANT, Status.ON_HOLD)

    number = models.CharField(_("工单号"), max_length=16, unique=True, null=True, editable=False)
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.SET_NULL,
        related_name="tickets",
        null=True,
        blank=True,
    )
    category = models.CharField(_("类别"), max_length=24, choices=Category.choices)
    subcategory = models.CharField(_("子类别"), max_length=60, blank=True)
    priority = models.CharField(
        _("优先级"), max_length=2, choices=Priority.choices, default=Priority.P3
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NEW)
    is_open = models.BooleanField(_("未结"), default=True, editable=False)
    tier = models.CharField(_("层级"), max_length=12, choices=Tier.choices, default=Tier.L1)
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("队列"),
        on_delete=models.SET_NULL,
        related_name="tickets",
        null=True,
        blank=True,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        null=True,
        blank=True,
    )
    description = models.TextField(_("问题描述"))
    description_en = models.TextField(_("问题描述（英文）"), blank=True)  # of system-written ones
    shown_description = BilingualText("description")  # in the reader's language
    facts = models.JSONField(_("已知信息"), default=dict, blank=True)
    facts_en = models.JSONField(_("已知信息（英文）"), default=dict, blank=True)  # the same
    transcript = models.JSONField(_("对话记录"), default=list, blank=True)
    kb_url = models.URLField(_("知识库文章"), blank=True)
    resolution_code = models.CharField(
        _("解决方式"), max_length=16, choices=Resolution.choices, blank=True
    )
    outage = models.ForeignKey(
        Outage,
        verbose_name=_("关联故障"),
        on_delete=models.SET_NULL,
        related_name="tickets",
        null=True,
        blank=True,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        on_delete=models.SET_NULL,
        related_name="merged_tickets",
        null=True,
        blank=True,
    )
    idempotency_key = models.CharField(_("幂等键"), max_length=80, null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        related_name="opened_tickets",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    first_responded_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重开次数"), default=0)
    # SLA state, recomputed from the event log after every change (desk.services.refresh_sla).
    first_response_due_at = models.DateTimeField(_("首次响应截止"), null=True, blank=True)
    next_update_due_at = models.DateTimeField(_("下次更新截止"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("解决截止"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("最近 SLA 截止"), null=True, blank=True)
    sla_paused = models.BooleanField(_("SLA 暂停"), default=False)
    first_response_breached = models.BooleanField(_("首次响应超时"), default=False)
    resolution_breached = models.BooleanField(_("解决超时"), default=False)
    sla_breached = models.BooleanField(_("SLA 超时"), default=False)
    breach_notified_at = models.DateTimeField(_("超时通知时间"), null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField(
        _("首次响应用时（工作秒）"), null=True, blank=True
    )
    resolution_seconds = models.PositiveIntegerField(_("解决用时（工作秒）"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度评分"), null=True, blank=True)
    rating_comment = models.TextField(_("评价"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = pgettext_lazy("plural", "工单")
        ordering = ["-created_at"]
        indexes = [
            # The agent queue: open tickets, most urgent first, optionally per queue/assignee.
            models.Index(fields=["is_open", "sla_due_at", "id"], name="ticket_open_due"),
            models.Index(fields=["queue", "is_open", "sla_due_at"], name="ticket_queue_due"),
            models.Index(fields=["assignee", "is_open", "sla_due_at"], name="ticket_assignee_due"),
            models.Index(fields=["merchant", "-created_at"], name="ticket_merchant_recent"),
            models.Index(fields=["terminal", "-created_at"], name="ticket_terminal_recent"),
            models.Index(fields=["-created_at", "-id"], name="ticket_recent"),
            models.Index(fields=["outage", "is_open"], name="ticket_outage"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="ticket_idempotency_per_merchant",
            ),
            models.CheckConstraint(
                name="ticket_rating_1_to_5",
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
            ),
            models.CheckConstraint(
                name="ticket_resolved_has_code",
                condition=~Q(status__in=["resolved", "closed"]) | ~Q(resolution_code=""),
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.is_open = self.status in self.OPEN_STATUSES
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_open"}
        super().save(*args, **kwargs)

    @staticmethod
    def format_number(pk: int, created: dt.datetime) -> str:
        return f"T{created:%y%m}{pk:07d}"

    def can_transition(self, to_status: str) -> bool:
        return to_status in self.TRANSITIONS.get(self.status, ())

    @property
    def subject(self) -> str:
        """The description's first line (reader's language): what the queue lists it by."""
        return str(self.shown_description).strip().split("\n", 1)[0].strip()

    @property
    def can_be_rated(self) -> bool:
        return self.status in (self.Status.RESOLVED, self.Status.CLOSED) and self.rating is None

    def timer(self, now: dt.datetime | None = None) -> dict[str, Any]:
        """What the queue shows: the nearest due time, and whether it is paused or late."""
        now = now or timezone.now()
        if not self.is_open:
            return {"state": "stopped", "text": ""}
        if self.sla_paused:
            return {"state": "paused", "text": ""}
        if self.sla_due_at is None:
            return {"state": "none", "text": ""}
        seconds = (self.sla_due_at - now).total_seconds()
        if seconds < 0 or self.sla_breached:
            state = "breached"
        elif seconds < 3600:
            state = "soon"
        else:
            state = "ok"
        return {"state": state, "text": sla.format_duration(seconds), "seconds": seconds}


class TicketEventQuerySet(ScopedQuerySet["TicketEvent"]):
    merchant_path = "ticket__merchant"


class TicketEvent(models.Model):
    """The ticket's log: creation, every status change with its reason, escalations,
    assignments, public staff replies. SLA clocks are computed from it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("创建")
        STATUS = "status", _("状态变更")
        AGENT_REPLY = "agent_reply", _("坐席回复")
        ASSIGNED = "assigned", pgettext_lazy("event", "分配")
        ESCALATED = "escalated", pgettext_lazy("event", "升级")
        PRIORITY = "priority", _("优先级变更")
        SLA_BREACH = "sla_breach", _("SLA 超时")
        MERGED = "merged", pgettext_lazy("event", "合并")
        OUTAGE = "outage", pgettext_lazy("event", "关联故障")
        VISIT = "visit", _("上门服务")
        REPLACEMENT = "replacement", _("更换设备")
        RATED = "rated", pgettext_lazy("event", "评价")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        related_name="desk_events",
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = pgettext_lazy("plural", "工单事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="ticket_event_log")]

    def __str__(self) -> str:
        return f"{self.ticket} {self.kind}"

    @property
    def to_status_label(self) -> str:
        return str(dict(Ticket.Status.choices).get(self.to_status, self.to_status))

    def sla_event(self) -> sla.Event | None:
        if self.kind in (self.Kind.CREATED, self.Kind.STATUS) and self.to_status:
            return sla.Event(self.at, "status", self.to_status)
        if self.kind == self.Kind.AGENT_REPLY:
            return sla.Event(self.at, "agent_reply")
        return None


class InteractionQuerySet(ScopedQuerySet["Interaction"]):
    merchant_path = "ticket__merchant"
    # Internal notes and other non-public entries never reach the portal.
    merchant_rows = Q(is_public=True)

    def cashier_condition(self, user: User, shifts: models.QuerySet) -> Q | None:  # type: ignore[type-arg]
        return Q(ticket__opened_by=user, ticket__merchant__in=shifts.values("merchant_id"))


class Interaction(models.Model):
    """A call, message, e-mail or note on a ticket, signed with the agent number."""

    class Kind(models.TextChoices):
        CALL = "call", _("电话")
        MESSAGE = "message", _("消息")
        EMAIL = "email", _("邮件")
        NOTE = "note", _("内部备注")
        VISIT = "visit", _("上门")
        SYSTEM = "system", _("系统")

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("呼入/来信")
        OUTBOUND = "outbound", _("外呼/回复")
        INTERNAL = "internal", _("内部")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Ticket.Channel.choices)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices)
    is_public = models.BooleanField(_("商户可见"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        related_name="desk_interactions",
        null=True,
        blank=True,
    )
    agent_no = models.CharField(_("工号"), max_length=16, blank=True)
    author_label = models.CharField(_("署名"), max_length=64, blank=True)
    body = models.TextField(_("内容"))
    outcome = models.CharField(_("结果"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        verbose_name = _("沟通记录")
        verbose_name_plural = pgettext_lazy("plural", "沟通记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="interaction_timeline")]
        constraints = [
            models.CheckConstraint(
                name="internal_notes_are_private",
                condition=~Q(kind="note") | Q(is_public=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.get_kind_display()}"


class CommitmentQuerySet(ScopedQuerySet["Commitment"]):
    merchant_path = "ticket__merchant"

    def pending(self) -> CommitmentQuerySet:
        return self.filter(status=Commitment.Status.OPEN)


class Commitment(models.Model):
    """A promise to the merchant ("we will call you back before 15:00")."""

    class Status(models.TextChoices):
        OPEN = "open", _("待兑现")
        KEPT = "kept", _("已兑现")
        CANCELLED = "cancelled", _("已取消")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="commitments"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="desk_commitments",
    )
    promise = models.CharField(_("承诺内容"), max_length=200)
    promise_en = models.CharField(_("承诺内容（英文）"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("承诺时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("兑现时间"), null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()
    shown_promise = BilingualText("promise")  # what merchants read, in their language

    class Meta:
        verbose_name = _("承诺")
        verbose_name_plural = pgettext_lazy("plural", "承诺")
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="commitment_due"),
            models.Index(fields=["owner", "status", "due_at"], name="commitment_owner_due"),
        ]

    def __str__(self) -> str:
        return self.promise

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at < timezone.now()


def attachment_path(instance: Attachment, filename: str) -> str:
    """Referenced by migration 0001; new files get random names (RandomName)."""
    return RandomName("desk")(instance, filename)


class AttachmentQuerySet(ScopedQuerySet["Attachment"]):
    merchant_path = "ticket__merchant"

    def cashier_condition(self, user: User, shifts: models.QuerySet) -> Q | None:  # type: ignore[type-arg]
        return Q(ticket__opened_by=user, ticket__merchant__in=shifts.values("merchant_id"))


class Attachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=RandomName("desk"))
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = pgettext_lazy("plural", "附件")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


class FieldVisitQuerySet(ScopedQuerySet["FieldVisit"]):
    merchant_path = "ticket__merchant"


class FieldVisit(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已预约")
        COMPLETED = "completed", _("已完成")
        FAILED = "failed", _("未解决")
        CANCELLED = "cancelled", _("已取消")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="visits"
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("技术员"),
        on_delete=models.PROTECT,
        related_name="desk_visits",
    )
    window_start = models.DateTimeField(_("预约开始"))
    window_end = models.DateTimeField(_("预约结束"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    outcome = models.TextField(_("上门结果"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("派单人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("派单时间"), default=timezone.now)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = FieldVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("上门服务")
        verbose_name_plural = pgettext_lazy("plural", "上门服务")
        ordering = ["window_start"]
        constraints = [
            models.CheckConstraint(
                name="visit_window_ordered", condition=Q(window_end__gt=models.F("window_start"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.window_start:%Y-%m-%d %H:%M}"


class ReplacementQuerySet(ScopedQuerySet["Replacement"]):
    merchant_path = "ticket__merchant"


class Replacement(models.Model):
    """A repair/replacement (RMA): the old and new serial numbers and the warranty verdict."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="replacements"
    )
    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.PROTECT,
        related_name="replacements",
    )
    old_serial = models.CharField(_("原序列号"), max_length=32)
    new_serial = models.CharField(_("新序列号"), max_length=32)
    under_warranty = models.BooleanField(_("在保"))
    reason = models.CharField(_("原因"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = ReplacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("设备更换")
        verbose_name_plural = pgettext_lazy("plural", "设备更换")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.old_serial} → {self.new_serial}"


class CannedResponse(models.Model):
    title = models.CharField(_("标题"), max_length=80)
    body = models.TextField(_("内容"))
    category = models.CharField(
        _("类别"), max_length=24, choices=Ticket.Category.choices, blank=True
    )

    class Meta:
        verbose_name = _("常用回复")
        verbose_name_plural = pgettext_lazy("plural", "常用回复")
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title


__all__ = ["OutageUpdate"]
