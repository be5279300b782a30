"""``agentconsole account``: the mailboxes we log in to, their passwords in the keyring.

Settings go to the database, the password only to the OS keyring (service
``agentconsole``, key ``<store id>/<account>:<user>``: each database its own entry):
never to the config, the database, a log, an error message or the command line (there
is no ``--password`` flag, so it cannot show in the process list or the shell history).
"""

from __future__ import annotations

import dataclasses
import sys
import time

import click

from agentconsole.cli import Context, cli, db_option, pass_context
from agentconsole.cli.output import counted, emit_json, fail, fail_empty, table
from agentconsole.store.accounts import (
    SECURITIES,
    Account,
    AccountExists,
    AccountNotFound,
    add_account,
    get_account,
    list_accounts,
    remove_account,
    store_id,
)
from agentconsole.sync.secrets import (
    HEADLESS_STEPS,
    SERVICE,
    SecretError,
    backend_name,
    backend_problem,
    delete_password,
    has_password,
    read_password,
    store_password,
    stores_nothing,
)
from agentconsole.sync.settings import DEFAULT_PORTS, AccountInput, AccountInputError, build_account

_SECURITY = click.Choice(SECURITIES)

HEADLESS_HINT = (
    "install a keyring backend that keeps secrets encrypted (Secret Service: gnome-keyring,"
    " KeePassXC; see the README, 'Connecting a mailbox'), or pass --allow-insecure-keyring"
    " to accept this one"
)


@cli.group("account")
def account_group() -> None:
    """Mail accounts: add, list, test and remove the mailboxes agentconsole uses.

    \b
    Examples:
      agentconsole account add
      printf '%s' "$PW" | agentconsole account add --name support --user support@example.com \\
          --imap-host imap.example.com --smtp-host smtp.example.com \\
          --from-address support@example.com --password-stdin
      agentconsole account list
      agentconsole account test support
      agentconsole account remove support
    """


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(value: str | None, flag: str, text: str, default: str | None = None) -> str:
    """The flag's value, else (on a terminal) the answer to a prompt, else exit 2."""
    if value is not None:
        return value
    if default is not None and not _interactive():
        return default
    if not _interactive():
        fail(f"missing {flag} (pass it, or run on a terminal to be asked)", 2)
    answer: str = click.prompt(text, default=default, show_default=default is not None)
    return answer


def _ask_port(value: int | None, flag: str, text: str, side: str, security: str) -> int | None:
    if value is not None or not _interactive():
        return value
    answer: int = click.prompt(
        text, default=DEFAULT_PORTS[side][security], type=click.IntRange(1, 65535)
    )
    return answer


def _ask_security(value: str | None, text: str) -> str:
    if value is not None or not _interactive():
        return value or "tls"
    answer: str = click.prompt(text, default="tls", type=_SECURITY)
    return answer


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.read()
        password = password[:-1] if password.endswith("\n") else password
        password = password[:-1] if password.endswith("\r") else password
    elif _interactive():
        password = click.prompt("Password", hide_input=True, default="", show_default=False)
    else:
        fail("no password: pass --password-stdin and write it to standard input", 2)
    if not password:
        fail("the password is empty", 2)
    return password


@account_group.command("add")
@click.option("--name", help="A short name for the account, e.g. support.")
@click.option("--imap-host", help="IMAP server host name.")
@click.option("--imap-port", type=click.IntRange(1, 65535), help="IMAP port (993 for tls).")
@click.option("--imap-security", type=_SECURITY, help="tls (default), starttls or plain.")
@click.option("--user", help="Login name (often the mailbox address).")
@click.option("--smtp-host", help="SMTP server host name.")
@click.option("--smtp-port", type=click.IntRange(1, 65535), help="SMTP port (465 for tls).")
@click.option("--smtp-security", type=_SECURITY, help="tls (default), starttls or plain.")
@click.option("--smtp-user", help="SMTP login name (default: --user).")
@click.option(
    "--smtp-no-login",
    is_flag=True,
    help="Send without logging in to SMTP (a relay that trusts this machine).",
)
@click.option("--from-address", help="The address replies are sent from.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--allow-plain", is_flag=True, help="Allow 'plain' (unencrypted) to a host not on this machine."
)
@click.option(
    "--allow-insecure-keyring",
    is_flag=True,
    help="Store the password even in a keyring that keeps it in plain text or forgets it.",
)
@db_option
@pass_context
def add_command(
    ctx: Context,
    name: str | None,
    imap_host: str | None,
    imap_port: int | None,
    imap_security: str | None,
    user: str | None,
    smtp_host: str | None,
    smtp_port: int | None,
    smtp_security: str | None,
    smtp_user: str | None,
    smtp_no_login: bool,
    from_address: str | None,
    password_stdin: bool,
    allow_plain: bool,
    allow_insecure_keyring: bool,
) -> None:
    """Add a mail account; its password goes only to the OS keyring.

    On a terminal it asks for whatever the flags did not give; in a script every
    value is a flag and the password comes from standard input (--password-stdin).
    Security 'plain' (no encryption) is for a server on this machine only, unless
    --allow-plain. --smtp-no-login sends mail without logging in to SMTP (a relay
    that trusts this machine); the password is then for IMAP only. Exits 2 on a bad
    value, 1 when the keyring cannot keep the password safely (see
    --allow-insecure-keyring).

    \b
    Example:
      printf '%s' "$PW" | agentconsole account add --name support \\
          --user support@example.com --imap-host imap.example.com \\
          --smtp-host smtp.example.com --smtp-security starttls \\
          --from-address support@example.com --password-stdin
    """
    conn = ctx.conn()
    account_name = _ask(name, "--name", "Account name", None)
    if any(a.name == account_name for a in list_accounts(conn)):
        fail(f"an account named {account_name!r} exists already (remove it first)", 2)
    problem = backend_problem()
    if problem and stores_nothing():
        fail(
            f"{problem}: there is nowhere to store the password (--allow-insecure-keyring"
            f" cannot help with this backend); {HEADLESS_STEPS}"
        )
    if problem and not allow_insecure_keyring:
        fail(f"{problem}: refusing to store a password there; {HEADLESS_HINT}")
    login = _ask(user, "--user", "Login name")
    imap_host = _ask(imap_host, "--imap-host", "IMAP host")
    imap_security = _ask_security(imap_security, "IMAP security")
    imap_port = _ask_port(imap_port, "--imap-port", "IMAP port", "imap", imap_security)
    smtp_host = _ask(smtp_host, "--smtp-host", "SMTP host")
    smtp_security = _ask_security(smtp_security, "SMTP security")
    smtp_port = _ask_port(smtp_port, "--smtp-port", "SMTP port", "smtp", smtp_security)
    if smtp_no_login and smtp_user is not None:
        fail("--smtp-user and --smtp-no-login contradict each other: give one", 2)
    if not smtp_no_login:
        smtp_user = _ask(smtp_user, "--smtp-user", "SMTP login name", login)
    address = _ask(from_address, "--from-address", "From address", login if "@" in login else None)
    given = AccountInput(
        name=account_name,
        imap_host=imap_host,
        imap_port=imap_port,
        imap_security=imap_security,
        user=login,
        smtp_host=smtp_host,
        smtp_port=smtp_port,
        smtp_security=smtp_security,
        smtp_user=smtp_user,
        from_address=address,
        allow_plain=allow_plain,
    )
    try:
        account = build_account(given, now=int(time.time()))
    except AccountInputError as exc:
        fail(str(exc), 2)
    if smtp_no_login:
        account = dataclasses.replace(account, smtp_user="")
    password = _read_password(password_stdin)
    account = dataclasses.replace(account, store_id=store_id(conn))
    _save(ctx, account, password)
    if problem:
        click.echo(f"warning: {problem}; stored anyway (--allow-insecure-keyring)", err=True)
    click.echo(
        f"account {account.name} added: password in the keyring ({backend_name()}) under"
        f" {SERVICE} / {account.secret_key}; settings in {ctx.db_path}"
    )
    click.echo(f"check it with: agentconsole account test {account.name}")


def _save(ctx: Context, account: Account, password: str) -> None:
    """The password to the keyring, then the settings to the database; the keyring
    entry is taken back if the database refuses, so no orphan secret stays behind."""
    try:
        store_password(account.secret_key, password)
    except SecretError as exc:
        fail(str(exc))
    try:
        add_account(ctx.conn(), account)
    except AccountExists as exc:
        fail(str(exc), 2)
    except BaseException:
        delete_password(account.secret_key)
        raise


def _account_json(account: Account) -> dict[str, object]:
    return {
        "name": account.name,
        "user": account.user,
        "imap": {
            "host": account.imap_host,
            "port": account.imap_port,
            "security": account.imap_security,
        },
        "smtp": {
            "host": account.smtp_host,
            "port": account.smtp_port,
            "security": account.smtp_security,
            "user": account.smtp_user or None,
        },
        "from_address": account.from_address,
        "keyring": {"service": SERVICE, "key": account.secret_key},
    }


@account_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@db_option
@pass_context
def list_command(ctx: Context, as_json: bool) -> None:
    """List the mail accounts (never their passwords). Exits 1 when there is none.

    \b
    Examples:
      agentconsole account list
      agentconsole account list --json
    """
    accounts = list_accounts(ctx.conn())
    if as_json:
        emit_json({"accounts": [_account_json(a) for a in accounts]})
    if not accounts:
        fail_empty("no mail accounts: add one with `agentconsole account add`")
    if as_json:
        return
    rows = [
        (
            a.name,
            a.user,
            f"{a.imap_host}:{a.imap_port} {a.imap_security}",
            f"{a.smtp_host}:{a.smtp_port} {a.smtp_security}",
            a.from_address,
        )
        for a in accounts
    ]
    table(("name", "user", "imap", "smtp", "from"), rows, title=counted(len(accounts), "account"))


@account_group.command("remove")
@click.argument("name")
@db_option
@pass_context
def remove_command(ctx: Context, name: str) -> None:
    """Remove a mail account and delete its password from the keyring.

    \b
    Example:
      agentconsole account remove support
    """
    conn = ctx.conn()
    try:
        account = get_account(conn, name)
    except AccountNotFound as exc:
        fail(str(exc))
    try:
        deleted = delete_password(account.secret_key)
        shared = not deleted and has_password(account.legacy_key)
    except SecretError as exc:
        fail(f"{exc}; the account is kept, try again")
    remove_account(conn, name)
    where = "its password deleted from the keyring" if deleted else "no password was in the keyring"
    if shared:
        where = (
            f"its password is under the old shared key {SERVICE} / {account.legacy_key},"
            " kept for other databases"
        )
    click.echo(f"account {name} removed ({where})")


def account_password(account: Account) -> str:
    """The account's password from the keyring, or exit 1 saying how to put it back."""
    try:
        password = read_password(account.secret_key)
    except SecretError as exc:
        fail(str(exc))
    if password is None:
        fail(
            f"no password for account {account.name} in the keyring ({SERVICE} /"
            f" {account.secret_key}): remove the account and add it again"
        )
    return password


def _said_smtp(account: Account, *, offers_auth: bool) -> None:
    """The SMTP line of ``account test``: how delivery will reach this server."""
    where = f"{account.smtp_host}:{account.smtp_port}"
    if not account.smtp_user:
        click.echo(f"SMTP: connected to {where} (no login: the account is set up without one)")
    elif offers_auth:
        click.echo(f"SMTP: logged in to {where} as {account.smtp_user}")
    else:
        click.echo(f"SMTP: connected to {where} without logging in")
        click.echo(
            f"warning: SMTP: the SMTP server {where} offers no authentication; mail is sent"
            f" without logging in as {account.smtp_user}, as a relay that trusts this machine"
            " takes it (if it should ask for a login, check --smtp-security; to drop the"
            " login name, add the account again with --smtp-no-login)",
            err=True,
        )


@account_group.command("test")
@click.argument("name")
@click.option(
    "--timeout", type=click.FloatRange(0.1, 300), default=30.0, help="Seconds to wait per server."
)
@db_option
@pass_context
def test_command(ctx: Context, name: str, timeout: float) -> None:
    """Log in to the account's SMTP and IMAP servers now and say what failed.

    One line per server: logged in, or why not (DNS, connection refused, timeout,
    TLS, authentication, missing STARTTLS). An SMTP server that offers no
    authentication is used without a login, as delivery does: a warning when the
    account has an SMTP login name (see --smtp-no-login in `account add`).
    Exits 1 if either failed.

    \b
    Example:
      agentconsole account test support
    """
    from agentconsole.sync.servers import ServerError, imap_login, smtp_session

    try:
        account = get_account(ctx.conn(), name)
    except AccountNotFound as exc:
        fail(str(exc))
    password = account_password(account)
    failed = False
    try:
        with smtp_session(account, password, timeout=timeout) as smtp:
            _said_smtp(account, offers_auth=smtp.has_extn("auth"))
    except ServerError as exc:
        click.echo(f"error: SMTP: {exc}", err=True)
        failed = True
    try:
        imap_login(account, password, timeout=timeout)
        click.echo(f"IMAP: logged in to {account.imap_host}:{account.imap_port} as {account.user}")
    except ServerError as exc:
        click.echo(f"error: IMAP: {exc}", err=True)
        failed = True
    if failed:
        sys.exit(1)
