"""What an import reports as it goes: progress after every message (bytes and count),
files it could not read, and its tally, with the defaults a CLI import uses."""

from __future__ import annotations

import os
from pathlib import Path

from agentconsole.ingest.pipeline import CHECKPOINT_PAGES, resolve_sources, run_import
from agentconsole.mail.sources import RawMail
from agentconsole.store import open_db
from agentconsole.store.messages import list_messages
from tests.corpus import CorpusBuilder, write_mbox
from tests.mailfactory import mail, make_config


def test_progress_after_every_message_and_unreadable_files_named(tmp_path: Path) -> None:
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    raws = [mail(msgid=f"<{n}@x>", sender=f"c{n}@example.com", subject=f"s{n}") for n in range(5)]
    for n, raw in enumerate(raws):
        (maildir / "cur" / f"{n}:2,S").write_bytes(raw)
    os.mkfifo(maildir / "cur" / "0-stuck")
    sources = resolve_sources([maildir])
    sizes = [len(item.raw) for item in sources[0].messages() if isinstance(item, RawMail)]
    calls: list[tuple[int, int]] = []
    conn = open_db(tmp_path / "s.db").conn
    summary = run_import(conn, sources, make_config(), progress=lambda b, m: calls.append((b, m)))
    # the unreadable entry comes first (by name), so it is counted before any message
    assert calls == [(sum(sizes[: n + 1]), n + 2) for n in range(5)]
    assert (summary.messages_seen, summary.imported, summary.unreadable) == (6, 5, 1)
    assert summary.errors == [
        f"maildir:{maildir}/cur/0-stuck: not a regular file (a FIFO, device or socket): skipped"
    ]
    assert summary.seconds > 0
    again = run_import(conn, sources, make_config(), progress=lambda b, m: calls.append((b, m)))
    assert (again.messages_seen, again.imported, again.duplicates) == (6, 0, 5)
    assert calls[5:] == calls[:5]
    assert [m.id for m in list_messages(conn)] == [5, 4, 3, 2, 1]


def test_an_import_lets_the_wal_grow_and_restores_the_setting(tmp_path: Path) -> None:
    """During an import the WAL may hold CHECKPOINT_PAGES pages (fewer checkpoints);
    afterwards the connection checkpoints at SQLite's default again."""
    mbox = tmp_path / "in.mbox"
    write_mbox(mbox, CorpusBuilder(seed=3).corpus(threads=300, specials_every=0))
    conn = open_db(tmp_path / "s.db").conn
    seen: list[int] = []
    summary = run_import(
        conn,
        resolve_sources([mbox]),
        make_config(),
        jobs=1,
        progress=lambda b, m: seen.append(
            int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        ),
    )
    assert summary.imported > 600
    assert set(seen) == {CHECKPOINT_PAGES}
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
