"""Automatic acknowledgement of new tickets (issue 8, off by default).

A customer who writes in gets, within a sync, a short mail with the ticket's reference
and the promise of an answer, from the canned responses ``acknowledgement-en`` /
``acknowledgement-zh`` (an installation's own canned folder can replace them by id).
An automatic answer is how mail loops start, so it goes only where a person wrote:
never to auto-replies, bounces, list or bulk mail (the import's classification of the
ticket's first message), never to one of our own addresses, at most one a day per
customer, never for mail older than ``acknowledge.within_hours``; and it is itself
marked ``Auto-Submitted: auto-replied`` so that well-behaved robots stay quiet.
It is automatic mail on the ticket: it is not our first response, moves no status and
stops no clock.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field, replace

from agentconsole.compose.build import (
    closing,
    greeting_for,
    new_draft,
    reply_body,
    signature,
    template_inputs,
)
from agentconsole.compose.errors import ComposeError
from agentconsole.config import Config
from agentconsole.domain.outgoing import queue_acknowledgement
from agentconsole.mail.headers import parse_addresses
from agentconsole.store.acknowledgements import (
    AckCandidate,
    ack_candidates,
    acknowledged_since,
    mark_skips_said,
    skips_said_through,
)
from agentconsole.store.compose_reads import message_to_answer
from agentconsole.store.customers import CustomerNotFound, get_customer
from agentconsole.store.tickets import get_ticket

DAY = 24 * 3600


@dataclass
class AckReport:
    """What one pass did: the tickets acknowledged, and each one left out with why."""

    queued: list[tuple[int, str]] = field(default_factory=list)
    """(ticket id, the address written to)."""
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """(ticket id, the reason): every one, for JSON."""
    said_through: int = 0
    """The highest ticket id whose skip an earlier command printed already."""

    @property
    def unsaid(self) -> list[tuple[int, str]]:
        """The skips no earlier command printed: a ticket skipped for the daily limit
        is skipped again at every pass for a day, and its line is said once."""
        return [(ticket, why) for ticket, why in self.skipped if ticket > self.said_through]


def skips_said(conn: sqlite3.Connection, report: AckReport) -> None:
    """Record that a command printed ``report``'s skips (see :attr:`AckReport.unsaid`)."""
    if report.skipped:
        mark_skips_said(conn, max(ticket for ticket, _ in report.skipped))


def _why_not(conn: sqlite3.Connection, candidate: AckCandidate, config: Config, now: int) -> str:
    """Why this ticket gets no acknowledgement ("" when it may get one)."""
    ours = {a.lower() for a in config.support_addresses}
    if config.from_address:
        ours.add(config.from_address.lower())
    if not candidate.from_addr or candidate.from_addr.lower() in ours:
        return "the mail came from one of our own addresses"
    if candidate.customer_id is None:
        return "the mail has no customer to write to"
    if acknowledged_since(conn, candidate.customer_id, now - DAY):
        return "the customer had an acknowledgement in the last 24 hours"
    return ""


def _acknowledge_one(
    conn: sqlite3.Connection, candidate: AckCandidate, config: Config, now: int
) -> str:
    """Queue the acknowledgement of one ticket; returns the address it goes to.

    The canned library (pinyin, templates) and the message builder are imported here,
    when there is a ticket to acknowledge: every sync and delivery imports this module,
    and most run with acknowledgements off or nothing new (they cost ~1 s to import)."""
    from agentconsole.canned import CannedError, load_library, render, template_values
    from agentconsole.compose.send import outgoing_message

    ticket = get_ticket(conn, candidate.ticket_id)
    customer = None
    if ticket.customer_id is not None:
        try:
            customer = get_customer(conn, ticket.customer_id)
        except CustomerNotFound:
            customer = None
    greeting = greeting_for(ticket, message_to_answer(conn, ticket.id))
    lang = greeting.lang if greeting.lang in ("zh", "en") else "en"
    try:
        response = load_library(config).get(f"acknowledgement-{lang}")
        text = render(response, template_values(*template_inputs(ticket, customer), config)).text
    except CannedError as exc:
        raise ComposeError(str(exc)) from exc
    draft = new_draft(conn, ticket.id, "reply", config, canned_text=text)
    body = reply_body(
        text,
        greeting=greeting,
        sign=signature(config, lang),
        quote=None,
        closing=closing(config, lang, text),
    )
    draft = replace(draft, body=body, cc=())
    ours = {a.lower() for a in config.support_addresses} | {config.from_address.lower()}
    to = [address for _, address in parse_addresses(", ".join(draft.to))[0]]
    if not to or any(a.lower() in ours for a in to):
        raise ComposeError("the acknowledgement would go to one of our own addresses")
    message = outgoing_message(conn, draft, config, now=now, automatic=True)
    assert candidate.customer_id is not None  # _why_not checked it
    queue_acknowledgement(conn, ticket.id, message, customer_id=candidate.customer_id, now=now)
    return ", ".join(to)


def acknowledge_new_tickets(
    conn: sqlite3.Connection, config: Config, *, now: int | None = None
) -> AckReport:
    """Queue an acknowledgement for every new ticket that may get one (see the module
    docstring); nothing when ``acknowledge.enabled`` is off. Sync calls it after each
    pass; it is idempotent (an ``acknowledged`` event marks each ticket done)."""
    if not config.acknowledge:
        return AckReport()
    report = AckReport(said_through=skips_said_through(conn))
    moment = int(time.time()) if now is None else now
    since = moment - config.acknowledge_within_hours * 3600
    for candidate in ack_candidates(conn, since=since):
        reason = _why_not(conn, candidate, config, moment)
        if not reason:
            try:
                report.queued.append(
                    (candidate.ticket_id, _acknowledge_one(conn, candidate, config, moment))
                )
                continue
            except ComposeError as exc:
                reason = str(exc)
        report.skipped.append((candidate.ticket_id, reason))
    return report
