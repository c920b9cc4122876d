"""The one scoping base (core.scoping): every model with a path to a merchant is scoped, every
declared path resolves, and the role rules hold — alice/bob/charlie, deactivated users, staff."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from core.scoping import ScopedQuerySet, path_target

KNOWN_APPS = {"core", "merchants", "terminals", "desk", "payments", "assistant", "outreach"}


def project_models() -> list[type[models.Model]]:
    """Every model of every app that lives in this repository (a new app is walked too)."""
    root = str(settings.BASE_DIR)
    local = {
        config.label
        for config in apps.get_app_configs()
        if config.path.startswith(root) and "/.venv/" not in config.path
    }
    return [model for model in apps.get_models() if model._meta.app_label in local]


def reaches_merchant(model: type[models.Model], depth: int = 3) -> bool:
    """Whether following foreign keys forward leads to merchants.Merchant."""
    if model._meta.label == "merchants.Merchant":
        return True
    if depth == 0:
        return False
    return any(
        reaches_merchant(field.related_model, depth - 1)
        for field in model._meta.get_fields()
        if field.concrete and (field.many_to_one or field.one_to_one) and field.related_model
    )


def scoping_of(model: type[models.Model]) -> type | None:
    queryset = type(model._default_manager.get_queryset())
    return queryset if issubclass(queryset, ScopedQuerySet) else None


def new_ticket(merchant, user):
    from desk.services import open_ticket

    return open_ticket(
        merchant=merchant, category="other", description="x", channel="portal", opened_by=user
    )


def test_the_walk_sees_every_app():
    labels = {model._meta.app_label for model in project_models()}
    assert labels >= KNOWN_APPS


def test_every_model_with_a_path_to_a_merchant_is_scoped():
    unscoped = [
        model._meta.label
        for model in project_models()
        if reaches_merchant(model) and scoping_of(model) is None
    ]
    assert not unscoped, f"give these a ScopedQuerySet (core/scoping.py): {unscoped}"


def test_models_with_a_merchant_say_how_merchants_see_them():
    """merchant_path = None is a decision ("internal work"), so it must be written down."""
    silent = []
    for model in project_models():
        queryset = scoping_of(model)
        if queryset is None or not reaches_merchant(model):
            continue
        declared = any("merchant_path" in vars(cls) for cls in queryset.__mro__[:-1])
        if not declared or (queryset is ScopedQuerySet):
            silent.append(model._meta.label)
    assert not silent, f"set merchant_path (or merchant_path = None with a reason): {silent}"


def test_every_declared_path_resolves():
    for model in project_models():
        queryset = scoping_of(model)
        if queryset is None:
            continue
        if queryset.merchant_path is not None:
            target = path_target(model, queryset.merchant_path)
            assert target._meta.label == "merchants.Merchant", model._meta.label
        if queryset.owner_path is not None:
            target = path_target(model, queryset.owner_path)
            assert target._meta.label == settings.AUTH_USER_MODEL, model._meta.label


@pytest.mark.django_db
def test_roles_and_deactivated_users(alice, bob, charlie, agent, make_user, merchant_a, terminal_a):
    from merchants.models import Merchant
    from notifications.models import Notification
    from terminals.models import Terminal

    ticket = new_ticket(merchant_a, alice)
    assert ticket.merchant == merchant_a
    assert list(Terminal.objects.visible_to(alice)) == [terminal_a]
    for outsider in (bob, charlie, None):
        assert not Terminal.objects.visible_to(outsider).exists()
        assert not Merchant.objects.filter(pk=merchant_a.pk).visible_to(outsider).exists()
    assert Terminal.objects.visible_to(agent).count() == Terminal.objects.count()
    # An integration account is no member of any merchant and no staff: it sees nothing.
    robot = make_user("robot", role="integration", agent_no="I0001")
    merchant_a.members.add(robot)
    assert not Terminal.objects.visible_to(robot).exists()

    Notification.objects.create(recipient=alice, event="x", subject="s", body="b")
    assert Notification.objects.visible_to(alice).count() == 1
    assert not Notification.objects.visible_to(agent).exists()  # an inbox is personal
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    # A deactivated account sees nothing — its inbox included (this used to be skipped).
    assert not Notification.objects.visible_to(alice).exists()
    assert not Terminal.objects.visible_to(alice).exists()


@pytest.mark.django_db
def test_outage_seen_once_through_several_tickets(alice, agent, merchant_a, terminal_a):
    from desk.models import Outage

    outage = Outage.objects.create(title="t", kind="network", public_message="m", created_by=agent)
    for _ in range(3):
        ticket = new_ticket(merchant_a, alice)
        ticket.outage = outage
        ticket.save(update_fields=["outage"])
    assert list(Outage.objects.visible_to(alice)) == [outage]
    assert Outage.objects.visible_to(alice).count() == 1


@pytest.mark.django_db
def test_merchant_users_never_see_internal_notes(alice, agent, merchant_a):
    from desk.models import Interaction

    ticket = new_ticket(merchant_a, alice)
    Interaction.objects.create(
        ticket=ticket,
        kind="note",
        channel="phone",
        direction="internal",
        is_public=False,
        body="内部备注",
        author=agent,
    )
    texts = {i.body for i in Interaction.objects.visible_to(alice)}
    assert "内部备注" not in texts
    assert "内部备注" in {i.body for i in Interaction.objects.visible_to(agent)}
