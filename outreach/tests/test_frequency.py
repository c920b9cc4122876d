"""Frequency analytics for supervisors, and campaigns simulated before they are sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from outreach.analytics import flagged_merchants, weekly_series
from outreach.frequency import far_above_peers, peer_threshold
from outreach.models import Campaign, ContactAttempt, ContactRequest
from outreach.services import launch_campaign, simulate_campaign, update_preferences
from outreach.tests.conftest import WORKDAY_MORNING
from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db


def _calls(merchant, n, when=WORKDAY_MORNING, purpose="service_followup"):
    ContactAttempt.objects.bulk_create(
        ContactAttempt(
            merchant=merchant,
            purpose=purpose,
            channel="phone",
            from_number="95534",
            agent_no="A1001",
            occurred_at=when - dt.timedelta(hours=i),
            outcome="answered",
            summary="回访",
        )
        for i in range(n)
    )


def test_peer_outliers_use_a_robust_threshold():
    counts = {f"m{i}": 1 for i in range(50)} | {"noisy": 12, "busy": 3}
    assert peer_threshold(list(counts.values())) == 5.0
    assert set(far_above_peers(counts)) == {"noisy"}


def test_over_policy_and_far_above_peers_are_flagged(clock, merchant_a, merchant_b):
    _calls(merchant_a, 4)  # 4 non-urgent calls in a week: cap is 2
    _calls(merchant_b, 1)
    rows = {r["merchant"].pk: r for r in flagged_merchants(WORKDAY_MORNING)}
    assert set(rows) == {merchant_a.pk}
    assert any("two non-urgent phone calls" in r["en"] for r in rows[merchant_a.pk]["reasons"])


def test_own_call_cap_is_checked(clock, alice, merchant_a):
    update_preferences(merchant_a, user=alice, call_cap_per_week=1)
    _calls(merchant_a, 2)
    [row] = flagged_merchants(WORKDAY_MORNING)
    assert any("own 1 calls a week" in r["en"] for r in row["reasons"])


def test_weekly_series_by_purpose_and_channel(clock, merchant_a):
    _calls(merchant_a, 2)
    _calls(merchant_a, 1, when=WORKDAY_MORNING - dt.timedelta(weeks=1), purpose="marketing")
    series = weekly_series(weeks=4, now=WORKDAY_MORNING)
    assert series["labels"][-1] == "2026-11-23"
    assert series["purposes"]["service_followup"] == [0, 0, 0, 2]
    assert series["purposes"]["marketing"] == [0, 0, 1, 0]
    assert series["channels"]["phone"] == [0, 0, 1, 2]


def test_dashboard_renders_chart_and_flags(client, supervisor, clock, merchant_a):
    _calls(merchant_a, 4)
    client.force_login(supervisor)
    page = client.get(reverse("outreach_frequency")).content.decode()
    assert "chart.umd.min.js" in page and 'id="frequency-data"' in page
    assert merchant_a.name in page


def test_campaign_simulation_says_what_would_happen_and_why(
    client, supervisor, clock, alice, merchant_a, merchant_b
):
    update_preferences(merchant_a, user=alice, marketing_opt_in=True)
    MerchantFactory(status="closed")
    client.force_login(supervisor)
    response = client.post(
        reverse("campaigns"),
        {
            "name": "扫码费率优惠",
            "purpose": "marketing",
            "urgency": "normal",
            "channels": ["inbox", "sms"],
            "subject": "费率优惠",
            "content": "本月扫码费率 0.38%",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    simulation = campaign.simulation
    assert simulation["merchants"] == 2  # the closed merchant is not targeted
    assert simulation["kinds"] == {"send_now": 0, "schedule": 1, "merge": 0, "suppress": 1}
    assert simulation["reasons"]["marketing_opt_out"]["count"] == 1
    page = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert "商户未同意接收营销信息" in page
    assert not ContactRequest.objects.exists()  # a simulation sends nothing


def test_launch_files_one_request_per_merchant_once(
    clock, supervisor, alice, merchant_a, merchant_b
):
    update_preferences(merchant_a, user=alice, marketing_opt_in=True)
    campaign = Campaign.objects.create(
        name="回访",
        purpose="marketing",
        urgency="normal",
        channels=["inbox"],
        subject="新功能",
        content="……",
        created_by=supervisor,
    )
    simulate_campaign(campaign)
    assert launch_campaign(campaign) == 2
    assert launch_campaign(campaign) == 0
    statuses = sorted(ContactRequest.objects.values_list("status", flat=True))
    assert statuses == ["scheduled", "suppressed"]
