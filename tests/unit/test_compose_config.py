"""The [compose] settings a config file may hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentconsole.config import ConfigError, load_config


def test_status_after_reply_must_be_a_status_or_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    for value in ("pending", "solved", "unchanged"):
        path.write_text(f'[compose]\nstatus_after_reply = "{value}"\n')
        assert load_config(path).status_after_reply == value
    path.write_text('[compose]\nstatus_after_reply = "done"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}: compose.status_after_reply must be one of new, open, pending, solved,"
        " closed, unchanged, not 'done'"
    )
