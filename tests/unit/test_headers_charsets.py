"""Decoding of the charsets and header forms that real Chinese/English mail uses."""

import pytest

from agentconsole.mail.charsets import Decoded, decode_bytes
from agentconsole.mail.headers import (
    decode_header,
    message_ids,
    normalise_subject,
    parse_addresses,
    parse_date,
    parse_sender,
)
from tests.mailfactory import word

TEXT = "您好，提现失败了"


@pytest.mark.parametrize("label", ["gb2312", "GBK", "gb18030", "utf-8", "big5", "iso-2022-jp"])
def test_declared_charsets_decode(label: str) -> None:
    text = "提現失敗了" if label == "big5" else ("こんにちは" if "2022" in label else TEXT)
    assert decode_bytes(text.encode(label), label).text == text


def test_gb2312_label_with_gbk_only_characters_still_decodes() -> None:
    # 镕 is in GBK but not in GB2312: mislabelled mail like this is common
    data = "朱镕基".encode("gbk")
    decoded = decode_bytes(data, "gb2312")
    assert decoded.text == "朱镕基"
    assert decoded.problem is None


def test_utf8_labelled_us_ascii_is_read_as_its_superset_without_a_problem() -> None:
    decoded = decode_bytes(TEXT.encode("utf-8"), "us-ascii")
    assert decoded == Decoded(TEXT, "utf-8", None)


def test_mislabelled_utf8_falls_back_and_says_so() -> None:
    decoded = decode_bytes(TEXT.encode("utf-8"), "Big5")
    assert decoded == Decoded(TEXT, "utf-8", "text does not decode as 'Big5'")


def test_unknown_charset_is_guessed_and_reported() -> None:
    decoded = decode_bytes(TEXT.encode("gb18030"), "x-klingon")
    assert decoded == Decoded(TEXT, "gb18030", "unknown charset 'x-klingon'")


def test_undecodable_bytes_never_raise() -> None:
    decoded = decode_bytes(bytes(range(128, 256)) * 3, "utf-8")
    assert decoded.text


def test_encoded_words_join_and_decode_per_charset() -> None:
    value = f"{word('提现', 'gb2312')} {word('失敗', 'big5')} now"
    assert decode_header(value)[0] == "提现失敗 now"


def test_broken_encoded_word_keeps_the_rest() -> None:
    text, problem = decode_header("=?utf-8?B?***?= ok")
    assert text.endswith("ok")


def test_encoded_word_may_decode_to_control_characters() -> None:
    # stored as decoded; display helpers make it harmless (see test_textsafe)
    text, _ = decode_header(word("a\r\nBcc: x@y\x1b[2J"))
    assert "\x1b" in text


def test_raw_8bit_utf8_and_gbk_headers() -> None:
    raw_utf8 = "王芳".encode().decode("ascii", "surrogateescape")
    raw_gbk = "王芳".encode("gbk").decode("ascii", "surrogateescape")
    assert decode_header(raw_utf8)[0] == "王芳"
    assert decode_header(raw_gbk)[0] == "王芳"


def test_addresses_with_chinese_names_and_many_recipients() -> None:
    pairs, total = parse_addresses(f"{word('王芳')} <Wang@Example.com>, b@x.org")
    assert pairs == [("王芳", "wang@example.com"), ("", "b@x.org")]
    many = ", ".join(f"u{i}@example.com" for i in range(20_000))
    kept, total = parse_addresses(many, limit=200)
    assert total == 20_000 and len(kept) == 200


def test_sender_display_name_pretending_to_be_an_address() -> None:
    assert parse_sender("support@bank.example <x@evil.test>") == (
        "support@bank.example",
        "x@evil.test",
    )
    assert parse_sender('"support@okwallet.example" <x@evil.test>')[1] == "x@evil.test"
    assert parse_sender("alice@") == ("", "")


@pytest.mark.parametrize(
    "value",
    [None, "", "yesterday", "Mon, 99 Foo 2024 25:61:00 +0000", "Thu, 01 Jan 3000 00:00:00 +0000"],
)
def test_bad_dates_are_none(value: str | None) -> None:
    assert parse_date(value) is None


def test_date_is_utc() -> None:
    moment = parse_date("Mon, 05 Oct 2026 10:00:00 +0800")
    assert moment is not None and moment.hour == 2


def test_message_ids() -> None:
    assert message_ids("<A@x> <b@Y>") == ["a@x", "b@y"]
    assert message_ids("bare@id") == ["bare@id"]


@pytest.mark.parametrize(
    "subject",
    [
        "Re: Withdrawal",
        "RE: re:Withdrawal",
        "回复：Withdrawal",
        "答复: withdrawal",
        "转发：Withdrawal",
        "AW: Withdrawal",
        "Fwd: [T-42] Withdrawal",
        "Re：  withdrawal  ",
    ],
)
def test_subject_normalisation(subject: str) -> None:
    assert normalise_subject(subject) == "withdrawal"
