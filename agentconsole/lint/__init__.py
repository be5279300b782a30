"""The etiquette linter: checks a support reply the way a careful team lead would.

Headless (no Textual, no Rich): the compose pane, ``agentconsole reply`` and
``agentconsole lint`` all call :func:`lint_text`. Rules and word lists are data
(``data/lint/*.toml``); see the README's "Etiquette linter" for the list.
"""

from agentconsole.lint.engine import RuleSet, has_blocking, lint_text, load_rules
from agentconsole.lint.language import detect_language
from agentconsole.lint.model import Finding, Fix, LintContext

__all__ = [
    "Finding",
    "Fix",
    "LintContext",
    "RuleSet",
    "detect_language",
    "has_blocking",
    "lint_text",
    "load_rules",
]
