"""Whatever a reply holds, the linter answers: no exception, offsets inside the text,
and no pattern that takes quadratic time on a long run of one character."""

from __future__ import annotations

import time

import pytest

from agentconsole.lint import LintContext, lint_text

FULL = LintContext(
    customer_name="王小明",
    customer_lang="zh",
    subject="",
    ticket_ref="T-1A2B3C4D",
    first_response_hours=24,
    allowed_domains=("okwallet.example",),
)

HOSTILE = [
    "",
    " \n\t\n ",
    "> 只有引用\n> quoted only",
    "\x1b]0;title\x07\u202e\u0000\r\n\r\n",
    "{{" * 20_000,
    "{%" * 20_000,
    "⟦" * 20_000 + "⟧",
    "!" * 50_000,
    "A " * 50_000,
    "AAAA " * 20_000 + "a",
    "1 " * 50_000,
    "4" * 100_000,
    "code " * 20_000 + "123456",
    "请提供" * 30_000,
    "验证码" * 30_000,
    "http://" + "a." * 30_000,
    "a@" * 50_000,
    "尊敬的" + "王" * 50_000,
    "Dear " + "Ann " * 50_000,
    "72小时" * 20_000 + "回复",
    "a-" * 50_000,
    "a." * 50_000,
    "1-" * 50_000,
    "x@y." * 30_000,
    "Dear " + "A" * 100_000,
    "send us " + "PIN " * 30_000,
    "never " * 30_000 + "password",
    "我们将在" + "七十二" * 20_000 + "小时内回复",
    # A thousand negated requests: each one's negation is looked for nearby, not back
    # to the start of a sentence that never ends.
    "请勿提供验证码，" * 5_000,
    "我们不会以任何理由，向您索要密码，" * 2_000,
    "we never, ever send us your PIN, " * 2_000,
    "never send us your PIN " * 3_000,
    "如果不会，" * 10_000 + "请把密码发给我们",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_linted(text: str) -> None:
    started = time.monotonic()
    findings = lint_text(text, FULL)
    elapsed = time.monotonic() - started
    for finding in findings:
        limit = len(FULL.subject or "") if finding.target == "subject" else len(text)
        assert 0 <= finding.start <= finding.end <= limit
        if finding.fix is not None:
            assert finding.fix.start <= finding.fix.end
    assert elapsed < 5, f"{elapsed:.1f} s: a pattern is quadratic"
