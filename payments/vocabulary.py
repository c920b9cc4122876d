"""The payments vocabulary that models, querysets and services share (no model imports here,
so `payments.querysets` and `payments.models` need not import each other)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TransactionType(models.TextChoices):
    SALE = "sale", _("消费")
    VOID = "void", _("消费撤销")
    REFUND = "refund", _("退货")
    REVERSAL = "reversal", _("冲正")
    PREAUTH = "preauth", _("预授权")
    PREAUTH_COMPLETION = "preauth_completion", _("预授权完成")
    PREAUTH_CANCEL = "preauth_cancel", _("预授权撤销")
    QR_PAYMENT = "qr_payment", _("扫码支付")


class TransactionStatus(models.TextChoices):
    APPROVED = "approved", pgettext_lazy("transaction", "成功")
    DECLINED = "declined", pgettext_lazy("transaction", "失败")
    VOIDED = "voided", _("已撤销")
    REFUNDED = "refunded", _("已退货")
    REVERSED = "reversed", _("已冲正")


# Types that move money to the merchant (and so appear in a payout) when approved.
CREDIT_TYPES = (
    TransactionType.SALE,
    TransactionType.PREAUTH_COMPLETION,
    TransactionType.QR_PAYMENT,
)
