"""Give messages stored by an older release the content-based dedupe key.

Releases before schema version 2 keyed a message on its Message-ID, sender, date and
subject, which merged different messages. Migration 2 lists every message stored then;
before the next import writes anything, each listed message gets the key
:func:`~agentconsole.ingest.prepare.content_key` computes from its stored raw bytes, so
a copy imported later is still recognised as the same message. It runs once per store
(in the caller's transactions: a dry run rolls it back with everything else).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from agentconsole.ingest.prepare import content_key
from agentconsole.store.locations import messages_to_rekey, set_dedupe_key

BATCH = 500


def rekey_old_messages(conn: sqlite3.Connection, commit: Callable[[], None]) -> int:
    """Re-key every listed message, calling ``commit`` after each batch; returns how
    many were re-keyed. A message with no raw bytes keeps its old key."""
    done = 0
    while batch := messages_to_rekey(conn, BATCH):
        for message_id, raw in batch:
            set_dedupe_key(conn, message_id, content_key(raw) if raw else None)
        done += len(batch)
        commit()
    return done
