"""Widget of the chapter *Training on fully synthetic data*: variance, surviving tokens and trajectories."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, mc_band
from ..theory.core import S0, fully_synthetic_S, m, n, numeric
from ..validation import check_positive_float, check_positive_int
from ..widgets import explorer
from ..wright_fisher import expected_survivors

__all__ = ["CONTROLS", "DEFAULTS", "REPLICAS", "TRAJECTORIES", "draw", "widget", "zipf_probs"]

CONTROLS = {"n": (5, 400, 5), "vocabulary": (2, 600, 2), "zipf": (0.0, 2.0, 0.1), "generations": (10, 300, 10)}
DEFAULTS = {"n": 50, "vocabulary": 100, "zipf": 1.0, "generations": 100}
#: Replicas behind the Monte Carlo curves, and how many of them are drawn as trajectories.
REPLICAS = 200
TRAJECTORIES = 8

_S = numeric(fully_synthetic_S(), [m, n, S0])


def zipf_probs(vocabulary: int, exponent: float) -> np.ndarray:
    """Zipf-like truth ``p_i proportional to i^(-exponent)``, ``i = 1..vocabulary`` (``exponent = 0`` is uniform)."""
    vocabulary = check_positive_int(vocabulary, "vocabulary")
    if exponent != 0:
        exponent = check_positive_float(exponent, "exponent")
    weights = np.arange(1, vocabulary + 1, dtype=float) ** -float(exponent)
    return weights / weights.sum()


def draw(fig: Figure, *, n: int, vocabulary: int, zipf: float, generations: int, seed: int = 0) -> None:
    """Simulate the fully synthetic chain from a Zipf truth; draw ``S_m``, surviving tokens and paths of ``||p^(m)||_inf``."""
    p0 = zipf_probs(vocabulary, zipf)
    res = simulate_chain(p0, n=n, generations=generations, replicas=REPLICAS, seed=seed, record="stats")
    gens = np.arange(generations + 1)
    # Fixed margins instead of constrained layout: the layout pass would triple the time of an update.
    fig.set_layout_engine("none") if hasattr(fig, "set_layout_engine") else None
    ax_s, ax_alive, ax_path = fig.subplots(1, 3, gridspec_kw={"left": 0.06, "right": 0.98, "bottom": 0.15, "top": 0.84, "wspace": 0.28})

    mc_band(ax_s, gens, res.sigma, label=r"simulated $\sigma_m$")
    ax_s.plot(gens, _S(gens, n, float(p0 @ p0)), color=THEORY_COLOR, label=r"Theorem 1: $S_m$")
    ax_s.plot(gens, (res.max_prob == 1).mean(axis=1), color=PALETTE[3], lw=1, label="fraction collapsed")
    ax_s.set(xlabel="generation $m$", ylim=(0, 1.02), title=r"$S_m = \mathbb{E}\|p^{(m)}\|_2^2$")
    ax_s.legend(fontsize=7, loc="lower right")

    mc_band(ax_alive, gens, res.support, label="simulated")
    ax_alive.plot(gens, expected_survivors(p0, n, generations), color=THEORY_COLOR, label="exact (matrix powers)")
    ax_alive.set(xlabel="generation $m$", title="tokens still alive", yscale="log", ylim=(0.8, vocabulary * 1.2))
    ax_alive.legend(fontsize=7, loc="upper right")

    ax_path.plot(gens, res.max_prob[:, :TRAJECTORIES], lw=1, alpha=0.8)
    ax_path.set(xlabel="generation $m$", ylim=(0, 1.02), title=rf"$\|p^{{(m)}}\|_\infty$ in {TRAJECTORIES} runs")


def widget():
    """The live explorer: sliders for ``n``, the vocabulary size, the Zipf exponent and the generations."""
    return explorer(draw, CONTROLS, DEFAULTS, figsize=(10.0, 3.4))
