"""Mail accounts in the store: added once per name, read back field by field, listed by
name, removed with what they were; never a secret in a row."""

from __future__ import annotations

import sqlite3

import pytest

from agentconsole.store.accounts import (
    Account,
    AccountExists,
    AccountNotFound,
    add_account,
    get_account,
    list_accounts,
    remove_account,
    store_id,
)


def _account(name: str = "support", **over: object) -> Account:
    values: dict[str, object] = {
        "name": name,
        "imap_host": "imap.okwallet.example",
        "imap_port": 993,
        "imap_security": "tls",
        "user": "agent@okwallet.example",
        "smtp_host": "smtp.okwallet.example",
        "smtp_port": 587,
        "smtp_security": "starttls",
        "smtp_user": "sender@okwallet.example",
        "from_address": "support@okwallet.example",
        "created_at": 1_800_000_000,
    }
    values.update(over)
    return Account(**values)  # type: ignore[arg-type]


def test_an_account_reads_back_exactly_as_added(conn: sqlite3.Connection) -> None:
    account = _account()
    add_account(conn, account)
    assert get_account(conn, "support") == account
    assert not conn.in_transaction
    columns = [r[1] for r in conn.execute("PRAGMA table_info(accounts)")]
    assert not [c for c in columns if "pass" in c or "secret" in c]


def test_a_taken_name_is_refused_and_the_first_kept(conn: sqlite3.Connection) -> None:
    add_account(conn, _account())
    with pytest.raises(AccountExists, match="an account named 'support' exists already"):
        add_account(conn, _account(imap_host="other.example"))
    assert list_accounts(conn) == [_account()]
    assert not conn.in_transaction


def test_accounts_are_listed_by_name(conn: sqlite3.Connection) -> None:
    assert list_accounts(conn) == []
    add_account(conn, _account("zeta", imap_port=143, imap_security="plain"))
    add_account(conn, _account("alpha", smtp_port=465, smtp_security="tls"))
    add_account(conn, _account("mid"))
    assert [a.name for a in list_accounts(conn)] == ["alpha", "mid", "zeta"]
    assert list_accounts(conn)[0] == _account("alpha", smtp_port=465, smtp_security="tls")
    assert get_account(conn, "zeta").imap_port == 143


def test_an_unknown_name_is_not_found(conn: sqlite3.Connection) -> None:
    add_account(conn, _account())
    with pytest.raises(AccountNotFound, match="no account named 'Support'"):
        get_account(conn, "Support")
    with pytest.raises(AccountNotFound, match="no account named 'gone'"):
        remove_account(conn, "gone")
    assert list_accounts(conn) == [_account()]
    assert not conn.in_transaction


def test_removing_an_account_returns_it_and_leaves_the_others(conn: sqlite3.Connection) -> None:
    add_account(conn, _account("a"))
    add_account(conn, _account("b", user="b@okwallet.example"))
    removed = remove_account(conn, "b")
    assert removed == _account("b", user="b@okwallet.example")
    assert list_accounts(conn) == [_account("a")]
    add_account(conn, _account("b"))  # the name is free again
    assert [a.name for a in list_accounts(conn)] == ["a", "b"]


def test_the_keyring_entry_names_account_and_user() -> None:
    assert _account("team", user="lin@x.example").secret_key == "team:lin@x.example"


def test_a_stored_account_keys_its_password_by_this_database(conn: sqlite3.Connection) -> None:
    add_account(conn, _account("team", user="lin@x.example"))
    stored = get_account(conn, "team")
    assert len(store_id(conn)) == 32
    assert stored.secret_key == f"{store_id(conn)}/team:lin@x.example"
    assert stored.legacy_key == "team:lin@x.example"
