"""Order-independent threading and ``agentconsole merge``, through the real entry point."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from agentconsole.refs import message_ref
from tests.cli import run
from tests.mailfactory import mail

SUPPORT = "support@okwallet.example"


def thread(n: int) -> list[bytes]:
    """A customer's mail, our reply, and a follow-up under a new subject: only
    In-Reply-To and References tie the three together."""
    customer = f"Wang {n} <wang{n}@example.com>"
    first, reply = f"<t{n}-1@example.com>", f"<t{n}-2@okwallet.example>"
    return [
        mail(sender=customer, msgid=first, subject=f"Withdrawal {n} not received",
             date="Mon, 05 Oct 2026 10:00:00 +0800"),
        mail(sender=f"Support <{SUPPORT}>", to=f"wang{n}@example.com", msgid=reply,
             subject=f"Re: Withdrawal {n} not received", in_reply_to=first,
             references=first, date="Mon, 05 Oct 2026 15:00:00 +0800"),
        mail(sender=customer, msgid=f"<t{n}-3@example.com>", subject=f"Bank says {n} failed",
             in_reply_to=reply, references=f"{first} {reply}",
             date="Tue, 06 Oct 2026 09:00:00 +0800"),
    ]  # fmt: skip


def write_replies_first(maildir: Path, threads: list[list[bytes]]) -> None:
    """A Maildir whose file names sort each thread's newest message first (the order
    an import reads them in)."""
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for n, messages in enumerate(threads):
        for position, raw in enumerate(reversed(messages)):
            (maildir / "cur" / f"{position}{n:03d}.mail:2,S").write_bytes(raw)


def tickets(env: dict[str, str]) -> list[dict[str, object]]:
    result = run(env, "tickets", "--json", "--limit", "0")
    found: list[dict[str, object]] = json.loads(result.stdout)["tickets"]
    return found


def test_a_maildir_with_replies_before_originals_gives_one_ticket_per_thread(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    write_replies_first(tmp_path / "Maildir", [thread(1), thread(2)])
    summary = json.loads(run(cli_env, "import", "--json", str(tmp_path / "Maildir")).stdout)
    assert (summary["imported"], summary["tickets_merged"]) == (6, 2)
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        live = conn.execute(
            "SELECT t.ref, t.subject, t.status, t.message_count, count(m.id) FROM tickets t"
            " JOIN messages m ON m.ticket_id = t.id GROUP BY t.id ORDER BY t.subject"
        ).fetchall()
    assert live == [
        (message_ref(f"<t{n}-1@example.com>", b""), f"Withdrawal {n} not received", "open", 3, 3)
        for n in (1, 2)
    ]
    shown = run(cli_env, "show", str(live[0][0]), "--explain")
    assert "its ticket T-" in shown.stdout and "was merged into" in shown.stdout
    assert "Withdrawal 1 not received" in shown.stdout.splitlines()[0]
    assert (shown.stdout.count("[customer] Wang 1"), shown.stdout.count("[agent]")) == (2, 1)


def _two_tickets(env: dict[str, str], tmp_path: Path) -> tuple[str, str]:
    older = mail(msgid="<x1@example.com>", subject="Card declined")
    newer = mail(msgid="<y1@example.com>", subject="Another thing",
                 date="Wed, 07 Oct 2026 10:00:00 +0800")  # fmt: skip
    for name, raw in (("a.eml", older), ("b.eml", newer)):
        (tmp_path / name).write_bytes(raw)
    run(env, "import", str(tmp_path / "a.eml"), str(tmp_path / "b.eml"))
    return message_ref("<x1@example.com>", b""), message_ref("<y1@example.com>", b"")


def test_merge_keeps_the_ticket_with_the_older_first_message_whichever_comes_first(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    older, newer = _two_tickets(cli_env, tmp_path)
    Path(cli_env["AGENTCONSOLE_CONFIG"]).write_text('agent = "lin"\n')
    result = run(cli_env, "merge", newer, older.lower())
    assert result.stdout == f"merged {newer} into {older} (1 message moved)\n"
    assert sorted((t["subject"], t["message_count"], t["status"]) for t in tickets(cli_env)) == [
        ("Another thing", 0, "closed"),
        ("Card declined", 2, "new"),
    ]
    shown = run(cli_env, "show", newer)  # the absorbed ref leads to the survivor
    assert "Card declined" in shown.stdout.splitlines()[0]
    assert shown.stdout.count("[customer] Wang Fang") == 2
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        events = conn.execute(
            "SELECT ticket_ref, actor, data FROM events WHERE kind = 'ticket_merged' ORDER BY id"
        ).fetchall()
    assert [ref for ref, _, _ in events] == [older, newer]
    assert [actor for _, actor, _ in events] == ["lin", "lin"]  # the agent, as configured
    assert json.loads(events[0][2]) == {
        "absorbed": newer,
        "messages": 1,
        "reason": "merged by an agent",
        "survivor": older,
        "tags": [],
    }


def test_merge_refuses_an_unknown_ref_the_same_ticket_twice_and_a_merged_one(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    older, newer = _two_tickets(cli_env, tmp_path)
    unknown = run(cli_env, "merge", older, "T-ZZZZZZZZ", check=False)
    assert (unknown.returncode, unknown.stderr.strip()) == (1, "error: no ticket T-ZZZZZZZZ")
    same = run(cli_env, "merge", older, older, check=False)
    assert same.returncode == 1
    assert (
        same.stderr.strip() == f"error: {older} and {older} are the same ticket: nothing to merge"
    )
    bad = run(cli_env, "merge", older, "nonsense!", check=False)
    assert bad.returncode == 2 and "a ticket reference looks like" in bad.stderr
    run(cli_env, "merge", older, newer)
    again = run(cli_env, "merge", "T-2", "T-1", check=False)
    assert (again.returncode, again.stderr.strip()) == (
        1,
        f"error: {newer} was merged into {older} already",
    )
    assert "Traceback" not in unknown.stderr + same.stderr + bad.stderr + again.stderr
