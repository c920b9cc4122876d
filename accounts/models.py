from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    """A person who logs in: a merchant user or a member of the acquirer's staff.

    Staff have a unique agent number (工号) that is shown on everything they do, so a merchant
    can always tell who helped them.
    """

    class Role(models.TextChoices):
        MERCHANT = "merchant", _("商户用户")
        L1 = "l1", _("一线客服 (L1)")
        L2 = "l2", _("二线技术 (L2)")
        SUPERVISOR = "supervisor", _("主管")
        ADMIN = "admin", _("管理员")
        # A machine account (a TMS, a host system) that may only push data through the API.
        INTEGRATION = "integration", _("系统对接")

    STAFF_ROLES = (Role.L1, Role.L2, Role.SUPERVISOR, Role.ADMIN)
    # Roles without an agent number: merchant users and machine accounts.
    NON_STAFF_ROLES = (Role.MERCHANT, Role.INTEGRATION)

    role = models.CharField(
        _("角色"), max_length=16, choices=Role.choices, default=Role.MERCHANT, db_index=True
    )
    agent_no = models.CharField(
        _("工号"),
        max_length=16,
        null=True,
        blank=True,
        unique=True,
        help_text=_("员工的唯一工号，显示在其经手的每一条记录上。"),
    )
    display_name = models.CharField(_("显示名称"), max_length=64, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")
        constraints = [
            models.CheckConstraint(
                name="staff_have_agent_no",
                condition=Q(role__in=["merchant", "integration"]) | Q(agent_no__isnull=False),
                violation_error_message=_("员工必须有工号。"),
            )
        ]

    def __str__(self) -> str:
        if self.agent_no:
            return f"{self.label} ({self.agent_no})"
        return self.label

    @property
    def label(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_agent(self) -> bool:
        """Staff of the acquirer (any tier): sees every merchant."""
        return self.role in self.STAFF_ROLES

    @property
    def is_merchant_user(self) -> bool:
        return self.role == self.Role.MERCHANT

    @property
    def is_integration(self) -> bool:
        """A machine account: pushes telemetry and sees no merchant, ticket or page."""
        return self.role == self.Role.INTEGRATION

    @property
    def is_supervisor(self) -> bool:
        return self.role in (self.Role.SUPERVISOR, self.Role.ADMIN)

    @property
    def sees_contact_phones(self) -> bool:
        """Roles that phone merchants see full contact numbers; others see them masked."""
        return self.role in (self.Role.L1, self.Role.SUPERVISOR, self.Role.ADMIN)

    @property
    def signature(self) -> str:
        """How the user signs an action: '工号 A1001 王芳' for staff."""
        if self.agent_no:
            return f"{self.agent_no} {self.label}"
        return self.label

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Django's own flags follow the role, so the admin and permissions agree with it.
        self.is_staff = self.role in (self.Role.SUPERVISOR, self.Role.ADMIN) or self.is_superuser
        if self.agent_no == "":
            self.agent_no = None
        super().save(*args, **kwargs)
