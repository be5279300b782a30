"""Hostile and broken response files: whatever a file holds, loading and rendering end
in a response or a CannedError, never another exception (a traceback in the console).
Seeded mutations of the shipped files, so a failure reproduces."""

from __future__ import annotations

import random
from pathlib import Path

from agentconsole.canned import CannedError, render
from agentconsole.canned.check import bare_values, sample_values
from agentconsole.canned.library import shipped_folder
from agentconsole.canned.loading import parse_response, read_text
from tests.mailfactory import make_config

PIECES = [
    "{",
    "}",
    "{{",
    "}}",
    "{%",
    "%}",
    "+++",
    '"',
    "'",
    "=",
    "[",
    "]",
    "\n",
    "|",
    "default:",
    "blank",
    "endif",
    "{{ customer.name }}",
    "{{ agent.name }}",
    "\x00",
    "\ue000",
    "⟦",
    "é",
    "密",
    " ",
    ".",
    "-",
]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(text) + 1)
        if rng.random() < 0.5 and text:
            text = text[:at] + text[at + rng.randint(1, 8) :]
        else:
            text = text[:at] + rng.choice(PIECES) + text[at:]
    return text


def test_mutated_files_load_or_fail_cleanly() -> None:
    rng = random.Random(7)
    config = make_config()
    sources = sorted(shipped_folder().glob("*.md"))
    outcomes = {"loaded": 0, "refused": 0, "render refused": 0}
    for n in range(1500):
        source = sources[n % len(sources)]
        text = mutate(read_text(source), rng)
        try:
            response = parse_response(Path(f"/fuzz/{n}.md"), text, "user")
        except CannedError as exc:
            assert str(exc).startswith(f"/fuzz/{n}.md")
            outcomes["refused"] += 1
            continue
        outcomes["loaded"] += 1
        for values in (sample_values(response, config), bare_values(response)):
            try:
                rendered = render(response, values)
            except CannedError:
                outcomes["render refused"] += 1
            else:
                for start, end, label in rendered.blanks:
                    assert rendered.text[start:end] == f"⟦{label}⟧"
    # The mutations hit both paths: the test checks something either way.
    assert min(outcomes.values()) > 20, outcomes
