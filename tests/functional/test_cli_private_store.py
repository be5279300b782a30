"""The store holds customers' mail: a new one is readable by its owner only."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from tests.cli import run


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_and_its_folder_are_private(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(cli_env)
    del env["AGENTCONSOLE_DB"]  # the default location: its folder is created too
    store = Path(env["XDG_DATA_HOME"]) / "agentconsole" / "agentconsole.db"
    listed = run(env, "account", "list", check=False)
    assert (listed.returncode, listed.stderr.strip()) == (
        1,
        "no mail accounts: add one with `agentconsole account add`",
    )
    assert (mode(store.parent), mode(store)) == (0o700, 0o600)
    conn = sqlite3.connect(store)
    try:
        conn.execute("CREATE TABLE probe (x)")
        wal, shm = Path(f"{store}-wal"), Path(f"{store}-shm")
        assert (mode(wal), mode(shm)) == (0o600, 0o600)
    finally:
        conn.close()


def test_an_existing_store_keeps_its_mode(cli_env: dict[str, str], tmp_path: Path) -> None:
    store = tmp_path / "shared" / "store.db"
    store.parent.mkdir(mode=0o750)
    store.parent.chmod(0o750)
    sqlite3.connect(store).close()
    store.chmod(0o640)
    run(dict(cli_env, AGENTCONSOLE_DB=str(store)), "account", "list", check=False)
    assert (mode(store.parent), mode(store)) == (0o750, 0o640)
