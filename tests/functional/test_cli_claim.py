"""``agentconsole claim`` / ``release`` through the real entry point: two agents, two
databases, one real Dovecot mailbox between them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentconsole.refs import message_ref
from agentconsole.store.db import connect
from agentconsole.store.remote_events import queued_count
from tests.cli import run
from tests.dovecot import Dovecot
from tests.keyring_backend import KEYRING_FILE_ENV
from tests.smtpserver import free_port
from tests.teamlog import ticket_mail

REF = message_ref("<team0@example.com>", b"")


def agent_env(
    tmp_path: Path, name: str, server: Dovecot, *, port: int | None = None, mail: bool = True
) -> dict[str, str]:
    """A machine of its own (database, config, keyring file) for agent ``name``,
    with the shared mailbox as its account and ticket 0's mail imported."""
    home = tmp_path / name
    home.mkdir()
    env = {
        **os.environ,
        "AGENTCONSOLE_DB": str(home / "store.db"),
        "AGENTCONSOLE_CONFIG": str(home / "config.toml"),
        "XDG_DATA_HOME": str(home / "xdg-data"),
        "XDG_CONFIG_HOME": str(home / "xdg-config"),
        "PYTHON_KEYRING_BACKEND": "tests.keyring_backend.JsonFileKeyring",
        KEYRING_FILE_ENV: str(home / "keyring.json"),
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    (home / "config.toml").write_text(f'agent = "{name}"\n', "utf-8")
    if mail:
        (home / "t0.eml").write_bytes(ticket_mail(0))
        run(env, "import", str(home / "t0.eml"))
    add = [
        "account", "add", "--password-stdin", "--name", "support",
        "--imap-host", server.host, "--imap-port", str(port or server.port),
        "--imap-security", "plain", "--user", server.user,
        "--smtp-host", server.host, "--smtp-port", "2525", "--smtp-security", "plain",
        "--from-address", server.user, "--allow-plain",
    ]  # fmt: skip
    added = subprocess.run(
        [sys.executable, "-m", "agentconsole", *add],
        env=env,
        input=server.password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    return env


def test_the_first_claim_holds_the_ticket_and_the_second_agent_is_told(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    alice, bob = agent_env(tmp_path, "alice", dovecot), agent_env(tmp_path, "bob", dovecot)
    first = run(alice, "claim", REF.lower(), check=False)
    assert (first.returncode, first.stdout, first.stderr) == (
        0,
        f"{REF}: claimed by alice (you)\n",
        "",
    )
    second = run(bob, "claim", REF, check=False)
    assert (second.returncode, second.stdout) == (1, "")
    assert second.stderr == f"{REF} is claimed by alice\n"
    not_hers = run(bob, "release", REF, check=False)
    assert (not_hers.returncode, not_hers.stderr) == (
        1,
        f"{REF} is claimed by alice, not by bob: nothing released\n",
    )
    again = run(alice, "claim", REF, check=False)
    assert (again.returncode, again.stdout) == (0, f"{REF}: claimed by alice (you)\n")
    released = run(alice, "release", REF, check=False)
    assert (released.returncode, released.stdout) == (0, f"{REF}: released by alice\n")
    taken = run(bob, "claim", REF, check=False)
    assert (taken.returncode, taken.stdout) == (0, f"{REF}: claimed by bob (you)\n")
    as_carol = run(alice, "claim", REF, "--agent", "carol", check=False)
    assert (as_carol.returncode, as_carol.stderr) == (1, f"{REF} is claimed by bob\n")


def test_an_unreachable_mailbox_claims_nothing(dovecot: Dovecot, tmp_path: Path) -> None:
    env = agent_env(tmp_path, "alice", dovecot, port=free_port())
    result = run(env, "claim", REF, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot reach the team's mailbox, nothing was done: ")
    assert "connection refused" in result.stderr and "Traceback" not in result.stderr
    assert queued_count(connect(env["AGENTCONSOLE_DB"])) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["claim", "T-ZZZZZZZZ"], "error: no ticket T-ZZZZZZZZ\n"),
        (["claim", "nonsense!"], "error: nonsense!: a ticket reference looks like T-7K3QX9PA\n"),
        (["claim", REF, "--agent", " "], "error: --agent: the agent name is empty\n"),
        (["claim", REF, "--account", "other"], "error: no account named 'other'\n"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    dovecot: Dovecot, tmp_path: Path, args: list[str], message: str
) -> None:
    env = agent_env(tmp_path, "alice", dovecot)
    result = run(env, *args, check=False)
    assert (result.returncode, result.stderr) == (2, message)


def test_without_an_account_claim_says_how_to_add_one(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "t0.eml").write_bytes(ticket_mail(0))
    run(cli_env, "import", str(tmp_path / "t0.eml"))
    result = run(cli_env, "release", REF, check=False)
    assert (result.returncode, result.stderr) == (
        2,
        "error: no mail account: claims go through the shared mailbox (agentconsole account add)\n",
    )


def test_sync_publishes_and_applies_the_team_log_after_the_mail(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    dovecot.deliver("INBOX", ticket_mail(0))
    alice = agent_env(tmp_path, "alice", dovecot, mail=False)
    bob = agent_env(tmp_path, "bob", dovecot, mail=False)
    first = run(alice, "sync", "--folder", "INBOX")
    assert "team log" not in first.stderr  # nothing to publish, nothing from teammates
    assert run(alice, "claim", REF).stdout == f"{REF}: claimed by alice (you)\n"
    synced = run(bob, "sync", "--folder", "INBOX")
    assert "support: team log: 0 changes published, 1 from teammates applied\n" in (synced.stderr)
    told = run(bob, "claim", REF, check=False)
    assert (told.returncode, told.stderr) == (1, f"{REF} is claimed by alice\n")
    history = run(bob, "show", REF, "--json")
    assert '"kind": "claim"' in history.stdout and '"actor": "alice"' in history.stdout
