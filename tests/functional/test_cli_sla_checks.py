"""`agentconsole sla check` on policy files with a circular or viewer-dependent `when`,
and without a catch-all policy, through the real entry point."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run

FILE = """[calendars.cn]
timezone = "Asia/Shanghai"
hours = { mon = ["09:00-18:00"] }

[[policies]]
name = "mine"
when = "WHEN"
first_response = "8h"
"""


def test_check_refuses_due_and_assignee_me(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    more = """
[[policies]]
name = "late"
when = "due:breached"
first_response = "8h"

[[policies]]
name = "rest"
when = ""
first_response = "24h"
"""
    path.write_text(FILE.replace("WHEN", "assignee:me") + more)

    result = run(cli_env, "sla", "check", "--policies", str(path), check=False)

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f'{path}:7: policy #1 "mine": when = "assignee:me" uses assignee:me')
    assert lines[1].startswith(f'{path}:12: policy #2 "late": when = "due:breached" uses due:')
    assert lines[-1] == f"error: {path}: 2 problems"


def test_check_warns_when_no_policy_catches_all(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(FILE.replace("WHEN", "category:complaint"))

    result = run(cli_env, "sla", "check", "--policies", str(path))

    assert result.stderr == (
        f"warning: {path}:5: no policy has an empty when, so tickets matching none of the "
        'policies get no SLA targets: add a last policy with when = ""\n'
    )
    assert result.stdout == f"{path}: ok (1 policy, 1 calendar, 0 escalation rules)\n"


def test_check_refuses_a_relative_age(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text(
        FILE.replace("WHEN", "after:1d")
        + '\n[[policies]]\nname = "rest"\nwhen = ""\nfirst_response = "24h"\n'
    )

    result = run(cli_env, "sla", "check", "--policies", str(path), check=False)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f'{path}:7: policy #1 "mine": when = "after:1d" uses after:1d, an age counted from '
        "now, so a ticket's policy would change as it ages with nothing happening to it: "
        "give a date instead, e.g. after:2026-11-01 (compared with the ticket's creation), "
        "and act on tickets left waiting with [[escalations]]",
        f"error: {path}: 1 problem",
    ]
