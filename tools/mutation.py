"""Resumable mutation testing with mutmut 3.8.1 (``make mutation``), and its score table.

``mutmut run`` skips a mutant that already has a result only when it is called without names;
called with a pattern (``collapse_utils.chains.*``) it re-tests every matching mutant.  So that
a run carried over several sessions does not redo work, ``run`` passes mutmut only the mutants
of the patterns that have no result yet ("not checked", or interrupted); on the first call,
before ``mutants/`` exists, it passes the patterns themselves.

    python tools/mutation.py run [--children N] [--survivors] [PATTERN ...]   # PATTERN as in mutmut
    # --survivors: test the survivors again too (after adding tests)
    python tools/mutation.py table [PATTERN ...]                # per-module figures (Markdown)

Run it from the repository root.  ``table`` counts the verdicts stored in ``mutants/**.meta``;
"run time" is the sum of the mutants' recorded durations (one worker at a time), so
"mutants/min" is per worker.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTANTS = Path("mutants")
MUTMUT = Path(sys.executable).with_name("mutmut")
#: mutmut's exit codes (mutmut/stats.py) grouped into the columns of the table.
STATUS = {None: "not checked", 0: "survived", 1: "killed", 3: "killed", 5: "no tests", 33: "no tests",
          2: "interrupted", 34: "skipped", 36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout",
          255: "timeout", -11: "segfault", -9: "segfault"}
COLUMNS = ["mutants", "killed", "survived", "no tests", "timeout", "other", "not checked"]


def _metas():
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        yield data["exit_code_by_key"], data["durations_by_key"]


def _match(name: str, patterns: list[str]) -> bool:
    return not patterns or any(name == p or fnmatch.fnmatch(name, p) for p in patterns)


def module_of(name: str) -> str:
    """``collapse_utils.theory.core.x_f__mutmut_3`` -> ``theory.core``."""
    return name.split(".x", 1)[0].removeprefix("collapse_utils.")


def pending(patterns: list[str], survivors: bool = False) -> list[str]:
    again = (None, 2, 0) if survivors else (None, 2)
    return [k for codes, _ in _metas() for k, v in codes.items() if _match(k, patterns) and v in again]


def run(patterns: list[str], children: int, survivors: bool = False) -> int:
    if not MUTANTS.exists():
        names = patterns
    else:
        names = pending(patterns, survivors)
        if not names:
            print("no mutant of", patterns or "the package", "is waiting for a result")
            return 0
        print(f"{len(names)} mutants without a result")
    return subprocess.call([str(MUTMUT), "run", "--max-children", str(children), *names])


def table(patterns: list[str]) -> str:
    rows: dict[str, Counter] = {}
    for codes, durations in _metas():
        for k, v in codes.items():
            if not _match(k, patterns):
                continue
            row = rows.setdefault(module_of(k), Counter())
            status = STATUS.get(v, "other")
            row["mutants"] += 1
            row[status if status in COLUMNS else "other"] += 1
            row["seconds"] += durations.get(k, 0.0) if v is not None else 0.0
    lines = ["| module | " + " | ".join(COLUMNS) + " | killed / (killed + survived) | run time | mutants/min |",
             "| --- " * (len(COLUMNS) + 4) + "|"]
    total = Counter()
    for module in sorted(rows) + ["total"]:
        row = rows[module] if module != "total" else total
        if module != "total":
            total.update(row)
        tested = row["killed"] + row["survived"]
        score = f"{100 * row['killed'] / tested:.1f} %" if tested else "-"
        ran = row["mutants"] - row["not checked"] - row["no tests"]
        speed = f"{60 * ran / row['seconds']:.0f}" if row["seconds"] else "-"
        cells = [str(row[c]) for c in COLUMNS] + [score, f"{row['seconds'] / 60:.1f} min", speed]
        lines.append(f"| {module} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "table"])
    parser.add_argument("patterns", nargs="*")
    parser.add_argument("--children", type=int, default=1, help="mutants tested at once (default 1)")
    parser.add_argument("--survivors", action="store_true", help="test the surviving mutants again too")
    args = parser.parse_intermixed_args(argv)
    if args.command == "run":
        return run(args.patterns, args.children, args.survivors)
    print(table(args.patterns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
