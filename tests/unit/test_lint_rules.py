"""Rule data and the config: switching rules off, re-grading, extending word lists, and
naming the key of a mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentconsole.config import Config, ConfigError, load_config
from agentconsole.lint import LintContext, has_blocking, lint_text, load_rules
from agentconsole.lint.rules import lint_data_dir, read_rule_data

# A fragment: only the rules under test speak, not the whole-reply ones (greeting, ...).
PART = LintContext(fragment=True)


def _config(path: Path, toml: str) -> Config:
    path.write_text(toml, encoding="utf-8")
    return load_config(path)


def test_every_rule_has_both_messages_and_a_known_severity() -> None:
    data = read_rule_data(lint_data_dir())
    assert data.rules, "no rules loaded"
    for code, rule in data.rules.items():
        assert code.startswith("AC") and len(code) == 5
        assert rule.severity in ("error", "warning", "info")
        assert rule.messages["zh"] and rule.messages["en"] and rule.title


def test_a_rule_switched_off_is_not_reported(tmp_path: Path) -> None:
    config = _config(tmp_path / "c.toml", '[lint]\nrules = {AC201 = "off"}\n')
    rules = load_rules(config)
    assert lint_text("请提供验证码", PART, rules) == []
    assert [f.code for f in lint_text("请提供验证码", PART)] == ["AC201"]


def test_a_rule_regraded_changes_severity_and_blocking(tmp_path: Path) -> None:
    config = _config(tmp_path / "c.toml", '[lint]\nrules = {AC201 = "warning"}\n')
    findings = lint_text("请提供验证码", PART, load_rules(config))
    assert [(f.code, f.severity) for f in findings] == [("AC201", "warning")]
    assert not has_blocking(findings)
    assert has_blocking(lint_text("请提供验证码", PART))


def test_a_word_list_extended_in_the_config(tmp_path: Path) -> None:
    config = _config(tmp_path / "c.toml", '[lint.words]\nsecret_code = ["动态令牌"]\n')
    text = "请提供动态令牌上的数字"
    assert lint_text(text, PART) == []
    (finding,) = lint_text(text, PART, load_rules(config))
    assert text[finding.start : finding.end] == "提供动态令牌"


@pytest.mark.parametrize(
    ("words", "text", "before", "after"),
    [
        ('in_app = ["小程序内"]', "请在小程序内提交验证码", ["AC201"], []),
        ('adverbials = ["无论"]', "我们绝不会，无论何时，向您索取密码", ["AC201"], []),
        ('subordinators = ["倘使"]', "倘使不会登录请把密码发给我们", [], ["AC201"]),
        ('urging = ["postpone"]', "Do not postpone: reply with your PIN.", [], ["AC201"]),
    ],
)
def test_the_intent_word_lists_extend_in_the_config(
    tmp_path: Path, words: str, text: str, before: list[str], after: list[str]
) -> None:
    """AC201's intent lists are data: a word added in the config changes what a request
    means (a place in the app, an adverbial a negation reaches over, a condition, a
    verb whose negation urges)."""
    assert [f.code for f in lint_text(text, PART)] == before
    config = _config(tmp_path / "c.toml", f"[lint.words]\n{words}\n")
    assert [f.code for f in lint_text(text, PART, load_rules(config))] == after


def test_an_unknown_rule_code_names_the_key(tmp_path: Path) -> None:
    config = _config(tmp_path / "c.toml", '[lint]\nrules = {AC209 = "off"}\n')
    with pytest.raises(ConfigError, match=r"^lint\.rules\.AC209: unknown rule \(did you mean"):
        load_rules(config)


def test_an_unknown_severity_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    with pytest.raises(ConfigError) as caught:
        _config(path, '[lint]\nrules = {AC201 = "fatal"}\n')
    assert str(caught.value) == (
        f"{path}: lint.rules.AC201 must be one of error, warning, info, off, not 'fatal'"
    )


def test_an_unknown_word_list_names_the_key(tmp_path: Path) -> None:
    config = _config(tmp_path / "c.toml", '[lint.words]\nsecret_kode = ["x"]\n')
    with pytest.raises(ConfigError, match=r"^lint\.words\.secret_kode: unknown word list"):
        load_rules(config)


def test_a_word_list_must_be_strings(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    with pytest.raises(ConfigError) as caught:
        _config(path, "[lint.words]\nblame = [1]\n")
    assert str(caught.value) == f"{path}: lint.words.blame must be a list of strings, not a list"


def test_the_readme_lists_every_rule_with_its_severity() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Etiquette linter", 1)[1].split("\n## ", 1)[0]
    for code, rule in read_rule_data(lint_data_dir()).rules.items():
        assert f"| {code} | {rule.severity} |" in section, code


@pytest.mark.parametrize(
    "domain", ["https://okwallet.example/", "okwallet example", "a@b.example", ""]
)
def test_an_allowed_domain_must_be_a_domain_name(tmp_path: Path, domain: str) -> None:
    path = tmp_path / "c.toml"
    with pytest.raises(ConfigError) as caught:
        _config(path, f'[lint]\nallowed_domains = ["okwallet.example", "{domain}"]\n')
    assert str(caught.value) == (
        f"{path}: lint.allowed_domains: {domain!r} is not a domain name (e.g. okwallet.example)"
    )


def test_allowed_domains_are_lower_case(tmp_path: Path) -> None:
    config = _config(tmp_path / "c.toml", '[lint]\nallowed_domains = ["OKWallet.Example."]\n')
    assert config.allowed_domains == ("okwallet.example",)


def test_the_same_config_gets_the_same_compiled_rules(tmp_path: Path) -> None:
    first = _config(tmp_path / "a.toml", '[lint]\nrules = {AC201 = "off"}\n')
    again = _config(tmp_path / "b.toml", '[lint]\nrules = {AC201 = "off"}\n')
    assert load_rules(first) is load_rules(again)
    assert load_rules(first) is not load_rules(Config())
