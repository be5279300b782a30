"""A demo database built once, copied fresh for every console test."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from agentconsole.app import AgentConsole, make_app
from agentconsole.config import Config
from agentconsole.ingest.pipeline import resolve_sources, run_import
from agentconsole.store import open_db
from tests.conftest import DEMO_MBOX
from tests.mailfactory import make_config


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.db"
    conn = open_db(path).conn
    run_import(conn, resolve_sources([DEMO_MBOX]), make_config(), jobs=1)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    return target


@pytest.fixture
def console(demo_db: Path) -> Callable[..., AgentConsole]:
    def build(config: Config | None = None, db: Path | None = None) -> AgentConsole:
        return make_app(config or make_config(), db or demo_db)

    return build


def store(path: Path) -> sqlite3.Connection:
    """A separate connection, as another process would see the database."""
    return sqlite3.connect(path)
