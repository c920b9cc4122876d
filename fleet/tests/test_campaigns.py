"""Update campaigns: quiet hours from the merchant's own transactions, staged slots, advance
notice through the contact policy, pushes through the TMS, halting on its own when sign-in
failures rise, pause / resume, and the supervisor's pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import PermissionDeniedError
from fleet.campaigns import (
    CampaignError,
    advance_campaigns,
    create_campaign,
    pause_campaign,
    quiet_hours,
    resume_campaign,
    stage_counts,
    start_campaign,
)
from fleet.ingest import ingest_api
from fleet.models import CampaignTarget, RemoteAction, TelemetryRecord, UpdateCampaign
from fleet.tests.conftest import record
from tests.browser import chinese_in

FLEET = 20


@pytest.fixture
def fleet(terminal_a, terminal_b):
    """20 reporting terminals; merchant A trades every hour but 15:00."""
    from payments.tests.factories import TransactionFactory
    from tests.factories import TerminalFactory

    terminals = [terminal_a, terminal_b]
    terminals += [TerminalFactory(merchant=terminal_b.merchant) for _ in range(FLEET - 2)]
    now = timezone.now()
    ingest_api([record(t.terminal_id, at=now - dt.timedelta(hours=1)) for t in terminals])
    day = timezone.localtime(now - dt.timedelta(days=2)).replace(minute=10)
    for hour in range(24):
        if hour != 15:
            TransactionFactory(terminal=terminal_a, local_time=day.replace(hour=hour))
    return terminals


@pytest.fixture
def campaign(fleet, supervisor):
    return create_campaign(name="V2 rollout", target="firmware", version="V2.0", by=supervisor)


@pytest.mark.django_db
def test_the_quiet_hour_comes_from_the_merchants_own_transactions(fleet, merchant_a, merchant_b):
    hours = quiet_hours([merchant_a.pk, merchant_b.pk], timezone.now())
    assert hours == {merchant_a.pk: 15, merchant_b.pk: 3}


@pytest.mark.django_db
def test_a_campaign_is_staged_and_the_first_merchants_are_told_in_advance(campaign, supervisor):
    from outreach.models import ContactRequest

    assert [s["total"] for s in stage_counts(campaign)] == [1, 1, 8, 10]
    now = timezone.now()
    start_campaign(campaign, by=supervisor, now=now)
    scheduled = list(CampaignTarget.objects.filter(status="scheduled"))
    assert len(scheduled) == 1 and scheduled[0].stage == 1
    slot = timezone.localtime(scheduled[0].scheduled_at)
    assert slot.hour == scheduled[0].quiet_hour and slot >= now + dt.timedelta(hours=12)
    notice = ContactRequest.objects.get(purpose="system_update")
    assert "V2.0" in notice.content and notice.dedupe_key.startswith("fleet-campaign-")
    # Kept in both languages: an English-reading merchant's inbox reads English.
    assert "V2.0" in notice.content_en and "update itself" in notice.content_en
    assert notice.subject_en and not chinese_in(notice.subject_en + notice.content_en)
    with pytest.raises(CampaignError):
        start_campaign(campaign, by=supervisor)


@pytest.mark.django_db
def test_due_pushes_go_through_the_tms_and_a_healthy_stage_opens_the_next(campaign, supervisor):
    start_campaign(campaign, by=supervisor)
    target = CampaignTarget.objects.get(status="scheduled")
    advance_campaigns(now=target.scheduled_at - dt.timedelta(minutes=1))
    assert RemoteAction.objects.count() == 0
    advance_campaigns(now=target.scheduled_at)
    target.refresh_from_db()
    assert target.status == "pushed"
    action = RemoteAction.objects.get()
    assert action.kind == "push_version" and action.parameters["version"] == "V2.0"
    assert target.terminal.fleet_state.data["firmware_version"] == "V2.0"
    advance_campaigns(now=target.scheduled_at)  # idempotent: nothing pushed twice
    assert RemoteAction.objects.count() == 1
    later = target.pushed_at + dt.timedelta(hours=campaign.observe_hours * 3 + 1)
    assert advance_campaigns(now=later) == {campaign.pk: "continue"}
    campaign.refresh_from_db()
    assert campaign.stage == 2 and campaign.status == "running"
    assert CampaignTarget.objects.filter(stage=2, status="scheduled").count() == 1


@pytest.mark.django_db
def test_a_stage_whose_sign_ins_fail_after_the_update_halts_the_campaign(
    campaign, supervisor, fleet
):
    campaign.min_volume = 5
    campaign.save(update_fields=["min_volume"])
    start_campaign(campaign, by=supervisor)
    target = CampaignTarget.objects.get(status="scheduled")
    pushed_at = timezone.now() - dt.timedelta(hours=30)
    CampaignTarget.objects.filter(pk=target.pk).update(status="pushed", pushed_at=pushed_at)
    tid = target.terminal.terminal_id
    hours = [pushed_at + dt.timedelta(hours=h, minutes=7) for h in range(-12, 12)]
    ingest_api([record(tid, at=at, signin_ok=at < pushed_at or at.hour % 4 == 0) for at in hours])
    assert TelemetryRecord.objects.filter(terminal=target.terminal).count() >= 24
    result = advance_campaigns(now=pushed_at + dt.timedelta(hours=25))
    assert result == {campaign.pk: "halt"}
    campaign.refresh_from_db()
    assert campaign.status == "halted" and "签到失败率" in campaign.halt_reason["zh"]
    assert "sign-in" in campaign.halt_reason["en"]
    assert CampaignTarget.objects.filter(stage=2).exclude(status="waiting").count() == 0
    resume_campaign(campaign, by=supervisor)
    campaign.refresh_from_db()
    assert campaign.status == "running" and campaign.halt_reason == {}


@pytest.mark.django_db
def test_only_supervisors_run_campaigns(campaign, supervisor, agent, fleet):
    with pytest.raises(PermissionDeniedError):
        create_campaign(name="x", target="app", version="3.3.0", by=agent)
    with pytest.raises(PermissionDeniedError):
        start_campaign(campaign, by=agent)
    with pytest.raises(CampaignError):
        create_campaign(name="x", target="app", version="bad version!!", by=supervisor)
    with pytest.raises(CampaignError):
        pause_campaign(campaign, by=supervisor)  # a draft is not running
    start_campaign(campaign, by=supervisor)
    pause_campaign(campaign, by=supervisor)
    assert UpdateCampaign.objects.get().status == "paused"
    assert advance_campaigns(now=timezone.now() + dt.timedelta(days=3)) == {}


@pytest.mark.django_db
def test_the_supervisor_page_creates_starts_and_shows_stage_counts(
    client, fleet, supervisor, agent, alice, bob, charlie
):
    client.force_login(supervisor)
    response = client.post(
        "/fleet/campaigns/", {"name": "App 3.3", "target": "app", "version": "3.3.0"}
    )
    campaign = UpdateCampaign.objects.get()
    assert response.status_code == 302 and response.url == f"/fleet/campaigns/{campaign.pk}/"
    client.post(f"/fleet/campaigns/{campaign.pk}/start/")
    page = client.get(f"/fleet/campaigns/{campaign.pk}/").content.decode()
    assert "进行中" in page and 'id="campaign-pause"' in page
    assert client.get(f"/fleet/campaigns/{campaign.pk}/").context["stages"][0]["scheduled"] == 1
    bad = client.post("/fleet/campaigns/", {"name": "x", "target": "app", "version": "!!"})
    assert bad.status_code == 200 and UpdateCampaign.objects.count() == 1
    for user in (agent, alice, bob, charlie):
        client.force_login(user)
        assert client.get("/fleet/campaigns/").status_code == 403
        assert client.post(f"/fleet/campaigns/{campaign.pk}/pause/").status_code == 403
    assert UpdateCampaign.objects.get().status == "running"
