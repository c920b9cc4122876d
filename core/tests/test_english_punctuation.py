"""Issue 15: English pages carry no Chinese punctuation. The catalogues are where English text
comes from, so no English translation may contain a Chinese character or punctuation mark
(，。：（）…, the ideographic full stop, fullwidth forms) — the browser walks' scanner rule."""

from __future__ import annotations

import re

import pytest

from core.tests.test_translations import CATALOGUES, ROOT, read_po
from tests.browser import chinese_in


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_english_translations_have_no_chinese_punctuation(path):
    offending = [
        f"{msgid!r} -> {found}"
        for msgid, msgstr, _fuzzy in read_po(path)
        for found in chinese_in(msgstr)
    ]
    assert offending == []


# Pages that are deliberately in both languages at once (drawn without the language machinery).
BILINGUAL_TEMPLATES = {"templates/503.html"}
_TRANSLATED = [
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"\{%.*?%\}", re.S),  # {% trans "…" %} and every other tag
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"""_\((?:"[^"]*"|'[^']*')\)"""),  # {{ x|default:_("…") }}
]


def _untranslated_text(source: str) -> str:
    for pattern in _TRANSLATED:
        source = pattern.sub("", source)
    return source


TEMPLATES = sorted(
    p
    for p in ROOT.glob("**/templates/**/*.html")
    if ".venv" not in p.parts and "var" not in p.parts
)


def test_templates_have_no_chinese_outside_translations():
    """Chinese text or punctuation written into a template, outside {% trans %}, shows on the
    English page too: punctuation between translated words and data comes from
    core/templatetags/punctuation.py ({% colon %}, {% semicolon %}, {% lparen %}, {% rparen %})."""
    offending = []
    for path in TEMPLATES:
        name = str(path.relative_to(ROOT))
        if name in BILINGUAL_TEMPLATES:
            continue
        for line in _untranslated_text(path.read_text(encoding="utf-8")).splitlines():
            # The language selector names each language in itself, marked with lang="…".
            if 'lang="' in line:
                continue
            offending += [f"{name}: …{found}…" for found in chinese_in(line)]
    assert offending == []


def test_punctuation_follows_the_language():
    from django.template import Context, Template
    from django.utils import translation

    template = Template(
        "{% load punctuation %}A{% colon %}B{% lparen %}C{% rparen %}{% semicolon %}"
    )
    with translation.override("en"):
        assert template.render(Context()) == "A: B (C); "
    with translation.override("zh-hans"):
        assert template.render(Context()) == "A：B（C）；"
