"""Derived ticket refs: stable, forgiving to type, found in subjects."""

from __future__ import annotations

from agentconsole.refs import ALPHABET, message_ref, parse_ref, refs_in_subject


def test_ref_is_derived_from_the_message_id_and_ignores_brackets() -> None:
    ref = message_ref("<abc@example.com>", b"x")
    assert ref == message_ref("abc@example.com", b"other key")
    assert ref.startswith("T-") and len(ref) == 10
    assert all(c in ALPHABET for c in ref[2:])
    assert ref != message_ref("<abd@example.com>", b"x")


def test_without_a_message_id_the_dedupe_key_decides() -> None:
    assert message_ref(None, b"k1") == message_ref("", b"k1")
    assert message_ref(None, b"k1") != message_ref(None, b"k2")


def test_parse_accepts_case_lookalikes_prefix_and_brackets() -> None:
    ref = message_ref("<abc@example.com>", b"x")
    body = ref[2:]
    assert parse_ref(ref) == ref
    assert parse_ref(body.lower()) == ref
    assert parse_ref(f"[{ref}]") == ref
    assert parse_ref(f"t-{body}") == ref
    assert parse_ref("T-0OIL0000") == "T-00110000"


def test_parse_refuses_numbers_short_and_foreign_text() -> None:
    assert parse_ref("T-42") is None
    assert parse_ref("42") is None
    assert parse_ref("T-ABC") is None
    assert parse_ref("T-ABCDEFG!") is None
    assert parse_ref("T-ABCDEFGU") is None


def test_subject_refs_are_found_once_in_order() -> None:
    subject = "Re: [t-abcdefgh] and [T-ABCDEFGH] [T-42] [T-00000001]"
    assert refs_in_subject(subject) == ["T-ABCDEFGH", "T-00000001"]


def test_a_bare_word_is_not_read_through_lookalikes() -> None:
    assert parse_ref("nonsense") is None
    assert parse_ref("deadbeef") == "T-DEADBEEF"


def test_a_long_number_is_an_old_local_id_not_a_ref() -> None:
    assert parse_ref("T-123456789012345678901") is None
    assert parse_ref("T-12345678") == "T-12345678"
