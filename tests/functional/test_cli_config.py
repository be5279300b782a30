"""A config file with a typo or a wrong type is one line naming the key, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run

BAD = [
    ('agnet = "lin"', "unknown key 'agnet' (did you mean 'agent'?)"),
    (
        'colour = "red"',
        "unknown key 'colour' (known: acknowledge, agent, compose, database, identifiers,"
        " keymap, lint, mailbox, sla, sync, threading, views)",
    ),
    ("[mailbx]\nsupport_addresses = []", "unknown section [mailbx] (did you mean [mailbox]?)"),
    (
        '[mailbox]\nsuport_addresses = ["help@example.com"]',
        "unknown key 'suport_addresses' in [mailbox] (did you mean 'support_addresses'?)",
    ),
    (
        '[mailbox]\nsupport_addresses = "help@example.com"',
        "mailbox.support_addresses must be a list of strings, not a string",
    ),
    (
        '[threading]\nsubject_window_days = "14"',
        "threading.subject_window_days must be a whole number, not a string",
    ),
    (
        "[threading]\nsubject_window_days = true",
        "threading.subject_window_days must be a whole number, not true/false",
    ),
    (
        "[threading]\nsubject_window_days = -1",
        "threading.subject_window_days must be 0 to 3650, not -1",
    ),
    ("agent = 7", "agent must be a string, not a whole number"),
    ('mailbox = "support"', "mailbox must be a table ([mailbox]), not a string"),
    ("[views]\nvip = 3", "views.vip must be a string, not a whole number"),
    (
        '[keymap]\n"ticket.asign" = "A"',
        "unknown binding id 'ticket.asign' in [keymap] (did you mean 'ticket.assign'?)",
    ),
    (
        '[keymap]\n"reply" = "r"',
        "unknown binding id 'reply' in [keymap] (press ? in the console to see them)",
    ),
    ('[keymap]\n"ticket.assign" = 1', "keymap.ticket.assign must be a string, not a whole number"),
    (
        "[identifiers.account]\npattern = ['OKW\\d+']",
        "unknown key 'pattern' in [identifiers.account] (did you mean 'patterns'?)",
    ),
    (
        "[identifiers.account]\npatterns = ['(OKW']",
        "identifiers.account.patterns: '(OKW' is not a valid regular expression"
        " (missing ), unterminated subpattern at position 0)",
    ),
]


@pytest.mark.parametrize(("toml", "message"), BAD, ids=[m.split(" (")[0] for _, m in BAD])
def test_a_bad_config_is_one_line_naming_the_key(
    cli_env: dict[str, str], toml: str, message: str
) -> None:
    config = Path(cli_env["AGENTCONSOLE_CONFIG"])
    config.write_text(toml + "\n")

    result = run(cli_env, "tickets", check=False)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: {config}: {message}\n"
    assert not Path(cli_env["AGENTCONSOLE_DB"]).exists()


def test_the_readme_example_config_is_accepted(cli_env: dict[str, str]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    example = readme.split("## Configuration and data", 1)[1].split("```toml\n", 1)[1]
    Path(cli_env["AGENTCONSOLE_CONFIG"]).write_text(example.split("```", 1)[0])

    result = run(cli_env, "tickets", "assignee:me", check=False)

    # The config loads; the empty store then matches nothing (exit 1, as grep does).
    assert (result.returncode, result.stderr) == (1, "no tickets match 'assignee:me'\n")


def test_a_config_file_named_on_the_command_line_must_exist(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "typo.toml"

    result = run(cli_env, "--config", str(missing), "tickets", check=False)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: {missing}: no such config file\n"
    assert not Path(cli_env["AGENTCONSOLE_DB"]).exists()
