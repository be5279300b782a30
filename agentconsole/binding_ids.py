"""Every key binding id of the console, as plain data the headless core can read.

The config's ``[keymap]`` remaps keys by these ids (``"ticket.assign" = "A"``), and the
config is checked without importing Textual, so the ids live here rather than only on
the screens' ``Binding`` objects. ``tests/functional/test_binding_ids.py`` collects the
ids from the real screens and fails when this list and they differ.
"""

from __future__ import annotations

BINDING_IDS: frozenset[str] = frozenset(
    {
        "app.customers",
        "app.help",
        "app.quit",
        "customers.back",
        "customers.merge",
        "customers.search",
        "help.close",
        "picker.cancel",
        "picker.down",
        "picker.up",
        "prompt.cancel",
        "queue.bottom",
        "queue.clear",
        "queue.down",
        "queue.filter",
        "queue.open",
        "queue.page_down",
        "queue.page_up",
        "queue.reload",
        "queue.select",
        "queue.sort",
        "queue.top",
        "queue.unfilter",
        "queue.up",
        "queue.view_7",
        "queue.view_8",
        "queue.view_9",
        "queue.view_mine",
        "queue.view_open",
        "queue.view_pending",
        "queue.view_risk",
        "queue.view_solved",
        "queue.view_unassigned",
        "ticket.assign",
        "ticket.back",
        "ticket.category",
        "ticket.customer",
        "ticket.escalate",
        "ticket.first",
        "ticket.fold",
        "ticket.last",
        "ticket.message_down",
        "ticket.message_up",
        "ticket.next",
        "ticket.previous",
        "ticket.priority",
        "ticket.reveal",
        "ticket.save",
        "ticket.status",
        "ticket.tags",
        "ticket.undo",
    }
)
