"""Sync speed: a first sync of 20,000 messages from a local Dovecot against
``agentconsole import`` of the same messages from a Maildir, a sync with nothing new,
and how soon a delivered message is in the store with IDLE.

    python benchmarks/bench_sync.py [--messages 20000]

Needs Dovecot (``./dev test`` installs it; see tests/dovecot.py). The corpus Maildir is
copied into a private Dovecot's mailbox, so the server and the import read the same
files. Runs the real commands on fresh databases and prints messages per second and
peak memory (targets, issue 8: the sync at least as fast as the import, memory flat;
an incremental sync with nothing new under 1 s; a new message in the queue within 5 s
of delivery with IDLE). The machine may be shared: CPU seconds are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, ROOT  # noqa: E402
from make_corpus import build  # noqa: E402

from agentconsole.config import load_config  # noqa: E402
from agentconsole.store import open_db  # noqa: E402
from agentconsole.store.accounts import list_accounts  # noqa: E402
from agentconsole.sync.imap_session import ImapSession  # noqa: E402
from agentconsole.sync.imap_sync import sync_account  # noqa: E402
from agentconsole.sync.imap_watch import watch_folder  # noqa: E402
from agentconsole.sync.round import run_round  # noqa: E402
from tests.dovecot import Dovecot  # noqa: E402

DELIVERIES = 7
"""Messages delivered one by one for the IDLE figure (its median)."""


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def nothing_new_in_process(db: Path, server: Dovecot, config_path: Path) -> None:
    """The sync with nothing new as the console's round runs it: no interpreter start."""
    conn = open_db(db).conn
    [account] = list_accounts(conn)
    config = load_config(config_path)
    walls, cpus = [], []
    for _ in range(5):
        session = ImapSession(account, server.password)
        started, cpu = time.monotonic(), own_cpu()
        report = sync_account(conn, session, config)
        walls.append(time.monotonic() - started)
        cpus.append(own_cpu() - cpu)
        session.close()
        assert report.summary.imported == 0
    rounds = []
    for _ in range(5):
        started = time.monotonic()
        result = run_round(conn, account, config, password=server.password)
        rounds.append(time.monotonic() - started)
        assert (result.new_messages, result.error) == (0, ""), result
    conn.close()
    print(
        f"  nothing new, in process  mail folders {statistics.median(walls) * 1000:5.0f} ms"
        f" wall ({statistics.median(cpus) * 1000:.0f} ms CPU); a whole console round"
        f" (mail, team log, outbox) {statistics.median(rounds) * 1000:.0f} ms  [median of 5]"
    )


def server_examine(server: Dovecot) -> None:
    """Dovecot's own time to open the folder read-only, with no client of ours: every
    round and every IDLE wake-up waits for it (a Maildir of 20,000 files is rescanned)."""
    imap = server.connect()
    figures = []
    for _ in range(3):
        started = time.monotonic()
        imap.select_folder("INBOX", readonly=True)
        figures.append(time.monotonic() - started)
        imap.unselect_folder()
    imap.logout()
    print(
        f"  the server alone        EXAMINE INBOX {statistics.median(figures) * 1000:5.0f} ms"
        " (median of 3): Dovecot's share of each figure below"
    )


def idle_delivery(db: Path, server: Dovecot, config_path: Path) -> None:
    """Deliver messages one at a time while IDLE is held, as the console does: the
    watch reports the new mail, a round stores it; seconds from APPEND to the row."""
    conn = open_db(db).conn
    [account] = list_accounts(conn)
    config = load_config(config_path)
    arrived, held, stop = threading.Event(), threading.Event(), threading.Event()
    watch = threading.Thread(
        target=watch_folder,
        args=(account, server.password, "INBOX", arrived.set, stop),
        kwargs={"on_held": held.set},
    )
    watch.start()
    figures = []
    try:
        if not held.wait(30):
            raise RuntimeError("the IDLE watch did not start")
        for n in range(DELIVERIES):
            arrived.clear()
            before = stored(conn)
            started = time.monotonic()
            server.deliver("INBOX", idle_mail(n))
            if not arrived.wait(10):
                raise RuntimeError("IDLE reported nothing within 10 s")
            run_round(conn, account, config, password=server.password)
            if stored(conn) != before + 1:
                raise RuntimeError("the delivered message was not stored")
            figures.append(time.monotonic() - started)
    finally:
        stop.set()
        watch.join()
        conn.close()
    print(
        f"  delivery -> visible in the queue (store) with IDLE"
        f"  {statistics.median(figures):.2f} s median of {len(figures)}"
        f" (max {max(figures):.2f} s)  [target < 5 s]"
    )


def stored(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])


def idle_mail(n: int) -> bytes:
    return (
        f"From: Idle Customer {n} <idle{n}@example.org>\r\nTo: support@okwallet.example\r\n"
        f"Subject: Card declined {n}\r\nMessage-ID: <idle-{n}-{time.time_ns()}@example.org>\r\n"
        f"Date: {formatdate()}\r\n\r\nMy card was declined at the till.\r\n"
    ).encode()


def agentconsole(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> tuple[dict[str, object], float, float]:
    """Run ``agentconsole ARGS``; its JSON output, wall seconds and peak RSS (MB) so far."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "agentconsole", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    wall = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    data = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    return data, wall, peak


def load_mailbox(server: Dovecot, maildir: Path) -> int:
    """Copy the corpus into the server's INBOX and let Dovecot index it; the count."""
    target = server.maildir / "cur"
    target.mkdir(parents=True, exist_ok=True)
    for sub in ("new", "tmp"):
        (server.maildir / sub).mkdir(exist_ok=True)
    count = 0
    for entry in sorted((maildir / "cur").iterdir()):
        shutil.copyfile(entry, target / entry.name)
        count += 1
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "nobody:nogroup", str(server.root / "mail")], check=True)
    server.doveadm("mailbox", "status", "-u", server.user, "messages", "INBOX")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    _mbox, maildir = build(args.messages, OUT)
    server = Dovecot().start()
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        count = load_mailbox(server, maildir)
        env = dict(
            os.environ,
            AGENTCONSOLE_CONFIG=str(work / "config.toml"),
            PYTHON_KEYRING_BACKEND="tests.keyring_backend.JsonFileKeyring",
            AGENTCONSOLE_TEST_KEYRING=str(work / "keyring.json"),
            PYTHONPATH=str(ROOT),
        )
        (work / "config.toml").write_text('[sync]\nfolders = ["INBOX"]\n')
        print(f"sync benchmark: {count:,} messages in a local Dovecot, {os.cpu_count()} cores")

        cpu = children_cpu()
        imported, wall, peak = agentconsole(
            dict(env, AGENTCONSOLE_DB=str(work / "import.db")), "import", "--json", str(maildir)
        )
        import_cpu = children_cpu() - cpu
        print(
            f"  import of the Maildir   {imported['messages_per_second']:7,.0f} msg/s"
            f"  ({wall:.1f} s wall, {import_cpu:.1f} s CPU, peak RSS so far {peak:.0f} MB)"
        )

        sync_env = dict(env, AGENTCONSOLE_DB=str(work / "sync.db"))
        add = ["account", "add", "--password-stdin", "--name", "bench"]
        add += ["--imap-host", server.host, "--imap-port", str(server.port)]
        add += ["--imap-security", "plain", "--user", server.user, "--smtp-host", "127.0.0.1"]
        add += ["--smtp-port", "2525", "--smtp-security", "plain"]
        add += ["--from-address", "support@okwallet.example"]
        agentconsole(sync_env, *add, stdin=server.password)
        cpu = children_cpu()
        synced, wall, peak = agentconsole(sync_env, "sync", "--json")
        sync_cpu = children_cpu() - cpu
        report = cast(list[dict[str, float]], synced["accounts"])[0]
        print(
            f"  first sync over IMAP    {report['messages_per_second']:7,.0f} msg/s"
            f"  ({wall:.1f} s wall, {sync_cpu:.1f} s CPU, peak RSS so far {peak:.0f} MB)"
            "  [target: at least the import's rate]"
        )
        ratio = report["messages_per_second"] / cast(float, imported["messages_per_second"])
        print(
            f"  sync / import rate      {ratio:7.2f}x  (wall; CPU: import {import_cpu:.1f} s,"
            f" sync {sync_cpu:.1f} s plus the server's)"
        )
        cpu = children_cpu()
        _again, wall, _peak = agentconsole(sync_env, "sync", "--json")
        again_cpu = children_cpu() - cpu
        _none, start_up, _peak = agentconsole(sync_env, "--version")
        print(
            f"  sync with nothing new   {wall:7.2f} s wall ({again_cpu:.2f} s CPU),"
            f" {wall - start_up:.2f} s after the interpreter's start ({start_up:.2f} s)"
            "  [target < 1 s]"
        )
        server_examine(server)
        nothing_new_in_process(work / "sync.db", server, work / "config.toml")
        idle_delivery(work / "sync.db", server, work / "config.toml")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
