"""The parse pool after a worker dies: a chunk handed over while the pool is already
broken is recovered with the others instead of ending the import with a traceback."""

from __future__ import annotations

import re
from concurrent.futures.process import BrokenProcessPool

import pytest

from agentconsole.ingest import prepare as prepare_module
from agentconsole.ingest.parallel import DIED, _Pool, prepared_stream
from agentconsole.ingest.prepare import Prepared
from agentconsole.mail.sources import Provenance, RawMail, SourceItem

MARKER = "X-Kill-This-Worker: yes"


def _mail(n: int, *, poison: bool = False) -> RawMail:
    extra = f"{MARKER}\r\n" if poison else ""
    raw = (
        f"From: c{n}@example.com\r\nTo: support@example.com\r\nSubject: question {n}\r\n"
        f"Message-ID: <m{n}@example.com>\r\n{extra}\r\nbody {n}\r\n"
    ).encode()
    return RawMail(raw, Provenance("eml", path=f"/in/{n}.eml"))


@pytest.fixture
def kill_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(prepare_module.KILL_HOOK_ENV, MARKER)


def test_submit_to_a_pool_broken_since_the_last_chunk_gives_a_failed_future(
    kill_hook: None,
) -> None:
    pool = _Pool(1, {})
    try:
        first = pool.submit([(_mail(1, poison=True).raw, _mail(1).where)])
        with pytest.raises(BrokenProcessPool):
            first.result(timeout=30)
        later = pool.submit([(_mail(2).raw, _mail(2).where)])
        with pytest.raises(BrokenProcessPool):
            later.result(timeout=30)
    finally:
        pool.close()


def test_a_message_that_kills_its_worker_is_quarantined_and_the_rest_parsed(
    kill_hook: None,
) -> None:
    items: list[SourceItem] = [_mail(n, poison=(n == 30)) for n in range(80)]
    errors: list[str] = []
    results = list(prepared_stream(items, {}, 2, errors))
    prepared = [r for r in results if isinstance(r, Prepared)]
    assert [p.where.path for p in prepared] == [f"/in/{n}.eml" for n in range(80)]
    poisoned = prepared[30]
    assert poisoned.parsed.status == "quarantined"
    assert poisoned.parsed.problems[0].startswith(DIED)
    assert [p.parsed.subject for p in prepared if p is not poisoned] == [
        f"question {n}" for n in range(80) if n != 30
    ]
    first, last = errors
    lost = re.fullmatch(
        rf"eml:/in/(\d+)\.eml: {re.escape(DIED)} while parsing this or one of (\d+) messages"
        " after it; parsed them again one by one",
        first,
    )
    assert lost is not None, first
    start, after = int(lost.group(1)), int(lost.group(2))
    assert start <= 30 <= start + after < 80
    assert last == f"eml:/in/30.eml: {DIED} on this message: stored raw (quarantined)"
