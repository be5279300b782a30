"""Who a message's customer is: the sender of inbound mail, the first recipient not
ours of our own mail."""

from __future__ import annotations

import sqlite3

from agentconsole.config import Config
from agentconsole.domain.customers import customer_for_address
from agentconsole.ingest.prepare import Prepared
from agentconsole.ingest.summary import ImportSummary


def counterpart(prepared: Prepared, config: Config, outbound: bool) -> tuple[str, str]:
    """(address, name) of the customer in the message; empty if there is none."""
    parsed = prepared.parsed
    if not outbound:
        return parsed.from_addr, parsed.from_name
    for name, address in [*parsed.to, *parsed.cc]:
        if not config.is_ours(address):
            return address, name
    return "", ""


def message_customer(
    conn: sqlite3.Connection,
    prepared: Prepared,
    config: Config,
    summary: ImportSummary,
    *,
    outbound: bool,
    date: int,
    actor: str,
    now: int,
) -> int | None:
    """The customer of a person's (not automatic) message, created if new."""
    address, name = counterpart(prepared, config, outbound)
    if not address:
        return None
    customer_id, created = customer_for_address(conn, address, name, date, actor=actor, now=now)
    summary.new_customers += int(created)
    return customer_id
