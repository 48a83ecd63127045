"""Explorer of the chapter *Unlearning synthetic data*: exact and approximate unlearning."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import unlearning as un
from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, Sketch, sketched

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "P0", "SITE", "TOTAL", "VOCAB", "draw"]

CONTROLS = {"synthetic_fraction": (0.0, 0.9, 0.1), "erased": (0.0, 1.0, 0.1), "quality": (0.5, 4.0, 0.25)}
DEFAULTS = {"synthetic_fraction": 0.5, "erased": 1.0, "quality": 2.0}
#: The controls that move on the website, and their precomputed values.
SITE = {"erased": [0.0, 0.25, 0.5, 0.75, 1.0], "quality": [0.5, 1.0, 2.0, 3.0, 4.0]}
FIGSIZE = (10.0, 3.8)
VOCAB = 20
P0 = 1 / np.arange(1, VOCAB + 1)
P0 = P0 / P0.sum()
TOTAL = 400
_GRID = np.linspace(-4, 6, 1001)


@lru_cache(maxsize=1)
def _logistic() -> tuple:
    """The kept and synthetic logistic data, the exact unlearned posterior on a grid, and Laplace's approximation."""
    kept = un.logistic_data(1.5, 60, seed=0)
    syn = un.logistic_data(-2.0, 60, seed=1)
    everything = un.LogisticData(np.r_[kept.x, syn.x], np.r_[kept.y, syn.y])
    return syn, un.exact_posterior_grid(kept, _GRID), un.laplace_posterior(everything)


@lru_cache(maxsize=64)
def _eubo(quality: float, lam: float) -> un.GaussianPosterior:
    """EUBO unlearning from Laplace's approximation widened by ``quality`` (remembered across updates)."""
    syn, _, lap = _logistic()
    rough = un.GaussianPosterior(lap.mean, quality * lap.sd)
    return un.unlearn_eubo(lambda t: un.log_likelihood(t, syn), rough, lam=lam)


def _density(q: un.GaussianPosterior) -> np.ndarray:
    return np.exp(-0.5 * ((_GRID - q.mean) / q.sd) ** 2) / (q.sd * np.sqrt(2 * np.pi))


@sketched
def draw(s: Sketch, *, synthetic_fraction: float, erased: float, quality: float, seed: int = 0) -> None:
    """Left: Dirichlet model before and after exact unlearning. Right: EUBO unlearning with a rough posterior."""
    rng = np.random.default_rng(seed)
    ax1, ax2 = s.subplots(1, 2)
    n_syn = int(round(synthetic_fraction * TOTAL))
    collapsed = simulate_chain(P0, n=20, generations=30, seed=rng, record="stats").final[0]
    real = rng.multinomial(TOTAL - n_syn, P0)
    synthetic = rng.multinomial(n_syn, collapsed)
    removed = rng.multivariate_hypergeometric(synthetic, int(round(erased * n_syn)))
    alpha = np.ones(VOCAB)
    before = un.dirichlet_posterior(alpha, real + synthetic)
    after = un.unlearn_counts(before, removed, alpha)
    tokens = np.arange(1, VOCAB + 1)
    s.plot(ax1, "truth", tokens, P0, color=THEORY_COLOR, label="truth $p^{(0)}$")
    s.plot(ax1, "before", tokens, before / before.sum(), "o-", ms=3, color=PALETTE[3], label="trained on mix")
    s.plot(ax1, "after", tokens, after / after.sum(), "s-", ms=3, color=PALETTE[0], label="after unlearning")
    s.legend(ax1, fontsize=8, loc="upper right")

    exact = _logistic()[1]
    means = []
    s.plot(ax2, "exact", _GRID, exact, color=THEORY_COLOR, label="exact $p(\\theta|D_r)$")
    for lam, color, name in [(0.0, PALETTE[3], "EUBO"), (1e-20, PALETTE[0], "adjusted")]:
        q = _eubo(float(quality), lam)
        s.plot(ax2, name, _GRID, _density(q), color=color, label=name)
        means.append(f"{name} mean {q.mean:.2f}")
    s.text(ax2, "means", 0.02, 0.97, "\n".join(means) + f"\nrough posterior: \u00d7{quality:g} sd",
           transform=ax2.transAxes, va="top", fontsize=8)
    s.legend(ax2, fontsize=8, loc="upper right")
    if s.first:
        ax1.set(xlabel="token", ylabel="posterior mean", yscale="log", title="exact (count subtraction)")
        ax2.set(xlabel="$\\theta$", title="approximate (EUBO)")
    ax1.set(xlim=(0.5, VOCAB + 0.5), ylim=(1e-3, 1.0))
    ax2.set(xlim=(_GRID[0], _GRID[-1]), ylim=(0, 1.6 * float(exact.max())))
