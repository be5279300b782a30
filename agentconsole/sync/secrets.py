"""Mailbox passwords, kept only in the OS keyring.

The keyring library picks a backend by itself, and some of its choices do not keep a
secret: the ``fail`` backend raises on every call (no keyring at all), the ``null``
backend forgets whatever it is given, and keyrings.alt's ``PlaintextKeyring`` writes the
password in clear to a file in the home folder. :func:`backend_problem` names those so
that ``account add`` can refuse them unless the user explicitly accepts the risk.

Every error raised from here carries a message of our own: a keyring backend's error
text is never shown as is, so a backend that echoed its input could not leak a password.
Each message says what to do next (:data:`HEADLESS_STEPS`), because the same cause,
no usable keyring, shows up in every command that needs the password.

A key is ``<store id>/<account>:<user>`` (:attr:`agentconsole.store.accounts.Account.
secret_key`), so two databases on one machine never share an entry; an entry under the
old key ``<account>:<user>`` is still read, copied to the new key, and never deleted
(another database may still use it).
"""

from __future__ import annotations

import re
import sys

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

SERVICE = "agentconsole"
"""The keyring service every agentconsole password is stored under."""


HEADLESS_STEPS = (
    "run and unlock a Secret Service keyring (gnome-keyring, KeePassXC), or install"
    " keyrings.alt and add the account again with --allow-insecure-keyring"
    " (see the README, 'Connecting a mailbox')"
)
"""What to do when there is no usable keyring: the README's headless steps, in one line."""

_STORE_PREFIX = re.compile(r"[0-9a-f]{32}/")


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


def stores_nothing(backend: keyring.backend.KeyringBackend | None = None) -> bool:
    """True when the backend cannot keep a password at all (``fail``, ``null``, an empty
    chainer): accepting an insecure keyring would not help there."""
    real = _effective(backend or keyring.get_keyring())
    return real is None or isinstance(real, (fail.Keyring, null.Keyring))


def _failure(doing: str, exc: BaseException) -> SecretError:
    """Our message for a backend error: what failed, and what to do about it."""
    if isinstance(exc, keyring.errors.NoKeyringError) or stores_nothing():
        return SecretError(
            f"no keyring backend is available ({backend_name()}), so the password could not"
            f" be {doing}: {HEADLESS_STEPS}"
        )
    if isinstance(exc, keyring.errors.KeyringLocked):
        return SecretError(
            f"the keyring ({backend_name()}) is locked, so the password could not be {doing}:"
            " unlock it (e.g. gnome-keyring-daemon --unlock) and try again"
        )
    return SecretError(
        f"the keyring ({backend_name()}) could not be {doing}: {type(exc).__name__}:"
        f" {HEADLESS_STEPS}"
    )


def store_password(key: str, password: str) -> None:
    """Keep ``password`` in the keyring under ``key`` (``<store id>/<account>:<user>``)."""
    try:
        keyring.set_password(SERVICE, key, password)
    except (keyring.errors.KeyringError, OSError) as exc:
        raise _failure("stored", exc) from None


def legacy_key(key: str) -> str | None:
    """The pre-store key (``<account>:<user>``) of a per-store key, None if ``key`` is one."""
    return key[33:] if _STORE_PREFIX.match(key) else None


def has_password(key: str) -> bool:
    """True when an entry exists under exactly ``key`` (no fallback, no warning)."""
    try:
        return keyring.get_password(SERVICE, key) is not None
    except (keyring.errors.KeyringError, OSError) as exc:
        raise _failure("read", exc) from None


def read_password(key: str) -> str | None:
    """The password stored under ``key``; None when there is none.

    An entry only under the legacy key is copied to ``key`` (so a later re-add in
    another database cannot change it) but left where it was. Read from an insecure
    backend, the password comes with a warning on stderr every time: the user accepted
    that backend once, and is told again each time it is relied upon."""
    try:
        password = keyring.get_password(SERVICE, key)
        old = legacy_key(key)
        if password is None and old is not None:
            password = keyring.get_password(SERVICE, old)
            if password is not None:
                keyring.set_password(SERVICE, key, password)
    except (keyring.errors.KeyringError, OSError) as exc:
        raise _failure("read", exc) from None
    problem = backend_problem()
    if password is not None and problem is not None:
        print(f"warning: {problem} (accepted with --allow-insecure-keyring)", file=sys.stderr)
    return password


def delete_password(key: str) -> bool:
    """Delete the password under ``key``; False when there was none."""
    try:
        keyring.delete_password(SERVICE, key)
    except keyring.errors.PasswordDeleteError:
        return False
    except (keyring.errors.KeyringError, OSError) as exc:
        raise _failure("deleted", exc) from None
    return True
