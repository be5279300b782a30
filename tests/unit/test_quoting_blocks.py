"""Quote and signature folding, block by block with the exact text of each: what the
ticket view shows and what it folds."""

from __future__ import annotations

import pytest

from agentconsole.mail.quoting import split_quotes

ATTRIBUTION = "On Mon, 5 Oct 2026 Lin wrote:"


@pytest.mark.parametrize(
    ("body", "blocks"),
    [
        (
            "Hi\r\n\r\n> quoted\r\n> more\r\n\r\nThanks\r\n",
            [("text", "Hi"), ("quote", "> quoted\n> more"), ("text", "Thanks")],
        ),
        ("Body text\n--\nWang", [("text", "Body text"), ("signature", "--\nWang")]),
        ("Body text\n-- \nWang", [("text", "Body text"), ("signature", "-- \nWang")]),
        ("Body text\n  --  \nWang", [("text", "Body text"), ("signature", "  --  \nWang")]),
        ("Body text\n---\nWang", [("text", "Body text\n---\nWang")]),
        ("Body text\n--x\nWang", [("text", "Body text\n--x\nWang")]),
        (
            "Body\n-- \nWang\n--\nstill the signature",
            [("text", "Body"), ("signature", "-- \nWang\n--\nstill the signature")],
        ),
        (
            f"On Monday I wrote: nothing\n{ATTRIBUTION}\nplain line after\nmore",
            [("text", f"On Monday I wrote: nothing\n{ATTRIBUTION}\nplain line after\nmore")],
        ),
        (
            "好的\n在2026年10月5日，客服写道：\n您好\n请稍候",
            [("text", "好的"), ("quote", "在2026年10月5日，客服写道：\n您好\n请稍候")],
        ),
        (
            f"Text\n{ATTRIBUTION}\n\n\n> quote three lines down",
            [("text", "Text"), ("quote", f"{ATTRIBUTION}\n\n\n> quote three lines down")],
        ),
        (
            f"Text\n{ATTRIBUTION}\n\n\n\n> quote four lines down",
            [("text", f"Text\n{ATTRIBUTION}"), ("quote", "> quote four lines down")],
        ),
        (
            f"Text\n{ATTRIBUTION}\n  > indented quote",
            [("text", "Text"), ("quote", f"{ATTRIBUTION}\n  > indented quote")],
        ),
        (f"Text\n{ATTRIBUTION}", [("text", f"Text\n{ATTRIBUTION}")]),
        ("> a\n\n> b\ntext", [("quote", "> a\n\n> b"), ("text", "text")]),
        (
            f"> a\n{ATTRIBUTION}\n> b\nreply",
            [("quote", f"> a\n{ATTRIBUTION}\n> b"), ("text", "reply")],
        ),
        (
            "text\n  > indented\nback",
            [("text", "text"), ("quote", "  > indented"), ("text", "back")],
        ),
        ("\n\n    code stays indented  \n\n", [("text", "    code stays indented  ")]),
        ("\n \n", []),
    ],
)
def test_blocks_and_their_text(body: str, blocks: list[tuple[str, str]]) -> None:
    assert [(b.kind, b.text) for b in split_quotes(body)] == blocks


def test_an_original_message_header_folds_everything_below_it() -> None:
    body = "See below\n\n-----Original Message-----\nFrom: support\n\nWe refunded you.\nLin"
    assert [(b.kind, b.text) for b in split_quotes(body)] == [
        ("text", "See below"),
        ("quote", "-----Original Message-----\nFrom: support\n\nWe refunded you.\nLin"),
    ]
    assert [b.lines for b in split_quotes(body)] == [1, 5]
