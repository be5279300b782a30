"""What the linter hands out: findings with optional fixes, and what it needs to know.

Frozen dataclasses, so they cross layers (the compose pane, the CLI, the send path)
without anyone changing them under another's feet.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")
"""``error`` blocks sending unless the agent overrides it with a reason."""


@dataclass(frozen=True)
class Fix:
    """A replacement one key applies: ``text[:start] + replacement + text[end:]``."""

    start: int
    end: int
    replacement: str
    label: str

    def apply(self, text: str) -> str:
        return text[: self.start] + self.replacement + text[self.end :]

    def to_json(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "replacement": self.replacement,
            "label": self.label,
        }


@dataclass(frozen=True)
class Finding:
    """One problem in a reply. ``start``/``end`` are offsets into the linted text, or,
    when ``target`` is ``"subject"`` (the AC4xx rules), into ``LintContext.subject``:
    the subject is not part of the text, and its fix must not be applied to the body."""

    code: str
    severity: str
    message: str
    start: int
    end: int
    fix: Fix | None = None
    target: str = "body"

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "fix": self.fix.to_json() if self.fix else None,
            "target": self.target,
        }


@dataclass(frozen=True)
class LintContext:
    """What the linter knows about the ticket the reply answers."""

    customer_name: str = ""
    """The whole name as the customer is known ("王小明", "Ann Lee"); empty: unknown."""
    customer_lang: str | None = None
    """"zh" | "en" | None (unknown: the language rule is not run)."""
    subject: str | None = None
    """The reply's subject; None: the subject rules are not run."""
    ticket_ref: str | None = None
    """"T-1A2B3C4D": the subject must keep it."""
    has_attachments: bool = False
    first_response_hours: float | None = None
    """The SLA target a promised time must not exceed; None: not checked."""
    allowed_domains: tuple[str, ...] = ()
    """Domains (and their subdomains) links may point to; empty: not checked."""
    fragment: bool = False
    """A canned response's body on its own: the rules about a whole reply (greeting,
    thanks and closing, signature, subject, length, language, ⟦blanks⟧) are not run."""
