"""Widget of the chapter *Unlearning synthetic data*: exact and approximate unlearning."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import unlearning as un
from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR
from ..widgets import explorer

CONTROLS = {"synthetic_fraction": (0.0, 0.9, 0.1), "erased": (0.0, 1.0, 0.1), "quality": (0.5, 4.0, 0.25)}
DEFAULTS = {"synthetic_fraction": 0.5, "erased": 1.0, "quality": 2.0}
VOCAB = 20
P0 = 1 / np.arange(1, VOCAB + 1)
P0 = P0 / P0.sum()
TOTAL = 400


def draw(fig: Figure, *, synthetic_fraction: float, erased: float, quality: float, seed: int = 0) -> None:
    """Left: Dirichlet model before and after exact unlearning. Right: EUBO unlearning with a rough posterior."""
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("constrained")
    rng = np.random.default_rng(seed)
    ax1, ax2 = fig.subplots(1, 2)
    n_syn = int(round(synthetic_fraction * TOTAL))
    collapsed = simulate_chain(P0, n=20, generations=30, seed=rng, record="stats").final[0]
    real = rng.multinomial(TOTAL - n_syn, P0)
    synthetic = rng.multinomial(n_syn, collapsed)
    removed = rng.multivariate_hypergeometric(synthetic, int(round(erased * n_syn)))
    alpha = np.ones(VOCAB)
    before = un.dirichlet_posterior(alpha, real + synthetic)
    after = un.unlearn_counts(before, removed, alpha)
    tokens = np.arange(1, VOCAB + 1)
    ax1.plot(tokens, P0, color=THEORY_COLOR, label="truth $p^{(0)}$")
    ax1.plot(tokens, before / before.sum(), "o-", ms=3, color=PALETTE[3], label="trained on mix")
    ax1.plot(tokens, after / after.sum(), "s-", ms=3, color=PALETTE[0], label="after unlearning")
    ax1.set(xlabel="token", ylabel="posterior mean", yscale="log", title="exact (count subtraction)")
    ax1.legend(fontsize=8)

    kept = un.logistic_data(1.5, 60, seed=seed)
    syn = un.logistic_data(-2.0, 60, seed=seed + 1)
    everything = un.LogisticData(np.r_[kept.x, syn.x], np.r_[kept.y, syn.y])
    lap = un.laplace_posterior(everything)
    rough = un.GaussianPosterior(lap.mean, quality * lap.sd)
    grid = np.linspace(-4, 6, 1001)
    exact = un.exact_posterior_grid(kept, grid)

    def loglik(t):
        return un.log_likelihood(t, syn)

    ax2.plot(grid, exact, color=THEORY_COLOR, label="exact $p(\\theta|D_r)$")
    for q, lam, color, name in [(None, 0.0, PALETTE[3], "EUBO"), (None, 1e-20, PALETTE[0], "adjusted")]:
        q = un.unlearn_eubo(loglik, rough, lam=lam)
        ax2.plot(grid, np.exp(-0.5 * ((grid - q.mean) / q.sd) ** 2) / (q.sd * np.sqrt(2 * np.pi)), color=color,
                 label=f"{name}: mean {q.mean:.2f}")
    ax2.set(xlabel="$\\theta$", title=f"approximate, rough posterior (x{quality:g} sd)")
    ax2.legend(fontsize=8)


def widget():
    """The live explorer: synthetic fraction, fraction erased and approximation quality."""
    return explorer(draw, CONTROLS, DEFAULTS)
