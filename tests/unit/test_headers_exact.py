"""Header decoding, value by value: encoded words, address lists, the sender, dates
at the edges of the accepted range, message ids."""

from __future__ import annotations

import pytest

from agentconsole.mail.headers import (
    decode_header,
    message_ids,
    parse_addresses,
    parse_date,
    parse_sender,
    raw_to_str,
    to_epoch,
)


@pytest.mark.parametrize(
    ("value", "decoded"),
    [
        (None, ("", None)),
        ("plain", ("plain", None)),
        ("a\r\n b", ("a b", None)),
        ("=?utf-8?B?5o+Q546w?= =?utf-8?B?5aSx6LSl?=", ("提现失败", None)),
        ("=?utf-8?B?5o+Q546w?= and =?utf-8?B?5aSx6LSl?=", ("提现 and 失败", None)),
        ("=?utf-8?q?caf=C3=A9_au_lait?=", ("café au lait", None)),
        ("=?utf-8*en?B?eA==?=", ("x", None)),
        ("=?utf-8?B?eA?=", ("x", None)),
        ("=?x-bad?B?aGk=?= ok", ("hi ok", "unknown charset 'x-bad'")),
        ("=?gb2312?B?zOHP1g==?=", ("提现", None)),
    ],
)
def test_decode_header(value: str | None, decoded: tuple[str, str | None]) -> None:
    assert decode_header(value) == decoded


def test_raw_8_bit_header_bytes_become_text() -> None:
    surrogates = "提现".encode("gbk").decode("ascii", "surrogateescape")
    assert raw_to_str(surrogates) == "提现"
    assert raw_to_str("plain") == "plain"


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        (None, ([], 0)),
        ("", ([], 0)),
        ("Wang <WANG@Example.com>", ([("Wang", "wang@example.com")], 1)),
        ('"Li, Lei" <li@x.example>', ([("Li, Lei", "li@x.example")], 1)),
        ("bare@X.example", ([("", "bare@x.example")], 1)),
        (
            "a@x.example, B <b@y.example>, junk, @bad, <c@z.example>",
            ([("", "a@x.example"), ("B", "b@y.example"), ("", "c@z.example")], 3),
        ),
        ('"Q \\"x\\"" <q@x.example>', ([('Q "x"', "q@x.example")], 1)),
        ("=?utf-8?B?546L6Iqz?= <w@x.example>", ([("王芳", "w@x.example")], 1)),
        ("A <a@x.example>,\r\n B <b@x.example>", ([("A", "a@x.example"), ("B", "b@x.example")], 2)),
    ],
)
def test_parse_addresses(value: str | None, parsed: tuple[list[tuple[str, str]], int]) -> None:
    assert parse_addresses(value) == parsed


def test_a_long_list_is_cut_but_counted() -> None:
    value = ", ".join(f"u{i}@x.example" for i in range(5))
    assert parse_addresses(value, limit=2) == ([("", "u0@x.example"), ("", "u1@x.example")], 5)


@pytest.mark.parametrize(
    ("value", "sender"),
    [
        (None, ("", "")),
        ('"support@bank.example" <x@evil.test>', ("support@bank.example", "x@evil.test")),
        ("a@X.example", ("", "a@x.example")),
        ("A <a@x.example>, B <b@x.example>", ("A", "a@x.example")),
        ("=?utf-8?B?546L6Iqz?=\r\n <W@x.example>", ("王芳", "w@x.example")),
        ("Name only", ("", "")),
    ],
)
def test_parse_sender(value: str | None, sender: tuple[str, str]) -> None:
    assert parse_sender(value) == sender


@pytest.mark.parametrize(
    ("value", "epoch"),
    [
        ("Mon, 05 Oct 2026 10:00:00 +0800", 1791165600),
        ("Mon, 05 Oct 2026 10:00:00", 1791194400),  # no zone: taken as UTC
        ("Mon, 05 Oct 2026\r\n 10:00:00 +0000", 1791194400),
        ("Tue, 01 Jan 1980 00:00:00 +0000", 315532800),
        ("Mon, 31 Dec 1979 23:59:59 +0000", None),
        ("Fri, 31 Dec 2100 23:59:59 +0000", 4133980799),
        ("Sat, 01 Jan 2101 00:00:00 +0000", None),
        ("garbage", None),
        ("", None),
    ],
)
def test_parse_date(value: str, epoch: int | None) -> None:
    moment = parse_date(value)
    assert (to_epoch(moment) if moment else None) == epoch
    if moment is not None:
        assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        (None, []),
        ("<A@X>", ["a@x"]),
        ("<a@x> <b@y>\r\n <c@z>", ["a@x", "b@y", "c@z"]),
        ("bare@id", ["bare@id"]),
        ("not an id", []),
        ("  ", []),
    ],
)
def test_message_ids(value: str | None, ids: list[str]) -> None:
    assert message_ids(value) == ids


def test_only_the_newest_references_are_kept() -> None:
    assert message_ids("<a@x> <b@y> <c@z>", limit=2) == ["b@y", "c@z"]
