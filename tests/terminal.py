"""The real program in a real terminal: a tmux session the test types into and reads.

Each :class:`Terminal` runs on its own tmux server (``tmux -L NAME``, a socket of its
own), so parallel test workers and a person's own tmux never meet, and stopping it
kills the server and everything in it. Tests wait for what the screen shows
(:meth:`Terminal.wait_for`) instead of sleeping a fixed time: as quick as the program
is, and as patient as a loaded machine needs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

WAIT_SECONDS = 30.0
"""How long :meth:`Terminal.wait_for` waits for the screen before giving up."""

_TICKET_REF = re.compile(r"\bT-[0-9A-Z]{8}\b")


def queue_shown(screen: str) -> bool:
    """Whether the console's queue shows its rows (a ticket reference is on screen)."""
    return _TICKET_REF.search(screen) is not None


class Terminal:
    """``command`` in a ``width`` x ``height`` tmux pane; every byte the program writes
    is appended to ``log`` when one is given (``tmux pipe-pane``)."""

    def __init__(self, command: str, log: Path | None = None, width: int = 150, height: int = 40):
        assert shutil.which("tmux"), "tmux is required for this test (installed by ./dev test)"
        self.server = f"agentconsole-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.session = "console"
        # the pane's size is the program's: no COLUMNS or LINES (a pytest-xdist worker
        # has them) may override it, and no TMUX of an outer tmux
        self._env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("TMUX") and k not in ("COLUMNS", "LINES")
        }
        # a pane that writes nothing until the program replaces it (a shell would print)
        size = ("-x", str(width), "-y", str(height))
        self.tmux("new-session", "-d", "-s", self.session, *size, "cat")
        if log is not None:
            self.tmux("pipe-pane", "-o", "-t", self.session, f"cat >> {log}")
        # the program starts only once its output is recorded: nothing it writes is missed
        self.tmux("respawn-pane", "-k", "-t", self.session, command)

    def tmux(self, *args: str) -> str:
        """``tmux ARGS`` on this terminal's own server; its output."""
        done = subprocess.run(
            ["tmux", "-L", self.server, *args],
            env=self._env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    @property
    def pid(self) -> int:
        """The program's process id (the pane's process: start it with ``exec``)."""
        return int(self.tmux("display-message", "-p", "-t", self.session, "#{pane_pid}"))

    def keys(self, *keys: str) -> None:
        """``tmux send-keys``: key names (``Enter``, ``C-u``), or ``"-l", TEXT``."""
        self.tmux("send-keys", "-t", self.session, *keys)

    def screen(self) -> str:
        """What the terminal shows now, as text."""
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, shown: str | Callable[[str], bool], seconds: float = WAIT_SECONDS) -> str:
        """The screen once it shows ``shown`` (a text, or a test of the whole screen);
        after ``seconds`` the screen as it is, for the test's own assert to report."""
        test = shown if callable(shown) else lambda screen: shown in screen
        deadline = time.monotonic() + seconds
        while True:
            screen = self.screen()
            if test(screen) or time.monotonic() > deadline:
                return screen
            time.sleep(0.05)

    def close(self) -> None:
        """Kill the tmux server and with it the program."""
        subprocess.run(
            ["tmux", "-L", self.server, "kill-server"], env=self._env, capture_output=True
        )

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def filter_in_terminal(terminal: Terminal, query: str) -> str:
    """Filter the console's queue by ``query`` as a fast typist does: ``/`` and the
    query in one burst (one ``send-keys``), then Enter; the screen once the filtered
    queue has the keys again."""
    terminal.wait_for(queue_shown)
    terminal.keys("-l", f"/{query}")
    terminal.wait_for(
        lambda screen: any(line.startswith("▊") and query in line for line in screen.splitlines())
    )
    terminal.keys("Enter")
    return terminal.wait_for(lambda screen: f"filter: {query}" in screen and "⏎ Open" in screen)
