"""Speed of the simulation core: ``simulate_chain`` / ``collapse_times`` against plain loops and the machine's floor.

Run with ``make benchmark`` (or ``.venv/bin/python benchmarks/bench_chain.py``; ``--quick`` for a smoke run).

For every workload it prints

* ``ours``: CPU time (``time.process_time``) of the library call, best of a few runs for short ones, and its
  wall time.  All times entering the ratios are CPU times of this process, which other jobs on a shared
  machine barely inflate (NumPy runs these kernels on one thread);
* ``reference``: wall time of a plain implementation of the same computation -- a Python loop over
  replicas (and generations) that draws each replica's tokens with ``rng.choice`` + ``np.bincount`` and
  computes the same per-generation statistics with NumPy on the dense vector.  Where the full reference
  would take minutes it is run on a subset of replicas/generations and scaled linearly (said in the row);
* ``speed-up`` = reference / ours (target >= 20);
* ``floor`` = ours / the time NumPy needs to draw the uniform variates the run needs, about one per live
  token or per sample, whichever is fewer, summed over replicas and sampling calls (target <= 3);
* ``peak MiB``: peak memory traced by ``tracemalloc`` during the library call.

Explorer updates are timed by ``benchmarks/bench_widgets.py`` (kernel side) and
``benchmarks/bench_live.py`` (in JupyterLab, as a reader feels them).
All ratios come from one run, so the noise of a shared machine largely cancels in them.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from scipy.optimize import brentq

from collapse_utils import chains
from collapse_utils.chains import collapse_times, simulate_chain

SEED = 2024


# ---------------------------------------------------------------- the paper's p
def seddik_p(s: int = 600, support: int = 52, S0: float = 0.1) -> np.ndarray:
    """A ``p`` with ``s`` tokens, ``support`` of them alive, geometric weights tuned so that ``sum p_i^2 = S0``."""

    def weights(a: float) -> np.ndarray:
        w = np.exp(-a * np.arange(support))
        return w / w.sum()

    a = brentq(lambda a: weights(a) @ weights(a) - S0, 1e-9, 50.0)
    p = np.zeros(s)
    p[:support] = weights(a)
    return p


def zipf_p(s: int) -> np.ndarray:
    """Zipf-like next-token law ``p_i proportional to 1 / i`` on ``s`` tokens."""
    p = 1.0 / np.arange(1, s + 1)
    return p / p.sum()


# ---------------------------------------------------------------- plain reference implementations
def _row_stats(p: np.ndarray, first: np.ndarray, truth: np.ndarray) -> tuple[float, ...]:
    nz = p[p > 0]
    return (p @ p, p.max(), nz.size, -(nz * np.log(nz)).sum(), np.abs(p - first).sum(), np.abs(p - truth).sum())


def reference_chain(p0, *, n, generations, scheme="fully-synthetic", n_real=0, window=1, replicas=1, seed=0):
    """The plain loop: replica by replica, generation by generation, ``rng.choice`` + ``bincount``."""
    rng = np.random.default_rng(seed)
    s = p0.size
    stats = np.empty((generations + 1, replicas, 6))
    per_model = n // window

    def draw(p, k):
        return np.bincount(rng.choice(s, size=k, p=p), minlength=s)

    for r in range(replicas):
        if scheme == "partially-synthetic":
            real = draw(p0, n_real)
            current = real / n_real
        elif scheme == "most-recent":
            current = draw(p0, per_model) / per_model
        else:
            current = draw(p0, n) / n
        first = current
        stats[0, r] = _row_stats(p0, first, p0)
        stats[1, r] = _row_stats(current, first, p0)
        recent = [p0, current]
        past_sum = p0 + current
        for m in range(2, generations + 1):
            if scheme == "fully-synthetic":
                current = draw(current, n) / n
            elif scheme == "partially-synthetic":
                current = (real + draw(current, n)) / (n_real + n)
            elif scheme == "most-recent":
                current = sum(draw(q, per_model) for q in recent[-window:]) / (per_model * len(recent[-window:]))
            elif scheme == "random-past":
                current = draw(past_sum / m, n) / n
                past_sum = past_sum + current
            else:
                raise ValueError(scheme)
            recent.append(current)
            stats[m, r] = _row_stats(current, first, p0)
    return stats


def reference_collapse(p0, *, n, replicas, seed=0):
    """The plain loop for collapse times: each replica resampled until one token holds all ``n`` samples."""
    rng = np.random.default_rng(seed)
    s = p0.size
    times = np.empty(replicas)
    for r in range(replicas):
        counts = np.bincount(rng.choice(s, size=n, p=p0), minlength=s)
        t = 1
        while counts.max() < n:
            counts = np.bincount(rng.choice(s, size=n, p=counts / n), minlength=s)
            t += 1
        times[r] = t
    return times


# ---------------------------------------------------------------- measuring
def timed(fn: Callable[[], object], repeats: int = 1) -> tuple[float, float]:
    """(wall, CPU) seconds of the run of ``fn`` with the least CPU time among ``repeats`` runs.

    CPU time (``time.process_time``) counts only this process, so on a machine shared with other jobs it is
    what the run would take alone (NumPy runs these kernels on one thread); wall time is also reported.
    """
    best = (float("inf"), float("inf"))
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        run = (time.perf_counter() - start, time.process_time() - start_cpu)
        best = min(best, run, key=lambda r: r[1])
    return best


def cpu(fn: Callable[[], object], repeats: int = 1) -> float:
    return timed(fn, repeats)[1]


def peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def variates_needed(fn: Callable[[], object]) -> list[int]:
    """Run ``fn`` once, recording per sampling call the floor: sum over rows of min(live tokens, draws)."""
    sizes: list[int] = []
    originals = {name: getattr(chains, name) for name in ("sample_counts", "resample_counts")}

    def counting(kernel):
        def wrapped(weights, n, rng, **kw):
            sizes.append(int(np.minimum(np.count_nonzero(weights, axis=1), n).sum()))
            return kernel(weights, n, rng, **kw)

        return wrapped

    for name, kernel in originals.items():
        setattr(chains, name, counting(kernel))
    try:
        fn()
    finally:
        for name, kernel in originals.items():
            setattr(chains, name, kernel)
    return sizes


def floor_time(sizes: list[int], repeats: int = 3) -> float:
    """Time NumPy takes to draw ``sizes[i]`` uniforms in ``len(sizes)`` calls."""
    rng = np.random.default_rng(0)

    def draw():
        for k in sizes:
            rng.random(k)

    return cpu(draw, repeats)


ROW = "{:<44} {:>9} {:>9} {:>11} {:>9} {:>7} {:>9}"


def report(name: str, ours: tuple[float, float], ref: float, floor: float, mib: float, note: str = "") -> dict:
    """Print one row; ``ours`` is (wall, CPU); ``ref`` and ``floor`` are CPU seconds; ratios use CPU times."""
    wall_s, ours = ours
    print(ROW.format(name, f"{ours:.3f}", f"{wall_s:.3f}", f"{ref:.2f}", f"{ref / ours:.0f}x", f"{ours / floor:.1f}x", f"{mib:.1f}"))
    if note:
        print(f"    ({note})")
    return {"name": name, "ours": ours, "ref": ref, "speedup": ref / ours, "floor": ours / floor, "mib": mib}


def main(quick: bool = False) -> None:
    p = seddik_p()
    reps = 100
    rows = []
    print(f"NumPy {np.__version__}; CPU seconds of this process (wall time of ours also shown); ratios of CPU times, one run")
    print(ROW.format("workload", "ours", "ours wall", "reference", "speed-up", "floor", "peak MiB"))

    # Figure 2: collapse times, s = 600, n = 10..400, 100 runs until collapse.
    ns = [10, 50, 100] if quick else [10] + list(range(50, 401, 50))
    ref_reps = 5 if quick else 10

    def fig2():
        for k, n in enumerate(ns):
            collapse_times(p, n=n, replicas=reps, seed=SEED + k)

    ours = timed(fig2)
    ref = cpu(lambda: [reference_collapse(p, n=n, replicas=ref_reps, seed=SEED + k) for k, n in enumerate(ns)])
    ref *= reps / ref_reps
    rows.append(
        report(
            f"Fig 2 collapse_times n={ns[0]}..{ns[-1]} ({len(ns)} n)",
            ours,
            ref,
            floor_time(variates_needed(fig2)),
            peak_mib(fig2),
            f"reference run on {ref_reps} of {reps} replicas per n and scaled by {reps // ref_reps}",
        )
    )

    # Figure 3: partially synthetic, N = 100, 50 generations, 100 runs, several n.
    for n in [10, 100, 1000]:
        kw = dict(n=n, generations=50, scheme="partially-synthetic", n_real=100, replicas=reps, seed=SEED)

        def fig3(kw=kw):
            return simulate_chain(p, record="stats", **kw)

        ref_kw = {**kw, "replicas": 20}
        rows.append(
            report(
                f"Fig 3 partially-synthetic N=100 n={n}",
                timed(fig3, 3),
                cpu(lambda ref_kw=ref_kw: reference_chain(p, **ref_kw)) * reps / 20,
                floor_time(variates_needed(fig3)),
                peak_mib(fig3),
                "reference on 20 replicas, scaled by 5",
            )
        )

    # Figure 6: n = 10, 500 generations, 100 runs; most-recent K = 1, 4 and random-past.
    for scheme, window in [("most-recent", 1), ("most-recent", 4), ("random-past", 1)]:
        gens = 100 if quick else 500
        kw = dict(n=10, generations=gens, scheme=scheme, window=window, replicas=reps, seed=SEED)

        def fig6(kw=kw):
            return simulate_chain(p, record="stats", **kw)

        ref_kw = {**kw, "replicas": 20}
        label = f"Fig 6 {scheme}" + (f" K={window}" if scheme == "most-recent" else "") + f" n=10 {gens} gens"
        rows.append(
            report(
                label,
                timed(fig6, 3),
                cpu(lambda ref_kw=ref_kw: reference_chain(p, **ref_kw)) * reps / 20,
                floor_time(variates_needed(fig6)),
                peak_mib(fig6),
                "reference on 20 replicas, scaled by 5",
            )
        )

    # Scale: GPT-2-sized vocabulary.
    s, n, gens = (5_000, 1_000, 20) if quick else (50_000, 10_000, 100)
    pz = zipf_p(s)
    kw = dict(n=n, generations=gens, replicas=reps, seed=SEED, record="stats")

    def scale():
        return simulate_chain(pz, **kw)

    ours = timed(scale)
    ref_reps, ref_gens = 5, 4
    ref = cpu(lambda: reference_chain(pz, n=n, generations=ref_gens, replicas=ref_reps, seed=SEED))
    ref *= (reps / ref_reps) * (gens / ref_gens)
    mib = peak_mib(scale)
    rows.append(
        report(
            f"Scale s={s} Zipf n={n} {reps} reps {gens} gens",
            ours,
            ref,
            floor_time(variates_needed(scale), repeats=1),
            mib,
            f"target < 5 s (wall {ours[0]:.1f} s, CPU {ours[1]:.1f} s); reference on {ref_reps} replicas x {ref_gens} generations, scaled; "
            f"peak = {mib / (reps * s * 8 / 2**20):.1f} x (replicas * s float64)",
        )
    )

    worst = min(rows, key=lambda r: r["speedup"])
    print(f"\nsmallest speed-up {worst['speedup']:.0f}x ({worst['name']}); "
          f"largest floor ratio {max(r['floor'] for r in rows):.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    main(parser.parse_args().quick)
