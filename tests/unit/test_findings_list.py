"""The lines the compose pane shows for findings: where, what, and the fix key."""

from __future__ import annotations

from agentconsole.lint import Finding, Fix
from agentconsole.widgets.findings import finding_line, position, summary


def test_position_is_line_and_column_from_one() -> None:
    text = "您好，王小明：\n\n请提供密码"
    assert position(text, 0) == "1:1"
    assert position(text, text.index("请")) == "3:1"
    assert position(text, text.index("密")) == "3:4"
    assert position(text, 999) == "3:6"  # past the end: the end


def test_a_line_names_the_code_place_message_and_fix_literally() -> None:
    fix = Fix(10, 13, "!", "collapse to one mark")
    finding = Finding("AC504", "warning", "Too many [red]marks[/]\x1b[2J", 10, 13, fix)
    line = finding_line(finding, "Dear Ann,\n!!!")
    assert line.plain == "▲ AC504 2:1      Too many [red]marks[/]␛[2J  ctrl+f: collapse to one mark"
    subject = Finding("AC403", "error", "lost the ref", 0, 4, target="subject")
    assert finding_line(subject, "x").plain.startswith("✖ AC403 subject  lost the ref")


def test_summary_counts_by_severity() -> None:
    def f(severity: str) -> Finding:
        return Finding("AC1", severity, "m", 0, 1)

    assert summary([]) == "No findings"
    assert summary([f("error"), f("warning"), f("warning")]) == "1 error, 2 warnings"
    assert summary([f("info")]) == "1 info"
