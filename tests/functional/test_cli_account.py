"""``agentconsole account`` through the real entry point, the keyring a test backend."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import run
from tests.conftest import DovecotFactory
from tests.keyring_backend import KEYRING_FILE_ENV
from tests.smtpserver import SmtpServer, free_port, self_signed_cert

PASSWORD = "Pw-9f3K-zebra-湖"
"""Distinctive, so a grep of every file and every output finds it if it leaked."""


def run_in(env: dict[str, str], stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``agentconsole ARGS`` with ``stdin`` as standard input (not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "agentconsole", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def keyring_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test keyring's file, outside the folder grepped for the password."""
    return tmp_path_factory.mktemp("keyring") / "keyring.json"


@pytest.fixture
def account_env(cli_env: dict[str, str], keyring_file: Path) -> dict[str, str]:
    env = dict(cli_env)
    env["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backend.JsonFileKeyring"
    env[KEYRING_FILE_ENV] = str(keyring_file)
    return env


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(user="agent@okwallet.example", password=PASSWORD).start()
    yield server
    server.stop()


def add_args(
    name: str = "support", smtp_port: int = 2525, imap_port: int = 1143, **over: str
) -> list[str]:
    values = {
        "--name": name,
        "--imap-host": "127.0.0.1",
        "--imap-port": str(imap_port),
        "--imap-security": "plain",
        "--user": "agent@okwallet.example",
        "--smtp-host": "127.0.0.1",
        "--smtp-port": str(smtp_port),
        "--smtp-security": "plain",
        "--from-address": "support@okwallet.example",
    }
    values.update(over)
    args = ["account", "add", "--password-stdin"]
    for flag, value in values.items():
        args += [flag, value]
    return args


def key_of(env: dict[str, str], name: str = "support") -> str:
    """The keyring key ``account list --json`` names for account ``name``."""
    data = json.loads(run(env, "account", "list", "--json").stdout)
    keys = [a["keyring"]["key"] for a in data["accounts"] if a["name"] == name]
    assert len(keys) == 1
    return str(keys[0])


def leaked(folder: Path, *outputs: str) -> list[str]:
    """Every file under ``folder`` and every output that contains the password."""
    found = [
        str(p) for p in folder.rglob("*") if p.is_file() and PASSWORD.encode() in p.read_bytes()
    ]
    return found + [o for o in outputs if PASSWORD in o]


def test_add_stores_the_password_only_in_the_keyring(
    account_env: dict[str, str], keyring_file: Path, tmp_path: Path
) -> None:
    added = run_in(account_env, PASSWORD + "\n", *add_args())
    assert added.returncode == 0, added.stderr
    key = key_of(account_env)
    assert re.fullmatch(r"[0-9a-f]{32}/support:agent@okwallet\.example", key)
    assert added.stdout.splitlines() == [
        "account support added: password in the keyring (tests.keyring_backend.JsonFileKeyring)"
        f" under agentconsole / {key}; settings in {tmp_path / 'store.db'}",
        "check it with: agentconsole account test support",
    ]
    assert json.loads(keyring_file.read_text()) == {f"agentconsole/{key}": PASSWORD}
    listing = run(account_env, "account", "list")
    assert listing.stdout.splitlines()[0] == "1 account"
    assert listing.stdout.splitlines()[2].split() == [
        "support",
        "agent@okwallet.example",
        "127.0.0.1:1143",
        "plain",
        "127.0.0.1:2525",
        "plain",
        "support@okwallet.example",
    ]
    data = json.loads(run(account_env, "account", "list", "--json").stdout)
    assert data["accounts"][0]["smtp"] == {
        "host": "127.0.0.1",
        "port": 2525,
        "security": "plain",
        "user": "agent@okwallet.example",
    }
    assert data["accounts"][0]["keyring"] == {"service": "agentconsole", "key": key}
    assert leaked(tmp_path, added.stdout, added.stderr, listing.stdout, json.dumps(data)) == []


def test_default_ports_follow_the_security(account_env: dict[str, str]) -> None:
    args = add_args(**{"--imap-security": "tls", "--smtp-security": "starttls"})
    for flag in ("--imap-port", "--smtp-port"):
        at = args.index(flag)
        del args[at : at + 2]
    assert run_in(account_env, PASSWORD, *args).returncode == 0
    [account] = json.loads(run(account_env, "account", "list", "--json").stdout)["accounts"]
    assert (account["imap"]["port"], account["smtp"]["port"]) == (993, 587)


def test_plain_to_another_host_is_refused_unless_allowed(account_env: dict[str, str]) -> None:
    refused = run_in(account_env, PASSWORD, *add_args(**{"--smtp-host": "mail.example.com"}))
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "error: --smtp-security plain sends the password unencrypted to mail.example.com:"
        " only for this machine (127.0.0.1, localhost) unless you pass --allow-plain"
    )
    assert run(account_env, "account", "list", check=False).returncode == 1
    allowed = run_in(
        account_env, PASSWORD, *add_args(**{"--smtp-host": "mail.example.com"}), "--allow-plain"
    )
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize(
    ("over", "message"),
    [
        (
            {"--name": "bad:name"},
            "account name 'bad:name': use 1-64 letters, digits, '.', '_' or '-'",
        ),
        ({"--from-address": "nobody"}, "--from-address 'nobody' is not an e-mail address"),
        ({"--imap-host": "a b"}, "--imap-host 'a b' is not a host name or address"),
    ],
)
def test_bad_values_exit_2(account_env: dict[str, str], over: dict[str, str], message: str) -> None:
    result = run_in(account_env, PASSWORD, *add_args(**over))
    assert (result.returncode, result.stderr.strip()) == (2, f"error: {message}")


def test_missing_flag_without_a_terminal_exits_2(account_env: dict[str, str]) -> None:
    args = add_args()
    at = args.index("--imap-host")
    del args[at : at + 2]
    result = run_in(account_env, PASSWORD, *args)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: missing --imap-host (pass it, or run on a terminal to be asked)"
    )


def test_empty_password_and_duplicate_name_exit_2(account_env: dict[str, str]) -> None:
    empty = run_in(account_env, "\n", *add_args())
    assert (empty.returncode, empty.stderr.strip()) == (2, "error: the password is empty")
    assert run_in(account_env, PASSWORD, *add_args()).returncode == 0
    again = run_in(account_env, PASSWORD, *add_args())
    assert again.returncode == 2
    assert again.stderr.strip() == (
        "error: an account named 'support' exists already (remove it first)"
    )


@pytest.mark.parametrize(
    ("backend", "problem"),
    [
        (
            "tests.keyring_backend.PlaintextKeyring",
            "the keyring backend tests.keyring_backend.PlaintextKeyring stores passwords"
            " in plain text",
        ),
        (
            "keyring.backends.fail.Keyring",
            "no keyring backend is available (keyring.backends.fail: every call fails)",
        ),
        (
            "keyring.backends.null.Keyring",
            "the keyring backend is the null backend: it forgets every password",
        ),
    ],
)
def test_an_insecure_keyring_is_refused_unless_accepted(
    account_env: dict[str, str], keyring_file: Path, backend: str, problem: str
) -> None:
    env = dict(account_env, PYTHON_KEYRING_BACKEND=backend)
    refused = run_in(env, PASSWORD, *add_args())
    assert refused.returncode == 1
    assert not keyring_file.exists()
    assert run(env, "account", "list", check=False).returncode == 1
    if backend.endswith("PlaintextKeyring"):
        assert refused.stderr.strip() == (
            f"error: {problem}: refusing to store a password there; install a keyring backend"
            " that keeps secrets encrypted (Secret Service: gnome-keyring, KeePassXC; see the"
            " README, 'Connecting a mailbox'), or pass --allow-insecure-keyring to accept"
            " this one"
        )
        accepted = run_in(env, PASSWORD, *add_args(), "--allow-insecure-keyring")
        assert accepted.returncode == 0, accepted.stderr
        assert (
            accepted.stderr.strip()
            == f"warning: {problem}; stored anyway (--allow-insecure-keyring)"
        )
        return
    nowhere = (
        f"error: {problem}: there is nowhere to store the password (--allow-insecure-keyring"
        " cannot help with this backend); run and unlock a Secret Service keyring"
        " (gnome-keyring, KeePassXC), or install keyrings.alt and add the account again with"
        " --allow-insecure-keyring (see the README, 'Connecting a mailbox')"
    )
    assert refused.stderr.strip() == nowhere
    insisted = run_in(env, PASSWORD, *add_args(), "--allow-insecure-keyring")
    assert (insisted.returncode, insisted.stderr.strip()) == (1, nowhere)
    assert run(env, "account", "list", check=False).returncode == 1


def test_remove_deletes_the_keyring_entry(account_env: dict[str, str], keyring_file: Path) -> None:
    assert run_in(account_env, PASSWORD, *add_args()).returncode == 0
    removed = run(account_env, "account", "remove", "support")
    assert (
        removed.stdout.strip() == "account support removed (its password deleted from the keyring)"
    )
    assert json.loads(keyring_file.read_text()) == {}
    empty = run(account_env, "account", "list", check=False)
    assert (empty.returncode, empty.stderr.strip()) == (
        1,
        "no mail accounts: add one with `agentconsole account add`",
    )
    missing = run(account_env, "account", "remove", "support", check=False)
    assert (missing.returncode, missing.stderr.strip()) == (1, "error: no account named 'support'")


def test_account_test_logs_in_to_smtp_and_names_the_imap_failure(
    account_env: dict[str, str], smtp_server: SmtpServer, tmp_path: Path
) -> None:
    imap_port = free_port()
    assert (
        run_in(
            account_env, PASSWORD, *add_args(smtp_port=smtp_server.port, imap_port=imap_port)
        ).returncode
        == 0
    )
    result = run(account_env, "account", "test", "support", check=False)
    assert result.returncode == 1, result.stderr
    assert result.stdout.strip() == (
        f"SMTP: logged in to 127.0.0.1:{smtp_server.port} as agent@okwallet.example"
    )
    assert result.stderr.strip() == (
        "error: IMAP: connection refused by the IMAP server"
        f" 127.0.0.1:{imap_port} (nothing listens)"
    )
    assert smtp_server.logins == ["agent@okwallet.example"]
    assert leaked(tmp_path, result.stdout, result.stderr) == []


def smtp_failure(env: dict[str, str], port: int, **over: str) -> str:
    """Add an account, test it, and return the SMTP line it printed (exit 1)."""
    assert run_in(env, PASSWORD, *add_args(smtp_port=port, **over)).returncode == 0
    result = run(env, "account", "test", "support", "--timeout", "5", check=False)
    assert result.returncode == 1
    return result.stderr.splitlines()[0]


def test_account_test_says_authentication_failed(
    account_env: dict[str, str], keyring_file: Path
) -> None:
    server = SmtpServer(user="agent@okwallet.example", password="another one").start()
    try:
        line = smtp_failure(account_env, server.port)
    finally:
        server.stop()
    assert line.startswith("error: SMTP: SMTP login refused for 'agent@okwallet.example': 535 ")
    assert PASSWORD not in line


def test_account_test_warns_that_the_server_offers_no_auth(
    account_env: dict[str, str], tmp_path: Path
) -> None:
    """A relay without AUTH takes mail unauthenticated, as delivery sends it: the test
    passes (exit 0 when IMAP logs in) and says the login name goes unused."""
    server = SmtpServer().start()
    try:
        assert run_in(account_env, PASSWORD, *add_args(smtp_port=server.port)).returncode == 0
        result = run(account_env, "account", "test", "support", "--timeout", "5", check=False)
    finally:
        server.stop()
    assert result.stdout.splitlines() == [
        f"SMTP: connected to 127.0.0.1:{server.port} without logging in"
    ]
    assert result.stderr.splitlines()[0] == (
        f"warning: SMTP: the SMTP server 127.0.0.1:{server.port} offers no authentication;"
        " mail is sent without logging in as agent@okwallet.example, as a relay that trusts"
        " this machine takes it (if it should ask for a login, check --smtp-security; to drop"
        " the login name, add the account again with --smtp-no-login)"
    )
    assert result.stderr.splitlines()[1].startswith("error: IMAP: connection refused")
    assert leaked(tmp_path, result.stdout, result.stderr) == []


def test_an_account_without_smtp_login_passes_and_never_logs_in(
    account_env: dict[str, str], smtp_server: SmtpServer
) -> None:
    added = run_in(account_env, PASSWORD, *add_args(smtp_port=smtp_server.port), "--smtp-no-login")
    assert added.returncode == 0, added.stderr
    [account] = json.loads(run(account_env, "account", "list", "--json").stdout)["accounts"]
    assert account["smtp"]["user"] is None
    result = run(account_env, "account", "test", "support", "--timeout", "5", check=False)
    assert result.stdout.splitlines() == [
        f"SMTP: connected to 127.0.0.1:{smtp_server.port}"
        " (no login: the account is set up without one)"
    ]
    assert result.stderr.splitlines()[0].startswith("error: IMAP: connection refused")
    assert smtp_server.logins == []


def test_smtp_user_and_no_login_together_exit_2(account_env: dict[str, str]) -> None:
    args = add_args(**{"--smtp-user": "relay"})
    result = run_in(account_env, PASSWORD, *args, "--smtp-no-login")
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "error: --smtp-user and --smtp-no-login contradict each other: give one",
    )


def test_account_test_says_the_server_offers_no_starttls(account_env: dict[str, str]) -> None:
    server = SmtpServer().start()
    try:
        line = smtp_failure(account_env, server.port, **{"--smtp-security": "starttls"})
    finally:
        server.stop()
    assert line == f"error: SMTP: the SMTP server 127.0.0.1:{server.port} does not offer STARTTLS"


def test_account_test_says_tls_failed(account_env: dict[str, str]) -> None:
    server = SmtpServer().start()
    try:
        line = smtp_failure(account_env, server.port, **{"--smtp-security": "tls"})
    finally:
        server.stop()
    assert line.startswith(
        f"error: SMTP: TLS handshake with the SMTP server 127.0.0.1:{server.port} failed ("
    )


def test_account_test_says_connection_refused_and_dns(account_env: dict[str, str]) -> None:
    port = free_port()
    assert smtp_failure(account_env, port) == (
        f"error: SMTP: connection refused by the SMTP server 127.0.0.1:{port} (nothing listens)"
    )
    run(account_env, "account", "remove", "support")
    line = smtp_failure(
        account_env, port, **{"--smtp-host": "no-such-host.invalid", "--smtp-security": "tls"}
    )
    assert line == "error: SMTP: DNS: cannot resolve the SMTP host 'no-such-host.invalid'"


def test_account_test_without_a_password_in_the_keyring(
    account_env: dict[str, str], keyring_file: Path
) -> None:
    assert run_in(account_env, PASSWORD, *add_args()).returncode == 0
    keyring_file.write_text("{}")
    result = run(account_env, "account", "test", "support", check=False)
    assert (result.returncode, result.stderr.strip()) == (
        1,
        f"error: no password for account support in the keyring (agentconsole /"
        f" {key_of(account_env)}): remove the account and add it again",
    )


def imap_logins(log: str) -> list[str]:
    """The users Dovecot's log says logged in, and how."""
    return re.findall(r"imap-login: Info: Login: user=<([^>]*)>, method=(\w+)", log)


@pytest.mark.parametrize("mechanisms", ["plain login", "login"])
def test_account_test_logs_in_to_both_servers(
    account_env: dict[str, str],
    smtp_server: SmtpServer,
    tmp_path: Path,
    dovecot_factory: DovecotFactory,
    mechanisms: str,
) -> None:
    """A real Dovecot: AUTHENTICATE PLAIN carries the non-ASCII password. Dovecot
    without the PLAIN mechanism announces LOGINDISABLED (its LOGIN command is PLAIN
    inside), and that is said plainly."""
    imap = dovecot_factory(user="agent@okwallet.example", password=PASSWORD, mechanisms=mechanisms)
    args = add_args(smtp_port=smtp_server.port, imap_port=imap.port)
    assert run_in(account_env, PASSWORD, *args).returncode == 0
    result = run(account_env, "account", "test", "support", check=False)
    smtp_line = f"SMTP: logged in to 127.0.0.1:{smtp_server.port} as agent@okwallet.example"
    if mechanisms == "plain login":
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout.splitlines() == [
            smtp_line,
            f"IMAP: logged in to 127.0.0.1:{imap.port} as agent@okwallet.example",
        ]
        assert imap_logins(imap.log) == [("agent@okwallet.example", "PLAIN")]
    else:
        assert (result.returncode, result.stdout.strip()) == (1, smtp_line)
        assert result.stderr.strip() == (
            f"error: IMAP: the IMAP server 127.0.0.1:{imap.port} does not allow LOGIN here"
        )
        assert imap_logins(imap.log) == []
    assert leaked(tmp_path, result.stdout, result.stderr) == []


def test_account_test_says_the_imap_login_was_refused(
    account_env: dict[str, str], smtp_server: SmtpServer, dovecot_factory: DovecotFactory
) -> None:
    imap = dovecot_factory(user="agent@okwallet.example", password="another password")
    args = add_args(smtp_port=smtp_server.port, imap_port=imap.port)
    assert run_in(account_env, PASSWORD, *args).returncode == 0
    result = run(account_env, "account", "test", "support", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: IMAP: IMAP login refused for 'agent@okwallet.example':"
        " [AUTHENTICATIONFAILED] Authentication failed."
    )
    assert imap_logins(imap.log) == []


def test_on_a_terminal_add_asks_for_everything(
    account_env: dict[str, str], keyring_file: Path
) -> None:
    """Standard input is a terminal (a pty): every value is asked for, the defaults
    follow the chosen security, and the password is read without echo."""
    import os
    import pty

    answers = [
        "desk",  # account name
        "agent@okwallet.example",  # login
        "127.0.0.1",  # IMAP host
        "plain",  # IMAP security
        "",  # IMAP port: default for plain, 143
        "127.0.0.1",  # SMTP host
        "plain",  # SMTP security
        "2525",  # SMTP port
        "",  # SMTP login: default, the login
        "",  # from address: default, the login
    ]
    main, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "agentconsole", "account", "add"],
        env=account_env,
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # no controlling terminal: the password comes from stdin
    )
    os.close(terminal)
    os.write(main, "".join(a + "\n" for a in answers).encode())
    # The password prompt flushes the terminal's pending input (getpass turns echo off
    # with TCSAFLUSH): type the password only once it is asked for.
    assert process.stderr is not None
    assert process.stderr.read(len(b"Password: ")) == b"Password: "
    os.write(main, PASSWORD.encode() + b"\n")
    out, err = process.communicate(timeout=60)
    os.close(main)
    assert process.returncode == 0, err
    assert out.decode().startswith(
        "Account name: Login name: IMAP host: IMAP security (tls, starttls, plain) [tls]:"
        " IMAP port [143]: SMTP host: SMTP security (tls, starttls, plain) [tls]:"
        " SMTP port [25]: SMTP login name [agent@okwallet.example]:"
        " From address [agent@okwallet.example]: account desk added: "
    )
    [account] = json.loads(run(account_env, "account", "list", "--json").stdout)["accounts"]
    assert account["imap"] == {"host": "127.0.0.1", "port": 143, "security": "plain"}
    assert account["smtp"]["port"] == 2525
    assert account["smtp"]["user"] == account["from_address"] == "agent@okwallet.example"
    assert json.loads(keyring_file.read_text()) == {
        f"agentconsole/{key_of(account_env, 'desk')}": PASSWORD
    }
    assert PASSWORD not in out.decode() + err.decode()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_account_test_over_tls_and_starttls(
    account_env: dict[str, str], certificate: tuple[Path, Path], security: str
) -> None:
    """AUTH over an encrypted connection with a certificate the client trusts; the same
    server with a certificate it does not trust is a TLS failure, said so."""
    server = SmtpServer(
        user="agent@okwallet.example", password=PASSWORD, tls=security, cert=certificate
    ).start()
    try:
        args = add_args(smtp_port=server.port, **{"--smtp-security": security})
        assert run_in(account_env, PASSWORD, *args).returncode == 0
        trusted = dict(account_env, SSL_CERT_FILE=str(certificate[0]))
        good = run(trusted, "account", "test", "support", check=False)
        untrusted = run(account_env, "account", "test", "support", check=False)
    finally:
        server.stop()
    assert good.stdout.splitlines()[0] == (
        f"SMTP: logged in to 127.0.0.1:{server.port} as agent@okwallet.example"
    )
    assert server.logins == ["agent@okwallet.example"]
    assert untrusted.returncode == 1
    assert untrusted.stderr.splitlines()[0] == (
        f"error: SMTP: TLS: the SMTP server 127.0.0.1:{server.port} certificate is not valid"
        " (self-signed certificate)"
    )


def test_account_test_says_the_server_did_not_answer(account_env: dict[str, str]) -> None:
    """A port that accepts connections but never greets (a listening socket nobody
    serves) is a timeout, with the time waited."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        assert run_in(account_env, PASSWORD, *add_args(smtp_port=port)).returncode == 0
        result = run(account_env, "account", "test", "support", "--timeout", "0.5", check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"error: SMTP: no answer from the SMTP server 127.0.0.1:{port} within 0.5 s"
    )
