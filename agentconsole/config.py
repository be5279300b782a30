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

from agentconsole.datafiles import data_dir

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


@dataclass(frozen=True)
class Config:
    """Everything the core needs to know about this installation and this agent."""

    agent: str = field(default_factory=lambda: os.environ.get("USER", "") or "agent")
    database: str | None = None
    support_addresses: tuple[str, ...] = ("support@okwallet.example",)
    subject_window_days: int = 14
    identifier_patterns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keymap: dict[str, str] = field(default_factory=dict)
    views: dict[str, str] = field(default_factory=dict)

    def db_path(self, override: str | Path | None = None) -> Path:
        if override:
            return Path(override).expanduser()
        env = os.environ.get("AGENTCONSOLE_DB")
        if env:
            return Path(env).expanduser()
        if self.database:
            return Path(self.database).expanduser()
        return default_db_path()

    def is_ours(self, address: str) -> bool:
        """True for our own support addresses (mail from them is an agent reply)."""
        return address.lower() in self.support_addresses


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc


def default_identifier_patterns() -> dict[str, tuple[str, ...]]:
    data = _load_toml(DATA_DIR / "identifiers.toml")
    return {kind: tuple(spec["patterns"]) for kind, spec in data.items()}


def load_config(path: Path | None = None) -> Config:
    """Read the config file (if any) over the defaults; raise ConfigError if it is bad."""
    path = path or config_path()
    raw: dict[str, Any] = _load_toml(path) if path.exists() else {}
    patterns = default_identifier_patterns()
    for kind, spec in raw.get("identifiers", {}).items():
        if not isinstance(spec, dict) or not isinstance(spec.get("patterns"), list):
            raise ConfigError(f"{path}: [identifiers.{kind}] needs a 'patterns' list")
        patterns[kind] = tuple(str(p) for p in spec["patterns"])
    mailbox = raw.get("mailbox", {})
    addresses = mailbox.get("support_addresses", Config.support_addresses)
    if isinstance(addresses, str) or not isinstance(addresses, list | tuple):
        raise ConfigError(f"{path}: mailbox.support_addresses must be a list of addresses")
    threading = raw.get("threading", {})
    window = threading.get("subject_window_days", Config.subject_window_days)
    if not isinstance(window, int) or window < 0:
        raise ConfigError(f"{path}: threading.subject_window_days must be a whole number")
    defaults = Config()
    return Config(
        agent=str(raw.get("agent", defaults.agent)),
        database=raw.get("database"),
        support_addresses=tuple(a.lower() for a in addresses),
        subject_window_days=window,
        identifier_patterns=patterns,
        keymap={str(k): str(v) for k, v in raw.get("keymap", {}).items()},
        views={str(k): str(v) for k, v in raw.get("views", {}).items()},
    )
