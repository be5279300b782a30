"""``agentconsole reply``, ``outbox`` and ``drafts`` through the real entry point."""

from __future__ import annotations

import json
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
    assert "queued" in lines[2]
    assert lines[-1] == (
        "1 message waiting: send it with `agentconsole outbox --deliver` (set up an account first)"
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
