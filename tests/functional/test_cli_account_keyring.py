"""The keyring as ``account``, ``sync`` and ``claim`` use it, through the real entry
point: each database's own entry, the insecure-backend warning on every read, and what
a machine without a keyring is told."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run
from tests.functional.test_cli_account import PASSWORD, add_args, key_of, run_in
from tests.keyring_backend import KEYRING_FILE_ENV
from tests.smtpserver import SmtpServer, free_port

USER = "agent@okwallet.example"


@pytest.fixture
def keyring_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test keyring's file (one for every database of a test)."""
    return tmp_path_factory.mktemp("keyring") / "keyring.json"


@pytest.fixture
def account_env(cli_env: dict[str, str], keyring_file: Path) -> dict[str, str]:
    return dict(
        cli_env,
        PYTHON_KEYRING_BACKEND="tests.keyring_backend.JsonFileKeyring",
        **{KEYRING_FILE_ENV: str(keyring_file)},
    )


@pytest.fixture
def two_stores(account_env: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], ...]:
    """Two databases (production and a demo) on one machine, one keyring."""
    demo = dict(account_env, AGENTCONSOLE_DB=str(tmp_path / "demo.db"))
    return account_env, demo


def smtp_test(env: dict[str, str], port: int) -> str:
    """``account test support``'s SMTP line (IMAP is refused, so the exit is 1)."""
    result = run(env, "account", "test", "support", "--timeout", "5", check=False)
    assert result.returncode == 1
    return (result.stdout.strip() or result.stderr.splitlines()[0]).replace(str(port), "PORT")


def test_each_database_has_its_own_keyring_entry(
    two_stores: tuple[dict[str, str], dict[str, str]], keyring_file: Path
) -> None:
    production, demo = two_stores
    server = SmtpServer(user=USER, password=PASSWORD).start()
    try:
        args = add_args(smtp_port=server.port, imap_port=free_port())
        assert run_in(production, PASSWORD, *args).returncode == 0
        assert run_in(demo, PASSWORD, *args).returncode == 0
        assert key_of(production) != key_of(demo)
        removed = run(demo, "account", "remove", "support")
        assert removed.stdout.strip() == (
            "account support removed (its password deleted from the keyring)"
        )
        assert smtp_test(production, server.port) == f"SMTP: logged in to 127.0.0.1:PORT as {USER}"
        assert run_in(demo, "a wrong password", *args).returncode == 0
        assert smtp_test(demo, server.port).startswith(
            f"error: SMTP: SMTP login refused for '{USER}': 535 "
        )
        assert smtp_test(production, server.port) == f"SMTP: logged in to 127.0.0.1:PORT as {USER}"
    finally:
        server.stop()
    assert json.loads(keyring_file.read_text()) == {
        f"agentconsole/{key_of(production)}": PASSWORD,
        f"agentconsole/{key_of(demo)}": "a wrong password",
    }


def test_a_password_under_the_old_shared_key_is_read_copied_and_kept(
    account_env: dict[str, str], keyring_file: Path
) -> None:
    server = SmtpServer(user=USER, password=PASSWORD).start()
    try:
        args = add_args(smtp_port=server.port, imap_port=free_port())
        assert run_in(account_env, PASSWORD, *args).returncode == 0
        key = key_of(account_env)
        legacy = f"agentconsole/support:{USER}"
        keyring_file.write_text(json.dumps({legacy: PASSWORD}))  # added by an older version
        assert smtp_test(account_env, server.port) == (
            f"SMTP: logged in to 127.0.0.1:PORT as {USER}"
        )
    finally:
        server.stop()
    assert json.loads(keyring_file.read_text()) == {
        legacy: PASSWORD,
        f"agentconsole/{key}": PASSWORD,
    }


def test_an_insecure_keyring_is_named_on_every_read(account_env: dict[str, str]) -> None:
    env = dict(account_env, PYTHON_KEYRING_BACKEND="tests.keyring_backend.PlaintextKeyring")
    assert run_in(env, PASSWORD, *add_args(), "--allow-insecure-keyring").returncode == 0
    warning = (
        "warning: the keyring backend tests.keyring_backend.PlaintextKeyring stores passwords"
        " in plain text (accepted with --allow-insecure-keyring)"
    )
    tested = run(env, "account", "test", "support", "--timeout", "5", check=False)
    assert tested.stderr.splitlines()[0] == warning
    for command in (["sync"], ["outbox", "--deliver"]):
        result = run(env, *command, check=False)
        assert result.stderr.splitlines()[0] == warning, command
    claimed = run(env, "claim", "T-AAAAAAAA", check=False)
    assert warning not in claimed.stderr  # refused before any password is needed
    listed = run(env, "account", "list")
    assert listed.stderr == ""


NO_KEYRING = (
    "no keyring backend is available (keyring.backends.fail.Keyring), so the password could"
    " not be read: run and unlock a Secret Service keyring (gnome-keyring, KeePassXC), or"
    " install keyrings.alt and add the account again with --allow-insecure-keyring (see the"
    " README, 'Connecting a mailbox')"
)


def test_without_a_keyring_every_command_says_what_to_do(account_env: dict[str, str]) -> None:
    assert run_in(account_env, PASSWORD, *add_args()).returncode == 0
    env = dict(account_env, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    for command in (["account", "test", "support"], ["sync"], ["outbox", "--deliver"]):
        result = run(env, *command, check=False)
        assert (result.returncode, result.stdout, result.stderr.strip()) == (
            1,
            "",
            f"error: {NO_KEYRING}",
        ), command


def test_removing_an_account_keeps_the_old_shared_entry(
    account_env: dict[str, str], keyring_file: Path
) -> None:
    assert run_in(account_env, PASSWORD, *add_args()).returncode == 0
    legacy = f"agentconsole/support:{USER}"
    keyring_file.write_text(json.dumps({legacy: PASSWORD}))  # added by an older version
    removed = run(account_env, "account", "remove", "support")
    assert removed.stdout == (
        f"account support removed (its password is under the old shared key agentconsole /"
        f" support:{USER}, kept for other databases)\n"
    )
    assert json.loads(keyring_file.read_text()) == {legacy: PASSWORD}
