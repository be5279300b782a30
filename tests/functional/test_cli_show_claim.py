"""``agentconsole show`` says who holds a claim on the ticket, and since when, as the
console does: on the claimer's machine and on a teammate's after a sync."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.cli import run
from tests.dovecot import Dovecot
from tests.functional.test_cli_claim import REF, agent_env


def claim_lines(env: dict[str, str]) -> list[str]:
    return [line for line in run(env, "show", REF).stdout.splitlines() if "claim" in line]


def test_show_names_the_claim_holder_and_since_when(dovecot: Dovecot, tmp_path: Path) -> None:
    alice, bob = agent_env(tmp_path, "alice", dovecot), agent_env(tmp_path, "bob", dovecot)
    assert claim_lines(alice) == []
    assert json.loads(run(alice, "show", REF, "--json").stdout)["claim"] is None
    assert run(alice, "claim", REF).stdout == f"{REF}: claimed by alice (you)\n"
    shown = json.loads(run(alice, "show", REF, "--json").stdout)
    [claimed] = [e for e in shown["events"] if e["kind"] == "claim"]
    assert shown["claim"] == {"holder": "alice", "since": claimed["at"], "queued": None}
    assert shown["ticket"]["claimed_by"] == "alice"
    since = time.strftime("%Y-%m-%d %H:%M", time.localtime(claimed["at"]))
    assert claim_lines(alice) == [f"claim: claimed by alice (you) since {since}"]
    run(bob, "sync", "--folder", "INBOX")
    assert claim_lines(bob) == [f"claim: claimed by alice since {since}"]
    assert json.loads(run(bob, "show", REF, "--json").stdout)["claim"]["since"] == claimed["at"]
    run(alice, "release", REF)
    assert claim_lines(alice) == []
