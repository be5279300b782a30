"""Import says when the configured support addresses are not this mailbox's."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import run
from tests.conftest import DEMO_MBOX
from tests.mailfactory import mail


def _mbox(path: Path, messages: list[bytes]) -> Path:
    path.write_bytes(b"".join(b"From x@y Mon Oct  5 10:00:00 2026\n" + m + b"\n" for m in messages))
    return path


def _acme(tmp_path: Path) -> Path:
    return _mbox(
        tmp_path / "acme.mbox",
        [
            mail(sender="Ann <ann@example.com>", to="help@acme.example", msgid="<a1@x>"),
            mail(
                sender="Bob <bob@example.com>",
                to="help@acme.example",
                msgid="<a2@x>",
                headers=["Cc: billing@acme.example"],
            ),
            mail(sender="Cy <cy@example.com>", to="billing@acme.example", msgid="<a3@x>"),
            mail(sender="help@acme.example", to="ann@example.com", msgid="<a4@x>"),
            mail(sender="Di <di@example.com>", to="Help <HELP@acme.example>", msgid="<a5@x>"),
        ],
    )


WARNING = (
    "warning: the support address in the config (support@okwallet.example) appears in "
    "none of the 5 imported messages; the most common recipient is help@acme.example "
    "(3 messages): add it to [mailbox] support_addresses, or replies sent from it count "
    "as customers' mail"
)


def test_import_names_the_likely_support_address(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run(dict(cli_env, COLUMNS="400"), "import", str(_acme(tmp_path)))
    assert WARNING in result.stderr.replace("\n", " ")
    as_json = run(dict(cli_env, COLUMNS="400"), "import", "--json", str(_acme(tmp_path)))
    assert json.loads(as_json.stdout)["imported"] == 0 and "warning" not in as_json.stderr


def test_no_warning_when_our_address_is_in_the_mail(cli_env: dict[str, str]) -> None:
    result = run(cli_env, "import", "--json", str(DEMO_MBOX))
    assert json.loads(result.stdout)["imported"] == 360 and "warning" not in result.stderr


def test_configured_address_silences_it(cli_env: dict[str, str], tmp_path: Path) -> None:
    Path(cli_env["AGENTCONSOLE_CONFIG"]).write_text(
        '[mailbox]\nsupport_addresses = ["help@acme.example"]\n', encoding="utf-8"
    )
    result = run(cli_env, "import", "--json", str(_acme(tmp_path)))
    assert json.loads(result.stdout)["imported"] == 5 and result.stderr == ""
