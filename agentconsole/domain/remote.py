"""Applying a teammate's change read from the shared event log, and choosing which of
this machine's changes the log carries.

Each remote event is applied once (its UUID), in log order, by the rule every machine
follows: for each ticket field and each tag, the last event in log order wins. A change
made here and not yet published will land after everything already in the log, so a
remote event for the same field or tag is recorded in the history but does not
overwrite it. Everything this records while applying an entry takes that entry's log
position and is kept out of the publishing queue, so nothing read from the log is
published again (docs/design/team-log.md).
"""

from __future__ import annotations

import base64
import binascii
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agentconsole.domain import claims
from agentconsole.domain.merge import MergeError, by_first_message, merge_tickets
from agentconsole.domain.outgoing import OutgoingMessage, add_note
from agentconsole.domain.tickets import FIELDS, solved_at_after
from agentconsole.store.events import record_event
from agentconsole.store.remote_events import (
    LogEvent,
    add_pending,
    adopt_events_after,
    customer_by_key,
    drop_pending,
    is_pending,
    known_event,
    last_event_id,
    machine_id,
    message_by_key,
    pending_events,
    register_events,
    set_log_seq,
    take_identity,
)
from agentconsole.store.ticket_rows import add_tag, remove_tag, set_columns, ticket_field
from agentconsole.store.tickets import resolve_ref

TAG_KINDS = ("tag_added", "tag_removed")
MERGED = "ticket_merged"
NOTE = "note_added"
HISTORY_ONLY = ("escalated", "acknowledged")
"""Kinds recorded in the history and changing nothing themselves (an escalation's
priority and tag travel as their own events; an acknowledgement sent by one machine
tells the others' acknowledgement pass that the ticket has had one)."""
PUBLISHED = (*FIELDS, *TAG_KINDS, *HISTORY_ONLY, MERGED, NOTE, *claims.KINDS)
"""The kinds of agents' changes the log carries."""
MAX_TAG_LENGTH = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Characters no name or tag from a teammate may hold (they would reach a terminal)."""
MAX_ASSIGNEE_LENGTH = 200
NOTE_RAW = "raw"
"""The key of a published ``note_added`` event's data holding the note's bytes
(base64), added by the publisher; it never goes into a history."""

NoteBuilder = Callable[[sqlite3.Connection, int, bytes], OutgoingMessage]
"""Turns a note's bytes into the message to store on a ticket (prepared as import
prepares mail); ValueError when they cannot be read. Given by the sync layer, which
may use the import's parsing: the domain layer does not."""


def publishable(event: LogEvent) -> bool:
    """Whether one of this machine's events goes to the shared log.

    A field change with a ``reason`` follows from something every machine sees itself
    (mail arriving, a reply, a merge), so only direct changes travel; of a merge's two
    ``ticket_merged`` events only the survivor's does."""
    if event.kind not in PUBLISHED or event.ticket_ref is None:
        return False
    if event.kind in FIELDS:
        return "reason" not in event.data
    if event.kind == MERGED:
        return event.data.get("survivor") == event.ticket_ref
    if event.kind == NOTE:
        return event.message_key is not None
    return True


@dataclass(frozen=True, slots=True)
class Applied:
    """What applying one log entry did: ``outcome`` is one of applied, superseded
    (recorded; a later change of the same field holds), recorded (history only),
    own (this machine's event came back), duplicate, pending (its ticket is not
    here yet) or skipped (``detail`` says why)."""

    uuid: str
    kind: str
    outcome: str
    detail: str = ""


def apply_event(
    conn: sqlite3.Connection,
    event: LogEvent,
    log_seq: int,
    *,
    now: int,
    notes: NoteBuilder | None = None,
) -> Applied:
    """Apply one event read from the log at ``log_seq``. The caller holds the write
    transaction and calls in log order; a bad event is skipped, never raised. Without
    ``notes`` a teammate's internal note is kept in the history only."""
    known = known_event(conn, event.uuid)
    if known is not None:
        if known.log_seq is not None:
            return Applied(event.uuid, event.kind, "duplicate")
        set_log_seq(conn, known.event_id, log_seq)
        detail = ""
        if event.kind in claims.KINDS and known.origin == machine_id(conn):
            detail = _decide_claim(conn, event, log_seq)
        return Applied(event.uuid, event.kind, "own", detail)
    if is_pending(conn, event.uuid):
        return Applied(event.uuid, event.kind, "duplicate")
    problem = _invalid(event)
    if problem:
        return Applied(event.uuid, event.kind, "skipped", problem)
    return _apply_new(conn, event, log_seq, now=now, notes=notes)


def apply_pending(
    conn: sqlite3.Connection, *, now: int, notes: NoteBuilder | None = None
) -> list[Applied]:
    """Apply, in log order, the waiting events whose ticket has arrived since (call
    after new mail is stored; the caller holds the write transaction)."""
    done: list[Applied] = []
    for event, log_seq in pending_events(conn):
        if not _tickets_here(conn, event):
            continue
        drop_pending(conn, event.uuid)
        done.append(_apply_new(conn, event, log_seq, now=now, notes=notes))
    return done


def _invalid(event: LogEvent) -> str:
    """Why an event cannot be applied, or ''."""
    data = event.data
    if event.kind not in PUBLISHED:
        return f"unknown kind {event.kind!r}"
    if event.ticket_ref is None:
        return "no ticket ref"
    if event.kind in FIELDS:
        allowed = FIELDS[event.kind]
        value = data.get("to")
        if allowed is not None and value not in allowed:
            return f"{event.kind} {value!r} is not one of {', '.join(allowed)}"
        if allowed is None and not (
            value is None or (isinstance(value, str) and 0 < len(value) <= MAX_ASSIGNEE_LENGTH)
        ):
            return "assignee is not a name"
        if isinstance(value, str) and _CONTROL.search(value):
            return f"{event.kind} holds control characters"
    if event.kind in TAG_KINDS:
        tag = data.get("tag")
        if not isinstance(tag, str) or tag != tag.strip().lower() or not tag:
            return "tag is not a trimmed lower-case name"
        if len(tag) > MAX_TAG_LENGTH:
            return "tag is too long"
        if _CONTROL.search(tag):
            return "tag holds control characters"
    if event.kind in claims.KINDS:
        try:
            if claims.clean_agent(str(data.get("agent", ""))) != data.get("agent"):
                return "claim agent is not a trimmed name"
        except ValueError as exc:
            return f"claim: {exc}"
    if event.kind == NOTE and not isinstance(data.get(NOTE_RAW, ""), str):
        return "note bytes are not base64 text"
    if event.kind == MERGED and not all(
        isinstance(data.get(side), str) for side in ("survivor", "absorbed")
    ):
        return "merge without both refs"
    return ""


def _ticket(conn: sqlite3.Connection, ref: object) -> int | None:
    if not isinstance(ref, str):
        return None
    found = resolve_ref(conn, ref)
    return found[0] if len(found) == 1 else None


def _tickets_here(conn: sqlite3.Connection, event: LogEvent) -> bool:
    refs: list[Any] = [event.ticket_ref]
    if event.kind == MERGED:
        refs = [event.data.get("survivor"), event.data.get("absorbed")]
    return all(_ticket(conn, ref) is not None for ref in refs)


def _apply_new(
    conn: sqlite3.Connection,
    event: LogEvent,
    log_seq: int,
    *,
    now: int,
    notes: NoteBuilder | None,
) -> Applied:
    if not _tickets_here(conn, event):
        add_pending(conn, event, log_seq, now)
        return Applied(event.uuid, event.kind, "pending", "its ticket is not here yet")
    ticket_id = _ticket(conn, event.ticket_ref)
    assert ticket_id is not None
    before = last_event_id(conn)
    outcome, detail = "applied", ""
    if event.kind in FIELDS:
        outcome = _set_field(conn, ticket_id, event, log_seq)
    elif event.kind in TAG_KINDS:
        outcome = _set_tag(conn, ticket_id, event, log_seq)
    elif event.kind == MERGED:
        outcome, detail, ticket_id = _merge(conn, event, now)
    elif event.kind in HISTORY_ONLY:
        outcome = "recorded"
    elif event.kind == NOTE:
        outcome, detail = _add_note(conn, ticket_id, event, notes)
    if outcome != "applied" or event.kind != NOTE:
        _record(conn, event, ticket_id)
    if event.kind in claims.KINDS:
        detail = _decide_claim(conn, event, log_seq)
    adopt_events_after(conn, before, log_seq)
    return Applied(event.uuid, event.kind, outcome, detail)


def _record(conn: sqlite3.Connection, event: LogEvent, ticket_id: int) -> None:
    """The remote event in this history, under its own UUID, actor and origin."""
    record_event(
        conn,
        event.kind,
        actor=event.actor,
        ticket_id=ticket_id,
        customer_id=customer_by_key(conn, event.customer_key) if event.customer_key else None,
        message_id=message_by_key(conn, event.message_key) if event.message_key else None,
        data={k: v for k, v in event.data.items() if k != NOTE_RAW},
        at=event.at,
        uuid=event.uuid,
        origin=event.origin,
    )


def _later_change_held(
    conn: sqlite3.Connection, ticket_id: int, kinds: tuple[str, ...], tag: str | None, seq: int
) -> bool:
    """Whether this database holds a change of the same field (or tag) that comes after
    log position ``seq``: one later in the log, or one of ours still to be published."""
    for held in register_events(conn, ticket_id, kinds):
        if tag is not None and held.event.data.get("tag") != tag:
            continue
        if held.log_seq is not None and held.log_seq > seq:
            return True
        if held.queued and publishable(held.event):
            return True
    return False


def _set_field(conn: sqlite3.Connection, ticket_id: int, event: LogEvent, seq: int) -> str:
    if _later_change_held(conn, ticket_id, (event.kind,), None, seq):
        return "superseded"
    value = event.data.get("to")
    values: dict[str, object] = {event.kind: value, "updated_at": event.at}
    if event.kind == "status":
        old = ticket_field(conn, ticket_id, "status")
        solved_at = ticket_field(conn, ticket_id, "solved_at")
        assert old is not None and isinstance(value, str)
        values["solved_at"] = solved_at_after(
            old, value, int(solved_at) if solved_at is not None else None, event.at
        )
    set_columns(conn, ticket_id, values)
    return "applied"


def _set_tag(conn: sqlite3.Connection, ticket_id: int, event: LogEvent, seq: int) -> str:
    tag = str(event.data["tag"])
    if _later_change_held(conn, ticket_id, TAG_KINDS, tag, seq):
        return "superseded"
    if event.kind == "tag_added":
        add_tag(conn, ticket_id, tag)
    else:
        remove_tag(conn, ticket_id, tag)
    set_columns(conn, ticket_id, {"updated_at": event.at})
    return "applied"


def _merge(conn: sqlite3.Connection, event: LogEvent, now: int) -> tuple[str, str, int]:
    """Merge the two tickets the event names, survivor chosen as every merge chooses
    it; already one ticket here (import linked them too): history only."""
    sides = [_ticket(conn, event.data.get(side)) for side in ("survivor", "absorbed")]
    ids = sorted({i for i in sides if i is not None})
    if len(ids) < 2:
        return "recorded", "merged here already", ids[0]
    survivor, absorbed = by_first_message(conn, ids)
    try:
        merge_tickets(
            conn,
            survivor,
            absorbed,
            actor=event.actor,
            reason=str(event.data.get("reason", "merged by a teammate")),
            now=now,
        )
    except MergeError as exc:
        return "recorded", str(exc), survivor
    return "applied", "", survivor


def _add_note(
    conn: sqlite3.Connection, ticket_id: int, event: LogEvent, notes: NoteBuilder | None
) -> tuple[str, str]:
    """Store a teammate's note on the ticket; its ``note_added`` event takes the
    remote event's identity (one event, the same UUID on every machine)."""
    text = event.data.get(NOTE_RAW)
    if notes is None or not isinstance(text, str):
        return "recorded", "the note's text did not travel with it"
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
        message = notes(conn, ticket_id, raw)
    except (binascii.Error, UnicodeError, ValueError) as exc:
        return "recorded", f"the note cannot be read: {exc}"
    before = last_event_id(conn)
    add_note(conn, ticket_id, message, actor=event.actor, now=event.at)
    take_identity(conn, before, NOTE, event.uuid, event.origin)
    return "applied", ""


def _decide_claim(conn: sqlite3.Connection, event: LogEvent, log_seq: int) -> str:
    ticket_id = _ticket(conn, event.ticket_ref)
    agent = event.data.get("agent")
    if ticket_id is None or not isinstance(agent, str):
        return "no ticket or agent"
    return claims.decide(conn, ticket_id, event.kind, agent, event.uuid, log_seq)
