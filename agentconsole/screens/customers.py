"""Customer lookup: find anyone by address, name, phone, account or transaction id."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from agentconsole.screens.actions import ConsoleScreen
from agentconsole.screens.events import (
    ActionFailed,
    CustomerLoaded,
    CustomersFound,
    CustomersMerged,
)
from agentconsole.screens.pickers import PromptModal
from agentconsole.screens.workers import console_worker
from agentconsole.service import CustomerCard
from agentconsole.timefmt import duration, when
from agentconsole.widgets.safe import mail_line


class CustomerScreen(ConsoleScreen):
    """Type to search; the card shows who they are and every ticket they opened."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="customers.back", tooltip="Back"),
        Binding("/", "search", "Search", id="customers.search", tooltip="Type a new search"),
        Binding(
            "m",
            "merge",
            "Merge",
            id="customers.merge",
            tooltip="Merge another customer into this one",
        ),
    ]

    def __init__(self, query: str = "", customer_id: int | None = None) -> None:
        super().__init__()
        self.initial_query = query
        self.initial_id = customer_id
        self.card: CustomerCard | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(" Customers ", style="bold reverse"), id="customers-title")
        yield Input(
            value=self.initial_query,
            id="lookup",
            placeholder="e-mail, name, phone, account, order or transaction id",
        )
        with Horizontal():
            yield OptionList(id="results", markup=False)
            with Vertical(id="card-pane"):
                yield Static("Type a search and press enter.", id="card", markup=False)
                yield OptionList(id="customer-tickets", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        if self.initial_id is not None:
            self.load_card(self.initial_id)
            self.query_one("#customer-tickets").focus()
        else:
            self.query_one("#lookup").focus()
            if self.initial_query:
                self.search(self.initial_query)

    @on(Input.Submitted, "#lookup")
    def submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.search(event.value.strip())

    @console_worker("search the customers", group="customer-search", exclusive=True)
    def search(self, query: str) -> None:
        self.post_message(CustomersFound(query, self.console.service.find_customers(query)))

    def on_customers_found(self, message: CustomersFound) -> None:
        results = self.query_one("#results", OptionList)
        results.clear_options()
        for customer in message.customers:
            label = mail_line(customer.name or "(no name)", style="bold")
            label.append("  ")
            label.append_text(mail_line(", ".join(customer.addresses[:2]), style="dim"))
            results.add_option(Option(label, id=str(customer.id)))
        if message.customers:
            results.highlighted = 0
            results.focus()
            self.load_card(message.customers[0].id)
        else:
            self.query_one("#card", Static).update(
                mail_line(f"No customer matches {message.query!r}")
            )

    @on(OptionList.OptionHighlighted, "#results")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.load_card(int(event.option.id))

    @console_worker("open the customer's card", group="customer-card", exclusive=True)
    def load_card(self, customer_id: int) -> None:
        self.post_message(CustomerLoaded(self.console.service.customer_card(customer_id)))

    def on_customer_loaded(self, message: CustomerLoaded) -> None:
        self.card = card = message.card
        customer, stats = card.customer, card.stats
        text = Text()
        text.append(f"C-{customer.id}  ", style="bold")
        text.append_text(mail_line(customer.name or "(no name)", style="bold"))
        text.append("\n")
        for name in customer.names[1:]:
            text.append_text(mail_line(f"also: {name}", style="dim"))
            text.append("\n")
        for address in customer.addresses:
            text.append_text(mail_line(f"✉ {address}"))
            text.append("\n")
        for kind, value in customer.identifiers:
            text.append(f"{kind:<12}", style="dim")
            text.append_text(mail_line(value))
            text.append("\n")
        text.append(f"\nopen tickets {stats.open_tickets} of {stats.total_tickets}", style="bold")
        text.append(f"\nlast contact {when(stats.last_contact_at) or '-'}")
        usual = duration(stats.median_first_response_s) if stats.median_first_response_s else "-"
        text.append(f"\nwe usually answer in {usual}")
        self.query_one("#card", Static).update(text)
        tickets = self.query_one("#customer-tickets", OptionList)
        tickets.clear_options()
        for ticket in card.tickets:
            label = Text(f"{ticket.ref:<11}{ticket.status:<9}", style="bold")
            label.append_text(mail_line(ticket.subject, limit=60))
            tickets.add_option(Option(label, id=str(ticket.id)))

    @on(OptionList.OptionSelected, "#customer-tickets")
    def open_ticket(self, event: OptionList.OptionSelected) -> None:
        from agentconsole.screens.ticket import TicketScreen

        if event.option.id and self.card:
            ids = [t.id for t in self.card.tickets]
            index = ids.index(int(event.option.id))
            query = (
                f"customer:{self.card.customer.addresses[0]}"
                if self.card.customer.addresses
                else ""
            )
            self.app.push_screen(
                TicketScreen(int(event.option.id), index, query, "activity", len(ids))
            )

    @on(OptionList.OptionSelected, "#results")
    def choose_result(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#customer-tickets").focus()

    def action_search(self) -> None:
        self.query_one("#lookup").focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_merge(self) -> None:
        card = self.card
        if card is None:
            self.notify("Open a customer first", severity="warning")
            return

        def chosen(value: str | None) -> None:
            if value and value.strip():
                self.merge(card.customer.id, value.strip())

        self.app.push_screen(
            PromptModal(
                f"Merge into C-{card.customer.id}",
                placeholder="C-12 or an address",
                help_text="the other customer's addresses, ids and tickets move here",
            ),
            chosen,
        )

    @console_worker("merge the customers", group="customer-merge", exclusive=True)
    def merge(self, keep: int, other: str) -> None:
        service = self.console.service
        text = other.upper().removeprefix("C-").removeprefix("C")
        if text.isdigit():
            merge_id = int(text)
        else:
            found = service.find_customers(other)
            if len(found) != 1:
                self.post_message(
                    ActionFailed(f"{len(found)} customers match {other!r}: use C-number")
                )
                return
            merge_id = found[0].id
        service.merge_customers(keep, merge_id)
        self.post_message(CustomersMerged(keep, merge_id))

    def on_customers_merged(self, message: CustomersMerged) -> None:
        self.notify(f"Merged C-{message.merged} into C-{message.keep}")
        self.load_card(message.keep)
