"""The ledger's tables: entries (one per record of evidence and per later change of it), the
tree's tiles, the head the sequencer moves forward, signed checkpoints and audit runs.

Entries are written unsequenced (`index` NULL) in the same transaction as their record; the
sequencer (`ledger.sequencer`) gives them their place in the tree in short batches and stores
the tiles. Nothing here is ever updated except `LedgerEntry.index` (once, NULL → number) and the
right-edge tiles, which only grow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import SUPERVISOR_ROLES, ScopedQuerySet


class LedgerEntryQuerySet(ScopedQuerySet["LedgerEntry"]):
    # An entry is as visible as its record: the merchant's own (public) records, a chat user's
    # own messages; staff see every entry.
    merchant_path = "merchant"
    owner_path = "owner"
    merchant_rows = Q(merchant_visible=True)

    def sequenced(self) -> LedgerEntryQuerySet:
        return self.filter(index__isnull=False)

    def latest_for(self, kind: str, record_ids: list[int]) -> dict[int, LedgerEntry]:
        """The newest entry of each record (one query)."""
        latest: dict[int, LedgerEntry] = {}
        for entry in self.filter(kind=kind, record_id__in=record_ids).order_by("record_id", "id"):
            latest[entry.record_id] = entry
        return latest


class LedgerEntry(models.Model):
    """One record of evidence as logged: its canonical JSON (RFC 8785) and leaf hash."""

    index = models.BigIntegerField(_("序号"), null=True, blank=True, unique=True)
    kind = models.CharField(_("类型"), max_length=32)
    record_id = models.BigIntegerField(_("记录编号"))
    logged_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    content = models.TextField(_("规范化内容"))
    leaf_hash = models.BinaryField(_("叶哈希"), max_length=32)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("上一版本"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        null=True,
        blank=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属用户"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        null=True,
        blank=True,
    )
    merchant_visible = models.BooleanField(_("商户可见"), default=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("存证记录")
        verbose_name_plural = pgettext_lazy("plural", "存证记录")
        indexes = [
            models.Index(fields=["kind", "record_id", "id"], name="ledger_entry_record"),
            models.Index(
                fields=["id"], name="ledger_entry_unsequenced", condition=Q(index__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.record_id} @{self.index}"


class LedgerTile(models.Model):
    """A C2SP tlog tile: up to 256 consecutive hashes of tree level 8·level (see merkle.py)."""

    level = models.PositiveSmallIntegerField(_("层"))
    number = models.BigIntegerField(_("编号"))
    hashes = models.BinaryField(_("哈希"))

    class Meta:
        verbose_name = _("日志瓦片")
        verbose_name_plural = pgettext_lazy("plural", "日志瓦片")
        constraints = [models.UniqueConstraint(fields=["level", "number"], name="ledger_tile_key")]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.number}"


class LogHead(models.Model):
    """The one row that says how many entries the tree holds; locked by the sequencer."""

    size = models.BigIntegerField(_("日志大小"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日志头")
        verbose_name_plural = pgettext_lazy("plural", "日志头")

    def __str__(self) -> str:
        return f"size {self.size}"


class LedgerCheckpoint(models.Model):
    """A signed tree head (C2SP tlog-checkpoint in a signed note)."""

    size = models.BigIntegerField(_("日志大小"), unique=True)
    root_hash = models.BinaryField(_("根哈希"), max_length=32)
    note = models.TextField(_("签名检查点"))
    verifier_keys = models.JSONField(_("验证公钥"), default=list)
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)

    class Meta:
        verbose_name = _("检查点")
        verbose_name_plural = pgettext_lazy("plural", "检查点")
        ordering = ["-size"]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class AuditRunQuerySet(ScopedQuerySet["AuditRun"]):
    merchant_path = None  # internal: the audit is for supervisors
    staff_roles = SUPERVISOR_ROLES


class AuditRun(models.Model):
    """One run of `ledger_audit`: what it checked and what it found."""

    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    ok = models.BooleanField(_("通过"), default=False)
    summary = models.JSONField(_("摘要"), default=dict)
    findings = models.JSONField(_("发现"), default=list)

    objects = AuditRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计")
        verbose_name_plural = pgettext_lazy("plural", "审计")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"audit {self.started_at:%Y-%m-%d %H:%M}"
