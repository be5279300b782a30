"""Run an import: sources -> parallel parsing -> one writer -> short transactions.

Sources read each message in this process and :mod:`agentconsole.ingest.parallel`
parses it in worker processes, in order and with bounded memory, while this process
threads and writes.

Writers take turns. An agent's change in the console (another connection doing
``BEGIN IMMEDIATE``) must commit within 200 ms while an import runs, so the import
never holds the write lock long: it writes what is ready for at most
:data:`HOLD_SECONDS` (or ``batch_size`` messages), commits, and then gathers parsed
messages without the lock for at least :data:`GAP_SECONDS`. SQLite's busy handler
retries a waiting writer at most 25 ms apart for its first 100 ms, so one of its
retries falls in that gap.

Every transaction holds whole messages. An import killed at any point leaves whole
messages behind; started again, it skips what is stored (the dedupe key is unique)
and goes on, so every message ends up stored exactly once.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path

from agentconsole.config import Config
from agentconsole.domain import sla
from agentconsole.ingest.parallel import prepared_stream
from agentconsole.ingest.prepare import Prepared
from agentconsole.ingest.rekey import rekey_old_messages
from agentconsole.ingest.summary import ImportSummary
from agentconsole.ingest.writer import MailWriter
from agentconsole.mail.sources import MailSource, Provenance, Skipped, open_sources
from agentconsole.store.raw import write_raw_in_slices
from agentconsole.store.txn import (
    begin,
    checkpoint,
    refresh_statistics,
    rollback,
    set_autocheckpoint,
)
from agentconsole.store.txn import commit as commit_txn

Progress = Callable[[int, int], None]
"""Called as ``progress(bytes_done, messages_done)`` after each message."""
BeforeCommit = Callable[[sqlite3.Connection, Sequence[Provenance]], None]
"""Called inside each write transaction, just before it commits, with where the
messages written in it came from (in source order): a sync records its checkpoint
there, so the checkpoint never covers a message that was not committed with it."""

PARALLEL_MIN_BYTES = 2 * 1024 * 1024
HOLD_SECONDS = 0.075
"""The longest the import holds the write lock at a time."""
GAP_SECONDS = 0.025
"""The shortest pause between two of the import's write transactions."""
MAX_BACKLOG_BYTES = 8 * 1024 * 1024
"""Parsed messages waiting for the writer; one large message fills it alone."""
CHECKPOINT_PAGES = 2_000
"""How large the WAL may grow during an import (8 MB of 4 KiB pages) before a commit
copies it into the database. At SQLite's default (1000 pages) checkpoints took a
fifth of the writer's time, rewriting the same index pages again and again; a much
larger WAL would save more, but another connection's commit (an agent's change in
the console) may be the one that checkpoints it, and must stay quick. The import
checkpoints once more when it is done."""


def resolve_sources(paths: Sequence[Path]) -> list[MailSource]:
    """Open every path; raises NotAMailbox for the first one that is not mail."""
    sources: list[MailSource] = []
    for path in paths:
        sources.extend(open_sources(path))
    return sources


def run_import(
    conn: sqlite3.Connection,
    sources: Sequence[MailSource],
    config: Config,
    *,
    dry_run: bool = False,
    jobs: int | None = None,
    batch_size: int = 2000,
    progress: Progress | None = None,
    total_bytes: int | None = None,
    before_commit: BeforeCommit | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> ImportSummary:
    """Import every message of ``sources``; with ``dry_run`` roll everything back.
    ``before_commit`` (see :data:`BeforeCommit`) is how a sync checkpoints.
    ``should_stop`` is asked before each transaction: a stopped sync drops what it
    read but did not store (its checkpoint covers only what was committed) instead of
    parsing and storing the messages in flight, so Ctrl-C ends it within a second."""
    started = time.monotonic()
    summary = ImportSummary(dry_run=dry_run)
    if total_bytes is None:
        total_bytes = sum(source.size() for source in sources)
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 4) if total_bytes >= PARALLEL_MIN_BYTES else 1
    # chain, not a generator expression: that would keep the last message alive
    items = chain.from_iterable(source.messages() for source in sources)
    stream = prepared_stream(items, config.identifier_patterns, jobs, summary.errors)
    writer = MailWriter(conn, config, summary)
    bytes_done = 0

    def write(prepared: Prepared) -> None:
        """Store one message (a function, so no loop variable keeps it alive)."""
        nonlocal bytes_done
        summary.messages_seen += 1
        imported = summary.imported
        writer.add(prepared)
        large = prepared.large_raw
        if large is not None:
            if summary.imported > imported:
                write_raw_in_slices(conn, prepared.dedupe_key, large.size, large.slices())
            large.file.close()
        bytes_done += prepared.size
        if progress is not None:
            progress(bytes_done, summary.messages_seen)

    def commit() -> None:
        if not dry_run:
            commit_txn(conn)
            begin(conn)

    backlog: deque[Prepared] = deque()
    backlog_bytes = 0
    exhausted = False
    autocheckpoint = set_autocheckpoint(conn, CHECKPOINT_PAGES)
    # loaded now, before the write lock: loading the SLA policies and calendars takes
    # ~0.4 s, which the first batch's flush would otherwise spend holding the lock
    sla.active_policy_set()
    begin(conn)
    # the SLA clocks of the tickets a transaction touched, recomputed together before
    # it commits (sla.flush); a dry run writes nothing, so skips them
    sla.start_deferring(conn)
    try:
        rekey_old_messages(conn, commit)
        if not dry_run:
            commit_txn(conn)
        while not should_stop():
            gap_end = time.monotonic() + GAP_SECONDS
            while not exhausted and len(backlog) < batch_size and backlog_bytes < MAX_BACKLOG_BYTES:
                if backlog and time.monotonic() >= gap_end:
                    break
                item = next(stream, None)
                if item is None:
                    exhausted = True
                elif isinstance(item, Skipped):
                    summary.messages_seen += 1
                    summary.unreadable += 1
                    summary.errors.append(f"{item.where.label}: {item.reason}")
                else:
                    backlog.append(item)
                    backlog_bytes += item.size
                item = None  # a large message must not stay alive through the next one
            if not backlog:
                break
            if not exhausted and (pause := gap_end - time.monotonic()) > 0:
                time.sleep(pause)  # the backlog filled up before the gap was over
            if not dry_run:
                begin(conn)
            deadline = time.monotonic() + HOLD_SECONDS
            written: list[Provenance] = []
            while backlog and time.monotonic() < deadline:
                backlog_bytes -= backlog[0].size
                written.append(backlog[0].where)
                write(backlog.popleft())
            if before_commit is not None:
                before_commit(conn, written)
            if not dry_run:
                sla.flush(conn, now=writer.now)
                commit_txn(conn)
    except BaseException:
        rollback(conn)  # unless a full disk has already rolled it back
        raise
    finally:
        sla.stop_deferring(conn)
        stream.close()
        set_autocheckpoint(conn, autocheckpoint)
    if dry_run:
        rollback(conn)
    else:  # at-risk and breach instants of other tickets that came since the last run
        sla.sweep(conn, sla.active_policy_set(), now=writer.now)
    if not dry_run and summary.imported:
        refresh_statistics(conn)
        checkpoint(conn)
    summary.seconds = time.monotonic() - started
    return summary
