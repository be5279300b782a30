"""The serial half of an import: place each prepared message in a ticket and store it.

One writer runs in the main process inside the caller's write transaction. For each
message it skips duplicates, finds or creates the customer
(:mod:`~agentconsole.ingest.customers`), threads the message
(:mod:`~agentconsole.ingest.threader`), inserts it
(:mod:`~agentconsole.ingest.message_insert`) and puts it on its ticket
(:mod:`~agentconsole.ingest.ticket_attach`). What that does to the ticket (status,
clocks, events) is the domain's rule (:mod:`agentconsole.domain.arrival`), and so
are its SLA clocks (:mod:`agentconsole.domain.sla`, recomputed once the message is on
its ticket; the import notes the tickets and recomputes them per transaction).
"""

from __future__ import annotations

import sqlite3
import time

from agentconsole.config import Config
from agentconsole.domain.customers import customer_wrote
from agentconsole.domain.sla import ticket_changed
from agentconsole.domain.sla_escalation import supervisor_requested
from agentconsole.domain.thread_state import IMPORT_ACTOR
from agentconsole.domain.tickets import tag_from_mailbox
from agentconsole.ingest.customers import message_customer
from agentconsole.ingest.message_insert import keep_ref, store_message
from agentconsole.ingest.prepare import Prepared
from agentconsole.ingest.relink import SubjectWindow, relink
from agentconsole.ingest.summary import ImportSummary
from agentconsole.ingest.threader import find_thread, named_ids
from agentconsole.ingest.ticket_attach import attach, new_ticket, participants
from agentconsole.store.events import record_event
from agentconsole.store.locations import record_location
from agentconsole.store.message_refs import record_refs
from agentconsole.store.message_rows import stored_copy
from agentconsole.store.ticket_rows import add_participants, ticket_customer

__all__ = ["ImportSummary", "MailWriter"]


class MailWriter:
    """Stores prepared messages; the caller owns the transaction."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        config: Config,
        summary: ImportSummary,
        actor: str = IMPORT_ACTOR,
    ) -> None:
        self.conn = conn
        self.config = config
        self.summary = summary
        self.actor = actor
        self.now = int(time.time())

    def _duplicate(self, prepared: Prepared) -> bool:
        """Count a message already stored; its mailbox labels still tag its ticket."""
        copy = stored_copy(self.conn, prepared.dedupe_key)
        if copy is None:
            return False
        message_id, ticket_id = copy
        record_location(self.conn, message_id, prepared.where, self.now)
        self.summary.duplicates += 1
        if ticket_id is not None and prepared.parsed.gmail_labels:
            tag_from_mailbox(
                self.conn, ticket_id, prepared.parsed.gmail_labels, actor=self.actor, now=self.now
            )
        return True

    def _count_automatic(self, kind: str) -> None:
        if kind == "bounce":
            self.summary.bounces += 1
        elif kind == "auto_reply":
            self.summary.auto_replies += 1
        else:
            self.summary.list_or_bulk += 1

    def add(self, prepared: Prepared) -> None:
        """Store one message (or count it as a duplicate)."""
        conn, summary, parsed, now = self.conn, self.summary, prepared.parsed, self.now
        if self._duplicate(prepared):
            return
        summary.imported += 1
        if parsed.status == "quarantined":
            summary.quarantined += 1
            message_id = store_message(
                conn,
                prepared,
                ticket_id=None,
                customer_id=None,
                outbound=False,
                date=parsed.date,
                rule="quarantined",
                detail="; ".join(parsed.problems),
                now=now,
            )
            record_location(conn, message_id, prepared.where, now)
            return
        if parsed.status == "degraded":
            summary.degraded += 1
        outbound = bool(parsed.from_addr) and self.config.is_ours(parsed.from_addr)
        date = parsed.date if parsed.date is not None else now
        customer_id = None
        if parsed.auto_kind is None:
            customer_id = message_customer(
                conn,
                prepared,
                self.config,
                summary,
                outbound=outbound,
                date=date,
                actor=self.actor,
                now=now,
            )
        else:
            self._count_automatic(parsed.auto_kind)
        match = find_thread(
            conn,
            parsed,
            outbound=outbound,
            customer_id=customer_id,
            norm_subject=prepared.norm_subject,
            date=date,
            window_days=self.config.subject_window_days,
        )
        ticket_id, rule, detail = match.ticket_id, match.rule, match.detail
        created = named = False
        if ticket_id is None and parsed.auto_kind is None:
            ticket_id, named = new_ticket(
                conn,
                prepared,
                customer_id=customer_id,
                date=date,
                outbound=outbound,
                actor=self.actor,
                now=now,
            )
            summary.tickets_created += 1
            created = True
        elif ticket_id is None:
            summary.unfiled += 1
            rule, detail = "unfiled", f"{parsed.auto_kind} that names no ticket of ours"
        else:
            summary.followups += 1
        if ticket_id is not None and customer_id is None:
            customer_id = ticket_customer(conn, ticket_id)
        message_id = store_message(
            conn,
            prepared,
            ticket_id=ticket_id,
            customer_id=customer_id,
            outbound=outbound,
            date=date,
            rule=rule,
            detail=detail,
            now=now,
        )
        latest_other = None
        if ticket_id is not None:
            latest_other = keep_ref(conn, ticket_id, message_id, opened=created, named=named)
        record_location(conn, message_id, prepared.where, now)
        record_refs(conn, message_id, named_ids(parsed))
        if ticket_id is None:
            return
        if created:
            add_participants(conn, ticket_id, participants(prepared))
        else:
            attach(
                conn, ticket_id, prepared, date=date, outbound=outbound, actor=self.actor, now=now
            )
            record_event(
                conn,
                "message_added",
                actor=self.actor,
                ticket_id=ticket_id,
                message_id=message_id,
                at=now,
                data={
                    "rule": rule,
                    "direction": "out" if outbound else "in",
                    "auto": parsed.auto_kind,
                },
            )
        window = None
        if customer_id is not None and parsed.auto_kind is None:  # as the threader's rule 3
            window = SubjectWindow(
                customer_id, prepared.norm_subject, self.config.subject_window_days
            )
        ticket_id, merged = relink(
            conn,
            ticket_id=ticket_id,
            parsed=parsed,
            match=match,
            date=date,
            latest_other=latest_other,
            window=window,
            actor=self.actor,
            now=now,
        )
        summary.tickets_merged += merged
        # its SLA clocks, now the mail is on it; instants already past are history
        ticket_changed(conn, [ticket_id], now=now, escalate=False)
        if prepared.wants_supervisor and not outbound:
            supervisor_requested(conn, ticket_id, actor=self.actor, now=now)
        if parsed.gmail_labels:
            tag_from_mailbox(conn, ticket_id, parsed.gmail_labels, actor=self.actor, now=now)
        if customer_id is not None and not outbound and parsed.auto_kind is None:
            customer_wrote(conn, customer_id, date, message_id, prepared.identifiers)
