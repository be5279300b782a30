"""Print the mutation score that ``./dev mutate`` left in ``mutants/``, per file and in
total: killed (a test failed, or the mutant timed out) over the mutants that were run.

mutmut 3 records one exit code per mutant in ``mutants/**/*.py.meta``; ``mutmut
results`` lists the survivors by name but gives no score.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KILLED = {1, 3, 36, 37, -24, 24, 152, 255}
"""Exit codes mutmut counts as killed: a failing test (1, 3), a timeout (36 and the
SIGXCPU codes), the type checker (37). Every other code of a mutant that was run (0
survived, 5 and 33 no test, a crash) counts against the score."""
NO_TESTS = {5, 33}
NOT_RUN = {None, 34}


def main(root: Path) -> int:
    total_killed = total_run = total_untested = 0
    rows = []
    for meta in sorted(root.glob("**/*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"].values()
        run = sum(code not in NOT_RUN for code in codes)
        killed = sum(code in KILLED for code in codes)
        untested = sum(code in NO_TESTS for code in codes)
        if not run:
            continue
        rows.append((str(meta.relative_to(root))[: -len(".meta")], killed, run, untested))
        total_killed, total_run, total_untested = (
            total_killed + killed,
            total_run + run,
            total_untested + untested,
        )
    if not total_run:
        print("no mutation results yet: run ./dev mutate first", file=sys.stderr)
        return 1
    for path, killed, run, untested in rows:
        note = f" ({untested} in code no selected test runs)" if untested else ""
        print(f"{killed / run:7.1%}  {killed:5}/{run:<5} {path}{note}")
    print(f"{total_killed / total_run:7.1%}  {total_killed:5}/{total_run:<5} total")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "mutants")))
