"""Two tickets becoming one: the only way it happens, whoever asks.

Import merges when a message links two tickets (a reply read before its original,
:mod:`agentconsole.ingest.relink`); an agent merges with ``agentconsole merge``; the
console and sync will call the same function. So the result cannot depend on who
merged, nor in which order:

- **Survivor.** The ticket whose earliest message is earliest by (date, message ref),
  the same order a ticket's ref follows (docs/design/identity.md). Every machine and
  every import order picks the same survivor, and its ref does not change.
- **Moved.** Messages, participants, tags and the absorbed ticket's history (events)
  go to the survivor. The absorbed ticket keeps its row, closed, with ``merged_into``
  set, its ref (which still resolves, to the survivor) and its assignee.
- **Recomputed.** The survivor's first and last message, first response, last
  customer and agent times, message count and subject follow from its messages in
  date order (:func:`agentconsole.domain.thread_state.settle`).
- **Agents' work is kept, never dropped silently.** If an agent set the status of
  either ticket, the merged ticket takes the status that needs more attention (open,
  new, pending, solved, closed, in that order), so merging never hides work; if
  neither did, the status follows the mail like any import. The survivor keeps its
  assignee, or takes the absorbed one's if it had none; an absorbed assignee that
  differs stays on the absorbed row and is named in the ``ticket_merged`` event.
  Tags are united, priority is the higher of the two, an unsorted category takes the
  other's. Each such change has its own event, and both tickets get a
  ``ticket_merged`` event.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass

from agentconsole.domain.arrival import UNSORTED
from agentconsole.domain.sla import ticket_changed
from agentconsole.domain.thread_state import settle, status_set_by_agent
from agentconsole.models import PRIORITIES
from agentconsole.store.db import write_txn
from agentconsole.store.events import record_event
from agentconsole.store.merge_rows import (
    MergeSide,
    close_absorbed,
    earliest_message,
    merge_side,
    move_events,
    move_messages,
    move_participants,
    move_tags,
    set_customer,
)
from agentconsole.store.ticket_rows import set_columns
from agentconsole.store.tickets import refresh_ticket_ref

ATTENTION = ("open", "new", "pending", "solved", "closed")
"""Statuses from the one needing an agent most to the one needing them least."""
MERGED_STATUS = "closed"
"""The terminal status of a ticket merged into another."""


class MergeError(ValueError):
    """Two tickets that cannot be merged (the same one, or one merged already)."""


@dataclass(frozen=True, slots=True)
class Merged:
    """What a merge did."""

    survivor: int
    absorbed: int
    survivor_ref: str
    absorbed_ref: str
    messages: int
    tags: tuple[str, ...]


def _label(side: MergeSide) -> str:
    return side.ref or f"T-{side.id}"


def by_first_message(conn: sqlite3.Connection, ticket_ids: Iterable[int]) -> list[int]:
    """``ticket_ids`` ordered by their earliest message (date, then ref): the first is
    the survivor of merging them. Tickets without messages come last, by id."""

    def key(ticket_id: int) -> tuple[bool, int, str, int]:
        first = earliest_message(conn, ticket_id)
        return (first is None, *(first or (0, "")), ticket_id)

    return sorted(set(ticket_ids), key=key)


def _merged_status(
    conn: sqlite3.Connection, survivor: MergeSide, absorbed: MergeSide
) -> tuple[str, int | None] | None:
    """The status an agent's decision imposes on the merged ticket, or None for the
    status the mail gives (neither ticket's status was set by an agent)."""
    if not (status_set_by_agent(conn, survivor.id) or status_set_by_agent(conn, absorbed.id)):
        return None
    status = min(survivor.status, absorbed.status, key=ATTENTION.index)
    side = survivor if status == survivor.status else absorbed
    return status, side.solved_at


def _take_over(
    conn: sqlite3.Connection, survivor: MergeSide, absorbed: MergeSide, actor: str, now: int
) -> None:
    """The survivor takes what it lacks from the absorbed ticket (see the module)."""
    values: dict[str, object] = {}
    if survivor.assignee is None and absorbed.assignee is not None:
        values["assignee"] = absorbed.assignee
    if PRIORITIES.index(absorbed.priority) < PRIORITIES.index(survivor.priority):
        values["priority"] = absorbed.priority
    if survivor.category == UNSORTED and absorbed.category != UNSORTED:
        values["category"] = absorbed.category
    if values:
        set_columns(conn, survivor.id, values)
    for field, value in values.items():
        record_event(
            conn,
            field,
            actor=actor,
            ticket_id=survivor.id,
            at=now,
            data={"from": getattr(survivor, field), "to": value, "reason": "merge"},
        )
    if survivor.customer_id is None and absorbed.customer_id is not None:
        set_customer(conn, survivor.id, absorbed.customer_id)


def merge_tickets(
    conn: sqlite3.Connection,
    survivor: int,
    absorbed: int,
    *,
    actor: str,
    reason: str,
    now: int | None = None,
) -> Merged:
    """Merge ``absorbed`` into ``survivor`` in one transaction (a savepoint inside an
    import's). Callers choose ``survivor`` with :func:`by_first_message` (or use
    :func:`merge_all`); ``reason`` says why, for the record."""
    if survivor == absorbed:
        raise MergeError("a ticket cannot be merged into itself")
    now = int(time.time()) if now is None else now
    with write_txn(conn):
        keep, gone = merge_side(conn, survivor), merge_side(conn, absorbed)
        for side in (keep, gone):
            if side.merged_into is not None:
                into = _label(merge_side(conn, side.merged_into))
                raise MergeError(f"{_label(side)} was merged into {into} already")
        status = _merged_status(conn, keep, gone)
        note = f"; its ticket {_label(gone)} was merged into {_label(keep)}: {reason}"
        moved = move_messages(conn, absorbed, survivor, note)
        move_participants(conn, absorbed, survivor)
        tags = move_tags(conn, absorbed, survivor)
        move_events(conn, absorbed, survivor)
        close_absorbed(conn, absorbed, survivor, status=MERGED_STATUS, now=now)
        _take_over(conn, keep, gone, actor, now)
        settle(conn, survivor, actor=actor, now=now, status=status)
        survivor_ref = refresh_ticket_ref(conn, survivor) or _label(keep)
        data: dict[str, object] = {
            "survivor": survivor_ref,
            "absorbed": _label(gone),
            "reason": reason,
            "messages": moved,
            "tags": tags,
        }
        if gone.assignee is not None and keep.assignee not in (None, gone.assignee):
            data["absorbed_assignee"] = gone.assignee
        record_event(
            conn,
            "status",
            actor=actor,
            ticket_id=absorbed,
            at=now,
            data={
                "from": gone.status,
                "to": MERGED_STATUS,
                "reason": f"merged into {survivor_ref}",
            },
        )
        for ticket_id in (survivor, absorbed):
            record_event(conn, "ticket_merged", actor=actor, ticket_id=ticket_id, at=now, data=data)
        ticket_changed(conn, [survivor, absorbed], now=now)
    return Merged(survivor, absorbed, survivor_ref, _label(gone), moved, tuple(tags))


def merge_all(
    conn: sqlite3.Connection,
    ticket_ids: Iterable[int],
    *,
    actor: str,
    reason: str,
    now: int | None = None,
) -> int:
    """Merge every ticket of ``ticket_ids`` into the one with the earliest first
    message (in that order too); returns the survivor."""
    survivor, *others = by_first_message(conn, ticket_ids)
    for absorbed in others:
        merge_tickets(conn, survivor, absorbed, actor=actor, reason=reason, now=now)
    return survivor
