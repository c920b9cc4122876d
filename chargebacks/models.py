"""Cardholder disputes (chargebacks, retrieval requests) and suspected card fraud (盗刷):
each is a case with a deadline, evidence uploaded by the merchant (scoped files), a status,
and a desk ticket where staff work it. (Double charges the merchant finds themselves stay
`payments.DisputeCase`.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import ScopedQuerySet
from core.uploads import RandomName


class CaseQuerySet(ScopedQuerySet["Case"]):
    # The merchant's owner and managers; cashiers see no cases (no cashier_condition).
    merchant_path = "merchant"

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=Case.OPEN_STATUSES)


class Case(models.Model):
    class Kind(models.TextChoices):
        CHARGEBACK = "chargeback", _("拒付")
        RETRIEVAL = "retrieval", _("调单")
        FRAUD = "fraud", _("疑似盗刷")

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("待商户提交材料")
        SUBMITTED = "submitted", _("材料已提交，审核中")
        REFERRED = "referred", _("已转风控团队")
        WON = "won", _("已撤销，商户无需承担")
        LOST = "lost", _("拒付成立，款项已扣回")
        ACCEPTED = "accepted", _("商户已接受")
        CLOSED = "closed", _("已结案")

    OPEN_STATUSES = (Status.AWAITING, Status.SUBMITTED, Status.REFERRED)

    number = models.CharField(_("案件号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.AWAITING, db_index=True
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="cases",
    )
    # The transactions table is partitioned on PostgreSQL: no database-level foreign key.
    transaction = models.ForeignKey(
        "payments.Transaction",
        verbose_name=_("交易"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        null=True,
        blank=True,
    )
    reason_code = models.CharField(_("原因代码"), max_length=40, blank=True)
    amount = models.BigIntegerField(_("金额（分）"), null=True, blank=True)
    deadline = models.DateTimeField(_("回复期限"), null=True, blank=True)
    description = models.TextField(_("情况说明"), blank=True)
    outcome_note = models.TextField(_("处理结果说明"), blank=True)
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("工单"),
        on_delete=models.SET_NULL,
        related_name="cases",
        null=True,
        blank=True,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        related_name="cases_opened",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("争议与盗刷案件")
        verbose_name_plural = pgettext_lazy("plural", "争议与盗刷案件")
        ordering = ["-created_at"]
        constraints = [
            # One open case of a kind per transaction: a second notice adds to the first.
            models.UniqueConstraint(
                fields=["transaction", "kind"],
                condition=models.Q(status__in=["awaiting", "submitted", "referred"]),
                name="one_open_case_per_transaction",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.deadline and self.deadline < timezone.now())

    @property
    def merchant_may_add_evidence(self) -> bool:
        return self.status in (self.Status.AWAITING, self.Status.SUBMITTED, self.Status.REFERRED)


class EvidenceQuerySet(ScopedQuerySet["Evidence"]):
    merchant_path = "case__merchant"


class Evidence(models.Model):
    """A file the merchant (or staff) sent for a case: a slip, a receipt, a delivery note."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to=RandomName("cases"))
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=80)
    size = models.PositiveIntegerField(_("大小"))
    # The file's SHA-256 when it was received: logged in the ledger, so a file swapped later on
    # disk no longer matches what the receipt proves was sent.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        related_name="case_evidence",
        null=True,
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件材料")
        verbose_name_plural = pgettext_lazy("plural", "案件材料")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name
