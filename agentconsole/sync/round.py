"""One round of a console's background sync: mail in, the team's log, mail out.

The console runs :func:`run_round` in a worker every few seconds and on a key. A round
is the four things ``agentconsole sync``, ``claim`` and ``outbox --deliver`` do, one
after the other, each with its own short transactions (the import pipeline commits per
batch, the log per message, delivery per reply), so an agent's change made while a
round runs commits at once:

1. new mail of the followed folders (:func:`~agentconsole.sync.imap_sync.sync_account`);
2. the team's event log: teammates' changes applied, ours published, claims decided
   (:func:`~agentconsole.sync.team_log.team_round`, on the same IMAP connection);
3. the automatic acknowledgements of new tickets, when switched on, once 1 and 2 are
   in (a teammate's acknowledgement, from Sent or the log, makes the ticket done);
   not in a round that could not read the mailbox;
4. the outbox delivered over SMTP.

A server out of reach makes the round *offline* (tried again at the next round), a
refused login or a missing folder an *error*; neither raises. The result carries only
counts and one-line reasons, safe to show (never markup, never a password).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from agentconsole.compose.acknowledge import acknowledge_new_tickets
from agentconsole.config import Config
from agentconsole.domain import claims
from agentconsole.store.accounts import Account
from agentconsole.store.remote_events import queued_events
from agentconsole.store.tickets import resolve_ref
from agentconsole.sync.imap_session import Backoff, ImapSession
from agentconsole.sync.imap_sync import SyncError, SyncInputError, sync_account
from agentconsole.sync.round_result import ClaimDecided, RoundResult
from agentconsole.sync.secrets import SecretError, read_password
from agentconsole.sync.sent_copy import file_sent_copies
from agentconsole.sync.servers import ServerError
from agentconsole.sync.smtp_out import TEMPORARY_KINDS, deliver_outbox
from agentconsole.sync.team_log import LogReport, team_round
from agentconsole.textsafe import safe_line

ROUND_BACKOFF = Backoff(attempts=3, first_pause=0.5, longest_pause=2.0)
"""A connection lost in the middle of a round is tried again briefly; a server that is
gone waits for the next round rather than holding this one."""
TEAM_CHANGES = ("applied", "superseded", "recorded")
"""Outcomes of a log entry that changed or recorded something here."""
REASON_LIMIT = 160


class _Stop(Exception):
    def __init__(self, reason: str, offline: bool) -> None:
        super().__init__(reason)
        self.offline = offline


def _password(account: Account) -> str:
    try:
        password = read_password(account.secret_key)
    except SecretError as exc:
        raise _Stop(str(exc), False) from None
    if password is None:
        raise _Stop(f"no password for account {account.name} in the keyring", False)
    return password


def _mail_in(
    conn: sqlite3.Connection,
    account: Account,
    password: str,
    config: Config,
    should_stop: Callable[[], bool],
) -> tuple[int, int, LogReport, tuple[ClaimDecided, ...]]:
    """New mail, then the team's log, on one connection (one login a round: with
    nothing new, the login is most of a round's time)."""
    session = ImapSession(account, password, backoff=ROUND_BACKOFF)
    try:
        report = sync_account(conn, session, config, should_stop=should_stop)
        mine = _my_claims(conn)  # queued until now, this round publishes them
        log = team_round(conn, session)
    except ServerError as exc:
        raise _Stop(f"IMAP: {exc}", exc.kind in TEMPORARY_KINDS) from None
    except SyncInputError as exc:
        raise _Stop(str(exc), False) from None
    except SyncError as exc:
        raise _Stop(str(exc), True) from None
    finally:
        session.close()
    decided = [
        ClaimDecided(mine[a.uuid][0], mine[a.uuid][1], claims.holder(conn, mine[a.uuid][0]))
        for a in log.applied
        if a.uuid in mine and a.outcome == "own"
    ]
    summary = report.summary
    return summary.imported, summary.tickets_created, log, tuple(decided)


def _my_claims(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """This machine's claims waiting for the log: event UUID -> (ticket id, ref)."""
    mine: dict[str, tuple[int, str]] = {}
    for item in queued_events(conn, 1_000_000, appended_before=2**62):  # appended or not
        event = item.event
        if event.kind != claims.CLAIM or event.ticket_ref is None:
            continue
        found = resolve_ref(conn, event.ticket_ref)
        if len(found) == 1:
            mine[event.uuid] = (found[0], event.ticket_ref)
    return mine


def run_round(
    conn: sqlite3.Connection,
    account: Account,
    config: Config,
    *,
    password: str | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> RoundResult:
    """One round for ``account`` (its password from the keyring unless given); never
    raises for a server or a keyring: the result says what stopped it. With the IMAP
    server out of reach the outbox is still delivered (SMTP may well be up).
    ``should_stop`` (the console quitting) is asked between FETCH batches: a stopped
    round keeps what it stored (the checkpoint is per batch) and ends there."""
    counts: dict[str, int] = {}
    decided: tuple[ClaimDecided, ...] = ()
    stops: list[_Stop] = []
    try:
        secret = password if password is not None else _password(account)
    except _Stop as stop:
        return _result(account, counts, decided, [stop])
    try:
        counts["new_messages"], counts["new_tickets"], log, decided = _mail_in(
            conn, account, secret, config, should_stop
        )
        counts["team_changes"] = sum(1 for a in log.applied if a.outcome in TEAM_CHANGES)
        counts["published"] = log.published
    except _Stop as stop:
        stops.append(stop)
    if should_stop():
        return _result(account, counts, decided, stops)
    imap_answered = not stops
    if imap_answered:  # only on what the mailbox says now: a teammate's acknowledgement
        # (the Sent folder, the team log) may wait there unread while it is away
        counts["acknowledged"] = len(acknowledge_new_tickets(conn, config).queued)
    delivery = deliver_outbox(conn, account, secret, config)
    counts["sent"], counts["failed"] = delivery.sent, delivery.failed
    if delivery.server_error is not None:
        failure = delivery.server_error
        stops.append(_Stop(f"SMTP: {failure}", failure.kind in TEMPORARY_KINDS))
    if imap_answered:  # no second wait on an IMAP server that is away
        try:
            file_sent_copies(conn, account, secret)
        except ServerError as exc:
            stops.append(_Stop(f"IMAP: {exc}", exc.kind in TEMPORARY_KINDS))
    return _result(account, counts, decided, stops)


def _result(
    account: Account,
    counts: dict[str, int],
    decided: tuple[ClaimDecided, ...],
    stops: list[_Stop],
) -> RoundResult:
    """The round's result; an error (a person must act) is said before being offline."""
    errors = [safe_line(str(s), REASON_LIMIT) for s in stops if not s.offline]
    offline = [safe_line(str(s), REASON_LIMIT) for s in stops if s.offline]
    return RoundResult(
        account.name,
        int(time.time()),
        claims=decided,
        offline="" if errors else "; ".join(offline),
        error="; ".join(errors),
        **counts,
    )
