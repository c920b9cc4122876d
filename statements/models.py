"""What the money notices remember: that a merchant was told about a held or failed payout
(once per payout, status and reason), and the contact request that carried it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import ScopedQuerySet


class PayoutNoticeQuerySet(ScopedQuerySet["PayoutNotice"]):
    merchant_path = "payout__merchant"


class PayoutNotice(models.Model):
    payout = models.ForeignKey(
        "payments.Payout",
        verbose_name=_("结算付款"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    status = models.CharField(_("付款状态"), max_length=10)
    reason = models.CharField(_("原因"), max_length=16, blank=True)
    request = models.ForeignKey(
        "outreach.ContactRequest",
        verbose_name=_("联系请求"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
    )
    created_at = models.DateTimeField(_("通知时间"), auto_now_add=True)

    objects = PayoutNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("到账通知")
        verbose_name_plural = pgettext_lazy("plural", "到账通知")
        constraints = [
            models.UniqueConstraint(
                fields=["payout", "status", "reason"], name="one_notice_per_payout_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.payout_id} {self.status} {self.reason}"
