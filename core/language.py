"""The reader's language, as poscare's bilingual data is keyed: "zh" (default) or "en".

Django's active language is "zh-hans" or "en"; fields and tables that hold both texts
(`*_zh` / `*_en`, `{"zh": …, "en": …}`) are keyed by the short code this module returns.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import get_language


def current_language() -> str:
    """ "en" while an English page or request is being served, "zh" otherwise."""
    return "en" if (get_language() or "").startswith("en") else "zh"


def _pick(zh: str, en: str) -> str:
    return en if en and current_language() == "en" else zh


_lazy_pick = lazy(_pick, str)


def bilingual(zh: str, en: str) -> Any:
    """Text an operator wrote in Chinese and (optionally) English, as a lazy string: shown in
    the reader's language when it is rendered, Chinese where no English was written. A notice
    built from it keeps both (`notifications` renders a lazy text in each language)."""
    return _lazy_pick(zh, en)


def _join(separator: str, *parts: Any) -> str:
    return separator.join(str(part) for part in parts)


_lazy_join = lazy(_join, str)


def lazy_join(separator: str, parts: list[Any]) -> Any:
    """`separator.join(parts)` of lazy texts, joined in the reader's language when shown."""
    return _lazy_join(separator, *parts)


class BilingualText:
    """A model attribute that reads the field `name` and its `name_en` in the reader's language
    (`bilingual`): `shown_title = BilingualText("title")`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return bilingual(getattr(instance, self.name), getattr(instance, f"{self.name}_en"))


def chinese_and_english(text: Any) -> tuple[str, str]:
    """(Chinese, English) of a lazy text (a translation, `bilingual`, `lazy_format` of them);
    (text, "") of plain text, which is kept and shown as it was written. The English is ""
    where it would only repeat the Chinese."""
    if not isinstance(text, Promise):
        return str(text), ""
    with translation.override("zh-hans"):
        zh = str(text)
    with translation.override("en"):
        en = str(text)
    return zh, (en if en != zh else "")
