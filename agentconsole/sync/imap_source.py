"""An IMAP folder as a mail source: the raw bytes of chosen UIDs, with their provenance.

The sync decides which UIDs to read (:mod:`agentconsole.sync.imap_sync`); this source
fetches them in ascending UID order, a batch at a time (at most :data:`BATCH_MESSAGES`
messages or :data:`BATCH_BYTES` bytes per FETCH), so memory stays flat however large
the folder. It fetches ``BODY.PEEK[]``, which unlike ``BODY[]`` never sets ``\\Seen``,
over a folder opened read-only. A message expunged meanwhile is simply not yielded.
When the connection drops, the session reconnects and the batch is fetched again from
the first message not yet handed out.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

from imapclient import IMAPClient

from agentconsole.mail.sources import (
    MAX_MESSAGE_BYTES,
    Provenance,
    RawMail,
    SourceItem,
    SourceKind,
)
from agentconsole.sync.imap_session import ImapSession, UidValidityChanged

BATCH_MESSAGES = 200
BATCH_BYTES = 8 * 1024 * 1024
"""A FETCH asks for at most this many bytes (one message larger than it comes alone)."""

_WHOLE = b"BODY[]"
_CUT = b"BODY[]<0>"


@dataclass
class ImapFolderSource:
    """The messages ``uids`` (ascending, with their ``sizes``) of one folder."""

    session: ImapSession
    account: str
    folder: str
    uidvalidity: int
    uids: array[int] = field(default_factory=lambda: array("Q"))
    sizes: array[int] = field(default_factory=lambda: array("Q"))

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
        for start, end in self._batches():
            yield from self._fetch(start, end)

    def _fetch(self, start: int, end: int) -> Iterator[SourceItem]:
        """One batch, in UID order; after a lost connection the rest is asked again."""
        position = start
        while position < end:
            wanted = list(self.uids[position:end])
            sizes = self.sizes[position:end]
            cut = [u for u, s in zip(wanted, sizes, strict=True) if s > MAX_MESSAGE_BYTES]
            found = self.session.call(partial(_fetch_bodies, uids=wanted, cut=cut))
            while position < end:
                uid = self.uids[position]
                position += 1
                raw = found.pop(uid, None)
                if raw is not None:
                    yield RawMail(
                        raw[:MAX_MESSAGE_BYTES],
                        Provenance(
                            "imap",
                            account=self.account,
                            folder=self.folder,
                            uidvalidity=self.uidvalidity,
                            uid=uid,
                        ),
                    )
                    raw = None  # a suspended generator must not keep the bytes alive


def _fetch_bodies(client: IMAPClient, *, uids: list[int], cut: list[int]) -> dict[int, bytes]:
    """The bodies of ``uids`` by UID; those in ``cut`` only up to the size limit."""
    cut_set = set(cut)
    whole = [u for u in uids if u not in cut_set]
    bodies: dict[int, bytes] = {}
    if whole:
        for uid, data in client.fetch(whole, [b"BODY.PEEK[]"]).items():
            body = data.get(_WHOLE)
            if isinstance(body, bytes):
                bodies[int(uid)] = body
    if cut:
        part = f"BODY.PEEK[]<0.{MAX_MESSAGE_BYTES}>".encode()
        for uid, data in client.fetch(cut, [part]).items():
            body = data.get(_CUT)
            if isinstance(body, bytes):
                bodies[int(uid)] = body
    return bodies
