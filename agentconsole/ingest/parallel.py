"""Parsing in worker processes, in order, with bounded memory, surviving dead workers.

The main process reads each message from its source and hands chunks of raw bytes to
a process pool; results come back in the order the source holds them (threading
needs a thread's first message before its replies, and exports hold them in that
order). At most a few chunks and :data:`MAX_IN_FLIGHT_BYTES` are in flight, so memory
stays flat however large the export. A message over :data:`LARGE_MESSAGE_BYTES` is
prepared in the main process instead: sending it to a worker and back would hold
several copies of it at once.

A worker that dies (the OOM killer, ``kill -9``) breaks the pool
(:class:`~concurrent.futures.process.BrokenProcessPool`) instead of hanging the
import: the pool is started again, the messages that were in flight are parsed again
one by one, and a message that kills a worker on its own is stored raw (quarantined)
with an error naming it in the summary.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from agentconsole.ingest.prepare import (
    LARGE_RAW_BYTES,
    Prepared,
    init_worker,
    prepare,
    prepare_chunk,
)
from agentconsole.ingest.prepare import prepare_quarantined as quarantine
from agentconsole.mail.sources import Provenance, RawMail, Skipped, SourceItem

Result = Prepared | Skipped
Patterns = Mapping[str, Sequence[str]]

CHUNK = 96
"""Messages sent to a worker at once (or :data:`CHUNK_BYTES`, whichever comes first):
each chunk costs the writer process a round trip through the pool (pickling, a pipe,
the pool's thread): at 24 a chunk that was 7% of its CPU."""
CHUNK_BYTES = 1024 * 1024
LARGE_MESSAGE_BYTES = LARGE_RAW_BYTES
MAX_IN_FLIGHT_BYTES = 32 * 1024 * 1024
DIED = "the parse worker died (killed, or out of memory)"
PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when its parent dies."""


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the import or sync that started it dies
    (``kill -9`` included): orphaned workers otherwise wait for ever on a pipe nobody
    reads, holding the database file and the IMAP socket open. Elsewhere (no prctl)
    the workers end when their parent's pipe closes, as before."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)


def _init_pool_worker(patterns: Patterns, parent: int) -> None:
    # Ctrl-C reaches the whole process group: the parent decides how to stop (it
    # finishes the batch and shuts the pool down); a worker that raised
    # KeyboardInterrupt instead would break the pool mid-chunk. SIGTERM keeps its
    # default: the pool itself ends its workers with it when one of them dies (a
    # worker that ignored it hung the import for ever), and a worker killed by a
    # group's SIGTERM is a broken pool the import already recovers from.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    init_worker(patterns, in_pool=True)


@dataclass
class _Slot:
    """One chunk in flight (``future``) or already prepared (``ready``)."""

    items: list[tuple[bytes, Provenance]]
    future: Future[list[Prepared]] | None = None
    ready: list[Result] | None = None
    size: int = 0


class _Pool:
    """A process pool that can be started again after a worker died."""

    def __init__(self, jobs: int, patterns: Patterns) -> None:
        self.jobs = jobs
        self.patterns = patterns
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        return ProcessPoolExecutor(
            self.jobs,
            mp_context=context,
            initializer=_init_pool_worker,
            initargs=(self.patterns, os.getpid()),
        )

    def submit(self, items: list[tuple[bytes, Provenance]]) -> Future[list[Prepared]]:
        """Hand ``items`` to a worker. A pool that broke since the last call (a worker
        killed between two chunks) gives a failed future instead of raising here, so
        the chunk is recovered with the others in :func:`_resolve`."""
        try:
            return self.executor.submit(prepare_chunk, items)
        except BrokenProcessPool as exc:
            failed: Future[list[Prepared]] = Future()
            failed.set_exception(exc)
            return failed

    def restart(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = self._start()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def prepared_stream(
    items: Iterable[SourceItem], patterns: Patterns, jobs: int, errors: list[str]
) -> Generator[Result, None, None]:
    """Prepare every message of ``items`` in order; skipped entries pass through.
    Problems that did not stop the import (a dead worker) are appended to ``errors``."""
    if jobs <= 1:
        init_worker(patterns)
        for item in items:
            if isinstance(item, Skipped):
                yield item
                continue
            box = [item]
            del item
            yield _prepare_taken(box, patterns)
        return
    pool = _Pool(jobs, patterns)
    try:
        yield from _parallel(items, pool, errors)
    finally:
        pool.close()


def _parallel(items: Iterable[SourceItem], pool: _Pool, errors: list[str]) -> Iterator[Result]:
    pending: deque[_Slot] = deque()
    in_flight = 0
    chunk: list[tuple[bytes, Provenance]] = []
    chunk_bytes = 0
    limit = pool.jobs * 6

    def flush() -> None:
        nonlocal chunk, chunk_bytes, in_flight
        if chunk:
            pending.append(_Slot(chunk, pool.submit(chunk), size=chunk_bytes))
            in_flight += chunk_bytes
            chunk, chunk_bytes = [], 0

    def take() -> list[Result]:
        nonlocal in_flight
        slot = pending[0]
        if slot.ready is None:
            _resolve(pending, pool, errors)
        pending.popleft()
        in_flight -= slot.size
        return slot.ready or []

    for item in items:
        if isinstance(item, RawMail) and len(item.raw) <= LARGE_MESSAGE_BYTES:
            chunk.append((item.raw, item.where))
            chunk_bytes += len(item.raw)
            if len(chunk) >= CHUNK or chunk_bytes >= CHUNK_BYTES:
                flush()
        elif isinstance(item, Skipped):
            flush()  # keep the order: what came before goes first
            pending.append(_Slot([], ready=[item]))
        else:
            flush()
            while pending:  # one large message in memory at a time
                yield from take()
            box = [item]
            del item
            yield _prepare_taken(box, pool.patterns)
        while len(pending) > limit or (in_flight > MAX_IN_FLIGHT_BYTES and pending):
            yield from take()
    flush()
    while pending:
        yield from take()


def _prepare_taken(box: list[RawMail], patterns: Patterns) -> Prepared:
    """Prepare the message in ``box``, taking it out: no name in a suspended generator
    keeps a large message's bytes (or its result) alive while the writer stores it."""
    item = box.pop()
    return prepare(item.raw, item.where, patterns)


def _resolve(pending: deque[_Slot], pool: _Pool, errors: list[str]) -> None:
    """Fill in the first slot's results; after a dead worker, recover every slot that
    was in flight with it."""
    slot = pending[0]
    assert slot.future is not None
    try:
        slot.ready = list(slot.future.result())
        return
    except BrokenProcessPool:
        pass
    lost = [s for s in pending if s.ready is None and not _succeeded(s)]
    for done in pending:
        if done.ready is None and _succeeded(done):
            assert done.future is not None
            done.ready = list(done.future.result())
    first = lost[0].items[0][1].label if lost and lost[0].items else "?"
    count = sum(len(s.items) for s in lost)
    errors.append(
        f"{first}: {DIED} while parsing this or one of {count - 1} messages after it;"
        " parsed them again one by one"
    )
    pool.restart()
    for broken in lost:
        broken.ready = [_one_by_one(raw, where, pool, errors) for raw, where in broken.items]


def _succeeded(slot: _Slot) -> bool:
    future = slot.future
    return future is not None and future.done() and future.exception() is None


def _one_by_one(raw: bytes, where: Provenance, pool: _Pool, errors: list[str]) -> Prepared:
    try:
        return pool.submit([(raw, where)]).result()[0]
    except BrokenProcessPool:
        errors.append(f"{where.label}: {DIED} on this message: stored raw (quarantined)")
        pool.restart()
        return quarantine(raw, where, f"{DIED} while parsing this message")
