"""Amounts in fen read as yuan the same way everywhere: code, templates, files."""

import pytest
from django.template import Context, Template

from core.money import parse_yuan, yuan


def test_fen_read_as_yuan_exactly():
    assert yuan(123456) == "1,234.56"
    assert yuan(5) == "0.05"
    assert yuan(-1999) == "-19.99"
    assert yuan(123456789012, grouping=False) == "1234567890.12"


def test_template_filter_shows_yuan():
    page = Template("{% load money %}¥{{ amount|yuan }}|{{ missing|yuan }}")
    assert page.render(Context({"amount": 880000, "missing": None})) == "¥8,800.00|"


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("88", 8800),
        ("88.5", 8850),
        ("1,234.56", 123456),
        ("¥0.01", 1),
        (" ￥12 ", 1200),
        ("８８", 8800),
        ("", None),
    ],
)
def test_typed_yuan_becomes_fen_exactly(typed, fen):
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize(
    "typed", ["NaN", "Infinity", "-Infinity", "1e999", "-5", "1.234", "1" * 13, "abc", "1 000"]
)
def test_anything_but_a_plain_amount_is_refused(typed):
    with pytest.raises(ValueError):
        parse_yuan(typed)
