"""Printing ``sla explain`` and ``sla simulate``: text for people, JSON for programs.

Instants are shown in the policy calendar's timezone (ISO 8601 with its offset in
JSON), so "due 10:00" means what the team's working hours mean. Policy names come
from a file people edit: they are printed as plain text, never markup.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click

from agentconsole.cli.output import counted, emit_json, table
from agentconsole.sla.durations import format_duration
from agentconsole.sla.explain import Explanation
from agentconsole.sla.model import CLOCKS, ClockState
from agentconsole.sla.simulate import Simulation
from agentconsole.store.merge_rows import merge_side
from agentconsole.store.tickets import ticket_refs
from agentconsole.textsafe import safe_line

TITLES = {
    "first_response": "first response",
    "next_response": "next response",
    "resolution": "resolution",
}


def _iso(epoch: int | None, zone: ZoneInfo) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).astimezone(zone).isoformat()


def _short(epoch: int | None, zone: ZoneInfo) -> str:
    if epoch is None:
        return "—"
    return datetime.fromtimestamp(epoch, UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def explanation_dict(ref: str, found: Explanation, into: str | None = None) -> dict[str, object]:
    """The JSON of ``sla explain``; ``into``: the ref it was merged into."""
    zone = ZoneInfo(found.timezone)
    policy = found.policy
    return {
        "ref": ref,
        "merged_into": into,
        "policy": policy.name if policy else None,
        "when": policy.when if policy else None,
        "why": _why(found, into),
        "source": found.source,
        "timezone": found.timezone,
        **{f"{name}_due": _iso(found.due(name), zone) for name in CLOCKS},
        "due": _iso(found.due_at, zone),
        "stored_due": _iso(found.stored_due, zone),
        "stored_due_current": not found.stale,
        "clocks": [
            {
                "clock": c.clock,
                "target": c.target,
                "elapsed": c.elapsed,
                "state": clock_state(c),
                "due": _iso(c.due_at if c.running else None, zone),
                "at_risk_at": _iso(c.at_risk_at, zone),
                "breached_at": _iso(c.breached_at, zone),
            }
            for c in found.clocks
        ],
        "segments": [
            {
                "clock": s.clock,
                "start": _iso(s.start, zone),
                "end": _iso(s.end, zone),
                "seconds": s.seconds,
            }
            for s in found.segments
        ],
        "pauses": [
            {"status": p.status, "start": _iso(p.start, zone), "end": _iso(p.end, zone)}
            for p in found.pauses
        ],
    }


def clock_state(clock: ClockState) -> str:
    """done (replied, solved), paused (pending), running, stopped (it counted, then
    the ticket was solved or closed without the reply it waited for: a breach it
    reached stays), or not started."""
    if clock.achieved and not clock.running:
        return "done"
    if clock.paused:
        return "paused"
    if clock.running:
        return "running"
    if clock.elapsed > 0 or clock.breached_at is not None:
        return "stopped"
    return "not started"


def _why(found: Explanation, into: str | None) -> str:
    if found.merged:
        target = into or "another"
        return f"the ticket was merged into {target}: its clocks are off (explain {target})"
    if found.policy is None:
        return "no policy's `when` matches this ticket, so no clock runs"
    skipped = "".join(f'; "{p.name}" ({p.when!r}) did not match' for p in found.skipped)
    when = f"its when {found.policy.when!r} matches" if found.policy.when else "it matches all"
    return f'first matching policy "{found.policy.name}": {when}{skipped}'


def stale_note(found: Explanation, *, in_force: bool) -> str:
    """Why the stored due time (the queue's due column) is not the one explained."""
    zone = ZoneInfo(found.timezone)
    stored = _short(found.stored_due, zone) if found.stored_due is not None else "none"
    here = _short(found.due_at, zone) if found.due_at is not None else "none"
    if in_force:
        return (
            f"stored due {stored} (the queue's) is from an older policy file, {here} by"
            " the file in force now: run agentconsole sla recompute"
        )
    return (
        f"stored due {stored} (the queue's) is by the policy file in force;"
        f" {found.source} would give {here}"
    )


def _merged_into(conn: sqlite3.Connection, found: Explanation) -> str | None:
    """The ref of the ticket a merged one went into (None when not merged)."""
    if not found.merged:
        return None
    target = merge_side(conn, found.ticket_id).merged_into
    return None if target is None else ticket_refs(conn, [target])[target]


def print_explanation(
    conn: sqlite3.Connection,
    found: Explanation,
    *,
    as_json: bool,
    in_force: bool = True,
    asked: str | None = None,
) -> None:
    """``in_force``: the policy set explained is the file in force (not ``--policies``
    naming another), so a stored due time that differs is out of date. ``asked``: the
    ref typed, when it led to another ticket (one merged into it)."""
    ref = ticket_refs(conn, [found.ticket_id])[found.ticket_id]
    into = _merged_into(conn, found)
    led = asked is not None and asked != ref
    if as_json:
        emit_json({**explanation_dict(ref, found, into), "asked": asked if led else ref})
        return
    zone = ZoneInfo(found.timezone)
    if led:
        click.echo(
            safe_line(
                f"{asked} leads to {ref} (merged into it, or its first message is there):"
                f" these are {ref}'s clocks"
            )
        )
    click.echo(safe_line(f"{ref}: {_why(found, into)}"))
    click.echo(safe_line(f"policies from {found.source}; times in {found.timezone}"))
    if found.stale:
        click.echo(safe_line(stale_note(found, in_force=in_force)))
    if not found.clocks:
        return
    click.echo("")
    rows = []
    for c in found.clocks:
        breached = _short(c.breached_at, zone) if c.breached_at is not None else "no"
        rows.append(
            [
                TITLES[c.clock],
                format_duration(c.target),
                format_duration(c.elapsed),
                clock_state(c),
                _short(c.due_at if c.running else None, zone),
                _short(c.at_risk_at, zone),
                breached,
            ]
        )
    table(["clock", "target", "counted", "state", "due", "at risk", "breached"], rows)
    if found.segments:
        click.echo("")
        table(
            ["clock", "from", "to", "counted"],
            [
                [
                    TITLES[s.clock],
                    _short(s.start, zone),
                    _short(s.end, zone),
                    format_duration(s.seconds),
                ]
                for s in found.segments
            ],
            title="business time that counted",
        )
    if found.pauses:
        click.echo("")
        table(
            ["status", "from", "to"],
            [
                [p.status, _short(p.start, zone), _short(p.end, zone) if p.end else "now"]
                for p in found.pauses
            ],
            title="pauses (the resolution clock does not count)",
        )


def simulation_dict(result: Simulation) -> dict[str, object]:
    """The JSON of ``sla simulate``."""
    return {
        "policies": result.source,
        "since": datetime.fromtimestamp(result.since, UTC).isoformat(),
        "tickets": result.tickets,
        "breached_now": result.breached_now,
        "breached_with_policies": result.breached_then,
        "by_policy": {k: vars(v) for k, v in sorted(result.by_policy.items())},
        "by_category": {k: vars(v) for k, v in sorted(result.by_category.items())},
        "newly_breached": {"count": result.newly_count, "examples": result.newly},
        "no_longer_breached": {"count": result.spared_count, "examples": result.spared},
    }


def print_simulation(result: Simulation, *, as_json: bool) -> None:
    if as_json:
        emit_json(simulation_dict(result))
        return
    click.echo(
        safe_line(
            f"{counted(result.tickets, 'ticket')} replayed under {result.source}:"
            f" {result.breached_then}"
            f" would have breached, against {result.breached_now} now"
        )
    )
    for title, groups in (
        ("policy (in the new file)", result.by_policy),
        ("category", result.by_category),
    ):
        rows = [
            [key or "(no policy)", w.tickets, w.now, w.then, f"{w.then - w.now:+d}"]
            for key, w in sorted(groups.items(), key=lambda kv: (-kv[1].then, kv[0]))
        ]
        click.echo("")
        table([title, "tickets", "breached now", "with the file", "change"], rows)
    for label, count, refs in (
        ("would breach, not now", result.newly_count, result.newly),
        ("breached now, would not", result.spared_count, result.spared),
    ):
        if count:
            more = f" and {count - len(refs)} more" if count > len(refs) else ""
            click.echo(safe_line(f"{label}: {count} ({', '.join(refs)}{more})"))
