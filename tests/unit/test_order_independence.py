"""Threading does not depend on the order mail is read in (issue 6).

The same generated corpus (threads of 1 to 6 messages, follow-ups by In-Reply-To and
References or by subject alone, our replies, auto-replies, bounces, hostile mail) is
imported in date order, in shuffled orders and split over several imports: every run
must give the same partition of messages into tickets, the same ticket refs and, these
stores being import-only, the same status, clocks and subject on every ticket.
Priority and category are not compared: they come from the message that opened the
ticket, and are not recomputed (the messages table does not keep them).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from datetime import timedelta

import pytest

from agentconsole.ingest.prepare import prepare_raw
from agentconsole.ingest.summary import ImportSummary
from agentconsole.ingest.writer import MailWriter
from agentconsole.mail.sources import Provenance
from agentconsole.store.db import connect
from tests.corpus import BASE, SUPPORT, CorpusBuilder
from tests.mailfactory import make_config

NOW = 1_800_000_000
"""Import time, fixed: a message without a Date is dated when it is imported."""


def long_thread(builder: CorpusBuilder, index: int, length: int) -> list[bytes]:
    """A conversation of ``length`` messages, customer and support in turn, each naming
    the previous one (In-Reply-To) and, every third, only by References; from the third
    message on every subject is new, so only the references hold the thread together."""
    person = builder.person()
    start = BASE + timedelta(days=index % 40, hours=index % 7)
    ids = [builder.msgid() for _ in range(length)]
    out = []
    for n in range(length):
        ours = n % 2 == 1
        sender = ("OKWallet Support", SUPPORT) if ours else (person.name, person.address)
        to = (person.name, person.address) if ours else ("OKWallet", SUPPORT)
        out.append(
            builder.message(
                sender=sender,
                to=to,
                subject=f"Card payment declined {index}" if n < 2 else f"Question {index}.{n}",
                body=f"Message {n} of the conversation about payment {index}.",
                when=start + timedelta(hours=5 * n),
                msgid=ids[n],
                in_reply_to=ids[n - 1] if n and n % 3 else None,
                references=ids[:n] or None,
            )
        )
    return out


def reminders(builder: CorpusBuilder, index: int) -> list[bytes]:
    """A customer writing the same subject every ten days, naming nothing: each is
    within the subject window of the previous one, the last not of the first."""
    person = builder.person()
    return [
        builder.message(
            sender=(person.name, person.address),
            to=("OKWallet", SUPPORT),
            subject=f"Refund still missing {index}",
            body=f"Reminder {n}: my refund {index} has not arrived.",
            when=BASE + timedelta(days=10 * n + index),
            msgid=builder.msgid(),
        )
        for n in range(4)
    ]


def corpus() -> list[bytes]:
    builder = CorpusBuilder(seed=31)
    messages = list(builder.corpus(threads=120, span_days=40, specials_every=50))
    for index in range(24):
        messages += long_thread(builder, index, 4 + index % 3)
    for index in range(4):
        messages += reminders(builder, index)
    return messages


CORPUS = corpus()


def import_runs(conn: sqlite3.Connection, runs: Sequence[Sequence[bytes]]) -> None:
    """Import each run as its own import (its own writer and transaction)."""
    config = make_config()
    for run in runs:
        writer = MailWriter(conn, config, ImportSummary())
        writer.now = NOW
        conn.execute("BEGIN IMMEDIATE")
        for index, raw in enumerate(run):
            where = Provenance("eml", path=f"test:{index}")
            writer.add(prepare_raw(raw, where, config.identifier_patterns))
        conn.execute("COMMIT")


Outcome = dict[frozenset[str], tuple[object, ...]]


def outcome(conn: sqlite3.Connection) -> tuple[Outcome, frozenset[str]]:
    """Each ticket with messages, keyed by its messages' content keys: its ref,
    status, clocks, count and subject; and the messages on no ticket."""
    tickets: Outcome = {}
    rows = conn.execute(
        "SELECT t.id, t.ref, t.status, t.created_at, t.first_response_at,"
        " t.last_customer_at, t.last_agent_at, t.last_message_at, t.message_count,"
        " t.subject, t.norm_subject, group_concat(hex(m.dedupe_key))"
        " FROM tickets t JOIN messages m ON m.ticket_id = t.id GROUP BY t.id"
    ).fetchall()
    for row in rows:
        tickets[frozenset(row[-1].split(","))] = tuple(row[1:-1])
    unfiled = conn.execute("SELECT hex(dedupe_key) FROM messages WHERE ticket_id IS NULL")
    return tickets, frozenset(row[0] for row in unfiled)


def store_of(runs: Sequence[Sequence[bytes]]) -> sqlite3.Connection:
    conn = connect(memory=True)
    import_runs(conn, runs)
    return conn


@pytest.fixture(scope="module")
def in_date_order() -> tuple[Outcome, frozenset[str]]:
    return outcome(store_of([CORPUS]))


def test_the_corpus_has_threads_of_one_to_six_and_splits_without_relinking(
    in_date_order: tuple[Outcome, frozenset[str]],
) -> None:
    tickets, unfiled = in_date_order
    sizes = {len(keys) for keys in tickets}
    assert {1, 2, 3, 4, 5, 6} <= sizes and len(CORPUS) >= 300
    assert len(unfiled) >= 3  # list mail and the like: kept, on no ticket


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_imports_give_the_same_tickets(
    seed: int, in_date_order: tuple[Outcome, frozenset[str]]
) -> None:
    shuffled = list(CORPUS)
    random.Random(seed).shuffle(shuffled)
    assert outcome(store_of([shuffled])) == in_date_order


def test_newest_first_split_over_several_imports_gives_the_same_tickets(
    in_date_order: tuple[Outcome, frozenset[str]],
) -> None:
    reverse = list(reversed(CORPUS))
    third = len(reverse) // 3
    runs = [reverse[:third], reverse[third : 2 * third], reverse[2 * third :]]
    assert outcome(store_of(runs)) == in_date_order


def test_a_shuffled_corpus_split_over_imports_merged_split_tickets() -> None:
    """The relinking is what holds the property: without it replies read first stay
    on tickets of their own (so this test would fail on the old code)."""
    shuffled = list(CORPUS)
    random.Random(9).shuffle(shuffled)
    conn = store_of([shuffled[:150], shuffled[150:]])
    merged = conn.execute("SELECT count(*) FROM tickets WHERE merged_into IS NOT NULL")
    assert merged.fetchone()[0] > 0
    events = conn.execute("SELECT count(*) FROM events WHERE kind = 'ticket_merged'")
    assert (
        events.fetchone()[0]
        == 2
        * conn.execute("SELECT count(*) FROM tickets WHERE merged_into IS NOT NULL").fetchone()[0]
    )
