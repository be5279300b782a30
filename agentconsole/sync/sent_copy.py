"""A copy of each sent reply in the account's Sent folder (issue 8).

Mail programs keep what they send in Sent; so do we, so that a colleague reading the
mailbox in webmail sees our replies, and every teammate's sync brings them in (the
Sent folder is followed by default). The copy is appended after SMTP accepted the
reply, with its exact bytes: when a sync reads it back, the content key recognises
the message already stored and only its location is recorded, so it is stored once.
A copy is marked done only after the server took it; a crash in between appends it
again next time, which the same content key makes harmless.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from agentconsole.store.accounts import Account
from agentconsole.store.db import write_txn
from agentconsole.store.outbox import copies_to_file, mark_copied
from agentconsole.sync.imap_session import TIMEOUT_SECONDS, drop_client, open_client
from agentconsole.sync.imap_sync import sent_in_listing
from agentconsole.sync.servers import ServerError, network_error
from agentconsole.textsafe import safe_line

SENT = "Sent"
"""The folder created for the copies when the server marks none ``\\Sent``."""


def sent_folder(client: IMAPClient) -> str:
    """The server's Sent folder: the one marked ``\\Sent`` (RFC 6154), else one named
    Sent in any case, else a new ``Sent``."""
    found = sent_in_listing(client.list_folders())
    if found is not None:
        return found
    client.create_folder(SENT)
    return SENT


def file_sent_copies(
    conn: sqlite3.Connection, account: Account, password: str, *, now: int | None = None
) -> int:
    """Append the copies still to file; returns how many the server took. Connects only
    when there is one; :class:`ServerError` when the server cannot be used (the copies
    wait for the next time)."""
    pending = copies_to_file(conn)
    if not pending:
        return 0
    client = open_client(account, password)
    filed = 0
    try:
        folder = sent_folder(client)
        for outbox_id, raw, sent_at in pending:
            client.append(
                folder, raw, flags=(b"\\Seen",), msg_time=datetime.fromtimestamp(sent_at, UTC)
            )
            with write_txn(conn):
                mark_copied(conn, outbox_id, now=int(time.time()) if now is None else now)
            filed += 1
    except IMAPClientError as exc:
        said = safe_line(str(exc).replace(password, "***"), 200)
        raise ServerError("protocol", f"the Sent folder refused a copy: {said}") from None
    except OSError as exc:
        raise network_error(
            exc, "IMAP", account.imap_host, account.imap_port, TIMEOUT_SECONDS
        ) from None
    finally:
        drop_client(client)
    return filed
