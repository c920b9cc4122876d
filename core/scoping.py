"""The one scoping rule: `Model.objects.visible_to(user)` for every model a user can reach.

Modelled on NetBox's `RestrictedQuerySet`: one queryset base, and each model's queryset says in
class attributes *how* its rows belong to someone, not how to filter them:

- `merchant_path`: the lookup path from the model to `merchants.Merchant` (`"merchant"`,
  `"ticket__merchant"`; `""` for the merchant itself). A merchant user sees the rows of the
  merchants they are a member of. `None` means merchant users never see the rows by merchant
  (internal work such as contact requests) — a model that has a path to a merchant must say so
  explicitly, the scoping test checks it.
- `owner_path`: the lookup path to the user a row belongs to (an inbox, a conversation, a scam
  report); that user sees their own rows whatever their role.
- `staff_roles`: the roles that see every row (all staff tiers by default; supervisors only for
  imports and scam reports; nobody for a personal inbox).
- `public_rows`: rows everyone may read, signed in or not (published knowledge articles).
- `merchant_rows`: an extra condition on what merchant users see (internal notes stay internal).
- `cashier_condition(user, shifts)`: what a *cashier* of the merchant's team sees (their shop's
  terminals, today's transactions there, the tickets they reported); `shifts` are the user's
  cashier memberships. Nothing by default: a model shows cashiers rows only when its queryset
  says which. Owners and managers see every row of their merchants (`merchants.Membership`).

Anonymous and deactivated users see only public rows; users of any other role (the coming
`integration` role) see nothing unless a row is theirs. `core/tests/test_scoping_coverage.py`
walks every model and fails when one with a path to a merchant has no scoping.
"""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING, ClassVar, Self, TypeVar

from django.apps import apps
from django.db import models
from django.db.models import Q

from accounts.models import User

if TYPE_CHECKING:
    from core.types import Viewer

_M = TypeVar("_M", bound=models.Model)

AGENT_ROLES: frozenset[str] = frozenset(User.STAFF_ROLES)
SUPERVISOR_ROLES: frozenset[str] = frozenset({User.Role.SUPERVISOR, User.Role.ADMIN})
NOBODY: frozenset[str] = frozenset()
# The team role whose view of the merchant is cut down (merchants.Membership.Role.CASHIER).
CASHIER = "cashier"


def is_active_user(user: Viewer | None) -> bool:
    """Signed in and not deactivated: the precondition for seeing anything that is not public."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_cashier_only(user: Viewer | None) -> bool:
    """A merchant user who is a cashier in every team they belong to (remembered on the user
    object for the request): the portal offers them only what a cashier needs."""
    if not isinstance(user, User) or not is_active_user(user) or not user.is_merchant_user:
        return False
    cached = getattr(user, "_cashier_only", None)
    if cached is None:
        membership = apps.get_model("merchants", "Membership")
        mine = membership._base_manager.filter(user=user)
        roles = set(mine.values_list("role", flat=True))
        cached = roles == {CASHIER}
        user._cashier_only = cached  # type: ignore[attr-defined]
    return cached


def shop_condition(shifts: models.QuerySet, store_path: str, merchant_path: str) -> Q:  # type: ignore[type-arg]
    """Rows of the cashiers' shops; a cashier without a shop works in all of the merchant's."""
    return Q(**{f"{store_path}__in": shifts.filter(store__isnull=False).values("store_id")}) | Q(
        **{f"{merchant_path}__in": shifts.filter(store__isnull=True).values("merchant_id")}
    )


def path_steps(model: type[models.Model], path: str) -> list[models.Field]:  # type: ignore[type-arg]
    """The relation fields a lookup path walks through, from `model` on; raises if it does not
    resolve (FieldDoesNotExist)."""
    steps = []
    for name in path.split("__") if path else []:
        field = model._meta.get_field(name)
        if field.related_model is None:
            raise ValueError(f"{model.__name__}.{name} is not a relation")
        steps.append(field)
        model = field.related_model  # type: ignore[assignment]
    return steps  # type: ignore[return-value]


def path_target(model: type[models.Model], path: str) -> type[models.Model]:
    """The model at the end of a lookup path (`model` itself for the empty path)."""
    steps = path_steps(model, path)
    return steps[-1].related_model if steps else model  # type: ignore[return-value]


@functools.cache
def _crosses_many(model: type[models.Model], path: str) -> bool:
    """Whether the path goes through a to-many relation, so a plain filter repeats rows."""
    return any(field.one_to_many or field.many_to_many for field in path_steps(model, path))


class ScopedQuerySet(models.QuerySet[_M]):
    """The base of every queryset a user can reach; see the module docstring for the attributes."""

    merchant_path: ClassVar[str | None] = None
    owner_path: ClassVar[str | None] = None
    staff_roles: ClassVar[frozenset[str]] = AGENT_ROLES
    public_rows: ClassVar[Q | None] = None
    merchant_rows: ClassVar[Q | None] = None

    def visible_to(self, user: Viewer | None) -> Self:
        """The rows this user may see (NetBox's `restrict(user)`)."""
        if not is_active_user(user):
            return self.filter(self.public_rows) if self.public_rows is not None else self.none()
        assert isinstance(user, User)
        if user.role in self.staff_roles:
            return self
        conditions = [self.public_rows] if self.public_rows is not None else []
        if self.owner_path is not None:
            conditions.append(Q(**{self.owner_path: user}))
        if self.merchant_path is not None and user.role == User.Role.MERCHANT:
            conditions.append(self._merchant_condition(user))
        if not conditions:
            return self.none()
        return self.filter(functools.reduce(operator.or_, conditions))

    def cashier_condition(self, user: User, shifts: models.QuerySet) -> Q | None:  # type: ignore[type-arg]
        """The rows a cashier sees (see the module docstring); None: none."""
        return None

    def _merchant_condition(self, user: User) -> Q:
        assert self.merchant_path is not None
        membership = apps.get_model("merchants", "Membership")
        mine = membership._base_manager.filter(user=user)
        full_members_of = mine.exclude(role=CASHIER).values("merchant_id")
        lookup = f"{self.merchant_path}__in" if self.merchant_path else "pk__in"
        condition = Q(**{lookup: full_members_of})
        cashier = self.cashier_condition(user, mine.filter(role=CASHIER))
        if cashier is not None:
            condition |= cashier
        if self.merchant_rows is not None:
            condition &= self.merchant_rows
        if _crosses_many(self.model, self.merchant_path):
            # Through a to-many relation (an outage's tickets) a join would repeat rows.
            return Q(pk__in=self.model._base_manager.filter(condition).values("pk"))
        return condition
