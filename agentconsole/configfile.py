"""Checking a config file against the config model, key by key.

A config is edited by hand, so a typo must not pass silently: an unknown key or section
is an error that names it and the nearest known one, and a value of the wrong type
names its key and the type wanted. The model is :class:`agentconsole.config.Config`:
each field's type says what its value must be, its ``key`` metadata where it lives in
the file. Keymap entries must name a binding id of the console.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any, get_type_hints

from agentconsole.binding_ids import BINDING_IDS


class ConfigValueError(ValueError):
    """A key or value the model does not allow; the message names the key."""


def describe(value: object) -> str:
    """What a TOML value is, in the words of the error messages."""
    if isinstance(value, bool):
        return "true/false"
    for kind, words in (
        (str, "a string"),
        (int, "a whole number"),
        (float, "a decimal number"),
        (list, "a list"),
        (dict, "a table"),
    ):
        if isinstance(value, kind):
            return words
    return "a date or time"


def _unknown(what: str, name: str, known: Iterable[str], hint: str) -> ConfigValueError:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    if close:
        shown = f"[{close[0]}]" if what == "section" else f"'{close[0]}'"
        return ConfigValueError(f"unknown {what} {hint} (did you mean {shown}?)")
    return ConfigValueError(f"unknown {what} {hint} (known: {', '.join(sorted(known))})")


def _wrong(key: str, expected: str, value: object) -> ConfigValueError:
    return ConfigValueError(f"{key} must be {expected}, not {describe(value)}")


def _strings(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _wrong(key, "a list of strings", value)
    return tuple(value)


def _table(key: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _wrong(key, f"a table ([{key}])", value)
    return value


def _typed(key: str, hint: object, value: object) -> Any:
    """``value`` as the field's type ``hint``, or an error naming ``key``."""
    if hint in (str, str | None):
        if not isinstance(value, str):
            raise _wrong(key, "a string", value)
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise _wrong(key, "true or false", value)
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong(key, "a whole number", value)
        return value
    if hint == tuple[str, ...]:
        return _strings(key, value)
    if hint == dict[str, str]:
        table = _table(key, value)
        for name, item in table.items():
            if not isinstance(item, str):
                raise _wrong(f"{key}.{name}", "a string", item)
        return dict(table)
    if key == "lint.words":  # lists of words, not [identifiers]' tables of patterns
        return {name: _strings(f"{key}.{name}", item) for name, item in _table(key, value).items()}
    if hint == dict[str, tuple[str, ...]]:
        return {name: _patterns(f"{key}.{name}", item) for name, item in _table(key, value).items()}
    raise TypeError(f"config field {key} has a type the file reader does not know: {hint}")


def _patterns(key: str, value: object) -> tuple[str, ...]:
    """An ``[identifiers.KIND]`` table: ``patterns``, a list of regular expressions."""
    table = _table(key, value)
    for name in table:
        if name != "patterns":
            raise _unknown("key", name, ["patterns"], f"'{name}' in [{key}]")
    if "patterns" not in table:
        raise ConfigValueError(f"[{key}] needs a 'patterns' list")
    patterns = _strings(f"{key}.patterns", table["patterns"])
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigValueError(
                f"{key}.patterns: {pattern!r} is not a valid regular expression ({exc})"
            ) from None
    return patterns


def _keymap(value: dict[str, str]) -> dict[str, str]:
    for binding_id in value:
        if binding_id not in BINDING_IDS:
            close = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "press ? in the console to see them"
            raise ConfigValueError(f"unknown binding id '{binding_id}' in [keymap] ({hint})")
    return value


MAX_WINDOW_DAYS = 3650
"""Ten years: more is surely a typo, and beyond SQLite's integers it would fail every
import instead of the config check."""


def _whole_days(value: int) -> int:
    if not 0 <= value <= MAX_WINDOW_DAYS:
        raise ConfigValueError(
            f"threading.subject_window_days must be 0 to {MAX_WINDOW_DAYS}, not {value}"
        )
    return value


MAX_VIEWS = 2
"""Views from the config take the queue's keys 8 and 9 (after its seven own views)."""


def _views(value: dict[str, str]) -> dict[str, str]:
    """At most :data:`MAX_VIEWS`, each with a query that compiles: a view no key
    reaches, or a key showing a view that is not it, would only mislead."""
    from agentconsole.store.query import QueryError, compile_query

    if len(value) > MAX_VIEWS:
        raise ConfigValueError(
            f"[views] has {len(value)} views; at most {MAX_VIEWS} fit (keys 8 and 9)"
        )

    for name, query in value.items():
        try:
            compile_query(query, me="me")
        except QueryError as exc:
            raise ConfigValueError(f"views.{name}: {exc}") from None
    return value


def _addresses(value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(address.lower() for address in value)


def _status_after_reply(value: str) -> str:
    """A status a reply may move its ticket to, or ``unchanged``."""
    from agentconsole.domain.outgoing import STATUSES_AFTER_REPLY

    if value not in STATUSES_AFTER_REPLY:
        raise ConfigValueError(
            f"compose.status_after_reply must be one of {', '.join(STATUSES_AFTER_REPLY)},"
            f" not {value!r}"
        )
    return value


def _from_address(value: str) -> str:
    """One plain address (``support@okwallet.example``), checked now: a wrong one would
    only show when a reply is built, far from the file and key that set it."""
    from email.policy import default

    if not value:
        return value
    problem = ConfigValueError(
        f"compose.from_address: {value!r} is not one e-mail address (e.g. support@okwallet.example)"
    )
    if any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in value):
        raise problem
    try:
        header = default.header_factory("From", value)
    except Exception:  # the stdlib parser raises on some malformed input ("a@")
        raise problem from None
    addresses = list(getattr(header, "addresses", ()))
    if header.defects or len(addresses) != 1:
        raise problem
    [address] = addresses
    if not address.username or "." not in address.domain or address.display_name:
        raise problem
    return value


_LINT_SWITCHES = ("error", "warning", "info", "off")


def _lint_switches(value: dict[str, str]) -> dict[str, str]:
    """Each value of ``[lint] rules`` must be a severity or "off"; whether the code is
    a rule is checked where the rules are loaded (agentconsole.lint.rules)."""
    for code, switch in value.items():
        if switch not in _LINT_SWITCHES:
            raise ConfigValueError(
                f"lint.rules.{code} must be one of {', '.join(_LINT_SWITCHES)}, not {switch!r}"
            )
    return value


_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


def _domains(value: tuple[str, ...]) -> tuple[str, ...]:
    """Bare domain names, lower case: a link to a subdomain counts as the domain's, so
    "https://okwallet.example/" (which no link host equals) would silently flag every
    link of ours."""
    domains = tuple(domain.strip().lower().rstrip(".") for domain in value)
    for given, domain in zip(value, domains, strict=True):
        if not _DOMAIN.match(domain):
            raise ConfigValueError(
                f"lint.allowed_domains: {given!r} is not a domain name (e.g. okwallet.example)"
            )
    return domains


MAX_TARGET_HOURS = 24 * 365
"""A year: a longer reply target is surely a typo."""


def _target_hours(value: int) -> int:
    if not 1 <= value <= MAX_TARGET_HOURS:
        raise ConfigValueError(
            f"lint.reply_target_hours must be 1 to {MAX_TARGET_HOURS}, not {value}"
        )
    return value


MAX_ACK_HOURS = 7 * 24
"""A week: acknowledging mail older than that tells a customer nothing useful."""


def _ack_hours(value: int) -> int:
    if not 1 <= value <= MAX_ACK_HOURS:
        raise ConfigValueError(
            f"acknowledge.within_hours must be 1 to {MAX_ACK_HOURS}, not {value}"
        )
    return value


def _folders(value: tuple[str, ...]) -> tuple[str, ...]:
    """IMAP folder names as the server lists them ("INBOX", "Sent", "Support/VIP")."""
    for name in value:
        if not name.strip() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
            raise ConfigValueError(
                f'sync.folders: {name!r} is not a folder name (e.g. "INBOX" or "Sent")'
            )
    return value


MAX_SYNC_INTERVAL = 3600
"""An hour: a console that syncs less often than that is not following the mailbox."""
MIN_SYNC_INTERVAL = 5
"""Rounds closer than this would keep the server and the store busy for nothing."""


def _sync_interval(value: int) -> int:
    if value != 0 and not MIN_SYNC_INTERVAL <= value <= MAX_SYNC_INTERVAL:
        raise ConfigValueError(
            f"sync.interval must be {MIN_SYNC_INTERVAL} to {MAX_SYNC_INTERVAL} seconds,"
            f" or 0 to sync only on ctrl+r, not {value}"
        )
    return value


# Rules beyond the type, by key.
_RULES: dict[str, Callable[[Any], Any]] = {
    "keymap": _keymap,
    "threading.subject_window_days": _whole_days,
    "views": _views,
    "mailbox.support_addresses": _addresses,
    "compose.status_after_reply": _status_after_reply,
    "compose.from_address": _from_address,
    "lint.rules": _lint_switches,
    "lint.allowed_domains": _domains,
    "lint.reply_target_hours": _target_hours,
    "acknowledge.within_hours": _ack_hours,
    "sync.folders": _folders,
    "sync.interval": _sync_interval,
}


def config_values(raw: dict[str, Any], model: type[Any]) -> dict[str, Any]:
    """The values of a parsed TOML file, checked, by the ``model`` field they set."""
    hints = get_type_hints(model)
    field_of = {f.metadata["key"]: f.name for f in fields(model)}
    sections: dict[str, list[str]] = {}
    for key in field_of:
        section, _, name = key.rpartition(".")
        if section:
            sections.setdefault(section, []).append(name)
    top = {key for key in field_of if "." not in key} | set(sections)
    values: dict[str, Any] = {}

    def take(key: str, value: object) -> None:
        field_name = field_of[key]
        typed = _typed(key, hints[field_name], value)
        values[field_name] = _RULES[key](typed) if key in _RULES else typed

    for name, value in raw.items():
        if name in sections:
            for leaf, item in _table(name, value).items():
                if leaf not in sections[name]:
                    raise _unknown("key", leaf, sections[name], f"'{leaf}' in [{name}]")
                take(f"{name}.{leaf}", item)
        elif name in field_of:
            take(name, value)
        elif isinstance(value, dict):
            raise _unknown("section", name, top, f"[{name}]")
        else:
            raise _unknown("key", name, top, f"'{name}'")
    return values
