"""Imports under faults, through the real entry point: a parse worker killed mid-way,
a 50 MB attachment, and an agent writing while an import runs."""

from __future__ import annotations

import base64
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from agentconsole.service import ConsoleService
from tests.corpus import CorpusBuilder, write_mbox
from tests.mailfactory import make_config

pytestmark = pytest.mark.slow


def _start_import(env: dict[str, str], path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "agentconsole", "import", "--json", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


def _peak_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _count(db: str, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_parse_worker_killed_mid_import_loses_nothing(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "big.mbox"
    total = write_mbox(path, CorpusBuilder(seed=7).corpus(threads=2500, specials_every=0))
    proc = _start_import(cli_env, path)
    victim = None
    deadline = time.monotonic() + 30
    while victim is None and time.monotonic() < deadline and proc.poll() is None:
        kids = _children(proc.pid)
        if kids and _count(cli_env["AGENTCONSOLE_DB"], "SELECT count(*) FROM messages") > 0:
            victim = kids[0]
            os.kill(victim, signal.SIGKILL)
        time.sleep(0.02)
    assert victim is not None, "no parse worker seen: the corpus is too small to run in a pool"
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert summary["messages_seen"] == total
    assert _count(cli_env["AGENTCONSOLE_DB"], "SELECT count(*) FROM messages") == total
    assert "Traceback" not in err


def test_a_50_mb_attachment_keeps_memory_flat(cli_env: dict[str, str], tmp_path: Path) -> None:
    payload = base64.encodebytes(os.urandom(50 * 1024 * 1024))
    head = (
        b"From: Li Lei <li@example.com>\nTo: support@example.com\n"
        b"Subject: statement scan\nMessage-ID: <big@example.com>\n"
        b"Date: Mon, 05 Oct 2026 10:00:00 +0800\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nThe scan is attached.\n"
        b"--b\nContent-Type: application/pdf; name=scan.pdf\n"
        b"Content-Transfer-Encoding: base64\n\n"
    )
    raw = head + payload + b"--b--\n"
    path = tmp_path / "big.eml"
    path.write_bytes(raw)
    del payload
    proc = _start_import(cli_env, path)
    peak_kb = 0
    while proc.poll() is None:
        # VmHWM is each process's own peak since exec (ru_maxrss would count the
        # test's memory too); the import's workers add theirs
        peaks = [_peak_kb(pid) for pid in [proc.pid, *_children(proc.pid)]]
        peak_kb = max(peak_kb, sum(peaks))
        time.sleep(0.01)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert json.loads(out)["imported"] == 1
    peak_mb = peak_kb / 1024
    assert peak_mb > 30, "the import ended before its memory was sampled"
    assert peak_mb < 200, f"peak RSS {peak_mb:.0f} MB importing a 50 MB attachment"
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        compression, data = conn.execute("SELECT compression, data FROM raw_messages").fetchone()
    assert compression == "zlib"
    assert zlib.decompress(data) == raw, "the raw message was not kept byte for byte"


def test_an_agent_change_commits_quickly_while_an_import_runs(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "big.mbox"
    write_mbox(path, CorpusBuilder(seed=9).corpus(threads=3000, specials_every=0))
    db = cli_env["AGENTCONSOLE_DB"]
    proc = _start_import(cli_env, path)
    try:
        deadline = time.monotonic() + 60
        while _count(db, "SELECT count(*) FROM tickets") == 0:
            assert proc.poll() is None and time.monotonic() < deadline, "import ended too soon"
            time.sleep(0.05)
        service = ConsoleService(Path(db), make_config())
        service.load_policies()  # as the console does when it starts, in a worker
        service.is_empty()  # and its connection is open before the agent acts
        waits: list[float] = []
        for round_ in range(12):
            if proc.poll() is not None:
                break
            started = time.monotonic()
            service.change([1], "priority", "high" if round_ % 2 else "low")
            waits.append(time.monotonic() - started)
            time.sleep(0.1)
        assert proc.poll() is None, "the import ended before the agent's changes: enlarge it"
        assert len(waits) >= 6
        assert max(waits) < 0.2, f"commit waits (s): {[round(w, 3) for w in waits]}"
    finally:
        proc.wait(timeout=240)
    assert proc.returncode == 0
