"""Which keyring backends may keep a mailbox password, and the store/read/delete cycle."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import chainer, fail, null

from agentconsole.sync.secrets import (
    SERVICE,
    SecretError,
    backend_problem,
    delete_password,
    read_password,
    store_password,
)
from tests.keyring_backend import MemoryKeyring, PlaintextKeyring


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_a_secure_backend_keeps_the_password(memory: MemoryKeyring) -> None:
    assert backend_problem() is None
    store_password("support:ann", "s3cret")
    assert memory.secrets == {(SERVICE, "support:ann"): "s3cret"}
    assert read_password("support:ann") == "s3cret"
    assert delete_password("support:ann") is True
    assert delete_password("support:ann") is False
    assert read_password("support:ann") is None


def test_insecure_backends_are_named() -> None:
    assert backend_problem(fail.Keyring()) == (
        "no keyring backend is available (keyring.backends.fail: every call fails)"
    )
    assert backend_problem(null.Keyring()) == (
        "the keyring backend is the null backend: it forgets every password"
    )
    assert backend_problem(PlaintextKeyring()) == (
        "the keyring backend tests.keyring_backend.PlaintextKeyring stores passwords in plain text"
    )


def test_a_chainer_is_judged_by_the_backend_it_writes_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    assert backend_problem(chainer.ChainerBackend()) == (
        "no usable keyring backend was found (the chainer has nothing to chain)"
    )
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [PlaintextKeyring()])
    assert "stores passwords in plain text" in (backend_problem(chainer.ChainerBackend()) or "")
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [MemoryKeyring()])
    assert backend_problem(chainer.ChainerBackend()) is None


def test_the_fail_backend_gives_our_own_message() -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(SecretError) as caught:
            store_password("support:ann", "s3cret")
    finally:
        keyring.set_keyring(before)
    assert str(caught.value) == (
        "no keyring backend is available (keyring.backends.fail.Keyring), so the password could"
        " not be stored: run and unlock a Secret Service keyring (gnome-keyring, KeePassXC), or"
        " install keyrings.alt and add the account again with --allow-insecure-keyring (see the"
        " README, 'Connecting a mailbox')"
    )
