"""What the fleet app plugs into the shared machinery: panels, navigation, periodic work."""

from __future__ import annotations

from core.scheduler import register_periodic


def register() -> None:
    from fleet.tasks import prepare_telemetry_partitions, roll_up_telemetry

    register_periodic("fleet.roll_up", 6 * 3600, roll_up_telemetry)
    register_periodic("fleet.partitions", 24 * 3600, prepare_telemetry_partitions)
