"""Logging in to an account's SMTP and IMAP servers, with failures a person can act on.

``account test`` and outbox delivery both connect here, so both say the same thing when
it goes wrong: the name does not resolve (DNS), nothing listens (connection refused),
no answer (timeout), the TLS handshake or certificate failed, the login was refused, or
the server lacks something we need (STARTTLS, a login method we know). Each is a
:class:`ServerError` with a ``kind`` and one line of text; the server's own words are
included made safe for a terminal, and the password is never part of any message.
"""

from __future__ import annotations

import base64
import imaplib
import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

from agentconsole.store.accounts import Account
from agentconsole.textsafe import safe_line

TIMEOUT_SECONDS = 30.0
"""How long to wait for a server before calling it unreachable."""


class ServerError(Exception):
    """A connection or login that failed; ``kind`` is dns, refused, timeout, tls,
    auth, capability or protocol, ``str()`` the line to show."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _said(reply: bytes | str, password: str | None) -> str:
    """A server reply as one safe line, with the password blanked should it appear."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    if password:
        text = text.replace(password, "***")
    return safe_line(text, 200)


def network_error(
    exc: BaseException, protocol: str, host: str, port: int, timeout: float
) -> ServerError:
    """The :class:`ServerError` for a failure to reach or talk to ``host:port``."""
    where = f"{protocol} server {host}:{port}"
    if isinstance(exc, socket.gaierror):
        return ServerError("dns", f"DNS: cannot resolve the {protocol} host {host!r}")
    if isinstance(exc, ConnectionRefusedError):
        return ServerError("refused", f"connection refused by the {where} (nothing listens)")
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        # smtplib turns a reply that never came into SMTPServerDisconnected, raised
        # while handling the timeout
        return ServerError("timeout", f"no answer from the {where} within {timeout:g} s")
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or exc.reason or "certificate not trusted"
        return ServerError("tls", f"TLS: the {where} certificate is not valid ({reason})")
    if isinstance(exc, ssl.SSLError):
        reason = exc.reason or type(exc).__name__
        return ServerError("tls", f"TLS handshake with the {where} failed ({reason})")
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | EOFError):
        return ServerError("refused", f"the {where} closed the connection")
    if isinstance(exc, smtplib.SMTPConnectError):
        return ServerError("refused", f"the {where} refused us: {exc.smtp_code}")
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
    return ServerError("protocol", f"cannot talk to the {where}: {detail}")


def _context() -> ssl.SSLContext:
    return ssl.create_default_context()


@contextmanager
def smtp_session(
    account: Account,
    password: str | None,
    *,
    timeout: float = TIMEOUT_SECONDS,
) -> Iterator[smtplib.SMTP]:
    """A logged-in SMTP session (TLS or STARTTLS as the account says), closed after.

    Logs in with AUTH when the server offers it and the account has an SMTP login
    name; a server without AUTH gets the mail unauthenticated (a relay that trusts
    this machine), as does an account set up with no SMTP login. ``account test`` and
    delivery both connect here, so they agree; the caller sees which happened in
    ``has_extn("auth")``."""
    host, port = account.smtp_host, account.smtp_port
    local = socket.gethostname() or "localhost"
    smtp: smtplib.SMTP | None = None
    try:
        if account.smtp_security == "tls":
            smtp = smtplib.SMTP_SSL(
                host, port, local_hostname=local, timeout=timeout, context=_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, local_hostname=local, timeout=timeout)
        smtp.ehlo()
        if account.smtp_security == "starttls":
            if not smtp.has_extn("starttls"):
                raise ServerError(
                    "capability", f"the SMTP server {host}:{port} does not offer STARTTLS"
                )
            smtp.starttls(context=_context())
            smtp.ehlo()
        if smtp.has_extn("auth") and password is not None and account.smtp_user:
            _smtp_login(smtp, account.smtp_user, password)
    except ServerError:
        _close(smtp)
        raise
    except smtplib.SMTPAuthenticationError as exc:
        _close(smtp)
        raise ServerError(
            "auth",
            f"SMTP login refused for {account.smtp_user!r}: {exc.smtp_code}"
            f" {_said(exc.smtp_error, password)}",
        ) from None
    except smtplib.SMTPNotSupportedError:
        _close(smtp)
        raise ServerError(
            "capability", f"the SMTP server {host}:{port} offers no login method we know"
        ) from None
    except smtplib.SMTPResponseException as exc:
        _close(smtp)
        raise ServerError(
            "protocol",
            f"the SMTP server {host}:{port} answered {exc.smtp_code}"
            f" {_said(exc.smtp_error, password)}",
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        _close(smtp)
        raise network_error(exc, "SMTP", host, port, timeout) from None
    try:
        yield smtp
    finally:
        _close(smtp)


def _plain(user: str, password: str) -> bytes:
    """An RFC 4616 PLAIN response: UTF-8, so a password beyond ASCII works too."""
    return b"\0" + user.encode() + b"\0" + password.encode()


def _smtp_login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; smtplib encodes credentials as ASCII, so PLAIN is sent by hand (UTF-8)
    when the server offers it, and smtplib's own choice is used otherwise."""
    methods = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" in methods:
        code, reply = smtp.docmd(
            "AUTH", "PLAIN " + base64.b64encode(_plain(user, password)).decode()
        )
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)
        return
    try:
        smtp.login(user, password)
    except UnicodeEncodeError:
        raise ServerError(
            "auth",
            "the password has non-ASCII characters and the SMTP server offers no PLAIN login",
        ) from None


def _close(smtp: smtplib.SMTP | None) -> None:
    """Say QUIT if the server still listens; a dead connection is simply dropped."""
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def imap_login(account: Account, password: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
    """Log in to the account's IMAP server and out again; ServerError on failure."""
    host, port = account.imap_host, account.imap_port
    imap: imaplib.IMAP4 | None = None
    try:
        if account.imap_security == "tls":
            imap = imaplib.IMAP4_SSL(host, port, ssl_context=_context(), timeout=timeout)
        else:
            imap = imaplib.IMAP4(host, port, timeout=timeout)
        if account.imap_security == "starttls":
            if "STARTTLS" not in imap.capabilities:
                raise ServerError(
                    "capability", f"the IMAP server {host}:{port} does not offer STARTTLS"
                )
            imap.starttls(_context())
        if "LOGINDISABLED" in imap.capabilities:
            raise ServerError(
                "capability", f"the IMAP server {host}:{port} does not allow LOGIN here"
            )
        if "AUTH=PLAIN" in imap.capabilities:
            imap.authenticate("PLAIN", lambda _challenge: _plain(account.user, password))
        else:
            imap.login(account.user, password)
    except ServerError:
        raise
    except imaplib.IMAP4.abort as exc:
        raise ServerError(
            "protocol", f"the IMAP server {host}:{port} broke off: {_said(str(exc), password)}"
        ) from None
    except imaplib.IMAP4.error as exc:
        raise ServerError(
            "auth", f"IMAP login refused for {account.user!r}: {_said(str(exc), password)}"
        ) from None
    except UnicodeEncodeError:
        raise ServerError(
            "auth",
            "the password has non-ASCII characters and the IMAP server offers no PLAIN login",
        ) from None
    except OSError as exc:
        raise network_error(exc, "IMAP", host, port, timeout) from None
    finally:
        if imap is not None:
            try:
                imap.logout()
            except (OSError, imaplib.IMAP4.error):
                imap.shutdown()
