"""`--config PATH` decides the SLA policies of every command that changes tickets, as
it does for `sla`: the policy file the given config names measures an import."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import run
from tests.conftest import DEMO_MBOX

TEAM = """[calendars.cn]
timezone = "Asia/Shanghai"
hours = { mon = ["09:00-18:00"], tue = ["09:00-18:00"] }

[[policies]]
name = "team only"
when = ""
first_response = "2h"
"""


def test_a_write_command_uses_the_policies_of_the_given_config(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "team-sla.toml").write_text(TEAM, encoding="utf-8")
    config = folder / "agentconsole.toml"
    config.write_text('[sla]\npolicies = "team-sla.toml"\n', encoding="utf-8")

    run(cli_env, "--config", str(config), "import", str(DEMO_MBOX))
    report = run(
        cli_env,
        "--config",
        str(config),
        "sla",
        "report",
        "--from",
        "2026-10-01",
        "--to",
        "2026-11-22",
        "--by",
        "policy",
        "--json",
    )

    groups = json.loads(report.stdout)["groups"]
    assert {g["key"] for g in groups} == {"team only"}  # not the shipped policies
    assert json.loads(report.stdout)["first_response"]["target"] == 7200


def test_a_merge_recomputes_under_the_policies_of_the_given_config(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "team-sla.toml").write_text(TEAM, encoding="utf-8")
    config = folder / "agentconsole.toml"
    config.write_text('[sla]\npolicies = "team-sla.toml"\n', encoding="utf-8")
    run(cli_env, "import", str(DEMO_MBOX))  # measured by the shipped policies
    listed = json.loads(run(cli_env, "tickets", "--limit", "2", "--json").stdout)["tickets"]
    first, second = (ticket["ref"] for ticket in listed)

    run(cli_env, "--config", str(config), "merge", first, second)

    explained = json.loads(
        run(cli_env, "--config", str(config), "sla", "explain", first, "--json").stdout
    )
    assert explained["policy"] == "team only"
    # the stored due time is the one the given config's policies give, not the shipped ones'
    assert explained["stored_due_current"] is True
    report = run(
        cli_env,
        "sla",
        "report",
        "--from",
        "2026-10-01",
        "--to",
        "2026-11-22",
        "--by",
        "policy",
        "--json",
    )
    assert "team only" in {g["key"] for g in json.loads(report.stdout)["groups"]}


def test_sla_toml_in_the_config_folder_is_used_and_its_removal_falls_back(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """No [sla] policies key: sla.toml next to the config wins while it exists; once
    deleted the shipped file is in force, and no message names a key nobody wrote."""
    from agentconsole.datafiles import data_dir

    added = Path(cli_env["AGENTCONSOLE_CONFIG"]).parent / "sla.toml"
    added.write_text(TEAM, encoding="utf-8")
    told = run(cli_env, "sla", "check")
    assert told.stdout == f"{added}: ok (1 policy, 1 calendar, 0 escalation rules)\n"
    added.unlink()
    told = run(cli_env, "sla", "check")
    assert told.stdout.startswith(f"{data_dir() / 'sla.toml'}: ok (")
    assert "[sla]" not in told.stderr
