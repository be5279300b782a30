"""ctrl+c during `agentconsole sla recompute`: one line that says how far it got and
what to do, exit 130, and a store whose batches are each recomputed whole."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli import run
from tests.conftest import DEMO_MBOX

SLOW = """
import signal, sys, time
from agentconsole.domain import sla

# as at a terminal: a test run started in the background of a non-interactive shell
# hands its children SIGINT ignored, and Python then installs no KeyboardInterrupt
signal.signal(signal.SIGINT, signal.default_int_handler)
from agentconsole.cli import main

sla.RECOMPUTE_BATCH = 10
real = sla.recompute

def slow(*args, **kwargs):
    if len(args[1]) == 10:  # a batch of recompute_all (not a change's own tickets)
        print("batch", file=sys.stderr, flush=True)
        time.sleep(0.3)
    return real(*args, **kwargs)

sla.recompute = slow
sys.argv = ["agentconsole", "sla", "recompute"]
main()
"""


def test_ctrl_c_during_sla_recompute_says_how_far_it_got(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """The real entry point, each batch of 10 made 0.3 s slower (the demo's 165 tickets
    standing in for 100k); SIGINT before the third batch."""
    run(cli_env, "import", str(DEMO_MBOX))
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW],
        env=cli_env,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    seen = 0
    while seen < 3:
        line = process.stderr.readline()
        assert line, "the recompute ended before a batch"
        seen += line == "batch\n"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    lines = [line for line in err.splitlines() if line != "batch"]
    assert len(lines) == 1
    assert lines[0].startswith("error: interrupted after ")
    done = int(lines[0].split("after ")[1].split(" of ")[0])
    assert done == 20  # two batches of 10 committed
    assert lines[0].endswith(
        " of 165 tickets: due times are partly recomputed; run agentconsole sla recompute again"
    )
    assert out == ""
    with sqlite3.connect(cli_env["AGENTCONSOLE_DB"]) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = run(cli_env, "sla", "recompute")
    assert again.stdout.startswith("recomputed 165 tickets under ")
