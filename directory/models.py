"""Institutions, their official hotlines, and the numbers they are registered to call from.

The outreach app verifies "was that call really from us?" against RegisteredNumber; the
public hotline page and the assistant read Hotline.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.phones import display_phone, normalize_phone


class Institution(models.Model):
    class Kind(models.TextChoices):
        ACQUIRER = "acquirer", _("收单机构")
        BANK = "bank", _("银行")
        SCHEME = "scheme", _("银行卡组织")
        SERVICE_PROVIDER = "service_provider", _("服务商")

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("官网"), blank=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = pgettext_lazy("plural", "机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HotlineQuerySet(models.QuerySet["Hotline"]):
    def public(self) -> HotlineQuerySet:
        return self.filter(is_public=True).select_related("institution").prefetch_related("windows")


class Hotline(models.Model):
    """An official service number that merchants may call (and call back to verify)."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("电话")
        SMS = "sms", _("短信")
        ONLINE = "online", _("在线客服")
        APP = "app", _("手机App")

    institution = models.ForeignKey(
        Institution, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="hotlines"
    )
    number = models.CharField(_("号码"), max_length=20, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    is_24x7 = models.BooleanField(_("7×24 小时"), default=True)
    channels = models.JSONField(pgettext_lazy("plural", "渠道"), default=list, blank=True)
    serves = models.TextField(_("服务范围"), blank=True)
    serves_en = models.TextField(_("服务范围（英文）"), blank=True)
    is_public = models.BooleanField(_("公开显示"), default=True)

    objects = HotlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("官方热线")
        verbose_name_plural = pgettext_lazy("plural", "官方热线")
        ordering = ["institution__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "number"], name="unique_hotline")
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} {self.number}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.number = normalize_phone(self.number)
        super().save(*args, **kwargs)

    def is_staffed_at(self, when: dt.datetime) -> bool:
        """Whether a person answers at this local time (7×24 lines always do)."""
        if self.is_24x7:
            return True
        local = when.astimezone(dt.timezone(dt.timedelta(hours=8)))
        return any(window.covers(local) for window in self.windows.all())


class HotlineWindow(models.Model):
    """A time band of a hotline and what it serves in that band (e.g. 9:00–18:00 all services,
    18:00–9:00 only card loss and urgent transaction problems)."""

    class Days(models.TextChoices):
        EVERY_DAY = "every_day", _("每天")
        WEEKDAYS = "weekdays", _("工作日")
        WEEKENDS = "weekends", _("周末及节假日")

    hotline = models.ForeignKey(
        Hotline, verbose_name=_("热线"), on_delete=models.CASCADE, related_name="windows"
    )
    days = models.CharField(_("日期"), max_length=16, choices=Days.choices)
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    serves = models.CharField(_("本时段服务"), max_length=200)
    serves_en = models.CharField(_("本时段服务（英文）"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("服务时段")
        verbose_name_plural = pgettext_lazy("plural", "服务时段")
        ordering = ["hotline", "days", "start"]

    def __str__(self) -> str:
        return f"{self.get_days_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def covers(self, local: dt.datetime) -> bool:
        weekday = local.weekday() < 5
        if self.days == self.Days.WEEKDAYS and not weekday:
            return False
        if self.days == self.Days.WEEKENDS and weekday:
            return False
        now = local.time()
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end  # a band across midnight


class RegisteredNumberQuerySet(models.QuerySet["RegisteredNumber"]):
    def active(self) -> RegisteredNumberQuerySet:
        return self.filter(is_active=True)

    def matching(self, raw_number: str) -> RegisteredNumberQuerySet:
        return self.filter(number=normalize_phone(raw_number))


class RegisteredNumber(models.Model):
    """A number an institution has registered for outbound calls or SMS to merchants."""

    class Kind(models.TextChoices):
        VOICE = "voice", _("语音外呼")
        SMS = "sms", _("短信")
        BOTH = "both", _("语音和短信")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="registered_numbers",
    )
    number = models.CharField(_("号码"), max_length=20, db_index=True)
    kind = models.CharField(_("用途"), max_length=8, choices=Kind.choices, default=Kind.BOTH)
    purpose = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)

    objects = RegisteredNumberQuerySet.as_manager()

    class Meta:
        verbose_name = _("登记的外呼号码")
        verbose_name_plural = pgettext_lazy("plural", "登记的外呼号码")
        constraints = [
            models.UniqueConstraint(fields=["institution", "number"], name="unique_outbound")
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} {display_phone(self.number)}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.number = normalize_phone(self.number)
        super().save(*args, **kwargs)
