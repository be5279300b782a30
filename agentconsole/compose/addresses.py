"""Addresses and header text typed by an agent, made safe to put in a header.

Whatever reaches a header is checked here first: an address must parse as exactly one
``local@domain.tld`` (the stdlib's RFC 5322 parser, with no defect; an internationalised
domain in IDNA form, the part before @ ASCII and kept as typed), and no field may
smuggle a CR or LF into the header block (``x\\r\\nBcc: evil@x``). Free text (a subject,
a display name) has its line breaks and control characters folded to spaces; an
address with one is refused, since it cannot be what the agent meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.headerregistry import Address
from email.policy import default

from agentconsole.compose.errors import ComposeError
from agentconsole.textsafe import safe_line

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_DOMAIN = re.compile(r"^(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$")


def header_text(value: str) -> str:
    """``value`` on one line: CR, LF and other control characters become spaces, runs of
    spaces one space. For subjects and display names."""
    return " ".join(_CONTROL.sub(" ", value).split())


_BODY_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK = re.compile("[\\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060-\u2064\ufeff]+")


def body_text(value: str) -> str:
    """``value`` fit for a mail body: line ends made LF, and control characters other
    than LF and TAB (ESC, BEL, NUL, C1) removed, so a terminal escape in a file or a
    canned response never reaches the customer's screen."""
    return _BODY_CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def is_blank(value: str) -> bool:
    """True when ``value`` shows nothing: only spaces, line breaks, control or
    zero-width characters."""
    return not _BLANK.sub("", value)


def _refuse(text: str) -> ComposeError:
    return ComposeError(f"{safe_line(text, 80) or '(empty)'} is not an e-mail address")


def parse_addresses(text: str) -> list[Address]:
    """Every address in ``text`` (``Name <a@b.example>``, several separated by commas);
    ComposeError naming the text when any part does not parse cleanly."""
    if _CONTROL.search(text) or not text.strip():
        raise _refuse(text)
    try:
        header = default.header_factory("To", text)
    except Exception:  # the stdlib parser raises on some malformed input ("a@")
        raise _refuse(text) from None
    addresses = list(getattr(header, "addresses", ()))
    if any(not address.username.isascii() for address in addresses):
        raise ComposeError(
            f"{safe_line(text, 80)}: the part before @ must be ASCII"
            " (a mailbox name in another script cannot be sent)"
        )
    if header.defects or not addresses:
        raise _refuse(text)
    for address in addresses:
        if not address.username or not _DOMAIN.match(address.domain):
            raise _refuse(text)
    return [_ascii(address, text) for address in addresses]


def _ascii(address: Address, text: str) -> Address:
    """``address`` as it can go in a header: an internationalised domain (例子.中国) in
    its IDNA form (xn--fsqu00a.xn--fiqs8s), the domain lower-cased, the part before @
    kept exactly (a mailbox name may be case-sensitive). (A non-ASCII part before @
    would need SMTPUTF8, which a reply cannot count on: refused by the caller.)"""
    try:
        domain = address.domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise _refuse(text) from None
    return Address(display_name=address.display_name, username=address.username, domain=domain)


def parse_address(text: str) -> Address:
    """The one address ``text`` holds; ComposeError when it holds none or several."""
    addresses = parse_addresses(text)
    if len(addresses) != 1:
        raise _refuse(text)
    return addresses[0]


def formatted(name: str, address: str) -> str:
    """``Name <address>`` as an agent reads and edits it (quoted where RFC 5322 needs
    it, not encoded); just the address when there is no name."""
    clean = header_text(name)
    if not clean or clean.lower() == address.lower():
        return address
    return str(Address(display_name=clean, addr_spec=address))


def address_list(values: Iterable[str]) -> list[Address]:
    """All addresses of several fields (each may hold several), duplicates dropped
    (compared without case), in order."""
    seen: set[str] = set()
    result: list[Address] = []
    for value in values:
        for address in parse_addresses(value):
            key = address.addr_spec.lower()
            if key not in seen:
                seen.add(key)
                result.append(address)
    return result
