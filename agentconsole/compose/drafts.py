"""Saving, listing and discarding drafts (the compose pane saves as the agent types)."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace

from agentconsole.compose.errors import ComposeError
from agentconsole.store.db import write_txn
from agentconsole.store.drafts import MODES, Draft, delete_draft, ticket_drafts, write_draft


def save_draft(conn: sqlite3.Connection, draft: Draft) -> Draft:
    """Store the draft (a new one gets its id) stamped with the time; returns it as
    stored. DraftNotFound if it was sent or discarded meanwhile."""
    if draft.mode not in MODES:
        raise ComposeError(f"unknown draft mode {draft.mode!r} (one of: {', '.join(MODES)})")
    stamped = replace(draft, updated_at=int(time.time()))
    with write_txn(conn):
        draft_id = write_draft(conn, stamped)
    return replace(stamped, id=draft_id)


def drafts_for(conn: sqlite3.Connection, ticket_id: int) -> list[Draft]:
    """The ticket's drafts, the most recently saved first (reopening a ticket offers
    the first back)."""
    return ticket_drafts(conn, ticket_id)


def discard_draft(conn: sqlite3.Connection, draft_id: int) -> bool:
    """Delete a draft; False if it was already gone."""
    with write_txn(conn):
        return delete_draft(conn, draft_id)
