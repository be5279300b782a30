"""The ticket query language shared by ``agentconsole tickets`` and the console's queue.

    status:open priority:urgent,high -tag:spam assignee:me after:2024-05-01 提现 "paid twice"

- ``key:value`` filters; ``key:a,b`` means a or b; a leading ``-`` negates a filter or
  a word. Keys: status, priority, category, assignee (``me``, ``none``, a name), tag,
  from (an address or part of one), customer (name, address or identifier), before /
  after (``YYYY-MM-DD``, or ``7d`` / ``12h`` ago; compared with the ticket's creation),
  ref (a derived ``T-7K3QX9PA`` in any case, or this machine's ``T-42``), due
  (``breached``: a running SLA clock is past its due time; ``risk``: the at-risk share of
  its target is used and it is not due yet; ``any``). A bare ``T-…`` is a ref too.
- Anything else is searched as full text in the ticket's messages (Chinese included).

Values are always bound as SQL parameters, never pasted into SQL.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from agentconsole.models import CATEGORIES, PRIORITIES, STATUSES, parse_ticket_ref
from agentconsole.refs import parse_ref
from agentconsole.store.cjk import MAX_TERMS, QueryError, check_size, fts_query

__all__ = ["MAX_TERMS", "SORTS", "QueryError", "TicketQuery", "compile_query", "order_by"]

_TOKEN = re.compile(r'(-?)([a-z_]+):("([^"]*)"|\S+)|(-?"[^"]*")|(\S+)', re.IGNORECASE)
_RELATIVE = re.compile(r"^(\d+)([dhw])$")
_REF = re.compile(r"^\[?[Tt]-")
"""A bare word that starts like a ref; it is one if :func:`_ref_clause` can read it
(``T-`` is required: ``TRANSFER`` alone is a word, though spelled in the alphabet)."""
KEYS = (
    "due",
    "status",
    "priority",
    "category",
    "assignee",
    "tag",
    "from",
    "customer",
    "before",
    "after",
    "ref",
)
_PRIORITY_RANK = (
    "CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
)
# Each sort is a list of (expression, direction); every one ends with the ticket id so
# that the order is total and can be walked backwards exactly (see order_by).
SORTS: dict[str, list[tuple[str, str]]] = {
    "activity": [("t.last_message_at", "DESC"), ("t.id", "DESC")],
    "due": [("t.due_at IS NULL", "ASC"), ("t.due_at", "ASC"), ("t.id", "ASC")],
    "priority": [(_PRIORITY_RANK, "ASC"), ("t.last_message_at", "DESC"), ("t.id", "DESC")],
    "created": [("t.created_at", "DESC"), ("t.id", "DESC")],
    "waiting": [
        ("t.last_customer_at IS NULL", "ASC"),
        ("t.last_customer_at", "ASC"),
        ("t.id", "ASC"),
    ],
}


def order_by(sort: str, reverse: bool = False) -> str:
    """The ORDER BY terms of a sort, or of its exact reverse."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r} (one of {', '.join(SORTS)})")
    flip = {"ASC": "DESC", "DESC": "ASC"}
    return ", ".join(
        f"{expr} {flip[direction] if reverse else direction}" for expr, direction in SORTS[sort]
    )


_EXAMPLES = {
    "status": "open",
    "priority": "high",
    "category": "withdrawal",
    "assignee": "me",
    "before": "2024-05-31",
    "after": "7d",
    "ref": "T-7K3QX9PA",
}


@dataclass(frozen=True)
class TicketQuery:
    """A compiled query: a WHERE clause over ``tickets t`` and its parameters."""

    text: str
    where: str
    params: tuple[object, ...]
    words: tuple[str, ...] = field(default_factory=tuple)


def _parse_when(value: str, key: str) -> int:
    match = _RELATIVE.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        seconds = {"h": 3600, "d": 86400, "w": 7 * 86400}[unit]
        return int(time.time()) - amount * seconds
    try:
        moment = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise QueryError(f"{key}:{value}: use a date like 2024-05-31 or an age like 7d") from None
    return int(moment.timestamp())


def _choices(key: str, values: list[str], allowed: tuple[str, ...]) -> list[str]:
    for value in values:
        if value not in allowed:
            raise QueryError(f"{key}:{value}: unknown {key} (one of {', '.join(allowed)})")
    return values


def _filter(key: str, raw: str, me: str) -> tuple[str, list[object]]:
    parts: list[str] = []
    params: list[object] = []
    values = [v.strip() for v in raw.split(",") if v.strip()]
    if not values:
        raise QueryError(f"{key}: needs a value")
    marks = ", ".join("?" for _ in values)
    lowered = [v.lower() for v in values]
    if key == "status":
        return f"t.status IN ({marks})", list(_choices(key, lowered, STATUSES))
    if key == "priority":
        return f"t.priority IN ({marks})", list(_choices(key, lowered, PRIORITIES))
    if key == "category":
        return f"t.category IN ({marks})", list(_choices(key, lowered, CATEGORIES))
    if key == "assignee":
        for value in lowered:
            if value == "none":
                parts.append("t.assignee IS NULL")
            else:  # IS NOT NULL lets the planner use the partial index on names
                parts.append("(t.assignee IS NOT NULL AND lower(t.assignee) = ?)")
                params.append(me.lower() if value == "me" else value)
        return "(" + " OR ".join(parts) + ")", params
    if key == "tag":  # the tag's index finds its tickets; EXISTS probed every ticket
        return (
            f"t.id IN (SELECT g.ticket_id FROM ticket_tags g WHERE g.tag IN ({marks}))",
            list[object](lowered),
        )
    if key == "from":
        ors = " OR ".join("p.address LIKE ? ESCAPE '\\'" for _ in values)
        return (
            f"EXISTS (SELECT 1 FROM ticket_participants p WHERE p.ticket_id = t.id AND ({ors}))",
            [f"%{_like(v)}%" for v in lowered],  # type: list[object]
        )
    if key == "customer":
        for value in lowered:
            parts.append(
                "t.customer_id IN (SELECT id FROM customers WHERE lower(name) LIKE ? ESCAPE '\\'"
                " UNION SELECT customer_id FROM customer_addresses WHERE address LIKE ?"
                " ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\'"
                " UNION SELECT customer_id FROM customer_identifiers WHERE value = ?)"
            )
            like = f"%{_like(value)}%"
            params += [like, like, like, value.upper().replace("-", "").replace(" ", "")]
        return "(" + " OR ".join(parts) + ")", params
    if key in ("before", "after"):
        if len(values) != 1:
            raise QueryError(f"{key}: takes one date")
        op = "<" if key == "before" else ">="
        return f"t.created_at {op} ?", [_parse_when(values[0], key)]
    if key == "due":
        now = int(time.time())
        parts = []
        for value in lowered:
            if value == "breached":
                parts.append("(t.due_at IS NOT NULL AND t.due_at < ?)")
                params.append(now)
            elif value == "risk":  # the instants the SLA clocks computed (domain.sla)
                parts.append("(t.due_at > ? AND t.sla_at_risk_at <= ?)")
                params += [now, now]
            elif value == "any":
                parts.append("t.due_at IS NOT NULL")
            else:
                raise QueryError(f"due:{value}: use due:breached, due:risk or due:any")
        return "(" + " OR ".join(parts) + ")", params
    if key == "ref":
        for value in values:
            clause = _ref_clause(value)
            if clause is None:
                raise QueryError(
                    f"ref:{value}: a ticket reference looks like T-7K3QX9PA (or T-42 here)"
                )
            parts.append(clause[0])
            params += clause[1]
        return "(" + " OR ".join(parts) + ")", params
    raise QueryError(f"{key}: unknown filter (filters: {', '.join(KEYS)})")


def _ref_clause(text: str) -> tuple[str, list[object]] | None:
    """The tickets a typed ref names, or None if it is no ref.

    A derived ref (forgiving, see :func:`agentconsole.refs.parse_ref`) matches the
    ticket holding it, one whose ref extends it after a collision, and one that
    holds a message whose ref it is (a merged ticket's, another machine's first
    message): what ``resolve_ref`` finds, as one indexed clause. ``T-42`` is this
    machine's row id."""
    derived = parse_ref(text)
    if derived is not None:
        return (
            "t.id IN (SELECT id FROM tickets WHERE ref >= ? AND ref < ?"
            " UNION SELECT ticket_id FROM messages WHERE ref = ?)",
            [derived, derived + "~", derived],
        )
    ticket_id = parse_ticket_ref(text)
    return None if ticket_id is None else ("t.id = ?", [ticket_id])


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_FTS_TICKETS = (
    "t.id IN (SELECT x.ticket_id FROM message_fts JOIN message_tickets x"
    " ON x.message_id = message_fts.rowid WHERE message_fts MATCH ?)"
)


def _terms(match: re.Match[str]) -> int:
    """How many terms a token adds: each value of ``key:a,b`` or ``key:"a,b"`` counts
    (a quoted value is split at its commas too)."""
    if match.group(2) is None:
        return 1
    return max(1, match.group(3).count(",") + 1)


def compile_query(text: str, *, me: str = "") -> TicketQuery:
    """Compile the query language into SQL; raise QueryError with a helpful message
    (also for more than :data:`MAX_TERMS` words and filter values, see there)."""
    clauses: list[str] = []
    params: list[object] = []
    words: list[str] = []
    tokens = list(_TOKEN.finditer(text or ""))
    check_size(sum(_terms(match) for match in tokens))
    for match in tokens:
        negate, key, value, quoted, phrase, bare = match.groups()
        if key is not None and key.lower() in KEYS:
            clause, values = _filter(key.lower(), quoted if quoted is not None else value, me)
            clauses.append(f"NOT ({clause})" if negate else clause)
            params.extend(values)
            continue
        word = phrase or bare or match.group(0)
        bare_key = word.lstrip("-")[:-1].lower()
        if word.endswith(":") and bare_key in KEYS:
            example = _EXAMPLES.get(bare_key, "x")
            raise QueryError(f"{word} needs a value, e.g. {bare_key}:{example}")
        unsigned = word.removeprefix("-")
        ref = _ref_clause(unsigned) if _REF.match(unsigned) else None
        if ref is not None:
            clauses.append(f"NOT ({ref[0]})" if unsigned != word else ref[0])
            params.extend(ref[1])
            continue
        if key is not None and key.lower() not in KEYS and ":" in word and not word.startswith('"'):
            raise QueryError(f"{key}: unknown filter (filters: {', '.join(KEYS)})")
        words.append(word)
    positive = [w for w in words if not w.startswith("-")]
    negative = [w[1:] for w in words if w.startswith("-") and len(w) > 1]
    if positive:
        expression = fts_query(" ".join(positive))
        if expression:
            clauses.append(_FTS_TICKETS)
            params.append(expression)
    for word in negative:
        expression = fts_query(word)
        if expression:
            clauses.append(f"NOT {_FTS_TICKETS}")
            params.append(expression)
    where = " AND ".join(f"({c})" for c in clauses) if clauses else "1"
    return TicketQuery(text=text, where=where, params=tuple(params), words=tuple(words))
