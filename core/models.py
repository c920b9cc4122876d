from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import SUPERVISOR_ROLES, ScopedQuerySet
from core.uploads import RandomName


class ImportJobQuerySet(ScopedQuerySet["ImportJob"]):
    staff_roles = SUPERVISOR_ROLES


class ImportJob(models.Model):
    """One spreadsheet import, run in the background; the page polls its progress."""

    class Kind(models.TextChoices):
        MERCHANTS = "merchants", pgettext_lazy("plural", "商户")
        TERMINALS = "terminals", pgettext_lazy("plural", "终端")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    # Deleted once the import has read it (core.services.run_import).
    file = models.FileField(_("文件"), upload_to=RandomName("imports"), blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("已读行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    error_rows = models.PositiveIntegerField(_("错误行数"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    failure = models.TextField(_("失败原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
        null=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = pgettext_lazy("plural", "导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class CalendarOverride(models.Model):
    """An operator's correction to the holiday calendar, or the schedule of a year that the
    `chinesecalendar` package does not know yet (published each November)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("节假日")
        WORKDAY = "workday", _("工作日")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("日历调整")
        verbose_name_plural = pgettext_lazy("plural", "日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class AuditEventQuerySet(ScopedQuerySet["AuditEvent"]):
    # Supervisors and admins read the audit log; nobody else, not the people it names, and no
    # merchant (a merchant's own rows are staff activity, not theirs to review).
    merchant_path = None
    staff_roles = SUPERVISOR_ROLES


class AuditEvent(models.Model):
    """Who looked at a merchant's contact and settlement details, and who exported what: one row
    per view or export, written by `core.audit.record`, read at /console/audit/."""

    class Action(models.TextChoices):
        MERCHANT_DETAILS = "merchant_details", _("查看商户联系人与结算信息")
        EXPORT = "export", _("导出")

    class Channel(models.TextChoices):
        PAGE = "page", _("网页")
        API = "api", _("接口")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="audit_events",
    )
    # Kept as written at the time: the log outlives renamed and deleted accounts and merchants.
    actor_label = models.CharField(_("操作人（记录时）"), max_length=100)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    merchant_ref = models.CharField(_("商户编号（记录时）"), max_length=15, blank=True)
    target = models.CharField(_("查看或导出的内容"), max_length=200)
    rows = models.PositiveIntegerField(_("条数"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = pgettext_lazy("plural", "审计记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["merchant", "-at"], name="audit_merchant_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()}"
