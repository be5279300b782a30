from agentconsole.textsafe import safe_json, safe_line, safe_text


def test_escape_sequences_become_visible_symbols() -> None:
    hostile = "Refund\x1b]0;pwned\x07\x1b[2J\x9b31m done"
    shown = safe_line(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert shown.startswith("Refund\u241b]0;pwned\u2407\u241b[2J")


def test_line_breaks_cannot_forge_rows_but_bodies_keep_them() -> None:
    assert safe_line("a\r\nBcc: x@y\tz") == "a Bcc: x@y z"
    assert safe_text("line 1\r\nline 2\n") == "line 1\nline 2\n"


def test_bidi_overrides_are_neutralised() -> None:
    assert "\u202e" not in safe_line("\u202eelpmaxe.live")
    assert "\u2066" not in safe_text("x\u2066y")


def test_cjk_and_emoji_pass_untouched() -> None:
    assert safe_line("提现失败 😀 Ünïcode") == "提现失败 😀 Ünïcode"


def test_limit_adds_ellipsis() -> None:
    assert safe_line("abcdef", 4) == "abc\u2026"


def test_json_escapes_c1_and_bidi_but_keeps_cjk() -> None:
    text = safe_json({"s": "密码\x9b\u202e"})
    assert "密码" in text
    assert "\x9b" not in text and "\u202e" not in text
    assert "\\u009b" in text and "\\u202e" in text
