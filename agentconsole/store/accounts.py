"""Mail accounts: where to log in to the IMAP and SMTP servers, never with what.

A row holds the settings a user typed in ``agentconsole account add``; the password is
kept only in the OS keyring (:mod:`agentconsole.sync.secrets`), so copying, backing up
or sharing the database never gives a mailbox away.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from agentconsole.store.db import write_txn

SECURITIES = ("tls", "starttls", "plain")
"""How a connection is protected: TLS from the start, STARTTLS, or nothing (loopback)."""


class AccountNotFound(LookupError):
    """No account with that name."""


class AccountExists(ValueError):
    """An account with that name is already set up."""


@dataclass(frozen=True, slots=True)
class Account:
    """One mailbox's connection settings (no secret in here, by design)."""

    name: str
    imap_host: str
    imap_port: int
    imap_security: str
    user: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    from_address: str
    created_at: int = 0
    store_id: str = field(default="", compare=False)
    """The database's own random id (meta ``machine_id``): it makes the keyring entry
    this store's, so two databases on one machine never share or delete each other's.
    Not a setting, so not compared."""

    @property
    def secret_key(self) -> str:
        """The keyring entry holding this account's password: ``<store id>/<name>:<user>``
        (just the legacy key when the store has no id)."""
        return f"{self.store_id}/{self.legacy_key}" if self.store_id else self.legacy_key

    @property
    def legacy_key(self) -> str:
        """The key used before entries were per store, ``<name>:<user>``: read as a
        fallback for accounts added then."""
        return f"{self.name}:{self.user}"


_COLUMNS = (
    "name, imap_host, imap_port, imap_security, user, smtp_host, smtp_port,"
    " smtp_security, smtp_user, from_address, created_at"
)
_SELECT = f"SELECT {_COLUMNS}, (SELECT value FROM meta WHERE key = 'machine_id') FROM accounts"


def _account(row: tuple[Any, ...]) -> Account:
    return Account(
        name=str(row[0]),
        imap_host=str(row[1]),
        imap_port=int(row[2]),
        imap_security=str(row[3]),
        user=str(row[4]),
        smtp_host=str(row[5]),
        smtp_port=int(row[6]),
        smtp_security=str(row[7]),
        smtp_user=str(row[8]),
        from_address=str(row[9]),
        created_at=int(row[10]),
        store_id=str(row[11] or ""),
    )


def store_id(conn: sqlite3.Connection) -> str:
    """This database's random id (meta ``machine_id``), "" when it has none."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'machine_id'").fetchone()
    return str(row[0]) if row else ""


def add_account(conn: sqlite3.Connection, account: Account) -> None:
    """Store a new account; AccountExists if the name is taken."""
    with write_txn(conn):
        taken = conn.execute("SELECT 1 FROM accounts WHERE name = ?", (account.name,)).fetchone()
        if taken:
            raise AccountExists(f"an account named {account.name!r} exists already")
        conn.execute(
            f"INSERT INTO accounts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                account.name,
                account.imap_host,
                account.imap_port,
                account.imap_security,
                account.user,
                account.smtp_host,
                account.smtp_port,
                account.smtp_security,
                account.smtp_user,
                account.from_address,
                account.created_at,
            ),
        )


def list_accounts(conn: sqlite3.Connection) -> list[Account]:
    """Every account, by name."""
    rows = conn.execute(f"{_SELECT} ORDER BY name").fetchall()
    return [_account(row) for row in rows]


def get_account(conn: sqlite3.Connection, name: str) -> Account:
    """The account called ``name``; AccountNotFound if there is none."""
    row = conn.execute(f"{_SELECT} WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise AccountNotFound(f"no account named {name!r}")
    return _account(row)


def remove_account(conn: sqlite3.Connection, name: str) -> Account:
    """Delete the account called ``name`` and return what it was; AccountNotFound if
    there is none."""
    with write_txn(conn):
        account = get_account(conn, name)
        conn.execute("DELETE FROM accounts WHERE name = ?", (name,))
    return account
