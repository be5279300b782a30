"""Typing a derived ticket ref at the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from agentconsole.refs import message_ref
from tests.cli import run
from tests.mailfactory import mail


def _import(cli_env: dict[str, str], tmp_path: Path, raws: list[bytes]) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    for number, raw in enumerate(raws):
        (folder / f"{number}.eml").write_bytes(raw)
    run(cli_env, "import", str(folder))


def test_show_accepts_a_derived_ref_typed_loosely(cli_env: dict[str, str], tmp_path: Path) -> None:
    _import(cli_env, tmp_path, [mail(msgid="<r1@example.com>", subject="Card blocked")])
    typed = message_ref("<r1@example.com>", b"")[2:].lower()
    result = run(cli_env, "show", typed, check=False)
    assert result.returncode == 0, result.stderr
    assert "Card blocked" in result.stdout
    missing = run(cli_env, "show", "T-00000000", check=False)
    assert (missing.returncode, missing.stderr.strip()) == (1, "error: no ticket T-00000000")


def test_an_ambiguous_ref_lists_its_tickets(cli_env: dict[str, str], tmp_path: Path) -> None:
    """Two different messages sharing a Message-ID start two tickets: the second ref is
    extended, and the short ref names both."""
    _import(
        cli_env,
        tmp_path,
        [
            mail(msgid="<same@example.com>", subject="Card blocked", body="First."),
            mail(
                sender="Li Lei <li@example.com>",
                msgid="<same@example.com>",
                subject="Login fails",
                body="Second.",
            ),
        ],
    )
    ref = message_ref("<same@example.com>", b"")
    listed = json.loads(run(cli_env, "tickets", "--json").stdout)["tickets"]
    extended = next(t["ref"] for t in listed if t["ref"] != ref)
    assert len(extended) == len(ref) + 2 and extended.startswith(ref)
    result = run(cli_env, "show", ref, check=False)
    assert (result.returncode, result.stderr.strip()) == (
        1,
        f"error: {ref} is ambiguous: {ref}, {extended}",
    )
    assert run(cli_env, "show", extended.lower()).stdout.count(extended) == 1
