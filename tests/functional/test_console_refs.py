"""The console shows the derived ref (the one customers will see in subjects) and finds
a ticket by it, typed loosely, in the filter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from agentconsole.app import AgentConsole
from agentconsole.screens.customers import CustomerScreen
from agentconsole.screens.ticket import TicketScreen
from tests.functional.conftest import store
from tests.functional.test_console import SIZE, filter_queue, settle, text_of


def _open_ticket(demo_db: Path) -> tuple[str, str]:
    """The derived ref and subject of an open ticket of the demo mailbox."""
    with store(demo_db) as conn:
        ref, subject = conn.execute(
            "SELECT ref, subject FROM tickets WHERE status = 'open' ORDER BY id LIMIT 1"
        ).fetchone()
    assert len(ref) == 10 and ref.startswith("T-")
    return str(ref), str(subject)


@pytest.mark.parametrize("typed", ["ref:{lower}", "{ref}", "[{lower}]", "ref:{body}"])
async def test_the_filter_finds_a_ticket_by_its_derived_ref_and_shows_it(
    console: Callable[..., AgentConsole], demo_db: Path, typed: str
) -> None:
    ref, subject = _open_ticket(demo_db)
    query = typed.format(ref=ref, lower=ref.lower(), body=ref[2:].lower())
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = await filter_queue(pilot, query)
        assert table.total == 1 and table.current is not None
        assert table.current.ref == ref
        row = "".join(segment.text for segment in table.render_line(0))
        assert row.split()[0] == ref, row
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        title = text_of(app.screen.query_one("#ticket-title", Static))
        assert title.startswith(f" {ref}  {subject}")


async def test_the_customer_card_lists_tickets_by_derived_ref(
    console: Callable[..., AgentConsole], demo_db: Path
) -> None:
    with store(demo_db) as conn:
        address, ref = conn.execute(
            "SELECT a.address, t.ref FROM tickets t JOIN customer_addresses a"
            " ON a.customer_id = t.customer_id WHERE a.address = 'nodate@example.com'"
        ).fetchone()
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot, 0.1)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press(*address, "enter")
        await settle(pilot)
        tickets = app.screen.query_one("#customer-tickets", OptionList)
        label = str(tickets.get_option_at_index(0).prompt)
        assert label.startswith(f"{ref} new ")


async def test_the_console_reads_the_sla_policies_when_it_starts(
    console: Callable[..., AgentConsole],
) -> None:
    """Read in a worker at start, not by the first change inside its write transaction
    (where ~0.4 s of reading made an import or sync wait past its 200 ms turn)."""
    from agentconsole.domain import sla

    sla.use_policy_set(None)
    app = console()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert sla._active is not None
        assert [p.name for p in sla._active.policies][-1] == "standard"
