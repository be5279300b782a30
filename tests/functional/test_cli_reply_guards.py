"""``agentconsole reply`` refuses what a careful agent would not send (issue 7 trial,
findings 5, 6, 12, 13): an empty reply, the same reply twice, an empty override
reason, control characters in the body."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from tests.cli import run
from tests.functional.test_cli_reply import GOOD_ZH, PHISHING_ZH, imported, outbox
from tests.mailfactory import mail, word

__all__ = ["imported"]


def _notes(env: dict[str, str]) -> int:
    with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
        return int(
            conn.execute("SELECT count(*) FROM messages WHERE direction = 'note'").fetchone()[0]
        )


def test_an_empty_reply_or_note_is_refused(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    empty, blank = tmp_path / "empty.txt", tmp_path / "blank.txt"
    empty.write_text("", encoding="utf-8")
    blank.write_text(" \n\t\u200b\n\n  \u3000\n", encoding="utf-8")
    for path in (empty, blank):
        for extra in ((), ("--note",)):
            result = run(cli_env, "reply", imported, "--file", str(path), *extra, check=False)
            assert (result.returncode, result.stderr.strip()) == (
                2,
                "error: nothing to send: the reply is empty",
            ), (path, extra)
    result = subprocess.run(
        [sys.executable, "-m", "agentconsole", "reply", imported, "-"],
        stdin=subprocess.DEVNULL,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "error: nothing to send: the reply is empty",
    )
    assert outbox(cli_env) == []
    assert _notes(cli_env) == 0


def test_the_same_reply_twice_is_refused_unless_again(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(GOOD_ZH, encoding="utf-8")
    first = run(cli_env, "reply", imported, "--file", str(answer))
    message_id = first.stdout.splitlines()[-2].split()[1]
    again = run(cli_env, "reply", imported, "--file", str(answer), check=False)
    assert (again.returncode, again.stderr.strip()) == (
        1,
        f"error: an identical reply to {imported} was queued less than a minute ago"
        f" ({message_id}); send it again with --again",
    )
    assert len(outbox(cli_env)) == 1
    other = tmp_path / "other.txt"
    other.write_text("另外，您的账户已恢复正常。\n\n感谢您的耐心等待！\n", encoding="utf-8")
    run(cli_env, "reply", imported, "--file", str(other))
    run(cli_env, "reply", imported, "--file", str(answer), "--again")
    assert len(outbox(cli_env)) == 3


def test_parallel_identical_replies_queue_exactly_one(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(GOOD_ZH, encoding="utf-8")
    command = [sys.executable, "-m", "agentconsole", "reply", imported, "--file", str(answer)]
    runs = [
        subprocess.Popen(command, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(5)
    ]
    codes = sorted(process.wait(timeout=300) for process in runs)
    for process in runs:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        process.stderr.close()
    assert codes == [0, 1, 1, 1, 1]
    assert len(outbox(cli_env)) == 1


def test_an_empty_override_reason_is_refused(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(PHISHING_ZH, encoding="utf-8")
    for reason in ("", "   ", "\u200b", "\u200b \x07\t"):
        result = run(
            cli_env,
            "reply",
            imported,
            "--file",
            str(answer),
            "--override-lint",
            reason,
            check=False,
        )
        assert (result.returncode, result.stderr.strip(), result.stdout) == (
            2,
            "error: the override reason is empty",
            "",
        ), repr(reason)
    assert outbox(cli_env) == []


def test_control_characters_are_removed_from_the_body(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text("您的提现已\x1b[2J到账\x07，\x00请查收。\t谢谢\r\n\n感谢您的耐心等待！\n")
    run(cli_env, "reply", imported, "--file", str(answer))
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        raw = conn.execute("SELECT raw FROM outbox").fetchone()[0]
    sent = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(sent, EmailMessage)
    part = sent.get_body(("plain",))
    assert part is not None
    body = part.get_content().replace("\r\n", "\n")
    assert "您的提现已[2J到账，请查收。\t谢谢\n\n感谢您的耐心等待！" in body
    assert not any(ord(c) < 32 and c not in "\n\t" for c in body)


def test_a_customer_name_with_control_characters_is_one_clean_line_in_a_template(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    config = Path(cli_env["AGENTCONSOLE_CONFIG"])
    config.write_text('agent = "lin"\n', encoding="utf-8")
    folder = config.parent / "canned"
    folder.mkdir()
    (folder / "named.md").write_text(
        '+++\nid = "named-en"\ntitle = "Named"\nlang = "en"\ncategories = ["other"]\n+++\n'
        'Thank you, {{ customer.name | default: "you" }}, your withdrawal arrived today.\n'
        "\nKind regards,\n",
        encoding="utf-8",
    )
    source = tmp_path / "in.eml"
    source.write_bytes(
        mail(
            sender=word("Ann\r\nBcc: x\x1b[2J Lee") + " <ann@example.com>",
            subject="Where is my withdrawal?",
            body="Hello, my withdrawal has not arrived yet. Please help.",
        )
    )
    run(cli_env, "import", str(source))
    ref = json.loads(run(cli_env, "tickets", "--json").stdout)["tickets"][0]["ref"]
    result = run(cli_env, "reply", ref, "--canned", "named-en", "--json", check=False)
    body = json.loads(result.stdout)["body"]
    # a name with control characters is unfit to greet by: neither the greeting nor
    # the template uses it (the template's default applies), and nothing of it leaks
    assert body.startswith("Dear customer,\n\nThank you, you, your withdrawal arrived today.")
    assert "Bcc" not in body.split("\n\nOn ")[0] and "\x1b" not in body
    assert not any(ord(c) < 32 and c not in "\n\t" for c in body)
