from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agentconsole.store import open_db
from tests.dovecot import Dovecot

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


DovecotFactory = Callable[..., Dovecot]
"""``factory(user=..., password=..., mechanisms=...)``: one more running Dovecot."""


@pytest.fixture
def dovecot_factory() -> Iterator[DovecotFactory]:
    """Start private Dovecot servers (tests/dovecot.py) as a test asks; all are stopped
    by their pid when it ends. No Dovecot installed: the test fails, it does not skip."""
    started: list[Dovecot] = []

    def start(**settings: str) -> Dovecot:
        server = Dovecot(**settings)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def dovecot(dovecot_factory: DovecotFactory) -> Dovecot:
    """A real Dovecot on 127.0.0.1 at a free port with one user and an empty mailbox:
    ``host``, ``port``, ``user``, ``password``, ``deliver(folder, raw)``,
    ``create_folder(name)``, ``doveadm(*args)``, ``kick()``, ``set_uidvalidity()``."""
    return dovecot_factory()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``./dev test``), the tests of a module that share a
    module-scoped fixture (a demo store, a corpus imported once) run on one worker, so
    that fixture is built once, not once per worker (``--dist loadgroup``)."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        shared = any(
            definition.scope == "module"
            for definitions in info.name2fixturedefs.values()
            for definition in definitions
        )
        if shared and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
