"""Tables through the real entry point: in a terminal of 60 or 100 columns the reference
and the status are whole and the subject is cut; piped, the output is plain text."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.cli import run

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_BOX = set("─│┌┐└┘├┤┬┴┼━┃┏┓┗┛┡┩╇╋")


def run_in_terminal(env: dict[str, str], columns: int, *args: str) -> str:
    """Run the command with its standard output on a pseudo-terminal ``columns`` wide
    and return what it printed, escape sequences removed."""
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "agentconsole", *args],
        env=dict(env, COLUMNS=str(columns), NO_COLOR="1"),
        stdout=follower,
        stderr=subprocess.PIPE,
    ) as process:
        os.close(follower)
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower closed: Linux reports EIO
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    return _ANSI.sub("", b"".join(chunks).decode("utf-8").replace("\r\n", "\n"))


@pytest.fixture(scope="module")
def env(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("tables")
    shutil.copy(demo_template, tmp / "s.db")
    return dict(
        os.environ,
        AGENTCONSOLE_DB=str(tmp / "s.db"),
        AGENTCONSOLE_CONFIG=str(tmp / "none.toml"),
        COLUMNS="200",
    )


def _tickets(env: dict[str, str]) -> list[dict[str, object]]:
    data = json.loads(run(env, "tickets", "--sort", "created", "--limit", "5", "--json").stdout)
    return list(data["tickets"])


@pytest.mark.parametrize("columns", [60, 100])
def test_reference_and_status_are_whole_in_a_narrow_terminal(
    env: dict[str, str], columns: int
) -> None:
    tickets = _tickets(env)
    out = run_in_terminal(env, columns, "tickets", "--sort", "created", "--limit", "5")
    lines = out.splitlines()
    assert all(len(line) <= columns for line in lines), out
    for ticket in tickets:
        row = next(line for line in lines if line.startswith(f"{ticket['ref']} "))
        assert f" {ticket['status']} " in row
        assert str(ticket["subject"]) not in row  # long subjects are cut ...
        assert "…" in row  # ... with an ellipsis
    assert "T…" not in out


def test_search_keeps_the_ticket_reference_at_60_columns(env: dict[str, str]) -> None:
    out = run_in_terminal(env, 60, "search", "提现", "--limit", "3")
    rows = [line for line in out.splitlines() if re.match(r"T-[0-9A-Z]{8} ", line)]
    assert len(rows) == 3 and all(len(line) <= 60 for line in out.splitlines())


def test_piped_output_is_plain_aligned_text(env: dict[str, str]) -> None:
    tickets = _tickets(env)
    out = run(dict(env, COLUMNS="60"), "tickets", "--sort", "created", "--limit", "5").stdout
    assert "\x1b" not in out and not _BOX & set(out)
    title, header, *rows = out.splitlines()
    assert title.startswith("5 of ") and title.endswith(" tickets")
    assert header.split() == [
        "ref",
        "status",
        "priority",
        "category",
        "customer",
        "subject",
        "assignee",
        "waiting",
        "msgs",
    ]
    assert len(rows) == 5
    subject_at = header.index("subject")
    for ticket, row in zip(tickets, rows, strict=True):
        assert row.startswith(f"{ticket['ref']} ") and row.split()[1] == ticket["status"]
        subject = str(ticket["subject"])[:20]
        assert cell_len(row[: row.index(subject)]) == subject_at  # aligned on screen
