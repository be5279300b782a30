"""Every CLI listing shows the derived ref, the same on every machine, and takes it back.

Two stores import the same mail in opposite orders, as two agents' machines would:
their local row ids differ, their refs do not.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from agentconsole.refs import message_ref
from tests.cli import run
from tests.mailfactory import mail

CARD = mail(msgid="<card@example.com>", subject="Card blocked", body="My card is blocked.")
CARD_REPLY = mail(
    msgid="<card2@example.com>",
    subject="Re: Card blocked",
    in_reply_to="<card@example.com>",
    body="Still blocked, card blocked since Monday.",
    date="Tue, 06 Oct 2026 10:00:00 +0800",
)
LOGIN = mail(
    sender="Li Lei <li@example.com>",
    msgid="<login@example.com>",
    subject="Login fails",
    body="I cannot log in.",
)
UNDATED = mail(
    sender="Zhou Min <zhou@example.com>",
    msgid="<undated@example.com>",
    subject="No date here",
    date=None,
)
CARD_REF = message_ref("<card@example.com>", b"")
UNDATED_REF = message_ref("<undated@example.com>", b"")
LOGIN_REF = message_ref("<login@example.com>", b"")


def _store(tmp_path: Path, name: str, raws: list[bytes]) -> dict[str, str]:
    """A machine: its own database, with ``raws`` imported in this order."""
    folder = tmp_path / name
    (folder / "mail").mkdir(parents=True)
    for number, raw in enumerate(raws):
        (folder / "mail" / f"{number}.eml").write_bytes(raw)
    env = {
        **__import__("os").environ,
        "AGENTCONSOLE_DB": str(folder / "store.db"),
        "AGENTCONSOLE_CONFIG": str(folder / "config.toml"),
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }
    run(env, "import", str(folder / "mail"))
    return env


@pytest.fixture
def machines(tmp_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    return (
        _store(tmp_path, "one", [CARD, CARD_REPLY, LOGIN, UNDATED]),
        _store(tmp_path, "two", [UNDATED, LOGIN, CARD_REPLY, CARD]),
    )


def _listed(env: dict[str, str], *query: str) -> dict[str, int]:
    """Each listed ticket's local id by its ref. (The subject is the first message's
    that arrived, so it depends on the order: threading's business, not ours.)"""
    data = json.loads(run(env, "tickets", *query, "--json").stdout)
    return {t["ref"]: t["id"] for t in data["tickets"]}


def test_tickets_json_ref_is_the_stored_ref_and_the_same_on_both_machines(
    machines: tuple[dict[str, str], dict[str, str]],
) -> None:
    one, two = (_listed(env) for env in machines)
    assert set(one) == set(two) == {CARD_REF, LOGIN_REF, UNDATED_REF}
    assert one[CARD_REF] != two[CARD_REF]  # local ids differ
    for env, listed in zip(machines, (one, two), strict=True):
        with sqlite3.connect(env["AGENTCONSOLE_DB"]) as conn:
            stored = dict(conn.execute("SELECT ref, id FROM tickets").fetchall())
        assert stored == listed


def test_the_table_search_and_messages_show_derived_refs(
    machines: tuple[dict[str, str], dict[str, str]],
) -> None:
    env = machines[1]
    rows = run(env, "tickets", "--sort", "created").stdout.splitlines()[2:]
    assert sorted(row.split()[0] for row in rows) == sorted([CARD_REF, LOGIN_REF, UNDATED_REF])
    hits = run(env, "search", "blocked").stdout
    assert hits.count(CARD_REF) == 2 and "T-1 " not in hits and "T-2 " not in hits
    found = json.loads(run(env, "search", "blocked", "--json").stdout)
    assert [hit["ticket"] for hit in found] == [CARD_REF, CARD_REF]
    degraded = run(env, "messages", "--status", "degraded").stdout.splitlines()[2:]
    assert [row.split()[1] for row in degraded] == [UNDATED_REF]
    listed = json.loads(run(env, "messages", "--status", "degraded", "--json").stdout)
    assert [m["ticket"] for m in listed] == [UNDATED_REF]


def test_show_and_export_name_the_derived_ref(
    machines: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    env = machines[1]
    shown = run(env, "show", CARD_REF.lower())
    assert shown.stdout.splitlines()[0] == f"{CARD_REF}  Card blocked"
    data = json.loads(run(env, "show", CARD_REF, "--json").stdout)
    assert data["ticket"]["ref"] == CARD_REF and "derived_ref" not in data["ticket"]
    # Events keep the ref the ticket had when they were recorded: here the reply
    # arrived first and named the ticket until the original came. Both lead to it.
    reply_ref = message_ref("<card2@example.com>", b"")
    assert {e["ticket_ref"] for e in data["events"]} == {CARD_REF, reply_ref}
    assert run(env, "show", reply_ref).stdout.splitlines()[0] == shown.stdout.splitlines()[0]
    in_order = json.loads(run(machines[0], "show", CARD_REF, "--json").stdout)
    assert {e["ticket_ref"] for e in in_order["events"]} == {CARD_REF}
    out = run(env, "export", CARD_REF[2:], "--out", str(tmp_path / "out")).stdout
    assert out.strip() == f"wrote 2 messages of {CARD_REF} to {tmp_path / 'out'}"


def test_the_local_alias_still_works_on_its_own_machine(
    machines: tuple[dict[str, str], dict[str, str]],
) -> None:
    for env in machines:
        local_id = _listed(env)[LOGIN_REF]
        shown = run(env, "show", f"t-{local_id}").stdout
        assert shown.splitlines()[0] == f"{LOGIN_REF}  Login fails"


@pytest.mark.parametrize(
    "query",
    [
        f"ref:{CARD_REF.lower()}",
        f"ref:{CARD_REF[2:]}",
        CARD_REF,
        f"[{CARD_REF.lower()}]",
        f"ref:{CARD_REF},T-999",
    ],
)
def test_the_query_language_filters_by_derived_ref(
    machines: tuple[dict[str, str], dict[str, str]], query: str
) -> None:
    for env in machines:
        assert list(_listed(env, query)) == [CARD_REF]


def test_a_bad_ref_filter_says_what_a_ref_looks_like(
    machines: tuple[dict[str, str], dict[str, str]],
) -> None:
    result = run(machines[0], "tickets", "ref:nonsense", check=False)
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "error: ref:nonsense: a ticket reference looks like T-7K3QX9PA (or T-42 here)",
    )
