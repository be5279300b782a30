"""`agentconsole tickets --sort due` shows the due column the order follows."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.cli import run


def test_sorting_by_due_shows_the_due_column(demo_template: Path, tmp_path: Path) -> None:
    shutil.copy(demo_template, tmp_path / "s.db")
    env = dict(
        os.environ,
        AGENTCONSOLE_DB=str(tmp_path / "s.db"),
        AGENTCONSOLE_CONFIG=str(tmp_path / "none.toml"),
        COLUMNS="200",
        NO_COLOR="1",
    )

    by_due = run(env, "tickets", "due:breached", "--sort", "due", "--limit", "3").stdout
    streamed = run(env, "tickets", "due:breached", "--sort", "due", "--limit", "0").stdout
    by_activity = run(env, "tickets", "due:breached", "--limit", "3").stdout

    header = next(line for line in by_due.splitlines() if line.lstrip().startswith("ref"))
    assert header.split()[-2:] == ["msgs", "due"]
    rows = [line.split() for line in by_due.splitlines() if line.lstrip().startswith("T-")]
    assert len(rows) == 3
    assert all(row[-1].startswith("-") for row in rows)  # breached: past due, with a minus
    # the earliest due first: the longest overdue
    assert rows[0][-1] == streamed.splitlines()[1].split()[-1]
    assert "due" not in by_activity.splitlines()[1].split()
