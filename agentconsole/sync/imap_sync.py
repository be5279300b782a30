"""Sync: an account's IMAP folders into the store, through the import pipeline.

Sync is ingestion: each folder becomes an :class:`ImapFolderSource` and runs through
:func:`agentconsole.ingest.pipeline.run_import`, the same parsing, threading,
customers, classification and content dedupe as ``agentconsole import``; so a message
synced and also imported from an export is stored once. What sync adds is choosing
which UIDs to read:

- the first time, every UID of the folder (with ``since_at``, those that arrived on or
  after that day: ``SEARCH SINCE``);
- then only UIDs above the folder's checkpoint (``store.checkpoints``), which the
  pipeline moves in the same transaction as the messages it covers, so a sync killed
  at any moment resumes after its last commit: nothing twice, nothing missed;
- a sync asked for more history than the checkpoint holds (no ``--since`` after a
  first ``--since 180d``) also reads the older UIDs not yet stored (widening);
- a folder whose UIDVALIDITY changed is read again from the start; its messages are
  recognised by content and only gain their new location.

Never by ``\\Seen``: the sync examines folders read-only and fetches with
``BODY.PEEK[]``, so mail read in webmail still arrives and no flag changes.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from agentconsole.config import Config
from agentconsole.ingest.pipeline import Progress, run_import
from agentconsole.ingest.summary import ImportSummary
from agentconsole.mail.sources import Provenance
from agentconsole.store.accounts import Account
from agentconsole.store.checkpoints import (
    Checkpoint,
    advance,
    finish,
    forget,
    get_checkpoint,
    known_uids,
)
from agentconsole.sync.imap_fetch import fetch_sizes, imap_date, search_uids
from agentconsole.sync.imap_session import ImapSession, UidValidityChanged
from agentconsole.sync.imap_source import ImapFolderSource
from agentconsole.sync.team_log import FOLDER_PATH

SIZE_CHUNK = 2000
"""UIDs per ``FETCH RFC822.SIZE`` while planning."""
MAX_ROUNDS = 3
"""How often a sync starts over when a folder's UIDVALIDITY changes under it."""


class SyncInputError(ValueError):
    """Something the user asked for that the server does not have (a folder)."""


class SyncError(RuntimeError):
    """A sync that cannot finish for a reason on the server's side; the message says."""


@dataclass(frozen=True)
class FolderReport:
    """What one folder's sync did."""

    folder: str
    uidvalidity: int
    last_uid: int
    fetched: int
    """Messages read from the server (stored, or recognised as already stored)."""
    since_at: int | None
    remapped: bool
    """The folder's UIDVALIDITY had changed: it was read again and matched by content."""


@dataclass
class SyncReport:
    """An account's sync: per folder, and the pipeline's summary over all of them."""

    account: str
    folders: list[FolderReport] = field(default_factory=list)
    summary: ImportSummary = field(default_factory=ImportSummary)
    reconnects: int = 0
    stopped: bool = False
    """Asked to stop (``should_stop``) before every message was read: the folders'
    ``last_uid`` is how far the checkpoints got, and the next sync continues there."""

    def as_dict(self) -> dict[str, object]:
        return {
            "account": self.account,
            "folders": [
                {
                    "folder": f.folder,
                    "uidvalidity": f.uidvalidity,
                    "last_uid": f.last_uid,
                    "fetched": f.fetched,
                    "since": _day(f.since_at).isoformat() if f.since_at is not None else None,
                    "remapped": f.remapped,
                }
                for f in self.folders
            ],
            "reconnects": self.reconnects,
            "stopped": self.stopped,
            **self.summary.as_dict(),
        }


@dataclass
class _Plan:
    """One folder, ready to read."""

    source: ImapFolderSource
    uidnext: int
    since_at: int | None
    remapped: bool


def _day(epoch: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).date()


def day_start(day: dt.date) -> int:
    """The first second of ``day`` (UTC): how a ``--since`` day is stored."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _wider(stored: int | None, asked: int | None) -> int | None:
    """The longer history of two floors (None: all of it)."""
    if stored is None or asked is None:
        return None
    return min(stored, asked)


def choose_folders(
    session: ImapSession, requested: Sequence[str], configured: Sequence[str]
) -> list[str]:
    """The folders to sync: those asked for (``--folder``), else the config's, else
    INBOX and the server's Sent folder (marked ``\\Sent``, or named Sent) if any."""
    listing = session.call(lambda client: client.list_folders())
    log = {str(name) for _flags, sep, name in listing if _in_team_log(str(name), sep)}
    names = [str(name) for _flags, _sep, name in listing if str(name) not in log]
    # INBOX is the one name IMAP compares without case (RFC 3501 5.1): inbox is INBOX
    wanted = ["INBOX" if n.upper() == "INBOX" else n for n in list(requested) or configured]
    if wanted:
        for name in wanted:
            if name in log:
                raise SyncInputError(
                    f"{name!r} holds the team's event log, not mail: it is read by the team"
                    " log round of every sync; follow mail folders only"
                    f" (the server has: {', '.join(sorted(names))})"
                )
        missing = [name for name in wanted if name not in names]
        if missing:
            raise SyncInputError(
                f"no folder {missing[0]!r} on the server (it has: {', '.join(sorted(names))})"
            )
        return list(dict.fromkeys(wanted))
    sent = sent_in_listing(listing)
    return ["INBOX", *([sent] if sent is not None else [])]


def sent_in_listing(listing: Sequence[tuple[Sequence[bytes], object, object]]) -> str | None:
    """The server's Sent folder in a LIST answer: the one marked ``\\Sent`` (RFC 6154),
    else one named Sent in any case; None when there is none. The sync follows it, and
    the copies of our sent replies go there."""
    marked = [str(name) for flags, _sep, name in listing if b"\\Sent" in flags]
    named = [str(name) for _flags, _sep, name in listing if str(name).lower() == "sent"]
    found = marked or named
    return found[0] if found else None


def _in_team_log(name: str, sep: bytes | str | None) -> bool:
    """True for the team log's folders (``AgentConsole`` and below): their messages
    are events, which synced as mail would become tickets."""
    top = FOLDER_PATH[0]
    delimiter = sep.decode() if isinstance(sep, bytes) else (sep or "/")
    return name == top or name.startswith(top + delimiter)


def _search(session: ImapSession, criteria: list[bytes]) -> list[int]:
    return session.call(partial(search_uids, criteria=criteria))


def _sizes(session: ImapSession, uids: Sequence[int]) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for start in range(0, len(uids), SIZE_CHUNK):
        chunk = list(uids[start : start + SIZE_CHUNK])

        sizes.update(session.call(partial(fetch_sizes, uids=chunk)))
    return sizes


def _nothing_new(checkpoint: Checkpoint, uidnext: int, since_at: int | None) -> bool:
    """Whether a folder at ``uidnext`` (same UIDVALIDITY) holds nothing to read: no UID
    above the checkpoint, and no older history asked for (widening a ``--since``)."""
    widening = checkpoint.since_at is not None and _wider(checkpoint.since_at, since_at) != (
        checkpoint.since_at
    )
    return 0 < uidnext <= checkpoint.last_uid + 1 and not widening


def plan_folder(
    conn: sqlite3.Connection,
    session: ImapSession,
    account: str,
    folder: str,
    since_at: int | None,
) -> _Plan:
    """Examine ``folder`` and decide which of its UIDs to read."""
    uidvalidity, uidnext = session.examine(folder)
    checkpoint: Checkpoint | None = get_checkpoint(conn, account, folder)
    remapped = checkpoint is not None and checkpoint.uidvalidity != uidvalidity
    if checkpoint is not None and remapped:
        forget(conn, account, folder)
        checkpoint = None
    if checkpoint is not None and _nothing_new(checkpoint, uidnext, since_at):
        # EXAMINE's UIDNEXT says no message came since the checkpoint (every new one
        # raises it): no SEARCH, no FETCH; a sync with nothing new is one command a folder
        empty = array("Q")
        source = ImapFolderSource(session, account, folder, uidvalidity, empty, array("Q"))
        return _Plan(source, uidnext, checkpoint.since_at, False)
    if checkpoint is None:
        floor = since_at
        since = [b"SINCE", imap_date(_day(since_at))] if since_at is not None else []
        uids = _search(session, [b"UID", b"1:*", *since])
    else:
        floor = _wider(checkpoint.since_at, since_at)
        after = f"{checkpoint.last_uid + 1}:*".encode()
        # "n:*" matches the highest UID even below n: keep only the new ones
        uids = [u for u in _search(session, [b"UID", after]) if u > checkpoint.last_uid]
        if checkpoint.since_at is not None and floor != checkpoint.since_at and checkpoint.last_uid:
            older = [b"UID", f"1:{checkpoint.last_uid}".encode()]
            older += [b"BEFORE", imap_date(_day(checkpoint.since_at))]
            if floor is not None:
                older += [b"SINCE", imap_date(_day(floor))]
            uids = _search(session, older) + uids
    if remapped or (checkpoint is not None and uids and uids[0] <= checkpoint.last_uid):
        known = known_uids(conn, account, folder, uidvalidity, uids)
        uids = [u for u in uids if u not in known]
    sizes = _sizes(session, uids)
    present = [u for u in uids if u in sizes]  # expunged since the search: gone
    source = ImapFolderSource(
        session,
        account,
        folder,
        uidvalidity,
        array("Q", present),
        array("Q", (sizes[u] for u in present)),
    )
    return _Plan(source, uidnext, floor, remapped)


def _checkpointer(
    plans: Sequence[_Plan], now: Callable[[], float]
) -> Callable[[sqlite3.Connection, Sequence[Provenance]], None]:
    """The pipeline's ``before_commit`` hook: each folder's checkpoint moves to the
    highest UID written in the transaction (UIDs are read in ascending order, so every
    lower one to read is in this transaction or an earlier one)."""
    floors = {p.source.folder: p.since_at for p in plans}

    def record(conn: sqlite3.Connection, written: Sequence[Provenance]) -> None:
        highest: dict[tuple[str, str, int], int] = {}
        for where in written:
            if where.kind == "imap":
                key = (where.account, where.folder, where.uidvalidity)
                highest[key] = max(highest.get(key, 0), where.uid)
        for (account, folder, uidvalidity), uid in highest.items():
            advance(
                conn,
                account,
                folder,
                uidvalidity,
                uid,
                since_at=floors.get(folder),
                now=int(now()),
            )

    return record


def sync_account(
    conn: sqlite3.Connection,
    session: ImapSession,
    config: Config,
    *,
    folders: Sequence[str] = (),
    since_at: int | None = None,
    progress: Progress | None = None,
    on_plan: Callable[[int], None] | None = None,
    now: Callable[[], float] = time.time,
    should_stop: Callable[[], bool] = lambda: False,
) -> SyncReport:
    """Sync the folders of ``session``'s account into the store; see the module doc.

    ``on_plan(total_bytes)`` is called once the folders are examined (for a progress
    bar). ``should_stop`` is asked between FETCH batches: when it says yes, what was
    read is stored and the report comes back with ``stopped`` set. Raises
    :class:`~agentconsole.sync.servers.ServerError` when the server cannot be reached
    even after the backoff, :class:`SyncInputError` for a missing folder."""
    account: Account = session.account
    report = SyncReport(account.name)
    names = choose_folders(session, folders, config.sync_folders)
    remapped: set[str] = set()
    for _round in range(MAX_ROUNDS):
        plans = [plan_folder(conn, session, account.name, name, since_at) for name in names]
        for plan in plans:
            plan.source.should_stop = should_stop
        remapped.update(p.source.folder for p in plans if p.remapped)
        total = sum(p.source.size() for p in plans)
        if on_plan is not None:
            on_plan(total)
        try:
            summary = run_import(
                conn,
                [p.source for p in plans],
                config,
                progress=progress,
                total_bytes=total,
                before_commit=_checkpointer(plans, now),
                should_stop=should_stop,
            )
        except UidValidityChanged:
            continue  # what was committed stays; plan again: the folder is re-mapped
        _merge(report.summary, summary)
        if should_stop() or any(p.source.stopped for p in plans):
            report.stopped = True
            report.folders.extend(_stopped_folder(conn, account.name, p, remapped) for p in plans)
            break
        for plan in plans:
            source = plan.source
            covered = max(plan.uidnext - 1, source.uids[-1] if source.uids else 0)
            finish(
                conn,
                account.name,
                source.folder,
                source.uidvalidity,
                covered,
                since_at=plan.since_at,
                now=int(now()),
            )
            stored = get_checkpoint(conn, account.name, source.folder)
            report.folders.append(
                FolderReport(
                    source.folder,
                    source.uidvalidity,
                    stored.last_uid if stored else covered,
                    len(source.uids),
                    plan.since_at,
                    source.folder in remapped,
                )
            )
        break
    else:
        raise SyncError(
            f"the UIDVALIDITY of {', '.join(sorted(remapped)) or 'a folder'} changed"
            f" {MAX_ROUNDS} times during this sync; try again later"
        )
    report.reconnects = session.reconnects
    return report


def _stopped_folder(
    conn: sqlite3.Connection, account: str, plan: _Plan, remapped: set[str]
) -> FolderReport:
    """A folder of a stopped sync: no :func:`finish` (UIDs above the last one stored
    were not read), so the checkpoint says how far it got."""
    source = plan.source
    stored = get_checkpoint(conn, account, source.folder)
    last = stored.last_uid if stored is not None and stored.uidvalidity == source.uidvalidity else 0
    fetched = sum(1 for uid in source.uids if uid <= last)
    return FolderReport(
        source.folder, source.uidvalidity, last, fetched, plan.since_at, source.folder in remapped
    )


def _merge(total: ImportSummary, part: ImportSummary) -> None:
    """Add a round's counts to the report's summary."""
    for name, value in vars(part).items():
        current = getattr(total, name)
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            setattr(total, name, current + value)
        elif isinstance(value, list):
            current.extend(value)
