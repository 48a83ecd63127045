"""Explorer of the chapter *Gaussian collapse*: trajectories of sigma_m and the tail bound."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from ..gaussian import simulate_gaussian
from ..plotting import PALETTE, THEORY_COLOR, Sketch, sketched
from ..theory.gaussian import expected_log_variance_np, expected_sigma_np, suresh_tail_bound_np

__all__ = ["CONTROLS", "DEFAULTS", "EPSILON", "FIGSIZE", "REPLICAS", "SHOWN", "SIGMA_RANGE", "SITE", "draw"]

CONTROLS = {"n": (2, 200, 1), "generations": (10, 2500, 10), "ddof": (0, 1, 1)}
DEFAULTS = {"n": 100, "generations": 500, "ddof": 1}
#: The controls that move on the website, and their precomputed values.
SITE = {"n": [2, 5, 10, 20, 50, 100, 200], "ddof": [0, 1]}
FIGSIZE = (10.0, 3.6)
#: Replicas behind the tail probability, trajectories drawn, and the threshold ``epsilon`` of Theorem 3.
REPLICAS, SHOWN, EPSILON = 1000, 25, 0.1
#: Fixed range of the trajectories' log axis: below it a run has collapsed for every practical purpose.
SIGMA_RANGE = (1e-6, 1e1)


@sketched
def draw(s: Sketch, *, n: int, generations: int, ddof: int, seed: int = 0) -> None:
    """Left: ``SHOWN`` trajectories of ``sigma_m`` with ``E sigma_m`` and ``exp(E log sigma_m^2 / 2)``; right: ``P(sigma_m > 0.1)``."""
    ddof = min(ddof, n - 1)
    res = simulate_gaussian(0.0, 1.0, n=n, generations=generations, ddof=ddof, replicas=REPLICAS, seed=seed)
    gens = np.arange(generations + 1)
    ax_traj, ax_tail = s.subplots(1, 2)
    s.lines(ax_traj, "paths", gens, res.sigma[:, :SHOWN], color=PALETTE[0], lw=0.6, alpha=0.5)
    s.plot(ax_traj, "mean", gens, expected_sigma_np(gens, n, 1.0, ddof), color=THEORY_COLOR,
           label=r"$\mathbb{E}\,\hat\sigma_m$")
    s.plot(ax_traj, "typical", gens, np.exp(expected_log_variance_np(gens, n, 1.0, ddof) / 2), "--",
           color=PALETTE[3], label=r"$\exp(\mathbb{E}\log\hat\sigma_m^2/2)$")
    s.legend(ax_traj, fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2)

    s.plot(ax_tail, "tail", gens, (res.sigma > EPSILON).mean(axis=1), color=PALETTE[0],
           label=rf"Monte Carlo $P(\hat\sigma_m > {EPSILON})$")
    s.plot(ax_tail, "bound", gens, np.minimum(suresh_tail_bound_np(gens, n, 1.0, EPSILON), 1.0), color=THEORY_COLOR,
           label=r"Theorem 3: $\frac{\sigma_0}{\epsilon}e^{-m/(4n-1)}$ (capped at 1)")
    s.legend(ax_tail, fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0))

    if s.first:
        ax_traj.set(xlabel="generation $m$", ylabel=rf"$\hat\sigma_m$ ({SHOWN} runs)", yscale="log", ylim=SIGMA_RANGE)
        ax_traj.yaxis.set_major_formatter(FormatStrFormatter("%g"))  # plain labels: mathtext ticks are slow to lay out
        ax_traj.yaxis.set_minor_formatter(NullFormatter())
        ax_tail.set(xlabel="generation $m$", ylabel="probability", ylim=(-0.02, 1.05))
    for ax in (ax_traj, ax_tail):
        ax.set_xlim(0, generations)
