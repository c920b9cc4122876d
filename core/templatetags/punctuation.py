"""Punctuation between translated words and data, in the reader's language.

`{% trans "当前故障" %}：{{ title }}` puts a Chinese colon on the English page. Write
`{% trans "当前故障" %}{% colon %}{{ title }}` instead: "：" in Chinese, ": " in English
(likewise `semicolon`, `lparen`, `rparen`). core/tests/test_english_punctuation.py checks that no
template has Chinese punctuation outside a translation."""

from __future__ import annotations

from django import template

from core.language import current_language

register = template.Library()

MARKS = {
    "colon": ("：", ": "),
    "semicolon": ("；", "; "),
    "lparen": ("（", " ("),
    "rparen": ("）", ")"),
}


def _mark(name: str) -> str:
    chinese, english = MARKS[name]
    return english if current_language() == "en" else chinese


@register.simple_tag
def colon() -> str:
    return _mark("colon")


@register.simple_tag
def semicolon() -> str:
    return _mark("semicolon")


@register.simple_tag
def lparen() -> str:
    return _mark("lparen")


@register.simple_tag
def rparen() -> str:
    return _mark("rparen")
