"""Widget of the chapter *Other ways of reusing past models*: the last ``K`` models, or the whole past at random."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, mc_band
from ..theory.mixing import law_with_S0, most_recent_h, random_past_V
from ..widgets import explorer

CONTROLS = {"K": (1, 10, 1), "scheme": ["most-recent", "random-past"], "generations": (10, 500, 10)}
DEFAULTS = {"K": 2, "scheme": "most-recent", "generations": 200}
#: Seddik's Figure 6 law: ``s = 600`` tokens, 52 with positive probability, ``S_0 = 0.1``; ``n = 10``.
P0 = law_with_S0(600, 52, 0.1)
#: The simulation runs on the 52 tokens of the support: tokens of probability 0 never occur, so no statistic changes.
SUPPORT = P0[P0 > 0]
N_SYNTH = 10
REPLICAS = 100


def theory_S(scheme: str, generations: int, K: int, S0_value: float, n_value: int = N_SYNTH) -> np.ndarray:
    """Exact ``S_m``, ``m = 0..generations``: the window map (most recent ``K``) or the product formula (random past)."""
    if scheme == "most-recent":
        return 1 - (1 - S0_value) * most_recent_h(generations, n_value, K)
    V = random_past_V(generations, n_value)
    out = S0_value + (1 - S0_value) * (1 / n_value + (1 - 1 / n_value) * V)
    out[0] = S0_value
    return out


def draw(fig: Figure, *, K: int, scheme: str, generations: int, seed: int = 0) -> None:
    """Simulate ``REPLICAS`` chains with ``n = 10`` and draw ``S_m``, the deviation and the fraction collapsed."""
    res = simulate_chain(
        SUPPORT, n=N_SYNTH, generations=generations, scheme=scheme, window=K if scheme == "most-recent" else 1,
        replicas=REPLICAS, seed=seed, record="stats"
    )
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("constrained")
    ax_s, ax_d = fig.subplots(1, 2)
    gens = np.arange(generations + 1)
    s0 = float(P0 @ P0)
    mc_band(ax_s, gens, res.sigma, label=r"Monte Carlo $\sigma_m$")
    ax_s.plot(gens, theory_S(scheme, generations, K, s0), color=THEORY_COLOR, label="exact $S_m$")
    ax_s.plot(gens, (res.max_prob == 1).mean(axis=1), color=PALETTE[3], lw=1, label="fraction collapsed")
    title = f"most recent K = {K}" if scheme == "most-recent" else "random past"
    ax_s.set(xlabel="generation $m$", ylabel=r"$\sigma_m$ and fraction collapsed", ylim=(0, 1.02))
    ax_s.set_title(f"{title}, n = {N_SYNTH}", fontsize=9)
    ax_s.legend(fontsize=8)
    mc_band(ax_d, gens[1:], res.l1_first[1:], color=PALETTE[1], label=r"$\|p^{(m)} - p^{(1)}\|_1$")
    ax_d.set(xlabel="generation $m$", ylabel="deviation", ylim=(0, 2.05))
    ax_d.set_title(f"{REPLICAS} replicas", fontsize=9)
    ax_d.legend(fontsize=8)


def widget():
    """The live explorer: sliders for the window ``K``, the scheme and the number of generations."""
    return explorer(draw, CONTROLS, DEFAULTS)
