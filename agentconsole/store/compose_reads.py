"""What composing a reply reads about a ticket's thread: the message it answers (with
the names and Cc the ticket view does not carry), and everyone who took part."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from agentconsole.store.messages import MessageNotFound


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    """A stored message as a reply needs it: who wrote it to whom, when, and what."""

    id: int
    direction: str
    rfc_message_id: str | None
    from_name: str
    from_addr: str
    to: tuple[tuple[str, str], ...]
    cc: tuple[tuple[str, str], ...]
    subject: str
    date: int | None
    body_text: str


_COLUMNS = (
    "id, direction, message_id, from_name, from_addr, to_json, cc_json, subject, date, body_text"
)


def _pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(address)) for name, address in json.loads(text or "[]"))


def _thread_message(row: tuple[Any, ...]) -> ThreadMessage:
    return ThreadMessage(
        id=int(row[0]),
        direction=str(row[1]),
        rfc_message_id=row[2],
        from_name=str(row[3]),
        from_addr=str(row[4]),
        to=_pairs(row[5]),
        cc=_pairs(row[6]),
        subject=str(row[7]),
        date=None if row[8] is None else int(row[8]),
        body_text=str(row[9]),
    )


def thread_message(conn: sqlite3.Connection, message_id: int) -> ThreadMessage:
    row = conn.execute(f"SELECT {_COLUMNS} FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        raise MessageNotFound(f"no message {message_id}")
    return _thread_message(row)


def message_to_answer(conn: sqlite3.Connection, ticket_id: int) -> ThreadMessage | None:
    """The message a reply answers: the customer's latest (not an auto-reply or a
    bounce), else the thread's latest mail of any sender; None for a ticket without
    mail. Internal notes and quarantined messages are never answered."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM messages WHERE ticket_id = ? AND direction != 'note'"
        " AND status != 'quarantined'"
        " ORDER BY direction = 'in' AND auto_kind IS NULL DESC, date DESC, id DESC LIMIT 1",
        (ticket_id,),
    ).fetchone()
    return None if row is None else _thread_message(row)


def participant_addresses(conn: sqlite3.Connection, ticket_id: int) -> list[str]:
    """Every address that sent or received the ticket's mail (as import recorded them)."""
    rows = conn.execute(
        "SELECT address FROM ticket_participants WHERE ticket_id = ? ORDER BY address",
        (ticket_id,),
    )
    return [str(row[0]) for row in rows]
