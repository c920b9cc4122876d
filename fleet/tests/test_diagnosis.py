"""Remote diagnosis (service, page action, API, chat hook) and remote actions through the
simulated TMS, recorded on the ticket timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fleet import verdict
from fleet.diagnosis import diagnose_for_chat, run_diagnosis
from fleet.evaluation import evaluate_fleet
from fleet.ingest import ingest_api
from fleet.models import Diagnosis, Finding, FirmwareIssue, RemoteAction
from fleet.remote import run_remote_action
from fleet.tests.conftest import record

BAD = "V9.0.0-rc1"


def report(terminal, **values):
    ingest_api([record(terminal.terminal_id, at=timezone.now() - dt.timedelta(hours=1), **values)])
    evaluate_fleet()


@pytest.fixture
def bad_firmware():
    return FirmwareIssue.objects.create(
        firmware_version=BAD,
        summary_zh="密钥下载模块有缺陷",
        summary_en="key download is broken",
        fixed_in="V9.0.1",
        breaks_signin=True,
    )


@pytest.mark.django_db
def test_a_firmware_that_breaks_sign_in_gets_push_then_sign_in(terminal_a, bad_firmware):
    report(terminal_a, firmware_version=BAD, signin_ok=False)
    diagnosis = run_diagnosis(terminal_a)
    assert diagnosis.verdict == "remote_action"
    assert diagnosis.suggested_action == "push_version"
    zh = [line["zh"] for line in diagnosis.evidence]
    assert any("签到：失败" in line for line in zh)
    assert any("密钥下载模块有缺陷" in line for line in zh)
    assert "先远程推送修复版本" in diagnosis.next_step["zh"]
    assert "push the fixed version" in diagnosis.next_step["en"]


@pytest.mark.django_db
def test_no_paper_is_guided_and_a_silent_terminal_is_noticed(terminal_a, terminal_b):
    report(terminal_a, printer="no_paper")
    assert run_diagnosis(terminal_a).verdict == "guide_merchant"
    ingest_api([record(terminal_b.terminal_id, at=timezone.now() - dt.timedelta(days=4))])
    evaluate_fleet(now=timezone.now().replace(hour=4))  # 12:00 in Shanghai: trading hours
    assert run_diagnosis(terminal_b, now=timezone.now().replace(hour=4)).verdict == "field_visit"


@pytest.mark.django_db
def test_a_96_spike_against_the_terminals_own_baseline_points_to_an_outage(terminal_a):
    from payments.tests.factories import TransactionFactory

    report(terminal_a)
    now = timezone.now()
    for n in range(8):
        TransactionFactory(
            terminal=terminal_a,
            local_time=now - dt.timedelta(minutes=10 * n + 5),
            response_code="96",
            status="declined",
            stan=f"{n:06d}",
            rrn=f"{n:012d}",
        )
    diagnosis = run_diagnosis(terminal_a)
    assert diagnosis.verdict == "outage"
    assert any("96" in line["zh"] and "明显高于" in line["zh"] for line in diagnosis.evidence)


def test_code_spikes_need_volume_and_a_departure_from_the_baseline():
    assert verdict.code_spikes({"55": 4}, {}, 40) == []
    assert verdict.code_spikes({"55": 9}, {"55": 1.0}, 40) == ["55"]
    assert verdict.code_spikes({"55": 9}, {"55": 5.0}, 40) == []


@pytest.mark.django_db
def test_re_sign_in_through_the_simulated_tms_is_recorded_on_the_ticket(
    terminal_a, agent, signin_ticket
):
    soon = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    report(terminal_a, key_expires_on=soon)
    assert Finding.objects.filter(kind="keys_expiring", is_open=True).exists()
    action = run_remote_action(terminal_a, "signin", by=agent, ticket=signin_ticket)
    assert action.status == RemoteAction.Status.SUCCEEDED and action.agent_no == "A1001"
    note = signin_ticket.interactions.order_by("-created_at").first()
    assert "重新签到" in note.body and "成功" in note.body and note.agent_no == "A1001"
    assert not Finding.objects.filter(kind="keys_expiring", is_open=True).exists()


@pytest.mark.django_db
def test_sign_in_on_a_broken_firmware_fails_until_the_fix_is_pushed(
    terminal_a, agent, signin_ticket, bad_firmware
):
    report(terminal_a, firmware_version=BAD, signin_ok=False)
    failed = run_remote_action(terminal_a, "signin", by=agent, ticket=signin_ticket)
    assert failed.status == RemoteAction.Status.FAILED
    pushed = run_remote_action(
        terminal_a, "push_version", by=agent, ticket=signin_ticket, version="V9.0.1"
    )
    assert pushed.status == RemoteAction.Status.SUCCEEDED
    assert run_remote_action(terminal_a, "signin", by=agent).status == "succeeded"
    assert not Finding.objects.filter(terminal=terminal_a, is_open=True).exists()
    assert signin_ticket.interactions.count() >= 2


@pytest.mark.django_db
def test_only_staff_run_remote_actions(terminal_a, alice):
    from fleet.remote import RemoteActionError

    with pytest.raises(RemoteActionError):
        run_remote_action(terminal_a, "reboot", by=alice)


@pytest.mark.django_db
def test_diagnose_api_and_its_scoping(api, terminal_a, alice, bob, charlie, integration, agent):
    report(terminal_a, printer="no_paper")
    url = f"/api/terminals/{terminal_a.terminal_id}/diagnose/"
    for user in (alice, bob, charlie, integration):
        api.force_authenticate(user)
        assert api.post(url).status_code == 403
    api.force_authenticate(agent)
    body = api.post(url).json()
    assert body["verdict"] == "guide_merchant" and body["evidence"]
    assert api.post("/api/terminals/ZZZZZZZZ/diagnose/").status_code == 404
    actions = f"/api/terminals/{terminal_a.terminal_id}/actions/"
    assert api.post(actions, {"kind": "explode"}, format="json").status_code == 400
    assert api.post(actions, {"kind": "reboot"}, format="json").json()["status"] == "succeeded"
    api.force_authenticate(alice)
    assert api.post(actions, {"kind": "reboot"}, format="json").status_code == 403


@pytest.mark.django_db
def test_diagnose_button_on_the_terminal_page(client, terminal_a, alice, agent):
    report(terminal_a, printer="no_paper")
    client.force_login(alice)
    client.post(f"/fleet/terminals/{terminal_a.terminal_id}/diagnose/")
    assert not Diagnosis.objects.exists()
    client.force_login(agent)
    response = client.post(f"/fleet/terminals/{terminal_a.terminal_id}/diagnose/", follow=True)
    page = response.content.decode()
    assert "指导商户处理" in page and "装入热敏纸" in page


@pytest.mark.django_db
def test_chat_hears_what_the_diagnosis_sees(merchant_a, terminal_a):
    assert diagnose_for_chat(merchant_a, topic="printer_paper") is None  # no telemetry, nothing
    report(terminal_a, printer="no_paper")
    text = diagnose_for_chat(merchant_a, topic="printer_paper")
    assert terminal_a.terminal_id in text and "纸用完了" in text and "57mm" in text


@pytest.mark.django_db
def test_chat_hears_only_what_concerns_its_question(merchant_a, terminal_a):
    report(terminal_a, battery_cycles=5000)
    assert Finding.objects.filter(terminal=terminal_a, kind="battery_wear", is_open=True).exists()
    assert diagnose_for_chat(merchant_a, topic="card_reading") is None
    text = diagnose_for_chat(merchant_a, topic="power_battery")
    assert text is not None and terminal_a.terminal_id in text


@pytest.fixture
def nlu_model():
    from assistant.nlu import build_model, set_model

    model = build_model()
    set_model(model)
    return model


@pytest.mark.django_db
def test_in_chat_a_merchant_without_receipts_hears_the_diagnosis_first(
    nlu_model, alice, terminal_a, settings
):
    from assistant import services

    settings.ASSISTANT_STAFFED_HOURS = "08:00-20:00"
    report(terminal_a, printer="no_paper")
    conversation = services.start_conversation(user=alice, session_key="s", channel="portal")
    reply = services.post_message(conversation, "pos机打不出小票", user=alice).reply
    assert reply.intent == "printer_paper"
    assert "我刚远程检查了您的终端 10000001" in reply.text and "纸用完了" in reply.text
    assert "第 1 步" in reply.text
