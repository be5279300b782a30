"""``canned lint``: every response checked the way a reply will use it.

Loading already checked the front matter, that the template parses and that it names
only known variables. Here each response is rendered twice: for a full sample ticket,
and for a ticket that has nothing but what every ticket has (its ref, category and
priority), so that a variable without a ``default`` fails here and not in an agent's
reply. The sample rendering then goes through the etiquette linter as a fragment (the
rules about a whole reply, such as the greeting, are left out): a canned text that asks
for a password or shouts fails here, before any agent sends it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from agentconsole.canned.library import Library
from agentconsole.canned.model import CannedError, CannedResponse, Rendered
from agentconsole.canned.templating import render
from agentconsole.config import Config
from agentconsole.lint import LintContext, RuleSet, lint_text

SAMPLE_REF = "T-7K3QX9PA"
# A canned text must not promise an answer later than mail is answered (24 to 48 h).
PROMISE_HOURS = 48.0


@dataclass(frozen=True)
class Problem:
    """One line of ``canned lint``'s report: ``file:line[:col]: message``. Only an
    error fails the check; a warning is shown."""

    text: str
    severity: str = "error"

    def __str__(self) -> str:
        return self.text if self.severity == "error" else f"{self.text} ({self.severity})"


def sample_values(response: CannedResponse, config: Config) -> dict[str, object]:
    """Every variable filled, as for a ticket we know everything about."""
    zh = response.lang == "zh"
    return {
        "customer": {"name": "王小明" if zh else "Ann Lee", "email": "customer@example.com"},
        "ticket": {
            "ref": SAMPLE_REF,
            "subject": "提现未到账" if zh else "Withdrawal not received",
            "category": response.categories[0],
            "priority": "normal",
        },
        "agent": {
            "name": config.agent_name or "李娜",
            "email": config.from_address or "support@okwallet.example",
        },
        "sla": {"first_response_due": "2026-11-24 10:00"},
    }


def bare_values(response: CannedResponse) -> dict[str, object]:
    """Only what every ticket has: the rest must have a ``default``."""
    return {"ticket": {"ref": SAMPLE_REF, "category": response.categories[0], "priority": "normal"}}


def _where(response: CannedResponse, text: str, offset: int) -> str:
    """``file:line:col`` of an offset into rendered text. Rendering keeps the body's
    line breaks (variables hold one-line values), so the line is the source's."""
    line = response.body_line + text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{response.path}:{line}:{column}"


def _render(response: CannedResponse, values: Mapping[str, object], what: str) -> Rendered | str:
    try:
        rendered = render(response, values)
    except CannedError as exc:
        return f"{exc} ({what})"
    for marker in ("{{", "{%"):
        if marker in rendered.text:
            where = _where(response, rendered.text, rendered.text.index(marker))
            return f"{where}: template markup {marker} left in the text ({what})"
    return rendered


def _etiquette(
    response: CannedResponse, rendered: Rendered, config: Config, rules: RuleSet | None
) -> list[Problem]:
    values = sample_values(response, config)
    customer = values["customer"]
    assert isinstance(customer, dict)
    context = LintContext(
        customer_name=str(customer["name"]),
        customer_lang=response.lang,
        ticket_ref=SAMPLE_REF,
        first_response_hours=PROMISE_HOURS,
        allowed_domains=config.allowed_domains,
        fragment=True,
    )
    return [
        Problem(
            f"{_where(response, rendered.text, f.start)}: {f.code} {f.message}"
            f" [{rendered.text[f.start : f.end]}]",
            f.severity,
        )
        for f in lint_text(rendered.text, context, rules)
        if f.severity in ("error", "warning")
    ]


def check_response(
    response: CannedResponse, config: Config, rules: RuleSet | None = None
) -> list[Problem]:
    """The problems of one loaded response: both renderings, then the linter's
    errors and warnings on the full one."""
    problems: list[Problem] = []
    full = _render(response, sample_values(response, config), "with a full sample ticket")
    bare = _render(response, bare_values(response), "with an empty customer")
    problems.extend(Problem(result) for result in (full, bare) if isinstance(result, str))
    if isinstance(full, Rendered):
        problems.extend(_etiquette(response, full, config, rules))
    return problems


def check_library(library: Library, config: Config, rules: RuleSet | None = None) -> list[Problem]:
    """Every problem of the library's files: those that did not load, then each loaded
    response's. ``rules``: the linter's (``load_rules(config)``), default the shipped."""
    problems = [Problem(str(problem)) for problem in library.problems]
    for response in library.all():
        problems.extend(check_response(response, config, rules))
    return problems
