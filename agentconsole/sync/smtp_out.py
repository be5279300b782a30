"""Delivering the outbox over SMTP, safely from several processes at once.

Each reply is claimed on its own (:func:`agentconsole.store.outbox.claim_next`: one
conditional UPDATE in ``BEGIN IMMEDIATE``), so two senders never send one twice; its
stored bytes go out unchanged, so every attempt carries the same Message-ID; then the
outcome is recorded through :mod:`agentconsole.domain.outgoing`:

- accepted: ``sent`` with ``sent_at``, and a ``reply_sent`` event on the ticket;
- 4xx, connection refused or dropped, timeout: back to ``queued`` with one more
  attempt, the reason, and a next attempt after an exponential backoff;
- 5xx: ``failed`` with the server's reply, and a ``reply_failed`` event on the ticket.

A crash after the server accepted a reply but before ``sent`` was committed leaves the
row in ``sending``; the next run puts rows stuck there for :data:`STALE_SECONDS` back
in the queue: at worst one duplicate with the same Message-ID (it threads as the same
message), never a lost reply.

We never send to one of our own support addresses or to the address we send from: a
reply addressed there would come back in as mail and could loop; it fails with that
reason.
"""

from __future__ import annotations

import smtplib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from agentconsole.config import Config
from agentconsole.domain.outgoing import (
    outbox_unreachable,
    reply_deferred,
    reply_failed,
    reply_sent,
)
from agentconsole.store.accounts import Account
from agentconsole.store.outbox import (
    OutboxClaim,
    claim_next,
    due_count,
    requeue_stale,
    waiting,
)
from agentconsole.sync.servers import TIMEOUT_SECONDS, ServerError, network_error, smtp_session
from agentconsole.textsafe import safe_line

STALE_SECONDS = 300
"""A row in ``sending`` for longer than this was left by a sender that died."""

TEMPORARY_KINDS = ("dns", "refused", "timeout", "protocol")
"""Server failures that may pass by themselves: the queue waits and tries again. A TLS,
login or capability failure needs a person and leaves the queue as it was."""


@dataclass(frozen=True)
class Delivery:
    """What happened to one reply in this run."""

    outbox_id: int
    ticket_ref: str | None
    recipients: tuple[str, ...]
    outcome: str
    """``sent``, ``queued`` (to be retried) or ``failed``."""
    detail: str = ""
    next_attempt_at: int | None = None


@dataclass
class DeliveryReport:
    """A run's totals and what still waits."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    still_queued: int = 0
    next_attempt_at: int | None = None
    """When the earliest queued reply is due (None: now, or nothing queued)."""
    server_error: ServerError | None = None
    """Why the server could not be used at all, if so."""
    deliveries: list[Delivery] = field(default_factory=list)


Clock = Callable[[], float]
Progress = Callable[[Delivery, int], None]
"""Called after each reply with its delivery and how many were due at the start."""


def deliver_outbox(
    conn: sqlite3.Connection,
    account: Account,
    password: str | None,
    config: Config,
    *,
    clock: Clock = time.time,
    timeout: float = TIMEOUT_SECONDS,
    progress: Progress | None = None,
) -> DeliveryReport:
    """Send every due reply in the outbox through ``account``'s SMTP server now.

    Connects only when something is due. A server that cannot be reached defers every
    due reply (one attempt each, with backoff); one that refuses our login, TLS or
    lacks a capability leaves the queue untouched. Either way the report carries the
    :class:`ServerError`."""
    report = DeliveryReport()
    now = int(clock())
    requeue_stale(
        conn,
        started_before=now - STALE_SECONDS,
        note="interrupted while sending; sent again (the server may have it once already)",
    )
    total = due_count(conn, now)
    if total:
        try:
            with smtp_session(account, password, timeout=timeout) as smtp:
                _send_due(conn, smtp, account, config, clock, timeout, total, progress, report)
        except ServerError as exc:
            report.server_error = exc
            if exc.kind in TEMPORARY_KINDS:
                report.deferred += outbox_unreachable(conn, error=str(exc), now=int(clock()))
    report.still_queued, report.next_attempt_at = waiting(conn)
    return report


def _send_due(
    conn: sqlite3.Connection,
    smtp: smtplib.SMTP,
    account: Account,
    config: Config,
    clock: Clock,
    timeout: float,
    total: int,
    progress: Progress | None,
    report: DeliveryReport,
) -> None:
    """Claim and send due replies one by one until none is left or the connection is."""
    while (claim := claim_next(conn, now=int(clock()))) is not None:
        delivery, connection_lost = _send_one(conn, smtp, claim, account, config, clock, timeout)
        report.deliveries.append(delivery)
        if delivery.outcome == "sent":
            report.sent += 1
        elif delivery.outcome == "failed":
            report.failed += 1
        else:
            report.deferred += 1
        if progress is not None:
            progress(delivery, total)
        if connection_lost:
            return


def _ours(claim: OutboxClaim, account: Account, config: Config) -> list[str]:
    """Recipients that are us: a support address, or the address we send from."""
    sender = account.from_address.lower()
    return [a for a in claim.recipients if config.is_ours(a) or a.lower() == sender]


def _send_one(
    conn: sqlite3.Connection,
    smtp: smtplib.SMTP,
    claim: OutboxClaim,
    account: Account,
    config: Config,
    clock: Clock,
    timeout: float,
) -> tuple[Delivery, bool]:
    """Send one claimed reply and record the outcome; also whether the connection died."""
    actor = config.agent

    def failed(reason: str) -> tuple[Delivery, bool]:
        reply_failed(conn, claim, actor=actor, reason=reason, now=int(clock()))
        return _delivery(claim, "failed", reason), False

    def deferred(reason: str, lost: bool = False) -> tuple[Delivery, bool]:
        due = reply_deferred(conn, claim, error=reason, now=int(clock()))
        return _delivery(claim, "queued", reason, due), lost

    ours = _ours(claim, account, config)
    if ours:
        return failed(
            f"not sent: {', '.join(ours)} is one of our own support addresses (mail loop)"
        )
    if not claim.recipients:
        return failed("not sent: the reply has no recipient")
    try:
        refused = smtp.sendmail(account.from_address, list(claim.recipients), claim.raw)
    except smtplib.SMTPRecipientsRefused as exc:
        replies = {a: _reply(code, text) for a, (code, text) in exc.recipients.items()}
        text = "; ".join(f"{a}: {r}" for a, r in replies.items())
        if all(code >= 500 for code, _ in exc.recipients.values()):
            return failed(f"rejected: {text}")
        return deferred(f"deferred: {text}")
    except smtplib.SMTPResponseException as exc:
        reply = _reply(exc.smtp_code, exc.smtp_error)
        if exc.smtp_code >= 500:
            return failed(f"rejected: {reply}")
        return deferred(f"deferred: {reply}")
    except (OSError, smtplib.SMTPException) as exc:
        lost = network_error(exc, "SMTP", account.smtp_host, account.smtp_port, timeout)
        return deferred(str(lost), lost=True)
    accepted = {a: _reply(code, text) for a, (code, text) in refused.items()}
    reply_sent(conn, claim, actor=actor, now=int(clock()), refused=accepted)
    detail = "; ".join(f"refused {a}: {r}" for a, r in accepted.items())
    return _delivery(claim, "sent", detail), False


def _reply(code: int, text: bytes | str) -> str:
    """A server reply as one line, safe to show."""
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return safe_line(f"{code} {words}", 300)


def _delivery(claim: OutboxClaim, outcome: str, detail: str, due: int | None = None) -> Delivery:
    return Delivery(claim.id, claim.ticket_ref, claim.recipients, outcome, detail, due)
