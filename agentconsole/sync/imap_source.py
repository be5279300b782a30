"""An IMAP folder as a mail source: the raw bytes of chosen UIDs, with their provenance.

The sync decides which UIDs to read (:mod:`agentconsole.sync.imap_sync`); this source
fetches them in ascending UID order, a batch at a time (at most :data:`BATCH_MESSAGES`
messages or :data:`BATCH_BYTES` bytes per FETCH), so memory stays flat however large
the folder. It fetches ``BODY.PEEK[]``, which unlike ``BODY[]`` never sets ``\\Seen``,
over a folder opened read-only. A message expunged meanwhile is simply not yielded.
When the connection drops, the session reconnects and the batch is fetched again.
Between batches it asks ``should_stop`` (a Ctrl-C, a console quitting) and ends early,
setting :attr:`ImapFolderSource.stopped`: the pipeline stores what was read, so the
checkpoint covers exactly that and the next sync continues from there.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from agentconsole.mail.sources import (
    MAX_MESSAGE_BYTES,
    Provenance,
    RawMail,
    SourceItem,
    SourceKind,
)
from agentconsole.sync.imap_fetch import fetch_bodies
from agentconsole.sync.imap_session import ImapSession, UidValidityChanged

BATCH_MESSAGES = 200
BATCH_BYTES = 8 * 1024 * 1024
"""A FETCH asks for at most this many bytes (one message larger than it comes alone)."""


@dataclass
class ImapFolderSource:
    """The messages ``uids`` (ascending, with their ``sizes``) of one folder."""

    session: ImapSession
    account: str
    folder: str
    uidvalidity: int
    uids: array[int] = field(default_factory=lambda: array("Q"))
    sizes: array[int] = field(default_factory=lambda: array("Q"))
    should_stop: Callable[[], bool] = field(default=lambda: False)
    stopped: bool = False
    """The source ended early because ``should_stop`` said so (not every UID read)."""

    @property
    def kind(self) -> SourceKind:
        return "imap"

    def size(self) -> int:
        return sum(min(s, MAX_MESSAGE_BYTES) for s in self.sizes)

    def _batches(self) -> Iterator[tuple[int, int]]:
        """(start, end) index ranges of :attr:`uids`, each one FETCH."""
        start = 0
        while start < len(self.uids):
            end, total = start, 0
            while end < len(self.uids) and end - start < BATCH_MESSAGES:
                total += min(self.sizes[end], MAX_MESSAGE_BYTES)
                if total > BATCH_BYTES and end > start:
                    break
                end += 1
            yield start, end
            start = end

    def messages(self) -> Iterator[SourceItem]:
        if not self.uids:
            return
        # the session may have another folder open (planning examined them all)
        uidvalidity, _uidnext = self.session.examine(self.folder)
        if uidvalidity != self.uidvalidity:
            raise UidValidityChanged(self.folder, self.uidvalidity, uidvalidity)
        batches = list(self._batches())
        # The next batch is fetched while this one is parsed and stored: the wait for
        # the server overlaps the work (two batches in memory at most). Only the
        # fetching thread touches the session meanwhile.
        with ThreadPoolExecutor(1, thread_name_prefix="imap-fetch") as pool:
            ahead = pool.submit(self._fetch, *batches[0])
            for index, (start, end) in enumerate(batches):
                if self.should_stop():
                    self.stopped = True
                    ahead.cancel()  # one already under way is waited for: it is short
                    return
                found = ahead.result()
                if index + 1 < len(batches):
                    ahead = pool.submit(self._fetch, *batches[index + 1])
                for position in range(start, end):
                    uid = self.uids[position]
                    raw = found.pop(uid, None)
                    if raw is not None:  # else expunged since the plan: gone
                        yield RawMail(raw[:MAX_MESSAGE_BYTES], self._where(uid))
                    raw = None  # a suspended generator must not keep the bytes alive
                found = {}

    def _where(self, uid: int) -> Provenance:
        return Provenance(
            "imap", account=self.account, folder=self.folder, uidvalidity=self.uidvalidity, uid=uid
        )

    def _fetch(self, start: int, end: int) -> dict[int, bytes]:
        """One batch's bodies by UID; a lost connection is made again and the whole
        batch asked again (:meth:`ImapSession.call`)."""
        wanted = list(self.uids[start:end])
        sizes = self.sizes[start:end]
        cut = [u for u, s in zip(wanted, sizes, strict=True) if s > MAX_MESSAGE_BYTES]
        return self.session.call(partial(fetch_bodies, uids=wanted, cut=cut))
