"""Escalation rules: what happens to a ticket whose clock is at risk or breached.

``[[escalations]]`` in a policy file: ``on`` ("at_risk" or "breach"), optional
``when`` (the ticket query language) and ``clocks``, then the actions: raise the
priority one step or set it, add a tag, assign to an agent. Track D applies them when
it records the at-risk and breach events; this module only reads and checks them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, cast

from agentconsole.models import PRIORITIES
from agentconsole.sla.model import CLOCKS, ClockName
from agentconsole.sla.tomlplaces import LineOf

EscalationOn = Literal["at_risk", "breach"]
ESCALATION_KEYS = (
    "name",
    "on",
    "when",
    "clocks",
    "raise_priority",
    "priority",
    "add_tag",
    "assign_to",
)
_TAG = re.compile(r"^[\w.-]+$")


@dataclass(frozen=True, slots=True)
class EscalationRule:
    """One ``[[escalations]]`` entry: when a clock of a ticket matching ``when``
    becomes at risk or breached, raise or set its priority, tag it, assign it."""

    on: EscalationOn
    when: str = ""
    clocks: tuple[ClockName, ...] = CLOCKS
    raise_priority: bool = False
    priority: str | None = None
    add_tag: str | None = None
    assign_to: str | None = None
    name: str = ""


class Reader(Protocol):
    """What reading escalations needs of the policy file's reader."""

    def problem(self, where: str, what: str, *, line: int | None = None) -> None: ...

    def array_line(self, kind: str, index: int, key: str | None = None) -> int | None: ...

    def unknown_keys(
        self,
        table: dict[str, object],
        known: Sequence[str],
        where: str,
        line: LineOf,
    ) -> None: ...

    def query(self, when: object, where: str, line: int | None) -> str | None: ...


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def read_escalations(reader: Reader, value: object) -> tuple[EscalationRule, ...]:
    """The ``[[escalations]]`` rules; problems go to ``reader``."""
    if not isinstance(value, list):
        reader.problem("escalations", "must be [[escalations]] tables")
        return ()
    rules = [_escalation(reader, index, table) for index, table in enumerate(value)]
    return tuple(rule for rule in rules if rule is not None)


def _escalation(reader: Reader, index: int, table: object) -> EscalationRule | None:
    def line(key: str | None = None) -> int | None:
        return reader.array_line("escalations", index, key)

    where = f"escalation #{index + 1}"
    if not isinstance(table, dict):
        reader.problem(where, "must be a table: [[escalations]]", line=line())
        return None
    reader.unknown_keys(table, ESCALATION_KEYS, where, line)
    ok = True
    on = table.get("on")
    if on not in ("at_risk", "breach"):
        said = "needs on" if on is None else f"on = {on!r}:"
        reader.problem(where, f'{said} write on = "at_risk" or on = "breach"', line=line("on"))
        ok = False
    when = reader.query(table.get("when", ""), where, line("when"))
    clocks = table.get("clocks", list(CLOCKS))
    if isinstance(clocks, str):
        clocks = [clocks]
    if not isinstance(clocks, list) or not clocks or any(c not in CLOCKS for c in clocks):
        reader.problem(
            where, f"clocks = {clocks!r}: a list of {_quoted(CLOCKS)}", line=line("clocks")
        )
        ok = False
    raise_priority = table.get("raise_priority", False)
    if not isinstance(raise_priority, bool):
        reader.problem(where, "raise_priority must be true or false", line=line("raise_priority"))
        ok = False
    priority = table.get("priority")
    if priority is not None and priority not in PRIORITIES:
        reader.problem(
            where,
            f"priority = {priority!r}: one of {_quoted(PRIORITIES)}",
            line=line("priority"),
        )
        ok = False
    if priority is not None and raise_priority is True:
        reader.problem(
            where,
            "give raise_priority = true or priority = ..., not both",
            line=line("priority"),
        )
        ok = False
    tag = table.get("add_tag")
    if tag is not None and (not isinstance(tag, str) or not _TAG.match(tag)):
        reader.problem(
            where,
            f'add_tag = {tag!r}: one word, e.g. add_tag = "sla-breached"',
            line=line("add_tag"),
        )
        ok = False
    assignee = table.get("assign_to")
    if assignee is not None and (not isinstance(assignee, str) or not assignee.strip()):
        reader.problem(
            where,
            'assign_to must be an agent name, e.g. assign_to = "lead"',
            line=line("assign_to"),
        )
        ok = False
    if not (raise_priority or priority or tag or assignee):
        reader.problem(
            where,
            'does nothing: give raise_priority = true, priority = "urgent", add_tag = "..." '
            'or assign_to = "..."',
            line=line(),
        )
        ok = False
    name = table.get("name", "")
    if not ok or when is None:
        return None
    return EscalationRule(
        on=cast(EscalationOn, on),
        when=when,
        clocks=tuple(cast(list[ClockName], clocks)),
        raise_priority=bool(raise_priority),
        priority=cast(str | None, priority),
        add_tag=cast(str | None, tag),
        assign_to=cast(str | None, assignee),
        name=str(name),
    )


def raised(priority: str) -> str:
    """One step up, as ``raise_priority = true`` means: low -> normal -> high -> urgent
    (urgent stays urgent; an unknown value is left alone)."""
    if priority not in PRIORITIES:
        return priority
    return PRIORITIES[max(0, PRIORITIES.index(priority) - 1)]


def priority_after(rule: EscalationRule, priority: str) -> str:
    """The ticket's priority once ``rule`` applied: set, raised one step, or as it was."""
    if rule.priority is not None:
        return rule.priority
    return raised(priority) if rule.raise_priority else priority
