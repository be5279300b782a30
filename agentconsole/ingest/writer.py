"""The serial half of an import: place each prepared message in a ticket and store it.

One writer runs in the main process inside the caller's write transaction. For each
message it skips duplicates, finds or creates the customer, threads the message
(:mod:`agentconsole.ingest.threader`), inserts the message, its raw bytes, attachments
and full-text tokens, and updates the ticket's clocks and status, writing an event for
every change it makes to a ticket.

Status on import follows the conversation, not the import: a thread whose last
message is ours is ``pending`` (waiting for the customer), one where the customer
wrote last is ``new``/``open``; a solved ticket is reopened only by a customer message
newer than its solving. So importing old history never floods the open queue.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field

from agentconsole.config import Config
from agentconsole.ingest.prepare import Prepared
from agentconsole.ingest.threader import find_thread
from agentconsole.refs import message_ref
from agentconsole.store.events import record_event
from agentconsole.store.locations import record_location
from agentconsole.store.tickets import refresh_ticket_ref

MAX_PARTICIPANTS_PER_MESSAGE = 20


@dataclass
class ImportSummary:
    """What an import did (or, with --dry-run, would do)."""

    messages_seen: int = 0
    imported: int = 0
    duplicates: int = 0
    tickets_created: int = 0
    followups: int = 0
    auto_replies: int = 0
    bounces: int = 0
    list_or_bulk: int = 0
    unfiled: int = 0
    degraded: int = 0
    quarantined: int = 0
    new_customers: int = 0
    unreadable: int = 0
    dry_run: bool = False
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        data = dict(self.__dict__)
        data["seconds"] = round(self.seconds, 3)
        data["messages_per_second"] = (
            round(self.messages_seen / self.seconds, 1) if self.seconds > 0 else None
        )
        return data


class MailWriter:
    """Stores prepared messages; the caller owns the transaction."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        config: Config,
        summary: ImportSummary,
        actor: str = "import",
    ) -> None:
        self.conn = conn
        self.config = config
        self.summary = summary
        self.actor = actor
        self.now = int(time.time())

    # -- customers -------------------------------------------------------------
    def _customer(self, address: str, name: str, date: int) -> int:
        conn = self.conn
        row = conn.execute(
            "SELECT customer_id, name FROM customer_addresses WHERE address = ?", (address,)
        ).fetchone()
        if row:
            customer_id = int(row[0])
            if name and not row[1]:
                conn.execute(
                    "UPDATE customer_addresses SET name = ? WHERE address = ?", (name, address)
                )
            return customer_id
        cursor = conn.execute(
            "INSERT INTO customers (name, created_at, last_contact_at, key) VALUES (?, ?, NULL, ?)",
            (name, date, address.lower()),
        )
        customer_id = int(cursor.lastrowid or 0)
        conn.execute(
            "INSERT INTO customer_addresses (address, customer_id, name) VALUES (?, ?, ?)",
            (address, customer_id, name),
        )
        record_event(
            conn,
            "customer_created",
            actor=self.actor,
            customer_id=customer_id,
            at=self.now,
            data={"address": address, "name": name},
        )
        self.summary.new_customers += 1
        return customer_id

    def _counterpart(self, prepared: Prepared, outbound: bool) -> tuple[str, str]:
        parsed = prepared.parsed
        if not outbound:
            return parsed.from_addr, parsed.from_name
        for name, address in [*parsed.to, *parsed.cc]:
            if not self.config.is_ours(address):
                return address, name
        return "", ""

    # -- tickets ---------------------------------------------------------------
    def _new_ticket(
        self,
        prepared: Prepared,
        customer_id: int | None,
        date: int,
        outbound: bool,
        norm_subject: str,
    ) -> int:
        status = "pending" if outbound else "new"
        cursor = self.conn.execute(
            "INSERT INTO tickets (subject, norm_subject, customer_id, status, priority, category,"
            " created_at, updated_at, last_message_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                prepared.parsed.subject,
                norm_subject,
                customer_id,
                status,
                prepared.priority,
                prepared.category,
                date,
                self.now,
                date,
            ),
        )
        ticket_id = int(cursor.lastrowid or 0)
        record_event(
            self.conn,
            "ticket_created",
            actor=self.actor,
            ticket_id=ticket_id,
            customer_id=customer_id,
            at=self.now,
            data={
                "status": status,
                "priority": prepared.priority,
                "category": prepared.category,
                "source": prepared.label,
            },
        )
        self.summary.tickets_created += 1
        return ticket_id

    def _participants(self, ticket_id: int, prepared: Prepared) -> None:
        parsed = prepared.parsed
        addresses = [parsed.from_addr] if parsed.from_addr else []
        if parsed.auto_kind is None:
            addresses += [a for _, a in [*parsed.to, *parsed.cc]][:MAX_PARTICIPANTS_PER_MESSAGE]
        self.conn.executemany(
            "INSERT OR IGNORE INTO ticket_participants (ticket_id, address) VALUES (?, ?)",
            [(ticket_id, a) for a in addresses],
        )

    def _attach(self, ticket_id: int, prepared: Prepared, date: int, outbound: bool) -> None:
        conn = self.conn
        (status, created, first_response, last_customer, last_agent, solved, category) = (
            conn.execute(
                "SELECT status, created_at, first_response_at, last_customer_at, last_agent_at,"
                " solved_at, category FROM tickets WHERE id = ?",
                (ticket_id,),
            ).fetchone()
        )
        new_status = status
        reason = ""
        if prepared.parsed.auto_kind is None:
            if outbound:
                last_agent = max(last_agent or date, date)
                if last_customer is not None and first_response is None and date >= created:
                    first_response = date
            else:
                last_customer = max(last_customer or date, date)
            if status in ("new", "open", "pending"):
                if last_agent is not None and (
                    last_customer is None or last_agent >= last_customer
                ):
                    new_status, reason = "pending", "our reply is the latest message"
                elif status == "pending":
                    new_status, reason = "open", "the customer wrote after our reply"
            elif not outbound and date > (solved or 0):
                new_status, reason = "open", "the customer wrote after the ticket was solved"
        conn.execute(
            "UPDATE tickets SET status = ?, first_response_at = ?, last_customer_at = ?,"
            " last_agent_at = ?, last_message_at = max(coalesce(last_message_at, 0), ?),"
            " message_count = message_count + 1, updated_at = ?,"
            " solved_at = CASE WHEN ? IN ('solved', 'closed') THEN solved_at ELSE NULL END"
            " WHERE id = ?",
            (
                new_status,
                first_response,
                last_customer,
                last_agent,
                date,
                self.now,
                new_status,
                ticket_id,
            ),
        )
        if new_status != status:
            record_event(
                conn,
                "status",
                actor=self.actor,
                ticket_id=ticket_id,
                at=self.now,
                data={"from": status, "to": new_status, "reason": reason},
            )
        if category == "other" and prepared.category != "other" and not outbound:
            conn.execute(
                "UPDATE tickets SET category = ? WHERE id = ?", (prepared.category, ticket_id)
            )
            record_event(
                conn,
                "category",
                actor=self.actor,
                ticket_id=ticket_id,
                at=self.now,
                data={"from": category, "to": prepared.category},
            )

    # -- messages --------------------------------------------------------------
    def _insert_message(
        self,
        prepared: Prepared,
        ticket_id: int | None,
        customer_id: int | None,
        outbound: bool,
        date: int | None,
        rule: str,
        detail: str,
    ) -> int:
        parsed = prepared.parsed
        cursor = self.conn.execute(
            "INSERT INTO messages (dedupe_key, message_id, ticket_id, customer_id, direction,"
            " auto_kind, auto_reason, from_name, from_addr, to_json, cc_json, recipients_total,"
            " subject, date, date_source, imported_at, in_reply_to, references_json, body_text,"
            " has_html, attachment_count, status, problems_json, thread_rule, thread_detail,"
            " source, size, ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                prepared.dedupe_key,
                parsed.message_id,
                ticket_id,
                customer_id,
                "out" if outbound else "in",
                parsed.auto_kind,
                parsed.auto_reason,
                parsed.from_name,
                parsed.from_addr,
                prepared.to_json,
                prepared.cc_json,
                parsed.recipients_total,
                parsed.subject,
                date,
                "header" if parsed.date is not None else "import",
                self.now,
                parsed.in_reply_to[0] if parsed.in_reply_to else None,
                prepared.references_json,
                parsed.body_text,
                int(parsed.has_html),
                len(parsed.attachments),
                parsed.status,
                prepared.problems_json,
                rule,
                detail,
                prepared.label,
                prepared.size,
                message_ref(parsed.message_id, prepared.dedupe_key),
            ),
        )
        message_id = int(cursor.lastrowid or 0)
        self.conn.execute(
            "INSERT INTO raw_messages (message_id, compression, data) VALUES (?, 'zlib', ?)",
            (message_id, prepared.raw_compressed),
        )
        if parsed.status != "quarantined":
            self.conn.execute(
                "INSERT INTO message_fts (rowid, subject, sender, body) VALUES (?, ?, ?, ?)",
                (message_id, prepared.fts_subject, prepared.fts_sender, prepared.fts_body),
            )
        if ticket_id is not None:
            self.conn.execute(
                "INSERT INTO message_tickets (message_id, ticket_id) VALUES (?, ?)",
                (message_id, ticket_id),
            )
            refresh_ticket_ref(self.conn, ticket_id)
        if parsed.attachments:
            self.conn.executemany(
                "INSERT INTO attachments (message_id, part_index, filename, content_type, size)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (message_id, a.index, a.filename, a.content_type, a.size)
                    for a in parsed.attachments
                ],
            )
        return message_id

    def _tag(self, ticket_id: int, labels: list[str]) -> None:
        """Add labels (Gmail's) as tags; each tag that is new gets its event."""
        for label in labels:
            cursor = self.conn.execute(
                "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?, ?)",
                (ticket_id, label),
            )
            if cursor.rowcount:
                record_event(
                    self.conn,
                    "tag_added",
                    actor=self.actor,
                    ticket_id=ticket_id,
                    at=self.now,
                    data={"tag": label, "from": "mailbox label"},
                )

    def add(self, prepared: Prepared) -> None:
        """Store one message (or count it as a duplicate)."""
        conn, summary, parsed = self.conn, self.summary, prepared.parsed
        existing = conn.execute(
            "SELECT ticket_id, id FROM messages WHERE dedupe_key = ?", (prepared.dedupe_key,)
        ).fetchone()
        if existing:
            record_location(conn, int(existing[1]), prepared.where, self.now)
            summary.duplicates += 1
            if existing[0] is not None and parsed.gmail_labels:
                self._tag(int(existing[0]), parsed.gmail_labels)
            return
        summary.imported += 1
        if parsed.status == "quarantined":
            summary.quarantined += 1
            message_id = self._insert_message(
                prepared, None, None, False, parsed.date, "quarantined", "; ".join(parsed.problems)
            )
            record_location(conn, message_id, prepared.where, self.now)
            return
        if parsed.status == "degraded":
            summary.degraded += 1
        outbound = bool(parsed.from_addr) and self.config.is_ours(parsed.from_addr)
        date = parsed.date if parsed.date is not None else self.now
        customer_id = None
        if parsed.auto_kind is None:
            address, name = self._counterpart(prepared, outbound)
            if address:
                customer_id = self._customer(address, name, date)
        else:
            kind = parsed.auto_kind
            if kind == "bounce":
                summary.bounces += 1
            elif kind == "auto_reply":
                summary.auto_replies += 1
            else:
                summary.list_or_bulk += 1
        norm_subject = prepared.norm_subject
        match = find_thread(
            conn,
            parsed,
            outbound=outbound,
            customer_id=customer_id,
            norm_subject=norm_subject,
            date=date,
            window_days=self.config.subject_window_days,
        )
        ticket_id, rule, detail = match.ticket_id, match.rule, match.detail
        created = False
        if ticket_id is None and parsed.auto_kind is None:
            ticket_id = self._new_ticket(prepared, customer_id, date, outbound, norm_subject)
            created = True
        elif ticket_id is None:
            summary.unfiled += 1
            rule, detail = "unfiled", f"{parsed.auto_kind} that names no ticket of ours"
        else:
            summary.followups += 1
        if ticket_id is not None and customer_id is None:
            row = conn.execute("SELECT customer_id FROM tickets WHERE id = ?", (ticket_id,))
            customer_id = row.fetchone()[0]
        message_id = self._insert_message(
            prepared, ticket_id, customer_id, outbound, date, rule, detail
        )
        record_location(conn, message_id, prepared.where, self.now)
        if ticket_id is None:
            return
        self._participants(ticket_id, prepared)
        self._attach(ticket_id, prepared, date, outbound)
        if not created:
            record_event(
                conn,
                "message_added",
                actor=self.actor,
                ticket_id=ticket_id,
                message_id=message_id,
                at=self.now,
                data={
                    "rule": rule,
                    "direction": "out" if outbound else "in",
                    "auto": parsed.auto_kind,
                },
            )
        if parsed.gmail_labels:
            self._tag(ticket_id, parsed.gmail_labels)
        if customer_id is not None and not outbound and parsed.auto_kind is None:
            conn.execute(
                "UPDATE customers SET last_contact_at = max(coalesce(last_contact_at, 0), ?)"
                " WHERE id = ?",
                (date, customer_id),
            )
            if prepared.identifiers:
                conn.executemany(
                    "INSERT OR IGNORE INTO customer_identifiers (kind, value, customer_id,"
                    " first_message_id) VALUES (?, ?, ?, ?)",
                    [(k, v, customer_id, message_id) for k, v in prepared.identifiers],
                )
