"""The public history of an outage: what we said when, with the recovery time we expected then.

The status page (`/status/`) shows each outage with its updates; the desk writes one when an
outage is declared, updated and resolved (desk.services.outages). Imported by desk.models so
that Django knows the model; kept apart because desk.models is at its size limit.

What an outage says to merchants is written in Chinese and, optionally, English (`*_en`); the
status page, the portal banner, the phone menu and the notices show the reader's language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.language import BilingualText
from core.scoping import ScopedQuerySet


class OutageTexts:
    """The outage's title and message in the reader's language (Chinese where no English was
    written), as lazy strings: a notice built from them keeps both languages."""

    shown_title = BilingualText("title")
    shown_message = BilingualText("public_message")


class OutageUpdateQuerySet(ScopedQuerySet["OutageUpdate"]):
    # Outages are announcements to everyone (the public status page); so are their updates.
    merchant_path = "outage__tickets__merchant"
    public_rows = models.Q(pk__isnull=False)


class OutageUpdate(models.Model):
    class Kind(models.TextChoices):
        DECLARED = "declared", _("发现故障")
        UPDATE = "update", _("进展")
        RESOLVED = "resolved", _("已恢复")

    outage = models.ForeignKey(
        "desk.Outage", verbose_name=_("故障事件"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    message = models.TextField(_("对商户的说明"))
    message_en = models.TextField(_("对商户的说明（英文）"), blank=True)
    expected_recovery_at = models.DateTimeField(_("预计恢复时间"), null=True, blank=True)
    posted_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="desk_outage_updates",
    )

    objects = OutageUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("故障进展")
        verbose_name_plural = pgettext_lazy("plural", "故障进展")
        ordering = ["outage", "-posted_at", "-id"]
        indexes = [models.Index(fields=["outage", "posted_at"], name="desk_outage_update_at")]

    def __str__(self) -> str:
        return f"{self.outage_id} {self.kind} {self.posted_at:%Y-%m-%d %H:%M}"

    shown_message = BilingualText("message")
