"""Health findings on the terminal page, the merchant 360° page, the portal and the fleet
dashboard — and who may see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fleet.evaluation import evaluate_fleet
from fleet.ingest import ingest_api
from fleet.models import Finding, FirmwareIssue
from fleet.retention import roll_up
from fleet.tests.conftest import record


@pytest.fixture
def planted(terminal_a, terminal_b):
    """Terminal A is out of paper; terminal B runs a firmware that breaks sign-in."""
    FirmwareIssue.objects.create(
        firmware_version="V9.0.0-rc1",
        summary_zh="签到失败",
        summary_en="sign-in fails",
        fixed_in="V9.0.1",
        breaks_signin=True,
    )
    now = timezone.now()
    ingest_api(
        [
            record(terminal_a.terminal_id, at=now - dt.timedelta(hours=1), printer="no_paper"),
            record(
                terminal_b.terminal_id,
                at=now - dt.timedelta(hours=1),
                firmware_version="V9.0.0-rc1",
                signin_ok=False,
            ),
        ]
    )
    roll_up(timezone.localdate())
    evaluate_fleet()


@pytest.mark.django_db
def test_evaluation_opens_findings_and_closes_them_when_fixed(planted, terminal_a):
    assert set(Finding.objects.filter(is_open=True).values_list("kind", flat=True)) == {
        "printer_paper",
        "signin_failing",
        "firmware_issue",
    }
    ingest_api([record(terminal_a.terminal_id, at=timezone.now(), printer="ok")])
    evaluate_fleet()
    paper = Finding.objects.get(kind="printer_paper")
    assert not paper.is_open and paper.resolved_at is not None
    evaluate_fleet()
    assert Finding.objects.filter(kind="signin_failing", is_open=True).count() == 1


@pytest.mark.django_db
def test_a_finding_still_there_is_confirmed_and_its_evidence_kept_current(planted, terminal_a):
    first = Finding.objects.get(kind="printer_paper")
    later = timezone.now() + dt.timedelta(minutes=5)
    evaluate_fleet(now=later)  # nothing changed: confirmed, not rewritten
    same = Finding.objects.get(kind="printer_paper")
    assert (same.pk, same.evidence, same.first_seen_at) == (
        first.pk,
        first.evidence,
        first.first_seen_at,
    )
    assert same.last_seen_at == later
    ingest_api([record(terminal_a.terminal_id, at=timezone.now(), printer="cover_open")])
    evaluate_fleet(now=later + dt.timedelta(minutes=5))
    moved = Finding.objects.get(kind="printer_paper", is_open=True)
    assert moved.pk == first.pk and moved.evidence == {"state": "cover_open"}


@pytest.mark.django_db
def test_terminal_page_shows_findings_with_the_fix(client, planted, alice, agent, terminal_a):
    for user in (alice, agent):
        client.force_login(user)
        page = client.get(f"/terminals/{terminal_a.terminal_id}/").content.decode()
        assert "打印机缺纸或纸仓盖未关" in page and "57mm" in page


@pytest.mark.django_db
def test_scoping_of_findings_on_every_page(
    client, planted, alice, bob, charlie, agent, terminal_a, terminal_b
):
    client.force_login(bob)
    assert client.get(f"/terminals/{terminal_a.terminal_id}/").status_code == 404
    page = client.get(f"/portal/merchants/{terminal_b.merchant.merchant_id}/").content.decode()
    assert "您的终端需要注意" in page and "签到没有成功" in page and "缺纸" not in page
    assert client.get("/fleet/").status_code == 403
    client.force_login(charlie)
    assert client.get(f"/terminals/{terminal_b.terminal_id}/").status_code == 404
    assert client.get("/fleet/").status_code == 403
    client.force_login(alice)
    page = client.get(f"/portal/merchants/{terminal_a.merchant.merchant_id}/").content.decode()
    assert "纸用完了" in page and "签到" not in page
    client.force_login(agent)
    page = client.get(f"/console/merchants/{terminal_b.merchant.merchant_id}/").content.decode()
    assert "签到失败" in page and terminal_b.terminal_id in page


@pytest.mark.django_db
def test_fleet_dashboard_counts_findings_by_kind_model_region_firmware(client, planted, agent):
    client.force_login(agent)
    response = client.get("/fleet/")
    assert response.status_code == 200
    charts = response.context["charts"]
    assert sorted(charts["kind"]["labels"]) == sorted(
        ["打印机缺纸或纸仓盖未关", "签到失败", "固件版本有已知问题"]
    )
    assert "V9.0.0-rc1" in charts["firmware"]["labels"]
    assert sum(charts["model"]["counts"]) == 3
    assert response.context["open_count"] == 3


@pytest.mark.django_db
def test_dashboard_in_english(client, planted, agent):
    client.force_login(agent)
    client.cookies["django_language"] = "en"
    page = client.get("/fleet/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign-in failing" in page


@pytest.mark.django_db
def test_the_terminal_page_names_the_printer_and_network_state_in_the_readers_language(
    client, planted, terminal_a, agent
):
    """The record keeps codes ("no_paper", "wifi"); the page says them in words."""
    from django.urls import reverse

    client.force_login(agent)
    page = reverse("terminal_detail", args=[terminal_a.terminal_id])

    def health(language: str) -> str:
        client.cookies["django_language"] = language
        text = client.get(page).content.decode()
        return text.split('id="fleet-health"')[1].split("</dl>")[0]

    chinese, english = health("zh-hans"), health("en")
    assert "缺纸" in chinese and "Out of paper" in english
    assert "no_paper" not in chinese and "no_paper" not in english
