"""Running the rules: a :class:`RuleSet` compiled once, applied to a reply.

Each rule family (courtesy, security, template, subject, tone, promises, links,
language) is a module with a ``build(words, params)`` that compiles its patterns once
and returns a checker; the checker reports :class:`~agentconsole.lint.doc.Hit`s, and
the engine turns them into findings with the configured severity and a message in the
reply's language. Compiling per RuleSet, not per call, is what keeps a 5,000-character
reply under 10 ms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from agentconsole.config import Config
from agentconsole.lint import (
    courtesy,
    language_rules,
    links,
    promises,
    security,
    subject,
    template,
    tone,
)
from agentconsole.lint.doc import Doc, Hit
from agentconsole.lint.model import Finding, Fix, LintContext
from agentconsole.lint.rules import RuleInfo, configured, lint_data_dir, read_rule_data


class Checker(Protocol):
    def check(self, doc: Doc, ctx: LintContext) -> Iterable[Hit]: ...


Build = Callable[[dict[str, tuple[str, ...]], dict[str, Any]], Checker]
FAMILIES: tuple[Build, ...] = (
    courtesy.build,
    security.build,
    template.build,
    subject.build,
    tone.build,
    promises.build,
    links.build,
    language_rules.build,
)


class RuleSet:
    """The rules that are on, their severities, and every family's compiled checker."""

    def __init__(
        self,
        rules: dict[str, RuleInfo],
        words: dict[str, tuple[str, ...]],
        params: dict[str, Any],
    ) -> None:
        self.rules = rules
        self.checkers = [build(words, params) for build in FAMILIES]


def load_rules(config: Config) -> RuleSet:
    """The shipped rules with the config's switches (``lint.rules``) and extra words
    (``lint.words``); ConfigError names a key the data does not know. Compiling takes
    tens of milliseconds, so a rule set is kept per data folder and config: callers
    that lint as the agent types may call this every time."""
    switches = tuple(sorted(config.lint_rules.items()))
    words = tuple(sorted(config.lint_words.items()))
    return _compiled(lint_data_dir(), switches, words)


@lru_cache(maxsize=8)
def _compiled(
    folder: Path,
    switches: tuple[tuple[str, str], ...],
    extra_words: tuple[tuple[str, tuple[str, ...]], ...],
) -> RuleSet:
    data = read_rule_data(folder)
    rules, words = configured(data, dict(switches), dict(extra_words))
    return RuleSet(rules, words, data.params)


def default_rules() -> RuleSet:
    return load_rules(Config())


def _finding(hit: Hit, info: RuleInfo, lang: str) -> Finding:
    fix = None
    if hit.fix is not None:
        start, end, replacement = hit.fix
        fix = Fix(start, end, replacement, info.fix_labels.get(lang, ""))
    message = info.message(lang, hit.values)
    return Finding(hit.code, info.severity, message, hit.start, hit.end, fix, hit.target)


def lint_text(text: str, ctx: LintContext, rules: RuleSet | None = None) -> list[Finding]:
    """Every finding in ``text``, in text order (subject findings first)."""
    rules = rules or default_rules()
    doc = Doc.of(text, ctx)
    findings = []
    for checker in rules.checkers:
        for hit in checker.check(doc, ctx):
            info = rules.rules.get(hit.code)
            if info is None or (ctx.fragment and info.whole_reply):
                continue
            findings.append(_finding(hit, info, doc.lang))
    findings.sort(key=lambda f: (f.target != "subject", f.start, f.end, f.code))
    return findings


def has_blocking(findings: Sequence[Finding]) -> bool:
    """True when a finding must block sending unless overridden."""
    return any(f.severity == "error" for f in findings)
