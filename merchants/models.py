from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.identifiers import MERCHANT_ID_PATTERN, MERCHANT_ID_RE
from core.language import current_language
from core.masking import mask_phone
from core.phones import display_phone
from core.scoping import ScopedQuerySet, shop_condition
from merchants.regions import is_valid_region, mcc_label, region_label

if TYPE_CHECKING:
    from accounts.models import User
    from core.types import Viewer


def validate_merchant_id(value: str) -> None:
    if not MERCHANT_ID_RE.match(value or ""):
        raise ValidationError(
            _("商户编号“%(value)s”应为 15 位数字"), code="merchant_id", params={"value": value}
        )


def validate_region(value: str) -> None:
    if not is_valid_region(value or ""):
        raise ValidationError(
            _("地区代码“%(value)s”不是有效的 6 位行政区划代码"),
            code="region",
            params={"value": value},
        )


def validate_mcc(value: str) -> None:
    if not re.fullmatch(r"\d{4}", value or ""):
        raise ValidationError(_("MCC“%(value)s”应为 4 位数字"), code="mcc", params={"value": value})


class MerchantQuerySet(ScopedQuerySet["Merchant"]):
    merchant_path = ""

    def cashier_condition(self, user: User, shifts: models.QuerySet) -> Q | None:  # type: ignore[type-arg]
        return Q(pk__in=shifts.values("merchant_id"))  # the merchant they work for

    def by_merchant_id(self, merchant_id: str) -> Merchant | None:
        """The merchant with this 15-digit ID among these rows, or None."""
        return self.filter(merchant_id=merchant_id).first()

    def search(self, query: str, user: User | None = None) -> MerchantQuerySet:
        """Name, merchant ID, or contact phone — the phone only for a user who sees phones in
        full: one who sees them masked must not recover one by searching partial digits."""
        query = query.strip()
        if not query:
            return self.none()
        condition = Q(name__icontains=query) | Q(short_name__icontains=query)
        digits = re.sub(r"\D", "", query)
        if MERCHANT_ID_RE.match(query):
            condition |= Q(merchant_id=query)
        elif len(digits) >= 4 and digits == query.replace(" ", "").replace("-", ""):
            condition |= Q(merchant_id__startswith=digits)
            if getattr(user, "sees_contact_phones", False):
                condition |= Q(contacts__phone__contains=digits)
        return self.filter(condition).distinct()


class Merchant(models.Model):
    class SettlementCycle(models.TextChoices):
        T1 = "T1", _("T+1（下一个工作日）")
        T0 = "T0", _("T+0（当个工作日）")
        D1 = "D1", _("D+1（下一个自然日）")
        D0 = "D0", _("D+0（当日）")
        S0 = "S0", _("S0（秒到）")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        FROZEN = "frozen", _("冻结")
        CLOSED = "closed", _("已注销")

    merchant_id = models.CharField(
        _("商户编号"), max_length=15, unique=True, validators=[validate_merchant_id]
    )
    name = models.CharField(_("商户名称"), max_length=100, db_index=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    mcc = models.CharField(_("MCC"), max_length=4, validators=[validate_mcc])
    region_code = models.CharField(_("地区代码"), max_length=6, validators=[validate_region])
    address = models.CharField(_("地址"), max_length=200, blank=True)
    settlement_cycle = models.CharField(
        _("结算周期"), max_length=2, choices=SettlementCycle.choices, default=SettlementCycle.T1
    )
    settlement_cutoff = models.TimeField(
        _("日切时间"), default=dt.time(23, 0), help_text=_("此时间之后的交易计入下一日。")
    )
    settlement_bank = models.CharField(_("结算银行"), max_length=60, blank=True)
    settlement_account_name = models.CharField(_("结算户名"), max_length=100, blank=True)
    # Only the masked form is kept: a settlement account is often a debit card number.
    settlement_account_masked = models.CharField(_("结算账号（脱敏）"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    acquirer = models.ForeignKey(
        "directory.Institution",
        verbose_name=_("收单机构"),
        on_delete=models.PROTECT,
        related_name="merchants",
        null=True,
        blank=True,
    )
    timezone = models.CharField(_("时区"), max_length=40, default="Asia/Shanghai")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("商户用户"),
        related_name="merchants",
        blank=True,
        through="Membership",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MerchantQuerySet.as_manager()

    class Meta:
        verbose_name = _("商户")
        verbose_name_plural = pgettext_lazy("plural", "商户")
        ordering = ["merchant_id"]
        constraints = [
            models.CheckConstraint(
                name="merchant_id_15_digits",
                condition=Q(merchant_id__regex=rf"^{MERCHANT_ID_PATTERN}$"),
                violation_error_message=_("商户编号应为 15 位数字"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.merchant_id})"

    @property
    def region_label(self) -> str:
        return region_label(self.region_code, current_language())

    @property
    def mcc_label(self) -> str:
        return mcc_label(self.mcc, current_language())

    def is_visible_to(self, user: User) -> bool:
        return Merchant.objects.visible_to(user).filter(pk=self.pk).exists()


class StoreQuerySet(ScopedQuerySet["Store"]):
    merchant_path = "merchant"

    def cashier_condition(self, user: User, shifts: models.QuerySet) -> Q | None:  # type: ignore[type-arg]
        return shop_condition(shifts, "pk", "merchant")


class Store(models.Model):
    merchant = models.ForeignKey(
        Merchant, verbose_name=_("商户"), on_delete=models.CASCADE, related_name="stores"
    )
    store_code = models.CharField(_("门店编号"), max_length=20)
    name = models.CharField(_("门店名称"), max_length=100)
    region_code = models.CharField(_("地区代码"), max_length=6, validators=[validate_region])
    address = models.CharField(_("地址"), max_length=200, blank=True)

    objects = StoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("门店")
        verbose_name_plural = pgettext_lazy("plural", "门店")
        ordering = ["merchant", "store_code"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "store_code"], name="unique_store_code")
        ]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(ScopedQuerySet["Contact"]):
    merchant_path = "merchant"


class Contact(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("法人/店主")
        MANAGER = "manager", _("店长")
        CASHIER = "cashier", _("收银员")
        FINANCE = "finance", _("财务")

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("商户"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=40)
    role = models.CharField(_("身份"), max_length=10, choices=Role.choices, default=Role.OWNER)
    phone = models.CharField(_("电话"), max_length=20, help_text=_("E.164 格式，如 +8613812345678"))
    email = models.EmailField(_("邮箱"), blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = pgettext_lazy("plural", "联系人")
        ordering = ["merchant", "-is_primary", "name"]
        indexes = [models.Index(fields=["phone"], name="contact_phone_idx")]

    def __str__(self) -> str:
        return self.name

    def phone_for(self, user: Viewer) -> str:
        """The number as this user may see it: full for roles that call merchants and for the
        merchant's own users, masked for everyone else."""
        if not user.is_authenticated:
            return mask_phone(self.phone)
        if user.sees_contact_phones or (
            user.is_merchant_user and self.merchant.members.filter(pk=user.pk).exists()
        ):
            return display_phone(self.phone)
        return mask_phone(self.phone)


class MembershipQuerySet(ScopedQuerySet["Membership"]):
    # The merchant's owner and managers see the team; each user sees their own membership.
    merchant_path = "merchant"
    owner_path = "user"


class Membership(models.Model):
    """A user's place in a merchant's team: the owner (who signed the contract), managers, and
    cashiers of one shop. The role decides what the portal shows them (`core.scoping`)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("店主")
        MANAGER = "manager", _("店长")
        CASHIER = "cashier", _("收银员")

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("商户"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("团队角色"), max_length=12, choices=Role.choices, default=Role.OWNER)
    store = models.ForeignKey(
        Store,
        verbose_name=_("门店"),
        on_delete=models.SET_NULL,
        related_name="memberships",
        null=True,
        blank=True,
        help_text=_("收银员只看这家门店；空 = 全部门店。"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        # The table Django made for the plain many-to-many before roles existed.
        db_table = "merchants_merchant_members"
        verbose_name = _("团队成员")
        verbose_name_plural = pgettext_lazy("plural", "团队成员")
        unique_together = [("merchant", "user")]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.user} ({self.get_role_display()})"


class TeamInviteQuerySet(ScopedQuerySet["TeamInvite"]):
    merchant_path = "merchant"


class TeamInvite(models.Model):
    """An owner's invitation to join the team; the link carries a token of which only a digest
    is stored. Used once, within `VALID_DAYS`."""

    VALID_DAYS = 7

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("商户"), on_delete=models.CASCADE, related_name="invites"
    )
    role = models.CharField(_("团队角色"), max_length=12, choices=Membership.Role.choices)
    store = models.ForeignKey(
        Store,
        verbose_name=_("门店"),
        on_delete=models.CASCADE,
        related_name="invites",
        null=True,
        blank=True,
    )
    name = models.CharField(_("姓名"), max_length=64)
    token_digest = models.CharField(_("邀请码摘要"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("邀请人"),
        on_delete=models.CASCADE,
        related_name="team_invites_sent",
    )
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接受人"),
        on_delete=models.SET_NULL,
        related_name="team_invites_accepted",
        null=True,
        blank=True,
    )
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    objects = TeamInviteQuerySet.as_manager()

    class Meta:
        verbose_name = _("团队邀请")
        verbose_name_plural = pgettext_lazy("plural", "团队邀请")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.name} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        from django.utils import timezone

        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class TeamEventQuerySet(ScopedQuerySet["TeamEvent"]):
    merchant_path = "merchant"


class TeamEvent(models.Model):
    """Who changed the team, and how: part of the owner's activity list."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("发出邀请")
        JOINED = "joined", _("加入团队")
        ROLE_CHANGED = "role_changed", _("调整角色")
        REMOVED = "removed", _("移出团队")
        REVOKED = "revoked", _("撤回邀请")

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("商户"), on_delete=models.CASCADE, related_name="team_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        related_name="team_events",
        null=True,
    )
    kind = models.CharField(_("事件"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("对象"), max_length=100)
    role = models.CharField(_("团队角色"), max_length=12, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = TeamEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("团队变更")
        verbose_name_plural = pgettext_lazy("plural", "团队变更")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"
