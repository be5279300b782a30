"""AC6xx: an attachment mentioned but missing, a reply time beyond the SLA target."""

from __future__ import annotations

import pytest

from agentconsole.lint import LintContext
from tests.lintcases import found, one

PART = LintContext(fragment=True)
SLA = LintContext(fragment=True, first_response_hours=24)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("退款凭证详见附件。", "详见附件"),
        ("我们已附上处理结果。", "已附上"),
        ("Please find attached the receipt.", "attached"),
        ("The statement is enclosed.", "enclosed"),
    ],
)
def test_attachment_mentioned_without_one(text: str, span: str) -> None:
    assert one(text, "AC601", PART) == ("warning", span, None)


@pytest.mark.parametrize(
    "text",
    [
        "请在回复时附上截图。",
        "请勿打开陌生邮件中的附件。",
        "Please attach a screenshot of the error.",
        "Do not open attachments from unknown senders.",
    ],
)
def test_asking_for_or_warning_about_attachments(text: str) -> None:
    assert found(text, "AC601", PART) == []


def test_attachment_mentioned_with_one_attached() -> None:
    ctx = LintContext(fragment=True, has_attachments=True)
    assert found("退款凭证详见附件。", "AC601", ctx) == []
    assert found("Please find attached the receipt.", "AC601", ctx) == []


def test_attachment_messages() -> None:
    (zh,) = found("退款凭证详见附件。", "AC601", PART)
    (en,) = found("Please find attached the receipt.", "AC601", PART)
    assert zh.message == "回复提到“详见附件”，但没有添加附件。"
    assert en.message == 'The reply says "attached" but nothing is attached.'


@pytest.mark.parametrize(
    ("text", "span", "fixed"),
    [
        ("我们将在72小时内回复您。", "72小时", "我们将在24小时内回复您。"),
        ("我们会在3个工作日内给您答复。", "3个工作日", "我们会在24小时内给您答复。"),
        ("我们将在两天内联系您。", "两天", "我们将在24小时内联系您。"),
        (
            "We will get back to you within 72 hours.",
            "72 hours",
            "We will get back to you within 24 hours.",
        ),
        ("We will reply in 3 business days.", "3 business days", "We will reply in 24 hours."),
        (
            "Expect our answer within 24-48 hours.",
            "24-48 hours",
            "Expect our answer within 24 hours.",
        ),
    ],
)
def test_promise_beyond_the_target(text: str, span: str, fixed: str) -> None:
    assert one(text, "AC602", SLA) == ("warning", span, fixed)


@pytest.mark.parametrize(
    "text",
    [
        "我们将在24小时内回复您。",
        "提现一般1-3个工作日到账。",
        "We will reply within 24 hours.",
        "A bank transfer takes 3 business days.",
    ],
)
def test_promise_within_the_target_or_not_about_answering(text: str) -> None:
    assert found(text, "AC602", SLA) == []


def test_no_target_no_promise_check() -> None:
    assert found("我们将在72小时内回复您。", "AC602", PART) == []


def test_promise_message() -> None:
    (zh,) = found("我们将在72小时内回复您。", "AC602", SLA)
    (en,) = found("We will reply within 72 hours.", "AC602", SLA)
    assert zh.message == "承诺的“72小时”长于本工单的首次响应目标（24 小时）。"
    assert en.message == (
        'The promised "72 hours" is longer than this ticket\'s first-response target (24 hours).'
    )
