"""Widget of the chapter *Mixing real and synthetic data*: a fixed or a fresh real corpus plus ``n`` synthetic samples."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, mc_band
from ..theory.core import S0, m, n, numeric
from ..theory.mixing import N, fresh_real_variance_ratio, law_with_S0, theorem2_S
from ..widgets import explorer

CONTROLS = {"N": (10, 1000, 10), "n": (1, 1000, 1), "scheme": ["partially-synthetic", "fresh-real"], "generations": (5, 200, 5)}
DEFAULTS = {"N": 100, "n": 10, "scheme": "partially-synthetic", "generations": 50}
#: Seddik's Figures 3-4 law: ``s = 600`` tokens, 52 of them with positive probability, ``S_0 = 0.1``.
P0 = law_with_S0(600, 52, 0.1)
#: The simulation runs on the 52 tokens of the support: tokens of probability 0 never occur, so no statistic changes.
SUPPORT = P0[P0 > 0]
REPLICAS = 100

# Theorem 2 (corrected) gives S_{m+1}; written with beta^m it does not overflow for large N + n.
_S_fixed = numeric(theorem2_S(+1).subs(m, m - 1), [m, N, n, S0])
_v_fresh = numeric(fresh_real_variance_ratio(), [m, N, n])


def theory_S(scheme: str, gens: np.ndarray, N_value: int, n_value: int, S0_value: float) -> np.ndarray:
    """``S_m`` for ``m >= 1``: Theorem 2 (corrected) or, for fresh real data, ``S_0 + (1 - S_0) v^(m) / (p(1-p))``."""
    if scheme == "partially-synthetic":
        return np.asarray(_S_fixed(gens, N_value, n_value, S0_value), dtype=float)
    return S0_value + (1 - S0_value) * np.asarray(_v_fresh(gens, N_value, n_value), dtype=float)


def draw(fig: Figure, *, N: int, n: int, scheme: str, generations: int, seed: int = 0) -> None:
    """Simulate ``REPLICAS`` chains and draw ``S_m`` (theory over Monte Carlo) and the deviations in ``L^1``."""
    res = simulate_chain(SUPPORT, n=n, n_real=N, generations=generations, scheme=scheme, replicas=REPLICAS, seed=seed, record="stats")
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("constrained")
    ax_s, ax_d = fig.subplots(1, 2)
    gens = np.arange(generations + 1)
    s0 = float(P0 @ P0)
    mc_band(ax_s, gens[1:], res.sigma[1:], label=r"Monte Carlo $\sigma_m$")
    label = "Theorem 2 (corrected)" if scheme == "partially-synthetic" else "fresh-real recursion"
    ax_s.plot(gens[1:], theory_S(scheme, gens[1:], N, n, s0), color=THEORY_COLOR, label=label)
    ax_s.axhline(s0, color="0.5", ls=":", lw=1, label="$S_0$")
    ax_s.set(xlabel="generation $m$", ylabel="$S_m$")
    ax_s.set_title(f"{scheme}, N = {N}, n = {n}", fontsize=9)
    ax_s.legend(fontsize=8)
    mc_band(ax_d, gens[1:], res.l1_first[1:], color=PALETTE[1], label=r"$\|p^{(m)} - p^{(1)}\|_1$")
    mc_band(ax_d, gens[1:], res.stats["l1_truth"][1:], color=PALETTE[2], label=r"$\|p^{(m)} - p^{(0)}\|_1$")
    ax_d.set(xlabel="generation $m$", ylabel="deviation", ylim=(0, None))
    ax_d.set_title(f"{REPLICAS} replicas", fontsize=9)
    ax_d.legend(fontsize=8)


def widget():
    """The live explorer: sliders for ``N``, ``n``, the scheme and the number of generations."""
    return explorer(draw, CONTROLS, DEFAULTS)
