"""Entity extraction: the cases from issue 5 and the false positives that would mislead."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from assistant.nlu.entities import extract_entities, luhn_valid, mask_pans

# A Wednesday, so "上周五" and "周一" have unambiguous answers.
NOW = datetime(2024, 6, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
VISA_TEST_PAN = "4111111111111111"
UNIONPAY_LIKE_PAN = "6222021234567890128"  # 19 digits, Luhn-valid


def entities(text: str) -> dict[str, Any]:
    return extract_entities(text, now=NOW)


# ------------------------------------------------------------------ response codes


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("刷卡显示51", "51"),
        ("代码A0", "A0"),
        ("返回码 05", "05"),
        ("error 05", "05"),
        ("提示交易失败 96", "96"),
        ("POS機顯示５１", "51"),
        ("出现51错误", "51"),
        ("显示“51 余额不足”", "51"),
        ("pos says declined code 55", "55"),
        ("交易失败(55)", "55"),
        ("刷卡一直报a0", "A0"),
        ("应答码：14", "14"),
    ],
)
def test_response_codes(text: str, code: str) -> None:
    assert entities(text)["response_codes"] == [code]


@pytest.mark.parametrize(
    "text",
    [
        "1280元",
        "显示失败，我刷了50",
        "我刷了50次都显示失败",
        "显示12:30交易失败",
        "电话13812345678",
        "提示10月1日到账",
        "费率显示0.6%",
        "显示金额 50 元",
        "昨天刷了3笔",
        "参考号123456789012",
    ],
)
def test_no_response_code_in_amounts_times_phones_or_ids(text: str) -> None:
    assert "response_codes" not in entities(text)


# ------------------------------------------------------------------ amounts


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1280元", 128000),
        ("1,280.50", 128050),
        ("一千二百八十块", 128000),
        ("1280块5", 128050),
        ("刷了两千块", 200000),
        ("¥99.80", 9980),
        ("刷了3万", 3000000),
        ("流水号是 001234 金额 300.00", 30000),
        ("刷了1280还没到账", 128000),
        ("RMB 450", 45000),
    ],
)
def test_amounts_in_fen(text: str, fen: int) -> None:
    assert entities(text)["amounts_fen"] == [fen]


@pytest.mark.parametrize("text", ["刷了3次", "今天10点半", "13812345678", "费率0.6%", "上个月28号"])
def test_no_amount(text: str) -> None:
    assert "amounts_fen" not in entities(text)


# ------------------------------------------------------------------ dates and times


@pytest.mark.parametrize(
    ("text", "date", "time"),
    [
        ("昨天下午三点", "2024-06-11", "15:00"),
        ("昨天下午3点刷的1280元还没到账", "2024-06-11", "15:00"),
        ("10月1日", "2023-10-01", None),  # merchants talk about the past: last year's
        ("6月1号", "2024-06-01", None),
        ("上周五", "2024-06-07", None),
        ("周一", "2024-06-10", None),
        ("今天上午10点半", "2024-06-12", "10:30"),
        ("前天", "2024-06-10", None),
        ("大前天", "2024-06-09", None),
        ("昨晚11点", "2024-06-11", "23:00"),
        ("2024-05-20 14:05", "2024-05-20", "14:05"),
        ("3天前", "2024-06-09", None),
        ("上个月28号", "2024-05-28", None),
    ],
)
def test_dates_and_times_relative_to_now(text: str, date: str, time: str | None) -> None:
    found = entities(text)["datetimes"][0]
    assert (found["date"], found["time"]) == (date, time)


def test_datetime_is_aware_shanghai_time() -> None:
    found = entities("昨天下午三点")["datetimes"][0]
    assert found["datetime"] == "2024-06-11T15:00:00+08:00"
    assert found["text"] == "昨天下午三点"


def test_now_defaults_to_the_current_time() -> None:
    assert extract_entities("今天")["datetimes"][0]["date"]


# ------------------------------------------------------------------ identifiers


def test_labelled_identifiers() -> None:
    found = entities("商户号898310012345678 终端号AB12CD34 参考号402918374650 凭证号 000123")
    assert found["merchant_id"] == ["898310012345678"]
    assert found["terminal_id"] == ["AB12CD34"]
    assert found["rrn"] == ["402918374650"]
    assert found["trace_no"] == ["000123"]


def test_bare_twelve_digits_are_an_rrn_but_a_phone_is_not() -> None:
    assert entities("这笔 402918374650 成功没")["rrn"] == ["402918374650"]
    found = entities("来电13812345678说是银联的")
    assert found["phones"] == ["13812345678"]
    assert "rrn" not in found


def test_trace_number_with_english_label() -> None:
    assert entities("trace no 004512")["trace_no"] == ["004512"]


def test_serial_number_and_ticket() -> None:
    found = entities("SN:N5AB1234567，工单号 T20240611001")
    assert found["serial_no"] == ["N5AB1234567"]
    assert found["ticket_no"] == ["T20240611001"]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("有人用13812345678给我打电话", "13812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("座机021-62345678", "02162345678"),
        ("来电显示95516", "95516"),
        ("400-123-4567是你们的吗", "4001234567"),
    ],
)
def test_phone_numbers(text: str, phone: str) -> None:
    assert entities(text)["phones"] == [phone]


def test_short_number_followed_by_money_is_an_amount() -> None:
    found = entities("刷了95000元")
    assert "phones" not in found
    assert found["amounts_fen"] == [9500000]


def test_verification_code() -> None:
    found = entities("有人打电话问我要验证码 123456")
    assert found["verification_codes"] == ["123456"]
    assert "response_codes" not in found


def test_keyword_entities() -> None:
    found = entities("银联商务的机器闪付没反应，wifi也连不上")
    assert found["institution"] == ["chinaums"]
    assert found["card_type"] == ["contactless"]
    assert found["network_type"] == ["wifi"]


# ------------------------------------------------------------------ card numbers


def test_luhn() -> None:
    assert luhn_valid(VISA_TEST_PAN)
    assert luhn_valid(UNIONPAY_LIKE_PAN)
    assert not luhn_valid("4111111111111112")


def test_full_card_number_is_reported_masked_only() -> None:
    found = entities(f"客人的卡 {VISA_TEST_PAN} 刷不了")
    assert found["card_numbers"] == ["411111****1111"]
    assert VISA_TEST_PAN not in str(found)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"卡号{VISA_TEST_PAN}", "卡号411111****1111"),
        ("卡号是 4111 1111 1111 1111 帮我查", "卡号是 411111****1111 帮我查"),
        ("card 4111-1111-1111-1111 declined", "card 411111****1111 declined"),
        (f"{UNIONPAY_LIKE_PAN}这张卡", "622202****0128这张卡"),
        (
            "两张卡 4111111111111111 和 6222021234567890128",
            "两张卡 411111****1111 和 622202****0128",
        ),
    ],
)
def test_mask_pans_masks_every_full_card_number(text: str, masked: str) -> None:
    assert mask_pans(text) == masked


def test_mask_pans_masks_a_labelled_card_number_even_with_a_typo() -> None:
    assert mask_pans("卡号 4111111111111112") == "卡号 411111****1112"


def test_mask_pans_leaves_other_numbers_alone() -> None:
    text = "商户号898310012345678，电话13812345678，参考号402918374650，金额1280.00元"
    assert mask_pans(text) == text


def test_sixteen_digits_failing_luhn_without_label_are_not_a_card() -> None:
    assert "card_numbers" not in entities("单号 4111111111111112")
