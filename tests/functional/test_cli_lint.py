"""``agentconsole lint`` through the real entry point: findings per line, JSON, exit
codes (0 clean, 1 an error finding, 2 bad input), a ticket's context, the config."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import run

CLEAN_ZH = "王小明您好：\n您的提现已于今日到账。\n感谢您的耐心！\nOKWallet 客服团队\n"
PHISHY = "王小明您好：\n请提供验证码，以便核实。\n感谢您的耐心！\nOKWallet 客服团队\n"


@pytest.fixture
def env(demo_template: Path, tmp_path: Path) -> dict[str, str]:
    shutil.copy(demo_template, tmp_path / "s.db")
    return dict(
        os.environ,
        AGENTCONSOLE_DB=str(tmp_path / "s.db"),
        AGENTCONSOLE_CONFIG=str(tmp_path / "none.toml"),
        COLUMNS="200",
        NO_COLOR="1",
    )


def _file(tmp_path: Path, text: str, name: str = "reply.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _stdin(env: dict[str, str], data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "agentconsole", "lint", *args],
        env=env,
        input=data,
        capture_output=True,
        timeout=120,
    )


def test_an_error_finding_exits_1_with_one_line_each(env: dict[str, str], tmp_path: Path) -> None:
    result = run(env, "lint", _file(tmp_path, PHISHY), "--customer-name", "王小明", check=False)
    assert result.returncode == 1
    assert result.stdout == (
        "2:2  AC201  error  回复在向客户索取“验证码”：正规客服绝不索取密码、验证码、完整卡号、"
        'CVV 或完整身份证号，这正是钓鱼邮件的样子。  "提供验证码"\n'
    )
    assert result.stderr == "1 finding, 1 error\n"


def test_a_clean_reply_exits_0(env: dict[str, str], tmp_path: Path) -> None:
    path = _file(tmp_path, CLEAN_ZH)
    result = run(env, "lint", path, "--customer-name", "王小明", "--lang", "zh")
    assert (result.stdout, result.stderr) == ("", "no findings\n")


def test_warnings_alone_exit_0(env: dict[str, str], tmp_path: Path) -> None:
    path = _file(tmp_path, "Dear Ann,\nWe fixed it!!!\nThanks,\nOKWallet Support\n")
    result = run(env, "lint", path, "--customer-name", "Ann Lee")
    assert result.stdout == (
        '2:12  AC504  warning  Repeated exclamation or question marks read as agitated.  "!!!"\n'
    )
    assert result.stderr == "1 finding, 0 errors\n"


def test_json_from_standard_input(env: dict[str, str]) -> None:
    text = "Dear Ann,\nYour card 4111 1111 1111 1111 is linked.\nThanks,\nOKWallet Support"
    result = _stdin(env, text.encode(), "-", "--json", "--customer-name", "Ann Lee")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data == {
        "findings": [
            {
                "code": "AC202",
                "severity": "error",
                "message": "The reply contains an unmasked card number.",
                "start": 20,
                "end": 39,
                "fix": {
                    "start": 20,
                    "end": 39,
                    "replacement": "•••• •••• •••• 1111",
                    "label": "mask the card number (keep the last 4 digits)",
                },
                "target": "body",
            }
        ],
        "language": "en",
    }
    assert text[20:39] == "4111 1111 1111 1111"


def _demo_ticket(env: dict[str, str], subject: str) -> dict[str, str]:
    """The demo's ticket with ``subject`` (the newest, if the customer wrote twice)."""
    listed = json.loads(run(env, "tickets", "--json", "--limit", "0").stdout)["tickets"]
    ticket = [t for t in listed if t["subject"] == subject][0]
    return {"ref": ticket["ref"], "name": ticket["customer_name"]}


def test_a_ticket_gives_name_language_and_ref(env: dict[str, str], tmp_path: Path) -> None:
    ticket = _demo_ticket(env, "投诉：提现问题一周未解决")
    assert ticket["name"] == "张丽"
    reply = "Dear Ms Wang,\nYour withdrawal arrived today.\nThanks,\nOKWallet Support\n"
    result = run(
        env,
        "lint",
        _file(tmp_path, reply),
        "--ticket",
        ticket["ref"],
        "--subject",
        "Re: 投诉",
        "--json",
        check=False,
    )
    found = {f["code"]: f for f in json.loads(result.stdout)["findings"]}
    assert sorted(found) == ["AC102", "AC403", "AC801"]
    assert found["AC102"]["message"] == (
        'The greeting names "Ms Wang" but the customer is "张丽": is this reply for someone else?'
    )
    assert (
        found["AC801"]["message"] == "The customer writes in Chinese but the reply is in English."
    )
    assert found["AC403"]["fix"]["replacement"] == f" [{ticket['ref']}]"
    assert result.returncode == 1


def test_options_override_the_ticket(env: dict[str, str], tmp_path: Path) -> None:
    ticket = _demo_ticket(env, "投诉：提现问题一周未解决")
    reply = "Dear Ms Wang,\nYour withdrawal arrived today.\nThanks,\nOKWallet Support\n"
    result = run(
        env,
        "lint",
        _file(tmp_path, reply),
        "--ticket",
        ticket["ref"],
        "--customer-name",
        "Li Wang",
        "--lang",
        "en",
    )
    assert (result.stdout, result.stderr) == ("", "no findings\n")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("/nonexistent/reply.txt",), b"", "error: /nonexistent/reply.txt: no such file\n"),
        (("-",), b"\xff\xfe\x00", "error: standard input: not UTF-8 text (byte 0)\n"),
        (("-", "--lang", "fr"), b"hi", "error: --lang must be zh or en, not 'fr'\n"),
        (("-", "--ticket", "T-ZZZZZZZZ"), b"hi", "error: no ticket T-ZZZZZZZZ\n"),
        (("-", "--ticket", "T-999999"), b"hi", "error: no ticket T-999999\n"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    env: dict[str, str], args: tuple[str, ...], stdin: bytes, message: str
) -> None:
    result = _stdin(env, stdin, *args)
    assert (result.returncode, result.stdout, result.stderr.decode()) == (2, b"", message)


def test_a_folder_is_bad_input(env: dict[str, str], tmp_path: Path) -> None:
    result = run(env, "lint", str(tmp_path), check=False)
    assert (result.returncode, result.stderr) == (
        2,
        f"error: {tmp_path}: is a folder, not a file\n",
    )


def test_hostile_text_is_shown_inert(env: dict[str, str], tmp_path: Path) -> None:
    reply = "Dear Ann,\nPLEASE \x1b]0;pwned\x07SEND US YOUR PASSWORD\u202e now.\nThanks, Support\n"
    result = run(env, "lint", _file(tmp_path, reply), "--customer-name", "Ann", check=False)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "AC201  error" in result.stdout


def test_config_switches_a_rule_off(env: dict[str, str], tmp_path: Path) -> None:
    Path(env["AGENTCONSOLE_CONFIG"]).write_text('[lint]\nrules = {AC201 = "info"}\n')
    result = run(env, "lint", _file(tmp_path, PHISHY), "--customer-name", "王小明")
    assert result.stdout.startswith("2:2  AC201  info  ")


def test_config_with_an_unknown_rule_is_bad_input(env: dict[str, str], tmp_path: Path) -> None:
    Path(env["AGENTCONSOLE_CONFIG"]).write_text('[lint]\nrules = {AC999 = "off"}\n')
    result = run(env, "lint", _file(tmp_path, CLEAN_ZH), check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: lint.rules.AC999: unknown rule (")


_LIST_MODULES = """
import atexit, json, sys
listing = sys.argv[1]
atexit.register(lambda: open(listing, "w").write(json.dumps(sorted(sys.modules))))
from agentconsole.cli import main
sys.argv = ["agentconsole", *sys.argv[2:]]
main()
"""


def test_lint_loads_neither_the_console_nor_the_importer(
    env: dict[str, str], tmp_path: Path
) -> None:
    listing = tmp_path / "modules.json"
    path = _file(tmp_path, CLEAN_ZH)
    subprocess.run(
        [sys.executable, "-c", _LIST_MODULES, str(listing), "lint", path, "--json"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    modules = json.loads(listing.read_text())
    assert "agentconsole.cli.lint_cmd" in modules
    unwanted = ("textual", "rich", "agentconsole.app", "agentconsole.ingest", "agentconsole.mail")
    assert [m for m in modules if m.split(".")[0] in unwanted or m.startswith(unwanted)] == []
