"""Drafts: replies being written, saved as the agent types.

A draft is a row of its own, not a message: it may be saved hundreds of times, never
leaves, and is deleted when it is sent (:mod:`agentconsole.domain.outgoing`) or
discarded. Closing the pane, a crash or quitting loses nothing, and reopening the
ticket offers the draft back.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

MODES = ("reply", "reply_all", "forward", "note")
"""What a draft is: an answer to the customer, to everyone on the thread, a forward to
someone else, or an internal note that is stored on the ticket and never sent."""


class DraftNotFound(LookupError):
    """No draft with that id (sent or discarded meanwhile)."""


@dataclass(frozen=True)
class Draft:
    """A reply being written. ``answers_message_id`` is the ``messages.id`` it answers
    (its In-Reply-To); ``attachments`` are file paths, read when it is sent."""

    id: int | None
    ticket_id: int
    mode: str
    answers_message_id: int | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[str, ...]
    updated_at: int
    author: str = ""


_COLUMNS = (
    "id, ticket_id, mode, answers_message_id, to_json, cc_json, subject, body,"
    " attachments_json, updated_at, author"
)


def _draft(row: tuple[Any, ...]) -> Draft:
    return Draft(
        id=int(row[0]),
        ticket_id=int(row[1]),
        mode=str(row[2]),
        answers_message_id=None if row[3] is None else int(row[3]),
        to=tuple(json.loads(row[4])),
        cc=tuple(json.loads(row[5])),
        subject=str(row[6]),
        body=str(row[7]),
        attachments=tuple(json.loads(row[8])),
        updated_at=int(row[9]),
        author=str(row[10]),
    )


def _values(draft: Draft) -> tuple[object, ...]:
    return (
        draft.ticket_id,
        draft.mode,
        draft.answers_message_id,
        json.dumps(list(draft.to), ensure_ascii=False),
        json.dumps(list(draft.cc), ensure_ascii=False),
        draft.subject,
        draft.body,
        json.dumps(list(draft.attachments), ensure_ascii=False),
        draft.updated_at,
        draft.author,
    )


def write_draft(conn: sqlite3.Connection, draft: Draft) -> int:
    """Insert a new draft (``id`` None) or overwrite a stored one; returns its id.
    Overwriting a draft that is gone (sent from another window) raises DraftNotFound
    rather than bringing it back."""
    if draft.id is None:
        cursor = conn.execute(
            "INSERT INTO drafts (ticket_id, mode, answers_message_id, to_json, cc_json,"
            " subject, body, attachments_json, updated_at, author)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _values(draft),
        )
        return int(cursor.lastrowid or 0)
    cursor = conn.execute(
        "UPDATE drafts SET ticket_id = ?, mode = ?, answers_message_id = ?, to_json = ?,"
        " cc_json = ?, subject = ?, body = ?, attachments_json = ?, updated_at = ?,"
        " author = ? WHERE id = ?",
        (*_values(draft), draft.id),
    )
    if cursor.rowcount == 0:
        raise DraftNotFound(f"draft {draft.id} no longer exists (sent or discarded)")
    return draft.id


def get_draft(conn: sqlite3.Connection, draft_id: int) -> Draft:
    row = conn.execute(f"SELECT {_COLUMNS} FROM drafts WHERE id = ?", (draft_id,)).fetchone()
    if row is None:
        raise DraftNotFound(f"no draft {draft_id}")
    return _draft(row)


def ticket_drafts(conn: sqlite3.Connection, ticket_id: int) -> list[Draft]:
    """A ticket's drafts, the most recently saved first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM drafts WHERE ticket_id = ? ORDER BY updated_at DESC, id DESC",
        (ticket_id,),
    ).fetchall()
    return [_draft(row) for row in rows]


def all_drafts(conn: sqlite3.Connection, limit: int = 500) -> list[Draft]:
    """Every draft, the most recently saved first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM drafts ORDER BY updated_at DESC, id DESC LIMIT ?", (limit,)
    ).fetchall()
    return [_draft(row) for row in rows]


def delete_draft(conn: sqlite3.Connection, draft_id: int) -> bool:
    """Delete a draft; False if there was none."""
    return bool(conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount)
