"""Normalisation: what merchants type becomes one canonical form."""

import pytest

from assistant.nlu.normalize import normalize, normalize_for_entities


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("POS機顯示交易失敗", "pos机显示交易失败"),
        ("poss机打印不出来", "pos机打印不出来"),
        ("po机开不了机", "pos机开不了机"),
        ("POS 机 签到失败", "pos机 签到失败"),
        ("ＰＯＳ机显示５１", "pos机显示51"),
        ("钱没到帐", "钱没到账"),
        ("  多个   空格  ", "多个 空格"),
        ("Printer NOT working", "printer not working"),
    ],
)
def test_normalize(typed: str, canonical: str) -> None:
    assert normalize(typed) == canonical


def test_normalize_keeps_plain_text() -> None:
    assert normalize("刷卡显示51") == "刷卡显示51"


def test_entity_normalisation_keeps_length_so_spans_point_into_the_original() -> None:
    for text in ["ＰＯＳ機顯示５１", "卡号 6222 0212 3456 7890", "昨天下午3点刷的1280元"]:
        assert len(normalize_for_entities(text)) == len(text)
    assert normalize_for_entities("ＰＯＳ機顯示５１") == "pos机显示51"
