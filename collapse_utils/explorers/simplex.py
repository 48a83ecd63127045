"""Explorer of the chapter *A statistical model of a language model*: models on the simplex."""

from __future__ import annotations

import numpy as np

from ..chains import SCHEMES, simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, Sketch, simplex_axes, simplex_xy, sketched
from ..theory.core import fully_synthetic_S_np

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "P0", "REPLICAS", "SITE", "draw"]

CONTROLS = {"n": (10, 2000, 10), "scheme": list(SCHEMES), "generations": (4, 200, 4)}
DEFAULTS = {"n": 100, "scheme": "fully-synthetic", "generations": 40}
#: The controls that move on the website, and their precomputed values.
SITE = {"n": [10, 30, 100, 300, 1000], "scheme": list(SCHEMES)}
FIGSIZE = (9.0, 3.6)
#: The truth ``p^(0)`` on three tokens.
P0 = np.array([0.5, 0.3, 0.2])
#: Replicas behind the clouds and the Monte Carlo curves.
REPLICAS = 300


@sketched
def draw(s: Sketch, *, n: int, scheme: str, generations: int, seed: int = 0) -> None:
    """Simulate chains from ``P0`` and draw them on the simplex at five generations, and their ``sigma_m``."""
    res = simulate_chain(
        P0, n=n, generations=generations, scheme=scheme, n_real=n, window=min(4, n), replicas=REPLICAS, seed=seed
    )
    ax_simplex, ax_sigma = s.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    shown = np.unique(np.linspace(0, generations, 5).round().astype(int))
    for k, (color, g) in enumerate(zip(PALETTE, shown)):
        x, y = simplex_xy(res.probs[g])
        s.scatter(ax_simplex, f"m{k}", x, y, s=6, color=color, alpha=0.5, label=f"m = {g}")
    s.legend(ax_simplex, loc="upper right", bbox_to_anchor=(0.12, 1.0), fontsize=8, markerscale=2)

    gens = np.arange(generations + 1)
    s.band(ax_sigma, "sigma", gens, res.sigma, label=r"Monte Carlo $\sigma_m$")
    if scheme == "fully-synthetic":
        s.plot(ax_sigma, "S", gens, fully_synthetic_S_np(gens, n, float(P0 @ P0)), color=THEORY_COLOR,
               label=r"Theorem 1: $S_m$")
    s.plot(ax_sigma, "collapsed", gens, (res.max_prob == 1).mean(axis=1), color=PALETTE[3], lw=1,
           label="fraction collapsed")
    s.legend(ax_sigma, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))

    if s.first:
        simplex_axes(ax_simplex)
        ax_simplex.set_title(f"{REPLICAS} replicas on the simplex", fontsize=9)
        ax_sigma.set(xlabel="generation $m$", ylabel=r"$\sigma_m$ and fraction collapsed")
    ax_sigma.set(xlim=(0, generations), ylim=(0, 1.02))
