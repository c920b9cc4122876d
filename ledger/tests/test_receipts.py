"""The "done when" walk: a receipt for a call verifies offline; an agent number changed in the
database is named by the audit and marked on the ticket page; forged checkpoints and flipped
bits are rejected; receipts and entries are scoped (alice / bob / charlie)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from desk.models import Interaction
from desk.services import add_interaction, open_ticket
from ledger import services
from ledger.models import AuditRun
from poscare_verify.__main__ import main as verify
from poscare_verify.note import Signer, Verifier, open_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(alice, agent, merchant_a, signer):
    ticket = open_ticket(
        merchant=merchant_a, category="other", description="x", channel="portal", opened_by=alice
    )
    interaction = add_interaction(ticket, by=agent, body="回电：已指导更换打印纸", kind="call")
    services.seal()
    return interaction


def _download(client, user, kind: str, record: int):
    client.force_login(user)
    return client.get(f"/ledger/receipts/{kind}/{record}/")


def _save(tmp_path: Path, receipt: dict) -> str:
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipt, ensure_ascii=False))
    return str(path)


def test_receipt_for_a_call_verifies_offline(client, alice, call, signer, tmp_path, capsys):
    response = _download(client, alice, "interaction", call.pk)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    receipt = json.loads(response.content)
    assert verify([_save(tmp_path, receipt), "--key", signer.verifier_key()]) == 0
    out = capsys.readouterr().out
    assert "interaction" in out and "checkpoint signature verified" in out
    assert json.loads(receipt["entry"])["fields"]["agent_no"] == call.agent_no


def test_forged_checkpoint_and_flipped_bit_are_rejected(client, alice, call, signer, tmp_path):
    receipt = json.loads(_download(client, alice, "interaction", call.pk).content)
    key = signer.verifier_key()
    forged = dict(receipt)
    text = open_note(receipt["checkpoint"], Verifier.parse(key))
    forged["checkpoint"] = Signer.generate(signer.name).sign(text)
    assert verify([_save(tmp_path, forged), "--key", key]) == 1
    flipped = dict(receipt)
    proof = [bytearray(base64.b64decode(item)) for item in receipt["inclusion_proof"]]
    assert proof, "a tree of several entries has a proof"
    proof[-1][5] ^= 0x10
    flipped["inclusion_proof"] = [base64.b64encode(bytes(item)).decode() for item in proof]
    assert verify([_save(tmp_path, flipped), "--key", key]) == 1


def test_agent_number_changed_in_the_database_is_found(client, alice, supervisor, call):
    Interaction.objects.filter(pk=call.pk).update(agent_no="A9999")  # behind the app's back
    with pytest.raises(CommandError):
        call_command("ledger_audit")
    findings = AuditRun.objects.get().findings
    assert [(f["kind"], f["record"], f["field"]) for f in findings] == [
        ("interaction", call.pk, "agent_no")
    ]
    assert findings[0]["logged_at"]
    client.force_login(alice)
    page = client.get(f"/portal/tickets/{call.ticket.number}/").content.decode()
    assert "记录后被修改" in page and "agent_no" in page
    client.force_login(supervisor)
    audit_page = client.get("/ledger/audit/").content.decode()
    assert "记录后被修改" in audit_page and "agent_no" in audit_page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_audit_in_worker_processes_finds_the_same(call, monkeypatch):
    """Committed data, so that on PostgreSQL the parts run in forked workers sharing one
    snapshot (in small id ranges, so each kind is split); on SQLite they run in turn."""
    from ledger import audit

    Interaction.objects.filter(pk=call.pk).update(agent_no="A9999")
    monkeypatch.setattr(audit, "SHARD_IDS", 1)
    single = audit.run(workers=1)
    parallel = audit.run(workers=2)
    for result in (single, parallel):
        assert result.counts == {"modified": 1}
        assert [(f.kind, f.record, f.field) for f in result.findings] == [
            ("interaction", call.pk, "agent_no")
        ]
    assert (parallel.entries, parallel.records) == (single.entries, single.records) > (0, 0)


def test_a_clean_ledger_passes_the_audit(call, capsys):
    call_command("ledger_audit")
    assert "audit passed" in capsys.readouterr().out


def test_deleted_record_and_forged_entry_are_reported(call):
    from django.db import connection

    from ledger.models import LedgerEntry

    with connection.cursor() as cursor:  # behind the app's back: no signal, no tombstone
        cursor.execute("DELETE FROM desk_interaction WHERE id = %s", [call.pk])
    entry = LedgerEntry.objects.filter(kind="ticket_event").first()
    LedgerEntry.objects.filter(pk=entry.pk).update(
        content=entry.content.replace('"created"', '"creaTed"')
    )
    with pytest.raises(CommandError):
        call_command("ledger_audit")
    findings = AuditRun.objects.get().findings
    problems = {f["problem"] for f in findings}
    assert {"entry", "checkpoint", "deleted"} <= problems
    deleted = next(f for f in findings if f["problem"] == "deleted")
    assert (deleted["kind"], deleted["record"]) == ("interaction", call.pk)


def test_receipts_are_scoped(client, alice, bob, charlie, agent, call):
    assert _download(client, bob, "interaction", call.pk).status_code == 404
    assert _download(client, charlie, "interaction", call.pk).status_code == 404
    assert _download(client, agent, "interaction", call.pk).status_code == 200
    assert _download(client, alice, "nonsense", call.pk).status_code == 404
    client.logout()
    assert client.get(f"/ledger/receipts/interaction/{call.pk}/").status_code == 302


def test_internal_note_receipt_is_not_for_the_merchant(client, alice, agent, call):
    note = add_interaction(call.ticket, by=agent, body="内部", kind="note", is_public=False)
    services.seal()
    assert _download(client, alice, "interaction", note.pk).status_code == 404
    assert _download(client, agent, "interaction", note.pk).status_code == 200


def test_entry_api_is_scoped_and_proofs_check_input(client, alice, bob, call):
    from ledger.models import LedgerEntry

    index = LedgerEntry.objects.get(kind="interaction", record_id=call.pk).index
    client.force_login(bob)
    assert client.get(f"/api/ledger/entries/{index}").status_code == 404
    client.force_login(alice)
    body = client.get(f"/api/ledger/entries/{index}").json()
    assert json.loads(body["entry"])["record"] == call.pk
    size = LedgerEntry.objects.count()
    proof = client.get(f"/api/ledger/proofs/inclusion?index={index}&size={size}").json()
    assert proof["tree_size"] == size
    for bad in ("index=x&size=1", f"index={size}&size={size}", "index=0&size=99999999999"):
        answer = client.get(f"/api/ledger/proofs/inclusion?{bad}")
        assert answer.status_code == 400 and "en" in answer.json()["detail"]
    consistency = client.get(f"/api/ledger/proofs/consistency?first=1&second={size}").json()
    assert consistency["consistency_proof"]
    assert client.get("/api/ledger/proofs/consistency?first=0&second=1").status_code == 400


def test_public_key_page_and_checkpoint(client, call, signer):
    assert signer.verifier_key() in client.get("/ledger/").content.decode()
    response = client.get("/ledger/checkpoint")
    assert response["Content-Type"].startswith("text/plain")
    open_note(response.content.decode(), Verifier.parse(signer.verifier_key()))


def test_evidence_is_read_only_in_the_admin(client, admin_user, merchant_a, call):
    from outreach.models import ContactAttempt

    attempt = ContactAttempt.objects.create(
        merchant=merchant_a, purpose="risk_alert", channel="inbox", outcome="sent", summary="s"
    )
    client.force_login(admin_user)
    url = f"/admin/outreach/contactattempt/{attempt.pk}/"
    assert client.post(url + "delete/", {"post": "yes"}).status_code == 403
    client.post(url + "change/", {"summary": "changed"})
    attempt.refresh_from_db()
    assert attempt.summary == "s"
    assert client.get("/admin/ledger/ledgerentry/1/delete/").status_code == 403
