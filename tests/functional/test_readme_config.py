"""Every TOML block of the README is a config file agentconsole accepts: the settings
the README teaches are the ones the checker knows (an unknown key there would be the
first thing a new user copies into an exit 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentconsole.config import load_config
from tests.conftest import ROOT

_BLOCK = re.compile(r"^```toml\n(.*?)^```", re.S | re.M)


def toml_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block for block in _BLOCK.findall(readme) if "[[policies]]" not in block]


def test_the_readme_has_config_examples() -> None:
    blocks = toml_blocks()
    assert len(blocks) >= 4
    assert any("[compose]" in b for b in blocks) and any("[lint]" in b for b in blocks)


@pytest.mark.parametrize("block", toml_blocks())
def test_each_config_example_loads(block: str, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(block, encoding="utf-8")
    config = load_config(path)
    if "canned_folder" in block:
        assert config.canned_folder == "~/team/canned"
    else:
        assert config.canned_folder == str(tmp_path / "canned")
