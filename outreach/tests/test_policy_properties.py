"""Property-based tests: random streams of requests and preferences through the contact policy
never produce a contact in quiet hours (except audited urgent ones), never exceed a cap, never
send marketing to a merchant who did not opt in, never send the same key twice in its window."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.policy import (
    DEDUPE_WINDOW,
    DEFAULT_CAPS,
    MERGE,
    SCHEDULE,
    SEND_NOW,
    SUPPRESS,
    ContactRequest,
    History,
    Policy,
    Preferences,
    book,
    personal_call_cap,
)
from outreach.quiet import DayBook, is_forbidden
from outreach.vocabulary import CHANNELS, OVERRIDABLE, PURPOSES, URGENCIES

START = dt.datetime(2026, 9, 25, 0, 0, tzinfo=dt.UTC)  # runs into the National Day holiday
POLICY = Policy(days=DayBook())

times = st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 30]))
preferences = st.builds(
    Preferences,
    channels=st.frozensets(st.sampled_from(sorted(CHANNELS))),
    quiet_start=times,
    quiet_end=times,
    marketing_opt_in=st.booleans(),
    survey_opt_in=st.booleans(),
    call_cap_per_week=st.one_of(st.none(), st.integers(0, 3)),
    fewer_contacts=st.booleans(),
    timezone=st.sampled_from(["Asia/Shanghai", "Asia/Urumqi", "Europe/London"]),
)
step = st.fixed_dictionaries(
    {
        "gap_minutes": st.integers(0, 36 * 60),
        "purpose": st.sampled_from(sorted(PURPOSES)),
        "urgency": st.sampled_from(sorted(URGENCIES)),
        "channels": st.lists(st.sampled_from(sorted(CHANNELS)), min_size=1, max_size=5),
        "key": st.sampled_from([None, None, "incident-1", "incident-2", "update-7"]),
        "expires_in_hours": st.one_of(st.none(), st.integers(-2, 200)),
        "new_prefs": st.one_of(st.none(), st.none(), st.none(), preferences),
    }
)


def run_stream(prefs: Preferences, steps: list[dict]) -> list[tuple]:
    history = History()
    now = START
    out = []
    for index, s in enumerate(steps):
        now = now + dt.timedelta(minutes=s["gap_minutes"])
        if s["new_prefs"] is not None:
            prefs = s["new_prefs"]
        expires = (
            None
            if s["expires_in_hours"] is None
            else now + dt.timedelta(hours=s["expires_in_hours"])
        )
        request = ContactRequest(
            index,
            "m1",
            s["purpose"],
            s["urgency"],
            tuple(s["channels"]),
            now,
            dedupe_key=s["key"],
            expires_at=expires,
        )
        decision = POLICY.decide(request, prefs, history, now)
        book(history, request, decision, now)
        out.append((request, prefs, decision, now))
    return out


def sends(results):
    for request, prefs, decision, now in results:
        if decision.kind in (SEND_NOW, SCHEDULE):
            at = decision.at or now
            yield request, prefs, decision, at


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(preferences, st.lists(step, min_size=1, max_size=40))
def test_no_contact_in_quiet_hours_unless_audited_urgent(prefs, steps):
    for request, p, decision, at in sends(run_stream(prefs, steps)):
        if decision.override:
            assert request.urgency == "urgent" and request.purpose in OVERRIDABLE
            continue
        assert not is_forbidden(
            at.timestamp(), decision.channel, p.timezone, p.quiet_start, p.quiet_end, POLICY.days
        ), (request, decision.reasons_en)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(preferences, st.lists(step, min_size=1, max_size=40))
def test_no_institution_cap_exceeded(prefs, steps):
    events = [
        (at.timestamp(), r.purpose, d.channel)
        for r, _p, d, at in sends(run_stream(prefs, steps))
        if not d.override
    ]
    for cap in DEFAULT_CAPS:
        matching = sorted(t for t, purpose, channel in events if cap.applies(purpose, channel))
        width = cap.window.total_seconds()
        for i, t in enumerate(matching):
            in_window = [u for u in matching[i:] if u < t + width]
            assert len(in_window) <= cap.limit, (cap.key, matching)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    preferences.filter(lambda p: p.call_cap_per_week is not None),
    st.lists(step.map(lambda s: {**s, "new_prefs": None}), min_size=1, max_size=40),
)
def test_personal_call_cap_is_kept(prefs, steps):
    cap = personal_call_cap(prefs.call_cap_per_week)
    calls = sorted(
        at.timestamp()
        for r, _p, d, at in sends(run_stream(prefs, steps))
        if not d.override and cap.applies(r.purpose, d.channel)
    )
    width = cap.window.total_seconds()
    for i, t in enumerate(calls):
        assert len([u for u in calls[i:] if u < t + width]) <= cap.limit


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(preferences, st.lists(step, min_size=1, max_size=40))
def test_opt_outs_are_honoured_at_once(prefs, steps):
    for request, p, decision, _now in run_stream(prefs, steps):
        if request.purpose == "marketing" and (not p.marketing_opt_in or p.fewer_contacts):
            assert decision.kind in (SUPPRESS, MERGE)
        if request.purpose == "survey" and (not p.survey_opt_in or p.fewer_contacts):
            assert decision.kind in (SUPPRESS, MERGE)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(preferences, st.lists(step, min_size=1, max_size=40))
def test_no_duplicate_for_the_same_key_in_its_window(prefs, steps):
    windows: dict[str, dt.datetime] = {}
    for request, _p, decision, now in run_stream(prefs, steps):
        if not request.dedupe_key or decision.kind not in (SEND_NOW, SCHEDULE):
            continue
        open_until = windows.get(request.dedupe_key)
        assert open_until is None or now >= open_until, request
        windows[request.dedupe_key] = max(
            request.expires_at or request.created_at + DEDUPE_WINDOW, now
        )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(preferences, st.lists(step, min_size=1, max_size=40))
def test_every_decision_is_coherent_and_explained(prefs, steps):
    for request, p, decision, now in run_stream(prefs, steps):
        assert decision.reasons, decision
        assert all(r.zh and r.en for r in decision.reasons)
        if request.expires_at is not None and request.expires_at <= now:
            assert decision.kind == SUPPRESS
        if decision.kind in (SEND_NOW, SCHEDULE):
            assert decision.channel in request.channels or decision.channel == "inbox"
            assert p.allows(decision.channel) or decision.override
            if (
                p.fewer_contacts
                and not decision.override
                and request.purpose
                not in {
                    "transaction_anomaly",
                    "security_verification",
                    "risk_alert",
                }
            ):
                assert decision.channel in ("inbox", "email")
        if decision.kind == SCHEDULE:
            assert decision.at is not None and decision.at >= now
            if request.expires_at is not None:
                assert decision.at <= request.expires_at
        if decision.kind == MERGE:
            assert decision.merge_into is not None and decision.merge_into < request.request_id
