"""Decode the bytes of real mail, whatever charset it claims.

Chinese mail is often labelled ``gb2312`` while using characters only GBK/GB18030 have,
Big5 mail uses HKSCS extensions, and some clients label UTF-8 as Latin-1 or name
charsets Python has never heard of. Decoding therefore widens a label to its superset,
and when the label is wrong or unknown tries the likely charsets in turn. The caller
learns whether a guess was needed so that the message can be marked degraded.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Labels that real mail uses for a charset Python decodes better under a wider name.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "utf-8",
    "unknown-8bit": "utf-8",
    "x-user-defined": "cp1252",
    "iso-2022-jp": "iso2022_jp_ext",
    "shift_jis": "cp932",
    "sjis": "cp932",
}

# Tried in this order when the label is missing, unknown or wrong.
_FALLBACKS = ("utf-8", "gb18030", "big5hkscs", "cp1252")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, and why it may not be exactly what the sender wrote."""

    text: str
    charset: str
    problem: str | None = None


def normalise_label(label: str | None) -> str | None:
    """Return a Python codec name for a MIME charset label, or None if unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, label: str | None = None) -> Decoded:
    """Decode ``data`` using ``label`` if it fits, else the first fallback that does.

    Never raises: the last resort decodes with replacement characters and says so.
    """
    codec = normalise_label(label)
    if codec is not None:
        try:
            return Decoded(data.decode(codec), codec)
        except (UnicodeDecodeError, LookupError):
            pass
    problem = None
    if label and codec is None:
        problem = f"unknown charset {label.strip()[:40]!r}"
    elif label:
        problem = f"text does not decode as {label.strip()[:40]!r}"
    if data.isascii():
        return Decoded(data.decode("ascii"), "ascii", problem)
    for candidate in _FALLBACKS:
        if candidate == codec:
            continue
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        return Decoded(text, candidate, problem)
    return Decoded(data.decode("utf-8", "replace"), "utf-8", problem or "undecodable bytes")
