"""Explorer of the chapter *Training on fully synthetic data*: variance, surviving tokens and trajectories."""

from __future__ import annotations

import numpy as np

from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, Sketch, sketched
from ..theory.core import fully_synthetic_S_np
from ..validation import check_positive_float, check_positive_int
from ..wright_fisher import expected_survivors

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "REPLICAS", "SITE", "TRAJECTORIES", "draw", "zipf_probs"]

CONTROLS = {"n": (5, 400, 5), "vocabulary": (2, 600, 2), "zipf": (0.0, 2.0, 0.1), "generations": (10, 300, 10)}
DEFAULTS = {"n": 50, "vocabulary": 100, "zipf": 1.0, "generations": 100}
#: The controls that move on the website, and their precomputed values.
SITE = {"n": [10, 20, 50, 100, 200, 400], "zipf": [0.0, 0.5, 1.0, 1.5, 2.0]}
FIGSIZE = (10.0, 3.4)
#: Replicas behind the Monte Carlo curves, and how many of them are drawn as trajectories.
REPLICAS = 200
TRAJECTORIES = 8


def zipf_probs(vocabulary: int, exponent: float) -> np.ndarray:
    """Zipf-like truth ``p_i proportional to i^(-exponent)``, ``i = 1..vocabulary`` (``exponent = 0`` is uniform).

    Examples
    --------
    >>> zipf_probs(4, 0).tolist(), zipf_probs(2, 1.0).round(4).tolist()
    ([0.25, 0.25, 0.25, 0.25], [0.6667, 0.3333])
    """
    vocabulary = check_positive_int(vocabulary, "vocabulary")
    if exponent != 0:
        exponent = check_positive_float(exponent, "exponent")
    weights = np.arange(1, vocabulary + 1, dtype=float) ** -float(exponent)
    return weights / weights.sum()


@sketched
def draw(s: Sketch, *, n: int, vocabulary: int, zipf: float, generations: int, seed: int = 0) -> None:
    """Simulate the fully synthetic chain from a Zipf truth; draw ``S_m``, surviving tokens and paths of ``||p^(m)||_inf``."""
    p0 = zipf_probs(vocabulary, zipf)
    res = simulate_chain(p0, n=n, generations=generations, replicas=REPLICAS, seed=seed, record="stats")
    gens = np.arange(generations + 1)
    ax_s, ax_alive, ax_path = s.subplots(1, 3)

    s.band(ax_s, "sigma", gens, res.collision, label=r"simulated $\sigma_m$")
    s.plot(ax_s, "S", gens, fully_synthetic_S_np(gens, n, float(p0 @ p0)), color=THEORY_COLOR,
           label=r"Theorem 1: $S_m$")
    s.plot(ax_s, "collapsed", gens, (res.max_prob == 1).mean(axis=1), color=PALETTE[3], lw=1,
           label="fraction collapsed")
    s.legend(ax_s, fontsize=8, loc="lower right")

    s.band(ax_alive, "alive", gens, res.support, label="simulated")
    s.plot(ax_alive, "alive theory", gens, expected_survivors(p0, n, generations), color=THEORY_COLOR,
           label="exact (matrix powers)")
    s.legend(ax_alive, fontsize=8, loc="upper right")
    s.lines(ax_path, "paths", gens, res.max_prob[:, :TRAJECTORIES], lw=1, alpha=0.8)

    if s.first:
        ax_s.set(xlabel="generation $m$", title=r"$S_m = \mathbb{E}\|p^{(m)}\|_2^2$")
        ax_alive.set(xlabel="generation $m$", title="tokens still alive", yscale="log")
        ax_path.set(xlabel="generation $m$", title=rf"$\|p^{{(m)}}\|_\infty$ in {TRAJECTORIES} runs")
    for ax in (ax_s, ax_path):
        ax.set(xlim=(0, generations), ylim=(0, 1.02))
    ax_alive.set(xlim=(0, generations), ylim=(0.8, vocabulary * 1.2))
