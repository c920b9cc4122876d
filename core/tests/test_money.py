"""Amounts in fen read as yuan the same way everywhere: code, templates, files."""

from django.template import Context, Template

from core.money import yuan


def test_fen_read_as_yuan_exactly():
    assert yuan(123456) == "1,234.56"
    assert yuan(5) == "0.05"
    assert yuan(-1999) == "-19.99"
    assert yuan(123456789012, grouping=False) == "1234567890.12"


def test_template_filter_shows_yuan():
    page = Template("{% load money %}¥{{ amount|yuan }}|{{ missing|yuan }}")
    assert page.render(Context({"amount": 880000, "missing": None})) == "¥8,800.00|"
