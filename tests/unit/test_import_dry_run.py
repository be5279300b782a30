"""A dry run over a store that already holds part of the mail: it counts what it would
add, and leaves every table exactly as it was, seen from another connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from agentconsole.ingest.pipeline import resolve_sources, run_import
from agentconsole.store import open_db
from tests.corpus import CorpusBuilder, write_mbox
from tests.mailfactory import make_config

TABLES = ("messages", "tickets", "customers", "events", "message_fts", "ticket_tags")


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as other:
        return {t: other.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_a_dry_run_with_new_mail_writes_nothing(tmp_path: Path) -> None:
    messages = list(CorpusBuilder(seed=11).corpus(threads=12, specials_every=0))
    half, whole = tmp_path / "half.mbox", tmp_path / "whole.mbox"
    write_mbox(half, messages[: len(messages) // 2], labels=True)
    total = write_mbox(whole, messages, labels=True)
    db = tmp_path / "store.db"
    conn = open_db(db).conn
    first = run_import(conn, resolve_sources([half]), make_config(), jobs=1)
    before = _counts(db)
    assert before["messages"] == first.imported == len(messages) // 2
    dry = run_import(conn, resolve_sources([whole]), make_config(), jobs=1, dry_run=True)
    assert dry.dry_run
    assert (dry.imported, dry.duplicates) == (total - first.imported, first.imported)
    assert dry.tickets_created > 0
    assert not conn.in_transaction
    assert _counts(db) == before
    real = run_import(conn, resolve_sources([whole]), make_config(), jobs=1)
    assert (real.imported, real.tickets_created) == (dry.imported, dry.tickets_created)
    conn.close()
