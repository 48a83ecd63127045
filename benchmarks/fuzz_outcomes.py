"""Count the outcomes of bad input to every public numerical function (the fuzz run of issue 18).

Every argument of every call in ``tests/fuzz_table.py`` is replaced, one at a time, by each value of a battery
(wrong types, NaN and infinities, negative, zero and huge sizes, empty and off-simplex arrays).  One worker
process per function runs its calls under a memory cap (``RLIMIT_AS``) and a per-call time limit; a worker that
dies is restarted after the call that killed it.  Each call is classified as

* clear error   -- ``ValueError``/``TypeError`` whose message names an argument of the function (the summary
  also counts those that name the very argument that was replaced),
* correct       -- a finite result for a value that may be valid (``EDGE``),
* unclear error -- any other exception, or a message that names no argument,
* crash         -- memory exhausted at the cap, or no answer within the time limit,
* silent wrong  -- a result for a value no argument accepts (``BAD``), or NaN/inf in a result.

A function of the table that the checkout under test does not have is reported once as ``absent``.

Usage: ``python benchmarks/fuzz_outcomes.py [--root DIR] [--seconds 10] [--memory-gib 4]``; ``--root`` chooses the
checkout whose ``collapse_utils`` is tested (e.g. an older one, for a before/after comparison).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"


def worker(root: str, name: str, start: int, seconds: int, memory_gib: float) -> None:
    import inspect
    import re
    import resource
    import signal
    import warnings

    resource.setrlimit(resource.RLIMIT_AS, (int(memory_gib * 2**30),) * 2)
    sys.path[:0] = [root, str(TESTS)]

    from fuzz_table import BAD, CALLS, EDGE, MAY_HOLD_INF, build, finite, resolve

    warnings.simplefilter("ignore")
    try:
        func = resolve(name)
    except (ImportError, AttributeError) as exc:  # an older checkout (--root) without this function
        print(json.dumps({"index": 0, "total": 1, "function": name, "outcome": "absent", "detail": repr(exc)[:200]}), flush=True)
        return
    params = list(inspect.signature(func).parameters)
    cases = [(arg, kind, i) for arg in sorted(CALLS[name]) for kind, vals in (("bad", BAD), ("edge", EDGE)) for i in range(len(vals))]

    def alarm(*_):
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)
    for index in range(start, len(cases)):
        arg, kind, i = cases[index]
        value = (BAD if kind == "bad" else EDGE)[i]
        names_arg = False
        kwargs = build(CALLS[name])
        kwargs[arg] = value
        signal.alarm(seconds)
        try:
            result = func(**kwargs)
            signal.alarm(0)
            ok = finite(result, allow_inf=name in MAY_HOLD_INF)
            outcome = "correct" if ok and kind == "edge" else "silent wrong"
            detail = "" if ok else "NaN/inf in the result"
        except TimeoutError:
            outcome, detail = "crash", f"no answer in {seconds} s"
        except MemoryError:
            signal.alarm(0)
            outcome, detail = "crash", "memory exhausted"
        except (ValueError, TypeError) as exc:
            signal.alarm(0)
            named = any(re.search(rf"(?<![A-Za-z_]){re.escape(p)}(?![A-Za-z_])", str(exc)) for p in params)
            names_arg = bool(re.search(rf"(?<![A-Za-z_]){re.escape(arg)}(?![A-Za-z_])", str(exc)))
            outcome, detail = ("clear error" if named else "unclear error"), f"{type(exc).__name__}: {exc}"[:200]
        except Exception as exc:  # noqa: BLE001 - anything else is an unclear error
            signal.alarm(0)
            outcome, detail = "unclear error", f"{type(exc).__name__}: {exc}"[:200]
        print(json.dumps({"index": index, "total": len(cases), "function": name, "arg": arg,
                          "value": repr(value)[:40], "outcome": outcome, "names_arg": names_arg, "detail": detail}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(HERE.parent))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--memory-gib", type=float, default=4.0)
    parser.add_argument("--only", default="", help="comma-separated functions (default: all)")
    parser.add_argument("--worker", nargs=2, metavar=("FUNCTION", "START"))
    parser.add_argument("--log", default="")
    args = parser.parse_args()
    if args.worker:
        worker(args.root, args.worker[0], int(args.worker[1]), args.seconds, args.memory_gib)
        return
    sys.path.insert(0, str(TESTS))
    from fuzz_table import CALLS

    names = [n for n in sorted(CALLS) if not args.only or n in args.only.split(",")]
    counts, rows = Counter(), []
    for name in names:
        start, total = 0, None
        while total is None or start < total:
            cmd = [sys.executable, __file__, "--root", args.root, "--seconds", str(args.seconds),
                   "--memory-gib", str(args.memory_gib), "--worker", name, str(start)]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=None)
            for line in proc.stdout.splitlines():
                row = json.loads(line)
                rows.append(row)
                counts[row["outcome"]] += 1
                start, total = row["index"] + 1, row["total"]
            if proc.returncode != 0 and (total is None or start < total):  # the worker died on call `start`
                rows.append({"function": name, "index": start, "outcome": "crash", "detail": proc.stderr[-200:]})
                counts["crash"] += 1
                start += 1
                if total is None:  # died before its first answer: count it once and move on
                    break
            elif total is None:
                break
    order = ["clear error", "correct", "unclear error", "crash", "silent wrong"]
    absent = sorted(row["function"] for row in rows if row["outcome"] == "absent")
    print(f"{len(rows) - len(absent)} calls of {len(names) - len(absent)} functions: " + ", ".join(f"{k}: {counts[k]}" for k in order))
    clear = [row for row in rows if row["outcome"] == "clear error"]
    others = [row for row in clear if not row.get("names_arg")]
    print(f"  of the {len(clear)} clear errors, {len(clear) - len(others)} name the argument that was replaced")
    for row in others:
        print(f"  names another  {row['function']}({row.get('arg')}={row.get('value')}) {row.get('detail', '')}")
    if absent:
        print(f"absent from {args.root}: {', '.join(absent)}")
    for row in rows:
        if row["outcome"] in ("unclear error", "crash", "silent wrong"):
            print(f"  {row['outcome']:13s} {row['function']}({row.get('arg')}={row.get('value')}) {row.get('detail', '')}")
    if args.log:
        Path(args.log).write_text("\n".join(json.dumps(r) for r in rows))


if __name__ == "__main__":
    main()
