"""The schema, as ordered migrations.

Each migration runs once, in order, inside its own write transaction, and is recorded
in ``schema_migrations``; a database made by an older release is brought up to date
when it is opened. Never edit a released migration: add the next one.

Design notes that later features rely on:
- ``messages.id`` is an ``INTEGER PRIMARY KEY`` (a rowid alias) and is the rowid of the
  contentless FTS table, so joining search hits to messages is a rowid lookup.
- ``events.uuid`` makes every change replayable from a shared log without duplicates
  (team sync); ``events.origin`` says where a replayed event came from.
- ``tickets.due_at`` is the SLA due time, filled in by the SLA engine (migration 10).
- Instants are integers (seconds since the epoch, UTC).
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable, Sequence

from agentconsole.refs import REF_LENGTH, message_ref

_V1 = """
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    last_contact_at INTEGER,
    merged_into INTEGER REFERENCES customers(id)
);
CREATE TABLE customer_addresses (
    address TEXT PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_addresses_customer ON customer_addresses(customer_id);
CREATE TABLE customer_identifiers (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    first_message_id INTEGER,
    PRIMARY KEY (kind, value, customer_id)
) WITHOUT ROWID;
CREATE INDEX customer_identifiers_value ON customer_identifiers(value);
CREATE INDEX customer_identifiers_customer ON customer_identifiers(customer_id);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL DEFAULT '',
    norm_subject TEXT NOT NULL DEFAULT '',
    customer_id INTEGER REFERENCES customers(id),
    status TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'open', 'pending', 'solved', 'closed')),
    priority TEXT NOT NULL DEFAULT 'normal'
        CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    category TEXT NOT NULL DEFAULT 'other',
    assignee TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    first_response_at INTEGER,
    last_customer_at INTEGER,
    last_agent_at INTEGER,
    last_message_at INTEGER,
    solved_at INTEGER,
    due_at INTEGER,
    message_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tickets_status_activity ON tickets(status, last_message_at);
CREATE INDEX tickets_activity ON tickets(last_message_at);
CREATE INDEX tickets_customer ON tickets(customer_id);
CREATE INDEX tickets_assignee ON tickets(assignee, status);
CREATE INDEX tickets_subject ON tickets(norm_subject, customer_id);
CREATE INDEX tickets_due ON tickets(due_at);
CREATE INDEX tickets_category ON tickets(category, status);
CREATE TABLE ticket_tags (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags(tag);
CREATE TABLE ticket_participants (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    address TEXT NOT NULL,
    PRIMARY KEY (ticket_id, address)
) WITHOUT ROWID;

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    dedupe_key BLOB NOT NULL UNIQUE,
    message_id TEXT,
    ticket_id INTEGER REFERENCES tickets(id),
    customer_id INTEGER REFERENCES customers(id),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out', 'note')),
    auto_kind TEXT,
    auto_reason TEXT,
    from_name TEXT NOT NULL DEFAULT '',
    from_addr TEXT NOT NULL DEFAULT '',
    to_json TEXT NOT NULL DEFAULT '[]',
    cc_json TEXT NOT NULL DEFAULT '[]',
    recipients_total INTEGER NOT NULL DEFAULT 0,
    subject TEXT NOT NULL DEFAULT '',
    date INTEGER,
    date_source TEXT NOT NULL DEFAULT 'header',
    imported_at INTEGER NOT NULL,
    in_reply_to TEXT,
    references_json TEXT NOT NULL DEFAULT '[]',
    body_text TEXT NOT NULL DEFAULT '',
    has_html INTEGER NOT NULL DEFAULT 0,
    attachment_count INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('ok', 'degraded', 'quarantined')),
    problems_json TEXT NOT NULL DEFAULT '[]',
    thread_rule TEXT NOT NULL DEFAULT '',
    thread_detail TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_message_id ON messages(message_id);
CREATE INDEX messages_ticket ON messages(ticket_id, date);
CREATE INDEX messages_customer ON messages(customer_id);
CREATE INDEX messages_status ON messages(status) WHERE status != 'ok';
CREATE TABLE raw_messages (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id),
    compression TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    part_index INTEGER NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    ticket_id INTEGER,
    customer_id INTEGER,
    message_id INTEGER,
    data TEXT NOT NULL DEFAULT '{}',
    origin TEXT NOT NULL DEFAULT 'local'
);
CREATE INDEX events_ticket ON events(ticket_id, id);
CREATE INDEX events_customer ON events(customer_id);

-- message id -> ticket id in rows of a few bytes: the ticket filter's free text maps
-- tens of thousands of search hits to tickets, and reading wide message rows for it
-- was ten times slower.
CREATE TABLE message_tickets (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id)
);
CREATE INDEX message_tickets_ticket ON message_tickets(ticket_id);

CREATE VIRTUAL TABLE message_fts USING fts5(
    subject, sender, body, content='', tokenize='unicode61 remove_diacritics 2'
);
"""

_V2 = """
-- Every place a message was seen: a file and byte offset, or an IMAP account, folder,
-- UIDVALIDITY and UID. Unique on the locator, so importing the same copy again adds
-- nothing; a second copy of a stored message adds a row here, not a message.
CREATE TABLE message_locations (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    kind TEXT NOT NULL CHECK (kind IN ('mbox', 'maildir', 'eml', 'imap')),
    path TEXT NOT NULL DEFAULT '',
    byte_offset INTEGER NOT NULL DEFAULT 0,
    account TEXT NOT NULL DEFAULT '',
    folder TEXT NOT NULL DEFAULT '',
    uidvalidity INTEGER NOT NULL DEFAULT 0,
    uid INTEGER NOT NULL DEFAULT 0,
    seen_at INTEGER NOT NULL,
    UNIQUE (kind, path, byte_offset, account, folder, uidvalidity, uid)
);
CREATE INDEX message_locations_message ON message_locations(message_id);
-- Messages stored before the dedupe key took the content into account: the next
-- import computes their new key from the stored raw bytes (ingest.rekey), so a copy
-- imported later is still recognised as the same message.
CREATE TABLE messages_to_rekey (message_id INTEGER PRIMARY KEY);
INSERT INTO messages_to_rekey (message_id) SELECT id FROM messages;
"""

_V3 = """
-- Identity that holds across a team (docs/design/identity.md): refs and keys derived
-- from the mail, the same on every machine; local integer ids stay inside SQL.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
ALTER TABLE messages ADD COLUMN ref TEXT;
CREATE INDEX messages_ref ON messages(ref);
ALTER TABLE tickets ADD COLUMN ref TEXT;
ALTER TABLE customers ADD COLUMN key TEXT;
CREATE INDEX customers_key ON customers(key);
ALTER TABLE events ADD COLUMN ticket_ref TEXT;
ALTER TABLE events ADD COLUMN message_key TEXT;
ALTER TABLE events ADD COLUMN customer_key TEXT;
ALTER TABLE events ADD COLUMN log_seq INTEGER
"""


_V6 = """
-- The queue's filters at 100,000 tickets (benchmarks/bench_console.py), each answered
-- from an index instead of reading ticket rows (tests/unit/test_query_plans.py).
-- category with priority ('category:withdrawal priority:urgent,high'), within a view
-- by status too: counted from the index alone, the first page sorted from it.
CREATE INDEX tickets_category_priority ON tickets(category, priority, status, last_message_at);
-- priority alone ('priority:urgent'), which read every ticket.
CREATE INDEX tickets_priority ON tickets(priority, last_message_at);
-- an agent's tickets ('assignee:me', the 'My open' view): the query compares names
-- without case, lower(assignee), which the plain index on assignee cannot serve, so
-- it walked every ticket in activity order to find a few. Partial: only assigned
-- tickets are in it, so the planner takes it even while nobody is assigned yet.
CREATE INDEX tickets_assignee_name ON tickets(lower(assignee), status, last_message_at)
    WHERE assignee IS NOT NULL;
-- statistics for the new indexes now, not only after the next import
ANALYZE tickets;
"""


_V7 = """
-- Compose (issue 7). A draft is saved as the agent types, so closing the pane, a crash
-- or quitting never loses a reply; it remembers the message it answers.
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    mode TEXT NOT NULL CHECK (mode IN ('reply', 'reply_all', 'forward', 'note')),
    answers_message_id INTEGER REFERENCES messages(id),
    to_json TEXT NOT NULL DEFAULT '[]',
    cc_json TEXT NOT NULL DEFAULT '[]',
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    attachments_json TEXT NOT NULL DEFAULT '[]',
    updated_at INTEGER NOT NULL,
    author TEXT NOT NULL DEFAULT ''
);
CREATE INDEX drafts_ticket ON drafts(ticket_id, updated_at);
-- Mail waiting to leave: the exact bytes to send, queued in the same transaction that
-- stores the reply on its ticket (messages.direction = 'out'); sync delivers it.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
    rfc_message_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    raw BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    queued_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_status ON outbox(status, queued_at);
"""

_V8 = """
-- Mail accounts (issue 8): where to log in, never the password (that lives only in the
-- OS keyring, under service 'agentconsole', key '<name>:<user>').
CREATE TABLE accounts (
    name TEXT PRIMARY KEY,
    imap_host TEXT NOT NULL,
    imap_port INTEGER NOT NULL,
    imap_security TEXT NOT NULL CHECK (imap_security IN ('tls', 'starttls', 'plain')),
    user TEXT NOT NULL,
    smtp_host TEXT NOT NULL,
    smtp_port INTEGER NOT NULL,
    smtp_security TEXT NOT NULL CHECK (smtp_security IN ('tls', 'starttls', 'plain')),
    smtp_user TEXT NOT NULL,
    from_address TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
-- Delivery of the outbox: when a temporarily failed row may be tried again, and since
-- when a row is being sent (one left 'sending' by a crash goes back to the queue).
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE outbox ADD COLUMN sending_since INTEGER;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
"""

_V9 = """
-- IMAP sync (issue 8): how far each followed folder is stored. Every message of the
-- folder with a UID up to last_uid (and, when since_at is set, an arrival date on or
-- after since_at: a first sync limited with --since) is in the store. The row is
-- written in the same transaction as the messages it covers, so a sync killed at any
-- moment resumes after the last message it committed. A new uidvalidity makes the
-- old UIDs meaningless: the folder is read again and matched by content.
CREATE TABLE sync_checkpoints (
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL DEFAULT 0,
    since_at INTEGER,
    synced_at INTEGER NOT NULL,
    PRIMARY KEY (account, folder)
) WITHOUT ROWID;
"""


_V10 = """
-- SLA clocks (issue 9), written by agentconsole.domain.sla from the clocks of
-- agentconsole.sla. tickets.due_at stays the earliest due instant of the running
-- clocks (the queue's due column and filter). Instants are epochs, durations are
-- business seconds. The at-risk and breach instants may lie ahead of the moment they
-- were computed: due:risk (sla_at_risk_at <= now < due_at) and due:breached
-- (due_at < now) compare them with the clock when asked, so a ticket becomes at risk
-- in the queue without anything being written.
ALTER TABLE tickets ADD COLUMN sla_policy TEXT;
ALTER TABLE tickets ADD COLUMN first_response_due_at INTEGER;
ALTER TABLE tickets ADD COLUMN next_response_due_at INTEGER;
ALTER TABLE tickets ADD COLUMN resolution_due_at INTEGER;
-- business seconds to our first reply (NULL until then), and to solving (NULL until
-- solved): the report's medians and percentiles
ALTER TABLE tickets ADD COLUMN first_response_secs INTEGER;
ALTER TABLE tickets ADD COLUMN resolution_secs INTEGER;
-- the first instant any clock reaches the at-risk share of its target, and passes it
ALTER TABLE tickets ADD COLUMN sla_at_risk_at INTEGER;
ALTER TABLE tickets ADD COLUMN sla_breached_at INTEGER;
-- per clock the report counts (met, breached) without the policy file: the targets
-- the ticket was held to and the instant each was passed
ALTER TABLE tickets ADD COLUMN first_response_target INTEGER;
ALTER TABLE tickets ADD COLUMN resolution_target INTEGER;
ALTER TABLE tickets ADD COLUMN first_response_breached_at INTEGER;
ALTER TABLE tickets ADD COLUMN resolution_breached_at INTEGER;
-- the next at-risk or breach instant whose event is not recorded yet: a sweep finds
-- the tickets whose moment has come from this index alone
ALTER TABLE tickets ADD COLUMN sla_watch_at INTEGER;
CREATE INDEX tickets_sla_watch ON tickets(sla_watch_at) WHERE sla_watch_at IS NOT NULL;
-- the report's period (tickets created in it) and its breaches per day
CREATE INDEX tickets_created ON tickets(created_at);
CREATE INDEX tickets_sla_breached ON tickets(sla_breached_at) WHERE sla_breached_at IS NOT NULL;
-- due:risk: the running clocks whose at-risk instant has passed, by due time
CREATE INDEX tickets_due_risk ON tickets(due_at, sla_at_risk_at) WHERE due_at IS NOT NULL;
"""


_V11 = """
-- The team event log (issue 8, docs/design/team-log.md). Agents' changes recorded here
-- wait in team_outbox until they are appended to the shared Events folder; the trigger
-- queues every event this machine records for anyone but the import and the SLA engine
-- (every machine derives those from the same mail and policies itself; the publisher
-- sends the kinds the log carries and drops the rest), so no domain function has to
-- remember to queue, and events replayed from the log (another origin) never are.
CREATE TABLE team_outbox (event_id INTEGER PRIMARY KEY REFERENCES events(id));
CREATE TRIGGER events_team_outbox AFTER INSERT ON events
WHEN NEW.actor NOT IN ('import', 'sla')
    AND NEW.origin = (SELECT value FROM meta WHERE key = 'machine_id')
BEGIN
    INSERT INTO team_outbox (event_id) VALUES (NEW.id);
END;
-- How far each account's Events folder has been read: its UIDVALIDITY and last UID,
-- committed in the same transaction as the events they cover.
CREATE TABLE team_log_cursor (
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    last_uid INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account, folder)
) WITHOUT ROWID;
-- Events from the log for a ticket this database does not hold yet (its mail has not
-- arrived): applied in log order once it does.
CREATE TABLE remote_pending (
    uuid TEXT PRIMARY KEY,
    log_seq INTEGER NOT NULL,
    ticket_ref TEXT,
    event TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX remote_pending_seq ON remote_pending(log_seq);
-- Who holds each claimed ticket, as decided in log order (the first claim wins).
CREATE TABLE ticket_claims (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
    agent TEXT NOT NULL,
    event_uuid TEXT NOT NULL,
    log_seq INTEGER NOT NULL
);
CREATE INDEX events_log_seq ON events(log_seq) WHERE log_seq IS NOT NULL;
"""


_V12 = """
-- The team event log: when a queued event was appended to the Events folder. It stays
-- queued until it is read back from there with its log position, but is not appended
-- again meanwhile (unless it does not come back: agentconsole.sync.team_log).
ALTER TABLE team_outbox ADD COLUMN appended_at INTEGER;
"""


_V13 = """
-- A copy of each sent reply goes to the account's Sent folder (issue 8): when it was
-- appended (NULL: still to do; the copy is retried every round until the server takes
-- it, and read back by sync as the same message, stored once).
ALTER TABLE outbox ADD COLUMN sent_copy_at INTEGER;
CREATE INDEX outbox_sent_copy ON outbox(status, sent_copy_at);
"""


_V15 = """
-- The dashboard's "now" figures at 100,000 tickets (benchmarks/bench_dashboard.py):
-- at risk and breached per agent, category and priority read from two covering indexes
-- (the running clocks past their at-risk instant, and those past their due time), no
-- ticket row; the oldest unanswered ticket is the first entry of its own index, not a
-- sort of every open ticket. tickets_due_groups begins as tickets_due_risk did.
DROP INDEX tickets_due_risk;
CREATE INDEX tickets_due_groups
    ON tickets(due_at, sla_at_risk_at, status, assignee, category, priority)
    WHERE due_at IS NOT NULL;
CREATE INDEX tickets_risk_groups
    ON tickets(sla_at_risk_at, due_at, status, assignee, category, priority)
    WHERE due_at IS NOT NULL;
CREATE INDEX tickets_unanswered ON tickets(last_customer_at, id)
    WHERE status IN ('new', 'open') AND last_customer_at IS NOT NULL
    AND (last_agent_at IS NULL OR last_agent_at < last_customer_at);
"""


_V17 = """
-- The team log's outbox is filled by agentconsole.store.events.record_event (the one
-- place events are inserted) instead of a trigger: the trigger ran for every event,
-- the import's too, and cost a fifth of each insert although it queues none of them.
-- The rule is unchanged (docs/design/team-log.md): events of this machine's origin by
-- anyone but the import and the SLA engine.
DROP TRIGGER IF EXISTS events_team_outbox;
"""


def _backfill_identity(conn: sqlite3.Connection) -> None:
    """Give existing rows their derived refs and keys (SQL cannot hash), then make
    ``tickets.ref`` unique. A ticket whose ref is taken extends it (see the design)."""
    conn.execute("INSERT INTO meta (key, value) VALUES ('machine_id', ?)", (secrets.token_hex(16),))
    rows = conn.execute("SELECT id, message_id, dedupe_key FROM messages").fetchall()
    conn.executemany(
        "UPDATE messages SET ref = ? WHERE id = ?",
        [(message_ref(mid, bytes(key or b"")), rowid) for rowid, mid, key in rows],
    )
    firsts = conn.execute(
        "SELECT ticket_id, message_id, dedupe_key FROM ("
        " SELECT ticket_id, message_id, dedupe_key, row_number() OVER ("
        "  PARTITION BY ticket_id ORDER BY date IS NULL, date, ref) AS n"
        " FROM messages WHERE ticket_id IS NOT NULL) WHERE n = 1"
        " ORDER BY ticket_id"
    ).fetchall()
    taken: set[str] = set()
    for ticket_id, mid, key in firsts:
        length = 8
        ref = message_ref(mid, bytes(key or b""), length)
        while ref in taken:
            length += 2
            ref = message_ref(mid, bytes(key or b""), length)
        taken.add(ref)
        conn.execute("UPDATE tickets SET ref = ? WHERE id = ?", (ref, ticket_id))
    conn.execute("CREATE UNIQUE INDEX tickets_ref ON tickets(ref)")
    conn.execute(
        "UPDATE customers SET key = (SELECT lower(address) FROM customer_addresses a"
        " WHERE a.customer_id = customers.id ORDER BY a.rowid LIMIT 1)"
    )
    conn.execute(
        "UPDATE events SET"
        " ticket_ref = (SELECT ref FROM tickets t WHERE t.id = events.ticket_id),"
        " customer_key = (SELECT key FROM customers c WHERE c.id = events.customer_id),"
        " message_key = (SELECT hex(dedupe_key) FROM messages m"
        "  WHERE m.id = events.message_id),"
        " origin = CASE origin WHEN 'local' THEN"
        "  (SELECT value FROM meta WHERE key = 'machine_id') ELSE origin END"
    )


_V4 = """
-- Threading that does not depend on the order mail arrives in: every Message-ID a
-- stored message names (In-Reply-To, References, a bounce's original), found by the
-- id named, so a message arriving late finds the replies stored before it.
CREATE TABLE message_refs (
    referenced TEXT NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    PRIMARY KEY (referenced, message_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO message_refs (referenced, message_id)
    SELECT in_reply_to, id FROM messages WHERE in_reply_to IS NOT NULL;
INSERT OR IGNORE INTO message_refs (referenced, message_id)
    SELECT j.value, m.id FROM messages m, json_each(m.references_json) j
    WHERE m.references_json != '[]' AND json_valid(m.references_json) AND j.type = 'text';
-- A ticket merged into another (agentconsole.domain.merge) keeps its row, closed, with
-- the survivor here, so its ref and its history still lead somewhere.
ALTER TABLE tickets ADD COLUMN merged_into INTEGER;
CREATE INDEX tickets_merged_into ON tickets(merged_into) WHERE merged_into IS NOT NULL;
"""


_V5 = """
-- Refs that collided are allocated again by the rule every machine applies: the
-- later first message (date, then digest) takes the longer ref. Done in Python
-- (_reallocate_collided); migration 3 had extended the ticket stored later.
"""


def _reallocate_collided(conn: sqlite3.Connection) -> None:
    """Allocate again every group of tickets whose plain refs collided (the only
    tickets holding a ref longer than the plain one)."""
    from agentconsole.store.tickets import reallocate_refs

    plains = conn.execute(
        "SELECT DISTINCT substr(ref, 1, ?) FROM tickets WHERE length(ref) > ?",
        (REF_LENGTH + 2, REF_LENGTH + 2),
    ).fetchall()
    for (plain,) in plains:
        reallocate_refs(conn, plain)


MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "mail store: messages, tickets, customers, events, full-text index", _V1),
    (2, "where each message was seen; content-based dedupe keys", _V2),
    (3, "derived ticket refs, message and customer keys, machine id, event keys", _V3),
    (4, "message references by id for order-independent threading; ticket merges", _V4),
    (5, "collided ticket refs allocated by first message date, then digest", _V5),
    (6, "indexes for the queue's filters: category and priority, priority, assignee", _V6),
    (7, "compose: drafts saved as they are typed, the outbox of mail waiting to leave", _V7),
    (8, "mail accounts (no secrets); outbox delivery: retry time, sending since", _V8),
    (9, "IMAP sync checkpoints per account and folder", _V9),
    (10, "SLA: policy, due times, business durations, at-risk and breach instants", _V10),
    (11, "team event log: outbox of agents' changes, log cursor, pending events, claims", _V11),
    (12, "team event log: when a queued event was appended to the folder", _V12),
    (13, "outbox: when the copy of a sent reply reached the Sent folder", _V13),
    (15, "dashboard: covering indexes for at risk and breached, the oldest unanswered", _V15),
    (17, "team event log: queued by record_event, not by a trigger on every insert", _V17),
]

_PYTHON_STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    3: _backfill_identity,
    5: _reallocate_collided,
}
"""Work a migration's SQL cannot do (hashing), run after that migration's script in
the same transaction."""


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version of the database (0 for a new one); reads only."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate(
    conn: sqlite3.Connection, migrations: Sequence[tuple[int, str, str]] = MIGRATIONS
) -> int:
    """Apply every migration newer than the database; return the resulting version.

    Each migration runs in its own write transaction together with its row in
    ``schema_migrations``: one that fails is rolled back whole and the database stays
    at the version before it, with the error raised. The statements are run one by one
    (``executescript`` would commit the open transaction first).

    Several processes or threads may open a new database at once. Each takes the write
    lock first (``BEGIN IMMEDIATE`` waits for it), then looks at the version: a read
    followed by a write in one deferred transaction would fail at once instead.
    """
    version = current_version(conn)
    for number, name, script in migrations:
        if number <= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
            )
            if current_version(conn) < number:  # not applied meanwhile by another process
                for statement in _statements(script):
                    conn.execute(statement)
                step = _PYTHON_STEPS.get(number)
                if step is not None:
                    step(conn)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, int(time.time())),
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version = number
    return version


def _statements(script: str) -> list[str]:
    """The SQL statements of ``script``, split where SQLite itself says a statement
    ends: a ``;`` inside a string, a comment or a trigger's ``BEGIN ... END`` does not
    end one. A last statement without its ``;`` counts too."""
    statements: list[str] = []
    start = 0
    for end, char in enumerate(script):
        if char == ";" and sqlite3.complete_statement(script[start : end + 1]):
            statements.append(script[start : end + 1].strip())
            start = end + 1
    rest = script[start:].strip()
    if rest and sqlite3.complete_statement(rest + ";"):
        statements.append(rest)
    return statements
