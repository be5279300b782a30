"""Helpers for the linter's tests: what a rule found, as a reader would check it."""

from __future__ import annotations

from agentconsole.lint import Finding, LintContext, lint_text


def found(text: str, code: str, ctx: LintContext | None = None) -> list[Finding]:
    """The findings of rule ``code`` in ``text``."""
    return [f for f in lint_text(text, ctx or LintContext()) if f.code == code]


def one(text: str, code: str, ctx: LintContext | None = None) -> tuple[str, str, str | None]:
    """The single finding of ``code``: (severity, the span's text, the text after its
    fix or None); fails when there is none or more than one."""
    findings = found(text, code, ctx)
    assert len(findings) == 1, f"{code} in {text!r}: {findings}"
    finding = findings[0]
    assert finding.fix is None or finding.fix.label, f"{code}: a fix without a label"
    fixed = finding.fix.apply(text) if finding.fix else None
    return finding.severity, text[finding.start : finding.end], fixed
