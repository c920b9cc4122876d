"""Team accounts: an owner invites managers and cashiers, who accept with a link and set a
password; the owner changes roles or removes members and sees who did what.

Who may do it is decided here (`check_owner`); what each role sees is `core.scoping`'s
business (`Membership.role`, the querysets' `cashier_condition`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import BilingualError, PermissionDeniedError
from core.language import current_language
from core.types import Viewer
from desk.models import Interaction, Ticket
from helpcentre.models import QuizAttempt
from merchants.models import Membership, Merchant, Store, TeamEvent, TeamInvite

if TYPE_CHECKING:
    from django.db.models import QuerySet


OWNERS_ONLY = _("只有店主可以管理团队")
INVITABLE = (Membership.Role.MANAGER, Membership.Role.CASHIER)


class TeamError(BilingualError):
    """A team change that cannot be made, said in both languages."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def owned_merchants(user: Viewer | None) -> QuerySet[Merchant]:
    if not isinstance(user, User) or not user.is_active or not user.is_merchant_user:
        return Merchant.objects.none()
    return Merchant.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.OWNER
    ).order_by("merchant_id")


def check_owner(actor: Viewer | None, merchant: Merchant | None = None) -> User:
    """The actor, if they own this merchant (or any merchant); else PermissionDeniedError."""
    owned = owned_merchants(actor)
    if merchant is not None:
        owned = owned.filter(pk=merchant.pk)
    if not owned.exists():
        raise PermissionDeniedError(OWNERS_ONLY)
    assert isinstance(actor, User)
    return actor


def role_of(user: Viewer | None, merchant: Merchant) -> str | None:
    if not isinstance(user, User):
        return None
    row = Membership.objects.filter(user=user, merchant=merchant).first()
    return row.role if row else None


def _event(merchant: Merchant, actor: User, kind: str, subject: str, role: str = "") -> None:
    TeamEvent.objects.create(merchant=merchant, actor=actor, kind=kind, subject=subject, role=role)


def invite(
    merchant: Merchant, *, by: Viewer | None, role: str, name: str, store: Store | None = None
) -> tuple[TeamInvite, str]:
    """A new invitation and its token (shown once, in the link the owner passes on)."""
    owner = check_owner(by, merchant)
    if role not in INVITABLE:
        raise TeamError(_("只能邀请店长或收银员"))
    if store is not None and store.merchant_id != merchant.pk:
        raise TeamError(_("门店不属于这个商户"))
    if role == Membership.Role.CASHIER and store is None and merchant.stores.count() > 1:
        raise TeamError(_("请为收银员选择门店"))
    name = (name or "").strip()
    if not name:
        raise TeamError(_("请填写姓名"))
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        row = TeamInvite.objects.create(
            merchant=merchant,
            role=role,
            store=store,
            name=name[:64],
            token_digest=digest(token),
            invited_by=owner,
            expires_at=timezone.now() + dt.timedelta(days=TeamInvite.VALID_DAYS),
        )
        _event(merchant, owner, TeamEvent.Kind.INVITED, row.name, role)
    return row, token


def pending_invite(token: str) -> TeamInvite | None:
    row = (
        TeamInvite.objects.select_related("merchant", "store")
        .filter(token_digest=digest(token or ""))
        .first()
    )
    return row if row is not None and row.is_pending else None


def accept(token: str, *, username: str, password: str) -> User:
    """Accept an invitation: a new merchant user with the invited role. Once only."""
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise TeamError(_("请填写用户名"))
    with transaction.atomic():
        row = pending_invite(token)
        if row is None:
            raise TeamError(_("邀请链接无效、已使用或已过期，请向店主索取新的链接"))
        TeamInvite.objects.select_for_update().filter(pk=row.pk).first()
        if User.objects.filter(username__iexact=username).exists():
            raise TeamError(_("这个用户名已被使用，请换一个"))
        user = User(username=username, role=User.Role.MERCHANT, display_name=row.name)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise TeamError(" ".join(error.messages)) from error
        user.set_password(password)
        user.save()
        Membership.objects.create(merchant=row.merchant, user=user, role=row.role, store=row.store)
        updated = TeamInvite.objects.filter(pk=row.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now(), accepted_by=user
        )
        if not updated:  # accepted by someone else a moment ago
            raise TeamError(_("邀请链接无效、已使用或已过期，请向店主索取新的链接"))
        _event(row.merchant, user, TeamEvent.Kind.JOINED, user.label, row.role)
    return user


def revoke(row: TeamInvite, *, by: Viewer | None) -> None:
    owner = check_owner(by, row.merchant)
    if TeamInvite.objects.filter(
        pk=row.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now()):
        _event(row.merchant, owner, TeamEvent.Kind.REVOKED, row.name, row.role)


def change_role(
    membership: Membership, *, by: Viewer | None, role: str, store: Store | None = None
) -> Membership:
    owner = check_owner(by, membership.merchant)
    if membership.user_id == owner.pk:
        raise TeamError(_("不能修改自己的角色"))
    if role not in INVITABLE:
        raise TeamError(_("只能设为店长或收银员"))
    if store is not None and store.merchant_id != membership.merchant_id:
        raise TeamError(_("门店不属于这个商户"))
    if (membership.role, membership.store_id) == (role, store.pk if store else None):
        return membership  # nothing changes: the same request again
    membership.role, membership.store = role, store
    membership.save(update_fields=["role", "store"])
    _event(membership.merchant, owner, TeamEvent.Kind.ROLE_CHANGED, membership.user.label, role)
    return membership


def remove(membership: Membership, *, by: Viewer | None) -> None:
    owner = check_owner(by, membership.merchant)
    if membership.user_id == owner.pk or membership.role == Membership.Role.OWNER:
        raise TeamError(_("不能移出店主"))
    with transaction.atomic():
        user = membership.user
        membership.delete()
        if not user.memberships.exists():  # nothing left to sign in for
            user.is_active = False
            user.save(update_fields=["is_active"])
        _event(membership.merchant, owner, TeamEvent.Kind.REMOVED, user.label, membership.role)


@dataclass(frozen=True)
class Activity:
    at: dt.datetime
    who: str
    what: str
    detail: str
    merchant_id: str


def activity(owner: Viewer | None, limit: int = 100) -> list[Activity]:
    """Who did what in the owner's merchants, newest first: team changes, faults reported,
    messages on tickets and training quizzes."""
    check_owner(owner)
    language = current_language()
    merchants = owned_merchants(owner)
    streams = [
        (
            Activity(
                e.at,
                e.actor.label if e.actor else "—",
                e.get_kind_display(),
                e.subject,
                e.merchant.merchant_id,
            )
            for e in TeamEvent.objects.filter(merchant__in=merchants).select_related(
                "actor", "merchant"
            )[:limit]
        ),
        (
            Activity(
                t.created_at,
                t.opened_by.label if t.opened_by else "—",
                str(_("报告问题")),
                f"{t.number} {t.get_category_display()}",
                t.merchant.merchant_id,
            )
            for t in Ticket.objects.filter(
                merchant__in=merchants, opened_by__role=User.Role.MERCHANT
            )
            .select_related("opened_by", "merchant")
            .order_by("-created_at")[:limit]
        ),
        (
            Activity(
                i.created_at,
                i.author.label if i.author else "—",
                str(_("留言")),
                i.ticket.number or "",
                i.ticket.merchant.merchant_id,
            )
            for i in Interaction.objects.filter(
                ticket__merchant__in=merchants, author__role=User.Role.MERCHANT
            )
            .select_related("author", "ticket__merchant")
            .order_by("-created_at")[:limit]
        ),
        (
            Activity(
                q.created_at,
                q.user.label,
                str(_("完成培训测验")),
                f"{q.article.title(language)} {q.score}/{q.total}",
                q.merchant.merchant_id if q.merchant else "",
            )
            for q in QuizAttempt.objects.filter(merchant__in=merchants).select_related(
                "user", "article", "merchant"
            )[:limit]
        ),
    ]
    return list(heapq.merge(*streams, key=lambda a: a.at, reverse=True))[:limit]
