"""``agentconsole sync`` against a real Dovecot, through the real entry point."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentconsole.service import ConsoleService
from tests.cli import run
from tests.dovecot import Dovecot
from tests.keyring_backend import KEYRING_FILE_ENV
from tests.mailfactory import SUPPORT, mail, make_config


def customer_mail(n: int, **over: Any) -> bytes:
    """Message number ``n`` from its own customer (a ticket each)."""
    values: dict[str, Any] = {
        "sender": f"Customer {n} <c{n}@example.com>",
        "subject": f"Question number {n}",
        "body": f"Hello, this is question {n}.",
        "msgid": f"<q{n}@example.com>",
        "date": "Mon, 05 Oct 2026 10:00:00 +0800",
    }
    values.update(over)
    return mail(**values)


def reply_mail(n: int) -> bytes:
    """Our reply to message ``n``, as the Sent folder holds it."""
    return mail(
        sender=f"Support <{SUPPORT}>",
        to=f"c{n}@example.com",
        subject=f"Re: Question number {n}",
        body=f"Thanks for question {n}; here is the answer.",
        msgid=f"<r{n}@okwallet.example>",
        in_reply_to=f"<q{n}@example.com>",
        references=f"<q{n}@example.com>",
        date="Mon, 05 Oct 2026 11:00:00 +0800",
    )


def add_account(env: dict[str, str], server: Dovecot, smtp_port: int = 2525) -> None:
    """``agentconsole account add`` of account ``support`` for ``server`` (and an SMTP
    server on loopback at ``smtp_port``)."""
    args = {
        "--name": "support",
        "--imap-host": server.host,
        "--imap-port": str(server.port),
        "--imap-security": "plain",
        "--user": server.user,
        "--smtp-host": "127.0.0.1",
        "--smtp-port": str(smtp_port),
        "--smtp-security": "plain",
        "--from-address": SUPPORT,
    }
    command = [sys.executable, "-m", "agentconsole", "account", "add", "--password-stdin"]
    for flag, value in args.items():
        command += [flag, value]
    added = subprocess.run(
        command, env=env, input=server.password, capture_output=True, text=True, timeout=120
    )
    assert added.returncode == 0, added.stderr


@pytest.fixture
def keyring_env(
    cli_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The CLI's environment with the tests' file keyring."""
    env = dict(cli_env)
    env["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backend.JsonFileKeyring"
    env[KEYRING_FILE_ENV] = str(tmp_path_factory.mktemp("keyring") / "keyring.json")
    return env


@pytest.fixture
def sync_env(keyring_env: dict[str, str], dovecot: Dovecot) -> dict[str, str]:
    """The CLI's environment with an account ``support`` for the Dovecot (its password
    in the tests' file keyring)."""
    add_account(keyring_env, dovecot)
    return keyring_env


def sync(env: dict[str, str], *args: str) -> dict[str, Any]:
    """``agentconsole sync --json ARGS``: the one account's report."""
    result = run(env, "sync", "--json", *args)
    [report] = json.loads(result.stdout)["accounts"]
    assert isinstance(report, dict)
    return report


def folders(report: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Each folder's (messages fetched, checkpoint UID)."""
    return {f["folder"]: (f["fetched"], f["last_uid"]) for f in report["folders"]}


def stored_ids(env: dict[str, str]) -> list[str]:
    """The Message-ID of every stored message, sorted (a duplicate shows twice)."""
    with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
        return sorted(str(r[0]) for r in conn.execute("SELECT message_id FROM messages"))


def checkpoints(env: dict[str, str]) -> dict[str, tuple[int, int, int | None]]:
    with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
        rows = conn.execute(
            "SELECT folder, uidvalidity, last_uid, since_at FROM sync_checkpoints"
        ).fetchall()
    return {str(r[0]): (int(r[1]), int(r[2]), r[3]) for r in rows}


def test_first_then_incremental_sync(sync_env: dict[str, str], dovecot: Dovecot) -> None:
    dovecot.deliver_many("INBOX", [customer_mail(n) for n in range(1, 6)])
    dovecot.deliver_many("Sent", [reply_mail(1), reply_mail(2)])
    first = sync(sync_env)
    assert folders(first) == {"INBOX": (5, 5), "Sent": (2, 2)}
    assert (first["imported"], first["duplicates"], first["tickets_created"]) == (7, 0, 5)
    assert first["followups"] == 2  # the replies in Sent joined their tickets
    inbox_validity = dovecot.uidvalidity("INBOX")
    assert checkpoints(sync_env)["INBOX"] == (inbox_validity, 5, None)

    again = sync(sync_env)
    assert folders(again) == {"INBOX": (0, 5), "Sent": (0, 2)}
    assert again["imported"] == again["messages_seen"] == 0

    dovecot.deliver("INBOX", customer_mail(6))
    dovecot.deliver(
        "INBOX", customer_mail(3, msgid="<q3-again@example.com>", subject="Re: Question number 3")
    )
    third = sync(sync_env)
    assert folders(third) == {"INBOX": (2, 7), "Sent": (0, 2)}
    assert third["imported"] == 2
    ids = stored_ids(sync_env)
    assert ids == sorted(
        [f"q{n}@example.com" for n in range(1, 7)]
        + ["q3-again@example.com", "r1@okwallet.example", "r2@okwallet.example"]
    )


def test_sync_text_output(sync_env: dict[str, str], dovecot: Dovecot) -> None:
    dovecot.deliver_many("INBOX", [customer_mail(n) for n in range(1, 4)])
    result = run(sync_env, "sync")
    lines = result.stdout.splitlines()
    validity = dovecot.uidvalidity("INBOX")
    assert lines[0] == "Sync of support"
    assert lines[2].split() == ["INBOX", "3", "3", str(validity), "all"]
    assert lines[-1] == (
        "support: 3 new messages stored, 0 already stored, 3 new tickets, 0 follow-ups"
    )


def test_folders_from_the_config_and_the_command_line(
    sync_env: dict[str, str], dovecot: Dovecot
) -> None:
    dovecot.deliver("INBOX", customer_mail(1))
    dovecot.deliver("Sent", reply_mail(1))
    dovecot.deliver("Support/VIP", customer_mail(2))
    Path(sync_env["AGENTCONSOLE_CONFIG"]).write_text('[sync]\nfolders = ["Support/VIP"]\n')
    assert folders(sync(sync_env)) == {"Support/VIP": (1, 1)}
    assert folders(sync(sync_env, "--folder", "Sent")) == {"Sent": (1, 1)}
    Path(sync_env["AGENTCONSOLE_CONFIG"]).write_text('[sync]\nfolder = ["INBOX"]\n')
    typo = run(sync_env, "sync", check=False)
    assert (typo.returncode, typo.stderr.strip()) == (
        2,
        f"error: {sync_env['AGENTCONSOLE_CONFIG']}: unknown key 'folder' in [sync]"
        " (did you mean 'folders'?)",
    )


def test_unknown_folder_account_and_since_exit_2(
    sync_env: dict[str, str], dovecot: Dovecot
) -> None:
    missing = run(sync_env, "sync", "--folder", "Archive", check=False)
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        "error: support: no folder 'Archive' on the server (it has: INBOX)",
    )
    nobody = run(sync_env, "sync", "--account", "sales", check=False)
    assert (nobody.returncode, nobody.stderr.strip()) == (2, "error: no account named 'sales'")
    since = run(sync_env, "sync", "--since", "half a year", check=False)
    assert (since.returncode, since.stderr.strip()) == (
        2,
        "error: --since 'half a year': give days (180d), weeks (12w) or a date (2026-05-01)",
    )
    assert stored_ids(sync_env) == []


def test_the_team_log_folder_is_never_synced_as_mail(
    sync_env: dict[str, str], dovecot: Dovecot
) -> None:
    """Its events would become tickets, differently on each machine (newcomer trial)."""
    dovecot.create_folder("AgentConsole/Events")
    dovecot.deliver("AgentConsole/Events", customer_mail(1))
    for args in (("--folder", "AgentConsole/Events"), ("--folder", "AgentConsole")):
        refused = run(sync_env, "sync", *args, check=False)
        assert (refused.returncode, refused.stderr.strip()) == (
            2,
            f"error: support: {args[1]!r} holds the team's event log, not mail: it is read by"
            " the team log round of every sync; follow mail folders only (the server has: INBOX)",
        )
    missing = run(sync_env, "sync", "--folder", "Archive", check=False)
    assert missing.stderr.strip().endswith("(it has: INBOX)")
    assert stored_ids(sync_env) == []


def test_no_account_and_server_failures_exit_1(
    sync_env: dict[str, str], dovecot: Dovecot, tmp_path: Path
) -> None:
    port = dovecot.port
    dovecot.stop()
    down = run(sync_env, "sync", check=False)
    assert (down.returncode, down.stderr.strip()) == (
        1,
        f"error: support: IMAP: connection refused by the IMAP server 127.0.0.1:{port}"
        " (nothing listens)",
    )
    empty = run(dict(sync_env, AGENTCONSOLE_DB=str(tmp_path / "empty.db")), "sync", check=False)
    assert (empty.returncode, empty.stderr.strip()) == (
        1,
        "no mail accounts: add one with `agentconsole account add`",
    )


def test_a_wrong_password_is_said_and_never_shown(
    sync_env: dict[str, str], dovecot: Dovecot, dovecot_factory: Any
) -> None:
    keyring = Path(sync_env[KEYRING_FILE_ENV])
    wrong = "Wr0ng-湖-password"
    keyring.write_text(json.dumps({f"agentconsole/support:{dovecot.user}": wrong}))
    result = run(sync_env, "sync", check=False)
    assert (result.returncode, result.stderr.strip()) == (
        1,
        f"error: support: IMAP: IMAP login refused for '{dovecot.user}'",
    )
    db = Path(sync_env["AGENTCONSOLE_DB"])
    files = [p for p in db.parent.rglob("*") if p.is_file()]
    assert [p for p in files if wrong.encode() in p.read_bytes()] == []
    assert wrong not in result.stdout + result.stderr


def test_flags_on_the_server_never_change(sync_env: dict[str, str], dovecot: Dovecot) -> None:
    dovecot.deliver("INBOX", customer_mail(1), flags=[r"\Seen"])
    dovecot.deliver("INBOX", customer_mail(2))
    dovecot.deliver("INBOX", customer_mail(3), flags=[r"\Flagged"])
    before = dovecot.flags("INBOX")
    assert before == {1: (r"\Seen",), 2: (), 3: (r"\Flagged",)}
    assert folders(sync(sync_env)) == {"INBOX": (3, 3)}
    assert dovecot.flags("INBOX") == before
    assert len(stored_ids(sync_env)) == 3  # read in webmail or not, every message arrives


def test_since_limits_the_first_sync_and_a_later_one_widens(
    sync_env: dict[str, str], dovecot: Dovecot
) -> None:
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    dovecot.deliver_many("INBOX", [customer_mail(n) for n in (1, 2, 3)], when=long_ago)
    dovecot.deliver_many("INBOX", [customer_mail(n) for n in (4, 5)])
    limited = sync(sync_env, "--since", "180d")
    since_day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=180)).date().isoformat()
    assert [(f["fetched"], f["last_uid"], f["since"]) for f in limited["folders"]] == [
        (2, 5, since_day)
    ]
    assert stored_ids(sync_env) == ["q4@example.com", "q5@example.com"]
    again = sync(sync_env, "--since", "180d")
    assert [(f["fetched"], f["since"]) for f in again["folders"]] == [(0, since_day)]
    dovecot.deliver("INBOX", customer_mail(6))
    widened = sync(sync_env)
    assert [(f["fetched"], f["last_uid"], f["since"]) for f in widened["folders"]] == [(4, 6, None)]
    assert stored_ids(sync_env) == [f"q{n}@example.com" for n in range(1, 7)]
    assert folders(sync(sync_env)) == {"INBOX": (0, 6)}


def test_a_new_uidvalidity_remaps_the_folder_by_content(
    sync_env: dict[str, str], dovecot: Dovecot
) -> None:
    dovecot.deliver_many("INBOX", [customer_mail(n) for n in (1, 2, 3)])
    assert folders(sync(sync_env)) == {"INBOX": (3, 3)}
    old = dovecot.uidvalidity("INBOX")
    dovecot.set_uidvalidity("INBOX", old + 1000)
    dovecot.deliver("INBOX", customer_mail(4))
    report = sync(sync_env)
    [folder] = report["folders"]
    assert (folder["uidvalidity"], folder["remapped"], folder["fetched"]) == (old + 1000, True, 4)
    assert (report["imported"], report["duplicates"]) == (1, 3)
    assert stored_ids(sync_env) == [f"q{n}@example.com" for n in range(1, 5)]
    assert checkpoints(sync_env)["INBOX"] == (old + 1000, 4, None)
    with sqlite3.connect(sync_env["AGENTCONSOLE_DB"]) as conn:
        where = conn.execute(
            "SELECT uidvalidity, count(*) FROM message_locations WHERE kind = 'imap'"
            " GROUP BY uidvalidity ORDER BY uidvalidity"
        ).fetchall()
    assert where == [(old, 3), (old + 1000, 4)]  # the old copies' places stay as history
    assert folders(sync(sync_env)) == {"INBOX": (0, 4)}


def test_an_export_of_the_synced_mailbox_stores_nothing_twice(
    sync_env: dict[str, str], dovecot: Dovecot
) -> None:
    dovecot.deliver_many("INBOX", [customer_mail(n) for n in range(1, 5)])
    dovecot.deliver_many("Sent", [reply_mail(1), reply_mail(2)])
    sync(sync_env)
    imported = json.loads(run(sync_env, "import", "--json", str(dovecot.maildir)).stdout)
    assert (imported["messages_seen"], imported["imported"], imported["duplicates"]) == (6, 0, 6)
    assert len(stored_ids(sync_env)) == 6
    # and the other way round: mail imported first is only recognised by a sync
    dovecot.deliver("INBOX", customer_mail(5))
    assert (
        json.loads(run(sync_env, "import", "--json", str(dovecot.maildir)).stdout)["imported"] == 1
    )
    report = sync(sync_env)
    assert (report["messages_seen"], report["imported"], report["duplicates"]) == (1, 0, 1)
    assert stored_ids(sync_env) == sorted(
        [f"q{n}@example.com" for n in range(1, 6)] + ["r1@okwallet.example", "r2@okwallet.example"]
    )


def start_sync(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "agentconsole", "sync", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def count_stored(env: dict[str, str]) -> int:
    try:
        with sqlite3.connect(env["AGENTCONSOLE_DB"], timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.OperationalError:  # not created or not migrated yet
        return 0


def checkpoint_holds(env: dict[str, str]) -> bool:
    """Every UID up to the checkpoint has a stored message: it never runs ahead."""
    with sqlite3.connect(env["AGENTCONSOLE_DB"], timeout=5) as conn:
        row = conn.execute(
            "SELECT last_uid FROM sync_checkpoints WHERE folder = 'INBOX'"
        ).fetchone()
        last = int(row[0]) if row else 0
        covered = conn.execute(
            "SELECT count(DISTINCT uid) FROM message_locations WHERE kind = 'imap'"
            " AND folder = 'INBOX' AND uid <= ?",
            (last,),
        ).fetchone()[0]
    return bool(covered == last)


def wait_for_progress(env: dict[str, str], process: subprocess.Popen[str], above: int) -> int:
    """Wait until the sync stored more than ``above`` messages; the count."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        stored = count_stored(env)
        if stored > above:
            return stored
        assert process.poll() is None, process.communicate()
        time.sleep(0.005)
    raise AssertionError("the sync stored nothing in 120 s")


MANY = 1500


def test_kill_9_five_times_then_a_clean_sync(sync_env: dict[str, str], dovecot: Dovecot) -> None:
    dovecot.deliver_many("INBOX", [customer_mail(n) for n in range(1, MANY + 1)])
    counts = [0]
    for _ in range(5):
        process = start_sync(sync_env)
        wait_for_progress(sync_env, process, counts[-1])
        process.send_signal(signal.SIGKILL)
        process.communicate()
        assert process.returncode == -signal.SIGKILL
        counts.append(count_stored(sync_env))
        assert checkpoint_holds(sync_env)
    assert counts == sorted(set(counts)) and counts[-1] < MANY, counts  # killed mid-sync
    report = sync(sync_env)
    assert report["imported"] == MANY - counts[-1]
    assert report["duplicates"] == 0
    ids = stored_ids(sync_env)
    assert len(ids) == len(set(ids)) == MANY
    assert set(ids) == {f"q{n}@example.com" for n in range(1, MANY + 1)}
    assert checkpoints(sync_env)["INBOX"][1] == MANY


def test_a_dropped_connection_is_resumed(sync_env: dict[str, str], dovecot: Dovecot) -> None:
    dovecot.deliver_many("INBOX", [customer_mail(n) for n in range(1, MANY + 1)])
    process = start_sync(sync_env)
    wait_for_progress(sync_env, process, 0)
    kicked = dovecot.kick()
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    [report] = json.loads(out)["accounts"]
    assert kicked.startswith(f"{dovecot.user} kicked connections")
    assert report["reconnects"] >= 1
    ids = stored_ids(sync_env)
    assert len(ids) == len(set(ids)) == MANY


NO_IDLE = (
    "imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE SORT"
    " THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED"
    " I18NLEVEL=1 CONDSTORE ESEARCH SEARCHRES LIST-STATUS BINARY MOVE SPECIAL-USE\n"
)


def watch_rounds(process: subprocess.Popen[str]) -> Iterator[dict[str, Any]]:
    """The JSON line of each round ``sync --watch --json`` prints."""
    assert process.stdout is not None
    for line in process.stdout:
        yield json.loads(line)


@pytest.mark.parametrize("idle", [True, False], ids=["idle", "poll"])
def test_watch_brings_new_mail_within_seconds(
    keyring_env: dict[str, str], dovecot_factory: Any, idle: bool
) -> None:
    server = dovecot_factory(extra="" if idle else NO_IDLE)
    with server.connect() as probe:
        assert (b"IDLE" in probe.capabilities()) is idle
    env = keyring_env
    add_account(env, server)
    Path(env["AGENTCONSOLE_CONFIG"]).write_text('[sync]\nfolders = ["INBOX"]\n')
    server.deliver("INBOX", customer_mail(1))
    interval = "60" if idle else "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "agentconsole", "sync", "--watch", "--json", "--interval", interval],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        rounds = watch_rounds(process)
        assert next(rounds)["imported"] == 1
        time.sleep(1)  # the watcher is waiting now
        delivered = time.monotonic()
        server.deliver("INBOX", customer_mail(2))
        for report in rounds:
            if report["imported"]:
                break
        took = time.monotonic() - delivered
        assert report["folders"][0]["last_uid"] == 2
        assert took < 5, took
        assert stored_ids(env) == ["q1@example.com", "q2@example.com"]
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert err.strip().splitlines()[-1] == "sync stopped"


def test_sync_queues_the_acknowledgements_of_new_tickets(
    sync_env: dict[str, str], dovecot: Dovecot
) -> None:
    Path(sync_env["AGENTCONSOLE_CONFIG"]).write_text("[acknowledge]\nenabled = true\n")
    now = email.utils.formatdate(localtime=False)
    dovecot.deliver_many("INBOX", [customer_mail(n, date=now) for n in (1, 2)])
    dovecot.deliver("INBOX", customer_mail(3, date=now, sender=f"Us <{SUPPORT}>"))
    result = run(sync_env, "sync", "--json")
    assert json.loads(result.stdout)["acknowledged"] == 2
    assert result.stderr.strip() == (
        "acknowledged 2 new tickets: queued, sent by `agentconsole outbox --deliver`"
    )
    with sqlite3.connect(sync_env["AGENTCONSOLE_DB"]) as conn:
        queued = conn.execute(
            "SELECT m.to_json FROM outbox AS o JOIN messages AS m ON m.id = o.message_id"
            " WHERE o.status = 'queued' ORDER BY o.id"
        ).fetchall()
    assert [json.loads(r[0])[0][1] for r in queued] == ["c1@example.com", "c2@example.com"]
    again = run(sync_env, "sync", "--json")
    assert json.loads(again.stdout)["acknowledged"] == 0  # each ticket once
    assert "acknowledged" not in again.stderr


def test_an_agent_change_commits_quickly_while_a_sync_runs(
    sync_env: dict[str, str], dovecot: Dovecot
) -> None:
    """Writers take turns: the sync commits in short transactions, checkpoints
    included, so an agent's change (the console's own path) waits under 200 ms."""
    dovecot.deliver_many("INBOX", [customer_mail(n) for n in range(1, MANY + 1)])
    process = start_sync(sync_env)
    try:
        wait_for_progress(sync_env, process, 0)
        service = ConsoleService(Path(sync_env["AGENTCONSOLE_DB"]), make_config())
        # a console has its store open and its rules (SLA policies, calendars) loaded
        # before anyone acts: warm them up untimed, then time the waits for the lock
        service.change([1], "priority", "urgent")
        waits: list[float] = []
        for round_ in range(10):
            if process.poll() is not None:
                break
            started = time.monotonic()
            service.change([1], "priority", "high" if round_ % 2 else "low")
            waits.append(time.monotonic() - started)
            time.sleep(0.05)
        assert process.poll() is None, "the sync ended before the agent's changes: enlarge it"
        assert len(waits) == 10
        assert max(waits) < 0.2, f"commit waits (s): {[round(w, 3) for w in waits]}"
    finally:
        _out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert len(set(stored_ids(sync_env))) == MANY


def test_watch_comes_back_soon_when_the_server_drops_its_idle(
    keyring_env: dict[str, str], dovecot: Dovecot
) -> None:
    """A dropped IDLE connection (``doveadm kick``) made --watch spin on the closed
    socket, a core busy, until the whole interval passed (newcomer trial): it must say
    so, reconnect soon and bring the next mail in."""
    import queue
    import threading

    env = keyring_env
    add_account(env, dovecot)
    Path(env["AGENTCONSOLE_CONFIG"]).write_text('[sync]\nfolders = ["INBOX"]\n')
    dovecot.deliver("INBOX", customer_mail(1))
    process = subprocess.Popen(
        [sys.executable, "-m", "agentconsole", "sync", "--watch", "--json", "--interval", "300"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[dict[str, Any]] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(r) for r in watch_rounds(process)])
    reader.start()
    try:
        assert lines.get(timeout=60)["imported"] == 1
        time.sleep(1.5)  # the watcher is in IDLE now
        dovecot.kick()
        time.sleep(1)
        dovecot.deliver("INBOX", customer_mail(2))
        deadline = time.monotonic() + 30
        while True:
            report = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if report["imported"]:
                break
        assert report["folders"][0]["last_uid"] == 2
        with open(f"/proc/{process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        busy = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        assert busy < 10, f"{busy:.1f} s of CPU: it spun on the closed connection"
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
        reader.join(timeout=10)
    assert (
        "offline: support: IMAP: the server closed the connection; trying again in 10 s"
        in err.splitlines()
    ), err
