"""Rule data: codes, severities, messages and word lists from ``data/lint/*.toml``, with
the config's switches and extra words on top, compiled once into a :class:`RuleSet`.

Each data file holds one family of rules::

    [rules.AC101]
    severity = "warning"          # error | warning | info
    title = "no greeting"         # the README's rule table
    whole_reply = true            # not run on a canned response's body alone
    zh = "回复缺少称呼……"          # the message, in each language; {name} is filled in
    en = "The reply has no greeting …"
    fix_zh = "加上称呼"            # the fix's label, when the rule offers one
    fix_en = "add a greeting"

    [words]
    greetings = ["尊敬的", "您好", "Dear", "Hello"]

    [params]
    max_chars_zh = 1500

The config switches a rule off or re-grades it (``[lint] rules = {AC105 = "off"}``)
and adds words to a list (``[lint.words] blame = ["..."]``).
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from agentconsole.config import DATA_DIR, ConfigError
from agentconsole.lint.model import SEVERITIES

SWITCHES = (*SEVERITIES, "off")


@dataclass(frozen=True)
class RuleInfo:
    code: str
    severity: str
    title: str
    messages: dict[str, str]
    fix_labels: dict[str, str]
    whole_reply: bool

    def message(self, lang: str, values: dict[str, str]) -> str:
        """The message in ``lang`` with its ``{placeholders}`` filled. Plain replacement,
        not ``str.format``: values come from mail and must stay text."""
        text = self.messages[lang]
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text


@dataclass(frozen=True)
class RuleData:
    """Everything the data files say, before the config is applied."""

    rules: dict[str, RuleInfo]
    words: dict[str, tuple[str, ...]]
    params: dict[str, Any]


def lint_data_dir() -> Path:
    return DATA_DIR / "lint"


def _rule(code: str, spec: dict[str, Any], path: Path) -> RuleInfo:
    try:
        severity = spec["severity"]
        if severity not in SEVERITIES:
            raise ValueError(f"severity {severity!r}")
        info = RuleInfo(
            code=code,
            severity=severity,
            title=spec["title"],
            messages={"zh": spec["zh"], "en": spec["en"]},
            fix_labels={
                lang: spec[f"fix_{lang}"] for lang in ("zh", "en") if f"fix_{lang}" in spec
            },
            whole_reply=bool(spec.get("whole_reply", False)),
        )
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"{path}: rule {code}: bad or missing {exc}") from None
    if len(info.fix_labels) == 1:
        raise ConfigError(f"{path}: rule {code}: a fix label in one language only")
    return info


@lru_cache(maxsize=4)
def read_rule_data(folder: Path) -> RuleData:
    """Every ``*.toml`` in ``folder``, merged; a code or word list defined twice is an
    error in the shipped data."""
    rules: dict[str, RuleInfo] = {}
    words: dict[str, tuple[str, ...]] = {}
    params: dict[str, Any] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot be read as TOML ({exc})") from None
        for code, spec in data.get("rules", {}).items():
            if code in rules:
                raise ConfigError(f"{path}: rule {code} is defined twice")
            rules[code] = _rule(code, spec, path)
        for name, items in data.get("words", {}).items():
            if name in words:
                raise ConfigError(f"{path}: word list {name} is defined twice")
            words[name] = tuple(items)
        params.update(data.get("params", {}))
    return RuleData(rules, words, params)


def _unknown(key: str, what: str, known: list[str]) -> ConfigError:
    close = difflib.get_close_matches(key.rpartition(".")[2], known, n=1)
    hint = f"did you mean {close[0]}?" if close else "known: " + ", ".join(known)
    return ConfigError(f"lint.{key}: unknown {what} ({hint})")


def configured(
    data: RuleData, switches: dict[str, str], extra_words: dict[str, tuple[str, ...]]
) -> tuple[dict[str, RuleInfo], dict[str, tuple[str, ...]]]:
    """The rules left on, with their severities, and the word lists, after the config.
    A code, severity or word list the data does not know raises ConfigError naming the
    key, so a typo does not silently leave a rule on."""
    rules = dict(data.rules)
    for code, switch in switches.items():
        if code not in rules:
            raise _unknown(f"rules.{code}", "rule", sorted(rules))
        if switch not in SWITCHES:
            raise ConfigError(
                f"lint.rules.{code}: must be one of {', '.join(SWITCHES)}, not {switch!r}"
            )
        if switch == "off":
            del rules[code]
        else:
            old = rules[code]
            rules[code] = RuleInfo(
                old.code, switch, old.title, old.messages, old.fix_labels, old.whole_reply
            )
    words = dict(data.words)
    for name, items in extra_words.items():
        if name not in words:
            raise _unknown(f"words.{name}", "word list", sorted(words))
        words[name] = words[name] + items
    return rules, words
