"""AC4xx: empty or vague subjects and a lost ticket reference; findings point into the
subject, and the fix appends the reference there."""

from __future__ import annotations

import pytest

from agentconsole.lint import Finding, LintContext, lint_text

ZH = "王小明您好：\n您的提现已到账。\n谢谢！\nOKWallet 客服团队"
EN = "Dear Ann,\nYour withdrawal arrived.\nThanks!\nOKWallet Support"


def _subject(text: str, subject: str | None, ref: str | None = None) -> list[Finding]:
    ctx = LintContext(subject=subject, ticket_ref=ref)
    return [f for f in lint_text(text, ctx) if f.code.startswith("AC4")]


@pytest.mark.parametrize(
    ("text", "message"), [(ZH, "邮件主题为空。"), (EN, "The subject is empty.")]
)
def test_empty_subject(text: str, message: str) -> None:
    (finding,) = _subject(text, "  ")
    assert (finding.code, finding.severity, finding.target, finding.message) == (
        "AC401",
        "warning",
        "subject",
        message,
    )


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        (ZH, "问题"),
        (ZH, "回复：求助！"),
        (EN, "Re:"),
        (EN, "Re: help [T-1A2B3C4D]"),
        (EN, "Question?"),
    ],
)
def test_vague_subject(text: str, subject: str) -> None:
    (finding,) = _subject(text, subject, "T-1A2B3C4D" if "T-" in subject else None)
    assert (finding.code, finding.start, finding.end) == ("AC402", 0, len(subject))


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        (ZH, "回复：提现问题"),
        (ZH, "提现未到账"),
        (EN, "Re: withdrawal not received"),
        (EN, "Help with fees"),
    ],
)
def test_subjects_that_name_the_matter(text: str, subject: str) -> None:
    assert _subject(text, subject) == []


def test_vague_subject_message_in_chinese() -> None:
    (finding,) = _subject(ZH, "问题")
    assert finding.message == "主题“问题”太笼统：请写明事由（如“提现未到账”）。"


@pytest.mark.parametrize(
    ("text", "subject", "fixed", "label"),
    [
        (ZH, "回复：提现未到账", "回复：提现未到账 [T-1A2B3C4D]", "在主题末尾加上工单号"),
        (
            EN,
            "Re: withdrawal not received",
            "Re: withdrawal not received [T-1A2B3C4D]",
            "append the ticket reference to the subject",
        ),
    ],
)
def test_lost_reference_is_appended(text: str, subject: str, fixed: str, label: str) -> None:
    (finding,) = _subject(text, subject, "T-1A2B3C4D")
    assert (finding.code, finding.severity, finding.target) == ("AC403", "warning", "subject")
    assert finding.fix is not None and finding.fix.apply(subject) == fixed
    assert finding.fix.label == label


@pytest.mark.parametrize(
    ("text", "subject"),
    [(ZH, "回复：提现未到账 [T-1A2B3C4D]"), (EN, "Re: withdrawal not received [t-1a2b3c4d]")],
)
def test_reference_kept(text: str, subject: str) -> None:
    assert _subject(text, subject, "T-1A2B3C4D") == []


def test_no_subject_no_subject_rules() -> None:
    assert _subject(EN, None, "T-1A2B3C4D") == []
