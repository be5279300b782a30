"""A real SMTP server for tests: aiosmtpd's ``Controller`` on 127.0.0.1 at a free port.

The handler keeps every message it accepts (envelope and exact bytes) and answers DATA
with whatever the test sets (250, a 451 for a temporary failure, a 550 for a permanent
one). ``stop()`` makes the port refuse connections; ``start()`` brings it back on the
same port. With ``password`` set it offers AUTH (over plain text: loopback only) and
accepts only that login and password."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes


@dataclass
class Handler:
    """Records accepted mail; ``reply`` is what DATA answers (``250 OK`` by default),
    ``refused`` what it answers instead for mail to one of its recipients."""

    reply: str = "250 OK"
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refused: dict[str, str] = field(default_factory=dict)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        for rcpt in envelope.rcpt_tos:
            if rcpt in self.refused:
                return self.refused[rcpt]
        if self.reply.startswith("250"):
            data = envelope.original_content or b""
            with self.lock:
                self.received.append(
                    Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), bytes(data))
                )
        return self.reply


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """An aiosmtpd server on loopback that a test can stop and start again."""

    def __init__(
        self,
        *,
        user: str | None = None,
        password: str | None = None,
        tls: str | None = None,
        cert: tuple[Path, Path] | None = None,
    ) -> None:
        """``tls`` is None (plain text), ``"tls"`` (TLS from the first byte) or
        ``"starttls"``, with ``cert`` = (certificate, key) files."""
        self.tls = tls
        self.cert = cert
        self.port = free_port()
        self.handler = Handler()
        self.user = user
        self.password = password
        self.logins: list[str] = []
        self._controller: Controller | None = None

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.user
            and data.password.decode() == self.password
        )
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)

    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {}
        if self.password is not None:
            # aiosmtpd offers AUTH after STARTTLS only when asked to require TLS, and
            # does not count TLS from the first byte as TLS: loopback, so allow it.
            kwargs = {
                "authenticator": self._authenticate,
                "auth_require_tls": self.tls == "starttls",
            }
        if self.tls is not None and self.cert is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(self.cert[0]), str(self.cert[1]))
            kwargs["ssl_context" if self.tls == "tls" else "tls_context"] = context
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, made with openssl; point
    ``SSL_CERT_FILE`` at the certificate for a client to trust it."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
    )
    return cert, key
