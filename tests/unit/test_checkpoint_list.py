"""An account's sync checkpoints listed (``sync --status`` reads them): by folder name,
that account's only, each with its own state, none for an account never synced."""

from __future__ import annotations

import sqlite3

from agentconsole.store.checkpoints import Checkpoint, advance, finish, list_checkpoints

T = 1_900_000_000


def test_an_accounts_checkpoints_by_folder(conn: sqlite3.Connection) -> None:
    assert list_checkpoints(conn, "support") == []
    with conn:
        advance(conn, "support", "INBOX", 7, 40, since_at=None, now=T)
        advance(conn, "other", "Archive", 3, 9, since_at=None, now=T + 1)
    finish(conn, "support", "Archive", 5, 12, since_at=T - 86400, now=T + 2)
    assert list_checkpoints(conn, "support") == [
        Checkpoint("support", "Archive", 5, 12, T - 86400, T + 2),
        Checkpoint("support", "INBOX", 7, 40, None, T),
    ]
    assert list_checkpoints(conn, "other") == [Checkpoint("other", "Archive", 3, 9, None, T + 1)]
    assert list_checkpoints(conn, "Support") == []
