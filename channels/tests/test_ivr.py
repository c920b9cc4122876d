"""A simulated phone system walks the phone menu through `/api/ivr/step`: payout status,
outage with ETA, the outbound code K7Q4PM, a call-back that becomes a commitment, a person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from channels.tests.conftest import simulator_for
from desk.models import Commitment

pytestmark = pytest.mark.django_db


@pytest.fixture
def payout(caller_a):
    from payments.models import Payout

    today = timezone.localdate()
    return Payout.objects.create(
        merchant=caller_a.merchant,
        payout_date=today,
        period_start=today - dt.timedelta(days=1),
        period_end=today - dt.timedelta(days=1),
        amount=1234567,
        status="held",
        reason="risk_hold",
    )


def _walk(pbx, call_id: str, *inputs: str, caller: str = "13800001111") -> list[dict]:
    """Every exchange must be accepted: a refused first step would let the next one start the
    call without the caller's number, and the test would read "caller not recognised"."""
    responses = [pbx.menu(call_id, 0, caller=caller)]
    for number, digits in enumerate(inputs, start=1):
        responses.append(pbx.menu(call_id, number, digits))
    assert [r.status_code for r in responses] == [200] * len(responses), responses[-1].content
    return [r.json() for r in responses]


def test_recognised_caller_hears_todays_payout(pbx, caller_a, payout):
    welcome, status = _walk(pbx, "ivr-1", "1")
    assert caller_a.merchant.short_name in welcome["prompt"] and welcome["collect"] == {
        "min": 1,
        "max": 1,
    }
    assert (
        "12,345.67" in status["prompt"]
        and "暂缓付款" in status["prompt"]
        and "风控暂缓" in status["prompt"]
    )


def test_outage_in_the_region_with_its_eta(pbx, caller_a, agent):
    from desk.models import Outage

    Outage.objects.create(
        title="北京地区通信线路中断",
        kind="network",
        region_code=caller_a.merchant.region_code[:2],
        public_message="抢修中",
        expected_recovery_at=timezone.now() + dt.timedelta(hours=3),
        created_by=agent,
    )
    answers = _walk(pbx, "ivr-2", "2")
    assert "北京地区通信线路中断" in answers[1]["prompt"] and "预计" in answers[1]["prompt"]


def test_the_demo_outbound_code_is_verified_on_the_keypad(pbx, caller_a):
    from outreach.models import ContactAttempt

    ContactAttempt.objects.create(
        merchant=caller_a.merchant,
        purpose="security_verification",
        channel="phone",
        from_number="+861056710000",
        agent_no="A1001",
        outcome="answered",
        summary="核实异常交易",
        verification_code="K7Q4PM",
    )
    _menu, ask, ok = _walk(pbx, "ivr-3", "3", "577476")
    assert ask["collect"] == {"min": 6, "max": 6}
    assert "核验成功" in ok["prompt"] and "A1001" in ok["prompt"]
    wrong = _walk(pbx, "ivr-3b", "3", "222222")[-1]
    assert "不是我们" in wrong["prompt"]


def test_call_back_becomes_a_commitment_once(pbx, caller_a, desk_staff):
    answers = _walk(pbx, "ivr-4", "4")
    assert "预约回电" in answers[1]["prompt"]
    again = pbx.menu("ivr-4", 1, "4").json()  # the phone system resends the step
    assert again == answers[1]
    commitment = Commitment.objects.get()
    assert commitment.ticket.merchant == caller_a.merchant and commitment.ticket.channel == "phone"
    assert commitment.owner == desk_staff["l1"]
    # Worded by the system: kept in both languages, shown in the reader's.
    assert commitment.promise == "回电商户（电话自助语音预约）"
    assert commitment.promise_en and "call" in commitment.promise_en.lower()
    assert commitment.ticket.description == "商户在电话自助语音中预约回电"
    assert commitment.ticket.description_en == "The merchant booked a call-back in the phone menu"


def test_a_call_back_booked_in_english_keeps_the_ticket_in_both_languages(
    pbx, caller_a, desk_staff
):
    _walk(pbx, "ivr-4e", "9", "4")
    ticket = Commitment.objects.get().ticket
    assert ticket.description == "商户在电话自助语音中预约回电"
    assert ticket.description_en == "The merchant booked a call-back in the phone menu"


def test_zero_reaches_a_person_and_nine_speaks_english(pbx, caller_a):
    _w, english, person = _walk(pbx, "ivr-5", "9", "0")
    assert "today's payout" in english["prompt"] and english["language"] == "en"
    assert (
        person["action"] == "transfer" and person["queue"] == "l1" and "agent" in person["prompt"]
    )


def test_unknown_caller_enters_the_merchant_id(pbx, caller_a):
    welcome, menu = _walk(pbx, "ivr-6", caller_a.merchant.merchant_id, caller="13999999999")
    assert welcome["collect"] == {"min": 15, "max": 15}
    assert caller_a.merchant.short_name in menu["prompt"]


def test_another_institutions_phone_system_cannot_reach_our_merchant(integration_b, caller_a):
    other = simulator_for(integration_b)
    welcome, retry = _walk(other, "ivr-7", caller_a.merchant.merchant_id)
    assert welcome["collect"]["min"] == 15 and "没有找到" in retry["prompt"]


def test_bad_requests_get_clear_errors(pbx, client):
    assert pbx.send("/api/ivr/step", ["x"]).status_code == 400
    assert pbx.send("/api/ivr/step", {"step": 0}).status_code == 400
    response = pbx.send("/api/ivr/step", {"call_id": "x", "step": -1})
    assert response.status_code == 400 and response.json()["detail"]["en"]
    assert client.post("/api/ivr/step", b"{}", content_type="application/json").status_code == 401


def test_a_first_step_whose_signature_holds_a_card_like_run_is_not_refused(pbx, caller_a):
    """The cause of a rare failure of the keypad test above: about one HMAC-SHA256 signature in
    1,000 holds 13–19 digits that pass the Luhn check; the door masked them as a card number,
    the first step was refused (401), and the next step started the call without the caller's
    number. Signatures are not masked now: the first step is accepted and the caller known."""
    import json

    from core.masking import mask_pans_in_text

    for n in range(20_000):
        payload = {"call_id": f"ivr-luhn-{n}", "step": 0, "digits": "", "caller": "13800001111"}
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = pbx.headers(body)
        if mask_pans_in_text(headers["X-Poscare-Signature"]) != headers["X-Poscare-Signature"]:
            break
    else:
        pytest.fail("no signature with a card-like run found")
    welcome = pbx.post("/api/ivr/step", body, headers)
    assert welcome.status_code == 200, welcome.content
    assert caller_a.merchant.short_name in welcome.json()["prompt"]
