"""Widget of the chapter *A statistical model of a language model*: models on the simplex."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..chains import SCHEMES, simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, mc_band, simplex_axes, simplex_xy
from ..theory import S0, fully_synthetic_S, m, n, numeric
from ..widgets import explorer

CONTROLS = {"n": (10, 2000, 10), "scheme": list(SCHEMES), "generations": (4, 200, 4)}
DEFAULTS = {"n": 100, "scheme": "fully-synthetic", "generations": 40}
P0 = np.array([0.5, 0.3, 0.2])
REPLICAS = 300

_S = numeric(fully_synthetic_S(), [m, n, S0])


def draw(fig: Figure, *, n: int, scheme: str, generations: int, seed: int = 0) -> None:
    """Simulate ``REPLICAS`` chains from ``P0`` and draw them on the simplex and as ``S_m``."""
    res = simulate_chain(
        P0, n=n, generations=generations, scheme=scheme, replicas=REPLICAS, seed=seed,
        n_real=n if scheme in ("partially-synthetic", "fresh-real", "accumulate") else 0,
        window=min(4, n) if scheme == "most-recent" else 1,
    )
    if hasattr(fig, "set_layout_engine"):  # a Figure, not a SubFigure
        fig.set_layout_engine("constrained")
    ax_simplex, ax_sigma = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    simplex_axes(ax_simplex)
    shown = np.unique(np.linspace(0, generations, 5).round().astype(int))
    for color, g in zip(PALETTE, shown):
        x, y = simplex_xy(res.probs[g])
        ax_simplex.scatter(x, y, s=6, color=color, alpha=0.5, label=f"m = {g}")
    ax_simplex.legend(loc="upper right", bbox_to_anchor=(0.1, 1.0), fontsize=8, markerscale=2, frameon=False)
    ax_simplex.set_title(f"{REPLICAS} replicas, scheme {scheme}", fontsize=9)

    gens = np.arange(generations + 1)
    mc_band(ax_sigma, gens, res.sigma, label=r"Monte Carlo $\sigma_m$")
    if scheme == "fully-synthetic":
        ax_sigma.plot(gens, _S(gens, n, float(P0 @ P0)), color=THEORY_COLOR, label=r"Theorem 1: $S_m$")
    ax_sigma.plot(gens, (res.max_prob == 1).mean(axis=1), color=PALETTE[3], lw=1, label="fraction collapsed")
    ax_sigma.set(xlabel="generation $m$", ylabel=r"$\sigma_m$ and fraction collapsed", ylim=(0, 1.02))
    ax_sigma.legend(fontsize=8, loc="best")


def widget():
    """The live explorer: sliders for ``n``, the scheme and the number of generations."""
    return explorer(draw, CONTROLS, DEFAULTS)
