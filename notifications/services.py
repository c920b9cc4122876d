"""notify(): the one way apps tell a merchant or a staff member something.

The inbox message is written in the caller's transaction; e-mail, SMS and voice go out after
it commits (as a background task), each attempt recorded as a Delivery. A dedupe_key makes
the same event reach each recipient exactly once, however often it is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from core.language import chinese_and_english
from core.masking import mask_pans_in_text
from notifications.events import EMAIL, INBOX, SMS, VOICE, WECHAT, get_event
from notifications.models import Delivery, Notification, Preference, SentKey
from notifications.transports import TRANSPORTS
from notifications.transports.base import Message, TransportError
from notifications.transports.wechat import WeChatTransport

if TYPE_CHECKING:
    from accounts.models import User


def _claim(scope: str, key: str) -> bool:
    """True the first time (scope, key) is seen; safe under concurrent senders."""
    try:
        with transaction.atomic():
            SentKey.objects.create(scope=scope, key=key)
    except IntegrityError:
        return False
    return True


def _choices(users: list[Any], event: str) -> dict[tuple[int, str], bool]:
    return {
        (p.user_id, p.channel): p.enabled
        for p in Preference.objects.filter(user__in=users, event__in=[event, "*"]).order_by("event")
    }


def notify(
    recipient: Any,
    *,
    event: str,
    subject: Any,
    body: Any,
    link: str = "",
    dedupe_key: str | None = None,
    channels: list[str] | None = None,
    reply_to: str = "",
) -> bool:
    """Notify a User, or a Merchant (its users and its primary contact). Returns False when
    the dedupe_key had already been used for this recipient (nothing is sent again).
    `reply_to` becomes the e-mail's Reply-To (the desk passes a ticket's reply address).
    A translatable (lazy) subject or body is kept in Chinese and English: the inbox shows
    each reader their language; e-mail, SMS and voice go out in Chinese, a WeChat template
    message in the language its follower bound in."""
    from merchants.models import Merchant

    merchant = recipient if isinstance(recipient, Merchant) else None
    subject, subject_en = chinese_and_english(subject)
    body, body_en = chinese_and_english(body)
    # Every inbox message, e-mail, SMS and voice call is written here: mask once.
    subject, body = mask_pans_in_text(subject)[:200], mask_pans_in_text(body)
    subject_en, body_en = mask_pans_in_text(subject_en)[:200], mask_pans_in_text(body_en)
    scope = f"merchant:{recipient.pk}" if merchant else f"user:{recipient.pk}"
    if dedupe_key and not _claim(scope, dedupe_key):
        return False
    users = [recipient] if merchant is None else merchant_team(merchant)
    spec = get_event(event)
    wanted = list(channels or spec.default_channels)
    choices = _choices(users, event)

    def enabled(user: User, channel: str) -> bool:
        return choices.get((user.pk, channel), channel in wanted)

    def refused(user: User, channel: str) -> bool:
        return choices.get((user.pk, channel)) is False

    inbox = [
        Notification(
            recipient=u,
            merchant=merchant,
            event=event,
            subject=subject,
            body=body,
            subject_en=subject_en,
            body_en=body_en,
            link=link,
        )
        for u in users
        if INBOX in wanted and enabled(u, INBOX)
    ]
    Notification.objects.bulk_create(inbox)
    outbound = _outbound_targets(users, merchant, wanted, enabled, refused)
    if outbound:
        payload = {
            "merchant_id": merchant.pk if merchant else None,
            "event": event,
            "subject": subject,
            "body": body,
            "subject_en": subject_en,
            "body_en": body_en,
            "link": link,
            "reply_to": reply_to,
            "targets": outbound,
        }
        transaction.on_commit(lambda: _enqueue(payload))
    return True


def merchant_team(merchant: Any) -> list[Any]:
    """Who gets a merchant's notices: the people who run it, owners and managers, not cashiers."""
    team = merchant.memberships.filter(user__is_active=True).exclude(role="cashier")
    return [m.user for m in team.select_related("user").order_by("user_id")]


def _outbound_targets(
    users: list[Any],
    merchant: Any,
    wanted: list[str],
    enabled: Callable[[Any, str], bool],
    refused: Callable[[Any, str], bool],
) -> list[dict[str, Any]]:
    """E-mail, SMS, voice and WeChat addresses of the users who want them, then the merchant's
    primary contact; each (channel, address) once. A WeChat address carries the SMS number to
    use if WeChat cannot reach the follower when it is sent (`fallback`): the user's phone,
    unless they turned SMS off for this event."""
    outbound: list[dict[str, Any]] = []
    addresses: set[tuple[str, str]] = set()

    def add(channel: str, address: str, **extra: Any) -> None:
        if address and (channel, address) not in addresses:
            addresses.add((channel, address))
            outbound.append({"channel": channel, "address": address, **extra})

    for user in users:
        if EMAIL in wanted and enabled(user, EMAIL):
            add(EMAIL, user.email)
        for channel in (SMS, VOICE):
            if channel in wanted and enabled(user, channel):
                add(channel, user.phone)
        if WECHAT in wanted and enabled(user, WECHAT):
            fallback = user.phone if user.phone and not refused(user, SMS) else ""
            for address in WeChatTransport.addresses_of(user):
                add(WECHAT, address, fallback=fallback)
    if merchant is not None:
        contact = merchant.contacts.filter(is_primary=True).first()
        if contact is not None:
            if EMAIL in wanted:
                add(EMAIL, contact.email)
            for channel in (SMS, VOICE):
                if channel in wanted:
                    add(channel, contact.phone)
    return outbound


def _enqueue(payload: dict[str, Any]) -> None:
    deliver.enqueue(payload)


def deliver_now(payload: dict[str, Any]) -> list[Delivery]:
    """Send to every target once; each attempt becomes a Delivery. Targets whose send failed
    where the provider certainly sent nothing (unreachable, busy) come back in
    `payload["retry"]`; a send the provider got without answering is never tried again
    (status "unknown"). A WeChat follower that WeChat cannot reach now gets the notice by SMS
    (the target's `fallback` number, once per number) or it is recorded as not deliverable."""
    in_conversation = get_event(payload["event"]).in_conversation
    payload["retry"] = []
    deliveries: list[Delivery] = []
    queued = [(t["channel"], t["address"]) for t in payload["targets"]]
    targets = list(payload["targets"])
    while targets:
        target = targets.pop(0)
        message = Message(
            target["address"],
            payload["subject"],
            payload["body"],
            payload["link"],
            reply_to=payload.get("reply_to", ""),
            subject_en=payload.get("subject_en", ""),
            body_en=payload.get("body_en", ""),
            in_conversation=in_conversation,
        )
        delivery = Delivery(
            merchant_id=payload["merchant_id"],
            event=payload["event"],
            channel=target["channel"],
            address=target["address"],
            status=Delivery.Status.SENT,
            reason=target.get("reason", ""),
        )
        try:
            delivery.provider_ref = TRANSPORTS[target["channel"]]().send(message)
        except TransportError as failure:
            delivery.error = mask_pans_in_text(str(failure))
            delivery.status = Delivery.Status.FAILED
            if failure.outcome_unknown:
                delivery.status = Delivery.Status.UNKNOWN
                delivery.reason = Delivery.Reason.NO_ANSWER
            elif failure.transient:
                payload["retry"].append(target)
            elif failure.unreachable:
                delivery.reason = Delivery.Reason.WECHAT_CLOSED
                if number := target.get("fallback"):
                    delivery.reason = Delivery.Reason.WECHAT_CLOSED_SMS
                    if (SMS, number) not in queued:  # else the SMS goes out anyway
                        queued.append((SMS, number))
                        reason = Delivery.Reason.INSTEAD_OF_WECHAT
                        targets.append({"channel": SMS, "address": number, "reason": reason})
        deliveries.append(delivery)
    return Delivery.objects.bulk_create(deliveries)


# After a send that may succeed later fails: wait this long, then try again (the last entry
# is the last try). Every try is a Delivery row.
RETRY_AFTER = (dt.timedelta(minutes=1), dt.timedelta(minutes=10))


@task()
def deliver(payload: dict[str, Any]) -> int:
    """The background task `notify` queues after commit: send e-mail, SMS, voice and WeChat;
    what failed for a passing reason is queued again (`RETRY_AFTER`)."""
    deliveries = deliver_now(payload)
    tries = payload.get("tries", 1)
    if payload["retry"] and tries <= len(RETRY_AFTER):
        again = {**payload, "targets": payload["retry"], "retry": [], "tries": tries + 1}
        if deliver.get_backend().supports_defer:
            wait = RETRY_AFTER[tries - 1]
            deliver.using(run_after=timezone.now() + wait).enqueue(again)
        else:  # the in-process backend (tests, `manage.py` one-offs): at once
            deliver.enqueue(again)
    return len(deliveries)


def set_preference(user: User, event: str, channel: str, enabled: bool) -> None:
    Preference.objects.update_or_create(
        user=user, event=event, channel=channel, defaults={"enabled": enabled}
    )
