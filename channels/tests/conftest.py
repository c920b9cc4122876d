"""Channels fixtures: two institutions, each with a phone system integration; alice's merchant
belongs to the first; a fixed working-morning clock for the outreach policy."""

from __future__ import annotations

import pytest
from django.test import Client

from channels.simulator import SimulatedPhoneSystem
from desk.tests.conftest import desk_staff, ticket_a  # noqa: F401 - shared desk fixtures
from outreach.tests.conftest import clock  # noqa: F401 - the outreach policy's fixed clock


def _institution(code: str, name: str):
    from directory.models import Institution, RegisteredNumber

    institution, _ = Institution.objects.get_or_create(
        code=code, defaults={"name": name, "kind": "acquirer"}
    )
    RegisteredNumber.objects.get_or_create(
        institution=institution, number="+861056710000" if code == "inst-a" else "+862155550000"
    )
    return institution


@pytest.fixture
def institution_a(db):
    return _institution("inst-a", "甲收单")


@pytest.fixture
def institution_b(db):
    return _institution("inst-b", "乙收单")


@pytest.fixture
def integration_a(institution_a):
    from channels.models import Integration

    return Integration.objects.create(
        key="pbx-a", name="甲呼叫中心", kind="phone_system", institution=institution_a
    )


@pytest.fixture
def integration_b(institution_b):
    from channels.models import Integration

    return Integration.objects.create(
        key="pbx-b", name="乙呼叫中心", kind="phone_system", institution=institution_b
    )


@pytest.fixture
def caller_a(merchant_a, institution_a):
    """Merchant A (alice's) belongs to institution A; its owner's phone is registered."""
    from tests.factories import ContactFactory

    merchant_a.acquirer = institution_a
    merchant_a.save(update_fields=["acquirer"])
    return ContactFactory(merchant=merchant_a, phone="+8613800001111")


def simulator_for(integration) -> SimulatedPhoneSystem:
    client = Client()

    def post(path: str, body: bytes, headers: dict[str, str]):
        return client.post(path, body, content_type="application/json", headers=headers)

    return SimulatedPhoneSystem(post, integration.key, integration.secret)


@pytest.fixture
def pbx(integration_a) -> SimulatedPhoneSystem:
    return simulator_for(integration_a)


@pytest.fixture
def sms_gateway(institution_a) -> SimulatedPhoneSystem:
    """A simulated SMS provider: it signs its webhooks with its integration's secret."""
    from channels.models import Integration

    integration = Integration.objects.create(
        key="sms-a", name="短信通道", kind="sms", institution=institution_a
    )
    return simulator_for(integration)
