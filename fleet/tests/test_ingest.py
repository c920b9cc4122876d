"""Telemetry in: the API batch, the import command, the TMS adapters, idempotency, row errors,
the terminal's latest state, roll-ups and the 90-day expiry."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from fleet.models import TelemetryDaily, TelemetryRecord, TerminalState
from fleet.retention import roll_up, roll_up_and_expire
from fleet.tests.conftest import CST, record

URL = "/api/telemetry/"


@pytest.mark.django_db
def test_a_batch_of_ten_thousand_with_fifty_bad_keeps_the_good_and_resending_adds_nothing(
    api, integration, terminal_a
):
    start = dt.datetime(2026, 11, 1, tzinfo=CST)
    records = [record(at=start + dt.timedelta(minutes=i)) for i in range(10_000)]
    bad = list(range(0, 10_000, 200))  # 50 bad records, of several kinds
    for n, index in enumerate(bad):
        if n % 3 == 0:
            records[index]["battery_pct"] = 140
        elif n % 3 == 1:
            records[index]["terminal_id"] = "99999999"
        else:
            records[index]["at"] = "yesterday"
    api.force_authenticate(integration)
    first = api.post(URL, {"records": records}, format="json").json()
    assert (first["stored"], first["error_rows"]) == (9_950, 50)
    assert {e["row"] for e in first["errors"]} == {i + 1 for i in bad}
    assert TelemetryRecord.objects.count() == 9_950
    again = api.post(URL, records, format="json").json()
    assert (again["stored"], again["duplicates"], again["error_rows"]) == (0, 9_950, 50)
    assert TelemetryRecord.objects.count() == 9_950


@pytest.mark.django_db
def test_row_errors_name_the_field_and_the_reason_in_both_languages(api, integration, terminal_a):
    api.force_authenticate(integration)
    body = api.post(
        URL, [record(battery_pct="full", printer="jammed"), record(terminal_id="ab")], format="json"
    ).json()
    errors = {(e["row"], e["column"]): e for e in body["errors"]}
    assert errors[(1, "battery_pct")]["zh"] == "应为整数"
    assert errors[(1, "battery_pct")]["en"] == "must be a whole number"
    assert "no_paper" in errors[(1, "printer")]["en"]
    assert "8 digits" in errors[(2, "terminal_id")]["en"]
    assert body["stored"] == 0


@pytest.mark.django_db
def test_unknown_fields_are_kept_masked_and_bounded(api, integration, terminal_a):
    api.force_authenticate(integration)
    api.post(
        URL,
        [record(sim_iccid="8986001234", note="card 6222021234567890128 stuck", nested={"a": 1})],
        format="json",
    )
    # The nested value is refused, so nothing of that record is stored …
    assert TelemetryRecord.objects.count() == 0
    api.post(
        URL, [record(sim_iccid="8986001234", note="card 6222021234567890128 stuck")], format="json"
    )
    stored = TelemetryRecord.objects.get()
    assert stored.extra["sim_iccid"] == "8986001234"
    assert "6222021234567890128" not in json.dumps(stored.extra)


@pytest.mark.django_db
def test_text_with_tabs_backslashes_and_line_breaks_is_stored_as_sent(api, integration, terminal_a):
    # PostgreSQL's writer builds COPY's text format itself: the escaping must round-trip.
    api.force_authenticate(integration)
    note = 'tab\there \\N back\\slash\nnew line\r "quoted" 中文'
    answer = api.post(URL, [record(note=note, app_version="3.2.1 beta")], format="json").json()
    assert answer["stored"] == 1
    stored = TelemetryRecord.objects.get()
    assert stored.extra["note"] == note
    assert stored.app_version == "3.2.1 beta"
    assert stored.signin_ok is True and stored.battery_cycles == 300
    assert TerminalState.objects.get(terminal=terminal_a).data["extra"]["note"] == note


@pytest.mark.django_db
def test_a_naive_time_is_read_in_the_institutions_time_zone(api, integration, terminal_a):
    api.force_authenticate(integration)
    api.post(URL, [record(at=None) | {"at": "2026-11-20T10:00:00"}], format="json")
    assert TelemetryRecord.objects.get().at == dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_more_than_ten_thousand_records_are_refused_with_a_clear_reason(api, integration):
    api.force_authenticate(integration)
    response = api.post(URL, [{}] * 10_001, format="json")
    assert response.status_code == 400
    assert "10,000" in response.json()["detail"]["en"]
    assert api.post(URL, {"rows": []}, format="json").status_code == 400


@pytest.mark.django_db
def test_only_the_integration_role_and_supervisors_may_push(
    api, alice, bob, charlie, agent, supervisor, integration, terminal_a
):
    for user in (alice, bob, charlie, agent):
        api.force_authenticate(user)
        assert api.post(URL, [record()], format="json").status_code == 403
    api.force_authenticate(None)
    assert api.post(URL, [record()], format="json").status_code in (401, 403)
    api.force_authenticate(supervisor)
    assert api.post(URL, [record()], format="json").status_code == 200


@pytest.mark.django_db
def test_the_integration_role_sees_nothing_else(client, api, integration, terminal_a):
    api.force_authenticate(integration)
    assert api.get("/api/terminals/").json()["results"] == []
    assert api.get("/api/merchants/").json()["results"] == []
    assert api.get("/api/tickets/").status_code in (200, 403)
    if api.get("/api/tickets/").status_code == 200:
        assert api.get("/api/tickets/").json()["results"] == []
    client.force_login(integration)
    assert client.get(f"/terminals/{terminal_a.terminal_id}/").status_code == 404
    assert client.get("/console/").status_code == 403
    assert client.get("/fleet/").status_code == 403


@pytest.mark.django_db
def test_the_terminal_keeps_its_latest_state_and_versions(api, integration, terminal_a):
    api.force_authenticate(integration)
    late = dt.datetime(2026, 11, 21, 9, 0, tzinfo=CST)
    api.post(URL, [record(at=late, battery_pct=40, firmware_version="PayDroid 9.0")], format="json")
    api.post(URL, [record(battery_pct=90)], format="json")  # an older record arrives later
    state = TerminalState.objects.get(terminal=terminal_a)
    assert state.last_seen_at == late
    assert state.data["battery_pct"] == 40
    terminal_a.refresh_from_db()
    assert terminal_a.firmware_version == "PayDroid 9.0"


@pytest.mark.django_db
def test_a_paxstore_push_is_mapped_to_our_records(api, integration, terminal_a):
    api.force_authenticate(integration)
    push = {
        "eventType": "TERMINAL_DETAIL",
        "data": [
            {
                "tid": terminal_a.terminal_id,
                "serialNo": terminal_a.serial_number,
                "reportTime": "2026-11-20T10:00:00+08:00",
                "battery": {"level": 35, "charging": True, "cycleCount": 640},
                "printer": {"status": "OUT_OF_PAPER", "printedCount": 88000},
                "network": {"type": "WIFI", "signalDbm": -66},
                "cardReader": {"iccErrors": 2, "magErrors": 0, "piccErrors": 1},
                "firmwareVersion": "PayDroid 8.1",
                "signInSuccess": False,
            }
        ],
    }
    body = api.post("/api/telemetry/tms/paxstore/", push, format="json").json()
    assert body["stored"] == 1
    stored = TelemetryRecord.objects.get()
    assert (stored.printer, stored.network, stored.battery_cycles) == ("no_paper", "wifi", 640)
    assert stored.signin_ok is False and stored.extra["serial_no"] == terminal_a.serial_number
    assert api.post("/api/telemetry/tms/nope/", push, format="json").status_code == 404
    assert api.post("/api/telemetry/tms/paxstore/", {"x": 1}, format="json").status_code == 400


@pytest.mark.django_db
def test_import_command_reads_json_lines_and_csv(tmp_path, terminal_a, capsys):
    lines = tmp_path / "t.jsonl"
    lines.write_text(
        json.dumps(record()) + "\n" + "not json\n" + json.dumps(record(reboots=-1)) + "\n",
        encoding="utf-8",
    )
    call_command("import_telemetry", str(lines))
    out = capsys.readouterr()
    assert "stored 1" in out.out and "bad rows 2" in out.out
    assert "row 3 [reboots]" in out.err
    table = tmp_path / "t.csv"
    later = dt.datetime(2026, 11, 22, 10, 0, tzinfo=CST)
    row = record(at=later)
    table.write_text(",".join(row) + "\n" + ",".join(str(v) for v in row.values()) + "\n")
    call_command("import_telemetry", str(table))
    call_command("import_telemetry", str(table))
    assert TelemetryRecord.objects.count() == 2


@pytest.mark.django_db
def test_days_roll_up_and_raw_rows_expire_after_ninety_days(api, integration, terminal_a):
    api.force_authenticate(integration)
    old = timezone.now() - dt.timedelta(days=100)
    day = timezone.localtime(old).date()
    api.post(
        URL,
        [
            record(at=old, chip_errors=3, printer="no_paper"),
            record(at=old + dt.timedelta(minutes=5), chip_errors=2, signin_ok=False),
            record(at=timezone.now() - dt.timedelta(hours=1)),
        ],
        format="json",
    )
    assert roll_up(day) == 1
    daily = TelemetryDaily.objects.get(day=day)
    assert (daily.reports, daily.reader_errors, daily.printer_faults) == (2, 5, 1)
    assert daily.signin_failures == 1
    roll_up_and_expire()
    assert TelemetryRecord.objects.count() == 1
    assert TelemetryDaily.objects.filter(day=day).exists()


@pytest.mark.django_db
def test_on_postgresql_raw_telemetry_is_partitioned_by_month(api, integration, terminal_a):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("partitioning is PostgreSQL's; SQLite keeps a plain table")
    api.force_authenticate(integration)
    api.post(URL, [record(at=dt.datetime(2031, 3, 5, 10, 0, tzinfo=CST))], format="json")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM fleet_telemetryrecord_p203103")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_the_state_document_is_the_record_by_field_name(terminal_a):
    """PostgreSQL builds the state in SQL, SQLite in Python: the same document either way."""
    from fleet.ingest import ingest_api

    late = dt.datetime(2026, 11, 21, 9, 0, tzinfo=CST)
    ingest_api([record(at=late, key_expires_on="2027-01-31", temperature_c=30, colour="红")])
    data = TerminalState.objects.get(terminal=terminal_a).data
    assert data == {
        "battery_pct": 80,
        "charging": False,
        "battery_cycles": 300,
        "temperature_c": 30.0,
        "signal_dbm": -70,
        "network": "4g",
        "printer": "ok",
        "print_count": 12000,
        "chip_errors": 0,
        "swipe_errors": 0,
        "contactless_errors": 0,
        "reboots": 0,
        "free_storage_mb": 1500,
        "firmware_version": "PayDroid 8.1",
        "app_version": "3.2.1",
        "last_signin_at": "2026-11-21T01:00:00+00:00",
        "signin_ok": True,
        "key_expires_on": "2027-01-31",
        "extra": {"colour": "红"},
    }
    ingest_api([record(at=late + dt.timedelta(hours=1))])  # no unknown fields: no "extra"
    assert "extra" not in TerminalState.objects.get(terminal=terminal_a).data


def _telemetry_file(path, terminal_a, terminal_b, count):
    """`count` reports of two terminals, every 97th bad, one repeated, an unknown field."""
    start = dt.datetime(2026, 10, 20, tzinfo=CST)  # across a month boundary
    lines = []
    for i in range(count):
        terminal = terminal_a if i % 2 else terminal_b
        item = record(terminal.terminal_id, at=start + dt.timedelta(minutes=5 * i))
        if i % 97 == 0:
            item["signal_dbm"] = "strong"
        if i == 7:
            item["colour"] = "红"
        lines.append(json.dumps(item, ensure_ascii=False))
    lines.append(lines[10])  # the same record twice in the file
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the reader process is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reader_process_stores_what_one_process_stores(terminal_a, terminal_b, tmp_path):
    from fleet.ingest import ingest, records_for_file

    path = _telemetry_file(tmp_path / "telemetry.jsonl", terminal_a, terminal_b, 3_000)

    def as_set(queryset, *fields):
        return {
            tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for v in row)
            for row in queryset.values_list(*fields)
        }

    def stored():
        return as_set(TelemetryRecord.objects, "terminal_id", "at", "signal_dbm", "extra")

    def states():
        return as_set(TerminalState.objects, "terminal_id", "last_seen_at", "data")

    alone = ingest(records_for_file(path))
    rows_alone, states_alone = stored(), states()
    TelemetryRecord.objects.all().delete()
    TerminalState.objects.all().delete()
    split = ingest(records_for_file(path), reader_process=True)
    assert split.as_dict() == alone.as_dict()
    assert (split.stored, split.error_count, split.duplicates) == (3_000 - 31, 31, 1)
    assert stored() == rows_alone
    assert states() == states_alone
    again = ingest(records_for_file(path), reader_process=True)  # the idempotent way
    assert (again.stored, again.duplicates, again.error_count) == (0, 3_000 - 30, 31)
    assert TelemetryRecord.objects.count() == 3_000 - 31
