"""What sending a reply, or adding an internal note, does to a ticket.

A reply is recorded in ONE write transaction: the message on the ticket
(``direction='out'``, its raw bytes kept, its dedupe key the import's, so the copy that
sync later finds in the Sent folder is recognised and not stored twice), the outbox row
with the exact bytes to send, the ticket's clocks (first response, last agent
activity) by the arrival rules of :mod:`agentconsole.domain.arrival`, its status as the
config says (``pending`` by default: waiting for the customer), the events, and the
draft deleted. Either all of it is there, or none of it.

An internal note is a message with ``direction='note'``: stored on the ticket, shown
with its thread, never in the outbox, never counted as a reply or a customer message.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, replace

from agentconsole.domain.arrival import Arrival, after_arrival
from agentconsole.domain.sla import ticket_changed
from agentconsole.domain.tickets import solved_at_after
from agentconsole.models import DELIVERY_FAILED_TAG, STATUSES
from agentconsole.store.acknowledgements import ACK_EVENT
from agentconsole.store.db import write_txn
from agentconsole.store.drafts import delete_draft
from agentconsole.store.events import record_event
from agentconsole.store.message_refs import record_refs
from agentconsole.store.message_rows import MessageRow, SearchText, insert_message
from agentconsole.store.outbox import (
    OutboxClaim,
    defer_due,
    mark_failed,
    mark_retry,
    mark_sent,
    queue_mail,
)
from agentconsole.store.ticket_rows import (
    add_participants,
    add_tag,
    set_columns,
    ticket_state,
    write_arrival,
)
from agentconsole.store.tickets import refresh_ticket_ref

UNCHANGED = "unchanged"
"""``compose.status_after_reply`` value that leaves a ticket's status as it is."""
STATUSES_AFTER_REPLY = (*STATUSES, UNCHANGED)
"""What ``compose.status_after_reply`` may say."""


@dataclass(frozen=True)
class OutgoingMessage:
    """A reply or note ready to be recorded: the row import would store for its bytes,
    and the bytes themselves (``raw``, sent as they are)."""

    row: MessageRow
    rfc_message_id: str
    """Its Message-ID header exactly (``<...>``); the row keeps the matching form."""
    raw: bytes
    raw_compressed: bytes
    search: SearchText | None
    attachments: tuple[tuple[int, str, str, int], ...] = ()
    named_ids: tuple[str, ...] = ()
    """The Message-IDs it names (In-Reply-To, References), for threading."""
    recipients: tuple[str, ...] = ()
    """Its To and Cc addresses: they join the ticket's participants."""


@dataclass(frozen=True)
class Override:
    """An agent sending despite error findings: why, and which rules they overrode."""

    reason: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Queued:
    """A reply recorded on its ticket and waiting in the outbox."""

    message_id: int
    outbox_id: int
    status: str
    """The ticket's status after the reply."""


def queue_reply(
    conn: sqlite3.Connection,
    ticket_id: int,
    message: OutgoingMessage,
    *,
    actor: str,
    status_after: str,
    draft_id: int | None = None,
    override: Override | None = None,
    now: int | None = None,
) -> Queued:
    """Record a reply on its ticket and queue its bytes, in one transaction."""
    if status_after not in STATUSES_AFTER_REPLY:
        raise ValueError(f"status after a reply must be one of {', '.join(STATUSES_AFTER_REPLY)}")
    if message.row.direction != "out" or message.row.ticket_id != ticket_id:
        raise ValueError("a reply is an outgoing message on its own ticket")
    moment = int(time.time()) if now is None else now
    with write_txn(conn):
        message_id = _store(conn, ticket_id, message)
        before = ticket_state(conn, ticket_id)
        arrival = Arrival(date=moment, outbound=True, automatic=False, category=before.category)
        after = after_arrival(before, arrival, moment).state
        status = before.status if status_after == UNCHANGED else status_after
        after = replace(
            after,
            status=status,
            solved_at=solved_at_after(before.status, status, before.solved_at, moment),
        )
        write_arrival(conn, ticket_id, after, date=moment, now=moment)
        if status != before.status:
            record_event(
                conn,
                "status",
                actor=actor,
                ticket_id=ticket_id,
                at=moment,
                data={"from": before.status, "to": status, "reason": "the agent replied"},
            )
        rfc_id = message.rfc_message_id
        outbox_id = queue_mail(conn, message_id, rfc_id, message.raw, now=moment)
        record_event(
            conn,
            "reply_queued",
            actor=actor,
            ticket_id=ticket_id,
            message_id=message_id,
            at=moment,
            data={"outbox": outbox_id, "message_id": rfc_id, "to": list(message.recipients)},
        )
        if override is not None:
            record_event(
                conn,
                "lint_overridden",
                actor=actor,
                ticket_id=ticket_id,
                message_id=message_id,
                at=moment,
                data={"reason": override.reason, "codes": list(override.codes)},
            )
        if draft_id is not None:
            delete_draft(conn, draft_id)
        ticket_changed(conn, [ticket_id], now=moment)
    return Queued(message_id, outbox_id, status)


def queue_acknowledgement(
    conn: sqlite3.Connection,
    ticket_id: int,
    message: OutgoingMessage,
    *,
    customer_id: int,
    now: int,
) -> Queued:
    """Record an automatic acknowledgement on its ticket and queue it, with the
    ``acknowledged`` event (on the customer too: one a day per customer), in one
    transaction. It is automatic mail: the ticket's clocks and status stay as they
    are (it is not our first response), and it never counts as a reply."""
    if message.row.direction != "out" or message.row.auto_kind is None:
        raise ValueError("an acknowledgement is outgoing automatic mail")
    with write_txn(conn):
        message_id = _store(conn, ticket_id, message)
        before = ticket_state(conn, ticket_id)
        arrival = Arrival(date=now, outbound=True, automatic=True, category=before.category)
        write_arrival(conn, ticket_id, after_arrival(before, arrival, now).state, date=now, now=now)
        outbox_id = queue_mail(conn, message_id, message.rfc_message_id, message.raw, now=now)
        record_event(
            conn,
            ACK_EVENT,
            actor="acknowledgement",
            ticket_id=ticket_id,
            customer_id=customer_id,
            message_id=message_id,
            at=now,
            data={
                "outbox": outbox_id,
                "message_id": message.rfc_message_id,
                "to": list(message.recipients),
            },
        )
    return Queued(message_id, outbox_id, before.status)


def add_note(
    conn: sqlite3.Connection,
    ticket_id: int,
    message: OutgoingMessage,
    *,
    actor: str,
    draft_id: int | None = None,
    now: int | None = None,
) -> int:
    """Store an internal note on the ticket (never queued, clocks and status left as
    they are) with its ``note_added`` event; returns the note's message id."""
    if message.row.direction != "note" or message.row.ticket_id != ticket_id:
        raise ValueError("a note is a message with direction 'note' on its own ticket")
    moment = int(time.time()) if now is None else now
    with write_txn(conn):
        message_id = _store(conn, ticket_id, message)
        set_columns(conn, ticket_id, {"updated_at": moment})
        record_event(
            conn,
            "note_added",
            actor=actor,
            ticket_id=ticket_id,
            message_id=message_id,
            at=moment,
            data={"attachments": message.row.attachment_count},
        )
        if draft_id is not None:
            delete_draft(conn, draft_id)
    return message_id


def _store(conn: sqlite3.Connection, ticket_id: int, message: OutgoingMessage) -> int:
    message_id = insert_message(
        conn, message.row, message.raw_compressed, message.search, message.attachments
    )
    record_refs(conn, message_id, message.named_ids)
    refresh_ticket_ref(conn, ticket_id)
    if message.recipients:
        add_participants(conn, ticket_id, [a.lower() for a in message.recipients])
    return message_id


RETRY_BASE_SECONDS = 60
"""The wait after a first temporary failure; it doubles with every further one."""
RETRY_MAX_SECONDS = 6 * 3600
"""The longest wait between two attempts."""


def retry_delay(attempts_before: int) -> int:
    """Seconds to wait after a temporary failure when ``attempts_before`` attempts had
    already been made: 1 min, 2, 4, ... up to 6 h."""
    return min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS << min(attempts_before, 30))


def reply_sent(
    conn: sqlite3.Connection,
    claim: OutboxClaim,
    *,
    actor: str,
    now: int,
    refused: dict[str, str] | None = None,
) -> bool:
    """The server accepted a reply: the outbox entry is sent and the ticket records a
    ``reply_sent`` event (with any recipients the server refused), in one transaction.
    False (nothing written) when this process no longer held the entry."""
    with write_txn(conn):
        if not mark_sent(conn, claim.id, now=now):
            return False
        record_event(
            conn,
            "reply_sent",
            actor=actor,
            ticket_id=claim.ticket_id,
            message_id=claim.message_id,
            at=now,
            data={
                "outbox": claim.id,
                "message_id": claim.rfc_message_id,
                "to": list(claim.recipients),
                "refused": refused or {},
            },
        )
    return True


def reply_deferred(conn: sqlite3.Connection, claim: OutboxClaim, *, error: str, now: int) -> int:
    """A temporary failure (4xx, connection lost): the reply goes back to the queue with
    the reason; returns when it is due again. No ticket event: it has not failed."""
    due = now + retry_delay(claim.attempts)
    with write_txn(conn):
        mark_retry(conn, claim.id, error=error, next_attempt_at=due)
    return due


def reply_failed(
    conn: sqlite3.Connection, claim: OutboxClaim, *, actor: str, reason: str, now: int
) -> bool:
    """A permanent failure (5xx, or a recipient we must never write to): the outbox entry
    is failed with the reason and the ticket records a ``reply_failed`` event and gets
    the :data:`DELIVERY_FAILED_TAG` tag, in one transaction, so the failure shows on the
    ticket and in the queue (``tag:delivery-failed``), never dropped silently. The tag
    stays until an agent removes it: it says someone must act (write again, correct
    the address), which a later successful reply does not prove."""
    with write_txn(conn):
        if not mark_failed(conn, claim.id, error=reason):
            return False
        record_event(
            conn,
            "reply_failed",
            actor=actor,
            ticket_id=claim.ticket_id,
            message_id=claim.message_id,
            at=now,
            data={"outbox": claim.id, "message_id": claim.rfc_message_id, "reason": reason},
        )
        if claim.ticket_id is not None and add_tag(conn, claim.ticket_id, DELIVERY_FAILED_TAG):
            record_event(
                conn,
                "tag_added",
                actor=actor,
                ticket_id=claim.ticket_id,
                at=now,
                data={"tag": DELIVERY_FAILED_TAG, "from": "delivery"},
            )
    return True


def outbox_unreachable(conn: sqlite3.Connection, *, error: str, now: int) -> int:
    """The server could not be reached at all: every due reply counts a failed attempt
    and waits its backoff; returns how many."""
    return defer_due(
        conn, now=now, error=error, base_delay=RETRY_BASE_SECONDS, max_delay=RETRY_MAX_SECONDS
    )
