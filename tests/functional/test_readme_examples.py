"""Every command line the README shows works on the demo mailbox.

The examples are the lines starting with ``agentconsole `` inside ```sh and ```console
blocks of README.md, run as written from the checkout against a database imported from
the demo mailbox. Each must exit 0 and print something, except an example whose comment
says ``exits N`` (which must exit N and say why on standard error). A bare
``agentconsole`` (or ``agentconsole demo``) opens the console, which has its own tests.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.cli import run
from tests.conftest import ROOT

_FENCE = re.compile(r"^```(\w*)")
_EXITS = re.compile(r"#.*\bexits (\d+)")


def readme_examples() -> list[str]:
    examples: list[str] = []
    block: str | None = None
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        fence = _FENCE.match(line)
        if fence:
            block = fence.group(1) if block is None else None
        elif block in ("sh", "console") and line.startswith("agentconsole "):
            examples.append(line)
    return examples


def _opens_console(example: str) -> bool:
    return shlex.split(example, comments=True)[1:] in ([], ["demo"])


EXAMPLES = [e for e in readme_examples() if not _opens_console(e)]


def test_the_readme_has_examples_to_check() -> None:
    assert len(EXAMPLES) >= 10
    assert "agentconsole search 密码" in EXAMPLES
    assert any(_opens_console(e) for e in readme_examples())


@pytest.fixture(scope="module")
def env(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("readme")
    shutil.copy(demo_template, tmp / "s.db")
    return dict(
        os.environ,
        AGENTCONSOLE_DB=str(tmp / "s.db"),
        AGENTCONSOLE_CONFIG=str(tmp / "none.toml"),
        COLUMNS="120",
        NO_COLOR="1",
    )


@pytest.mark.parametrize("example", EXAMPLES)
def test_readme_example_works_on_the_demo(env: dict[str, str], example: str) -> None:
    args = shlex.split(example, comments=True)[1:]
    expected = _EXITS.search(example)
    result = run(env, *args, check=False, cwd=ROOT)
    if expected:
        assert result.returncode == int(expected.group(1)) and result.stderr.strip()
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()
