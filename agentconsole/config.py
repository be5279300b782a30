"""Configuration: a TOML file in the platform's config folder, environment overrides.

Where things are looked for, first match wins:

- database: ``--db``, then ``$AGENTCONSOLE_DB``, then ``database`` in the config file,
  then ``agentconsole.db`` in the user data folder (``~/.local/share/agentconsole``).
- config file: ``$AGENTCONSOLE_CONFIG``, then ``config.toml`` in the user config folder
  (``~/.config/agentconsole``). A missing file means all defaults.

Secrets never live here: mailbox passwords go to the OS keyring (sync work).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from agentconsole.configfile import ConfigValueError, config_values
from agentconsole.datafiles import data_dir
from agentconsole.files import FileRefused, read_limited

APP = "agentconsole"
DATA_DIR = data_dir()


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the problem."""


def config_path() -> Path:
    env = os.environ.get("AGENTCONSOLE_CONFIG")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "agentconsole.db"


def _user() -> str:
    return os.environ.get("USER", "") or "agent"


@dataclass(frozen=True)
class Config:
    """Everything the core needs to know about this installation and this agent.

    The one model of the config file: each field's ``key`` metadata is where it lives in
    the TOML (``mailbox.support_addresses`` is ``support_addresses`` in ``[mailbox]``),
    and :mod:`agentconsole.configfile` checks every value against the field's type."""

    agent: str = field(default_factory=_user, metadata={"key": "agent"})
    database: str | None = field(default=None, metadata={"key": "database"})
    support_addresses: tuple[str, ...] = field(
        default=("support@okwallet.example",), metadata={"key": "mailbox.support_addresses"}
    )
    subject_window_days: int = field(default=14, metadata={"key": "threading.subject_window_days"})
    identifier_patterns: dict[str, tuple[str, ...]] = field(
        default_factory=dict, metadata={"key": "identifiers"}
    )
    keymap: dict[str, str] = field(default_factory=dict, metadata={"key": "keymap"})
    views: dict[str, str] = field(default_factory=dict, metadata={"key": "views"})
    # Replies (compose): who signs them, from which address, what they do to the ticket.
    agent_name: str = field(default="", metadata={"key": "compose.agent_name"})
    signature: str = field(default="", metadata={"key": "compose.signature"})
    from_address: str = field(default="", metadata={"key": "compose.from_address"})
    status_after_reply: str = field(
        default="pending", metadata={"key": "compose.status_after_reply"}
    )
    canned_folder: str = field(default="", metadata={"key": "compose.canned_folder"})
    """The agent's own canned responses; empty: ``canned/`` next to the config file read
    (filled in by :func:`load_config`, so ``--config PATH`` brings its own folder)."""
    # The etiquette linter: the link domains a reply may point to, and per-rule
    # switches ("AC105" = "off" | "error" | "warning" | "info").
    allowed_domains: tuple[str, ...] = field(
        default=("okwallet.example",), metadata={"key": "lint.allowed_domains"}
    )
    lint_rules: dict[str, str] = field(default_factory=dict, metadata={"key": "lint.rules"})
    # The first-response target a reply may promise (AC602) until tickets carry SLA
    # policies: mail is answered within 24 hours.
    reply_target_hours: int = field(default=24, metadata={"key": "lint.reply_target_hours"})
    # Words added to the linter's lists ("blame" = ["..."]); see data/lint/*.toml.
    lint_words: dict[str, tuple[str, ...]] = field(
        default_factory=dict, metadata={"key": "lint.words"}
    )
    # Automatic acknowledgement of new tickets with their reference (issue 8): off by
    # default; when on, sync acknowledges tickets opened by mail at most this many
    # hours old (an old mailbox synced for the first time is not answered).
    acknowledge: bool = field(default=False, metadata={"key": "acknowledge.enabled"})
    acknowledge_within_hours: int = field(default=24, metadata={"key": "acknowledge.within_hours"})
    # SLA (issue 9): the config's [sla] policies, made absolute by load_config
    # (relative to the config's folder); empty when the config has no such key: then
    # sla.toml in the config folder, else the shipped data/sla.toml, looked for at each
    # use (agentconsole.sla.policies.find_policy_file), so a file added or removed while
    # the console runs counts, and no message names a key nobody wrote.
    sla_policies: str = field(default="", metadata={"key": "sla.policies"})

    # IMAP sync: the folders `agentconsole sync` follows; empty: INBOX, and the Sent
    # folder when the server has one (replies sent from another program join tickets).
    sync_folders: tuple[str, ...] = field(default=(), metadata={"key": "sync.folders"})
    # The console's background sync: seconds between rounds (0: only on ctrl+r).
    sync_interval: int = field(default=60, metadata={"key": "sync.interval"})

    def db_path(self, override: str | Path | None = None) -> Path:
        """The database named by ``override`` (``--db``), else ``$AGENTCONSOLE_DB``,
        else the config, else the default. A name that is given but empty raises
        ConfigError: it is a mistake (an unset variable in a script), not a request
        for the default store."""
        for what, value in (
            ("--db", override),
            ("AGENTCONSOLE_DB", os.environ.get("AGENTCONSOLE_DB")),
            ("database in the config", self.database),
        ):
            if value is None:
                continue
            if not str(value).strip():
                raise ConfigError(f"{what} is empty: name a database file")
            return Path(value).expanduser()
        return default_db_path()

    def is_ours(self, address: str) -> bool:
        """True for our own support addresses (mail from them is an agent reply)."""
        return address.lower() in self.support_addresses


MAX_CONFIG_BYTES = 1024 * 1024
"""A config file is a page of settings; ``--config /dev/zero`` must not be read on."""


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_limited(path, MAX_CONFIG_BYTES, "a config file").decode())
    except FileRefused as exc:
        raise ConfigError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML (not UTF-8 at byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc


def default_identifier_patterns() -> dict[str, tuple[str, ...]]:
    data = _load_toml(DATA_DIR / "identifiers.toml")
    return {kind: tuple(spec["patterns"]) for kind, spec in data.items()}


def load_config(path: Path | None = None) -> Config:
    """Read the config file (if any) over the defaults; raise ConfigError, naming the
    file and the key, if it has a key we do not know or a value of the wrong type."""
    path = path or config_path()
    raw: dict[str, Any] = _load_toml(path) if path.exists() else {}
    try:
        values = config_values(raw, Config)
    except ConfigValueError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    patterns = default_identifier_patterns()
    patterns.update(values.pop("identifier_patterns", {}))
    if not values.get("canned_folder"):
        values["canned_folder"] = str(path.parent / "canned")
    policies = values.get("sla_policies", "")
    if policies:
        values["sla_policies"] = str(path.parent / Path(policies).expanduser())
    return Config(**values, identifier_patterns=patterns)
