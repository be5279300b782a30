"""A very small IMAP server for the login test of ``account test`` (tests only).

It speaks just enough IMAP4rev1 on a loopback socket for a login: the greeting with
its capabilities, CAPABILITY, LOGIN, AUTHENTICATE PLAIN and LOGOUT. Dovecot (issue 8's
sync tests) replaces it once the sync work brings a Dovecot fixture."""

from __future__ import annotations

import base64
import socketserver
import threading

from tests.smtpserver import free_port


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say(f"* OK [CAPABILITY {self.server.capabilities}] test IMAP ready")
        while line := self.rfile.readline():
            tag, _, rest = line.decode("utf-8", "replace").rstrip("\r\n").partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self._say(f"* CAPABILITY {self.server.capabilities}")
                self._say(f"{tag} OK CAPABILITY completed")
            elif command == "AUTHENTICATE" and args.upper() == "PLAIN":
                self._say("+ ")
                answer = base64.b64decode(self.rfile.readline().strip())
                _, user, password = answer.split(b"\0")
                self._login(tag, user.decode(), password.decode())
            elif command == "LOGIN":
                user, _, password = args.partition(" ")
                self._login(tag, user.strip('"'), password.strip('"'))
            elif command == "LOGOUT":
                self._say("* BYE logging out")
                self._say(f"{tag} OK LOGOUT completed")
                return
            else:
                self._say(f"{tag} BAD unknown command")

    def _login(self, tag: str, user: str, password: str) -> None:
        if (user, password) == (self.server.user, self.server.password):
            self.server.logins.append(user)
            self._say(f"{tag} OK logged in")
        else:
            self._say(f"{tag} NO [AUTHENTICATIONFAILED] Authentication failed.")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    capabilities = "IMAP4rev1 AUTH=PLAIN"
    user = ""
    password = ""
    logins: list[str]


class ImapServer:
    """Accepts one user and password on 127.0.0.1 at a free port until stopped."""

    def __init__(self, user: str, password: str, capabilities: str = "IMAP4rev1 AUTH=PLAIN"):
        self.port = free_port()
        self._server = _Server(("127.0.0.1", self.port), _Session)
        self._server.user, self._server.password = user, password
        self._server.capabilities = capabilities
        self._server.logins = []
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def logins(self) -> list[str]:
        return list(self._server.logins)

    def start(self) -> ImapServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
