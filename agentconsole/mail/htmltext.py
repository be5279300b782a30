"""Turn HTML mail into readable plain text without fetching anything.

Only the text is kept: scripts, styles and the head are dropped, block elements become
line breaks, list items get a bullet, links keep their visible text and show the real
target after it (a link whose text differs from its target is how phishing hides).
Images are never loaded; their ``alt`` text stands in for them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "p",
    "div",
    "br",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "address",
}
_SKIP = {"script", "style", "head", "title", "noscript", "template"}
_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_SPACES = re.compile(r"[ \t\u00a0]+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.link_target: str | None = None
        self.link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        elif tag == "td" or tag == "th":
            self.parts.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f"[{alt}]")
        elif tag == "a":
            self.link_target = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "a" and self.link_target:
            text = "".join(self.link_text).strip()
            target = self.link_target.strip()
            if target and not target.startswith(("#", "mailto:")) and target != text:
                self.parts.append(f" <{target}>")
            self.link_target = None
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        self.parts.append(data)
        if self.link_target is not None:
            self.link_text.append(data)


def html_to_text(html: str) -> str:
    """Return the readable text of ``html``; never raises on malformed markup."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient, but a hostile input must not stop import
        return re.sub(r"<[^>]*>", " ", html)
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return _BLANKS.sub("\n\n", text).strip()
