"""The ticket a ref typed on the command line names, for every command that takes one."""

from __future__ import annotations

import sqlite3

from agentconsole.cli.output import fail
from agentconsole.models import parse_ticket_ref
from agentconsole.refs import parse_ref
from agentconsole.store.tickets import resolve_ref, ticket_refs


def ticket_id_of(conn: sqlite3.Connection, ref: str, *, missing: int = 1) -> int:
    """The ticket a typed ref names: a derived ref (forgiving, see agentconsole.refs)
    or this machine's local alias ``T-42``. An ambiguous ref lists its tickets (by
    their refs) and exits 1; a ref no ticket has exits ``missing`` (a command that
    writes, or ``lint`` taking a ticket as input, treats it as bad input: 2)."""
    derived = parse_ref(ref)
    if derived is not None:
        ids = resolve_ref(conn, derived)
        if len(ids) > 1:
            fail(f"{derived} is ambiguous: " + ", ".join(sorted(ticket_refs(conn, ids).values())))
        if not ids:
            fail(f"no ticket {derived}", missing)
        return ids[0]
    ticket_id = parse_ticket_ref(ref)
    if ticket_id is None:
        fail(f"{ref}: a ticket reference looks like T-7K3QX9PA", 2)
    return ticket_id
