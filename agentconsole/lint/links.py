"""AC7xx: links. A shortened link (t.cn, bit.ly ...) hides where it goes, and a link to
a domain that is not the company's is what phishing mail carries: customers are told
to distrust both. Subdomains of an allowed domain are fine; ``okwallet.example@evil.test``
and ``okwallet.example.evil.test`` are not.

Quoted lines are left out: a customer reporting a phishing mail quotes its link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from agentconsole.lint.doc import Doc, Hit
from agentconsole.lint.model import LintContext

_STOP = "\\s<>\"'\\[\\]，。！？；、）】」》（【「《"
_TRAILING = ".,;:!?)]}'\"*"


def _host(url: str) -> str:
    """The host a URL goes to: no scheme, user info, port or trailing dot."""
    rest = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url, flags=re.IGNORECASE)
    authority = re.split(r"[/?#\\]", rest, maxsplit=1)[0]
    host = authority.rpartition("@")[2]
    host = re.sub(r":\d*$", "", host)
    return host.rstrip(".").lower()


def _under(host: str, domain: str) -> bool:
    domain = domain.lower().strip(".")
    return host == domain or host.endswith("." + domain)


class LinkChecker:
    def __init__(self, words: dict[str, tuple[str, ...]]) -> None:
        self.shorteners = words["url_shorteners"]
        tlds = "|".join(
            sorted({re.escape(t.lower()) for t in words["bare_link_tlds"]}, key=len, reverse=True)
        )
        self.links = re.compile(
            rf"(?:https?://|www\.)[^{_STOP}]+"
            rf"|(?<![A-Za-z0-9@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{tlds})"
            rf"(?![A-Za-z0-9-])(?::\d+)?(?:/[^{_STOP}]*)?",
            re.IGNORECASE,
        )

    def check(self, doc: Doc, ctx: LintContext) -> Iterator[Hit]:
        for match in self.links.finditer(doc.own):
            url = match.group(0).rstrip(_TRAILING)
            start, end = match.start(), match.start() + len(url)
            host = _host(url)
            if not host:
                continue
            if any(_under(host, s) for s in self.shorteners):
                yield Hit("AC701", start, end, values={"domain": host})
            elif ctx.allowed_domains and not any(_under(host, d) for d in ctx.allowed_domains):
                yield Hit("AC702", start, end, values={"domain": host})


def build(words: dict[str, tuple[str, ...]], params: dict[str, Any]) -> LinkChecker:
    return LinkChecker(words)
