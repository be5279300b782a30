"""``agentconsole show`` masks what customers paste, as the console does; ``--reveal``
shows it and leaves a record."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli import run

SECRETS = ("Abc12345", "483920", "4111 1111 1111 1111", "11010519491231002X")


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


def _worried(env: dict[str, str]) -> str:
    found = json.loads(run(env, "search", "Abc12345", "--json").stdout)
    return str(found[0]["ticket"])


def _reveals(env: dict[str, str]) -> list[tuple[str, int]]:
    with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
        return conn.execute(
            "SELECT actor, message_id FROM events WHERE kind = 'sensitive_revealed'"
        ).fetchall()


def test_show_masks_secrets_and_records_nothing(env: dict[str, str]) -> None:
    ref = _worried(env)
    result = run(env, "show", ref)
    for secret in SECRETS:
        assert secret not in result.stdout
    assert "我的密码是••••••" in result.stdout and "•••• •••• •••• 1111" in result.stdout
    assert f"4 sensitive values masked; --reveal shows them (recorded in {ref}'s history)" in (
        result.stderr
    )
    exported = run(env, "export", ref, "--text").stdout
    assert "我的密码是••••••" in exported and not any(s in exported for s in SECRETS)
    data = json.loads(run(env, "show", ref, "--json").stdout)
    assert not any(s in m["body_text"] for m in data["messages"] for s in SECRETS)
    assert _reveals(env) == []


def test_near_miss_in_demo_mail_is_shown_as_written(env: dict[str, str]) -> None:
    hits = json.loads(run(env, "search", "我确定密码没有输错", "--json", "--limit", "1").stdout)
    out = run(env, "show", str(hits[0]["ticket"])).stdout
    assert "我确定密码没有输错" in out and "•" not in out


def test_reveal_shows_them_and_records_an_event(env: dict[str, str]) -> None:
    ref = _worried(env)
    out = run(env, "show", ref, "--reveal").stdout
    for secret in SECRETS:
        assert secret in out
    reveals = _reveals(env)
    assert len(reveals) == 1 and reveals[0][0]
    explain = run(env, "show", ref, "--explain").stdout
    assert "sensitive_revealed" in explain


def test_search_snippets_are_masked_too(env: dict[str, str]) -> None:
    table = run(env, "search", "密码是").stdout
    found = json.loads(run(env, "search", "密码是", "--json").stdout)

    assert found and all("密码是••••••，" in hit["snippet"] for hit in found)
    for secret in SECRETS:
        assert secret not in table
        assert all(secret not in hit["snippet"] for hit in found)
    assert _reveals(env) == []
