"""A real, private Dovecot IMAP server for the tests (issue 8), started and stopped here.

Each :class:`Dovecot` has its own config file (nothing from ``/etc/dovecot``), its own
folder (mail, sockets, state, log), one passwd-file user and a free port on 127.0.0.1.
When the tests run as root every Dovecot process runs as ``nobody``/``nogroup`` (so the
folder is made with ``tempfile.mkdtemp`` and mode 0755: pytest's ``tmp_path`` sits under
a 0700 folder ``nobody`` cannot enter). The master daemonises, so its output goes to a
file (a pipe would make the start wait forever); it is stopped by the pid in
``base_dir/master.pid``. A missing Dovecot raises: the tests fail, they never skip.
See /work/shared/TESTING.md, "Dovecot on loopback".
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from imapclient import IMAPClient

from tests.smtpserver import free_port

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
START_SECONDS = 20.0
"""How long the master may take to listen (or to exit when stopped)."""


def _running(pid: int) -> bool:
    """Whether process ``pid`` still runs. A zombie does not: the daemonised master's
    parent is init, which may reap it seconds after it exited, and until then
    ``kill(pid, 0)`` still succeeds."""
    if not Path("/proc/self/stat").exists():  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


class DovecotError(RuntimeError):
    """Dovecot is missing, did not start, or a doveadm command failed."""


def _run_as() -> tuple[str, str, list[str]]:
    """(user, group, command prefix) the Dovecot processes run as."""
    if os.geteuid() == 0:
        return "nobody", "nogroup", ["runuser", "-u", "nobody", "--"]
    import grp
    import pwd

    user = pwd.getpwuid(os.geteuid()).pw_name
    return user, grp.getgrgid(os.getegid()).gr_name, []


def _config(root: Path, port: int, user: str, group: str, mechanisms: str) -> str:
    return f"""# written by tests/dovecot.py: a private Dovecot for one test
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""


class Dovecot:
    """One private Dovecot with one user; ``start()`` it, ``stop()`` it.

    ``mechanisms`` is what it offers for login (``plain login`` by default; ``login``
    alone makes a server without AUTH=PLAIN); ``extra`` is appended to the config
    (``imap_capability = ...`` makes a server without IDLE)."""

    host = "127.0.0.1"

    def __init__(
        self,
        user: str = "support@okwallet.example",
        password: str = "dovecot-test-secret",
        *,
        mechanisms: str = "plain login",
        extra: str = "",
    ) -> None:
        if not (Path(DOVECOT).exists() and Path(DOVEADM).exists()):
            raise DovecotError(
                "Dovecot is not installed: apt-get install dovecot-core dovecot-imapd"
                " (./dev test does it when run as root)"
            )
        self.user = user
        self.password = password
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="agentconsole-dovecot-"))
        self.root.chmod(0o755)
        self._os_user, self._os_group, self._prefix = _run_as()
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            _config(self.root, self.port, self._os_user, self._os_group, mechanisms) + extra
        )
        (self.root / "users").write_text(f"{user}:{{PLAIN}}{password}::::::\n", "utf-8")
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir()
        if self._prefix:
            shutil.chown(self.root, self._os_user, self._os_group)
            for path in self.root.rglob("*"):
                shutil.chown(path, self._os_user, self._os_group)

    @property
    def maildir(self) -> Path:
        """The user's Maildir on disk (Maildir++: ``.Sent`` and so on for folders)."""
        return self.root / "mail" / self.user / "Maildir"

    @property
    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text("utf-8", "replace") if path.exists() else ""

    def start(self) -> Dovecot:
        """Start the master and wait until the IMAP port accepts connections and the
        master's pid file is written (on a loaded machine the port can answer first,
        and a stop without the pid would leave the server running)."""
        with open(self.root / "master.out", "wb") as out:
            started = subprocess.run(
                [*self._prefix, DOVECOT, "-c", str(self.config)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=START_SECONDS,
                check=False,
            )
        if started.returncode != 0:
            output = (self.root / "master.out").read_text("utf-8", "replace")
            raise DovecotError(f"dovecot did not start ({started.returncode}): {output}")
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    pass
                if self._pid() is not None:
                    return self
                time.sleep(0.01)
            except OSError:
                time.sleep(0.01)
        self.stop()
        raise DovecotError(f"dovecot did not listen on {self.port}: {self.log}")

    def _pid(self) -> int | None:
        try:
            return int((self.root / "run" / "master.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Kill the master and its children by the master's pid (they are its process
        group: it daemonises with setsid), wait for it to exit, and delete the folder.

        SIGKILL, not SIGTERM: a terminated master waits a second for its log process
        (six when it is stopped while still starting its services), and the folder is
        deleted anyway. Clients see their connection closed either way."""
        pid = self._pid()
        if pid is not None:
            try:
                if os.getpgid(pid) == pid:
                    os.killpg(pid, signal.SIGKILL)
                else:
                    os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pid = None
        deadline = time.monotonic() + START_SECONDS
        while pid is not None and _running(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        shutil.rmtree(self.root, ignore_errors=True)

    def doveadm(self, *args: str, ok: tuple[int, ...] = (0,)) -> str:
        """Run ``doveadm -c CONFIG ARGS`` (as the Dovecot user); its output, or raise
        when the exit code is not one of ``ok``."""
        result = subprocess.run(
            [*self._prefix, DOVEADM, "-c", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode not in ok:
            raise DovecotError(
                f"doveadm {' '.join(args)}: exit {result.returncode}: {result.stderr}"
            )
        return result.stdout

    def kick(self) -> str:
        """Drop every connection of the user (the server going away under a client);
        doveadm's report of who it kicked (empty when nobody was connected: exit 68)."""
        return self.doveadm("kick", self.user, ok=(0, 68))

    def connect(self) -> IMAPClient:
        """A logged-in IMAPClient (the test's own, not the code under test)."""
        imap = IMAPClient(self.host, self.port, ssl=False, timeout=30)
        imap.plain_login(self.user, self.password)
        return imap

    def create_folder(self, name: str) -> None:
        """Create folder ``name`` (``/`` separates levels)."""
        with self.connect() as imap:
            imap.create_folder(name)

    def delete_folder(self, name: str) -> None:
        with self.connect() as imap:
            imap.delete_folder(name)

    def deliver(
        self, folder: str, raw: bytes, flags: Sequence[str] = (), when: dt.datetime | None = None
    ) -> int:
        """APPEND ``raw`` to ``folder`` (created if missing); the new message's UID.
        ``when`` is its arrival time on the server (INTERNALDATE; default now)."""
        return self.deliver_many(folder, [raw], flags, when)[0]

    def deliver_many(
        self,
        folder: str,
        raws: Iterable[bytes],
        flags: Sequence[str] = (),
        when: dt.datetime | None = None,
    ) -> list[int]:
        """APPEND each message over one connection; their UIDs in order."""
        with self.connect() as imap:
            if not imap.folder_exists(folder):
                imap.create_folder(folder)
            uids: list[int] = []
            for raw in raws:
                said = imap.append(folder, raw, flags=tuple(flags), msg_time=when).decode()
                found = re.search(r"APPENDUID \d+ (\d+)", said)
                if found is None:
                    raise DovecotError(f"APPEND to {folder} gave no APPENDUID: {said}")
                uids.append(int(found.group(1)))
            return uids

    def uidvalidity(self, folder: str) -> int:
        """The folder's UIDVALIDITY, as the server reports it."""
        with self.connect() as imap:
            return int(imap.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])

    def set_uidvalidity(self, folder: str, value: int) -> None:
        """Give the folder a new UIDVALIDITY (clients must forget its UIDs)."""
        self.doveadm("mailbox", "update", "--uid-validity", str(value), "-u", self.user, folder)

    def flags(self, folder: str) -> dict[int, tuple[str, ...]]:
        """Every message's flags by UID but ``\\Recent`` (to check that a client left
        them alone)."""
        with self.connect() as imap:
            imap.select_folder(folder, readonly=True)
            uids = imap.search("ALL")
            fetched = imap.fetch(uids, ["FLAGS"]) if uids else {}
            # \\Recent says which session saw it first: not the message's state
            return {
                int(uid): tuple(sorted({f.decode() for f in data[b"FLAGS"]} - {"\\Recent"}))
                for uid, data in fetched.items()
            }

    def folders(self) -> list[str]:
        with self.connect() as imap:
            return sorted(name for _flags, _sep, name in imap.list_folders())
