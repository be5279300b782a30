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


@pytest.mark.parametrize(
    "text",
    [
        "我确定密码没有输错",
        "密码错误三次后账户被锁定了",
        "忘记密码怎么办？",
        "验证码收不到，订单号12345678",
        "验证码一直没收到，已经等了10分钟",
        "My password is wrong, please help",
        "The password isn't accepted",
        "I asked for a password-reset",
        "password reset link expired",
        "the code for order 20240512 did not work",
        "error code 50012 on withdrawal",
        "promo code 8888 not applied",
        "the code arrived after 2026-11-23",
        "verification code expired at 10:30",
    ],
)
def test_near_misses_stay_as_written(text: str) -> None:
    masked = mask_sensitive(text)
    assert masked.text == text and masked.found == {}


@pytest.mark.parametrize(
    ("text", "shown", "secret"),
    [
        ("我的密码是 Abc12345。", "我的密码是 ••••••。", "Abc12345"),
        ("密码：abc@123，谢谢", "密码：••••••，谢谢", "abc@123"),
        ("新密码为pa55word", "新密码为••••••", "pa55word"),
        ("my password is hunter2.", "my password is ••••••.", "hunter2"),
        ("PIN: 4821", "PIN: ••••••", "4821"),
        ("验证码是：483920", "验证码是：••••••", "483920"),
        ("短信验证码 483920 已失效", "短信验证码 •••••• 已失效", "483920"),
        ("Your code is 7731", "Your code is ••••", "7731"),
        ("one-time code = 009912", "one-time code = ••••••", "009912"),
    ],
)
def test_real_secrets_are_masked_exactly(text: str, shown: str, secret: str) -> None:
    masked = mask_sensitive(text)
    assert masked.text == shown and secret not in masked.text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("card 4111.1111.1111.1111 ok", "card ••••.••••.••••.1111 ok"),
        ("card 4111/1111/1111/1111.", "card ••••/••••/••••/1111."),
        ("卡号４１１１１１１１１１１１１１１１", "卡号••••••••••••１１１１"),
        ("卡号 ４１１１ １１１１ １１１１ １１１１", "卡号 •••• •••• •••• １１１１"),
    ],
)
def test_cards_with_dots_slashes_or_full_width_digits(text: str, shown: str) -> None:
    masked = mask_sensitive(text)
    assert masked.text == shown and masked.found == {"card": 1}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("身份证 110105 19491231 002X。", "身份证 •••••• •••••••• ••••。"),
        ("身份证１１０１０５１９４９１２３１００２Ｘ", "身份证••••••••••••••••••"),
        ("ID 110105 1949123 1002X", "ID 110105 1949123 1002X"),
    ],
)
def test_id_numbers_with_spaces_or_full_width(text: str, shown: str) -> None:
    masked = mask_sensitive(text)
    assert masked.text == shown
    assert masked.found == ({"national_id": 1} if shown != text else {})


def test_card_security_codes_after_their_label() -> None:
    masked = mask_sensitive("cvv: 123, CVV2 456, 安全码 789, CVC：０１２３, security code is 321")
    assert masked.text == "cvv: •••, CVV2 •••, 安全码 •••, CVC：••••, security code is •••"
    assert masked.found == {"card_code": 5}


def test_full_width_one_time_code_and_password_keep_their_punctuation() -> None:
    masked = mask_sensitive("验证码是：４８３９２０，密码：ａｂｃ＠１２３，谢谢")
    assert masked.text == "验证码是：••••••，密码：••••••，谢谢"
    assert masked.found == {"code": 1, "password": 1}


@pytest.mark.parametrize(
    "text",
    [
        "order 1234.5678.9012.3456 and version 4111.1111",
        "订单号 ２０２４１１２３００１２３４５６",
        "amount 1.234.567.890.123.45",
        "cvv 123456 is not a cvv",
        "CVV 是背面三位数字",
        "the CVC2 field was empty",
        "2026/11/23 14:30",
    ],
)
def test_separated_and_full_width_near_misses_stay(text: str) -> None:
    masked = mask_sensitive(text)
    assert masked.text == text and masked.found == {}
