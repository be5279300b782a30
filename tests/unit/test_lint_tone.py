"""AC5xx: blame, emotional words and shouting, in our own words only."""

from __future__ import annotations

import pytest

from agentconsole.lint import LintContext
from tests.lintcases import found, one

PART = LintContext(fragment=True)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("这是你自己操作失误导致的。", "你自己操作失误"),
        ("提现失败是您的错，请重新提交。", "您的错"),
        ("It is your fault that the transfer failed.", "your fault"),
        ("You should have checked the payee first.", "You should have"),
    ],
)
def test_blame_is_a_warning(text: str, span: str) -> None:
    assert one(text, "AC501", PART) == ("warning", span, None)


@pytest.mark.parametrize(
    "text",
    [
        "这不是您的错，我们会处理。",
        "并非您的操作失误，是系统故障。",
        "This is not your fault; we will fix it.",
        "You should receive the refund within 24 hours.",
    ],
)
def test_blame_near_misses(text: str) -> None:
    assert found(text, "AC501", PART) == []


def test_blame_messages() -> None:
    (zh,) = found("这是你自己操作失误导致的。", "AC501", PART)
    (en,) = found("It is your fault.", "AC501", PART)
    assert zh.message == "“你自己操作失误”带有指责客户的意味：请客观描述发生了什么、接下来怎么做。"
    assert en.message == (
        '"your fault" blames the customer: say objectively what happened and what happens next.'
    )


@pytest.mark.parametrize(
    ("text", "span"),
    [("您的要求太离谱了。", "离谱"), ("That request is ridiculous.", "ridiculous")],
)
def test_emotional_words(text: str, span: str) -> None:
    assert one(text, "AC502", PART) == ("warning", span, None)


@pytest.mark.parametrize(
    "text", ["我们理解您的心情，会尽快处理。", "We understand how frustrating this is."]
)
def test_calm_words(text: str) -> None:
    assert found(text, "AC502", PART) == []


@pytest.mark.parametrize(
    ("text", "span", "fixed"),
    [
        (
            "PLEASE DO NOT SHARE YOUR OTP with anyone.",
            "PLEASE DO NOT SHARE YOUR OTP",
            "Please do not share your OTP with anyone.",
        ),
        (
            "请注意：YOUR ACCOUNT IS LOCKED，请联系我们。",
            "YOUR ACCOUNT IS LOCKED",
            "请注意：your account is locked，请联系我们。",
        ),
    ],
)
def test_shouting_in_capitals(text: str, span: str, fixed: str) -> None:
    assert one(text, "AC503", PART) == ("warning", span, fixed)


@pytest.mark.parametrize(
    "text",
    [
        "请勿向任何人透露 OTP 或 PIN。",
        "Fees are charged in USD CNY HKD at the ATM rate.",
        "Never share your OTP or PIN.",
    ],
)
def test_acronyms_are_not_shouting(text: str) -> None:
    assert found(text, "AC503", PART) == []


@pytest.mark.parametrize(
    ("text", "span", "fixed"),
    [
        ("请尽快处理！！！", "！！！", "请尽快处理！"),
        ("We fixed it!!!", "!!!", "We fixed it!"),
        ("Why???", "???", "Why?"),
    ],
)
def test_repeated_marks_collapse_to_one(text: str, span: str, fixed: str) -> None:
    assert one(text, "AC504", PART) == ("warning", span, fixed)


@pytest.mark.parametrize("text", ["已处理完毕！", "Done! Anything else?"])
def test_single_marks(text: str) -> None:
    assert found(text, "AC504", PART) == []


def test_the_quoted_customer_is_not_our_tone() -> None:
    text = "您好，已为您处理。\n> 你们太离谱了！！！YOU ARE ALL USELESS"
    assert [f.code for f in found(text, "AC502", PART) + found(text, "AC504", PART)] == []
    assert found(text, "AC503", PART) == []
