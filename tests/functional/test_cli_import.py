"""``agentconsole import`` through its real entry point, on each export format."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli import run
from tests.conftest import DEMO_MBOX
from tests.corpus import CorpusBuilder, write_maildir, write_mbox
from tests.mailfactory import mail

REQUIRED = {
    "messages_seen",
    "imported",
    "duplicates",
    "tickets_created",
    "followups",
    "auto_replies",
    "degraded",
    "quarantined",
}


def import_json(
    env: dict[str, str], *paths: Path | str, extra: tuple[str, ...] = ()
) -> dict[str, int]:
    result = run(env, "import", "--json", *extra, *map(str, paths))
    data: dict[str, int] = json.loads(result.stdout)
    assert REQUIRED <= set(data)
    return data


def count(env: dict[str, str], table: str) -> int:
    with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_mbox_import_twice_is_idempotent(cli_env: dict[str, str]) -> None:
    first = import_json(cli_env, DEMO_MBOX)
    assert first["imported"] == first["messages_seen"] > 300
    assert first["tickets_created"] > 100 and first["followups"] > 100
    assert first["auto_replies"] >= 1 and first["degraded"] >= 1 and first["quarantined"] >= 1
    events = count(cli_env, "events")
    second = import_json(cli_env, DEMO_MBOX)
    assert second["imported"] == 0 and second["duplicates"] == first["messages_seen"]
    assert count(cli_env, "messages") == first["imported"]
    assert count(cli_env, "events") == events


def test_maildir_eml_folder_and_single_eml(cli_env: dict[str, str], tmp_path: Path) -> None:
    maildir = tmp_path / "Maildir"
    write_maildir(maildir, list(CorpusBuilder(seed=3).corpus(threads=10, specials_every=0)))
    folder = tmp_path / "emls"
    folder.mkdir()
    (folder / "a.eml").write_bytes(mail(msgid="<eml-a@x>"))
    (folder / "b.eml").write_bytes(mail(msgid="<eml-b@x>", subject="second"))
    single = tmp_path / "one.eml"
    single.write_bytes(mail(msgid="<eml-c@x>", subject="third", sender="c@example.org"))
    data = import_json(cli_env, maildir, folder, single)
    assert data["imported"] == len(list((maildir / "cur").iterdir())) + 3


def test_gmail_takeout_labels_become_tags(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "All mail Including Spam and Trash.mbox"
    write_mbox(path, [mail(msgid="<g1@x>")], labels=True)
    import_json(cli_env, path)
    result = run(cli_env, "tickets", "tag:support", "--json")
    tickets = json.loads(result.stdout)["tickets"]
    assert len(tickets) == 1 and set(tickets[0]["tags"]) == {"support", "priority, vip"}


def test_dry_run_writes_nothing(cli_env: dict[str, str]) -> None:
    data = import_json(cli_env, DEMO_MBOX, extra=("--dry-run",))
    assert data["dry_run"] and data["imported"] > 300
    assert not Path(cli_env["AGENTCONSOLE_DB"]).exists()
    import_json(cli_env, DEMO_MBOX)
    before = count(cli_env, "messages")
    again = import_json(cli_env, DEMO_MBOX, extra=("--dry-run",))
    assert again["duplicates"] == again["messages_seen"] and count(cli_env, "messages") == before


def test_dry_run_over_part_of_the_mail_reports_the_rest_and_writes_nothing(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    messages = list(CorpusBuilder(seed=11).corpus(threads=12, specials_every=0))
    half, whole = tmp_path / "half.mbox", tmp_path / "whole.mbox"
    write_mbox(half, messages[: len(messages) // 2])
    total = write_mbox(whole, messages)
    stored = import_json(cli_env, half)["imported"]
    tables = ("messages", "tickets", "customers", "events")
    before = [count(cli_env, table) for table in tables]
    data = import_json(cli_env, whole, extra=("--dry-run",))
    assert data["dry_run"] and (data["imported"], data["duplicates"]) == (total - stored, stored)
    assert [count(cli_env, table) for table in tables] == before
    human = run(cli_env, "import", "--dry-run", str(whole)).stdout
    assert "Dry run: nothing was written" in human and "database:" not in human
    assert f"imported {total - stored:,}" in " ".join(human.replace("│", " ").split())
    assert [count(cli_env, table) for table in tables] == before


def test_paths_that_are_not_mail_are_refused_clearly(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    result = run(
        cli_env, "import", str(DEMO_MBOX), str(bad), str(tmp_path / "missing"), check=False
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {bad}: not a mailbox and not a mail message (an mbox starts with a 'From '"
        " line, a message with mail headers such as From:, Date: or Subject:)",
        f"error: {tmp_path / 'missing'}: no such file or folder",
        "error: nothing was imported; fix or leave out the paths above",
    ]
    assert not Path(cli_env["AGENTCONSOLE_DB"]).exists()


def test_progress_and_summary_for_people(cli_env: dict[str, str]) -> None:
    result = run(cli_env, "import", str(DEMO_MBOX))
    assert "Import finished" in result.stdout and "new tickets" in result.stdout


def committed(db: str) -> int:
    """Messages another process can see (committed), 0 while there is no store yet."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill_after_a_commit(env: dict[str, str], path: Path, already: int) -> int:
    """Start an import, wait until it has committed messages beyond ``already`` (read
    from another connection), kill it with its parse workers, and return the count."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "agentconsole", "import", "--json", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if committed(env["AGENTCONSOLE_DB"]) > already:
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return committed(env["AGENTCONSOLE_DB"])


@pytest.mark.slow
def test_killed_import_resumes_with_every_message_exactly_once(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "big.mbox"
    total = write_mbox(path, CorpusBuilder(seed=5).corpus(threads=1500, specials_every=0))
    first = kill_after_a_commit(cli_env, path, 0)
    assert 0 < first < total, f"killed with {first} of {total} messages committed"
    partial = kill_after_a_commit(cli_env, path, first)  # a resumed import, killed again
    assert first < partial < total, f"killed with {partial} of {total} messages committed"
    data = import_json(cli_env, path)
    assert (data["imported"], data["duplicates"]) == (total - partial, partial)
    assert count(cli_env, "messages") == total
    clean_env = {**cli_env, "AGENTCONSOLE_DB": str(tmp_path / "clean.db")}
    import_json(clean_env, path)
    shape = (
        "SELECT t.subject, count(m.id) FROM tickets t JOIN messages m ON m.ticket_id = t.id"
        " GROUP BY t.id ORDER BY t.id"
    )
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        fts = conn.execute("SELECT count(*) FROM message_fts").fetchone()[0]
        quarantined = conn.execute(
            "SELECT count(*) FROM messages WHERE status='quarantined'"
        ).fetchone()[0]
        dupes = conn.execute(
            "SELECT count(*) FROM (SELECT message_id FROM messages"
            " WHERE message_id IS NOT NULL GROUP BY message_id HAVING count(*) > 1)"
        ).fetchone()[0]
        resumed_tickets = conn.execute(shape).fetchall()
    with sqlite3.connect(clean_env["AGENTCONSOLE_DB"]) as conn:
        clean_tickets = conn.execute(shape).fetchall()
    assert fts == total - quarantined and dupes == 0
    assert resumed_tickets == clean_tickets  # the same tickets as one uninterrupted import


def _processes_naming(text: str) -> list[int]:
    """Pids of the processes whose command line holds ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
def test_parse_workers_die_with_a_killed_import(cli_env: dict[str, str], tmp_path: Path) -> None:
    """``kill -9`` of the import alone (not its process group) left its parse workers
    waiting for ever on a pipe, holding the database open (newcomer trial)."""
    path = tmp_path / "orphans.mbox"
    write_mbox(path, CorpusBuilder(seed=6).corpus(threads=1500, specials_every=0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "agentconsole", "import", str(path)],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while committed(cli_env["AGENTCONSOLE_DB"]) == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(_processes_naming(str(path))) >= 2  # the import and its workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while _processes_naming(str(path)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _processes_naming(str(path)) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
