"""A ticket's life-cycle: the changes an agent makes and how each is undone.

Every change writes its event in the same transaction as the change itself, so the
trail never disagrees with the data, and recomputes the ticket's SLA clocks there
too (:func:`agentconsole.domain.sla.ticket_changed`: a policy may name any field).
``solved_at`` follows the status through :func:`solved_at_after`, the one place that
sets it, whether an agent changes the status or mail arriving does
(:mod:`agentconsole.domain.arrival`).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from agentconsole.domain.sla import ticket_changed
from agentconsole.models import CATEGORIES, PRIORITIES, STATUSES
from agentconsole.store.db import write_txn
from agentconsole.store.events import record_event
from agentconsole.store.ticket_rows import (
    add_tag,
    remove_tag,
    set_columns,
    ticket_field,
    with_priority,
)

SOLVED = ("solved", "closed")
"""Statuses in which a ticket counts as solved and carries a ``solved_at``."""

FIELDS: dict[str, tuple[str, ...] | None] = {
    "status": STATUSES,
    "priority": PRIORITIES,
    "category": CATEGORIES,
    "assignee": None,
}
"""The fields an agent may set, with their allowed values (None: any)."""

REVEAL_EVENT = "sensitive_revealed"
"""The event that puts an agent's look at masked text on a ticket's record."""
ESCALATED_PRIORITY = "high"
"""Escalation raises a ticket's priority to at least this."""
BELOW_ESCALATED = ("normal", "low")


@dataclass(frozen=True)
class Change:
    """One agent action, as much as is needed to undo it."""

    label: str
    field: str | None = None
    previous: tuple[tuple[int, str | None], ...] = ()
    tags_added: tuple[tuple[int, str], ...] = ()
    tags_removed: tuple[tuple[int, str], ...] = ()
    extra: tuple[Change, ...] = ()

    @property
    def ticket_ids(self) -> list[int]:
        ids = [i for i, _ in self.previous] + [i for i, _ in self.tags_added]
        ids += [i for i, _ in self.tags_removed]
        for change in self.extra:
            ids += change.ticket_ids
        return sorted(set(ids))


def solved_at_after(
    old_status: str, new_status: str, solved_at: int | None, now: int
) -> int | None:
    """``solved_at`` once the status goes from ``old_status`` to ``new_status``: the
    moment it became solved or closed, kept while it stays so, cleared otherwise."""
    if new_status not in SOLVED:
        return None
    if new_status == old_status:
        return solved_at
    return now


def update_ticket(
    conn: sqlite3.Connection, ticket_ids: list[int], field: str, value: str | None, *, actor: str
) -> list[tuple[int, str | None]]:
    """Set ``field`` on every ticket in one transaction, one event per ticket changed.

    Returns the (ticket id, previous value) pairs of the tickets that changed, which is
    what an undo needs.
    """
    if field not in FIELDS:
        raise ValueError(f"cannot change {field!r}")
    allowed = FIELDS[field]
    if allowed is not None and value not in allowed:
        raise ValueError(f"{field} must be one of {', '.join(allowed)}")
    if field == "assignee" and value is not None:
        value = value.strip() or None
    now = int(time.time())
    changed: list[tuple[int, str | None]] = []
    with write_txn(conn):
        for ticket_id in ticket_ids:
            old = ticket_field(conn, ticket_id, field)
            if old == value:
                continue
            values: dict[str, object] = {field: value, "updated_at": now}
            if field == "status":
                assert value is not None and old is not None
                values["solved_at"] = solved_at_after(old, value, None, now)
            set_columns(conn, ticket_id, values)
            record_event(
                conn,
                field,
                actor=actor,
                ticket_id=ticket_id,
                at=now,
                data={"from": old, "to": value},
            )
            changed.append((ticket_id, old))
        ticket_changed(conn, [ticket_id for ticket_id, _ in changed], now=now)
    return changed


def set_tags(
    conn: sqlite3.Connection,
    ticket_ids: list[int],
    add: list[str],
    remove: list[str],
    *,
    actor: str,
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Add and remove tags (trimmed, lower case) on tickets; one event per tag actually
    changed. Returns the (ticket id, tag) pairs really added and really removed (what
    an undo must take back)."""
    added: list[tuple[int, str]] = []
    removed: list[tuple[int, str]] = []
    add = [t.strip().lower() for t in add if t.strip()]
    remove = [t.strip().lower() for t in remove if t.strip()]
    now = int(time.time())
    with write_txn(conn):
        for ticket_id in ticket_ids:
            for tags, change, kind, done in (
                (add, add_tag, "tag_added", added),
                (remove, remove_tag, "tag_removed", removed),
            ):
                for tag in tags:
                    if change(conn, ticket_id, tag):
                        done.append((ticket_id, tag))
                        record_event(
                            conn, kind, actor=actor, ticket_id=ticket_id, at=now, data={"tag": tag}
                        )
            set_columns(conn, ticket_id, {"updated_at": now})
        ticket_changed(conn, {ticket_id for ticket_id, _ in added + removed}, now=now)
    return added, removed


def tag_from_mailbox(
    conn: sqlite3.Connection, ticket_id: int, labels: list[str], *, actor: str, now: int
) -> None:
    """Add a mailbox's labels (Gmail's) as tags, as they are; each new one gets its
    event. The caller holds the transaction (an import batch)."""
    added = False
    for label in labels:
        if add_tag(conn, ticket_id, label):
            added = True
            record_event(
                conn,
                "tag_added",
                actor=actor,
                ticket_id=ticket_id,
                at=now,
                data={"tag": label, "from": "mailbox label"},
            )
    if added:
        ticket_changed(conn, [ticket_id], now=now)


def change_field(
    conn: sqlite3.Connection, ticket_ids: list[int], field: str, value: str | None, *, actor: str
) -> Change:
    """Set a field (see :func:`update_ticket`) and return the undoable change."""
    previous = update_ticket(conn, ticket_ids, field, value, actor=actor)
    return Change(f"{field} → {value or 'nobody'}", field, tuple(previous))


def change_tags(
    conn: sqlite3.Connection,
    ticket_ids: list[int],
    add: list[str],
    remove: list[str],
    *,
    actor: str,
) -> Change:
    """Add and remove tags (see :func:`set_tags`) and return the undoable change."""
    added, removed = set_tags(conn, ticket_ids, add, remove, actor=actor)
    return Change("tags", tags_added=tuple(added), tags_removed=tuple(removed))


def escalate(conn: sqlite3.Connection, ticket_ids: list[int], *, actor: str) -> Change:
    """Pass to a senior agent: priority at least high, tag ``escalated``, an event;
    all of it in one transaction."""
    with write_txn(conn):
        raise_ids = with_priority(conn, ticket_ids, BELOW_ESCALATED)
        priority = (
            change_field(conn, raise_ids, "priority", ESCALATED_PRIORITY, actor=actor)
            if raise_ids
            else Change("")
        )
        tags = change_tags(conn, ticket_ids, ["escalated"], [], actor=actor)
        for ticket_id in ticket_ids:
            record_event(conn, "escalated", actor=actor, ticket_id=ticket_id)
    return Change("escalated", extra=(priority, tags))


def undo(conn: sqlite3.Connection, change: Change, *, actor: str) -> None:
    """Put back what ``change`` changed in one transaction, recording events as any
    change does."""
    with write_txn(conn):
        for inner in reversed(change.extra):
            undo(conn, inner, actor=actor)
        if change.field:
            by_value: dict[str | None, list[int]] = {}
            for ticket_id, old in change.previous:
                by_value.setdefault(old, []).append(ticket_id)
            for old, ids in by_value.items():
                update_ticket(conn, ids, change.field, old, actor=actor)
        for ticket_id, tag in change.tags_added:
            set_tags(conn, [ticket_id], [], [tag], actor=actor)
        for ticket_id, tag in change.tags_removed:
            set_tags(conn, [ticket_id], [tag], [], actor=actor)


def record_reveal(
    conn: sqlite3.Connection,
    ticket_id: int,
    message_ids: list[int],
    *,
    actor: str,
    via: str = "console",
) -> None:
    """Showing masked data is allowed, and always on the record: one event per message
    shown in clear, saying who looked and from where (``console`` or ``cli``)."""
    with write_txn(conn):
        for message_id in message_ids:
            record_event(
                conn,
                REVEAL_EVENT,
                actor=actor,
                ticket_id=ticket_id,
                message_id=message_id,
                data={"message": message_id, "via": via},
            )
