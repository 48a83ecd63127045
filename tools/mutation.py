"""Resumable mutation testing with mutmut 3.8.1 (``make mutation``), and its score table.

``mutmut run`` skips a mutant that already has a result only when it is called without names;
called with a pattern (``collapse_utils.chains.*``) it re-tests every matching mutant.  So that
a run carried over several sessions does not redo work, ``run`` passes mutmut only the mutants
of the patterns that have no result yet ("not checked", or interrupted); on the first call,
before ``mutants/`` exists, it passes the patterns themselves.

    python tools/mutation.py run [--children N] [--survivors] [PATTERN ...]   # PATTERN as in mutmut
    # --survivors: test the survivors again too (after adding tests)
    python tools/mutation.py table [PATTERN ...]                # per-module figures (Markdown)
    python tools/mutation.py survivors [PATTERN ...]            # the surviving mutants, with their diffs
    python tools/mutation.py check [--mutants DIR] MUTANT [PYTEST-ARGS ...]  # do this tree's tests kill it?
    # every command takes --sample FRACTION: only the seeded uniform sample of the mutants (in_sample)

``check`` runs the tests of the current checkout (e.g. a new test, before mutmut has recorded it)
against the mutated package in ``mutants/`` (put first on ``PYTHONPATH``), with
``MUTANT_UNDER_TEST`` set: exit 0 means the mutant is killed.  The mutated package must come from
the same source as the checkout's package, or the tests may fail for other reasons.

Run it from the repository root.  ``table`` counts the verdicts stored in ``mutants/**.meta``;
"run time" is the sum of the mutants' recorded durations (one worker at a time), so
"mutants/min" is per worker.
"""

from __future__ import annotations

import argparse
import fcntl
import fnmatch
import hashlib
import json
import math
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTANTS = Path("mutants")
MUTMUT = Path(sys.executable).with_name("mutmut")
CHECKED = "checked.json"
#: A mutant that exists whatever the source: a sampled first run tests it to make mutmut build the mutants.
FIRST = "collapse_utils.validation.x_check_probs__mutmut_1"
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


def in_sample(name: str, fraction: float) -> bool:
    """Whether mutant ``name`` belongs to the seeded uniform sample of size ``fraction``.

    A mutant is in the sample when a hash of its name, read as a number in [0, 1), is below
    ``fraction``: each mutant is drawn independently with probability ``fraction``, the draw does
    not depend on which mutants were run before, and a larger fraction contains a smaller one.
    """
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64 < fraction


def pending(patterns: list[str], survivors: bool = False, fraction: float = 1.0) -> list[str]:
    again = (None, 2, 0) if survivors else (None, 2)
    return [k for codes, _ in _metas() for k, v in codes.items()
            if _match(k, patterns) and v in again and in_sample(k, fraction)]


def run(patterns: list[str], children: int, survivors: bool = False, fraction: float = 1.0) -> int:
    if not MUTANTS.exists() and fraction == 1:
        names = patterns
    else:
        if not MUTANTS.exists():  # mutmut makes the mutants (and their names) on its first run: test one
            subprocess.call([str(MUTMUT), "run", "--max-children", str(children), FIRST])
        names = pending(patterns, survivors, fraction)
        if not names:
            print("no mutant of", patterns or "the package", "is waiting for a result")
            return 0
        print(f"{len(names)} mutants without a result")
    return subprocess.call([str(MUTMUT), "run", "--max-children", str(children), *names])


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval (95 % by default) for a proportion of ``k`` successes in ``n`` trials."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def survivors(patterns: list[str], fraction: float = 1.0) -> str:
    out = []
    for codes, _ in _metas():
        for k, v in codes.items():
            if v == 0 and _match(k, patterns) and in_sample(k, fraction):
                diff = subprocess.run([str(MUTMUT), "show", k], capture_output=True, text=True).stdout
                lines = [x for x in diff.splitlines() if x.startswith(("+", "-")) and not x.startswith(("+++", "---"))]
                out.append(f"## {k}\n" + "\n".join(lines))
    return "\n".join(out)


def check(mutant: str, pytest_args: list[str], mutants: Path = MUTANTS) -> int:
    env = dict(os.environ, MUTANT_UNDER_TEST=mutant, PYTHONPATH=str(mutants.resolve()))
    pytest = Path(sys.executable).with_name("pytest")  # not ``python -m``, which would put the checkout first
    run = subprocess.run([str(pytest), "-p", "no:cacheprovider", "-q", "-x", *pytest_args], env=env,
                         capture_output=True, text=True)
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    print(run.stdout[-3000:] if run.returncode else summary)
    if run.returncode == 0:
        verdict, code = "survived", 1
    elif run.returncode == 1 and " failed" in summary and " error" not in summary:
        verdict, code = "killed", 0
    else:  # collection errors, no tests selected, ...
        verdict, code = f"not judged (pytest exit code {run.returncode}: {summary})", 2
    print(f"{mutant}: {verdict}")
    if code in (0, 1):  # remembered, so that ``table`` counts it (mutmut records it on its next run over it)
        with open(mutants / CHECKED, "a+") as record:  # several checks may run at once: lock the file
            fcntl.flock(record, fcntl.LOCK_EX)
            record.seek(0)
            known = json.loads(record.read() or "{}")
            known[mutant] = {"verdict": "killed" if code == 0 else "survived", "tests": pytest_args, "commit": _head()}
            record.seek(0)
            record.truncate()
            record.write(json.dumps(known, indent=1, sort_keys=True))
    return code


def _head() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()


def checked(mutants: Path = MUTANTS) -> dict[str, tuple[str, bool]]:
    """The verdicts of ``check`` (``mutants/checked.json``): mutant -> ("killed" or "survived", newer).

    ``newer`` says that the check ran tests mutmut has not seen: its commit is not contained in
    the commit of mutmut's last stats run.  Only such a check may overrule a verdict of mutmut.
    """
    record = mutants / CHECKED
    known = json.loads(record.read_text()) if record.exists() else {}
    stats = mutants / "mutmut-stats.json"
    base = json.loads(stats.read_text()).get("git_commit") if stats.exists() else None
    newer: dict[str, bool] = {}
    for v in known.values():
        c = v.get("commit", "")
        if c not in newer:
            newer[c] = not base or subprocess.call(["git", "merge-base", "--is-ancestor", c, base],
                                                   stderr=subprocess.DEVNULL) != 0
    return {k: (v.get("verdict", "killed"), newer[v.get("commit", "")]) for k, v in known.items()}


EQUIVALENTS = Path(__file__).with_name("mutation-equivalents")
#: Categories of ``EQUIVALENTS`` lines that are listed for the record but still count as survivors.
NOT_EQUIVALENT = ("guard precision",)


def equivalents(folder: Path = EQUIVALENTS) -> dict[str, str]:
    """Mutants judged equivalent: ``name  category: reason`` lines of ``folder/*.txt`` (``#`` comments).

    Lines whose category is in :data:`NOT_EQUIVALENT` are left out: those mutants change behaviour.
    """
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text().splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            name, _, why = line.strip().partition(" ")
            if not why.strip().startswith(NOT_EQUIVALENT):
                found[name] = why.strip()
    return found


def table(patterns: list[str], fraction: float = 1.0) -> str:
    """Per-module verdicts.  "score" is killed / (killed + survived + no tests - equivalent), timeouts
    counted as killed (the mutant made a test hang); the total row gives its 95 % Wilson interval, which
    with ``--sample`` estimates the score of the whole package."""
    same, by_check = equivalents(), checked()
    rows: dict[str, Counter] = {}
    for codes, durations in _metas():
        for k, v in codes.items():
            if not _match(k, patterns) or not in_sample(k, fraction):
                continue
            row = rows.setdefault(module_of(k), Counter())
            status = STATUS.get(v, "other")
            row["mutants"] += 1
            row[status if status in COLUMNS else "other"] += 1
            verdict, newer = by_check.get(k, (None, False))
            if verdict == "killed" and (status == "not checked" or (status in ("survived", "no tests") and newer)):
                row[status] -= 1
                row["killed"] += 1
                row["killed by check"] += 1
                status = "killed"
            elif status == "not checked" and verdict == "survived":  # the check's tests only
                row[status] -= 1
                row["survived"] += 1
                status = "survived"
            if status in ("survived", "no tests") and k in same:
                row["equivalent"] += 1
            row["seconds"] += durations.get(k, 0.0) if v is not None else 0.0
    head = COLUMNS[:2] + ["killed by check", "survived", "equivalent"] + COLUMNS[3:]
    lines = ["| module | " + " | ".join(head) + " | killed / (killed + survived) | score over non-equivalent "
             "| run time | mutants/min |", "| --- " * (len(head) + 5) + "|"]
    total = Counter()
    for module in sorted(rows) + ["total"]:
        row = rows[module] if module != "total" else total
        if module != "total":
            total.update(row)
        tested = row["killed"] + row["survived"]
        raw = f"{100 * row['killed'] / tested:.1f} %" if tested else "-"
        killed = row["killed"] + row["timeout"]
        judged = killed + row["survived"] + row["no tests"] - row["equivalent"]
        score = f"{100 * killed / judged:.1f} %" if judged else "-"
        if module == "total" and judged:
            low, high = wilson(killed, judged)
            score += f" (95 %: {100 * low:.1f} to {100 * high:.1f} %)"
        ran = row["mutants"] - row["not checked"] - row["no tests"]
        speed = f"{60 * ran / row['seconds']:.0f}" if row["seconds"] else "-"
        cells = [str(row[c]) for c in head] + [raw, score, f"{row['seconds'] / 60:.1f} min", speed]
        lines.append(f"| {module} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["check"]:  # everything after the mutant's name goes to pytest unparsed
        rest = argv[1:]
        mutants = MUTANTS
        if rest[:1] == ["--mutants"]:
            mutants, rest = Path(rest[1]), rest[2:]
        if not rest:
            sys.exit("usage: mutation.py check [--mutants DIR] MUTANT [PYTEST-ARGS ...]")
        return check(rest[0], rest[1:], mutants)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "table", "survivors"])
    parser.add_argument("patterns", nargs="*")
    parser.add_argument("--children", type=int, default=1, help="mutants tested at once (default 1)")
    parser.add_argument("--survivors", action="store_true", help="test the surviving mutants again too")
    parser.add_argument("--sample", type=float, default=1.0, metavar="FRACTION",
                        help="only the uniform sample of this fraction of the mutants (see in_sample)")
    args = parser.parse_intermixed_args(argv)
    if not 0 < args.sample <= 1:
        parser.error(f"--sample must lie in (0, 1], got {args.sample}")
    if args.command == "run":
        return run(args.patterns, args.children, args.survivors, args.sample)
    print((survivors if args.command == "survivors" else table)(args.patterns, args.sample))
    return 0


if __name__ == "__main__":
    sys.exit(main())
