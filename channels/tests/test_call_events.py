"""Call events from a simulated phone system through the real HTTP interface: the screen pop,
the interaction the call leaves, and the door that keeps strangers and replays out."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.urls import reverse

from channels.models import Call, CallEvent
from channels.tests.conftest import simulator_for
from desk.models import Interaction

pytestmark = pytest.mark.django_db


def _pop(client, agent) -> str:
    client.force_login(agent)
    response = client.get(reverse("calls_pop"))
    return response.content.decode()


def test_a_registered_phone_pops_the_merchant_with_its_open_ticket(
    client, pbx, caller_a, agent, ticket_a
):
    response = pbx.call(
        "ringing", "c1", caller="13800001111", called="95516", agent="A1001", queue="L1"
    )
    assert response.status_code == 200 and response.json()["accepted"] == 1
    page = _pop(client, agent)
    assert "北京阿香便利店" in page and ticket_a.number in page
    assert "138 0000 1111" in page


def test_answered_and_ended_call_becomes_an_interaction_with_duration_and_recording(
    client, pbx, caller_a, agent, ticket_a
):
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    pbx.call("ringing", "c2", caller="+8613800001111", agent="A1001", at=start)
    pbx.call("answered", "c2", agent="A1001", at=start + dt.timedelta(seconds=8))
    pbx.call(
        "ended",
        "c2",
        at=start + dt.timedelta(seconds=8 + 192),
        recording_url="https://pbx.example.cn/rec/c2.wav",
    )
    interaction = Interaction.objects.get(ticket=ticket_a, kind="call")
    assert "3:12" in interaction.body and "https://pbx.example.cn/rec/c2.wav" in interaction.body
    assert interaction.agent_no == "A1001" and interaction.direction == "inbound"
    client.force_login(agent)
    timeline = client.get(reverse("desk_ticket", args=[ticket_a.number])).content.decode()
    assert "3:12" in timeline


def test_unknown_number_pops_a_search(client, pbx, agent, desk_staff):
    response = pbx.call("ringing", "c3", caller="13912345678", agent="A1001")
    assert response.json()["accepted"] == 1, response.json()
    assert Call.objects.get(external_id="c3").agent == agent
    page = _pop(client, agent)
    assert "未知号码" in page and 'name="q"' in page and "13912345678" in page


def test_agent_picks_the_ticket_when_there_are_several(client, pbx, caller_a, agent, ticket_a):
    from desk.services import open_ticket

    second = open_ticket(
        merchant=caller_a.merchant, category="fees", description="手续费", channel="phone"
    )
    pbx.call("ringing", "c4", caller="13800001111", agent="A1001")
    pbx.call("answered", "c4", agent="A1001")
    pbx.call("ended", "c4")
    assert not Interaction.objects.filter(kind="call").exists()
    page = _pop(client, agent)
    assert ticket_a.number in page and second.number in page
    call = Call.objects.get(external_id="c4")
    client.post(reverse("calls_attach", args=[call.pk]), {"ticket": second.number})
    assert Interaction.objects.get(kind="call").ticket == second
    assert "当前没有来电" in _pop(client, agent)


def test_the_same_event_twice_changes_nothing(pbx, caller_a, agent, ticket_a):
    event = pbx.event("ended", "c5", event_id="evt-5", recording_url="https://r.example.cn/5")
    pbx.call("ringing", "c5", caller="13800001111", agent="A1001")
    pbx.call("answered", "c5", agent="A1001")
    first = pbx.send("/api/calls/events", event)
    again = pbx.send("/api/calls/events", event)
    assert first.json()["accepted"] == 1 and again.json() == {
        "accepted": 0,
        "duplicates": 1,
        "errors": [],
    }
    assert Interaction.objects.filter(kind="call").count() == 1
    assert CallEvent.objects.filter(event_id="evt-5").count() == 1


def test_a_wrong_signature_is_refused(client, integration_a, caller_a, agent):
    body = json.dumps({"event_id": "x", "call_id": "c6", "type": "ringing"}).encode()
    stamp = str(int(time.time()))
    response = client.post(
        "/api/calls/events",
        body,
        content_type="application/json",
        headers={
            "X-Poscare-Key": "pbx-a",
            "X-Poscare-Timestamp": stamp,
            "X-Poscare-Signature": "0" * 64,
        },
    )
    assert response.status_code == 401 and response.json()["error"] == "bad_signature"
    assert response.json()["detail"]["en"] and not Call.objects.exists()


def test_a_replayed_old_request_is_refused(pbx, caller_a, agent):
    old = int(time.time()) - 3600
    response = pbx.send(
        "/api/calls/events", pbx.event("ringing", "c7", caller="13800001111"), timestamp=old
    )
    assert response.status_code == 401 and response.json()["error"] == "stale"
    assert not Call.objects.exists()


def test_another_institutions_integration_does_not_pop_our_merchant(
    client, integration_b, caller_a, agent, ticket_a
):
    other = simulator_for(integration_b)
    other.call("ringing", "c8", caller="13800001111", agent="A1001")
    page = _pop(client, agent)
    assert "未知号码" in page and "北京阿香便利店" not in page


def test_one_systems_key_with_anothers_secret_is_refused(integration_a, integration_b):
    from channels.simulator import SimulatedPhoneSystem

    forged = SimulatedPhoneSystem(lambda *a: None, "pbx-a", integration_b.secret)
    body = b'{"event_id": "e", "call_id": "c", "type": "ringing"}'
    from django.test import Client

    response = Client().post(
        "/api/calls/events", body, content_type="application/json", headers=forged.headers(body)
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"call_id": "c9", "type": "ringing"}, "event_id"),
        ({"event_id": "e9", "call_id": "c9", "type": "hangup"}, "type"),
        ({"event_id": "e9", "call_id": "c9", "type": "ended", "at": "yesterday"}, "at"),
        (
            {"event_id": "e9", "call_id": "c9", "type": "ended", "recording_url": "ftp://x"},
            "recording_url",
        ),
        ({"event_id": "e9", "call_id": "c" * 200, "type": "ringing"}, "call_id"),
        ({"event_id": ["e9"], "call_id": "c9", "type": "ringing"}, "event_id"),
    ],
)
def test_bad_events_get_a_clear_error_and_good_ones_in_the_batch_are_kept(pbx, payload, field):
    good = pbx.event("ringing", "good", caller="13800009999")
    response = pbx.send("/api/calls/events", {"events": [payload, good]})
    body = response.json()
    assert response.status_code == 200 and body["accepted"] == 1
    assert body["errors"][0]["index"] == 0 and body["errors"][0]["field"] == field
    assert body["errors"][0]["zh"] and body["errors"][0]["en"]


def test_not_json_oversized_and_empty_bodies_never_500(pbx):
    assert pbx.post("/api/calls/events", b"\xff\xfe", pbx.headers(b"\xff\xfe")).status_code == 400
    big = b'{"events": [' + b" " * (70 * 1024) + b"]}"
    assert pbx.post("/api/calls/events", big, pbx.headers(big)).status_code == 413
    assert pbx.send("/api/calls/events", {"events": []}).status_code == 400
    assert pbx.send("/api/calls/events", {"events": [{}] * 201}).status_code == 413


def test_card_numbers_in_event_text_are_masked(pbx):
    pbx.call("ringing", "c10", caller="13800009999", queue="6222021234567890128")
    assert "6222021234567890128" not in Call.objects.get(external_id="c10").queue


def test_pop_and_console_are_for_staff_only(client, alice, charlie, pbx, caller_a):
    pbx.call("ringing", "c11", caller="13800001111", agent="A1001")
    for user in (alice, charlie):
        client.force_login(user)
        assert client.get(reverse("calls_pop")).status_code == 403
        assert client.get(reverse("calls_console")).status_code == 403
    client.logout()
    assert client.get(reverse("calls_pop")).status_code == 302


def test_pop_only_shows_the_agents_own_call(client, pbx, caller_a, agent, make_user):
    other = make_user("agent2", role="l1", agent_no="A1002")
    pbx.call("ringing", "c12", caller="13800001111", agent="A1001")
    assert "北京阿香便利店" not in _pop(client, other)


def test_unchanged_pop_is_not_redrawn(client, pbx, caller_a, agent):
    pbx.call("ringing", "c13", caller="13800001111", agent="A1001")
    client.force_login(agent)
    first = client.get(reverse("calls_pop")).content.decode()
    version = first.split("?v=")[1].split('"')[0]
    assert client.get(reverse("calls_pop"), {"v": version}).status_code == 204


def test_a_signed_form_body_is_not_a_crash_but_a_clear_refusal(pbx, caller_a):
    """A form post (URL-encoded or multipart) from a key holder: the body is still the one that
    was signed, and what is not JSON is refused in both languages — never a 500."""
    from django.test import Client

    body = b"event_id=e9&call_id=c9&type=ringing"
    encoded = Client().post(
        "/api/calls/events",
        body,
        content_type="application/x-www-form-urlencoded",
        headers=pbx.headers(body),
    )
    assert encoded.status_code == 400 and encoded.json()["error"] == "bad_json"
    multipart = Client().post(
        "/api/calls/events", {"type": "ringing"}, headers={"X-Poscare-Key": "pbx-a"}
    )
    assert multipart.status_code == 415 and multipart.json()["detail"]["en"]
    assert not Call.objects.exists()


def test_a_signature_holding_a_card_like_run_of_digits_is_still_accepted(pbx, caller_a, agent):
    """About one HMAC-SHA256 signature in 1,000 holds 13–19 digits that pass the Luhn check;
    the door masks card numbers in headers, but never in a signature."""
    from core.masking import mask_pans_in_text

    for n in range(20_000):
        body = json.dumps(pbx.event("ringing", f"c-luhn-{n}", caller="13800001111")).encode()
        headers = pbx.headers(body)
        if mask_pans_in_text(headers["X-Poscare-Signature"]) != headers["X-Poscare-Signature"]:
            break
    else:
        pytest.fail("no signature with a card-like run found")
    response = pbx.post("/api/calls/events", body, headers)
    assert response.status_code == 200 and response.json()["accepted"] == 1


def test_a_batch_moves_many_calls_in_a_fixed_number_of_queries(
    pbx, caller_a, agent, ticket_a, django_assert_max_num_queries
):
    """Ringing, answered and ended for calls new and old in one request: each call ends in
    its latest state, the known caller's call is on its ticket, and the query count does not
    grow with the batch (one INSERT of new calls, one UPDATE of the others)."""
    pbx.call("ringing", "old-1", caller="13800001111", agent="A1001")
    events = [pbx.event("answered", "old-1", agent="A1001")]
    for n in range(30):
        events.append(pbx.event("ringing", f"new-{n}", caller="13800001111", agent="A1001"))
        events.append(pbx.event("answered", f"new-{n}", agent="A1001"))
    with django_assert_max_num_queries(12):
        response = pbx.send("/api/calls/events", {"events": events})
    assert response.json() == {"accepted": 61, "duplicates": 0, "errors": []}
    ended = pbx.event("ended", "new-0", recording_url="https://pbx.example.cn/r/0.wav")
    assert pbx.send("/api/calls/events", {"events": [ended]}).json()["accepted"] == 1
    states = dict(Call.objects.values_list("external_id", "state"))
    assert states["old-1"] == "answered" and states["new-5"] == "answered"
    assert states["new-0"] == "ended" and len(states) == 31
    new = Call.objects.get(external_id="new-0")
    assert new.ticket == ticket_a and new.agent == agent and new.answered_at is not None
    assert new.recording_url == "https://pbx.example.cn/r/0.wav"
    assert Interaction.objects.filter(ticket=ticket_a, kind="call").count() == 1
