"""Print the mutation score that ``./dev mutate`` left in ``mutants/``, per file and in
total: killed (a test failed, or the mutant timed out) over the mutants that were run.

mutmut 3 records one exit code per mutant in ``mutants/**/*.py.meta``; ``mutmut
results`` lists the survivors by name but gives no score. One kind of survivor is
equivalent by construction and counted apart: a mutant that only changes the letter
case of SQL text (``IS NULL`` to ``is null``), which SQLite reads the same; the quoted
SQL values ('closed') must be unchanged for that. ``--survivors`` lists the others,
one line each, as a diff of the mutated lines.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import sys
from pathlib import Path

KILLED = {1, 3, 36, 37, -24, 24, 152, 255}
"""Exit codes mutmut counts as killed: a failing test (1, 3), a timeout (36 and the
SIGXCPU codes), the type checker (37). Every other code of a mutant that was run (0
survived, 5 and 33 no test, a crash) counts against the score."""
NOT_RUN = {None, 34}
SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|FROM|WHERE|JOIN|ORDER BY|GROUP BY|IS NULL|IS NOT NULL|"
    r"LIKE|ESCAPE|UNION|EXISTS|CASE WHEN|LIMIT|AND|OR|IN|NOT|ASC|DESC)\b"
)
SQL_VALUE = re.compile(r"'[^']*'")


def _functions(source: str) -> dict[str, str]:
    """Every function of the mutated file (originals and mutants) by name: its lines."""
    lines = source.splitlines()
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = "\n".join(lines[node.lineno - 1 : node.end_lineno])
    return found


def _changed(functions: dict[str, str], mutant: str) -> tuple[list[str], list[str]]:
    """The original and mutated lines of one mutant (by its name in the mutated file)."""
    short = mutant.rsplit(".", 1)[1]
    original = functions.get(short.rsplit("__mutmut_", 1)[0] + "__mutmut_orig", "")
    mutated = functions.get(short, "")
    old_lines, new_lines = original.splitlines(), mutated.splitlines()
    if old_lines and new_lines:  # the def lines differ by name: compare the rest of them
        old_lines[0] = old_lines[0].split("(", 1)[-1]
        new_lines[0] = new_lines[0].split("(", 1)[-1]
    diff = difflib.unified_diff(old_lines, new_lines, lineterm="", n=0)
    lines = [line for line in diff if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    return [x[1:] for x in lines if x[0] == "-"], [x[1:] for x in lines if x[0] == "+"]


def is_sql_case_only(before: list[str], after: list[str]) -> bool:
    """True for a mutant that changes nothing but the letter case of SQL text."""
    if not before or len(before) != len(after):
        return False
    for old, new in zip(before, after, strict=True):
        if old == new or old.lower() != new.lower() or not SQL_WORDS.search(old):
            return False
        if SQL_VALUE.findall(old) != SQL_VALUE.findall(new):
            return False
    return True


def main(root: Path, show_survivors: bool) -> int:
    totals = [0, 0, 0]  # killed, run, equivalent
    for meta in sorted(root.glob("**/*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        ran = {name: code for name, code in codes.items() if code not in NOT_RUN}
        if not ran:
            continue
        source = meta.with_suffix("")
        functions = _functions(source.read_text())
        killed = equivalent = 0
        survivors: list[str] = []
        for name, code in ran.items():
            if code in KILLED:
                killed += 1
                continue
            before, after = _changed(functions, name)
            if is_sql_case_only(before, after):
                equivalent += 1
            else:
                survivors.append(
                    f"  {name} ({code}): "
                    + " => ".join(
                        [
                            " | ".join(s.strip() for s in before),
                            " | ".join(s.strip() for s in after),
                        ]
                    )
                )
        run = len(ran) - equivalent
        path = source.relative_to(root)
        print(
            f"{killed / run:7.1%}  {killed:5}/{run:<5} {path}  ({equivalent} SQL-case equivalent)"
        )
        if show_survivors:
            print("\n".join(survivors))
        totals = [totals[0] + killed, totals[1] + run, totals[2] + equivalent]
    if not totals[1]:
        print("no mutation results yet: run ./dev mutate first", file=sys.stderr)
        return 1
    killed, run, equivalent = totals
    print(f"{killed / run:7.1%}  {killed:5}/{run:<5} total  ({equivalent} SQL-case equivalent)")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    show = "--survivors" in args
    paths = [a for a in args if a != "--survivors"]
    sys.exit(main(Path(paths[0] if paths else "mutants"), show))
