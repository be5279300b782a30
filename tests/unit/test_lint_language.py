"""AC8xx and detection: the reply's language against the customer's, and its length."""

from __future__ import annotations

import pytest

from agentconsole.lint import LintContext, detect_language
from tests.lintcases import found, one

ZH = "王小明您好：\n您的提现已于今日到账，请查看余额。\n感谢您的耐心！\nOKWallet 客服团队"
EN = "Dear Ann,\nYour withdrawal arrived today; check your balance.\nThanks!\nOKWallet Support"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (ZH, "zh"),
        (EN, "en"),
        ("请在App中输入OTP码，详见 https://help.okwallet.example/otp-guide", "zh"),
        ("Dear 王小明, your withdrawal arrived today. Thanks!", "en"),
        ("您好，您的提现已到账。Hello, your withdrawal has arrived today.", "mixed"),
        ("", "en"),
        ("12345 !!!", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "lang", "message"),
    [
        (ZH, "en", "客户使用英文，但回复是中文。"),
        (EN, "zh", "The customer writes in Chinese but the reply is in English."),
    ],
)
def test_reply_in_another_language(text: str, lang: str, message: str) -> None:
    ctx = LintContext(customer_lang=lang)
    assert one(text, "AC801", ctx) == ("warning", text.splitlines()[0], None)
    assert found(text, "AC801", ctx)[0].message == message


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (ZH, "zh"),
        (EN, "en"),
        (ZH, None),
        ("您好，您的提现已到账。Hello, your withdrawal has arrived today.", "en"),
        ("您好，您的提现已到账。Hello, your withdrawal has arrived today.", "zh"),
        (ZH + "\n> Hello, I never got my money, please help me with this withdrawal.", "zh"),
    ],
)
def test_reply_in_the_customer_language(text: str, lang: str | None) -> None:
    assert found(text, "AC801", LintContext(customer_lang=lang)) == []


@pytest.mark.parametrize(
    ("line", "limit", "message"),
    [
        (
            "您的提现已经到账。" * 10,
            1200,
            "回复有 1350 字（不含引用），超过建议的 1200 字：请精简。",
        ),
        (
            "Your withdrawal arrived. " * 10,
            3000,
            "The reply has 3735 characters (quotes left out), more than the suggested 3000:"
            " shorten it.",
        ),
    ],
)
def test_over_long_reply(line: str, limit: int, message: str) -> None:
    text = "\n".join([line.strip()] * 15)
    (finding,) = found(text, "AC802")
    assert (finding.severity, finding.end) == ("info", len(text))
    assert finding.message == message
    own = text[: finding.start].replace("\n", "")
    assert len(own) == limit


@pytest.mark.parametrize("line", ["您的提现已经到账。" * 10, "Your withdrawal arrived. " * 10])
def test_a_reply_under_the_limit_is_not_long(line: str) -> None:
    assert found("\n".join([line.strip()] * 5), "AC802") == []


def test_quotes_do_not_count_toward_length() -> None:
    text = ZH + "\n" + "\n".join(["> " + "您的提现已经到账。" * 20] * 20)
    assert found(text, "AC802") == []
