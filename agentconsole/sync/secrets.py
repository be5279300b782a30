"""Mailbox passwords, kept only in the OS keyring.

The keyring library picks a backend by itself, and some of its choices do not keep a
secret: the ``fail`` backend raises on every call (no keyring at all), the ``null``
backend forgets whatever it is given, and keyrings.alt's ``PlaintextKeyring`` writes the
password in clear to a file in the home folder. :func:`backend_problem` names those so
that ``account add`` can refuse them unless the user explicitly accepts the risk.

Every error raised from here carries a message of our own: a keyring backend's error
text is never shown as is, so a backend that echoed its input could not leak a password.
"""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

SERVICE = "agentconsole"
"""The keyring service every agentconsole password is stored under."""


class SecretError(RuntimeError):
    """The keyring could not store, read or delete a password (message is ours)."""


def backend_name(backend: keyring.backend.KeyringBackend | None = None) -> str:
    """The keyring backend in use, as ``module.Class`` (what PYTHON_KEYRING_BACKEND takes)."""
    kind = type(backend or keyring.get_keyring())
    return f"{kind.__module__}.{kind.__qualname__}"


def _effective(backend: keyring.backend.KeyringBackend) -> keyring.backend.KeyringBackend | None:
    """The backend that really stores a password: a chainer writes to its first viable
    backend, so that one is judged; None when the chainer has none."""
    if isinstance(backend, chainer.ChainerBackend):
        backends = list(backend.backends)
        return backends[0] if backends else None
    return backend


def backend_problem(backend: keyring.backend.KeyringBackend | None = None) -> str | None:
    """Why the keyring backend in use cannot be trusted with a password, or None.

    A backend class may say so itself with a boolean ``insecure`` attribute (the tests'
    file backend declares ``insecure = False``); otherwise the known bad ones are
    recognised by class."""
    current = backend or keyring.get_keyring()
    real = _effective(current)
    if real is None:
        return "no usable keyring backend was found (the chainer has nothing to chain)"
    declared = getattr(real, "insecure", None)
    if isinstance(declared, bool):
        return f"{backend_name(real)} says it is insecure" if declared else None
    if isinstance(real, fail.Keyring):
        return "no keyring backend is available (keyring.backends.fail: every call fails)"
    if isinstance(real, null.Keyring):
        return "the keyring backend is the null backend: it forgets every password"
    names = {cls.__name__ for cls in type(real).__mro__}
    if "PlaintextKeyring" in names:
        return f"the keyring backend {backend_name(real)} stores passwords in plain text"
    return None


def store_password(key: str, password: str) -> None:
    """Keep ``password`` in the keyring under ``key`` (``<account>:<user>``)."""
    try:
        keyring.set_password(SERVICE, key, password)
    except (keyring.errors.KeyringError, OSError) as exc:
        raise SecretError(
            f"the keyring ({backend_name()}) could not store the password: {type(exc).__name__}"
        ) from None


def read_password(key: str) -> str | None:
    """The password stored under ``key``; None when there is none."""
    try:
        return keyring.get_password(SERVICE, key)
    except (keyring.errors.KeyringError, OSError) as exc:
        raise SecretError(
            f"the keyring ({backend_name()}) could not be read: {type(exc).__name__}"
        ) from None


def delete_password(key: str) -> bool:
    """Delete the password under ``key``; False when there was none."""
    try:
        keyring.delete_password(SERVICE, key)
    except keyring.errors.PasswordDeleteError:
        return False
    except (keyring.errors.KeyringError, OSError) as exc:
        raise SecretError(
            f"the keyring ({backend_name()}) could not delete the password: {type(exc).__name__}"
        ) from None
    return True
