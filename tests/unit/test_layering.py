"""The core must stay headless: importing it must not import Textual or Rich.

Run in a fresh interpreter so that modules imported by other tests do not hide a
violation (the harlequin approach)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import agentconsole

UI_PACKAGES = (
    "agentconsole.cli",
    "agentconsole.app",
    "agentconsole.screens",
    "agentconsole.widgets",
)


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(agentconsole.__path__, "agentconsole.")]
    return sorted(
        n for n in names if not n.startswith(UI_PACKAGES) and n != "agentconsole.__main__"
    )


def test_core_list_is_not_empty() -> None:
    modules = core_modules()
    for expected in (
        "agentconsole.store.db",
        "agentconsole.store.dashboard_rows",
        "agentconsole.periods",
        "agentconsole.drilldown",
        "agentconsole.mail.parse",
        "agentconsole.ingest.pipeline",
        "agentconsole.domain.tickets",
        "agentconsole.domain.arrival",
        "agentconsole.domain.sla_reload",
        "agentconsole.canned.library",
        "agentconsole.canned.templating",
        "agentconsole.compose.mime",
        "agentconsole.compose.addresses",
        "agentconsole.lint.engine",
        "agentconsole.sync.secrets",
        "agentconsole.sync.servers",
        "agentconsole.sync.settings",
        "agentconsole.sync.smtp_out",
        "agentconsole.sla.calendar",
        "agentconsole.sla.durations",
        "agentconsole.sla.policies",
        "agentconsole.sla.policyfile",
        "agentconsole.sla.clocks",
        "agentconsole.sla.escalation_words",
        "agentconsole.sla.escalations",
        "agentconsole.sync.imap_session",
        "agentconsole.sync.imap_source",
        "agentconsole.sync.imap_sync",
        "agentconsole.store.checkpoints",
    ):
        assert expected in modules


def test_core_imports_neither_textual_nor_rich() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {core_modules()!r}: importlib.import_module(name)\n"
        "ui = ('textual', 'rich')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ui)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
