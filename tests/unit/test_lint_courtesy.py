"""AC1xx: greeting by the customer's name, thanks or a closing, a way to reach us."""

from __future__ import annotations

import pytest

from agentconsole.lint import LintContext
from tests.lintcases import found, one

WANG = LintContext(customer_name="王小明")
ANN = LintContext(customer_name="Ann Lee")
ZH_BODY = "\n您的提现已于今日到账。\n感谢您的耐心与理解。\nOKWallet 客服团队"
EN_BODY = "\nYour withdrawal arrived today.\nThank you for your patience.\nOKWallet Support team"


@pytest.mark.parametrize(
    ("text", "ctx", "fixed_start"),
    [
        ("您的提现已于今日到账。\n谢谢，客服团队", WANG, "王小明您好，\n\n您的提现"),
        ("您的提现已于今日到账。\n谢谢，客服团队", LintContext(), "您好，\n\n您的提现"),
        ("Your withdrawal arrived.\nThanks, Support team", ANN, "Dear Ann Lee,\n\nYour withdrawal"),
        ("Your withdrawal arrived.\nThanks, Support team", LintContext(), "Hello,\n\nYour"),
    ],
)
def test_no_greeting_offers_one(text: str, ctx: LintContext, fixed_start: str) -> None:
    severity, span, fixed = one(text, "AC101", ctx)
    assert (severity, span) == ("warning", text.splitlines()[0])
    assert fixed is not None and fixed.startswith(fixed_start)


@pytest.mark.parametrize(
    ("greeting", "ctx"),
    [
        ("尊敬的王小明，您好！", WANG),
        ("尊敬的王先生，您好！", WANG),
        ("王小明您好：", WANG),
        ("小明您好，", WANG),
        ("您好，王小明：", WANG),
        ("尊敬的客户，您好！", WANG),
        ("您好，请放心，我们已经处理了您的申请。", WANG),
        ("Dear Ann Lee,", ANN),
        ("Dear Ms Lee,", ANN),
        ("Hi Ann!", ANN),
        ("Hello there,", ANN),
        ("Dear valued customer,", ANN),
        ("Hello, we have received your request.", ANN),
        ("Hello, thanks for writing to us!", ANN),
        ("Hi, sorry for the wait!", ANN),
        ("dear ms lee,", ANN),
        ("Dear 王小明,", WANG),
    ],
)
def test_greeting_the_customer_is_fine(greeting: str, ctx: LintContext) -> None:
    text = greeting + (ZH_BODY if ctx is WANG else EN_BODY)
    assert found(text, "AC101", ctx) == [] and found(text, "AC102", ctx) == []


@pytest.mark.parametrize(
    ("greeting", "ctx", "span", "fixed"),
    [
        ("尊敬的李先生，您好！", WANG, "李先生", "尊敬的王小明，您好！"),
        ("王小红您好：", WANG, "王小红", "王小明您好："),
        ("您好，李华：", WANG, "李华", "您好，王小明："),
        ("Dear Mr Smith,", ANN, "Mr Smith", "Dear Ann Lee,"),
        ("Hi Bob!", ANN, "Bob", "Hi Ann Lee!"),
        ("Dear 王小明,", ANN, "王小明", "Dear Ann Lee,"),
    ],
)
def test_greeting_someone_else_is_an_error(
    greeting: str, ctx: LintContext, span: str, fixed: str
) -> None:
    body = ZH_BODY if ctx is WANG else EN_BODY
    severity, shown, result = one(greeting + body, "AC102", ctx)
    assert (severity, shown, result) == ("error", span, fixed + body)


def test_wrong_name_message_in_each_language() -> None:
    (zh,) = found("尊敬的李先生，您好！" + ZH_BODY, "AC102", WANG)
    (en,) = found("Dear Mr Smith," + EN_BODY, "AC102", ANN)
    assert zh.message == "称呼的是“李先生”，但客户是“王小明”：这封回复是否写错了人？"
    assert en.message == (
        'The greeting names "Mr Smith" but the customer is "Ann Lee":'
        " is this reply for someone else?"
    )


@pytest.mark.parametrize(
    ("text", "span", "fixed"),
    [
        (
            "王小明您好：\n您的提现已到账。\nOKWallet 客服团队",
            "OKWallet 客服团队",
            "王小明您好：\n您的提现已到账。\n感谢您的耐心与理解！\nOKWallet 客服团队",
        ),
        (
            "Dear Ann,\nYour withdrawal arrived.\nOKWallet Support",
            "OKWallet Support",
            "Dear Ann,\nYour withdrawal arrived.\nThank you for your patience.\nOKWallet Support",
        ),
        (
            "王小明您好：\n您的提现已到账。",
            "您的提现已到账。",
            "王小明您好：\n您的提现已到账。\n感谢您的耐心与理解！",
        ),
    ],
)
def test_no_thanks_or_closing(text: str, span: str, fixed: str) -> None:
    assert one(text, "AC103") == ("warning", span, fixed)


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        (  # the draft compose builds, its closing line deleted: the thanks go above
            "Dear Ann,\n\nYour withdrawal arrived.\n\nagent\nOKWallet Support\n\n> Where is it?",
            "Dear Ann,\n\nYour withdrawal arrived.\n\nThank you for your patience.\n"
            "agent\nOKWallet Support\n\n> Where is it?",
        ),
        (
            "王小明您好：\n您的提现已到账。\n李娜\nOKWallet 客服",
            "王小明您好：\n您的提现已到账。\n感谢您的耐心与理解！\n李娜\nOKWallet 客服",
        ),
    ],
)
def test_thanks_go_above_the_whole_signature(text: str, fixed: str) -> None:
    [finding] = found(text, "AC103")
    assert finding.fix is not None and finding.fix.apply(text) == fixed


@pytest.mark.parametrize(
    "text",
    [
        "王小明您好：\n您的提现已到账。\n祝好！\nOKWallet 客服团队",
        "感谢您的来信。\n您的提现已到账，谢谢您的耐心。\nOKWallet 客服团队",
        "Dear Ann,\nYour withdrawal arrived.\nKind regards,\nOKWallet Support",
    ],
)
def test_thanks_or_closing_found(text: str) -> None:
    assert found(text, "AC103") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("王小明您好：\n您的提现已到账。\n祝好！", "祝好！"),
        ("Dear Ann,\nYour withdrawal arrived.\nKind regards,\nAnn", "Ann"),
    ],
)
def test_no_way_to_reach_us(text: str, span: str) -> None:
    assert one(text, "AC104") == ("info", span, None)


@pytest.mark.parametrize(
    "text",
    [
        "王小明您好：\n您的提现已到账。\n如有疑问，请回复此邮件。\n祝好！",
        "王小明您好：\n您的提现已到账。\n祝好！\n热线 400-800-1234",
        "Dear Ann,\nYour withdrawal arrived.\nKind regards,\nhelp@okwallet.example",
        "Dear Ann,\nYour withdrawal arrived.\nKind regards,\nOKWallet Support",
    ],
)
def test_a_way_to_reach_us_found(text: str) -> None:
    assert found(text, "AC104") == []


def test_quoted_lines_are_not_our_closing() -> None:
    text = "王小明您好：\n已处理。\n\n> 谢谢\n> 客服团队你好"
    assert [f.code for f in found(text, "AC103") + found(text, "AC104")] == ["AC103", "AC104"]


def test_a_fragment_needs_no_greeting_or_closing() -> None:
    ctx = LintContext(customer_name="王小明", fragment=True)
    text = "尊敬的李先生，您的提现已到账。"
    assert [f.code for f in found(text, "AC101", ctx) + found(text, "AC102", ctx)] == []
    assert found(text, "AC103", ctx) == [] and found(text, "AC104", ctx) == []


def test_a_hostile_name_goes_into_the_fix_as_one_safe_line() -> None:
    ctx = LintContext(customer_name="Ann\r\nBcc: x@evil.test\x1b[2J")
    severity, _span, fixed = one("Your withdrawal arrived.\nThanks, Support team", "AC101", ctx)
    assert fixed is not None and fixed.startswith("Dear Ann Bcc: x@evil.test\u241b[2J,\n\n")
