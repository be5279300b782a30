"""A broken SLA policy file on the command line: an agent's change still saves (its due
times stay as they were) and one warning line says what is wrong and what to run."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.cli import run
from tests.conftest import DEMO_MBOX, ROOT


def test_a_merge_saves_despite_a_broken_policy_file_and_says_what_to_do(
    cli_env: dict[str, str],
) -> None:
    run(cli_env, "import", str(DEMO_MBOX))
    policies = Path(cli_env["AGENTCONSOLE_CONFIG"]).parent / "sla.toml"
    good = (ROOT / "data" / "sla.toml").read_text(encoding="utf-8")
    policies.write_text(good.replace('first_response = "24h"', 'first_reponse = "24h"', 1))
    keep, gone = json.loads(run(cli_env, "tickets", "--json").stdout)["tickets"][:2]
    result = run(cli_env, "merge", keep["ref"], gone["ref"], check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"warning: saved, but the due times were not recomputed: {policies}:78:"
        ' policy #6 "standard": unknown key "first_reponse" (did you mean "first_response"?)'
        " (fix the file, check it with `agentconsole sla check`, then run"
        " `agentconsole sla recompute`)"
    )
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        [[merged_into]] = conn.execute(
            "SELECT merged_into FROM tickets WHERE id = ?", (gone["id"],)
        ).fetchall()
    assert merged_into == keep["id"]  # the merge is saved
    shutil.copy(ROOT / "data" / "sla.toml", policies)
    fixed = run(cli_env, "sla", "recompute")
    assert fixed.stdout.startswith("recomputed 165 tickets under ")
    assert "warning" not in fixed.stderr
