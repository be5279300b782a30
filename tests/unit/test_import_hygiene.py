"""Scripts call the read commands in loops: each must load only what it needs. A read
command runs through the real entry point in a fresh interpreter, which then lists the
modules it loaded (names, not timings, so the test is steady on any machine)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

import agentconsole.cli
from agentconsole.cli import _COMMAND_MODULES, cli
from tests.conftest import DEMO_MBOX

NEVER_FOR_READS = (
    "textual",
    "multiprocessing",
    "sqlite_utils",
    "agentconsole.app",
    "agentconsole.screens",
    "agentconsole.widgets",
    "agentconsole.ingest",
    "agentconsole.mail",
    "agentconsole.service",
    "agentconsole.cli.import_cmd",
    "agentconsole.cli.console_cmd",
)

_RUN_AND_LIST = """
import atexit, json, sys
listing = sys.argv[1]
def dump():
    with open(listing, "w") as out:
        json.dump(sorted(sys.modules), out)
atexit.register(dump)
from agentconsole.cli import main
sys.argv = ["agentconsole", *sys.argv[2:]]
main()
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hygiene") / "s.db"
    subprocess.run(
        [sys.executable, "-m", "agentconsole", "--db", str(path), "import", "--json"]
        + [str(DEMO_MBOX)],
        check=True,
        capture_output=True,
    )
    return path


def loaded(tmp_path: Path, *args: str) -> set[str]:
    listing = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST, str(listing), *args],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(listing.read_text()))


def _matching(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


READS = [
    ("tickets", "status:new,open"),
    ("search", "withdrawal", "--limit", "50"),
    ("show", "T-1"),
    ("customers", "王娜"),
]


@pytest.mark.parametrize("command", READS, ids=[c[0] for c in READS])
def test_read_commands_load_no_console_and_no_import_pipeline(
    store: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    modules = loaded(tmp_path, "--db", str(store), *command)
    assert "agentconsole.cli.read_cmds" in modules  # it really ran the command
    assert _matching(modules, NEVER_FOR_READS) == []


@pytest.mark.parametrize("command", READS, ids=[c[0] for c in READS])
def test_json_output_loads_no_rich(store: Path, tmp_path: Path, command: tuple[str, ...]) -> None:
    modules = loaded(tmp_path, "--db", str(store), *command, "--json")
    assert _matching(modules, ("rich", *NEVER_FOR_READS)) == []


def test_every_command_is_found_where_the_lazy_table_says() -> None:
    """``_COMMAND_MODULES`` must name every command: one left out would be missing."""
    package = Path(agentconsole.cli.__file__).parent
    for info in pkgutil.iter_modules([str(package)]):
        importlib.import_module(f"agentconsole.cli.{info.name}")
    assert set(cli.commands) == set(_COMMAND_MODULES)
    for name, command in cli.commands.items():
        assert command.callback is not None
        assert command.callback.__module__ == f"agentconsole.cli.{_COMMAND_MODULES[name]}"


def test_every_command_takes_db() -> None:
    for name in _COMMAND_MODULES:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None
        assert any("--db" in p.opts for p in command.params), name
