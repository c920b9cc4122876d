from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import SUPERVISOR_ROLES, ScopedQuerySet
from core.uploads import RandomName


class ImportJobQuerySet(ScopedQuerySet["ImportJob"]):
    staff_roles = SUPERVISOR_ROLES


class ImportJob(models.Model):
    """One spreadsheet import, run in the background; the page polls its progress."""

    class Kind(models.TextChoices):
        MERCHANTS = "merchants", _("商户")
        TERMINALS = "terminals", _("终端")

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
        verbose_name_plural = _("导入任务")
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
        verbose_name_plural = _("日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()
