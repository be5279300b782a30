"""The team event log over IMAP: publish this machine's changes, apply everyone's.

The folder ``AgentConsole/Events`` of the shared mailbox is the log. Publishing
APPENDs this machine's queued events (a batch per message); reading fetches the
messages after the checkpoint in UID order and applies each one in one transaction
together with the checkpoint, so a crash at any moment neither loses nor repeats an
entry. ``log_seq`` is ``UID * 1024 + index``: UID order is log order on every machine
(docs/design/team-log.md).

:func:`take_batches` and :func:`apply_message` hold the whole logic without a server
(the unit tests drive them with a list as the log); the IMAP functions move bytes.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from agentconsole.domain.remote import Applied, apply_event, apply_pending, publishable
from agentconsole.store.accounts import Account
from agentconsole.store.db import write_txn
from agentconsole.store.remote_events import (
    LogEvent,
    drop_queued,
    forget_appended,
    log_cursor,
    mark_appended,
    pending_count,
    queued_events,
    set_log_cursor,
)
from agentconsole.sync.event_codec import MAX_MESSAGE_BYTES, Refused, decode, encode
from agentconsole.sync.imap_session import ImapSession, open_client
from agentconsole.sync.remote_notes import note_message, with_note_bytes
from agentconsole.sync.servers import TIMEOUT_SECONDS, ServerError, network_error
from agentconsole.textsafe import safe_line

FOLDER_PATH = ("AgentConsole", "Events")
"""The events folder, as parts joined by the server's hierarchy delimiter."""
BATCH = 200
"""Events per published message at most."""
BATCH_BYTES = 512 * 1024
"""A published message's events take about this much at most (notes carry bytes)."""
READ_BACK_SECONDS = 600
"""An appended event not read back from the folder after this is appended again."""
SEQ_PER_UID = 1024
FETCH_CHUNK = 50


def log_seq(uid: int, index: int) -> int:
    """The log position of the ``index``-th event of the message at ``uid``."""
    return uid * SEQ_PER_UID + index


@dataclass
class LogReport:
    """What a round with the log did."""

    published: int = 0
    read: int = 0
    applied: list[Applied] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    """(UID, reason) of each message of the folder that was skipped."""
    waiting: int = 0
    """Teammates' events held for a ticket whose mail is not here yet (all of them,
    not only this round's): they apply when that mail is synced."""

    def add(self, other: LogReport) -> None:
        self.published += other.published
        self.read += other.read
        self.applied += other.applied
        self.refused += other.refused
        self.waiting = other.waiting


@dataclass(frozen=True)
class Batch:
    """Events to append as one message of the folder."""

    event_ids: tuple[int, ...]
    message: bytes


def take_batches(conn: sqlite3.Connection, *, size: int = BATCH) -> list[Batch]:
    """This machine's events waiting to be appended, encoded as messages, oldest first.

    Queued events the log does not carry (a reveal, a reply) leave the queue here. The
    others stay queued until they come back from the folder (:func:`apply_message`
    gives them their position); :func:`appended` says the server has them, so they
    are not appended twice meanwhile (unless they have not come back after
    :data:`READ_BACK_SECONDS`: the folder may have been replaced), and a failed APPEND
    is retried next round. An event appended twice is applied once everywhere."""
    with write_txn(conn):
        queued = queued_events(conn, 1_000_000, int(time.time()) - READ_BACK_SECONDS)
        drop_queued(conn, [q.event_id for q in queued if not publishable(q.event)])
    batches: list[list[tuple[int, LogEvent]]] = [[]]
    weight = 0
    for item in queued:
        if not publishable(item.event):
            continue
        event = with_note_bytes(conn, item.event)
        cost = len(json.dumps(event.data)) + 1024
        if batches[-1] and (len(batches[-1]) >= size or weight + cost > BATCH_BYTES):
            batches.append([])
            weight = 0
        batches[-1].append((item.event_id, event))
        weight += cost
    return [
        Batch(tuple(i for i, _ in batch), encode([e for _, e in batch]))
        for batch in batches
        if batch
    ]


def appended(conn: sqlite3.Connection, batch: Batch) -> None:
    """The server stored ``batch`` (its APPEND said OK)."""
    with write_txn(conn):
        mark_appended(conn, list(batch.event_ids), int(time.time()))


def apply_message(
    conn: sqlite3.Connection,
    raw: bytes | Refused,
    uid: int,
    *,
    account: str,
    folder: str,
    uidvalidity: int,
    now: int | None = None,
) -> list[Applied] | Refused:
    """Apply the events of the message at ``uid`` and move the checkpoint past it, in
    one transaction; a refused message moves the checkpoint too (it never becomes
    readable). An event whose application fails is skipped, the others stay."""
    moment = int(time.time()) if now is None else now
    decoded = raw if isinstance(raw, Refused) else decode(raw)
    done: list[Applied] = []
    with write_txn(conn):
        if not isinstance(decoded, Refused):
            for index, event in enumerate(decoded):
                done.append(_apply_one(conn, event, log_seq(uid, index), moment))
        set_log_cursor(conn, account, folder, uidvalidity, uid)
    return decoded if isinstance(decoded, Refused) else done


def _apply_one(conn: sqlite3.Connection, event: LogEvent, seq: int, now: int) -> Applied:
    try:
        with write_txn(conn):  # a savepoint: a failed event leaves nothing behind
            return apply_event(conn, event, seq, now=now, notes=note_message)
    except (ValueError, LookupError, TypeError, sqlite3.IntegrityError) as exc:
        return Applied(event.uuid, event.kind, "skipped", f"{type(exc).__name__}: {exc}")


def settle_pending(conn: sqlite3.Connection, *, now: int | None = None) -> list[Applied]:
    """Apply waiting events whose ticket has arrived (after a mail sync, too)."""
    with write_txn(conn):
        moment = int(time.time()) if now is None else now
        return apply_pending(conn, now=moment, notes=note_message)


def events_folder(client: IMAPClient) -> str:
    """The events folder's name on this server (its hierarchy delimiter), created when
    missing; two machines creating it at once both end up using it."""
    listed = client.list_folders("", "")
    delimiter = listed[0][1] if listed and listed[0][1] else b"/"
    text = delimiter.decode() if isinstance(delimiter, bytes) else str(delimiter)
    name = text.join(FOLDER_PATH)
    if not client.folder_exists(name):
        try:
            client.create_folder(name)
        except IMAPClientError:
            if not client.folder_exists(name):
                raise
    return name


def publish_pending(conn: sqlite3.Connection, client: IMAPClient, folder: str | None = None) -> int:
    """Append this machine's queued events to the log (``folder``: the events folder,
    found or created when not given); returns how many."""
    folder = folder or events_folder(client)
    count = 0
    for batch in take_batches(conn):
        client.append(folder, batch.message, flags=(b"\\Seen",))
        appended(conn, batch)
        count += len(batch.event_ids)
    return count


def apply_new(
    conn: sqlite3.Connection, client: IMAPClient, folder: str | None = None, *, account: str
) -> LogReport:
    """Read the log past ``account``'s checkpoint, in UID order, applying each message;
    then the waiting events whose ticket has arrived."""
    folder = folder or events_folder(client)
    report = LogReport()
    selected = client.select_folder(folder, readonly=True)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    cursor = log_cursor(conn, account, folder)
    last = cursor[1] if cursor is not None and cursor[0] == uidvalidity else 0
    if cursor is None or cursor[0] != uidvalidity:
        with write_txn(conn):
            if cursor is not None:  # a new folder: what we appended to the old one is gone
                forget_appended(conn)
            set_log_cursor(conn, account, folder, uidvalidity, 0)
    if 0 < int(selected.get(b"UIDNEXT", 0)) <= last + 1:
        uids: list[int] = []  # UIDNEXT says nothing came since: no SEARCH
    else:
        uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
    for start in range(0, len(uids), FETCH_CHUNK):
        chunk = uids[start : start + FETCH_CHUNK]
        sizes = client.fetch(chunk, ["RFC822.SIZE"])
        small = [u for u in chunk if _size(sizes.get(u, {})) <= MAX_MESSAGE_BYTES]
        bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
        for uid in chunk:
            body = bodies.get(uid, {}).get(b"BODY[]")
            raw = body if isinstance(body, bytes) else Refused("too large or gone")
            outcome = apply_message(
                conn, raw, uid, account=account, folder=folder, uidvalidity=uidvalidity
            )
            report.read += 1
            if isinstance(outcome, Refused):
                report.refused.append((uid, outcome.reason))
            else:
                report.applied += outcome
    report.applied += settle_pending(conn)
    return report


def _size(item: dict[bytes, object]) -> int:
    size = item.get(b"RFC822.SIZE", 0)
    return size if isinstance(size, int) else 0


def sync_events(
    conn: sqlite3.Connection, client: IMAPClient, folder: str | None = None, *, account: str
) -> LogReport:
    """A full round: read what teammates published, publish ours, read again (so our
    own events come back with their log position and claims are decided). This is
    what a mail sync calls after storing new mail."""
    folder = folder or events_folder(client)
    report = apply_new(conn, client, folder, account=account)
    published = publish_pending(conn, client, folder)
    report.published = published
    if published:
        report.add(apply_new(conn, client, folder, account=account))
    return report


class LogUnavailable(Exception):
    """The events folder could not be used (server unreachable, login refused, the
    connection lost); ``str()`` is one line for the user, without the password."""


@dataclass(frozen=True)
class LogSession:
    """A logged-in session on an account's events folder."""

    conn: sqlite3.Connection
    client: IMAPClient
    folder: str
    account: str

    def read(self) -> LogReport:
        return apply_new(self.conn, self.client, self.folder, account=self.account)

    def publish(self) -> int:
        return publish_pending(self.conn, self.client, self.folder)

    def sync(self) -> LogReport:
        return sync_events(self.conn, self.client, self.folder, account=self.account)


@contextmanager
def log_session(
    conn: sqlite3.Connection, account: Account, password: str, *, timeout: float = TIMEOUT_SECONDS
) -> Iterator[LogSession]:
    """A session on ``account``'s events folder (created if missing), logged out after.
    Server and connection failures inside come out as :class:`LogUnavailable`."""
    where = f"the IMAP server {account.imap_host}:{account.imap_port}"
    try:
        client = open_client(account, password, timeout=timeout)
    except ServerError as exc:
        raise LogUnavailable(str(exc)) from None
    try:
        yield LogSession(conn, client, events_folder(client), account.name)
    except IMAPClient.AbortError as exc:
        raise LogUnavailable(f"the connection to {where} was lost: {exc}") from None
    except IMAPClientError as exc:
        raise LogUnavailable(f"{where} refused the events folder: {exc}") from None
    except OSError as exc:
        raise LogUnavailable(
            str(network_error(exc, "IMAP", account.imap_host, account.imap_port, timeout))
        ) from None
    finally:
        try:
            client.logout()
        except (IMAPClientError, OSError):
            client.shutdown()


def team_round(conn: sqlite3.Connection, session: ImapSession) -> LogReport:
    """The team log's round inside a mail sync (after the new mail is stored, so
    events waiting for it apply), on the sync's own session, which reconnects and
    repeats the round when the connection drops (a repeated round applies nothing
    twice). ServerError when the server cannot be used."""
    account = session.account.name
    try:
        report = session.call(lambda client: sync_events(conn, client, account=account))
    except IMAPClientError as exc:
        raise ServerError("protocol", f"the team's events folder: {exc}") from None
    report.waiting = pending_count(conn)
    return report


SKIPS_SHOWN = 5
"""Skip reasons listed one per line after a round; the rest are counted."""


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def skip_reasons(report: LogReport) -> list[str]:
    """Why each skipped message or event was skipped, one safe line each (the text
    may come from anyone who can write to the shared mailbox)."""
    reasons = [f"message UID {uid}: {reason}" for uid, reason in report.refused]
    reasons += [
        f"event {a.uuid} ({a.kind}): {a.detail}" for a in report.applied if a.outcome == "skipped"
    ]
    return [safe_line(reason, 200) for reason in reasons]


def team_lines(report: LogReport) -> list[str]:
    """What a round with the log did: a summary line, then the first
    :data:`SKIPS_SHOWN` skip reasons and how many more; empty when nothing moved."""
    teammates = [a for a in report.applied if a.outcome not in ("own", "duplicate", "skipped")]
    pending = sum(1 for a in teammates if a.outcome == "pending")
    reasons = skip_reasons(report)
    if not (report.published or teammates or reasons or report.waiting):
        return []
    line = (
        f"team log: {_counted(report.published, 'change')} published,"
        f" {len(teammates) - pending} from teammates applied"
    )
    if report.waiting:
        line += (
            f", {_counted(report.waiting, 'event')} waiting for mail not here yet"
            f" ({pending} new this round)"
        )
    if reasons:
        line += f", {len(reasons)} skipped as foreign or broken:"
    shown = [f"  skipped {reason}" for reason in reasons[:SKIPS_SHOWN]]
    if len(reasons) > SKIPS_SHOWN:
        shown.append(f"  and {len(reasons) - SKIPS_SHOWN} more")
    return [line, *shown]
