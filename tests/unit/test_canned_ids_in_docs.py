"""Every canned id the README or a command's --help names is one we ship: a newcomer
copies `--canned withdrawal-delay-zh` from the help and gets "unknown" otherwise."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click

from agentconsole.canned import load_library
from agentconsole.cli import cli
from agentconsole.config import Config

README = Path(__file__).resolve().parents[2] / "README.md"
# Shaped like ours: words joined by "-", ending in the language ("refund-status-zh").
CANNED_ID = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:-[a-z0-9]+)*-(?:zh|en)\b(?![./-]\w)")
SHIPPED = {response.id for response in load_library(Config()).all()}


def helps(command: click.Command, ctx: click.Context) -> Iterator[tuple[str, str]]:
    """(command path, help text) for ``command`` and every subcommand below it."""
    yield ctx.command_path, command.get_help(ctx)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from helps(sub, click.Context(sub, info_name=name, parent=ctx))


def test_the_scan_sees_the_ids_it_should() -> None:
    assert CANNED_ID.findall("--canned refund-status-zh, not a-zh-b or x.md-en") == [
        "refund-status-zh"
    ]
    assert len(SHIPPED) >= 30


def test_every_canned_id_in_the_readme_is_shipped() -> None:
    named = set(CANNED_ID.findall(README.read_text(encoding="utf-8")))
    assert len(named) >= 5
    assert named - SHIPPED == set()


def test_every_canned_id_in_any_help_is_shipped() -> None:
    texts = dict(helps(cli, click.Context(cli, info_name="agentconsole")))
    assert {"agentconsole reply", "agentconsole canned render"} <= set(texts)
    named = {(path, rid) for path, text in texts.items() for rid in CANNED_ID.findall(text)}
    assert ("agentconsole reply", "withdrawal-delayed-zh") in named
    assert {(path, rid) for path, rid in named if rid not in SHIPPED} == set()
