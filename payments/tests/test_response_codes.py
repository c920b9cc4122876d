"""Response codes are seeded, editable, acquirer-specific, and served at /api/response-codes/."""

from __future__ import annotations

import pytest

from directory.models import Institution
from payments.models import ResponseCode

pytestmark = pytest.mark.django_db


def test_the_reference_table_is_seeded():
    code = ResponseCode.lookup("51")
    assert code.meaning_zh == "资金不足" and code.uc_class == "C" and not code.retry_safe
    assert "nothing was charged" in code.action_en
    assert ResponseCode.lookup("a0").uc_class == "B"
    assert ResponseCode.lookup("00").is_success
    assert ResponseCode.lookup("Q9") is None


def test_an_acquirer_entry_overrides_the_standard_one_for_that_acquirer_only():
    acquirer = Institution.objects.create(code="demo-acq", name="演示收单", kind="acquirer")
    ResponseCode.objects.create(
        code="96",
        acquirer=acquirer,
        meaning_zh="系统维护中",
        meaning_en="system maintenance",
        uc_class="C",
        actor="network",
        action_zh="请 10 分钟后重试",
        action_en="retry in 10 minutes",
        retry_safe=True,
    )
    assert ResponseCode.lookup("96", acquirer).meaning_en == "system maintenance"
    assert ResponseCode.lookup("96").meaning_en == "system malfunction"


def test_api_returns_one_code_to_anyone(client):
    response = client.get("/api/response-codes/51/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "51" and body["uc_class"] == "C" and body["retry_safe"] is False
    assert body["meaning_zh"] == "资金不足"
    assert client.get("/api/response-codes/Q9/").status_code == 404
