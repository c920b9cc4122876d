"""No full card number anywhere (issue 10): plant Luhn-valid card numbers — plain, spaced
and dashed — through the forms, the API fields, the imports and the logs, then scan every
text column of every table, the captured log records and the sent mail."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from rest_framework.test import APIClient

from core.masking import looks_like_pan, mask_pans_in_text

pytestmark = pytest.mark.django_db

UNIONPAY = "6222021234567890128"
VISA = "4111111111111111"
MASTERCARD = "5555555555554444"
PLANTED = (UNIONPAY, VISA, MASTERCARD)
# How people type them: the forms each use one, so every shape is tried somewhere.
SHAPES = (UNIONPAY, "4111 1111 1111 1111", "5555-5555-5555-4444")
TEXT = "客户卡号 {} 刷不了 / card {}"


def text(index: int = 0) -> str:
    return TEXT.format(SHAPES[index % 3], SHAPES[(index + 1) % 3])


def _full_numbers_in(value: str) -> list[str]:
    squeezed = re.sub(r"[ \-]", "", value)
    return [pan for pan in PLANTED if pan in squeezed]


def _database_leaks() -> list[str]:
    """Every text and JSON column of every table: where a planted number is still whole."""
    leaks = []
    for model in apps.get_models():
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not columns:
            continue
        for row in model._default_manager.values_list(*columns):
            for column, value in zip(columns, row, strict=True):
                if value and _full_numbers_in(json.dumps(value, ensure_ascii=False)):
                    leaks.append(f"{model._meta.label}.{column}")
    return sorted(set(leaks))


def test_the_detector_leaves_merchant_ids_and_phones_alone():
    assert looks_like_pan(UNIONPAY) and looks_like_pan(VISA) and looks_like_pan("378282246310005")
    # A Luhn-valid 15-digit merchant ID and a mobile number written with its country code.
    assert mask_pans_in_text("商户 898110154110003") == "商户 898110154110003"
    assert mask_pans_in_text("8613812345676") == "8613812345676"
    assert mask_pans_in_text("卡 6222-0212-3456-7890-128") == "卡 622202*********0128"


@pytest.fixture
def staffed(agent, technician, supervisor):
    from desk.defaults import ensure_defaults
    from desk.models import Queue

    ensure_defaults()
    Queue.objects.get(code="l1").members.add(agent)
    Queue.objects.get(code="l2-tech").members.add(technician)
    Queue.objects.get(code="supervisor").members.add(supervisor)


def _through_the_pages(client, alice, agent, merchant_a, terminal_a):
    client.force_login(alice)
    client.post(
        reverse("portal_new_ticket"),
        {
            "merchant": merchant_a.pk,
            "terminal": terminal_a.pk,
            "category": "printer_paper",
            "description": text(0),
            "fact_symptom": text(1),
        },
    )
    client.post(
        reverse("scam_report_new"),
        {"number": "0755-8888 1234", "kind": "call", "claimed_to_be": text(2), "message": text(0)},
    )
    client.post(reverse("assistant_send"), {"text": text(1)})
    client.force_login(agent)
    client.post(
        reverse("desk_new_ticket"),
        {
            "merchant_id": merchant_a.merchant_id,
            "category": "power_battery",
            "channel": "phone",
            "description": text(2),
            "fact_tried": text(0),
        },
    )
    client.get(reverse("desk_queue"), {"q": UNIONPAY})  # searched for: not logged whole


def _through_the_api(alice, agent, merchant_a):
    staff = APIClient()
    staff.force_authenticate(agent)
    created = staff.post(
        "/api/tickets/",
        {
            "merchant_id": merchant_a.merchant_id,
            "category": "transaction_failure",
            "description": text(1),
            "channel": "api",
            "facts": {"error_code": "05", "symptom": text(2)},
            "transcript": [{"speaker": "merchant", "text": text(0)}],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY=f"key-{VISA}",
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    staff.post(
        f"/api/tickets/{number}/interactions/",
        {"kind": "message", "is_public": True, "body": text(2), "outcome": text(0)},
        format="json",
    )
    staff.post(
        f"/api/tickets/{number}/commitments/",
        {"promise": text(1), "due_at": "2030-01-01T10:00:00+08:00"},
        format="json",
    )
    merchant = APIClient()
    merchant.force_authenticate(alice)
    merchant.post("/api/assistant/messages", {"text": text(2)}, format="json")
    merchant.post(
        "/api/scam-reports/",
        {"number": "0755-8888 1235", "kind": "call", "claimed_to_be": text(0)},
        format="json",
    )
    # A card number sent as a JSON number, and one in the query string.
    merchant.post("/api/assistant/messages", {"text": int(MASTERCARD)}, format="json")
    merchant.get("/api/transactions/", {"search": VISA})


def _through_the_imports(tmp_path, capsys):
    merchants = tmp_path / "merchants.csv"
    merchants.write_text(
        "merchant_id,name,mcc,region_code,address,settlement_account\n"
        f"898440158120101,{text(0)},5499,440106,{text(1)},{UNIONPAY}\n"
        f"{VISA},坏行,5499,440106,地址,\n"
        f"898440158120102,坏地区,5499,{MASTERCARD},地址,\n",
        encoding="utf-8",
    )
    call_command("import_merchants", str(merchants))
    terminals = tmp_path / "terminals.csv"
    terminals.write_text(
        "terminal_id,serial_number,merchant_id,model,comm_type,status\n"
        f"10000099,{VISA},898440158120101,A920,4g,active\n"
        f"{UNIONPAY},SN1,898440158120101,A920,4g,active\n",
        encoding="utf-8",
    )
    call_command("import_terminals", str(terminals))
    return capsys.readouterr().out


def test_planted_card_numbers_are_nowhere(
    client,
    alice,
    agent,
    merchant_a,
    terminal_a,
    staffed,
    tmp_path,
    capsys,
    caplog,
    django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.DEBUG)
    alice.email = "alice@example.com"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        _through_the_pages(client, alice, agent, merchant_a, terminal_a)
        _through_the_api(alice, agent, merchant_a)
    command_output = _through_the_imports(tmp_path, capsys)
    logging.getLogger("poscare.test").warning("payment for card %s failed", VISA)
    try:
        raise ValueError(f"bad card {UNIONPAY}")
    except ValueError:
        logging.getLogger("django.request").exception("while handling")

    from desk.models import Ticket

    assert Ticket.objects.filter(merchant=merchant_a).count() >= 3  # the planting took
    assert _database_leaks() == []
    assert _full_numbers_in(command_output) == [] and "row 4, region_code" in command_output
    assert "row 3, merchant_id" in command_output and "row 3, terminal_id" in command_output
    assert _full_numbers_in(caplog.text) == [] and "411111" in caplog.text
    assert mail.outbox, "opening tickets e-mails the merchant"
    for message in mail.outbox:
        assert _full_numbers_in(message.subject + message.body) == []


def test_import_error_file_never_echoes_a_card_number(
    client, supervisor, tmp_path, django_capture_on_commit_callbacks
):
    from core.models import ImportJob

    client.force_login(supervisor)
    upload = tmp_path / "m.csv"
    upload.write_text(
        f"merchant_id,name,mcc,region_code\n{UNIONPAY},店,5499,440106\n", encoding="utf-8"
    )
    with upload.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports"), {"kind": "merchants", "file": handle})
    job = ImportJob.objects.get()
    assert job.error_rows == 1
    errors = client.get(reverse("import_job_errors", args=[job.pk]))
    body = b"".join(errors.streaming_content if errors.streaming else [errors.content]).decode()
    assert _full_numbers_in(body) == [] and "622202" in body
