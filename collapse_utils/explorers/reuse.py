"""Explorer of the chapter *Other ways of reusing past models*: the last ``K`` models, or the whole past at random."""

from __future__ import annotations

import numpy as np

from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, Sketch, sketched
from ..theory.mixing import law_with_S0, most_recent_h, random_past_V

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "N_SYNTH", "P0", "REPLICAS", "SITE", "SUPPORT", "draw", "theory_S"]

CONTROLS = {"K": (1, 10, 1), "scheme": ["most-recent", "random-past"], "generations": (10, 500, 10)}
DEFAULTS = {"K": 2, "scheme": "most-recent", "generations": 200}
#: The controls that move on the website, and their precomputed values (``K`` does not act on ``random-past``).
SITE = {"K": [1, 2, 3, 5, 10], "scheme": ["most-recent", "random-past"]}
FIGSIZE = (10.0, 3.4)
#: Seddik's Figure 6 law: ``s = 600`` tokens, 52 with positive probability, ``S_0 = 0.1``; ``n = 10``.
P0 = law_with_S0(600, 52, 0.1)
#: The simulation runs on the 52 tokens of the support: tokens of probability 0 never occur, so no statistic changes.
SUPPORT = P0[P0 > 0]
N_SYNTH = 10
#: Replicas behind the Monte Carlo curves.
REPLICAS = 60


def theory_S(scheme: str, generations: int, K: int, S0_value: float, n_value: int = N_SYNTH) -> np.ndarray:
    """Exact ``S_m``, ``m = 0..generations``: the window map (most recent ``K``) or the product formula (random past).

    Examples
    --------
    >>> theory_S("most-recent", 3, 1, 0.5, 10).round(6).tolist()  # K = 1: 1 - (1 - S_0)(1 - 1/n)^m
    [0.5, 0.55, 0.595, 0.6355]
    """
    if scheme == "most-recent":
        return 1 - (1 - S0_value) * most_recent_h(generations, n_value, K)
    V = random_past_V(generations, n_value)
    out = S0_value + (1 - S0_value) * (1 / n_value + (1 - 1 / n_value) * V)
    out[0] = S0_value
    return out


@sketched
def draw(s: Sketch, *, K: int, scheme: str, generations: int, seed: int = 0) -> None:
    """Simulate chains with ``n = 10`` and draw ``S_m``, the fraction collapsed and the deviation from ``p^(1)``."""
    res = simulate_chain(
        SUPPORT, n=N_SYNTH, generations=generations, scheme=scheme, window=K if scheme == "most-recent" else 1,
        replicas=REPLICAS, seed=seed, record="stats"
    )
    ax_s, ax_d = s.subplots(1, 2)
    gens = np.arange(generations + 1)
    s.band(ax_s, "sigma", gens, res.collision, label=r"Monte Carlo $\sigma_m$")
    s.plot(ax_s, "S", gens, theory_S(scheme, generations, K, float(P0 @ P0)), color=THEORY_COLOR, label="exact $S_m$")
    s.plot(ax_s, "collapsed", gens, (res.max_prob == 1).mean(axis=1), color=PALETTE[3], lw=1,
           label="fraction collapsed")
    s.legend(ax_s, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    s.band(ax_d, "deviation", gens[1:], res.l1_first[1:], color=PALETTE[1])

    if s.first:
        ax_s.set(xlabel="generation $m$", title=rf"$\sigma_m$ and collapse, $n = {N_SYNTH}$", ylim=(0, 1.02))
        ax_d.set(xlabel="generation $m$", title=r"deviation $\|p^{(m)} - p^{(1)}\|_1$", ylim=(0, 2.05))
    for ax in (ax_s, ax_d):
        ax.set_xlim(0, generations)
