from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.identifiers import TERMINAL_ID_PATTERN, TERMINAL_ID_RE
from core.language import current_language
from core.scoping import ScopedQuerySet, shop_condition

if TYPE_CHECKING:
    from accounts.models import User


def validate_terminal_id(value: str) -> None:
    if not TERMINAL_ID_RE.match(value or ""):
        raise ValidationError(
            _("终端号“%(value)s”应为 8 位数字或大写字母"),
            code="terminal_id",
            params={"value": value},
        )


class TerminalModel(models.Model):
    """A model from the catalogue of real POS terminals (PAX A920, Newland ME31, …)."""

    class Kind(models.TextChoices):
        SMART = "smart", _("智能 POS")
        TRADITIONAL = "traditional", _("传统 POS")
        DESKTOP = "desktop", _("台式 POS")

    manufacturer = models.CharField(_("厂商"), max_length=40)
    name = models.CharField(_("型号"), max_length=40)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    comm_types = models.JSONField(_("支持的通信方式"), default=list)

    class Meta:
        verbose_name = _("终端型号")
        verbose_name_plural = pgettext_lazy("plural", "终端型号")
        ordering = ["manufacturer", "name"]
        constraints = [
            models.UniqueConstraint(fields=["manufacturer", "name"], name="unique_terminal_model")
        ]

    def __str__(self) -> str:
        if current_language() == "en":
            return self.code
        return f"{self.manufacturer} {self.name}"

    @property
    def code(self) -> str:
        """How imports name a model: 'PAX A920' style, manufacturer's Latin name + model."""
        latin = self.manufacturer.split()[-1]
        return f"{latin} {self.name}"


class TerminalQuerySet(ScopedQuerySet["Terminal"]):
    merchant_path = "merchant"

    def cashier_condition(self, user: User, shifts: models.QuerySet) -> Q | None:  # type: ignore[type-arg]
        return shop_condition(shifts, "store", "merchant")  # their shop's terminals

    def search(self, query: str) -> TerminalQuerySet:
        query = query.strip().upper()
        if not query:
            return self.none()
        return self.filter(Q(terminal_id=query) | Q(serial_number=query))


class Terminal(models.Model):
    class CommType(models.TextChoices):
        CELLULAR = "4g", _("4G")
        WIFI = "wifi", _("Wi-Fi")
        ETHERNET = "ethernet", _("以太网")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        SUSPENDED = "suspended", _("停用")
        IN_REPAIR = "in_repair", _("维修中")
        RETIRED = "retired", _("已退役")

    terminal_id = models.CharField(
        _("终端号"), max_length=8, unique=True, validators=[validate_terminal_id]
    )
    serial_number = models.CharField(_("序列号"), max_length=32, unique=True)
    model = models.ForeignKey(
        TerminalModel, verbose_name=_("型号"), on_delete=models.PROTECT, related_name="terminals"
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="terminals",
    )
    store = models.ForeignKey(
        "merchants.Store",
        verbose_name=_("门店"),
        on_delete=models.SET_NULL,
        related_name="terminals",
        null=True,
        blank=True,
    )
    firmware_version = models.CharField(_("固件版本"), max_length=32, blank=True)
    app_version = models.CharField(_("应用版本"), max_length=32, blank=True)
    comm_type = models.CharField(_("通信方式"), max_length=8, choices=CommType.choices)
    install_date = models.DateField(_("装机日期"), null=True, blank=True)
    warranty_end = models.DateField(_("保修截止"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = TerminalQuerySet.as_manager()

    class Meta:
        verbose_name = _("终端")
        verbose_name_plural = pgettext_lazy("plural", "终端")
        ordering = ["terminal_id"]
        indexes = [models.Index(fields=["merchant", "status"], name="terminal_merchant_status")]
        constraints = [
            models.CheckConstraint(
                name="terminal_id_8_chars",
                condition=Q(terminal_id__regex=rf"^{TERMINAL_ID_PATTERN}$"),
                violation_error_message=_("终端号应为 8 位数字或大写字母"),
            )
        ]

    def __str__(self) -> str:
        return self.terminal_id

    def under_warranty(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.warranty_end is not None and on <= self.warranty_end
