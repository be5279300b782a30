"""Our own canned responses are what a good reply looks like: the linter finds nothing
in any of them, rendered for a sample ticket and linted as fragments (a false positive
here would nag every agent who uses one)."""

from __future__ import annotations

import pytest

from agentconsole.canned import CannedResponse, load_library
from agentconsole.canned.check import sample_values
from agentconsole.canned.templating import render
from agentconsole.config import Config
from agentconsole.lint import LintContext, lint_text

CONFIG = Config()
RESPONSES = load_library(CONFIG).all()


def test_there_are_canned_responses_in_both_languages() -> None:
    assert {r.lang for r in RESPONSES} == {"zh", "en"}


@pytest.mark.parametrize("response", RESPONSES, ids=[r.id for r in RESPONSES])
def test_a_shipped_canned_response_has_no_finding(response: CannedResponse) -> None:
    text = render(response, sample_values(response, CONFIG)).text
    ctx = LintContext(
        fragment=True,
        customer_lang=response.lang,
        first_response_hours=24,
        allowed_domains=CONFIG.allowed_domains,
    )
    findings = [(f.code, text[f.start : f.end]) for f in lint_text(text, ctx)]
    assert findings == []
