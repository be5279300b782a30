"""The mail a reply builds (issue 7 trial, findings 7, 8, 14, 16): within what servers
accept, addresses fit for a header, the sender checked with the config, and a
mistyped --db never leaving an empty store behind."""

from __future__ import annotations

import json
import os
import sqlite3
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from tests.cli import run
from tests.functional.test_cli_reply import GOOD_ZH, imported, outbox

__all__ = ["imported"]


def _answer(tmp_path: Path) -> str:
    answer = tmp_path / "answer.txt"
    answer.write_text(GOOD_ZH, encoding="utf-8")
    return str(answer)


def _sent(env: dict[str, str]) -> EmailMessage:
    with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
        raw = conn.execute("SELECT raw FROM outbox ORDER BY id DESC").fetchone()[0]
    sent = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(sent, EmailMessage)
    return sent


def test_a_mail_over_25_mb_in_all_is_refused(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    files = []
    for n in range(3):
        part = tmp_path / f"part{n}.bin"
        part.write_bytes(os.urandom(10 * 1024 * 1024))
        files += ["--attach", str(part)]
    result = run(cli_env, "reply", imported, "--file", _answer(tmp_path), *files, check=False)
    assert (result.returncode, result.stderr.splitlines()[-1]) == (
        2,
        "error: the mail is too large to send: 30.0 MB with its attachments (at most 25 MB in all)",
    )
    # 20 MB of files pass the first sum, but not once encoded (base64 adds a third).
    result = run(cli_env, "reply", imported, "--file", _answer(tmp_path), *files[:4], check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("error: the mail is too large to send: 27.")
    assert outbox(cli_env) == []


def test_more_than_50_recipients_are_refused(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    many = [arg for n in range(50) for arg in ("--cc", f"c{n}@okwallet.example")]
    result = run(cli_env, "reply", imported, "--file", _answer(tmp_path), *many, check=False)
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "error: too many recipients: 51 in To and Cc (at most 50 in one reply)",
    )
    assert outbox(cli_env) == []
    run(cli_env, "reply", imported, "--file", _answer(tmp_path), *many[:-2])
    assert len(_sent(cli_env)["Cc"].addresses) == 49


def test_an_international_domain_is_sent_in_idna_form(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    result = run(
        cli_env,
        "reply",
        imported,
        "--file",
        _answer(tmp_path),
        "--cc",
        "用户@例子.中国",
        check=False,
    )
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "error: 用户@例子.中国: the part before @ must be ASCII"
        " (a mailbox name in another script cannot be sent)",
    )
    run(
        cli_env,
        "reply",
        imported,
        "--file",
        _answer(tmp_path),
        "--cc",
        "财务 <finance@例子.中国>",
        "--cc",
        '"Weird Local,Bcc:x"@OKWallet.Example',
    )
    cc = _sent(cli_env)["Cc"]
    assert str(cc).isascii() is False  # the display name is encoded, then decoded back
    assert [a.addr_spec for a in cc.addresses] == [
        "finance@xn--fsqu00a.xn--fiqs8s",
        '"Weird Local,Bcc:x"@okwallet.example',
    ]
    [entry] = outbox(cli_env)
    assert entry["to"] == ["xm@example.cn"]
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        cc_json = conn.execute("SELECT cc_json FROM messages WHERE direction = 'out'").fetchone()[0]
    assert [address for _, address in json.loads(cc_json)] == [
        "finance@xn--fsqu00a.xn--fiqs8s",
        '"Weird Local,Bcc:x"@okwallet.example',
    ]


def test_a_bad_from_address_is_a_config_error(cli_env: dict[str, str], tmp_path: Path) -> None:
    config = Path(cli_env["AGENTCONSOLE_CONFIG"])
    for value, shown in (
        ('"not an address"', "'not an address'"),
        (
            '"a@okwallet.example\\r\\nBcc: evil@x.example"',
            "'a@okwallet.example\\r\\nBcc: evil@x.example'",
        ),
    ):
        config.write_text(f"[compose]\nfrom_address = {value}\n", encoding="utf-8")
        result = run(cli_env, "tickets", check=False)
        assert (result.returncode, result.stderr.strip()) == (
            2,
            f"error: {config}: compose.from_address: {shown} is not one e-mail address"
            " (e.g. support@okwallet.example)",
        )


def test_a_missing_database_is_not_created(cli_env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / "nosuch.db"
    answer = _answer(tmp_path)
    for args in (("reply", "T-7K3QX9PA", "--file", answer), ("drafts",), ("outbox",)):
        result = run(cli_env, "--db", str(missing), *args, check=False)
        assert (result.returncode, result.stderr.strip()) == (
            2,
            f"error: {missing}: no such database",
        ), args
    assert not missing.exists()


def test_an_empty_attachment_is_refused(
    cli_env: dict[str, str], imported: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = run(
        cli_env, "reply", imported, "--file", _answer(tmp_path), "--attach", str(empty), check=False
    )
    assert (result.returncode, result.stderr.strip()) == (
        2,
        f"error: {empty}: is empty, nothing to attach",
    )
    assert outbox(cli_env) == []
