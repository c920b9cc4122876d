from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.language import BilingualText
from core.scoping import NOBODY, ScopedQuerySet
from notifications.events import CHANNEL_LABELS


class NotificationQuerySet(ScopedQuerySet["Notification"]):
    # An inbox is personal: staff too see only their own; a deactivated user nothing.
    owner_path = "recipient"
    staff_roles = NOBODY
    merchant_path = None

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a user's portal/console inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    event = models.CharField(_("事件"), max_length=60)
    subject = models.CharField(pgettext_lazy("message", "标题"), max_length=200)
    body = models.TextField(_("内容"))
    # The English text when the sender's message was translatable (empty: as `subject`/`body`).
    subject_en = models.CharField(_("英文标题"), max_length=200, blank=True)
    body_en = models.TextField(_("英文内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()
    # The title and body in the reader's language (Chinese where the sender gave no English).
    shown_subject = BilingualText("subject")
    shown_body = BilingualText("body")

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = pgettext_lazy("plural", "站内消息")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.subject


class DeliveryQuerySet(ScopedQuerySet["Delivery"]):
    merchant_path = None  # the record of what was sent where: staff only


class Delivery(models.Model):
    """Every attempt to deliver a notification on a channel, successful or not."""

    class Status(models.TextChoices):
        SENT = "sent", _("已发送")
        FAILED = "failed", _("失败")
        # The provider got the message but no answer came back: perhaps delivered, so not sent
        # again (a second try could deliver it twice).
        UNKNOWN = "unknown", _("结果未知")

    class Reason(models.TextChoices):
        """Why an attempt went as it did, in words an agent can pass on (empty: nothing to add
        to the status and the provider's error)."""

        NO_ANSWER = "no_answer", _("对方未应答，消息可能已送达；为免重复，不再重发")
        WECHAT_CLOSED_SMS = (
            "wechat_closed_sms",
            _("公众号没有通知模板，且粉丝 48 小时内未发消息：改发短信"),
        )
        WECHAT_CLOSED = (
            "wechat_closed",
            _("公众号没有通知模板，且粉丝 48 小时内未发消息；没有可改发短信的手机号"),
        )
        INSTEAD_OF_WECHAT = "instead_of_wechat", _("代替无法送达的微信消息")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("消息"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    event = models.CharField(_("事件"), max_length=60)
    channel = models.CharField(_("渠道"), max_length=8)
    address = models.CharField(_("地址"), max_length=200, help_text=_("邮箱或号码"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    provider_ref = models.CharField(_("服务商编号"), max_length=100, blank=True)
    error = models.TextField(_("错误"), blank=True)
    reason = models.CharField(_("原因"), max_length=20, choices=Reason.choices, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = pgettext_lazy("plural", "投递记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.channel} {self.address} {self.status}"

    @property
    def channel_label(self) -> Any:
        return CHANNEL_LABELS.get(self.channel, self.channel)


class SentKey(models.Model):
    """Remembers that a notification with this key went to this recipient, so the same event
    (e.g. "outage 12 resolved") reaches each merchant exactly once."""

    # "merchant:17" or "user:5"
    scope = models.CharField(pgettext_lazy("recipient", "对象"), max_length=40)
    key = models.CharField(_("键"), max_length=120)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("去重键")
        verbose_name_plural = pgettext_lazy("plural", "去重键")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="unique_sent_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class Preference(models.Model):
    """A user's choice for one event and channel; without a row the event's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    event = models.CharField(_("事件"), max_length=60)
    channel = models.CharField(_("渠道"), max_length=8)
    enabled = models.BooleanField(_("接收"), default=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = pgettext_lazy("plural", "通知偏好")
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "channel"], name="unique_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.event} {self.channel} {self.enabled}"
