"""Text normalisation shared by entity extraction and the intent classifier.

Merchants type on phones: full-width digits, Traditional characters, stray spaces and
home-made spellings of "POS机". Everything downstream works on one canonical form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

# Ordered: longer / more specific spellings first so "poss机" does not become "poss机".
_TYPO_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"p\s*[o0]\s*s\s*s+\s*(?:机|機|鸡|ji)", "pos机"),
    (r"p\s*s\s*o\s*(?:机|機)", "pos机"),
    (r"p\s*[o0]\s*s\s*(?:机|機|鸡|ji\b)", "pos机"),
    (r"(?<![a-z])p[o0]\s*(?:机|機|鸡)", "pos机"),
    (r"(?<![a-z])p\s*0\s*s(?![a-z])", "pos"),
    (r"破死机|婆死机|泼死机", "pos机"),
    (r"刷咔|刷ka", "刷卡"),
    (r"ka卡|咔片", "卡片"),
    (r"到帐", "到账"),
    (r"帐户", "账户"),
    (r"帐号", "账号"),
    (r"结帐", "结账"),
    (r"对帐", "对账"),
    (r"入帐", "入账"),
    (r"小漂|小飘", "小票"),
    (r"签倒", "签到"),
    (r"wi\s*-?\s*fi|wife(?=信号|密码|连)", "wifi"),
    (r"客户服务", "客服"),
)
_COMPILED_TYPOS = tuple((re.compile(pattern), repl) for pattern, repl in _TYPO_PATTERNS)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_half_width(text: str) -> str:
    """Full-width ASCII (１２３，ＰＯＳ) and the ideographic space become plain ASCII.

    NFKC does exactly this for the full-width block while leaving CJK punctuation such as
    "。" alone, which is what we want.
    """
    return unicodedata.normalize("NFKC", text)


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def fix_typos(text: str) -> str:
    for pattern, replacement in _COMPILED_TYPOS:
        text = pattern.sub(replacement, text)
    return text


def normalize(text: str) -> str:
    """Canonical form: half-width, Simplified, lower-case, common typos fixed, spaces collapsed."""
    text = to_half_width(text)
    text = to_simplified(text)
    text = text.lower()
    text = fix_typos(text)
    return _SPACES.sub(" ", text).strip()


def normalize_for_entities(text: str) -> str:
    """A length-preserving normalisation, so entity spans still point into the original text.

    Character-wise NFKC/lower-casing keeps one character per character (we fall back to the
    original character when a conversion would change the length).
    """
    out = []
    for char in text:
        converted = unicodedata.normalize("NFKC", char).lower()
        out.append(converted if len(converted) == 1 else char)
    simplified = to_simplified("".join(out))
    return simplified if len(simplified) == len(text) else "".join(out)
