"""Run an import: sources -> parallel parsing -> one writer -> batched commits.

Parsing is nearly all of an import's time, so worker processes read and parse while
the main process threads and writes. Work is handed out in chunks with a bounded
number in flight, which keeps results in order (threading needs a thread's first
message before its replies, and exports hold them in that order) and keeps memory
flat: neither the list of messages nor the parsed results are ever all in memory.

Every ``batch_size`` messages are committed together. An import killed at any point
leaves whole batches behind; started again, it skips what is stored (the dedupe key
is unique) and goes on, so every message ends up stored exactly once.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from multiprocessing.pool import AsyncResult
from pathlib import Path

from agentconsole.config import Config
from agentconsole.ingest.prepare import Prepared, init_worker, prepare
from agentconsole.ingest.writer import ImportSummary, MailWriter
from agentconsole.mail.sources import MailRef, MailSource, open_sources

Progress = Callable[[int, int], None]
"""Called as ``progress(bytes_done, messages_done)`` after each message."""

CHUNK = 24
PARALLEL_MIN_BYTES = 2 * 1024 * 1024


def _prepare_chunk(refs: list[MailRef]) -> list[Prepared | tuple[str, str]]:
    return [prepare(ref) for ref in refs]


def _chunks(refs: Iterable[MailRef], size: int) -> Iterator[list[MailRef]]:
    iterator = iter(refs)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _prepared_stream(
    refs: Iterable[MailRef], config: Config, jobs: int
) -> Iterator[Prepared | tuple[str, str]]:
    patterns = config.identifier_patterns
    if jobs <= 1:
        init_worker(patterns)
        for ref in refs:
            yield prepare(ref)
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(jobs, initializer=init_worker, initargs=(patterns,)) as pool:
        pending: deque[AsyncResult[list[Prepared | tuple[str, str]]]] = deque()
        chunks = _chunks(refs, CHUNK)
        limit = jobs * 6
        for chunk in chunks:
            pending.append(pool.apply_async(_prepare_chunk, (chunk,)))
            if len(pending) >= limit:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def refresh_statistics(conn: sqlite3.Connection) -> None:
    """Let the query planner know the data's shape after it changed a lot. Without
    statistics SQLite sorts 70,000 open tickets to show 100 of them instead of walking
    the activity index. Approximate statistics (analysis_limit) mislead it for the
    tickets table, whose exact analysis takes about 60 ms at 100,000 tickets."""
    conn.execute("PRAGMA analysis_limit=1000")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA analysis_limit=0")  # the queue's table gets exact figures
    conn.execute("ANALYZE tickets")


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
) -> ImportSummary:
    """Import every message of ``sources``; with ``dry_run`` roll everything back."""
    started = time.monotonic()
    summary = ImportSummary(dry_run=dry_run)
    if total_bytes is None:
        total_bytes = sum(source.size() for source in sources)
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 4) if total_bytes >= PARALLEL_MIN_BYTES else 1
    refs = (ref for source in sources for ref in source.refs())
    writer = MailWriter(conn, config, summary)
    bytes_done = 0
    in_batch = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        for item in _prepared_stream(refs, config, jobs):
            summary.messages_seen += 1
            if isinstance(item, tuple):
                summary.unreadable += 1
                summary.errors.append(f"{item[0]}: {item[1]}")
                continue
            writer.add(item)
            bytes_done += item.size
            in_batch += 1
            if in_batch >= batch_size and not dry_run:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
                in_batch = 0
            if progress is not None:
                progress(bytes_done, summary.messages_seen)
    except BaseException:
        if conn.in_transaction:  # a full disk has already rolled it back
            conn.execute("ROLLBACK")
        raise
    conn.execute("ROLLBACK" if dry_run else "COMMIT")
    if not dry_run and summary.imported:
        refresh_statistics(conn)
    summary.seconds = time.monotonic() - started
    return summary
