"""Exit codes a script can rely on, and ``tickets --limit 0`` for every row."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from agentconsole.store.query import compile_query
from agentconsole.store.tickets import count_tickets, iter_tickets, list_tickets
from tests.cli import run


@pytest.fixture(scope="module")
def env(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("exits")
    shutil.copy(demo_template, tmp / "s.db")
    return dict(
        os.environ,
        AGENTCONSOLE_DB=str(tmp / "s.db"),
        AGENTCONSOLE_CONFIG=str(tmp / "none.toml"),
        COLUMNS="200",
        NO_COLOR="1",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tickets", "zzzqqqnothing"), "no tickets match 'zzzqqqnothing'"),
        (("tickets", "zzzqqqnothing", "--json"), "no tickets match 'zzzqqqnothing'"),
        (("tickets", "zzzqqqnothing", "--limit", "0"), "no tickets match"),
        (("search", "zzzqqqnothing"), "no messages match"),
        (("search", "zzzqqqnothing", "--json"), "no messages match"),
        (("customers", "zzzqqqnothing"), "no customer matches"),
        (("customers", "zzzqqqnothing", "--json"), "no customer matches"),
    ],
)
def test_nothing_found_exits_1_and_says_so_on_stderr(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    result = run(env, *args, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == message
    if "--json" in args:
        assert json.loads(result.stdout) in ([], {"total": 0, "tickets": []})
    else:
        assert result.stdout == ""


def test_limit_0_lists_every_ticket(env: dict[str, str]) -> None:
    with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
        total = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    data = json.loads(run(env, "tickets", "--limit", "0", "--json").stdout)
    assert data["total"] == total == len(data["tickets"]) > 50
    assert len({t["ref"] for t in data["tickets"]}) == total
    lines = run(env, "tickets", "--limit", "0").stdout.splitlines()
    assert lines[0].split()[:2] == ["ref", "status"] and len(lines) == total + 1
    refused = run(env, "tickets", "--limit", "0", "--offset", "5", check=False)
    assert refused.returncode == 2
    assert "--offset pages through a --limit; --limit 0 lists them all" in refused.stderr


def test_iter_tickets_streams_in_the_listing_order(demo_template: Path) -> None:
    conn = sqlite3.connect(demo_template)
    query = compile_query("status:new,open,pending", me="agent")
    stream = iter_tickets(conn, query, sort="priority")
    first = next(stream)  # a generator: rows come as they are read
    rest = list(stream)
    paged = list_tickets(conn, query, sort="priority", limit=10_000)
    assert [first, *rest] == paged and len(paged) == count_tickets(conn, query)
    conn.close()
