"""``canned lint``: every response checked the way a reply will use it.

Loading already checked the front matter, that the template parses and that it names
only known variables. Here each response is rendered twice: for a full sample ticket,
and for a ticket that has nothing but what every ticket has (its ref, category and
priority), so that a variable without a ``default`` fails here and not in an agent's
reply. Problems are lines ``file:line: message``.
"""

from __future__ import annotations

from collections.abc import Mapping

from agentconsole.canned.library import Library
from agentconsole.canned.model import CannedError, CannedResponse, Rendered
from agentconsole.canned.templating import render
from agentconsole.config import Config

SAMPLE_REF = "T-7K3QX9PA"


def sample_values(response: CannedResponse, config: Config) -> dict[str, object]:
    """Every variable filled, as for a ticket we know everything about."""
    return {
        "customer": {
            "name": "王小明" if response.lang == "zh" else "Ann Lee",
            "email": "customer@example.com",
        },
        "ticket": {
            "ref": SAMPLE_REF,
            "subject": "提现未到账" if response.lang == "zh" else "Withdrawal not received",
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


def _render(response: CannedResponse, values: Mapping[str, object], what: str) -> Rendered | str:
    try:
        rendered = render(response, values)
    except CannedError as exc:
        return f"{exc} ({what})"
    for marker in ("{{", "{%"):
        if marker in rendered.text:
            line = response.body_line + rendered.text[: rendered.text.index(marker)].count("\n")
            return f"{response.path}:{line}: template markup {marker} left in the text ({what})"
    return rendered


def check_response(response: CannedResponse, config: Config) -> list[str]:
    problems: list[str] = []
    for values, what in (
        (sample_values(response, config), "with a full sample ticket"),
        (bare_values(response), "with an empty customer"),
    ):
        result = _render(response, values, what)
        if isinstance(result, str):
            problems.append(result)
    return problems


def check_library(library: Library, config: Config) -> list[str]:
    """Every problem of the library's files: those that did not load, then each loaded
    response's."""
    problems = [str(problem) for problem in library.problems]
    for response in library.all():
        problems.extend(check_response(response, config))
    return problems
