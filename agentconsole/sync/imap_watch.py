"""Waiting for new mail between two syncs: IMAP IDLE when the server offers it, else a
plain pause (polling).

``agentconsole sync --watch`` syncs, waits here, and syncs again. With IDLE the server
tells us the moment a message lands in the watched folder (an ``EXISTS`` response), so
new mail is in the store within seconds; the wait still ends after ``timeout`` seconds
so that other folders are polled and a silently dead connection is noticed (RFC 2177
asks clients to re-issue IDLE at least every 29 minutes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress

from imapclient.exceptions import IMAPClientError

from agentconsole.store.accounts import Account
from agentconsole.sync.imap_session import open_client
from agentconsole.sync.servers import ServerError

IDLE_SLICE = 30.0
"""The longest single wait for a server response inside IDLE."""
EARLY_SECONDS = 0.5
"""An IDLE wait that ends this much before its time with nothing said ended on a
closed connection."""


def _dropped(account: Account) -> ServerError:
    return ServerError(
        "refused", f"the IMAP server {account.imap_host}:{account.imap_port} closed the connection"
    )


def wait_for_mail(
    account: Account,
    password: str,
    folder: str,
    known_last_uid: int,
    timeout: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Return when ``folder`` has mail above ``known_last_uid`` or ``timeout`` passed:
    ``"new"`` (the server said so), ``"timeout"`` (IDLE saw nothing) or ``"polled"``
    (the server has no IDLE: we slept). Raises ServerError when it cannot connect."""
    client = open_client(account, password)
    try:
        status = client.select_folder(folder, readonly=True)
        if int(status.get(b"UIDNEXT", 0)) - 1 > known_last_uid:
            return "new"  # it came between the sync and now
        if b"IDLE" not in client.capabilities():
            sleep(timeout)
            return "polled"
        client.idle()
        try:
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                wait = min(left, IDLE_SLICE)
                started = time.monotonic()
                responses = client.idle_check(timeout=wait)
                for response in responses:
                    if len(response) > 1 and response[1] in (b"EXISTS", b"RECENT"):
                        return "new"
                    if response and response[0] == b"BYE":
                        raise _dropped(account)
                if not responses and time.monotonic() - started < wait - EARLY_SECONDS:
                    # nothing, and at once: the socket is closed (the server went away
                    # or dropped us); waiting on would spin on it until the timeout
                    raise _dropped(account)
            return "timeout"
        finally:
            client.idle_done()
    finally:
        try:
            client.logout()
        except (OSError, IMAPClientError):
            with suppress(OSError):  # the connection is gone already
                client.shutdown()
