"""ISO 8583 logs: request/response pairs become transactions; broken messages are reported."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from payments.ingest import ingest_file
from payments.iso8583 import encode_message, format_log_line
from payments.models import Transaction

pytestmark = pytest.mark.django_db

CST = dt.timezone(dt.timedelta(hours=8))
PAN = "6222021234567890123"


def pair(
    stan: str, *, mti: str = "0200", code: str = "00", processing: str = "000000", pan: str = PAN
):
    request = {
        "t": mti,
        "2": pan,
        "3": processing,
        "4": "000000008800",
        "11": stan,
        "12": "140001",
        "13": "0930",
        "22": "071",
        "25": "00",
        "41": "10000001",
        "42": "898110154110001",
        "49": "156",
        "60": "22000007000",
    }
    response = {
        "t": f"{int(mti) + 10:04d}",
        "3": processing,
        "4": "000000008800",
        "11": stan,
        "37": f"0930140{stan[-5:]}",
        "38": "AB12CD" if code == "00" else "",
        "39": code,
        "41": "10000001",
        "42": "898110154110001",
    }
    if not response["38"]:
        del response["38"]
    return encode_message(request), encode_message(response)


def log(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_pairs_become_transactions_and_the_pan_is_masked(terminal_a, caplog):
    moment = dt.datetime(2025, 9, 30, 14, 0, 1, tzinfo=CST)
    sale_req, sale_rsp = pair("000101")
    declined_req, declined_rsp = pair("000102", code="51")
    data = log(
        "# terminal 10000001, 2025-09-30",
        format_log_line(moment, "REQ", sale_req),
        format_log_line(moment, "REQ", declined_req),
        format_log_line(moment, "RSP", declined_rsp),
        format_log_line(moment, "RSP", sale_rsp),
    )
    result = ingest_file("host.log", io.BytesIO(data))
    assert (result.created, result.error_rows) == (2, 0)
    sale = Transaction.objects.get(stan="000101")
    assert sale.source == "iso8583" and sale.amount == 8800 and sale.entry_mode == "contactless"
    assert sale.pan_masked == "622202*********0123" and sale.rrn == "093014000101"
    assert sale.batch_no == "000007" and sale.auth_code == "AB12CD"
    assert sale.local_time == moment.replace(second=1)
    assert Transaction.objects.get(stan="000102").status == "declined"
    assert PAN not in caplog.text
    again = ingest_file("host.log", io.BytesIO(data))
    assert again.created == 0 and again.duplicates == 2


def test_truncated_unpaired_and_garbled_lines_are_reported(terminal_a):
    moment = dt.datetime(2025, 9, 30, 14, 0, 1, tzinfo=CST)
    good_req, good_rsp = pair("000201")
    lonely_req, _ = pair("000202")
    _, orphan_rsp = pair("000203")
    data = log(
        format_log_line(moment, "REQ", good_req),
        format_log_line(moment, "REQ", good_req[:25]),  # truncated
        format_log_line(moment, "RSP", orphan_rsp),
        "2025-09-30T14:00:05 REQ 0200",  # time without offset
        "not a log line",
        format_log_line(moment, "REQ", lonely_req),
        format_log_line(moment, "RSP", good_rsp),
    )
    result = ingest_file("host.log", io.BytesIO(data))
    assert result.created == 1
    reasons = {e.row: e.en for e in result.errors}
    assert "truncated" in reasons[2]
    assert "without a matching request" in reasons[3]
    assert "offset" in reasons[4]
    assert "TIME DIRECTION HEX" in reasons[5]
    assert "without a response" in reasons[6]


def test_void_message_links_to_the_sale(terminal_a):
    moment = dt.datetime(2025, 9, 30, 14, 0, 1, tzinfo=CST)
    sale_req, sale_rsp = pair("000301")
    void_req, void_rsp = pair("000302", processing="200000")
    data = log(
        format_log_line(moment, "REQ", sale_req),
        format_log_line(moment, "RSP", sale_rsp),
        format_log_line(moment, "REQ", void_req),
        format_log_line(moment, "RSP", void_rsp),
    )
    result = ingest_file("host.log", io.BytesIO(data))
    assert result.created == 2 and result.linked == 1
    assert Transaction.objects.get(stan="000301").status == "voided"
