"""Shared set-up for the benchmarks: corpora and a large database, made once and cached
in benchmarks/out (not committed)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
sys.path.insert(0, str(ROOT))

from datetime import timedelta  # noqa: E402

from agentconsole.config import default_identifier_patterns, load_config  # noqa: E402
from agentconsole.ingest.pipeline import resolve_sources, run_import  # noqa: E402
from agentconsole.store import open_db  # noqa: E402
from tests.corpus import BASE, CorpusBuilder, write_mbox  # noqa: E402

BIG_THREADS = 100_000


def config():  # type: ignore[no-untyped-def]
    cfg = load_config(OUT / "no-config.toml")
    assert cfg.identifier_patterns == default_identifier_patterns()
    return cfg


def big_db() -> Path:
    """A database with 100,000 tickets (about 240,000 messages) and one ticket of 50
    messages; built on first use (a few minutes), then reused."""
    OUT.mkdir(exist_ok=True)
    path = OUT / "big-100k.db"
    if path.exists():
        return path
    mbox = OUT / "big-100k.mbox"
    if not mbox.exists():
        print(f"writing {BIG_THREADS:,} threads to {mbox} ...", flush=True)
        write_mbox(mbox, CorpusBuilder(seed=99).corpus(threads=BIG_THREADS, span_days=730))
    long_thread = OUT / "long-thread.mbox"
    write_mbox(long_thread, _long_thread(50))
    print(f"importing into {path} ...", flush=True)
    started = time.monotonic()
    tmp = path.with_suffix(".tmp")
    conn = open_db(tmp).conn
    summary = run_import(conn, resolve_sources([mbox, long_thread]), config())
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    tmp.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    print(
        f"  {summary.imported:,} messages, {summary.tickets_created:,} tickets in "
        f"{time.monotonic() - started:.0f} s",
        flush=True,
    )
    return path


def _long_thread(count: int) -> list[bytes]:
    builder = CorpusBuilder(seed=1, domain_suffix=".long")
    messages = []
    previous = None
    for n in range(count):
        msgid = f"<long-{n}@bench.example>"
        sender = (
            ("Long Thread", "long@bench.example")
            if n % 2 == 0
            else ("OKWallet Support", "support@okwallet.example")
        )
        messages.append(
            builder.message(
                sender=sender,
                to=("x", "y@bench.example"),
                subject="A very long conversation 很长的对话",
                body=f"Message {n}: 提现还是没有到账，请继续跟进。\n" * 8,
                when=BASE + timedelta(hours=n),
                msgid=msgid,
                in_reply_to=previous,
                references=[previous] if previous else None,
            )
        )
        previous = msgid
    return messages
