"""The Dovecot fixture itself: a real server the sync tests can trust."""

from __future__ import annotations

import socket
import time

import pytest
from imapclient import IMAPClient

from tests.conftest import DovecotFactory
from tests.dovecot import Dovecot

MAIL = b"From: ana@example.com\r\nSubject: hello\r\nMessage-ID: <m1@example.com>\r\n\r\nHi\r\n"


def test_deliver_folders_flags_and_uidvalidity(dovecot: Dovecot) -> None:
    assert dovecot.folders() == ["INBOX"]
    assert dovecot.deliver("INBOX", MAIL) == 1
    assert dovecot.deliver("INBOX", MAIL, flags=[r"\Seen"]) == 2
    assert dovecot.deliver_many("Sent", [MAIL, MAIL]) == [1, 2]
    dovecot.create_folder("AgentConsole/Events")
    assert dovecot.folders() == ["AgentConsole", "AgentConsole/Events", "INBOX", "Sent"]
    assert dovecot.flags("INBOX") == {1: (), 2: (r"\Seen",)}
    dovecot.set_uidvalidity("INBOX", 4242)
    assert dovecot.uidvalidity("INBOX") == 4242
    with dovecot.connect() as imap:
        sent = [f for f in imap.list_folders() if f[2] == "Sent"]
        assert sent[0][0] == (b"\\HasNoChildren", b"\\Sent")
        imap.select_folder("INBOX", readonly=True)
        assert imap.fetch([1], ["BODY.PEEK[]"])[1][b"BODY[]"] == MAIL


def test_kick_drops_the_connection(dovecot: Dovecot) -> None:
    imap = dovecot.connect()
    imap.select_folder("INBOX")
    assert dovecot.kick().startswith(f"{dovecot.user} kicked connections")
    # doveadm signals the user's imap process and returns: a command sent at once may
    # still be answered before the process ends, so ask until the connection is gone
    deadline = time.monotonic() + 10
    with pytest.raises((IMAPClient.AbortError, OSError)):
        while time.monotonic() < deadline:
            imap.noop()
            time.sleep(0.05)
    assert dovecot.kick() == "no users kicked\n"


def test_stop_by_pid_frees_the_port_and_the_folder(dovecot_factory: DovecotFactory) -> None:
    server = dovecot_factory(user="x@example.com", password="pw")
    root, port = server.root, server.port
    assert (root / "run" / "master.pid").exists()
    server.stop()
    assert not root.exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
