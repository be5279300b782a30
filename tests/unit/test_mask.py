"""Sensitive data is masked; look-alikes (order ids, dates) are not."""

import pytest

from agentconsole.mask import cn_id_ok, luhn_ok, mask_sensitive


def test_luhn_valid_card_is_masked_keeping_last_four() -> None:
    masked = mask_sensitive("my card 4111 1111 1111 1111 was charged")
    assert "4111 1111 1111 1111" not in masked.text
    assert masked.text.endswith("•••• •••• •••• 1111 was charged")
    assert masked.found == {"card": 1}


def test_luhn_invalid_digit_run_is_left_alone() -> None:
    text = "order ORD-1234567890123 and 4111111111111112"
    assert mask_sensitive(text).text == text


def test_chinese_id_with_valid_check_digit() -> None:
    assert cn_id_ok("11010519491231002X")
    masked = mask_sensitive("身份证号11010519491231002X请核实")
    assert "11010519491231002X" not in masked.text and masked.found == {"national_id": 1}
    wrong = "身份证号110105194912310021"
    assert mask_sensitive(wrong).text == wrong


@pytest.mark.parametrize(
    "text",
    ["验证码是 483920", "verification code: 483920", "my OTP 483920", "短信验证码483920"],
)
def test_one_time_codes_next_to_their_words(text: str) -> None:
    masked = mask_sensitive(text)
    assert "483920" not in masked.text and masked.found == {"code": 1}


def test_bare_numbers_are_not_codes() -> None:
    assert mask_sensitive("I paid 483920 yuan").text == "I paid 483920 yuan"


@pytest.mark.parametrize(
    "text", ["我的密码是Abc12345", "password: hunter2!", "密码：abc@123，谢谢"]
)
def test_pasted_passwords(text: str) -> None:
    masked = mask_sensitive(text)
    assert masked.found == {"password": 1}
    assert (
        "Abc12345" not in masked.text
        and "hunter2" not in masked.text
        and "abc@123" not in masked.text
    )


def test_luhn() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
