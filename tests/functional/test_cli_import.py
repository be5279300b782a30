"""``agentconsole import`` through its real entry point, on each export format."""

from __future__ import annotations

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


def test_paths_that_are_not_mail_are_refused_clearly(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    result = run(
        cli_env, "import", str(DEMO_MBOX), str(bad), str(tmp_path / "missing"), check=False
    )
    assert result.returncode == 2
    assert "photo.jpg: not a mailbox" in result.stderr
    assert "missing: no such file" in result.stderr
    assert not Path(cli_env["AGENTCONSOLE_DB"]).exists()


def test_progress_and_summary_for_people(cli_env: dict[str, str]) -> None:
    result = run(cli_env, "import", str(DEMO_MBOX))
    assert "Import finished" in result.stdout and "new tickets" in result.stdout


@pytest.mark.slow
def test_killed_import_resumes_with_every_message_exactly_once(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "big.mbox"
    total = write_mbox(path, CorpusBuilder(seed=5).corpus(threads=3000, specials_every=0))
    for delay in (0.8, 1.6):
        proc = subprocess.Popen(
            [sys.executable, "-m", "agentconsole", "import", "--json", str(path)],
            env=cli_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    partial = count(cli_env, "messages") if Path(cli_env["AGENTCONSOLE_DB"]).exists() else 0
    assert partial < total, "the import finished before it was killed: make the corpus larger"
    data = import_json(cli_env, path)
    assert count(cli_env, "messages") == total
    assert data["imported"] == total - partial
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        fts = conn.execute("SELECT count(*) FROM message_fts").fetchone()[0]
        quarantined = conn.execute(
            "SELECT count(*) FROM messages WHERE status='quarantined'"
        ).fetchone()[0]
        dupes = conn.execute(
            "SELECT count(*) FROM (SELECT message_id FROM messages"
            " WHERE message_id IS NOT NULL GROUP BY message_id HAVING count(*) > 1)"
        ).fetchone()[0]
    assert fts == total - quarantined and dupes == 0
