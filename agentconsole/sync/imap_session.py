"""One IMAP connection for a sync, which reconnects with backoff when the server drops it.

Every command of a sync goes through :meth:`ImapSession.call`: when the connection
breaks (the server restarted, ``doveadm kick``, a network blip) it logs in again after
a pause that doubles each time, opens the same folder read-only again, checks that the
folder's UIDVALIDITY did not change, and repeats the command. Only when
:attr:`Backoff.attempts` tries in a row failed does the sync give up, with one line
saying why. Folders are always opened with EXAMINE (read-only), so nothing a sync does
can change a flag: mail read in webmail stays read, unread mail stays unread.
"""

from __future__ import annotations

import imaplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from agentconsole.store.accounts import Account
from agentconsole.sync.servers import ServerError, network_error
from agentconsole.textsafe import safe_line

T = TypeVar("T")

TIMEOUT_SECONDS = 60.0
"""How long one command may wait for the server before the connection counts as lost."""


@dataclass(frozen=True)
class Backoff:
    """How often and how patiently a lost connection is tried again."""

    attempts: int = 6
    first_pause: float = 0.5
    longest_pause: float = 30.0

    def pauses(self) -> list[float]:
        """The pause before each new attempt: 0.5, 1, 2, 4 ... seconds, capped."""
        return [min(self.first_pause * 2**n, self.longest_pause) for n in range(self.attempts - 1)]


class UidValidityChanged(Exception):
    """The folder's UIDVALIDITY changed while it was being read: its UIDs name other
    messages now, so the sync reads the folder again from the start."""

    def __init__(self, folder: str, old: int, new: int) -> None:
        super().__init__(f"{folder}: UIDVALIDITY changed from {old} to {new}")
        self.folder = folder


_LOST = (imaplib.IMAP4.abort, OSError, EOFError, socket.timeout)


def _context() -> ssl.SSLContext:
    return ssl.create_default_context()


def open_client(account: Account, password: str, *, timeout: float = TIMEOUT_SECONDS) -> IMAPClient:
    """A logged-in IMAPClient for the account; :class:`ServerError` when it cannot be."""
    host, port = account.imap_host, account.imap_port
    client: IMAPClient | None = None
    try:
        client = IMAPClient(
            host,
            port,
            ssl=account.imap_security == "tls",
            ssl_context=_context() if account.imap_security == "tls" else None,
            timeout=timeout,
        )
        if account.imap_security == "starttls":
            client.starttls(_context())
        if b"AUTH=PLAIN" in client.capabilities():
            client.plain_login(account.user, password)
        else:
            client.login(account.user, password)
        return client
    except LoginError:
        drop_client(client)
        raise ServerError("auth", f"IMAP login refused for {account.user!r}") from None
    except UnicodeEncodeError:
        drop_client(client)
        raise ServerError(
            "auth",
            "the password has non-ASCII characters and the IMAP server offers no PLAIN login",
        ) from None
    except IMAPClientError as exc:
        drop_client(client)
        said = safe_line(str(exc).replace(password, "***"), 200)
        raise ServerError("protocol", f"the IMAP server {host}:{port} answered: {said}") from None
    except OSError as exc:
        drop_client(client)
        raise network_error(exc, "IMAP", host, port, timeout) from None


def drop_client(client: IMAPClient | None) -> None:
    """Close the connection without a word to the server (it may be gone already)."""
    if client is None:
        return
    try:
        client.shutdown()
    except (OSError, IMAPClientError):
        return


class ImapSession:
    """A sync's connection: reconnects, re-examines the open folder, retries."""

    def __init__(
        self,
        account: Account,
        password: str,
        *,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.account = account
        self._password = password
        self.backoff = backoff or Backoff()
        self._sleep = sleep
        self._client: IMAPClient | None = None
        self._folder: str | None = None
        self._uidvalidity = 0
        self.reconnects = 0
        """How many times the connection was lost and made again (the summary says)."""

    def _connect(self) -> IMAPClient:
        client = open_client(self.account, self._password)
        if self._folder is not None:
            status = client.select_folder(self._folder, readonly=True)
            uidvalidity = int(status[b"UIDVALIDITY"])
            if uidvalidity != self._uidvalidity:
                folder, old = self._folder, self._uidvalidity
                self._folder = None
                drop_client(client)
                raise UidValidityChanged(folder, old, uidvalidity)
        return client

    def call(self, command: Callable[[IMAPClient], T]) -> T:
        """Run ``command`` on the connection; reconnect and repeat it when the
        connection is lost, up to the backoff's attempts."""
        pauses = self.backoff.pauses()
        while True:
            try:
                if self._client is None:
                    self._client = self._connect()
                return command(self._client)
            except _LOST as exc:
                drop_client(self._client)
                self._client = None
                if not pauses:
                    raise self._gave_up(exc) from None
                self.reconnects += 1
                self._sleep(pauses.pop(0))
            except ServerError as exc:
                # a server that refuses the first connection is misconfigured, not lost
                retry = self.reconnects and exc.kind in ("refused", "timeout", "dns")
                if not retry or not pauses:
                    raise
                self._sleep(pauses.pop(0))

    def _gave_up(self, exc: BaseException) -> ServerError:
        host, port = self.account.imap_host, self.account.imap_port
        lost = network_error(exc, "IMAP", host, port, TIMEOUT_SECONDS)
        return ServerError(lost.kind, f"{lost} (gave up after {self.backoff.attempts} attempts)")

    def examine(self, folder: str) -> tuple[int, int]:
        """Open ``folder`` read-only; its (UIDVALIDITY, UIDNEXT)."""

        def run(client: IMAPClient) -> tuple[int, int]:
            status = client.select_folder(folder, readonly=True)
            return int(status[b"UIDVALIDITY"]), int(status.get(b"UIDNEXT", 0))

        self._folder = None  # a reconnect inside this call must not check the old folder
        uidvalidity, uidnext = self.call(run)
        self._folder, self._uidvalidity = folder, uidvalidity
        return uidvalidity, uidnext

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.logout()
            except (*_LOST, IMAPClientError):
                drop_client(self._client)
            self._client = None
