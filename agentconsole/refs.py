"""Ticket references that are the same on every machine of a team.

A reference is derived, not allocated: ``T-`` and eight Crockford base32 characters
of the SHA-256 of the ticket's first message's normalised Message-ID (or, without
one, of its content dedupe key). Two machines that import the same mail in any order
therefore name the same thread the same way, offline, without asking anyone.
See docs/design/identity.md for the options weighed and what a collision does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: no I, L, O or U, so a ref read aloud or retyped survives."""

REF_LENGTH = 8
"""Characters after ``T-``: 40 bits, enough for a mailbox; a collision extends it."""

_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_TYPED = re.compile(r"^\[?\s*(T-?)?([0-9A-Z]{4,26})\s*\]?$")
_IN_SUBJECT = re.compile(r"\[T-([0-9A-Za-z]{8,26})\]")


def _base32(digest: bytes, length: int) -> str:
    """The first ``length`` Crockford characters of ``digest`` (5 bits each)."""
    number = int.from_bytes(digest, "big")
    bits = len(digest) * 8
    return "".join(ALPHABET[(number >> (bits - 5 * (i + 1))) & 31] for i in range(length))


def normalise_message_id(message_id: str) -> str:
    """The Message-ID as every client agrees on it: no angle brackets, no spaces."""
    return message_id.strip().strip("<>").strip()


def message_ref(message_id: str | None, dedupe_key: bytes, length: int = REF_LENGTH) -> str:
    """The ref a message would give the ticket it starts.

    Keyed on the Message-ID when there is one (copies from mbox, Maildir and IMAP
    agree), else on the content dedupe key, which is itself the same everywhere."""
    normalised = normalise_message_id(message_id) if message_id else ""
    source = normalised.encode("utf-8", "surrogatepass") if normalised else dedupe_key
    return "T-" + _base32(hashlib.sha256(source).digest(), length)


def _extension(message_id: str | None, dedupe_key: bytes) -> str:
    """The characters a colliding ref grows by: the digest of the Message-ID *and* the
    content key, so that two different messages sharing a Message-ID (broken mailers
    and resends do that) still get different refs, the same on every machine."""
    normalised = normalise_message_id(message_id) if message_id else ""
    source = normalised.encode("utf-8", "surrogatepass") + b"\0" + dedupe_key
    return _base32(hashlib.sha256(source).digest(), 50)


@dataclass(frozen=True, slots=True)
class FirstMessage:
    """What names a ticket: its earliest message's date, Message-ID and content key."""

    date: int | None
    message_id: str | None
    dedupe_key: bytes

    @property
    def ref(self) -> str:
        """The ticket's ref when nothing collides with it."""
        return message_ref(self.message_id, self.dedupe_key)

    def order(self) -> tuple[bool, int, str]:
        """Earliest first: by date (undated last), then by the full extension digest,
        which differs even between two messages with the same Message-ID."""
        return (self.date is None, self.date or 0, _extension(self.message_id, self.dedupe_key))

    def extended(self, extra: int) -> str:
        """The ref grown by ``extra`` characters (0: the plain ref)."""
        return self.ref + _extension(self.message_id, self.dedupe_key)[:extra]


def allocate_refs(firsts: Sequence[FirstMessage]) -> list[str]:
    """The refs of tickets whose plain refs are equal, in the order given.

    The earliest (see :meth:`FirstMessage.order`) keeps the plain ref; each later one
    takes the shortest extension (2, 4, ... more characters) that no earlier one holds.
    The result depends only on the set of first messages, never on which machine or
    import stored which ticket first; and a later ticket never holds a prefix of an
    earlier one's ref (docs/design/identity.md, "Collisions")."""
    taken: set[str] = set()
    refs: dict[int, str] = {}
    for index in sorted(range(len(firsts)), key=lambda i: firsts[i].order()):
        extra = 0
        while (ref := firsts[index].extended(extra)) in taken:
            extra += 2
        taken.add(ref)
        refs[index] = ref
    return [refs[index] for index in range(len(firsts))]


def parse_ref(text: str) -> str | None:
    """What a user typed, as a canonical ``T-XXXXXXXX`` ref, or ``None``.

    Forgiving: any case, ``T-`` optional, ``[T-…]`` brackets as in subjects, and (after
    ``T-``) the Crockford lookalikes I/L for 1 and O for 0. Shorter than eight characters is not a
    ref (``T-42``), nor is a number longer than that (an extended ref of digits
    only is too unlikely to matter): the caller may treat them as old local ids."""
    match = _TYPED.match(text.strip().upper())
    if match is None:
        return None
    # A bare word is a ref only if it is spelled in the alphabet already, so that
    # ``show nonsense`` is a typo, not the ref T-N0NSENSE.
    body = match.group(2).translate(_LOOKALIKES) if match.group(1) else match.group(2)
    if (
        len(body) < REF_LENGTH
        or (body.isdigit() and len(body) > REF_LENGTH)
        or any(c not in ALPHABET for c in body)
    ):
        return None
    return "T-" + body


def refs_in_subject(subject: str) -> list[str]:
    """The ``[T-XXXXXXXX]`` refs a subject carries, canonical, in order, once each."""
    found: list[str] = []
    for match in _IN_SUBJECT.finditer(subject):
        ref = parse_ref(match.group(0))
        if ref is not None and ref not in found:
            found.append(ref)
    return found
