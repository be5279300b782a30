"""Reading canned responses from Markdown files with TOML front matter.

A file looks like this (``+++`` lines around TOML, as Hugo and Zola write it, read
with the stdlib's tomllib)::

    +++
    id = "refund-status-en"
    title = "Refund: where it stands"
    lang = "en"
    categories = ["payment"]
    tags = ["refund"]
    keywords = ["refund", "money back"]
    +++
    Your refund for {{ ticket.ref }} is on its way ...

A folder is read whole: every bad file is reported (a CannedError naming the file and
line) and left out, the good ones load; one typo never hides the whole library.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from agentconsole.canned.model import LANGS, CannedError, CannedResponse
from agentconsole.canned.search import sort_key
from agentconsole.canned.templating import compile_body
from agentconsole.files import FileRefused, read_limited
from agentconsole.models import CATEGORIES

FENCE = "+++"
MAX_BYTES = 256 * 1024
_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,79}")
_REQUIRED = ("id", "title", "lang", "categories")
_LISTS = ("categories", "tags", "keywords")
_KEYS = frozenset(("id", "title", "lang", *_LISTS))
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")


def _key_line(lines: list[str], key: str) -> int:
    """The 1-based line of the file where front-matter ``key`` is set (the opening
    fence is line 1), or 1 when it is not there."""
    pattern = re.compile(rf"\s*{re.escape(key)}\s*=")
    for number, line in enumerate(lines, start=2):
        if pattern.match(line):
            return number
    return 1


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    return None


def _front_matter(path: Path, text: str) -> tuple[dict[str, object], list[str], int]:
    """The parsed front matter, its lines, and the file's line where the body starts."""
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        raise CannedError(
            f"the file must start with a {FENCE} line (TOML front matter)", path=path, line=1
        )
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise CannedError(
            f"the front matter has no closing {FENCE} line", path=path, line=1
        ) from None
    matter = lines[1:close]
    try:
        data = tomllib.loads("\n".join(matter))
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line, column = len(matter) + 1, None  # "at end of document": its last line
        if found and found.group(1):
            line, column = int(found.group(1)) + 1, int(found.group(2))
        reason = _TOML_POSITION.sub("", str(exc)).strip()
        raise CannedError(
            f"front matter is not valid TOML: {reason}", path=path, line=line, column=column
        ) from None
    return data, matter, close + 2


def parse_response(path: Path, text: str, origin: str) -> CannedResponse:
    """One response from a file's text; CannedError (file, line) when the front matter
    is wrong or the body's template does not parse or names an unknown variable."""
    data, matter, body_line = _front_matter(path, text)
    for key in data:
        if key not in _KEYS:
            raise CannedError(
                f"unknown key {key!r} (known: {', '.join(sorted(_KEYS))})",
                path=path,
                line=_key_line(matter, key),
            )
    for key in _REQUIRED:
        if key not in data:
            raise CannedError(f"{key} is missing from the front matter", path=path, line=1)
    rid, title, lang = data["id"], data["title"], data["lang"]
    if not isinstance(rid, str) or not _ID.fullmatch(rid):
        raise CannedError(
            "id must be lower-case letters, digits, '-', '_' or '.' (up to 80)",
            path=path,
            line=_key_line(matter, "id"),
        )
    if not isinstance(title, str) or not title.strip() or "\n" in title:
        raise CannedError(
            "title must be a one-line text", path=path, line=_key_line(matter, "title")
        )
    if lang not in LANGS:
        raise CannedError(
            f"lang must be one of {', '.join(LANGS)}, not {lang!r}",
            path=path,
            line=_key_line(matter, "lang"),
        )
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LISTS:
        value = _strings(data.get(key, []))
        if value is None:
            raise CannedError(
                f"{key} must be a list of texts", path=path, line=_key_line(matter, key)
            )
        lists[key] = value
    unknown = [c for c in lists["categories"] if c not in CATEGORIES]
    if unknown or not lists["categories"]:
        raise CannedError(
            f"unknown category {unknown[0]!r} (known: {', '.join(CATEGORIES)})"
            if unknown
            else "categories must name at least one category",
            path=path,
            line=_key_line(matter, "categories"),
        )
    after_fence = body_line
    body_lines = text.split("\n")[body_line - 1 :]
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
        body_line += 1
    body = "\n".join(body_lines).rstrip()
    if not body:
        raise CannedError("the body (after the front matter) is empty", path=path, line=after_fence)
    response = CannedResponse(
        id=rid,
        title=title.strip(),
        lang=str(lang),
        categories=lists["categories"],
        tags=lists["tags"],
        keywords=lists["keywords"],
        body=body,
        path=path,
        origin=origin,
        body_line=body_line,
    )
    compile_body(response)
    return response


def read_text(path: Path) -> str:
    """A response file's text (UTF-8, a BOM and CRLF line ends allowed). A file over
    256 KB is not a reply fragment: refused before it is read whole."""
    try:
        text = read_limited(path, MAX_BYTES, "a canned response").decode("utf-8")
    except FileRefused as exc:
        raise CannedError(exc.reason, path=path) from None
    except UnicodeDecodeError as exc:
        raise CannedError(f"not UTF-8 (byte {exc.start})", path=path, line=1) from None
    except OSError as exc:
        raise CannedError(f"cannot be read ({exc.strerror})", path=path) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def load_folder(folder: Path, origin: str) -> tuple[list[CannedResponse], list[CannedError]]:
    """Every ``*.md`` in ``folder`` (not its subfolders), by file name; the bad ones
    as errors. A missing folder holds nothing. Two files with one id: both are left out
    (which one is meant cannot be told) and the error names both."""
    if not folder.is_dir():
        return [], []
    loaded: list[CannedResponse] = []
    problems: list[CannedError] = []
    id_lines: dict[Path, int] = {}
    try:
        paths = sorted(folder.glob("*.md"))
    except OSError as exc:
        return [], [CannedError(f"cannot be read ({exc.strerror})", path=folder)]
    for path in paths:
        try:
            text = read_text(path)
            loaded.append(parse_response(path, text, origin))
        except CannedError as exc:
            problems.append(exc)
        else:
            id_lines[path] = _key_line(text.split("\n")[1:], "id")
    by_id: dict[str, list[CannedResponse]] = {}
    for response in loaded:
        by_id.setdefault(response.id, []).append(response)
    kept = [r for r in loaded if len(by_id[r.id]) == 1]
    for rid, same in by_id.items():
        if len(same) > 1:
            for response in same:
                others = ", ".join(o.path.name for o in same if o is not response)
                problems.append(
                    CannedError(
                        f"duplicate id {rid!r} (also in {others})",
                        path=response.path,
                        line=id_lines[response.path],
                    )
                )
    return kept, problems


def merged(layers: Iterable[list[CannedResponse]]) -> list[CannedResponse]:
    """Responses from several folders, a later folder's overriding an earlier one's
    by id (the user's over ours), in a steady order: language, then title."""
    by_id: dict[str, CannedResponse] = {}
    for layer in layers:
        for response in layer:
            by_id[response.id] = response
    return sorted(by_id.values(), key=sort_key)
