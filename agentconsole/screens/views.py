"""The queue's views, and what the queue says when one of them is empty.

A view is a saved query on one key; the agent's ``/`` filter narrows the view it is
typed in (both queries apply), so a filter on "All open" never shows a pending ticket.
An empty queue is never a blank screen: it says why it is empty and which keys lead on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    key: str
    """Names the binding (``queue.view_<key>``) of a default view."""
    label: str
    query: str
    empty: str = ""
    """Why the view is empty, in the agent's words ("" for a view from the config)."""


DEFAULT_VIEWS: list[View] = [
    View(
        "mine",
        "My open",
        "assignee:me status:new,open,pending",
        "No open tickets are assigned to you.",
    ),
    View(
        "unassigned",
        "Unassigned",
        "assignee:none status:new,open",
        "Every new or open ticket has an assignee.",
    ),
    View("open", "All open", "status:new,open", "No new or open tickets: the queue is clear."),
    View("pending", "Pending", "status:pending", "No ticket is waiting for a customer's reply."),
    View(
        "risk",
        "At risk / breached",
        "due:risk,breached -status:solved,closed",
        "No ticket is at risk of missing its SLA, or past it.",
    ),
    View("solved", "Solved", "status:solved,closed", "No solved or closed tickets yet."),
    View(  # tagged by domain.sla_escalation when a customer asks for someone senior
        "escalation",
        "Escalation requested",
        "tag:wants-supervisor -status:solved,closed",
        "No customer is waiting for a supervisor or a senior agent.",
    ),
]
OPEN_VIEW = 2
"""The view the queue opens on: All open."""

EMPTY_STORE = """\
This database holds no mail yet.

Import a mailbox export (mbox, Gmail Takeout, Maildir or .eml files):
    agentconsole import ~/exports/support.mbox

Or try the console on the bundled demo mailbox:
    agentconsole demo

ctrl+q quits.
"""


def join_query(view_query: str, filter_text: str) -> str:
    """The query the queue runs: the view's, narrowed by the filter (the filter comes
    last, so an unclosed quote in it cannot swallow the view's terms)."""
    return f"{view_query} {filter_text}".strip()


def empty_view_text(view: View, filter_text: str, keys: list[tuple[str, str]]) -> str:
    """Why the view shows no ticket, and what to press: ``keys`` are (key, what) pairs
    as currently mapped, e.g. ("2", "unassigned")."""
    if filter_text:
        reason = f"No ticket in {view.label} matches the filter: {filter_text}"
    elif view.empty:
        reason = view.empty
    else:
        reason = f"No ticket matches the view {view.label}: {view.query or '(all)'}"
    return reason + "\n\n" + " · ".join(f"{key}: {what}" for key, what in keys)
