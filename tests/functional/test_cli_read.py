"""The reading commands through the real entry point, on the demo mailbox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import run
from tests.conftest import DEMO_MBOX


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    import os

    tmp = tmp_path_factory.mktemp("cli")
    environ = dict(
        os.environ,
        AGENTCONSOLE_DB=str(tmp / "s.db"),
        AGENTCONSOLE_CONFIG=str(tmp / "none.toml"),
        COLUMNS="200",
        NO_COLOR="1",
    )
    run(environ, "import", "--json", str(DEMO_MBOX))
    return environ


def test_tickets_query_and_json(env: dict[str, str]) -> None:
    data = json.loads(
        run(env, "tickets", "status:new,open", "category:withdrawal", "--json").stdout
    )
    assert data["total"] >= 1
    assert all(
        t["status"] in ("new", "open") and t["category"] == "withdrawal" for t in data["tickets"]
    )
    assert run(env, "tickets", "status:open").stdout.count("T-") >= 1


def test_bad_query_is_a_usage_error(env: dict[str, str]) -> None:
    result = run(env, "tickets", "stauts:open", check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "error: stauts: unknown filter (filters: due, status, priority, category, assignee,"
        " tag, from, customer, before, after, ref)\n"
    )


def test_search_chinese_and_json(env: dict[str, str]) -> None:
    hits = json.loads(run(env, "search", "密码", "--json").stdout)
    assert hits and all("密码" in (h["subject"] + h["snippet"]) for h in hits)
    assert run(env, "search", "提现", "--limit", "3").stdout.count("T-") == 3


def test_show_explain_names_the_rule(env: dict[str, str]) -> None:
    data = json.loads(run(env, "tickets", "--json", "--limit", "200").stdout)
    ref = next(t["ref"] for t in data["tickets"] if t["message_count"] >= 2)
    out = run(env, "show", ref, "--explain").stdout
    assert "threaded by new" in out and (
        "threaded by in-reply-to" in out or "threaded by subject" in out
    )
    assert run(env, "show", "T-999999", check=False).returncode == 1
    assert run(env, "show", "nonsense", check=False).returncode == 2


def test_hostile_text_is_printed_literally_without_escapes(env: dict[str, str]) -> None:
    out = run(env, "tickets", "from:evil.example").stdout
    assert "\x1b" not in out and "\x07" not in out
    assert "[@click=app.quit]" in out  # literal, not interpreted
    ref = json.loads(run(env, "tickets", "from:evil.example", "--json").stdout)["tickets"][0]["ref"]
    shown = run(env, "show", ref).stdout
    assert "\x1b" not in shown and "\u202e" not in shown
    assert "[bold red]Click here[/]" in shown and "attacker@evil.example" in shown


def test_customers_lookup_and_merge(env: dict[str, str]) -> None:
    ticket = json.loads(run(env, "tickets", "category:withdrawal", "--json").stdout)["tickets"][0]
    address = ticket["customer_address"]
    found = json.loads(run(env, "customers", address, "--json").stdout)
    assert found[0]["addresses"] == [address]
    ident = next(v for k, v in found[0]["identifiers"] if k == "transaction")
    by_txn = json.loads(run(env, "customers", ident, "--json").stdout)
    assert by_txn[0]["id"] == found[0]["id"]
    other = json.loads(run(env, "customers", "nodate@example.com", "--json").stdout)[0]
    out = run(env, "merge-customers", f"C-{found[0]['id']}", f"C-{other['id']}").stdout
    assert "merged" in out
    merged = json.loads(run(env, "customers", "nodate@example.com", "--json").stdout)[0]
    assert merged["id"] == found[0]["id"] and len(merged["addresses"]) == 2


def test_export_raw_bytes_round_trip(env: dict[str, str], tmp_path: Path) -> None:
    ticket = json.loads(run(env, "tickets", "--json", "--limit", "1").stdout)["tickets"][0]
    out = tmp_path / "export"
    run(env, "export", ticket["ref"], "--raw", "--out", str(out))
    files = sorted(out.iterdir())
    assert len(files) == ticket["message_count"]
    raw = subprocess.run(
        [sys.executable, "-m", "agentconsole", "export", files[0].stem],
        env=env,
        capture_output=True,
        check=True,
    ).stdout
    assert raw == files[0].read_bytes()
    assert raw in DEMO_MBOX.read_bytes()  # exactly the bytes that came in


def test_messages_lists_quarantined(env: dict[str, str]) -> None:
    data = json.loads(run(env, "messages", "--status", "quarantined", "--json").stdout)
    assert data and all(m["status"] == "quarantined" for m in data)


def test_help_explains_with_examples(env: dict[str, str]) -> None:
    for command in ("import", "tickets", "search", "show", "customers", "export"):
        out = run(env, command, "--help").stdout
        assert "Examples" in out or "Example" in out
