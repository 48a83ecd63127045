"""Widget of the chapter *Curated self-consuming loops*: reward up, diversity down."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..curation import expected_trajectory, simulate_curation
from ..plotting import PALETTE, THEORY_COLOR, mc_band
from ..widgets import explorer

CONTROLS = {
    "K": (1, 16, 1),
    "reward": ["linear", "step", "single peak"],
    "real_fraction": (0.0, 0.9, 0.05),
    "generations": (2, 40, 1),
}
DEFAULTS = {"K": 4, "reward": "linear", "real_fraction": 0.0, "generations": 20}
S = 10
P0 = np.full(S, 1.0 / S)
N = 100
REPLICAS = 60


def reward_shape(name: str) -> np.ndarray:
    """The rewards of the widget's ``S`` outcomes: ``"linear"``, ``"step"`` or ``"single peak"``."""
    x = np.arange(S)
    shapes = {
        "linear": x / (S - 1) * 2.0,
        "step": np.where(x >= S // 2, 1.0, 0.0),
        "single peak": np.where(x == S - 3, 1.5, 0.0),
    }
    if name not in shapes:
        raise ValueError(f"reward must be one of {sorted(shapes)}, got {name!r}")
    return shapes[name]


def draw(fig: Figure, *, K: int, reward: str, real_fraction: float, generations: int, seed: int = 0) -> None:
    """Expected dynamics (black) over finite-sample curated loops (dots and bands)."""
    r = reward_shape(reward)
    res = simulate_curation(P0, r, K=K, n=N, generations=generations, real_fraction=real_fraction,
                            replicas=REPLICAS, seed=seed)
    traj = expected_trajectory(P0, r, K, generations=generations, real_fraction=real_fraction)
    gens = np.arange(generations + 1)
    if hasattr(fig, "set_layout_engine"):  # a Figure, not a SubFigure
        fig.set_layout_engine("constrained")
    ax_r, ax_h, ax_p = fig.subplots(1, 3)
    mc_band(ax_r, gens, res.reward, label="simulation")
    ax_r.plot(gens, traj @ r, color=THEORY_COLOR, label=r"expected map $p_t H^K_{p_t}$")
    ax_r.set(xlabel="generation $t$", title=r"expected reward $E_{p_t} r$")
    ax_r.legend(fontsize=7)
    mc_band(ax_h, gens, res.entropy, color=PALETTE[1])
    ax_h.plot(gens, -(traj * np.log(np.where(traj > 0, traj, 1))).sum(1), color=THEORY_COLOR)
    ax_h.set(xlabel="generation $t$", title="entropy (nats)", ylim=(0, np.log(S) * 1.05))
    ax_p.bar(np.arange(S), res.probs[-1].mean(0), color=PALETTE[2], label="mean final model")
    ax_p.plot(np.arange(S), traj[-1], "k_", ms=12, mew=2, label="expected map")
    ax_p.set(xlabel="outcome $x$", title=f"$p_t$ at $t = {generations}$", ylim=(0, 1))
    ax_p.legend(fontsize=7)


def widget():
    """The live explorer: ``K``, reward shape, real fraction and generations."""
    return explorer(draw, CONTROLS, DEFAULTS, figsize=(9.0, 3.0))
