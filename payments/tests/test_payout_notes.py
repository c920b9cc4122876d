"""Why a payout is held or failed: a reason code (shown in the reader's language), poscare's
own detail kept in Chinese and English, and what the bank wrote kept as written and labelled
as the bank's note — an English page shows no Chinese that poscare wrote itself."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.apps import apps
from django.urls import reverse

from payments.demo import HELD_NOTE
from payments.models import Payout
from payments.tests.factories import PayoutFactory

pytestmark = pytest.mark.django_db
BANK_SAYS = "收款行退票：户名与账号不符"


def _payouts_page(client, language):
    client.cookies["django_language"] = language
    html = client.get(reverse("payouts"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_a_held_payout_keeps_poscares_detail_in_both_languages(merchant_a):
    payout = PayoutFactory(merchant=merchant_a)
    payout.record_problem("held", "risk_hold", note=HELD_NOTE)
    payout.refresh_from_db()
    assert (payout.status, payout.reason) == ("held", "risk_hold")
    assert payout.note == "大额集中交易，待商户补充交易材料"
    assert payout.note_en == (
        "Large, concentrated takings: waiting for the merchant's transaction documents"
    )
    assert payout.bank_note == ""


def test_a_bank_note_is_kept_as_written(merchant_a):
    payout = PayoutFactory(merchant=merchant_a)
    payout.record_problem("failed", "wrong_account", bank_note=f"  {BANK_SAYS} ")
    payout.refresh_from_db()
    assert payout.bank_note == BANK_SAYS and payout.note == payout.note_en == ""


@pytest.mark.parametrize(
    ("status", "reason"),
    [("paid", "risk_hold"), ("held", ""), ("held", "大额交易")],
    ids=["not-a-problem", "no-reason", "free-text-reason"],
)
def test_a_problem_needs_a_problem_status_and_a_known_reason(merchant_a, status, reason):
    payout = PayoutFactory(merchant=merchant_a)
    with pytest.raises(ValueError):
        payout.record_problem(status, reason)
    payout.refresh_from_db()
    assert payout.status == "paid" and payout.reason == ""


def test_a_card_number_in_the_banks_note_is_masked_before_it_is_stored(merchant_a):
    payout = PayoutFactory(merchant=merchant_a)
    written = "退票：卡号 6222 0212 3456 7890 128 已冻结"
    payout.record_problem("held", "risk_hold", bank_note=written)
    payout.refresh_from_db()
    assert "6222021234567890128" not in payout.bank_note.replace(" ", "")
    assert payout.bank_note.startswith("退票：卡号 622202") and "7890128" not in payout.bank_note
    assert payout.bank_note.endswith("已冻结")


def test_the_payouts_page_shows_each_reader_their_language_and_the_bank_note_as_the_banks(
    client, alice, merchant_a
):
    held = PayoutFactory(merchant=merchant_a, payout_date="2025-10-09")
    held.record_problem("held", "risk_hold", note=HELD_NOTE)
    failed = PayoutFactory(
        merchant=merchant_a,
        payout_date="2025-10-10",
        period_start="2025-10-01",
        period_end="2025-10-01",
    )
    failed.record_problem("failed", "wrong_account", bank_note=BANK_SAYS)
    client.force_login(alice)
    english = _payouts_page(client, "en")
    assert (
        "Large, concentrated takings: waiting for the merchant's transaction documents" in english
    )
    assert "大额集中交易" not in english
    assert f"Bank's note: {BANK_SAYS}" in english  # the bank's words, labelled as theirs
    chinese = _payouts_page(client, "zh-hans")
    assert "大额集中交易，待商户补充交易材料" in chinese
    assert f"银行备注：{BANK_SAYS}" in chinese


def test_the_api_gives_both_texts_and_the_bank_note(client, alice, merchant_a):
    payout = PayoutFactory(merchant=merchant_a)
    payout.record_problem("held", "risk_hold", note=HELD_NOTE, bank_note="待补材料")
    client.force_login(alice)
    (row,) = client.get("/api/payouts/").json()["results"]
    assert row["note"] == "大额集中交易，待商户补充交易材料" and row["note_en"].startswith("Large")
    assert row["bank_note"] == "待补材料" and row["reason"] == "risk_hold"


def test_the_migration_moves_the_demos_old_notes_where_they_belong(merchant_a):
    import importlib

    migration = importlib.import_module("payments.migrations.0007_payout_bank_note")
    held = PayoutFactory(
        merchant=merchant_a,
        status="held",
        reason="risk_hold",
        note="大额集中交易，待商户补充交易材料",
    )
    failed = PayoutFactory(
        merchant=merchant_a,
        period_start="2025-10-01",
        period_end="2025-10-01",
        status="failed",
        reason="wrong_account",
        note=BANK_SAYS,
    )
    typed = PayoutFactory(
        merchant=merchant_a,
        period_start="2025-10-02",
        period_end="2025-10-02",
        status="held",
        reason="risk_hold",
        note="运营手工备注",
    )
    migration.split_notes(apps, None)
    for payout in (held, failed, typed):
        payout.refresh_from_db()
    assert held.note_en.startswith("Large") and held.bank_note == ""
    assert failed.note == "" and failed.bank_note == BANK_SAYS
    assert typed.note == "运营手工备注" and typed.note_en == "" and typed.bank_note == ""
    assert Payout.objects.count() == 3
