"""Claims: "I'm answering this ticket", decided by the shared log's order.

Recording a claim only asks; nothing is decided on this machine alone. The claim is
published, and when it comes back from the events folder (or a teammate's arrives)
:func:`decide` runs in log order on every machine alike: the first claim of a free
ticket wins, later claims by others lose, and only the holder's release frees it
(docs/design/team-log.md, "Claims").
"""

from __future__ import annotations

import sqlite3

from agentconsole.store.db import write_txn
from agentconsole.store.events import record_event
from agentconsole.store.remote_events import claim_holder, clear_claim, set_claim

CLAIM = "claim"
RELEASE = "release"
KINDS = (CLAIM, RELEASE)
MAX_AGENT_LENGTH = 200


def clean_agent(name: str) -> str:
    """An agent name fit to hold a claim (trimmed); ValueError when empty or too long,
    or holding control characters (it is shown to teammates)."""
    agent = name.strip()
    if not agent:
        raise ValueError("the agent name is empty")
    if len(agent) > MAX_AGENT_LENGTH:
        raise ValueError(f"the agent name is longer than {MAX_AGENT_LENGTH} characters")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in agent):
        raise ValueError("the agent name holds control characters")
    return agent


def ask(conn: sqlite3.Connection, ticket_id: int, kind: str, agent: str) -> None:
    """Record ``agent``'s claim or release of a ticket, to be published and decided."""
    if kind not in KINDS:
        raise ValueError(f"not a claim event: {kind!r}")
    agent = clean_agent(agent)
    with write_txn(conn):
        record_event(conn, kind, actor=agent, ticket_id=ticket_id, data={"agent": agent})


def decide(
    conn: sqlite3.Connection, ticket_id: int, kind: str, agent: str, uuid: str, log_seq: int
) -> str:
    """Apply a claim or release at its log position (the caller holds the transaction,
    and calls in log order); returns what it did, for the record."""
    holder = claim_holder(conn, ticket_id)
    if kind == CLAIM:
        if holder is None:
            set_claim(conn, ticket_id, agent, uuid, log_seq)
            return f"claimed by {agent}"
        if holder == agent:
            return f"held by {agent} already"
        return f"lost to {holder}"
    if holder == agent:
        clear_claim(conn, ticket_id)
        return f"released by {agent}"
    return f"not held by {agent}: nothing released"


def holder(conn: sqlite3.Connection, ticket_id: int) -> str | None:
    """The agent holding the ticket as far as the log read so far says, or None."""
    return claim_holder(conn, ticket_id)
