"""Keyring backends for the tests only: never install or use them for real passwords.

``JsonFileKeyring`` keeps secrets in clear in the JSON file named by
``$AGENTCONSOLE_TEST_KEYRING`` so that a subprocess (the real entry point, selected with
``PYTHON_KEYRING_BACKEND=tests.keyring_backend.JsonFileKeyring``) and the test share
them. It declares ``insecure = False`` so agentconsole accepts it as a real keyring
would be accepted; tests keep its file outside the folder they grep for passwords.
``MemoryKeyring`` does the same in memory for in-process tests (``keyring.set_keyring``).
``PlaintextKeyring`` stands for keyrings.alt's plain-text file backend, which
agentconsole must refuse."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

KEYRING_FILE_ENV = "AGENTCONSOLE_TEST_KEYRING"


class MemoryKeyring(KeyringBackend):
    """Secrets in a dict (tests only)."""

    priority = 1  # type: ignore[assignment]
    insecure = False

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


class JsonFileKeyring(KeyringBackend):
    """Secrets in the JSON file ``$AGENTCONSOLE_TEST_KEYRING`` (tests only)."""

    priority = 1  # type: ignore[assignment]
    insecure = False

    def _path(self) -> Path:
        return Path(os.environ[KEYRING_FILE_ENV])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._path().write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("no such password")
        self._path().write_text(json.dumps(data))


class PlaintextKeyring(JsonFileKeyring):
    """Named like keyrings.alt's ``file.PlaintextKeyring`` and, like it, without an
    ``insecure`` declaration: agentconsole must recognise it by its class name."""

    insecure = None  # type: ignore[assignment]
