"""``canned`` commands are read commands: scripts may call them in loops, so they load
neither the console, nor the import pipeline, nor (for JSON) Rich."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_import_hygiene import NEVER_FOR_READS, _matching, loaded

COMMANDS = [("list", "--json"), ("show", "fees-zh", "--json")]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_canned_json_commands_stay_light(tmp_path: Path, command: tuple[str, ...]) -> None:
    modules = loaded(tmp_path, "--db", str(tmp_path / "s.db"), "canned", *command)
    assert "agentconsole.cli.canned_cmd" in modules  # it really ran the command
    assert _matching(modules, ("rich", "agentconsole.canned.check", *NEVER_FOR_READS)) == []
