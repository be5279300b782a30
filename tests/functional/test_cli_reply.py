"""``agentconsole reply``, ``outbox`` and ``drafts`` through the real entry point."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from agentconsole.compose.build import new_draft
from agentconsole.compose.drafts import save_draft
from agentconsole.compose.send import record_draft
from agentconsole.store import open_db
from tests.cli import run
from tests.mailfactory import mail, make_config, word
from tests.unit.test_import_hygiene import NEVER_FOR_READS, _matching, loaded

CUSTOMER = mail(
    sender=f"{word('王小明')} <xm@example.cn>",
    subject="提现未到账",
    body="您好，我的提现三天了还没到账，卡号 6222 0212 3456 7890 128。",
    msgid="<Q1.Abc@Example.CN>",
)


@pytest.fixture
def imported(cli_env: dict[str, str], tmp_path: Path) -> str:
    """A store with the customer's mail; returns its ticket's ref."""
    Path(cli_env["AGENTCONSOLE_CONFIG"]).write_text('agent = "lin"\n', encoding="utf-8")
    source = tmp_path / "in.eml"
    source.write_bytes(CUSTOMER)
    run(cli_env, "import", str(source))
    found = json.loads(run(cli_env, "tickets", "--json").stdout)["tickets"]
    ref: str = found[0]["ref"]
    return ref


def queue_and_save(cli_env: dict[str, str]) -> None:
    """One reply queued and one draft saved, through the core."""
    conn = open_db(cli_env["AGENTCONSOLE_DB"]).conn
    config = make_config()
    record_draft(
        conn, new_draft(conn, 1, "reply", config, canned_text="已处理"), config, actor="lin"
    )
    save_draft(conn, new_draft(conn, 1, "reply_all", config, canned_text="草稿"))
    conn.close()


def test_outbox_lists_queued_mail_and_says_it_waits(cli_env: dict[str, str], imported: str) -> None:
    queue_and_save(cli_env)
    result = run(cli_env, "outbox")
    lines = result.stdout.splitlines()
    assert lines[0] == "1 message in the outbox"
    assert lines[1].split() == ["id", "ticket", "to", "subject", "status", "age"]
    assert lines[2].split()[:6] == [
        "1",
        imported,
        "xm@example.cn",
        "Re:",
        "提现未到账",
        f"[{imported}]",
    ]
    assert "queued: needs an account" in lines[2]
    assert lines[-1] == (
        "1 message waiting: no mail account to send with: add one with"
        " `agentconsole account add`, then `agentconsole outbox --deliver`"
    )
    data = json.loads(run(cli_env, "outbox", "--json").stdout)
    assert data["waiting"] == 1
    [entry] = data["outbox"]
    assert (entry["ticket"], entry["to"], entry["status"], entry["attempts"]) == (
        imported,
        ["xm@example.cn"],
        "queued",
        0,
    )
    assert entry["message_id"].endswith("@okwallet.example>")


def test_drafts_lists_saved_drafts(cli_env: dict[str, str], imported: str) -> None:
    queue_and_save(cli_env)
    lines = run(cli_env, "drafts").stdout.splitlines()
    assert lines[0] == "1 draft"
    assert lines[2].split()[:4] == ["1", imported, "reply_all", "王小明"]
    [draft] = json.loads(run(cli_env, "drafts", "--json").stdout)["drafts"]
    assert (draft["ticket"], draft["mode"], draft["to"]) == (
        imported,
        "reply_all",
        ["王小明 <xm@example.cn>"],
    )


def test_empty_outbox_and_no_drafts_exit_1(cli_env: dict[str, str], imported: str) -> None:
    for command, message in (("outbox", "the outbox is empty"), ("drafts", "no drafts")):
        result = run(cli_env, command, check=False)
        assert (result.returncode, result.stderr.strip(), result.stdout) == (1, message, "")
        result = run(cli_env, command, "--json", check=False)
        assert result.returncode == 1
        assert json.loads(result.stdout)[command] == []


@pytest.mark.parametrize("command", ["outbox", "drafts"])
def test_outbox_and_drafts_load_neither_console_nor_import(
    cli_env: dict[str, str], imported: str, tmp_path: Path, command: str
) -> None:
    queue_and_save(cli_env)
    modules = loaded(tmp_path, "--db", cli_env["AGENTCONSOLE_DB"], command, "--json")
    assert "agentconsole.cli.outbox_cmd" in modules
    assert _matching(modules, ("rich", *NEVER_FOR_READS)) == []


GOOD_ZH = "\n\n".join(
    [
        "您的提现已于今天到账，请查收。如有其他问题，欢迎随时回复本邮件联系我们。",
        "感谢您的耐心等待！\n",
    ]
)
PHISHING_ZH = "为了核实身份，请回复您的短信验证码。\n\n感谢您的耐心等待！\n"


def outbox(env: dict[str, str]) -> list[dict[str, object]]:
    result = run(env, "outbox", "--json", check=False)
    entries: list[dict[str, object]] = json.loads(result.stdout)["outbox"]
    return entries


def events(env: dict[str, str], kind: str) -> list[tuple[str, dict[str, object]]]:
    with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
        rows = conn.execute("SELECT actor, data FROM events WHERE kind = ? ORDER BY id", (kind,))
        return [(actor, json.loads(data)) for actor, data in rows]


def test_reply_queues_a_clean_reply_and_prints_its_message_id(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(GOOD_ZH, encoding="utf-8")
    result = run(cli_env, "reply", imported, "--file", str(answer))
    lines = result.stdout.splitlines()
    assert re.fullmatch(rf"queued <[^>]+@okwallet\.example> for {imported}", lines[-2])
    assert lines[-1] == (
        "it waits in the outbox: no mail account to send with: add one with"
        " `agentconsole account add`, then `agentconsole outbox --deliver`"
    )
    [entry] = outbox(cli_env)
    assert entry["message_id"] == lines[-2].split()[1]
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        raw = conn.execute("SELECT raw FROM outbox").fetchone()[0]
        status = conn.execute("SELECT status FROM tickets").fetchone()[0]
    sent = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(sent, EmailMessage)
    assert str(sent["In-Reply-To"]) == "<Q1.Abc@Example.CN>"
    assert str(sent["Subject"]) == f"Re: 提现未到账 [{imported}]"
    text = sent.get_body(("plain",))
    assert text is not None
    body = text.get_content().replace("\r\n", "\n")
    assert body.startswith("您好，王小明：\n\n您的提现已于今天到账")
    assert "> 您好，我的提现三天了还没到账，卡号 •••• •••• •••• •••• 128。" in body
    assert status == "pending"


def test_reply_reads_standard_input(cli_env: dict[str, str], imported: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agentconsole", "reply", imported, "-", "--json"],
        input=GOOD_ZH,
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["ticket"], data["queued"], data["mode"]) == (imported, True, "reply")
    assert data["message_id"] == outbox(cli_env)[0]["message_id"]


def test_an_error_finding_blocks_the_reply_and_changes_nothing(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(PHISHING_ZH, encoding="utf-8")
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        before = conn.execute("SELECT count(*) FROM events").fetchone()
    result = run(cli_env, "reply", imported, "--file", str(answer), check=False)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("error ")]
    assert errors and all(re.match(r"error AC\d{3} line \d+: ", line) for line in errors)
    assert result.stderr.strip() == (
        f"error: not queued: {len(errors)} error finding{'s' if len(errors) > 1 else ''};"
        " fix the text or send anyway with --override-lint REASON"
    )
    assert outbox(cli_env) == []
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == before
        assert conn.execute("SELECT count(*) FROM messages").fetchone() == (1,)

    reason = "the customer asked how the code looks"
    result = run(cli_env, "reply", imported, "--file", str(answer), "--override-lint", reason)
    assert len(outbox(cli_env)) == 1
    [(actor, data)] = events(cli_env, "lint_overridden")
    assert actor == "lin"
    assert data["reason"] == reason
    codes = [line.split()[1] for line in errors]
    assert data["codes"] == list(dict.fromkeys(codes))


def test_a_note_is_stored_not_queued(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("客户很着急，财务请优先处理。请提供验证码", encoding="utf-8")
    result = run(cli_env, "reply", imported, "--note", "--file", str(note))
    assert result.stdout.splitlines() == [f"note added to {imported}"]
    assert outbox(cli_env) == []
    [(_, data)] = events(cli_env, "note_added")
    assert data == {"attachments": 0}


def test_cc_and_attachments_go_with_the_reply(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(GOOD_ZH, encoding="utf-8")
    statement = tmp_path / "交易记录.pdf"
    statement.write_bytes(b"%PDF-1.4 " * 200)
    result = run(
        cli_env,
        "reply",
        imported,
        "--file",
        str(answer),
        "--cc",
        "财务 <finance@okwallet.example>",
        "--attach",
        str(statement),
        "--override-lint",
        "attachment rules differ",
    )
    assert "attaching 交易记录.pdf (1.8 KB)" in result.stderr
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        raw = conn.execute("SELECT raw FROM outbox").fetchone()[0]
    sent = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(sent, EmailMessage)
    assert [a.addr_spec for a in sent["Cc"].addresses] == ["finance@okwallet.example"]
    assert [p.get_filename() for p in sent.iter_attachments()] == ["交易记录.pdf"]


def bad_inputs(tmp_path: Path, ref: str) -> list[tuple[list[str], str]]:
    answer = tmp_path / "answer.txt"
    answer.write_text(GOOD_ZH, encoding="utf-8")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Grüße".encode("latin-1"))
    text = ["--file", str(answer)]
    gone, gone_pdf = tmp_path / "gone.txt", tmp_path / "gone.pdf"
    return [
        (["T-ZZZZZZZZ", *text], "no ticket T-ZZZZZZZZ"),
        (["T-999", *text], "no ticket T-999"),
        (["nonsense!", *text], "nonsense!: a ticket reference looks like T-7K3QX9PA"),
        ([ref, "--file", str(gone)], f"{gone}: cannot be read (No such file or directory)"),
        ([ref, "--file", str(tmp_path)], f"{tmp_path}: is a directory, not a text file"),
        ([ref, "--file", str(latin1)], f"{latin1}: not UTF-8 text (byte 2)"),
        ([ref, *text, "--cc", "x\r\nBcc: evil@x"], "x Bcc: evil@x is not an e-mail address"),
        ([ref, *text, "--cc", "finance"], "finance is not an e-mail address"),
        ([ref, *text, "--attach", str(gone_pdf)], f"{gone_pdf}: no such file to attach"),
        ([ref], "nothing to send: give --file F, - (standard input) or --canned ID"),
        (
            [ref, "--note", "--cc", "a@b.example", *text],
            "a note is never sent: --cc does not go with --note",
        ),
        ([ref, "answer.txt"], "answer.txt: only - (read standard input) may follow the ticket"),
    ]


def test_bad_input_is_one_line_and_exit_2(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    for args, message in bad_inputs(tmp_path, imported):
        result = run(cli_env, "reply", *args, check=False)
        assert (result.returncode, result.stderr.strip(), result.stdout) == (
            2,
            f"error: {message}",
            "",
        ), args
    assert outbox(cli_env) == []


def test_a_bad_status_after_reply_is_a_config_error(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    Path(cli_env["AGENTCONSOLE_CONFIG"]).write_text('[compose]\nstatus_after_reply = "done"\n')
    result = run(cli_env, "reply", imported, "-", check=False)
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        "compose.status_after_reply must be one of new, open, pending, solved, closed,"
        " unchanged, not 'done'"
    )


def test_a_canned_response_is_rendered_for_the_ticket(
    cli_env: dict[str, str], imported: str
) -> None:
    result = run(cli_env, "reply", imported, "--canned", "transaction-details-zh", "--json")
    data = json.loads(result.stdout)
    assert data["queued"] is True
    assert data["body"].startswith("您好，王小明：\n\n")
    assert [f["severity"] for f in data["findings"]].count("error") == 0


def test_a_canned_response_with_blanks_left_is_blocked(
    cli_env: dict[str, str], imported: str
) -> None:
    result = run(cli_env, "reply", imported, "--canned", "delay-follow-up-zh", check=False)
    assert result.returncode == 1
    blanks = [line for line in result.stdout.splitlines() if line.startswith("error AC302")]
    assert blanks and all("⟦" in line for line in blanks)
    assert outbox(cli_env) == []


def test_an_unknown_canned_response_is_bad_input(cli_env: dict[str, str], imported: str) -> None:
    result = run(cli_env, "reply", imported, "--canned", "nope", check=False)
    assert (result.returncode, result.stderr.strip()) == (2, "error: no canned response 'nope'")
