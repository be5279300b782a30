"""Sync speed: a first sync of 20,000 messages from a local Dovecot against
``agentconsole import`` of the same messages from a Maildir, and a sync with nothing new.

    python benchmarks/bench_sync.py [--messages 20000]

Needs Dovecot (``./dev test`` installs it; see tests/dovecot.py). The corpus Maildir is
copied into a private Dovecot's mailbox, so the server and the import read the same
files. Runs the real commands on fresh databases and prints messages per second and
peak memory (targets, issue 8: the sync at least as fast as the import, memory flat;
an incremental sync with nothing new under 1 s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, ROOT  # noqa: E402
from make_corpus import build  # noqa: E402

from tests.dovecot import Dovecot  # noqa: E402


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

        imported, wall, peak = agentconsole(
            dict(env, AGENTCONSOLE_DB=str(work / "import.db")), "import", "--json", str(maildir)
        )
        print(
            f"  import of the Maildir   {imported['messages_per_second']:7,.0f} msg/s"
            f"  ({wall:.1f} s wall, peak RSS so far {peak:.0f} MB)"
        )

        sync_env = dict(env, AGENTCONSOLE_DB=str(work / "sync.db"))
        add = ["account", "add", "--password-stdin", "--name", "bench"]
        add += ["--imap-host", server.host, "--imap-port", str(server.port)]
        add += ["--imap-security", "plain", "--user", server.user, "--smtp-host", "127.0.0.1"]
        add += ["--smtp-port", "2525", "--smtp-security", "plain"]
        add += ["--from-address", "support@okwallet.example"]
        agentconsole(sync_env, *add, stdin=server.password)
        synced, wall, peak = agentconsole(sync_env, "sync", "--json")
        [report] = synced["accounts"]  # type: ignore[misc]
        print(
            f"  first sync over IMAP    {report['messages_per_second']:7,.0f} msg/s"
            f"  ({wall:.1f} s wall, peak RSS so far {peak:.0f} MB)"
            "  [target: at least the import's rate]"
        )
        _again, wall, _peak = agentconsole(sync_env, "sync", "--json")
        _none, start_up, _peak = agentconsole(sync_env, "--version")
        print(
            f"  sync with nothing new   {wall:7.2f} s wall, {wall - start_up:.2f} s after"
            f" the interpreter's start ({start_up:.2f} s)  [target < 1 s]"
        )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
