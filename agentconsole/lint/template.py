"""AC3xx: template leftovers. A ``{{ variable }}`` or ``{% tag %}`` that reached the
text, or an agent-filled blank ``⟦label⟧`` nobody filled, would be mailed as is."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from agentconsole.lint.doc import Doc, Hit
from agentconsole.lint.model import LintContext

# A tag or variable, closed within a few lines; an opener that is never closed is a
# leftover too (a half-deleted variable).
_TEMPLATE = re.compile(r"\{\{.{0,200}?\}\}|\{%.{0,200}?%\}|\{\{|\{%", re.DOTALL)
_BLANK = re.compile(r"⟦[^⟦⟧]{0,200}⟧")


class TemplateChecker:
    def check(self, doc: Doc, ctx: LintContext) -> Iterator[Hit]:
        for match in _TEMPLATE.finditer(doc.text):
            yield Hit("AC301", match.start(), match.end(), values={"text": match.group(0)})
        for match in _BLANK.finditer(doc.text):
            yield Hit("AC302", match.start(), match.end(), values={"label": match.group(0)[1:-1]})


def build(words: dict[str, tuple[str, ...]], params: dict[str, Any]) -> TemplateChecker:
    return TemplateChecker()
