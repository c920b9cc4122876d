"""Chargebacks, retrieval requests and suspected fraud: staff open a case from the network's
notice, the merchant is told and uploads evidence (scoped files), staff record the outcome;
an owner reports suspected fraud, which goes to the risk team with what to do now."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chargebacks import services
from chargebacks.models import Case, Evidence
from notifications.models import Notification

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 200


@pytest.fixture
def txn(terminal_a):
    from desk.defaults import ensure_defaults
    from payments.tests.factories import TransactionFactory

    ensure_defaults()
    return TransactionFactory(terminal=terminal_a, rrn="520000000001", amount=88800)


def open_chargeback(client, agent, merchant, rrn="520000000001"):
    client.force_login(agent)
    data = {
        "kind": "chargeback",
        "merchant_id": merchant.merchant_id,
        "rrn": rrn,
        "reason_code": "not_received",
        "description": "持卡人称未收到货",
    }
    return client.post(reverse("console_case_new"), data)


def test_staff_open_a_chargeback_and_the_merchant_is_told(client, agent, alice, merchant_a, txn):
    response = open_chargeback(client, agent, merchant_a)
    case = Case.objects.get()
    assert response.status_code == 302 and case.kind == "chargeback" and case.status == "awaiting"
    assert case.transaction == txn and case.amount == 88800
    assert case.ticket.category == "refund_dispute" and case.number in case.ticket.description
    assert dt.timedelta(days=6) < case.deadline - timezone.now() <= dt.timedelta(days=7)
    notice = Notification.objects.get(recipient=alice, event="case_update")
    assert case.number in notice.subject and "前上传材料" in notice.body
    assert case.number in notice.subject_en and "Please upload" in notice.body_en
    open_chargeback(client, agent, merchant_a)  # the same notice again
    assert Case.objects.count() == 1


def test_bad_input_is_refused_clearly(client, agent, merchant_a, txn):
    client.force_login(agent)
    url = reverse("console_case_new")
    response = client.post(url, {"kind": "chargeback", "merchant_id": "12", "rrn": "1"})
    text = response.content.decode()
    assert (
        response.status_code == 400
        and "商户编号应为 15 位数字" in text
        and "参考号应为 12 位数字" in text
    )
    response = open_chargeback(client, agent, merchant_a, rrn="999999999999")
    assert response.status_code == 400 and "没有找到这笔交易" in response.content.decode()
    data = {"kind": "chargeback", "merchant_id": merchant_a.merchant_id}
    response = client.post(url, data)
    assert response.status_code == 400 and "必须关联一笔交易" in response.content.decode()
    assert not Case.objects.exists()


def test_merchant_uploads_evidence_which_only_they_and_staff_can_open(
    client, agent, alice, bob, merchant_a, txn
):
    open_chargeback(client, agent, merchant_a)
    case = Case.objects.get()
    client.force_login(alice)
    url = reverse("portal_case", args=[case.number])
    page = client.get(url).content.decode()
    assert "签收单、物流记录" in page  # which evidence helps, for this reason
    bad = SimpleUploadedFile("slip.jpg", b"just text", content_type="image/jpeg")
    response = client.post(url, {"file": bad}, follow=True)
    assert "的内容不是" in response.content.decode() and not Evidence.objects.exists()
    good = SimpleUploadedFile("签收单.jpg", JPEG, content_type="image/jpeg")
    client.post(url, {"file": good, "note": "快递签收"})
    case.refresh_from_db()
    evidence = Evidence.objects.get()
    assert case.status == "submitted" and evidence.content_type == "image/jpeg"
    file_url = reverse("case_evidence", args=[case.number, evidence.pk])
    assert client.get(file_url).status_code == 200
    client.force_login(bob)
    assert client.get(file_url).status_code == 404
    assert client.get(url).status_code == 404
    client.force_login(agent)
    assert client.get(file_url).status_code == 200


def test_staff_record_the_outcome_once(client, agent, alice, merchant_a, txn):
    open_chargeback(client, agent, merchant_a)
    case = Case.objects.get()
    url = reverse("console_case_decide", args=[case.number])
    client.post(url, {"status": "won", "note": "材料充分，发卡行撤销拒付"})
    client.post(url, {"status": "won"})
    case.refresh_from_db()
    assert case.status == "won" and not case.is_open
    notices = Notification.objects.filter(recipient=alice, event="case_update")
    assert notices.count() == 2 and "发卡行撤销拒付" in notices.first().body
    response = client.post(url, {"status": "lost"}, follow=True)
    assert "案件已结案" in response.content.decode()


def test_owner_reports_suspected_fraud_to_the_risk_team(client, alice, merchant_a, txn):
    client.force_login(alice)
    data = {"merchant": merchant_a.pk, "rrn": "520000000001", "description": "顾客说卡不是本人刷的"}
    response = client.post(reverse("report_fraud"), data)
    case = Case.objects.get()
    assert response.status_code == 302 and case.kind == "fraud" and case.status == "referred"
    assert case.ticket.category == "account_risk" and case.transaction == txn
    page = client.get(reverse("portal_case", args=[case.number])).content.decode()
    assert "不要给顾客退现金或转账" in page and "风控团队已收到转介" in page
    response = client.post(reverse("report_fraud"), dict(data, rrn="123456789012"))
    assert response.status_code == 400 and "没有找到这笔交易" in response.content.decode()


def test_cashiers_neither_see_nor_report_cases(client, agent, merchant_a, txn, make_user):
    from merchants.models import Membership

    open_chargeback(client, agent, merchant_a)
    cashier = make_user("till")
    Membership.objects.create(merchant=merchant_a, user=cashier, role="cashier")
    case = Case.objects.get()
    client.force_login(cashier)
    assert client.get(reverse("portal_case", args=[case.number])).status_code == 404
    assert case.number not in client.get(reverse("portal_cases")).content.decode()
    response = client.post(reverse("report_fraud"), {"merchant": merchant_a.pk, "description": "x"})
    assert response.status_code == 400 and not Case.objects.filter(kind="fraud").exists()
    with pytest.raises(Exception, match="只有店主"):
        services.open_case("fraud", merchant_a, by=cashier)
    assert not Notification.objects.filter(recipient=cashier).exists()


def test_cases_and_evidence_files_are_logged_and_a_swapped_file_hash_is_found(
    client, agent, alice, merchant_a, txn, settings
):
    """A chargeback rests on what the merchant sent: the case, each file's SHA-256 and the
    status the upload moved it to are ledger entries; a hash changed behind the app's back is
    named by the audit."""
    import hashlib
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from ledger import evidence as kinds
    from ledger.audit import run
    from ledger.models import LedgerEntry
    from poscare_verify.note import Signer

    settings.LEDGER_SIGNING_KEY = Signer.generate("poscare.test/ledger").signer_key()
    settings.LEDGER_ORIGIN = "poscare.test/ledger"
    open_chargeback(client, agent, merchant_a)
    case = Case.objects.get()
    client.force_login(alice)
    upload = SimpleUploadedFile("签收单.jpg", JPEG, content_type="image/jpeg")
    client.post(reverse("portal_case", args=[case.number]), {"file": upload})
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(JPEG).hexdigest()
    logged = LedgerEntry.objects.filter(kind="chargeback_evidence", record_id=evidence.pk).get()
    assert evidence.sha256 in logged.content
    case_entries = LedgerEntry.objects.filter(kind="chargeback_case", record_id=case.pk)
    statuses = [json.loads(e.content)["fields"]["status"] for e in case_entries.order_by("pk")]
    assert statuses[0] == "awaiting" and statuses[-1] == "submitted"  # the upload's update()
    assert {"chargeback_case", "chargeback_evidence", "dispute"} <= set(kinds.KINDS)
    assert run().ok
    Evidence.objects.filter(pk=evidence.pk).update(sha256="0" * 64)  # a swapped file's hash
    with pytest.raises(CommandError):
        call_command("ledger_audit")
    assert [(f.kind, f.record, f.field) for f in run().findings] == [
        ("chargeback_evidence", evidence.pk, "sha256")
    ]
