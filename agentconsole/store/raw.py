"""Writing a large message's raw bytes into the store in slices.

Binding a 40 MB value to an ``INSERT`` makes SQLite hold it three times (the bound
copy, the record it builds, the pages it writes), which took an import of a 50 MB
message over 250 MB of memory. Instead the row is stored first with an empty value,
then sized with ``zeroblob`` (which allocates nothing) and filled through SQLite's
incremental blob I/O one slice at a time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def write_raw_in_slices(
    conn: sqlite3.Connection, dedupe_key: bytes, size: int, slices: Iterable[bytes]
) -> bool:
    """Fill the raw bytes of the message stored under ``dedupe_key`` with ``size``
    bytes (compressed with zlib) given in ``slices``; False if no such message."""
    row = conn.execute("SELECT id FROM messages WHERE dedupe_key = ?", (dedupe_key,)).fetchone()
    if row is None:
        return False
    message_id = int(row[0])
    conn.execute(
        "UPDATE raw_messages SET compression = 'zlib', data = zeroblob(?) WHERE message_id = ?",
        (size, message_id),
    )
    with conn.blobopen("raw_messages", "data", message_id) as blob:
        for piece in slices:
            blob.write(piece)
    return True
