"""The parse workers' entry points called in this process (a pool's workers are out of
a mutant's sight): the patterns a worker is given, messages prepared in order, a
message whose enrichment raises stored as quarantined with the reason, and the test
hook that kills a worker left off unless a pool's worker is told the marker."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from agentconsole.ingest import prepare as prepare_module
from agentconsole.ingest.prepare import KILL_HOOK_ENV, init_worker, prepare, prepare_chunk
from agentconsole.mail.sources import Provenance
from tests.mailfactory import mail

ORDERS = {"order": (r"\bORD(\d{8})\b",)}


@pytest.fixture(autouse=True)
def fresh_worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts and ends with a worker given no patterns and no kill marker."""
    monkeypatch.delenv(KILL_HOOK_ENV, raising=False)
    init_worker({}, in_pool=True)
    yield
    monkeypatch.delenv(KILL_HOOK_ENV, raising=False)
    init_worker({}, in_pool=True)


def _raw(n: int) -> bytes:
    return mail(body=f"Where is my order ORD1234567{n}?", msgid=f"<m{n}@x>", subject=f"S{n}")


def _where(n: int) -> Provenance:
    return Provenance("eml", path=f"in:{n}")


def test_a_chunk_is_prepared_in_order_with_the_workers_patterns() -> None:
    init_worker(ORDERS)
    prepared = prepare_chunk([(_raw(n), _where(n)) for n in (3, 1, 2)])
    assert [p.where for p in prepared] == [_where(3), _where(1), _where(2)]
    assert [p.parsed.subject for p in prepared] == ["S3", "S1", "S2"]
    assert [p.identifiers for p in prepared] == [
        [("order", "12345673")],
        [("order", "12345671")],
        [("order", "12345672")],
    ]
    assert prepare_chunk([]) == []


def test_patterns_given_to_prepare_win_over_the_workers() -> None:
    assert prepare(_raw(1), _where(1)).identifiers == []
    assert prepare(_raw(1), _where(1), ORDERS).identifiers == [("order", "12345671")]
    init_worker(ORDERS)
    assert prepare(_raw(1), _where(1)).identifiers == [("order", "12345671")]
    assert prepare(_raw(1), _where(1), {}).identifiers == []


def test_a_message_whose_enrichment_raises_is_kept_quarantined() -> None:
    raw = _raw(1)
    broken = {"order": ("(unclosed",)}
    prepared = prepare(raw, _where(1), broken)
    assert prepared.parsed.status == "quarantined"
    assert prepared.where == _where(1)
    assert prepared.size == len(raw)
    problems = json.loads(prepared.problems_json)
    assert any(p.startswith("cannot prepare: error: missing ), unterminated") for p in problems)
    assert prepared.identifiers == []


def test_the_kill_hook_needs_a_pools_worker_and_a_marker_in_the_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(KILL_HOOK_ENV, "KILL-THIS-WORKER")
    init_worker(ORDERS)  # not in a pool: the hook stays off
    assert prepare_module._KILL_MARKER == b""
    init_worker(ORDERS, in_pool=True)
    assert prepare_module._KILL_MARKER == b"KILL-THIS-WORKER"
    # a chunk without the marker is prepared (the hook would kill this very process)
    assert [p.where for p in prepare_chunk([(_raw(1), _where(1))])] == [_where(1)]
    monkeypatch.delenv(KILL_HOOK_ENV)
    init_worker(ORDERS, in_pool=True)
    assert prepare_module._KILL_MARKER == b""
