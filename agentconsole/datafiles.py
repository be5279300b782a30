"""Where the shipped data files are: identifier patterns, category words, demo mailbox.

The repository keeps them in the top-level ``data/`` folder, the one source; a wheel
carries a copy inside the package as ``agentconsole/_data`` (see pyproject.toml), so an
installed command finds them without a checkout. ``$AGENTCONSOLE_DATA`` overrides both.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def data_dir() -> Path:
    """The data folder: ``$AGENTCONSOLE_DATA``, the copy in an installed wheel, or the
    checkout's ``data/`` (an editable install, where no copy is made)."""
    override = os.environ.get("AGENTCONSOLE_DATA")
    if override:
        return Path(override)
    shipped = resources.files("agentconsole").joinpath("_data")
    if isinstance(shipped, Path) and shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parent.parent / "data"
