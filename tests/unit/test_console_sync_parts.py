"""The headless parts of the console's sync: the status line's words, the claim key's
rules over a real store and a list standing for the team's log, Traffic Cop's
findings, and ``[sync] interval`` in the config."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from agentconsole.compose.traffic import Meanwhile, meanwhile, question
from agentconsole.config import ConfigError, load_config
from agentconsole.domain.claim_view import ClaimRefused, ClaimView, claim_view, toggle_claim
from agentconsole.models import Event, Message
from agentconsole.sync.round_result import ClaimDecided, RoundResult, combined
from agentconsole.widgets.sync_status import state_of, status_text
from tests.teamlog import ListLog, machine, ticket_id

AT = int(time.mktime((2026, 11, 23, 14, 2, 0, 0, 0, -1)))


def test_status_lines() -> None:
    done = RoundResult("support", AT, new_messages=3)
    assert status_text(done, 60) == "synced 14:02 · 3 new"
    busy = RoundResult("support", AT, new_messages=0, team_changes=2, sent=1, failed=1)
    assert status_text(busy, 60) == (
        "synced 14:02 · 0 new · 2 from the team · 1 sent · 1 not delivered"
    )
    offline = RoundResult("support", AT, offline="IMAP: [b]gone[/b]\x1b[2J")
    assert status_text(offline, 60) == "offline (retry in 60 s): IMAP: [b]gone[/b]␛[2J"
    assert status_text(offline, 0) == "offline (ctrl+r retries): IMAP: [b]gone[/b]␛[2J"
    error = RoundResult("support", AT, error="no password for account support in the keyring")
    assert status_text(error, 60) == "error: no password for account support in the keyring"
    assert [state_of(r) for r in (done, offline, error)] == ["synced", "offline", "error"]
    assert done.stored and not RoundResult("s", AT).stored
    assert RoundResult("s", AT, claims=(ClaimDecided(1, "T-1", "ana"),)).stored


def test_the_claim_key_queues_claims_and_releases_and_refuses_the_rest() -> None:
    log = ListLog()
    lin, ana = machine(), machine()
    lin_ticket, ana_ticket = ticket_id(lin, 0), ticket_id(ana, 0)
    assert claim_view(lin, lin_ticket, "lin") == ClaimView(None, None)
    assert toggle_claim(lin, lin_ticket, "lin") == "claim queued"
    assert claim_view(lin, lin_ticket, "lin").line("lin") == "claim queued"
    with pytest.raises(ClaimRefused, match=r": your claim is queued already$"):
        toggle_claim(lin, lin_ticket, "lin")
    log.sync(lin)
    assert claim_view(lin, lin_ticket, "lin").line("lin") == "you hold it"
    log.sync(ana)
    assert claim_view(ana, ana_ticket, "ana").line("ana") == "claimed by lin"
    with pytest.raises(ClaimRefused, match=r": lin holds it$"):
        toggle_claim(ana, ana_ticket, "ana")
    assert toggle_claim(lin, lin_ticket, "lin") == "release queued"
    log.sync(lin)
    log.sync(ana)
    assert claim_view(ana, ana_ticket, "ana").line("ana") == "not claimed"
    with pytest.raises(ClaimRefused, match="the agent name in the config: the agent name is empty"):
        toggle_claim(ana, ana_ticket, "  ")


def _out(id_: int, date: int, name: str = "Ana Li") -> Message:
    return Message(
        id=id_,
        ticket_id=1,
        direction="out",
        auto_kind=None,
        from_name=name,
        from_addr="support@okwallet.example",
        to=("c@example.org",),
        subject="Re: x",
        date=date,
        body_text="",
        status="ok",
        problems=(),
        thread_rule="",
        thread_detail="",
        source="imap",
    )


def _event(kind: str, actor: str, at: int) -> Event:
    return Event(id=at, uuid=str(at), at=at, actor=actor, kind=kind, ticket_id=1, customer_id=None)


def test_traffic_cop_finds_replies_and_claims_after_the_draft_began() -> None:
    since = AT
    events = [
        _event("claim", "bo", since - 5),  # before the draft: not news
        _event("claim", "ana", since + 10),
        _event("claim", "lin", since + 11),  # our own claim
        _event("reply_queued", "bo", since + 20),
    ]
    messages = [_out(1, since + 30), _out(2, since + 40, "ours"), _out(3, since - 1)]
    found = meanwhile(messages, events, {2}, "ana", since=since, me="lin")
    assert found == [
        Meanwhile("ana", "claimed the ticket", since + 10),
        Meanwhile("bo", "queued a reply", since + 20),
        Meanwhile("Ana Li", "replied", since + 30),
    ]
    assert question(found[:1]) == "Since you started: ana claimed the ticket at 14:02. Send anyway?"
    # a claim that lost (someone else holds the ticket) is not what the agent must know
    assert meanwhile([], events[1:2], set(), "bo", since=since, me="lin") == []


@pytest.mark.parametrize(
    ("value", "ok"), [("0", True), ("5", True), ("3600", True), ("4", False), ("3601", False)]
)
def test_sync_interval_in_the_config(value: str, ok: bool, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[sync]\ninterval = {value}\n", encoding="utf-8")
    if ok:
        assert load_config(path).sync_interval == int(value)
        return
    with pytest.raises(ConfigError, match="sync.interval must be 5 to 3600 seconds, or 0"):
        load_config(path)


def test_a_round_over_several_accounts_adds_up_and_names_each_reason() -> None:
    support = RoundResult("support", AT, new_messages=2, sent=1, error="no password")
    sales = RoundResult("sales", AT + 60, new_messages=1, offline="IMAP: timed out")
    both = combined([support, sales])
    assert (both.account, both.finished_at) == ("support, sales", AT + 60)
    assert (both.new_messages, both.sent) == (3, 1)
    assert (both.error, both.offline) == ("support: no password", "sales: IMAP: timed out")
    assert status_text(both, 60) == "error: support: no password"
    assert combined([sales]) is sales
