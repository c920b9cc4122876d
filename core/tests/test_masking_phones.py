import logging

import pytest

from core.masking import PanMaskingFilter, mask_pan, mask_pans_in_text, mask_phone
from core.phones import PhoneNumberError, normalize_phone


def test_mask_pan_keeps_first_six_last_four():
    assert mask_pan("6222 0212 3456 7890 128") == "622202*********0128"


def test_free_text_pans_masked_only_when_luhn_valid():
    assert mask_pans_in_text("卡号 4111111111111111 刷不了") == "卡号 411111******1111 刷不了"
    assert mask_pans_in_text("参考号 123456789012") == "参考号 123456789012"  # an RRN, not a card
    assert mask_pans_in_text("订单 4111111111111112") == "订单 4111111111111112"  # fails Luhn


def test_log_records_never_carry_a_pan(caplog):
    logger = logging.getLogger("poscare.test")
    logger.addFilter(PanMaskingFilter())
    with caplog.at_level(logging.INFO, logger="poscare.test"):
        logger.info("card %s declined", "4111111111111111")
    assert "4111111111111111" not in caplog.text and "411111******1111" in caplog.text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("138 1234 5678", "+8613812345678"),
        ("021-6089 2222", "+862160892222"),
        ("+86 10 5671 0000", "+861056710000"),
        ("95516", "95516"),
        ("400-820-8888", "4008208888"),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["1234", "138123", "abc", "", "+86 12"])
def test_bad_phone_numbers_get_a_bilingual_reason(raw):
    with pytest.raises(PhoneNumberError) as raised:
        normalize_phone(raw)
    assert raised.value.messages["zh"] and raised.value.messages["en"]


def test_mask_phone():
    assert mask_phone("+8613812345678") == "138****5678"
