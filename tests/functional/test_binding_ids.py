"""The core's list of binding ids (checked in the config's [keymap]) is exactly the set
of ids the console's screens and widgets define."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import agentconsole.screens
import agentconsole.widgets
from agentconsole.binding_ids import BINDING_IDS


def _console_binding_ids() -> set[str]:
    modules = ["agentconsole.app"] + [
        m.name
        for package in (agentconsole.screens, agentconsole.widgets)
        for m in pkgutil.iter_modules(package.__path__, package.__name__ + ".")
    ]
    ids: set[str] = set()
    for module_name in modules:
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module_name:
                ids.update(b.id for b in cls.__dict__.get("BINDINGS", []) if b.id)
    return ids


def test_core_binding_ids_are_the_console_binding_ids() -> None:
    console_ids = _console_binding_ids()

    assert sorted(console_ids - BINDING_IDS) == [], "add these to agentconsole/binding_ids.py"
    assert sorted(BINDING_IDS - console_ids) == [], "no binding has these ids any more"
