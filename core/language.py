"""The reader's language, as poscare's bilingual data is keyed: "zh" (default) or "en".

Django's active language is "zh-hans" or "en"; fields and tables that hold both texts
(`*_zh` / `*_en`, `{"zh": …, "en": …}`) are keyed by the short code this module returns.
"""

from __future__ import annotations

from django.utils.translation import get_language


def current_language() -> str:
    """ "en" while an English page or request is being served, "zh" otherwise."""
    return "en" if (get_language() or "").startswith("en") else "zh"
