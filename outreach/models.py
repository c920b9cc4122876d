"""Outreach: contact requests and the decisions on them, the contact log, the agents' call
list, merchants' contact preferences, scam reports, "too many calls" complaints, campaigns."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.language import BilingualText, current_language
from core.masking import mask_phone
from core.phones import display_phone
from core.scoping import SUPERVISOR_ROLES, ScopedQuerySet
from outreach import policy
from outreach.vocabulary import OVERRIDABLE

if TYPE_CHECKING:
    from core.types import Viewer


class Purpose(models.TextChoices):
    SERVICE_FOLLOWUP = "service_followup", _("服务回访")
    SYSTEM_UPDATE = "system_update", _("系统升级")
    SERVICE_OUTAGE = "service_outage", _("故障通知")
    TRANSACTION_ANOMALY = "transaction_anomaly", _("交易异常")
    SECURITY_VERIFICATION = "security_verification", _("安全验证")
    RISK_ALERT = "risk_alert", _("风险提示")
    SURVEY = "survey", _("满意度调查")
    MARKETING = "marketing", _("营销推广")


class Channel(models.TextChoices):
    INBOX = "inbox", pgettext_lazy("channel", "站内消息")
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信模板消息")
    VOICE = "voice", _("语音外呼")
    PHONE = "phone", _("人工电话")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("普通")
    HIGH = "high", _("重要")
    URGENT = "urgent", _("紧急")


def default_channels() -> list[str]:
    return [c.value for c in Channel]


class ContactPreferenceQuerySet(ScopedQuerySet["ContactPreference"]):
    merchant_path = "merchant"


class ContactPreference(models.Model):
    """How a merchant wants to be contacted. A merchant without a row gets the defaults."""

    merchant = models.OneToOneField(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="contact_preference",
    )
    channels = models.JSONField(
        _("允许的渠道"),
        default=default_channels,
        help_text=_("站内消息始终允许：它不会打扰任何人。"),
    )
    quiet_start = models.TimeField(_("免打扰开始"), default=dt.time(21, 0))
    quiet_end = models.TimeField(_("免打扰结束"), default=dt.time(9, 0))
    marketing_opt_in = models.BooleanField(_("接收营销信息"), default=False)
    survey_opt_in = models.BooleanField(_("接收满意度调查"), default=True)
    call_cap_per_week = models.PositiveSmallIntegerField(
        _("每周非紧急电话上限"), null=True, blank=True, help_text=_("留空表示按机构统一上限。")
    )
    fewer_contacts = models.BooleanField(
        _("减少联系"),
        default=False,
        help_text=_("不发营销和调查；非紧急事项只用站内消息或邮件。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ContactPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系偏好")
        verbose_name_plural = pgettext_lazy("plural", "联系偏好")

    def __str__(self) -> str:
        return str(self.merchant)

    @property
    def channel_labels(self) -> str:
        """The allowed channels in the reader's language, e.g. '站内消息、短信'."""
        from outreach.vocabulary import channel_name

        lang = current_language()
        return (", " if lang == "en" else "、").join(channel_name(c, lang) for c in self.channels)

    def to_policy(self, tz: str) -> policy.Preferences:
        return policy.Preferences(
            channels=frozenset(self.channels),
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
            marketing_opt_in=self.marketing_opt_in,
            survey_opt_in=self.survey_opt_in,
            call_cap_per_week=self.call_cap_per_week,
            fewer_contacts=self.fewer_contacts,
            timezone=tz,
        )


class Campaign(models.Model):
    """A batch of contact requests to many merchants, simulated before it is sent."""

    name = models.CharField(_("名称"), max_length=100)
    purpose = models.CharField(_("事由"), max_length=24, choices=Purpose.choices)
    urgency = models.CharField(
        _("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    channels = models.JSONField(_("允许的渠道"), default=list)
    subject = models.CharField(pgettext_lazy("message", "标题"), max_length=120)
    content = models.TextField(_("内容"))
    region_prefix = models.CharField(_("地区代码前缀"), max_length=6, blank=True)
    mcc = models.CharField(_("MCC"), max_length=4, blank=True)
    merchant_ids = models.JSONField(_("指定商户编号"), default=list, blank=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    simulation = models.JSONField(_("模拟结果"), default=dict, blank=True)
    simulated_at = models.DateTimeField(_("模拟时间"), null=True, blank=True)
    launched_at = models.DateTimeField(_("发起时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="outreach_campaigns",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("联系活动")
        verbose_name_plural = pgettext_lazy("plural", "联系活动")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ContactRequestQuerySet(ScopedQuerySet["ContactRequest"]):
    merchant_path = None  # internal work: staff see requests, merchants see the contact log

    def due(self, now: dt.datetime) -> ContactRequestQuerySet:
        return self.filter(status=ContactRequest.Status.SCHEDULED, scheduled_for__lte=now)

    def booked(self) -> ContactRequestQuerySet:
        """Requests that reached, or will reach, the merchant: what the caps count."""
        return self.filter(status__in=[ContactRequest.Status.SENT, ContactRequest.Status.SCHEDULED])


class ContactRequest(models.Model):
    """A request to contact a merchant. Nobody contacts a merchant directly: a request goes
    through the contact policy, which decides whether, when and how."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已排期")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发出")
        MERGED = "merged", _("已合并")
        SUPPRESSED = "suppressed", _("不发送")
        CANCELLED = "cancelled", _("已取消")

    class Decision(models.TextChoices):
        SEND_NOW = policy.SEND_NOW, _("立即发送")
        SCHEDULE = policy.SCHEDULE, _("排期发送")
        MERGE = policy.MERGE, _("合并")
        SUPPRESS = policy.SUPPRESS, _("不发送")

    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="contact_requests",
    )
    purpose = models.CharField(_("事由"), max_length=24, choices=Purpose.choices)
    urgency = models.CharField(
        _("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    channels = models.JSONField(_("允许的渠道"), default=list)
    subject = models.CharField(pgettext_lazy("message", "标题"), max_length=120)
    content = models.TextField(_("内容"))
    # The English text when the request was filed from a translatable (lazy) text, as notices
    # from the desk, settlement and chargebacks are; empty: `subject`/`content` for everyone.
    subject_en = models.CharField(_("英文标题"), max_length=200, blank=True)
    content_en = models.TextField(_("英文内容"), blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=120, blank=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    justification = models.TextField(
        _("紧急理由"), blank=True, help_text=_("紧急安全或风险联系必须说明理由，会被审计。")
    )
    source = models.CharField(_("来源系统"), max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="contact_requests",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("联系活动"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    decision = models.CharField(_("决定"), max_length=10, choices=Decision.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, db_index=True)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices, blank=True)
    scheduled_for = models.DateTimeField(_("计划时间"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并到"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_requests",
    )
    reasons = models.JSONField(_("理由"), default=list, blank=True)
    override = models.BooleanField(_("紧急例外"), default=False)
    digest = models.BooleanField(_("每日摘要"), default=False)
    sent_at = models.DateTimeField(_("发出时间"), null=True, blank=True)

    objects = ContactRequestQuerySet.as_manager()
    # The title and content in the reader's language (Chinese where no English was kept).
    shown_subject = BilingualText("subject")
    shown_content = BilingualText("content")

    class Meta:
        verbose_name = _("联系请求")
        verbose_name_plural = pgettext_lazy("plural", "联系请求")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "scheduled_for"], name="outreach_req_due"),
            models.Index(fields=["merchant", "created_at"], name="outreach_req_merchant"),
            models.Index(fields=["merchant", "dedupe_key"], name="outreach_req_dedupe"),
        ]
        constraints = [
            models.CheckConstraint(
                name="outreach_scheduled_has_time",
                condition=~Q(status="scheduled") | Q(scheduled_for__isnull=False),
                violation_error_message=_("排期的请求必须有计划时间。"),
            ),
            models.CheckConstraint(
                name="outreach_override_only_urgent_security",
                condition=Q(override=False)
                | (Q(urgency="urgent") & Q(purpose__in=sorted(OVERRIDABLE)) & ~Q(justification="")),
                violation_error_message=_("只有附理由的紧急安全验证或风险提示可以使用例外。"),
            ),
            models.CheckConstraint(
                name="outreach_sending_has_channel",
                condition=~Q(status__in=["scheduled", "sending", "sent"]) | ~Q(channel=""),
                violation_error_message=_("发送的请求必须有渠道。"),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_purpose_display()} → {self.merchant_id}"

    @property
    def text(self) -> Any:
        """Title and content as lazy texts, for notify(): each reader gets their language."""
        return self.shown_subject, self.shown_content

    def to_policy(self) -> policy.ContactRequest:
        return policy.ContactRequest(
            request_id=self.pk,
            merchant_id=self.merchant_id,
            purpose=self.purpose,
            urgency=self.urgency,
            channels=tuple(self.channels),
            created_at=self.created_at,
            dedupe_key=self.dedupe_key or None,
            expires_at=self.expires_at,
        )

    @property
    def booked_at(self) -> dt.datetime:
        return self.sent_at or self.scheduled_for or self.created_at

    def reasons_in(self, lang: str) -> list[str]:
        key = "en" if lang.startswith("en") else "zh"
        return [r.get(key, "") for r in self.reasons]


class CallTaskQuerySet(ScopedQuerySet["CallTask"]):
    merchant_path = None  # the agents' call list; merchants see the contact log

    def open(self) -> CallTaskQuerySet:
        return self.filter(status__in=[CallTask.Status.OPEN, CallTask.Status.CLAIMED])


class CallTask(models.Model):
    """A phone call the policy decided on: an agent places it and logs the outcome."""

    MAX_ATTEMPTS = 3

    class Status(models.TextChoices):
        OPEN = "open", _("待拨打")
        CLAIMED = "claimed", _("处理中")
        DONE = "done", _("已完成")
        UNREACHABLE = "unreachable", _("未联系上")
        CANCELLED = "cancelled", _("已取消")

    request = models.OneToOneField(
        ContactRequest,
        verbose_name=_("联系请求"),
        on_delete=models.CASCADE,
        related_name="call_task",
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="call_tasks",
    )
    phone = models.CharField(_("拨打号码"), max_length=20)
    registered_number = models.ForeignKey(
        "directory.RegisteredNumber",
        verbose_name=_("外呼号码"),
        on_delete=models.PROTECT,
        related_name="call_tasks",
        help_text=_("坐席用这条登记线路拨出，商户可凭号码和核验码核实。"),
    )
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    verification_code = models.CharField(_("核验码"), max_length=8)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("坐席"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_tasks",
    )
    due_at = models.DateTimeField(_("应拨打时间"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("已拨打次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    objects = CallTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("外呼任务")
        verbose_name_plural = pgettext_lazy("plural", "外呼任务")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="outreach_call_queue")]

    def __str__(self) -> str:
        return f"{self.merchant} {self.get_status_display()}"


class ContactAttemptQuerySet(ScopedQuerySet["ContactAttempt"]):
    merchant_path = "merchant"


class ContactAttempt(models.Model):
    """The contact log: every attempt to reach a merchant, on any channel, whatever came of it."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        ANSWERED = "answered", _("已接通")
        NO_ANSWER = "no_answer", _("无人接听")
        BUSY = "busy", _("占线")
        REFUSED = "refused", _("拒接")
        WRONG_NUMBER = "wrong_number", _("号码错误")
        VOICEMAIL = "voicemail", pgettext_lazy("contact outcome", "留言")

    CALL_OUTCOMES = (
        Outcome.ANSWERED,
        Outcome.NO_ANSWER,
        Outcome.BUSY,
        Outcome.REFUSED,
        Outcome.WRONG_NUMBER,
        Outcome.VOICEMAIL,
    )

    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="contact_attempts",
    )
    request = models.ForeignKey(
        ContactRequest,
        verbose_name=_("联系请求"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attempts",
    )
    purpose = models.CharField(_("事由"), max_length=24, choices=Purpose.choices)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    registered_number = models.ForeignKey(
        "directory.RegisteredNumber",
        verbose_name=_("外呼号码"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_attempts",
    )
    from_number = models.CharField(
        _("来电/发送号码"), max_length=20, blank=True, help_text=_("发生时登记号码的快照。")
    )
    to_address = models.CharField(_("联系号码或邮箱"), max_length=200, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("坐席"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_attempts",
    )
    agent_no = models.CharField(_("工号"), max_length=16, blank=True)
    occurred_at = models.DateTimeField(_("时间"), default=timezone.now)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    summary = models.CharField(_("内容摘要"), max_length=300)
    summary_en = models.CharField(_("英文摘要"), max_length=300, blank=True)
    verification_code = models.CharField(_("核验码"), max_length=8, blank=True)
    digest = models.BooleanField(_("每日摘要"), default=False)
    override = models.BooleanField(_("紧急例外"), default=False)

    objects = ContactAttemptQuerySet.as_manager()
    shown_summary = BilingualText("summary")  # in the reader's language

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = pgettext_lazy("plural", "联系记录")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["merchant", "-occurred_at"], name="outreach_log_merchant"),
            models.Index(fields=["from_number", "verification_code"], name="outreach_log_code"),
            models.Index(fields=["from_number", "occurred_at"], name="outreach_log_number"),
            models.Index(fields=["occurred_at"], name="outreach_log_time"),
        ]
        constraints = [
            models.CheckConstraint(
                name="outreach_calls_name_their_number",
                condition=~Q(channel__in=["sms", "voice", "phone"]) | ~Q(from_number=""),
                violation_error_message=_("电话和短信必须记录所用的登记号码。"),
            ),
            models.CheckConstraint(
                name="outreach_agent_calls_name_the_agent",
                condition=~Q(channel="phone") | ~Q(agent_no=""),
                violation_error_message=_("人工电话必须记录坐席工号。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_channel_display()} {self.merchant_id}"

    @property
    def from_display(self) -> str:
        return display_phone(self.from_number) if self.from_number else ""

    def to_display_for(self, user: Viewer) -> str:
        """The address as this user may see it: e-mail as is; phone numbers in full for the
        merchant's own users and roles that call merchants, masked for everyone else."""
        if not self.to_address or "@" in self.to_address:
            return self.to_address
        if getattr(user, "sees_contact_phones", False) or getattr(user, "is_merchant_user", False):
            return display_phone(self.to_address)
        return mask_phone(self.to_address)


class ScamReportQuerySet(ScopedQuerySet["ScamReport"]):
    # Supervisors review every report; whoever reported sees their own.
    staff_roles = SUPERVISOR_ROLES
    owner_path = "reporter"
    merchant_path = None

    def counted(self) -> ScamReportQuerySet:
        """The reports that count in public: only those a supervisor confirmed. A report
        awaiting review counts for nothing, so nobody can brand a number by reporting it."""
        return self.filter(status=ScamReport.Status.CONFIRMED)


class ScamReport(models.Model):
    """A merchant's report of a suspicious call or message, reviewed by a supervisor."""

    class Kind(models.TextChoices):
        CALL = "call", _("来电")
        SMS = "sms", _("短信")
        OTHER = "other", _("其他（微信、链接等）")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        CONFIRMED = "confirmed", _("确认诈骗")
        REJECTED = "rejected", _("不成立")

    number = models.CharField(_("号码"), max_length=20, db_index=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.CALL)
    claimed_to_be = models.CharField(_("对方自称"), max_length=100, blank=True)
    message = models.TextField(_("经过"), blank=True)
    occurred_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    # None for a report from the public verify page (a merchant who is not signed in).
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("举报人"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scam_reports",
    )
    # Anonymous reports: a keyed digest of the reporter's address (never the address itself),
    # so one address counts as one voice per number, like a signed-in reporter.
    reporter_digest = models.CharField(_("匿名举报人摘要"), max_length=64, blank=True)
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scam_reports",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("举报时间"), default=timezone.now)

    objects = ScamReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("诈骗举报")
        verbose_name_plural = pgettext_lazy("plural", "诈骗举报")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["number", "status"], name="outreach_scam_number")]
        constraints = [
            # One voice per reporter and number: reports are counted, so nobody can inflate them.
            models.UniqueConstraint(fields=["reporter", "number"], name="outreach_one_report"),
            models.UniqueConstraint(
                fields=["reporter_digest", "number"],
                condition=models.Q(reporter__isnull=True),
                name="outreach_one_anonymous_report",
            ),
            models.CheckConstraint(
                condition=models.Q(reporter__isnull=False) | ~models.Q(reporter_digest=""),
                name="outreach_report_has_reporter",
            ),
        ]

    def __str__(self) -> str:
        return f"{display_phone(self.number)} {self.get_status_display()}"

    @property
    def number_display(self) -> str:
        return display_phone(self.number)

    @property
    def is_anonymous(self) -> bool:
        return self.reporter_id is None


class ComplaintQuerySet(ScopedQuerySet["FrequencyComplaint"]):
    merchant_path = "merchant"


class FrequencyComplaint(models.Model):
    """ "You call me too often": tracked for supervisors, and it turns on fewer contacts."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        RESOLVED = "resolved", _("已处理")

    class Source(models.TextChoices):
        PORTAL = "portal", _("商户门户")
        PHONE = "phone", _("电话")
        ASSISTANT = "assistant", _("智能助手")

    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="frequency_complaints",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=Source.choices, default=Source.PORTAL
    )
    purpose = models.CharField(_("针对的事由"), max_length=24, choices=Purpose.choices, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    contacts_last_30d = models.PositiveIntegerField(_("近 30 天联系次数"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    ticket_ref = models.CharField(_("工单号"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("resolved", "处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("频次投诉")
        verbose_name_plural = pgettext_lazy("plural", "频次投诉")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="outreach_complaint_open")]

    def __str__(self) -> str:
        return f"{self.merchant} {self.created_at:%Y-%m-%d}"
