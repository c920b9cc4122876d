"""Predictive maintenance in the product: train on the database's roll-ups and failure
history, score every terminal, open one proactive ticket per terminal and problem, tell the
merchant through the contact policy, and show the risk only to those who may see it."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from fleet import riskmodel
from fleet.models import FailureEvent, FailureRisk, TelemetryDaily
from fleet.predictive import TrainingError, train, training_days
from fleet.proactive import open_proactive_work, predict_and_act
from tests.browser import chinese_in

DAYS = 130
FLEET = 60


def _reader_errors(rng: random.Random, day: int, failures: list[int]) -> int:
    """A reader fault shows for 35 days before the failure, growing."""
    for failed in failures:
        if failed - 35 <= day < failed:
            return 1 + int(10 * (day - failed + 35) / 35) + rng.randint(0, 1)
    return rng.randint(0, 1)


@pytest.fixture
def planted_wear(terminal_a, terminal_b, db):
    """A fleet with 130 days of roll-ups: a third of it had reader faults that ended in
    failures (recorded), and four terminals — terminal A among them — have one developing now
    (failing in 10 days, not yet recorded)."""
    from tests.factories import TerminalFactory

    rng = random.Random(12)
    terminals = [terminal_a, terminal_b]
    terminals += [TerminalFactory(merchant=terminal_b.merchant) for _ in range(FLEET - 2)]
    today = timezone.localdate()
    first = today - dt.timedelta(days=DAYS)
    developing = [terminals[0], *terminals[10:13]]
    plan: dict[int, list[int]] = {t.pk: [] for t in terminals}
    for index, terminal in enumerate(terminals[13:]):
        if index % 2 == 0:
            plan[terminal.pk].append(40 + (index * 7) % (DAYS - 45))
    for terminal in developing:
        plan[terminal.pk].append(DAYS + 10)
    rows = []
    for terminal in terminals:
        for day in range(DAYS):
            rows.append(
                TelemetryDaily(
                    terminal=terminal,
                    day=first + dt.timedelta(days=day),
                    reports=1,
                    battery_min=50,
                    battery_cycles=300 + day,
                    print_count=10_000 + 50 * day,
                    reader_errors=_reader_errors(rng, day, plan[terminal.pk]),
                    reboots=0,
                )
            )
    TelemetryDaily.objects.bulk_create(rows)
    FailureEvent.objects.bulk_create(
        FailureEvent(
            terminal_id=pk, failed_on=first + dt.timedelta(days=day), part="reader", source="tms"
        )
        for pk, days in plan.items()
        for day in days
        if day < DAYS
    )
    return developing


@pytest.fixture
def model_path(planted_wear, tmp_path):
    path = tmp_path / "model.joblib"
    call_command("fleet_train", "--output", str(path))
    return path


def test_training_and_evaluation_periods_do_not_overlap():
    first, last = dt.date(2026, 1, 1), dt.date(2026, 5, 10)
    train_on, test_on = training_days(first, last, 30)
    assert test_on == last - dt.timedelta(days=29)
    assert all(day + dt.timedelta(days=30) <= test_on for day in train_on)
    assert train_on[0] >= first + dt.timedelta(days=28)
    with pytest.raises(TrainingError):
        training_days(first, first + dt.timedelta(days=60), 30)


@pytest.mark.django_db
def test_too_little_history_is_a_clear_error(terminal_a):
    with pytest.raises(TrainingError):
        train()


@pytest.mark.django_db
def test_trained_model_finds_the_planted_terminals(planted_wear, model_path):
    bundle = riskmodel.Bundle.load(model_path)
    assert bundle.feature_names == riskmodel.NAMES and bundle.version.startswith("fm-")
    assert bundle.metrics["test_failures"] > 0 and bundle.metrics["train_failures"] > 0
    assert bundle.metrics["precision_top_model"] >= bundle.metrics["precision_top_oldest_first"]
    predict_and_act(model_path)
    top = list(FailureRisk.objects.order_by("-risk")[: len(planted_wear)])
    assert {r.terminal_id for r in top} == {t.pk for t in planted_wear}
    assert all(r.level == "high" and r.part == "reader" for r in top)
    assert top[0].reasons[0]["feature"] in ("reader_recent", "reader_trend")
    assert FailureRisk.objects.count() == FLEET


@pytest.mark.django_db
def test_proactive_work_is_opened_once_and_the_merchant_is_told(planted_wear, model_path):
    from desk.models import Ticket
    from outreach.models import ContactRequest

    counts = predict_and_act(model_path)
    assert counts["opened"] == counts["high"] == len(planted_wear)
    tickets = Ticket.objects.filter(idempotency_key__startswith="fleet-pm-")
    assert tickets.count() == len(planted_wear)
    ticket = tickets.get(terminal=planted_wear[0])
    assert ticket.category == "card_reading" and "读卡" in ticket.description
    assert FailureRisk.objects.get(terminal=planted_wear[0]).ticket == ticket
    requests = ContactRequest.objects.filter(dedupe_key__startswith="fleet-pm-")
    assert requests.count() == len(planted_wear)
    assert all(r.content_en and not chinese_in(r.subject_en + r.content_en) for r in requests)
    assert set(requests.values_list("merchant_id", flat=True)) == {
        t.merchant_id for t in planted_wear
    }
    again = predict_and_act(model_path)
    assert again["opened"] == 0 and open_proactive_work() == []
    assert tickets.count() == len(planted_wear)
    assert requests.count() == len(planted_wear)


@pytest.mark.django_db
def test_risk_is_shown_only_to_those_who_may_see_it(
    client, planted_wear, model_path, alice, bob, charlie, agent, terminal_a, integration
):
    predict_and_act(model_path)
    client.force_login(agent)
    page = client.get(f"/terminals/{terminal_a.terminal_id}/").content.decode()
    assert "故障风险" in page and "读卡" in page
    page = client.get(f"/console/merchants/{terminal_a.merchant.merchant_id}/").content.decode()
    assert "故障风险" in page and terminal_a.terminal_id in page
    page = client.get("/fleet/").content.decode()
    assert "故障风险最高的终端" in page and terminal_a.terminal_id in page
    assert FailureRisk.objects.visible_to(alice).count() == 1
    assert FailureRisk.objects.visible_to(bob).count() == FLEET - 1
    assert FailureRisk.objects.visible_to(charlie).count() == 0
    assert FailureRisk.objects.visible_to(integration).count() == 0
    client.force_login(bob)
    assert client.get(f"/terminals/{terminal_a.terminal_id}/").status_code == 404
    assert client.get("/fleet/").status_code == 403  # signed in, wrong role
