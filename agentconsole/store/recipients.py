"""Who the imported mail was addressed to, so an import can tell when the configured
support addresses are not the mailbox's own (our replies would then become customers).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# Every To and Cc address of the messages stored after a given id, lower-cased.
_RECIPIENTS = """
SELECT m.id AS id, lower(json_extract(j.value, '$[1]')) AS address
FROM messages m, json_each(m.to_json) j WHERE m.id > :after
UNION ALL
SELECT m.id, lower(json_extract(j.value, '$[1]'))
FROM messages m, json_each(m.cc_json) j WHERE m.id > :after
"""


@dataclass(frozen=True, slots=True)
class RecipientCheck:
    """Whether one of our addresses appears in the new mail, and its top recipient."""

    messages: int
    support_seen: bool
    top_recipient: str | None
    top_count: int


def last_message_id(conn: sqlite3.Connection) -> int:
    """The newest message's id (0 when none): an import checks what it added after it."""
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0])


def check_recipients(
    conn: sqlite3.Connection, support_addresses: tuple[str, ...], after_id: int
) -> RecipientCheck:
    """Look at the messages stored after ``after_id``: does any of ``support_addresses``
    send or receive one, and which address receives the most of them."""
    params: dict[str, object] = {"after": after_id}
    params.update({f"a{i}": address.lower() for i, address in enumerate(support_addresses)})
    ours = ",".join(f":a{i}" for i in range(len(support_addresses))) or "NULL"
    row = conn.execute(
        "SELECT (SELECT count(*) FROM messages WHERE id > :after),"
        f" EXISTS (SELECT 1 FROM messages WHERE id > :after AND lower(from_addr) IN ({ours}))"
        f" OR EXISTS (SELECT 1 FROM ({_RECIPIENTS}) WHERE address IN ({ours}))",
        params,
    ).fetchone()
    top = conn.execute(
        f"SELECT address, count(DISTINCT id) AS n FROM ({_RECIPIENTS}) WHERE address != ''"
        " GROUP BY address ORDER BY n DESC, address LIMIT 1",
        {"after": after_id},
    ).fetchone()
    return RecipientCheck(
        int(row[0]), bool(row[1]), str(top[0]) if top else None, int(top[1]) if top else 0
    )
