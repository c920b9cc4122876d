"""Issue 15: English pages carry no Chinese punctuation. The catalogues are where English text
comes from, so no English translation may contain a Chinese character or punctuation mark
(，。：（）…, the ideographic full stop, fullwidth forms) — the browser walks' scanner rule."""

from __future__ import annotations

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
