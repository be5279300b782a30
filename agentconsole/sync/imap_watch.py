"""Waiting for new mail between two syncs: IMAP IDLE when the server offers it, else a
plain pause (polling).

``agentconsole sync --watch`` syncs, waits here (:func:`wait_for_mail`), and syncs
again. The console holds IDLE for as long as it runs (:func:`watch_folder`, one thread
per account) and starts a round each time the server reports new mail. With IDLE the
server tells us the moment a message lands in the watched folder (an ``EXISTS``
response), so new mail is in the store within seconds; a wait still ends from time to
time so that a silently dead connection is noticed (RFC 2177 asks clients to re-issue
IDLE at least every 29 minutes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import suppress

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from agentconsole.store.accounts import Account
from agentconsole.sync.imap_session import Backoff, drop_client, open_client
from agentconsole.sync.servers import ServerError

IDLE_SLICE = 30.0
"""The longest single wait for a server response inside IDLE."""
STOP_SLICE = 0.5
"""The longest single wait of the console's watch: how soon it sees that the console
quits (a thread blocked in a long wait would hold the quit)."""
RENEW_SECONDS = 25 * 60.0
"""The console's IDLE is ended and begun again this often (RFC 2177: under 29 min)."""
WATCH_BACKOFF = Backoff(attempts=99, first_pause=1.0, longest_pause=60.0)
"""A dropped watch is tried again after 1, 2, 4 ... 60 s (the rounds poll meanwhile)."""
RETRIED_KINDS = ("dns", "refused", "timeout", "protocol")
"""Failures that may pass by themselves; a refused login or TLS needs a person, and the
rounds say so."""
NO_IDLE = "no-idle"
STOPPED = "stopped"
GAVE_UP = "gave-up"


def _dropped(account: Account) -> ServerError:
    return ServerError(
        "refused", f"the IMAP server {account.imap_host}:{account.imap_port} closed the connection"
    )


def _new_mail(client: IMAPClient, account: Account, wait: float, early: float) -> bool:
    """One wait inside IDLE: True when the server reported a new message. Raises
    ServerError when the connection is closed (nothing said, and at once: waiting on
    would spin on the closed socket)."""
    started = time.monotonic()
    responses = client.idle_check(timeout=wait)
    for response in responses:
        if len(response) > 1 and response[1] in (b"EXISTS", b"RECENT"):
            return True
        if response and response[0] == b"BYE":
            raise _dropped(account)
    if not responses and time.monotonic() - started < wait - early:
        raise _dropped(account)
    return False


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except (OSError, IMAPClientError):
        with suppress(OSError):  # the connection is gone already
            client.shutdown()


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
                if _new_mail(client, account, min(left, IDLE_SLICE), 0.5):
                    return "new"
            return "timeout"
        finally:
            client.idle_done()
    finally:
        _close(client)


def _hold_idle(
    client: IMAPClient, account: Account, on_new: Callable[[], None], stop: threading.Event
) -> None:
    """IDLE until ``stop`` is set, calling ``on_new`` for each new message reported;
    IDLE is begun again every :data:`RENEW_SECONDS`."""
    while not stop.is_set():
        client.idle()
        renew_at = time.monotonic() + RENEW_SECONDS
        while not stop.is_set() and time.monotonic() < renew_at:
            if _new_mail(client, account, STOP_SLICE, STOP_SLICE / 2):
                on_new()
        if stop.is_set():
            return  # the caller drops the connection: no DONE, no wait on the server
        client.idle_done()
        client.noop()


def watch_folder(
    account: Account,
    password: str,
    folder: str,
    on_new: Callable[[], None],
    stop: threading.Event,
    *,
    on_held: Callable[[], None] = lambda: None,
    backoff: Backoff = WATCH_BACKOFF,
) -> str:
    """Hold IDLE on ``folder`` until ``stop`` is set, calling ``on_new`` (from this
    thread) each time the server reports a new message, and once after each reconnect
    (mail may have come while the connection was down). ``on_held`` is called each
    time IDLE is (re)established.

    A dropped connection is tried again after the backoff's pauses (reset once IDLE is
    held again). Returns :data:`STOPPED`, :data:`NO_IDLE` (the server does not offer
    IDLE: the caller polls) or :data:`GAVE_UP` (a failure that needs a person, or the
    backoff ran out); never raises for the server. Stops within
    :data:`STOP_SLICE` seconds of ``stop`` being set, without a word to the server."""
    pauses = backoff.pauses()
    reconnect = False
    while not stop.is_set():
        client: IMAPClient | None = None
        try:
            client = open_client(account, password)
            client.select_folder(folder, readonly=True)
            if b"IDLE" not in client.capabilities():
                _close(client)
                return NO_IDLE
            if reconnect:
                on_new()
            pauses = backoff.pauses()
            on_held()
            _hold_idle(client, account, on_new, stop)
        except ServerError as exc:
            if exc.kind not in RETRIED_KINDS:
                return GAVE_UP
        except (OSError, EOFError, IMAPClientError):
            pass  # lost: tried again below
        finally:
            drop_client(client)
        if stop.is_set():
            break
        if not pauses:
            return GAVE_UP
        reconnect = True
        stop.wait(pauses.pop(0))
    return STOPPED
