"""Transactions, response codes, settlement terms, payouts, investigations and disputes.

On PostgreSQL the transactions table is partitioned by month of `txn_date` (see migration
0002): its primary key is (id, txn_date) there, so rows that point at a transaction do so
without a database-level foreign key (`db_constraint=False`); `id` is still unique (one
identity sequence feeds every partition).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.language import BilingualText, chinese_and_english
from core.masking import mask_pans_in_text
from core.money import yuan
from payments.querysets import (
    DisputeCaseQuerySet,
    InvestigationQuerySet,
    PayoutQuerySet,
    SettlementTermsQuerySet,
    TransactionQuerySet,
)
from payments.settlement import Cycle, S0Terms
from payments.vocabulary import CREDIT_TYPES, TransactionStatus, TransactionType


class ResponseCode(models.Model):
    """Field 39 of a UnionPay POS message, as editable data: the standard table plus each
    acquirer's additions (a row with an acquirer overrides the standard row for it)."""

    class UnionPayClass(models.TextChoices):
        A = "A", _("A 成功")
        B = "B", _("B 失败，可重试")
        C = "C", _("C 失败，不要重试")
        D = "D", _("D 失败，收银员须处理")
        E = "E", _("E 失败，系统故障")
        NONE = "", _("未分类")

    class Actor(models.TextChoices):
        NOBODY = "nobody", _("无需处理")
        CARDHOLDER = "cardholder", _("持卡人")
        ISSUER = "issuer", _("发卡行")
        CASHIER = "cashier", _("收银员")
        ACQUIRER = "acquirer", _("收单机构")
        TERMINAL = "terminal", _("终端")
        NETWORK = "network", _("银联/网络")

    code = models.CharField(_("应答码"), max_length=2)
    acquirer = models.ForeignKey(
        "directory.Institution",
        verbose_name=_("收单机构"),
        on_delete=models.CASCADE,
        related_name="response_codes",
        null=True,
        blank=True,
        help_text=_("留空表示银联标准应答码；填写表示该收单机构的自定义应答码。"),
    )
    meaning_zh = models.CharField(_("官方含义"), max_length=100)
    meaning_en = models.CharField(_("官方含义（英文）"), max_length=160)
    uc_class = models.CharField(
        _("银联分类"), max_length=1, choices=UnionPayClass.choices, blank=True
    )
    actor = models.CharField(_("处理方"), max_length=12, choices=Actor.choices)
    action_zh = models.CharField(_("商户现在该做什么"), max_length=200)
    action_en = models.CharField(_("商户现在该做什么（英文）"), max_length=300)
    retry_safe = models.BooleanField(_("可安全重试"), default=False)
    is_success = models.BooleanField(_("表示成功"), default=False)

    class Meta:
        verbose_name = _("应答码")
        verbose_name_plural = pgettext_lazy("plural", "应答码")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(acquirer__isnull=True),
                name="unique_standard_response_code",
            ),
            models.UniqueConstraint(
                fields=["code", "acquirer"], name="unique_acquirer_response_code"
            ),
            models.CheckConstraint(
                name="response_code_two_chars",
                condition=Q(code__regex=r"^[0-9A-Z]{2}$"),
                violation_error_message=_("应答码应为 2 位数字或大写字母"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.meaning_zh}"

    @classmethod
    def lookup(cls, code: str, acquirer: Any = None) -> ResponseCode | None:
        """The acquirer's own entry when it has one, else the UnionPay standard entry."""
        code = (code or "").strip().upper()
        return cls.table([code], acquirer).get(code)

    @classmethod
    def table(cls, codes: Any, acquirer: Any = None) -> dict[str, ResponseCode]:
        """{code: entry} for several codes in one query (lists explain many transactions)."""
        condition = Q(acquirer__isnull=True)
        if acquirer is not None:
            condition |= Q(acquirer=acquirer)
        result: dict[str, ResponseCode] = {}
        # Standard rows first, so the acquirer's own rows overwrite them.
        rows = cls.objects.filter(condition, code__in=list(codes)).order_by(
            models.F("acquirer").asc(nulls_first=True)
        )
        for row in rows:
            result[row.code] = row
        return result

    def meaning(self, language: str = "zh") -> str:
        return self.meaning_en if language.startswith("en") else self.meaning_zh

    def action(self, language: str = "zh") -> str:
        return self.action_en if language.startswith("en") else self.action_zh


class SettlementTerms(models.Model):
    """The S0 (秒到) part of a merchant's contract; the cycle and cut-off are on Merchant."""

    merchant = models.OneToOneField(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="settlement_terms",
    )
    s0_window_start = models.TimeField(_("秒到开始时间"), default=dt.time(7, 0))
    s0_window_end = models.TimeField(_("秒到结束时间"), default=dt.time(22, 0))
    s0_daily_quota = models.BigIntegerField(
        _("秒到每日额度（分）"), default=5_000_000, help_text=_("以分为单位，如 5000000 = 5 万元。")
    )
    s0_fallback_cycle = models.CharField(
        _("超出时段或额度时的结算周期"),
        max_length=2,
        choices=[("T1", "T+1"), ("T0", "T+0"), ("D1", "D+1"), ("D0", "D+0")],
        default="T1",
    )

    objects = SettlementTermsQuerySet.as_manager()

    class Meta:
        verbose_name = _("结算条款")
        verbose_name_plural = pgettext_lazy("plural", "结算条款")
        constraints = [
            models.CheckConstraint(
                name="s0_window_ordered",
                condition=Q(s0_window_start__lt=models.F("s0_window_end")),
                violation_error_message=_("秒到开始时间应早于结束时间"),
            ),
            models.CheckConstraint(name="s0_quota_positive", condition=Q(s0_daily_quota__gte=0)),
        ]

    def __str__(self) -> str:
        return str(self.merchant)

    def s0_terms(self) -> S0Terms:
        return S0Terms(
            self.s0_window_start,
            self.s0_window_end,
            self.s0_daily_quota,
            Cycle(self.s0_fallback_cycle),
        )


class Transaction(models.Model):
    class EntryMode(models.TextChoices):
        CHIP = "chip", _("插卡")
        SWIPE = "swipe", _("刷卡")
        CONTACTLESS = "contactless", _("挥卡/闪付")
        QR = "qr", _("扫码")
        MANUAL = "manual", _("手输卡号")

    class CardBrand(models.TextChoices):
        UNIONPAY = "unionpay", _("银联")
        VISA = "visa", _("Visa")
        MASTERCARD = "mastercard", _("万事达")
        JCB = "jcb", _("JCB")
        AMEX = "amex", _("美国运通")
        WALLET = "wallet", _("二维码钱包")
        OTHER = "other", _("其他")

    class Source(models.TextChoices):
        FILE = "file", _("文件")
        ISO8583 = "iso8583", _("ISO 8583 报文")
        API = "api", _("接口")
        DEMO = "demo", _("演示数据")

    Type = TransactionType
    Status = TransactionStatus
    CREDIT_TYPES = CREDIT_TYPES

    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.PROTECT,
        related_name="transactions",
        # No database-level foreign keys on the hot, partitioned table: a per-row check
        # would cost more than the insert; ingestion resolves both from the database and
        # Django still refuses to delete a merchant or terminal that has transactions.
        db_constraint=False,
        db_index=False,  # covered by the (merchant, local_time) index below
    )
    terminal = models.ForeignKey(
        "terminals.Terminal",
        verbose_name=_("终端"),
        on_delete=models.PROTECT,
        related_name="transactions",
        db_constraint=False,
        db_index=False,  # covered by the (terminal, stan, …) unique key
    )
    txn_type = models.CharField(_("交易类型"), max_length=20, choices=Type.choices)
    amount = models.BigIntegerField(_("金额（分）"))
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    pan_masked = models.CharField(_("卡号（脱敏）"), max_length=19, blank=True)
    card_last4 = models.CharField(_("卡号后四位"), max_length=4, blank=True)
    card_brand = models.CharField(
        _("卡组织"), max_length=12, choices=CardBrand.choices, default=CardBrand.OTHER
    )
    entry_mode = models.CharField(_("输入方式"), max_length=12, choices=EntryMode.choices)
    local_time = models.DateTimeField(_("交易时间"))
    txn_date = models.DateField(_("交易日期"), help_text=_("商户当地日期；按月分区的分区键。"))
    stan = models.CharField(_("凭证号（STAN）"), max_length=6)
    batch_no = models.CharField(_("批次号"), max_length=6)
    rrn = models.CharField(_("参考号（RRN）"), max_length=12, null=True, blank=True)
    auth_code = models.CharField(_("授权码"), max_length=6, blank=True)
    response_code = models.CharField(_("应答码"), max_length=2)
    settlement_date = models.DateField(_("清算日期"), help_text=_("日切之后的交易计入下一日。"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    original = models.ForeignKey(
        "self",
        verbose_name=_("原交易"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="adjustments",
        null=True,
        blank=True,
        db_index=False,  # a partial index below: only voids, refunds and reversals have one
    )
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.FILE)
    created_at = models.DateTimeField(_("入库时间"), auto_now_add=True)

    objects = TransactionQuerySet.as_manager()

    class Meta:
        verbose_name = _("交易")
        verbose_name_plural = pgettext_lazy("plural", "交易")
        ordering = ["-local_time"]
        # Re-sending a record never duplicates it; on PostgreSQL the partition key
        # (txn_date) has to be part of every unique key, and it is.
        constraints = [
            # A reversal repeats the STAN (and often the RRN) of the message it reverses,
            # hence the type in both keys.
            models.UniqueConstraint(
                fields=["terminal", "stan", "txn_date", "batch_no", "txn_type"],
                name="txn_terminal_stan_key",
            ),
            models.UniqueConstraint(fields=["rrn", "txn_date", "txn_type"], name="txn_rrn_key"),
            models.CheckConstraint(name="txn_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(
                name="txn_pan_masked",
                condition=Q(pan_masked="") | Q(pan_masked__regex=r"^[0-9]{6}\*+[0-9]{4}$"),
                violation_error_message=_("卡号只能以脱敏形式保存（前 6 后 4）"),
            ),
        ]
        # Every index costs ingestion speed, so there are few: look-ups by card last four
        # and by amount always run inside one merchant's time window (merchant, local_time);
        # trace number + date uses the terminal key; RRN has its own key.
        indexes = [
            models.Index(fields=["merchant", "local_time"], name="txn_merchant_time"),
            models.Index(
                fields=["original"], name="txn_original", condition=Q(original__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_txn_type_display()} {self.amount_yuan} {self.local_time:%Y-%m-%d %H:%M}"

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount)

    @property
    def status_class(self) -> str:
        """The colour of the status badge: ok / bad / warn."""
        return {"approved": "ok", "declined": "bad"}.get(self.status, "warn")

    @property
    def moves_money_to_merchant(self) -> bool:
        return self.txn_type in self.CREDIT_TYPES and self.status == self.Status.APPROVED


class Payout(models.Model):
    """One settlement batch: what the acquirer paid (or tried to pay) a merchant on a day."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("待付款")
        PAID = "paid", _("已付款")
        FAILED = "failed", _("付款失败")
        HELD = "held", _("暂缓付款")

    class Reason(models.TextChoices):
        NONE = "", _("无")
        WRONG_ACCOUNT = "wrong_account", _("结算账户信息有误")
        FROZEN_ACCOUNT = "frozen_account", _("结算账户冻结")
        RISK_HOLD = "risk_hold", _("风控暂缓")
        BANK_RETURNED = "bank_returned", _("银行退票")

    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    payout_date = models.DateField(_("付款日期"))
    period_start = models.DateField(_("清算起始日"))
    period_end = models.DateField(_("清算截止日"))
    amount = models.BigIntegerField(_("金额（分）"))
    txn_count = models.PositiveIntegerField(_("交易笔数"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    reason = models.CharField(_("原因"), max_length=16, choices=Reason.choices, blank=True)
    # What poscare says about the reason (the detail of a hold), written from a translation by
    # `payments.services.record_payout_problem`: Chinese and English, shown in the reader's.
    note = models.CharField(_("备注"), max_length=200, blank=True)
    note_en = models.CharField(_("备注（英文）"), max_length=200, blank=True)
    # What the bank wrote (a return's message), kept and shown as written, labelled as the bank's.
    bank_note = models.CharField(_("银行备注"), max_length=200, blank=True)
    bank_reference = models.CharField(_("银行流水号"), max_length=32, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PayoutQuerySet.as_manager()

    class Meta:
        verbose_name = _("结算付款")
        verbose_name_plural = pgettext_lazy("plural", "结算付款")
        ordering = ["-payout_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "period_start", "period_end"], name="unique_payout_period"
            ),
            models.CheckConstraint(
                name="payout_period_ordered", condition=Q(period_start__lte=models.F("period_end"))
            ),
            models.CheckConstraint(
                name="payout_problem_has_reason",
                condition=Q(status__in=["scheduled", "paid"]) | ~Q(reason=""),
                violation_error_message=_("付款失败或暂缓时必须说明原因"),
            ),
        ]
        indexes = [models.Index(fields=["merchant", "period_end"], name="payout_merchant_period")]

    shown_note = BilingualText("note")  # in the reader's language

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.payout_date} {self.get_status_display()}"

    def record_problem(
        self, status: str, reason: str, *, note: Any = "", bank_note: str = ""
    ) -> None:
        """Mark the payout held or failed, with its reason code; `note` is poscare's own
        detail (a translation, kept in Chinese and English), `bank_note` what the bank wrote
        (kept as written, except that a full card number in it is masked: a bank's text is a
        boundary where text enters). Every reason is one of `Reason`: no free text stands in
        for one."""
        if status not in (self.Status.HELD, self.Status.FAILED):
            raise ValueError(f"not a problem status: {status!r}")
        if reason not in self.Reason.values or not reason:
            raise ValueError(f"unknown payout reason: {reason!r}")
        self.status, self.reason, self.bank_reference = status, reason, ""
        self.note, self.note_en = (part[:200] for part in chinese_and_english(note))
        self.bank_note = mask_pans_in_text(bank_note.strip())[:200]
        self.save()

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount)

    @property
    def status_class(self) -> str:
        return {"paid": "ok", "scheduled": "running", "failed": "bad", "held": "warn"}[self.status]

    def covers(self, business_date: dt.date) -> bool:
        return self.period_start <= business_date <= self.period_end


class MaintenanceWindow(models.Model):
    """Planned downtime of the settlement or payout systems, which can delay money."""

    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    description_zh = models.CharField(_("说明"), max_length=200)
    description_en = models.CharField(_("说明（英文）"), max_length=300)
    delays_payouts = models.BooleanField(_("影响付款"), default=True)

    class Meta:
        verbose_name = _("维护窗口")
        verbose_name_plural = pgettext_lazy("plural", "维护窗口")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                name="maintenance_window_ordered", condition=Q(starts_at__lt=models.F("ends_at"))
            )
        ]

    def __str__(self) -> str:
        return self.description_zh


class Investigation(models.Model):
    """The outcome of a funds-not-arrived checklist run, with its findings."""

    class Verdict(models.TextChoices):
        NOT_DUE = "not_due", _("尚未到账期")
        PAID = "paid", _("已付款")
        NO_FUNDS_EXPECTED = "no_funds_expected", _("该交易不产生入账")
        HELD = "held", _("付款被暂缓")
        ACCOUNT_PROBLEM = "account_problem", _("结算账户问题")
        MAINTENANCE = "maintenance", _("系统维护延迟")
        UNRESOLVED = "unresolved", _("需人工核查")

    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="investigations",
    )
    transaction = models.ForeignKey(
        Transaction,
        verbose_name=_("交易"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="investigations",
        null=True,
        blank=True,
    )
    business_date = models.DateField(_("交易日"))
    verdict = models.CharField(_("结论"), max_length=20, choices=Verdict.choices)
    expected_date = models.DateField(_("预计到账日"), null=True, blank=True)
    summary_zh = models.TextField(_("结论说明"))
    summary_en = models.TextField(_("结论说明（英文）"))
    next_step_zh = models.TextField(_("下一步"))
    next_step_en = models.TextField(_("下一步（英文）"))
    findings = models.JSONField(_("核查项"), default=list)
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("工单"),
        on_delete=models.SET_NULL,
        related_name="fund_investigations",
        null=True,
        blank=True,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        related_name="fund_investigations",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = InvestigationQuerySet.as_manager()

    class Meta:
        verbose_name = _("到账核查")
        verbose_name_plural = pgettext_lazy("plural", "到账核查")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "created_at"], name="investigation_merchant")]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.business_date} {self.get_verdict_display()}"

    @property
    def is_resolved(self) -> bool:
        return self.verdict != self.Verdict.UNRESOLVED

    def summary(self, language: str = "zh") -> str:
        return self.summary_en if language.startswith("en") else self.summary_zh

    def next_step(self, language: str = "zh") -> str:
        return self.next_step_en if language.startswith("en") else self.next_step_zh


class DisputeCase(models.Model):
    """A suspected double charge: two approved transactions that look like one purchase."""

    class Status(models.TextChoices):
        OPEN = "open", _("处理中")
        REFUNDED = "refunded", _("已退款")
        REJECTED = "rejected", _("非重复扣款")

    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="dispute_cases",
    )
    first_transaction = models.ForeignKey(
        Transaction,
        verbose_name=_("第一笔交易"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    duplicate_transaction = models.ForeignKey(
        Transaction,
        verbose_name=_("疑似重复交易"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    amount = models.BigIntegerField(_("金额（分）"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    evidence = models.JSONField(_("证据"), default=dict)
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("工单"),
        on_delete=models.SET_NULL,
        related_name="dispute_cases",
        null=True,
        blank=True,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.SET_NULL,
        related_name="dispute_cases",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = DisputeCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("争议案件")
        verbose_name_plural = pgettext_lazy("plural", "争议案件")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["first_transaction", "duplicate_transaction"], name="unique_dispute_pair"
            ),
            # A transaction is claimed as a double charge by one open case at most, whichever
            # twin it is paired with (payments.services.open_or_get_dispute).
            models.UniqueConstraint(
                fields=["duplicate_transaction"],
                condition=models.Q(status="open"),
                name="one_open_dispute_per_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {yuan(self.amount, grouping=False)}"

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount)
