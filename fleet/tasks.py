"""Periodic fleet work, enqueued by the scheduler (see fleet/registry.py)."""

from __future__ import annotations

from django_tasks import task

from fleet import partitions, retention


@task()
def roll_up_telemetry() -> list[int]:
    """Daily roll-ups of the last finished days, then the 90-day expiry of raw telemetry."""
    return list(retention.roll_up_and_expire())


@task()
def prepare_telemetry_partitions() -> list[str]:
    return partitions.ensure_upcoming(months_ahead=3)


@task()
def evaluate_health() -> dict[str, int]:
    """Run the health rules over every reporting terminal."""
    from fleet.evaluation import evaluate_fleet

    return evaluate_fleet()


@task()
def scan_transaction_health() -> int:
    """Each merchant's last 24 hours against its own baseline; new alerts are sent."""
    from fleet.txnhealth import scan_transactions

    return len(scan_transactions())


@task()
def detect_outages() -> int:
    """Propose a master incident where 96/91 failures cluster."""
    from fleet.outages import propose_outages

    return len(propose_outages())


@task()
def predict_failures() -> dict:
    """Score every terminal with the saved failure model; proactive work for high risk."""
    from fleet import riskmodel
    from fleet.proactive import predict_and_act

    if not riskmodel.DEFAULT_PATH.exists():
        return {"skipped": "no failure model; run manage.py fleet_train"}
    return predict_and_act()


@task()
def advance_campaigns() -> dict:
    """Push what is due in running update campaigns; judge the stages that are done."""
    from fleet.campaigns import advance_campaigns as advance

    return advance()
