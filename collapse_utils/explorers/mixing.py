"""Explorer of the chapter *Mixing real and synthetic data*: a fixed or a fresh real corpus plus ``n`` synthetic samples."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, Sketch, sketched
from ..theory.mixing import fresh_real_variance_ratio_np, law_with_S0, theorem2_S_np

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "P0", "REPLICAS", "SITE", "SUPPORT", "draw", "theory_S"]

CONTROLS = {"N": (10, 1000, 10), "n": (1, 1000, 1), "scheme": ["partially-synthetic", "fresh-real"], "generations": (5, 200, 5)}
DEFAULTS = {"N": 100, "n": 10, "scheme": "partially-synthetic", "generations": 50}
#: The controls that move on the website, and their precomputed values.
SITE = {"n": [1, 10, 30, 100, 300, 1000], "N": [10, 100, 1000], "scheme": ["partially-synthetic", "fresh-real"]}
FIGSIZE = (10.0, 3.4)
#: Seddik's Figures 3-4 law: ``s = 600`` tokens, 52 of them with positive probability, ``S_0 = 0.1``.
P0 = law_with_S0(600, 52, 0.1)
#: The simulation runs on the 52 tokens of the support: tokens of probability 0 never occur, so no statistic changes.
SUPPORT = P0[P0 > 0]
#: Fixed vertical ranges: ``S_m <= 0.25`` for every ``N >= 10`` and ``n``; ``L^1`` deviations between 0.0005 and 2.
S_TOP, L1_RANGE = 0.25, (5e-4, 2.0)
#: Replicas behind the Monte Carlo curves.
REPLICAS = 150


def theory_S(scheme: str, gens: np.ndarray, N_value: int, n_value: int, S0_value: float) -> np.ndarray:
    """``S_m`` for ``m >= 1``: Theorem 2 (corrected) or, for fresh real data, ``S_0 + (1 - S_0) v^(m) / (p(1-p))``.

    Examples
    --------
    >>> theory_S("partially-synthetic", [1, 2], 10, 10, 0.5).round(6).tolist()  # S_1, S_2 of Theorem 2
    [0.55, 0.56125]
    """
    gens = np.asarray(gens, dtype=float)
    if scheme == "partially-synthetic":
        return theorem2_S_np(gens - 1, N_value, n_value, S0_value)  # Theorem 2 gives S_{m+1}
    return S0_value + (1 - S0_value) * fresh_real_variance_ratio_np(gens, N_value, n_value)


@sketched
def draw(s: Sketch, *, N: int, n: int, scheme: str, generations: int, seed: int = 0) -> None:
    """Simulate chains from Seddik's 52-token law and draw ``S_m`` (theory over Monte Carlo) and the deviations in ``L^1``."""
    res = simulate_chain(SUPPORT, n=n, n_real=N, generations=generations, scheme=scheme, replicas=REPLICAS,
                         seed=seed, record="stats")
    ax_s, ax_d = s.subplots(1, 2)
    gens = np.arange(1, generations + 1)
    s0 = float(P0 @ P0)

    s.band(ax_s, "sigma", gens, res.collision[1:], label=r"Monte Carlo $\sigma_m$")
    s.plot(ax_s, "S", gens, theory_S(scheme, gens, N, n, s0), color=THEORY_COLOR, label="exact $S_m$")
    s.legend(ax_s, fontsize=8, loc="lower right")

    # Deviations from m = 2 on (p^(1) is the first model); both axes are fixed over the whole grid, so frames compare.
    s.band(ax_d, "first", gens[1:], res.l1_first[2:], color=PALETTE[1], label=r"$\|p^{(m)} - p^{(1)}\|_1$")
    s.band(ax_d, "truth", gens[1:], res.stats["l1_truth"][2:], color=PALETTE[2], label=r"$\|p^{(m)} - p^{(0)}\|_1$")
    s.legend(ax_d, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))

    if s.first:
        ax_s.axhline(s0, color="0.5", ls=":", lw=1, label="$S_0$")
        ax_s.set(xlabel="generation $m$", title=r"$S_m = \mathbb{E}\|p^{(m)}\|_2^2$", ylim=(0, S_TOP))
        ax_d.set(xlabel="generation $m$", title=r"deviation in $L^1$", yscale="log", ylim=L1_RANGE)
        ax_d.yaxis.set_major_formatter(FormatStrFormatter("%g"))  # plain labels: mathtext ticks are slow to lay out
        ax_d.yaxis.set_minor_formatter(NullFormatter())
    for ax in (ax_s, ax_d):
        ax.set_xlim(0, generations)
