"""Every key of ours can be remapped (it has an id) and explained (it has a tooltip)."""

from __future__ import annotations

import importlib
import inspect

MODULES = [
    "agentconsole.app",
    "agentconsole.screens.actions",
    "agentconsole.screens.customers",
    "agentconsole.screens.dashboard",
    "agentconsole.screens.help",
    "agentconsole.screens.pickers",
    "agentconsole.screens.queue",
    "agentconsole.screens.ticket",
    "agentconsole.widgets.ticket_table",
]


def test_every_binding_has_a_unique_id_and_a_tooltip() -> None:
    ids: dict[str, str] = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module_name:
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                assert binding.id, f"{name} {binding.key} has no id"
                assert binding.tooltip, f"{binding.id} has no tooltip"
                owner = ids.setdefault(binding.id, name)
                assert owner == name, f"{binding.id} used by {owner} and {name}"
