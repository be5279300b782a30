"""Checking what a user typed for a mail account before anything is stored.

One place decides what a valid account is, so the command line's flags and its prompts
give the same answers: a name that can be part of a keyring key, hosts without spaces
or control characters, ports in range, a real from address, and unencrypted
connections (``plain``) only to this machine unless explicitly allowed.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from agentconsole.store.accounts import SECURITIES, Account

DEFAULT_PORTS = {
    "imap": {"tls": 993, "starttls": 143, "plain": 143},
    "smtp": {"tls": 465, "starttls": 587, "plain": 25},
}
"""The usual port for each protocol and security, offered when none is given."""

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_HOST = re.compile(r"[A-Za-z0-9._:\[\]-]{1,253}")
_ADDRESS = re.compile(r"[^\s@<>\"(),;:\[\]]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+")


class AccountInputError(ValueError):
    """A value that cannot make an account; the message says which and why."""


@dataclass(frozen=True)
class AccountInput:
    """What the user gave for a new account, before checking."""

    name: str
    imap_host: str
    imap_port: int | None
    imap_security: str
    user: str
    smtp_host: str
    smtp_port: int | None
    smtp_security: str
    smtp_user: str | None
    from_address: str
    allow_plain: bool = False


def is_loopback(host: str) -> bool:
    """True for this machine: ``localhost`` or a loopback IP address."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_name(name: str) -> str:
    """An account name: letters, digits, ``.``, ``_``, ``-`` (it is part of a keyring key)."""
    if not _NAME.fullmatch(name):
        raise AccountInputError(f"account name {name!r}: use 1-64 letters, digits, '.', '_' or '-'")
    return name


def _host(what: str, host: str) -> str:
    host = host.strip()
    if not _HOST.fullmatch(host):
        raise AccountInputError(f"{what} {host!r} is not a host name or address")
    return host


def _port(what: str, port: int | None, side: str, security: str) -> int:
    if port is None:
        return DEFAULT_PORTS[side][security]
    if not 1 <= port <= 65535:
        raise AccountInputError(f"{what} {port} is not a port (1-65535)")
    return port


def _security(what: str, security: str, host: str, allow_plain: bool) -> str:
    if security not in SECURITIES:
        raise AccountInputError(f"{what} must be one of {', '.join(SECURITIES)}")
    if security == "plain" and not is_loopback(host) and not allow_plain:
        raise AccountInputError(
            f"{what} plain sends the password unencrypted to {host}: only for this machine"
            " (127.0.0.1, localhost) unless you pass --allow-plain"
        )
    return security


def _user(what: str, user: str) -> str:
    if not user or any(ord(c) < 32 or ord(c) == 127 for c in user):
        raise AccountInputError(f"{what} must be a non-empty login name")
    return user


def build_account(given: AccountInput, *, now: int) -> Account:
    """The account ``given`` describes; AccountInputError naming the first bad value."""
    imap_host = _host("--imap-host", given.imap_host)
    smtp_host = _host("--smtp-host", given.smtp_host)
    imap_security = _security("--imap-security", given.imap_security, imap_host, given.allow_plain)
    smtp_security = _security("--smtp-security", given.smtp_security, smtp_host, given.allow_plain)
    address = given.from_address.strip()
    if not _ADDRESS.fullmatch(address):
        raise AccountInputError(f"--from-address {address!r} is not an e-mail address")
    user = _user("--user", given.user)
    return Account(
        name=check_name(given.name),
        imap_host=imap_host,
        imap_port=_port("--imap-port", given.imap_port, "imap", imap_security),
        imap_security=imap_security,
        user=user,
        smtp_host=smtp_host,
        smtp_port=_port("--smtp-port", given.smtp_port, "smtp", smtp_security),
        smtp_security=smtp_security,
        smtp_user=_user("--smtp-user", given.smtp_user) if given.smtp_user else user,
        from_address=address,
        created_at=now,
    )
