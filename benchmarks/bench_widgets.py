"""Kernel-side cost of one explorer update, on the live widget's own code path, against a plain redraw.

For every explorer of ``collapse_utils.explorers`` at its ``DEFAULTS`` this prints

- **ours**: one update as a slider move does it in :class:`collapse_utils.widgets.LiveExplorer`:
  simulate, set new data on the artists of the figure built once, render with Agg
  (static layer cached, data blitted over it) and encode the PNG the widget sends;
- **plain**: the same drawing on a new figure each time, rendered by ``savefig`` to PNG
  (what a ``clear_output`` + ``display(fig)`` widget does);
- their ratio, and the simulation's own share (the update with rendering skipped).

The end-to-end latency a reader feels in JupyterLab (comm round trip, browser) is
measured by ``benchmarks/bench_live.py``; this script isolates the kernel's share.
Best of ``--repeats`` runs; run it on a quiet machine (``make bench-widgets``).
"""

from __future__ import annotations

import argparse
import io
import time

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from collapse_utils import explorers  # noqa: E402
from collapse_utils.plotting import use_book_style  # noqa: E402
from collapse_utils.widgets import figure_png, new_figure, time_update  # noqa: E402


def best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def plain_update(module) -> None:
    fig = Figure(figsize=module.FIGSIZE, dpi=100, layout="constrained")
    module.draw(fig, **module.DEFAULTS)
    fig.savefig(io.BytesIO(), format="png")


def main(repeats: int) -> None:
    use_book_style()
    print(f"explorer update at DEFAULTS, best of {repeats} (ms); target: ours <= 60 ms")
    print(f"  {'explorer':<18} {'ours':>7} {'draw only':>10} {'plain':>8} {'ratio':>7}")
    for name in explorers.available():
        module = explorers.load(name)
        ours = time_update(module, repeats=repeats)
        fig = new_figure(module.FIGSIZE)
        sketch = module.draw(fig, **module.DEFAULTS)
        figure_png(sketch)
        draw_only = best(lambda: module.draw(sketch, **module.DEFAULTS), repeats)
        plain = best(lambda: plain_update(module), repeats)
        flag = "" if ours <= 0.060 else "  (over 60 ms)"
        print(f"  {name:<18} {1000 * ours:7.0f} {1000 * draw_only:10.0f} {1000 * plain:8.0f} {plain / ours:6.1f}x{flag}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    main(parser.parse_args().repeats)
