from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentconsole.store import open_db

ROOT = Path(__file__).resolve().parent.parent
DEMO_MBOX = ROOT / "data" / "demo" / "support.mbox"


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    """A fresh, migrated in-memory store."""
    connection = open_db(memory=True).conn
    yield connection
    connection.close()


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for running the real ``agentconsole`` command in isolation."""
    env = dict(os.environ)
    env["AGENTCONSOLE_DB"] = str(tmp_path / "store.db")
    env["AGENTCONSOLE_CONFIG"] = str(tmp_path / "config.toml")
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg-config")
    env["COLUMNS"] = "200"
    env["NO_COLOR"] = "1"
    return env
