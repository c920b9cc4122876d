"""Bad input never gets a 500 (issue 10, each case found by hand): a clear 4xx, nothing
stored. Anonymous, merchant and staff callers, pages and API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from payments.models import Investigation, Transaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_api(supervisor):
    client = APIClient()
    client.force_authenticate(supervisor)
    return client


def test_settlement_eta_in_year_9999_is_a_clear_400(client):
    response = client.get(
        "/api/settlement-eta/", {"cycle": "T1", "at": "9999-12-31T23:00:00+08:00"}
    )
    assert response.status_code == 400
    assert "2099" in str(response.json())


def test_investigation_of_a_day_in_year_9999_is_refused(staff_api, client, merchant_a, supervisor):
    response = staff_api.post(
        "/api/investigations/",
        {"merchant_id": merchant_a.merchant_id, "date": "9999-12-31"},
        format="json",
    )
    assert response.status_code == 400 and "date" in response.json()
    client.force_login(supervisor)
    page = client.post(
        "/payouts/investigate/", {"merchant_id": merchant_a.merchant_id, "date": "9999-12-31"}
    )
    assert page.status_code == 302
    assert not Investigation.objects.exists()


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e999", "sNaN", "abc"])
def test_transaction_search_by_absurd_amount_finds_nothing(staff_api, amount):
    response = staff_api.get("/api/transactions/", {"amount": amount})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("days", ["-99999999999", "0", "99999999999", "x"])
def test_duplicate_charges_with_absurd_days_is_a_400(staff_api, merchant_a, days):
    response = staff_api.get(
        "/api/duplicate-charges/", {"merchant_id": merchant_a.merchant_id, "days": days}
    )
    assert response.status_code == 400 and "days" in response.json()


@pytest.mark.parametrize("since", ["9999-12-31T23:59:59+08:00", "0001-01-01T00:00:00+08:00"])
def test_transaction_search_from_an_absurd_time_is_a_400(staff_api, since):
    response = staff_api.get("/api/transactions/", {"since": since})
    assert response.status_code == 400


@pytest.mark.parametrize("local_time", ["9999-12-31T23:59:59+08:00", "0001-01-01T00:00:00"])
def test_batch_with_absurd_local_time_reports_the_row(staff_api, terminal_a, local_time):
    from payments.tests.conftest import row

    record = row(stan="1", rrn="000000000001", local_time=local_time)
    record["terminal_id"] = terminal_a.terminal_id
    record["merchant_id"] = terminal_a.merchant.merchant_id
    response = staff_api.post("/api/transactions/batch", {"transactions": [record]}, format="json")
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert [e["column"] for e in errors] == ["local_time"] and "2099" in errors[0]["en"]
    assert not Transaction.objects.exists()


def test_a_body_of_100000_nested_brackets_is_a_400(staff_api, client, alice):
    body = "[" * 100_000
    response = staff_api.post("/api/transactions/batch", body, content_type="application/json")
    assert response.status_code == 400
    client.force_login(alice)
    response = client.post("/api/assistant/messages", body, content_type="application/json")
    assert response.status_code == 400


def test_a_body_over_the_limit_is_refused(client, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(alice)
    response = client.post(
        "/api/assistant/messages", '{"text": "' + "x" * 2000 + '"}', content_type="application/json"
    )
    # The API says so in JSON with 413 (Content Too Large), as its schema documents.
    assert response.status_code == 413
    assert response.json()["detail"]["en"] == "The request body is too large"
