"""Make text from strangers harmless to show on a terminal.

Every subject, name and body in the store came from someone outside the company.
Terminals act on control characters (ESC starts CSI/OSC sequences that can retitle the
window, write the clipboard or clear the screen; C1 bytes such as U+009B do the same on
some terminals), and bidi overrides can make ``evil.test`` read as ``tset.live``.
The raw message stays untouched in the store; these helpers are applied at the point
text is shown, by the CLI and by the console alike.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls except TAB and LF, DEL, C1 controls, and the Unicode format characters that
# reorder or hide text (bidi embeddings/overrides/isolates, zero-width joiners are left).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]"
)
_LINE_BREAKS = re.compile("[\r\n\t\u2028\u2029\x85\x0b\x0c]+")


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code < 0x20:
        # U+2400..U+241F are the "control picture" glyphs: ESC shows as a visible symbol.
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def safe_text(value: str | None) -> str:
    """Return ``value`` with every control or reordering character made visible.

    Newlines and tabs are kept (for bodies); CR is dropped from CRLF pairs first so that
    text written on Windows does not show a symbol at every line end.
    """
    if not value:
        return ""
    value = value.replace("\r\n", "\n")
    return _UNSAFE.sub(_visible, value)


def safe_line(value: str | None, limit: int | None = None) -> str:
    """Like :func:`safe_text` but for one-line fields (subjects, names, addresses).

    Line breaks and tabs collapse to one space so that a subject can never forge an
    extra row in a listing; ``limit`` cuts long values with an ellipsis.
    """
    if not value:
        return ""
    value = _LINE_BREAKS.sub(" ", value)
    value = _UNSAFE.sub(_visible, value).strip()
    if limit is not None and len(value) > limit:
        value = value[: max(0, limit - 1)] + "\u2026"
    return value


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def safe_json(data: Any, *, indent: int | None = None) -> str:
    """Serialise ``data`` as JSON that keeps CJK readable but can not drive a terminal.

    ``json.dumps(ensure_ascii=False)`` escapes C0 controls but passes C1 controls and bidi
    overrides through raw; those are escaped here as ``\\uXXXX`` so the data is unchanged
    for a program reading it and inert for a person looking at it.
    """
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=str)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
