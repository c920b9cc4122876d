"""Terminal import: upsert by terminal ID, precise row errors, nothing valid lost, idempotent."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from core.services import import_file
from terminals.models import Terminal
from tests.factories import MerchantFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "terminal_id",
    "serial_number",
    "merchant_id",
    "model",
    "comm_type",
    "firmware_version",
    "install_date",
    "warranty_end",
    "status",
]


def good_row(n: int, merchant_ids: list[str]) -> list[str]:
    return [
        f"{50000000 + n:08d}",
        f"SNX{n:08d}",
        merchant_ids[n % len(merchant_ids)],
        "PAX A920",
        "4G",
        "PayDroid 7.1 / 1.4.1",
        "2025-01-01",
        "2028-01-01",
        "正常",
    ]


# 37 bad rows of the kinds operators really send, each with the column that must be blamed.
def bad_row(n: int, kind: int, merchant_ids: list[str]) -> tuple[list[str], str]:
    row = good_row(n, merchant_ids)
    if kind == 0:
        row[0] = "AB12"  # terminal ID not 8 characters
        return row, "terminal_id"
    if kind == 1:
        row[2] = "12345"  # unknown merchant
        return row, "merchant_id"
    if kind == 2:
        row[3] = "Nokia 3310"  # unknown model
        return row, "model"
    if kind == 3:
        row[1] = "SNX00000001"  # serial number of row 1's terminal
        return row, "serial_number"
    if kind == 4:
        row[4] = "5G"
        return row, "comm_type"
    if kind == 5:
        row[6] = "2025-13-45"
        return row, "install_date"
    if kind == 6:
        row[1] = ""
        return row, "serial_number"
    row[0] = "ab-12345"
    return row, "terminal_id"


def make_file(total: int, bad: int, merchant_ids: list[str]) -> tuple[bytes, dict[int, str]]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    bad_every = total // bad
    expected: dict[int, str] = {}
    bad_made = 0
    for n in range(1, total + 1):
        if bad_made < bad and n % bad_every == 0:
            row, column = bad_row(n, bad_made % 8, merchant_ids)
            expected[n + 1] = column  # +1: the header is spreadsheet row 1
            bad_made += 1
        else:
            row = good_row(n, merchant_ids)
        writer.writerow(row)
    return buffer.getvalue().encode(), expected


@pytest.fixture
def merchant_ids():
    return [MerchantFactory().merchant_id for _ in range(20)]


def test_ten_thousand_rows_with_37_bad(merchant_ids):
    content, expected = make_file(10_000, 37, merchant_ids)
    result = import_file("terminals", io.BytesIO(content), "terminals.csv")
    assert result.error_count == 37
    assert Terminal.objects.count() == 9_963
    assert {e.row: e.column for e in result.errors} == expected
    for error in result.errors:  # every reason in both languages, naming the value
        assert error.zh and error.en and error.zh != error.en
    again = import_file("terminals", io.BytesIO(content), "terminals.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9_963)
    assert Terminal.objects.count() == 9_963


def test_error_messages_are_precise(merchant_ids):
    content = "\n".join(
        [
            ",".join(HEADER),
            ",".join(["AB12", "SN1", merchant_ids[0], "PAX A920", "4G", "", "", "", ""]),
            ",".join(["50000001", "SN2", merchant_ids[0], "Landi A9", "4G", "", "", "", ""]),
            ",".join(["50000002", "SN3", merchant_ids[0], "A8", "4G", "", "", "", ""]),
        ]
    ).encode()
    result = import_file("terminals", io.BytesIO(content), "t.csv")
    by_row = {e.row: e for e in result.errors}
    assert by_row[2].zh == "终端号“AB12”应为 8 位数字或大写字母"
    assert by_row[2].en == "Terminal ID “AB12” must be 8 digits or capital letters"
    assert "Landi A9" in by_row[3].zh and by_row[3].column == "model"
    # "A8" is made by both PAX and Landi: the importer must not guess
    assert by_row[4].column == "model"


def test_update_changes_only_what_changed(merchant_ids):
    rows = [HEADER, good_row(1, merchant_ids)]
    content = "\n".join(",".join(r) for r in rows).encode()
    import_file("terminals", io.BytesIO(content), "t.csv")
    rows[1][5] = "PayDroid 7.1 / 2.0.3"
    content = "\n".join(",".join(r) for r in rows).encode()
    result = import_file("terminals", io.BytesIO(content), "t.csv")
    assert result.updated == 1
    assert Terminal.objects.get().firmware_version == "PayDroid 7.1 / 2.0.3"


def test_gbk_file_with_chinese_headers(merchant_ids):
    text = "终端号,序列号,商户编号,型号,通信方式,状态\n" + (
        f"50000009,SNGBK1,{merchant_ids[0]},新大陆 Newland ME31,以太网,维修中\n"
    )
    result = import_file("terminals", io.BytesIO(text.encode("gbk")), "导出.csv")
    assert result.errors == []
    terminal = Terminal.objects.get(terminal_id="50000009")
    assert (terminal.comm_type, terminal.status, terminal.model.name) == (
        "ethernet",
        "in_repair",
        "ME31",
    )


def test_xlsx_file(merchant_ids):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(good_row(1, merchant_ids))
    sheet.append(good_row(2, merchant_ids)[:3] + ["Sunmi P2", "Wi-Fi", "", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = import_file("terminals", buffer, "fleet.xlsx")
    assert result.errors == [] and result.created == 2


def test_unreadable_encoding_is_refused_clearly():
    from core.tabular import TabularError

    with pytest.raises(TabularError) as raised:
        list(
            import_file(
                "terminals", io.BytesIO(b"terminal_id\n\xff\xfe\xfa\xfb\xff"), "x.csv"
            ).errors
        )
    assert "UTF-8" in raised.value.messages["zh"] and "UTF-8" in raised.value.messages["en"]


def test_missing_required_column_is_reported():
    result = import_file(
        "terminals", io.BytesIO(b"terminal_id,serial_number\n50000001,SN1\n"), "x.csv"
    )
    assert result.errors[0].row == 1
    assert "merchant_id" in result.errors[0].column
