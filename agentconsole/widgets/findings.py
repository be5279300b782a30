"""The linter's findings under the reply: one line each, in text order.

A finding's message is ours (the rule files'), but its line may quote the reply, and
the reply quotes the customer: every line is a Rich ``Text`` made safe, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from agentconsole.lint import Finding
from agentconsole.textsafe import safe_line

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
SEVERITY_MARK = {"error": "✖", "warning": "▲", "info": "●"}


def position(text: str, offset: int) -> str:
    """``line:column`` (from 1) of ``offset`` in ``text``, as the CLI prints it."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def finding_line(finding: Finding, text: str) -> Text:
    """One finding: mark, code, where, message, and the fix one key applies."""
    style = SEVERITY_STYLE.get(finding.severity, "")
    line = Text()
    line.append(f"{SEVERITY_MARK.get(finding.severity, '•')} {finding.code} ", style=style)
    where = "subject" if finding.target == "subject" else position(text, finding.start)
    line.append(f"{where:<8} ", style="dim")
    line.append(safe_line(finding.message))
    if finding.fix is not None:
        line.append(f"  ctrl+f: {safe_line(finding.fix.label)}", style="dim italic")
    return line


def summary(findings: Sequence[Finding]) -> str:
    """``2 errors, 1 warning`` (or ``No findings``), for the status line."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_STYLE}
    parts = [f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    return ", ".join(parts) if parts else "No findings"


class FindingsList(OptionList):
    """The findings of the last check; the highlighted one is "current"."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.findings: list[Finding] = []

    def show(self, findings: Sequence[Finding], text: str) -> None:
        """Replace the list, keeping the same finding highlighted when it is still there."""
        keep = self.current
        self.findings = list(findings)
        self.clear_options()
        self.add_options([Option(finding_line(f, text)) for f in self.findings])
        if not self.findings:
            if self.has_focus:
                # hidden with the focus, Textual hands it to the first sibling that takes
                # it, the reply's text: a check arriving just after tab left the text
                # would pull the agent's next keys back into the reply. Move on instead.
                self.screen.focus_next()
            self.display = False
            return
        self.display = True
        same = [
            i
            for i, f in enumerate(self.findings)
            if keep is not None and (f.code, f.target) == (keep.code, keep.target)
        ]
        self.highlighted = same[0] if same else 0

    @property
    def current(self) -> Finding | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.findings):
            return None
        return self.findings[index]

    def step(self, by: int) -> Finding | None:
        """Highlight the next (``by`` 1) or previous (-1) finding, wrapping around."""
        if not self.findings:
            return None
        index = self.highlighted if self.highlighted is not None else -by
        self.highlighted = (index + by) % len(self.findings)
        return self.current
