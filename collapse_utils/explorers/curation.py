"""Explorer of the chapter *Curated self-consuming loops*: reward up, diversity down."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..curation import expected_trajectory, simulate_curation
from ..plotting import PALETTE, THEORY_COLOR, Sketch, sketched

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "N", "P0", "REPLICAS", "S", "SITE", "draw", "reward_shape"]

CONTROLS = {
    "K": (1, 16, 1),
    "reward": ["linear", "step", "single peak"],
    "real_fraction": (0.0, 0.9, 0.05),
    "generations": (2, 40, 1),
}
DEFAULTS = {"K": 4, "reward": "linear", "real_fraction": 0.0, "generations": 20}
#: The controls that move on the website, and their precomputed values.
SITE = {"K": [1, 2, 4, 8, 16], "reward": ["linear", "step", "single peak"], "real_fraction": [0.0, 0.3]}
FIGSIZE = (10.0, 3.4)
S = 10
P0 = np.full(S, 1.0 / S)
N = 100
REPLICAS = 60


def reward_shape(name: str) -> np.ndarray:
    """The rewards of the widget's ``S`` outcomes: ``"linear"``, ``"step"`` or ``"single peak"``.

    Examples
    --------
    >>> reward_shape("step").tolist()  # reward 1 on the upper half of the outcomes
    [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """
    x = np.arange(S)
    shapes = {
        "linear": x / (S - 1) * 2.0,
        "step": np.where(x >= S // 2, 1.0, 0.0),
        "single peak": np.where(x == S - 3, 1.5, 0.0),
    }
    if name not in shapes:
        raise ValueError(f"reward must be one of {sorted(shapes)}, got {name!r}")
    return shapes[name]


@lru_cache(maxsize=256)
def _expected(reward: str, K: int, real_fraction: float, generations: int) -> np.ndarray:
    """The expected map's trajectory (one quadrature per generation), remembered across updates."""
    return expected_trajectory(P0, reward_shape(reward), K, generations=generations, real_fraction=real_fraction)


@sketched
def draw(s: Sketch, *, K: int, reward: str, real_fraction: float, generations: int, seed: int = 0) -> None:
    """Expected dynamics (black) over finite-sample curated loops (dots and bands)."""
    r = reward_shape(reward)
    res = simulate_curation(P0, r, K=K, n=N, generations=generations, real_fraction=real_fraction,
                            replicas=REPLICAS, seed=seed)
    traj = _expected(reward, K, real_fraction, generations)
    gens = np.arange(generations + 1)
    ax_r, ax_h, ax_p = s.subplots(1, 3)
    s.band(ax_r, "reward", gens, res.reward, label="simulation")
    s.plot(ax_r, "reward map", gens, traj @ r, color=THEORY_COLOR, label=r"expected map $p_t H^K_{p_t}$")
    s.band(ax_h, "entropy", gens, res.entropy, color=PALETTE[1])
    s.plot(ax_h, "entropy map", gens, -(traj * np.log(np.where(traj > 0, traj, 1))).sum(1), color=THEORY_COLOR)
    s.bars(ax_p, "final", np.arange(S), res.probs[-1].mean(0), color=PALETTE[2], label="mean final model")
    s.plot(ax_p, "final map", np.arange(S), traj[-1], "k_", ms=12, mew=2, label="expected map")
    s.text(ax_p, "when", 0.03, 0.97, f"after t = {generations}", transform=ax_p.transAxes, va="top", fontsize=9)
    s.legend(ax_r, fontsize=8, loc="lower right")
    s.legend(ax_p, fontsize=8, loc="upper left", bbox_to_anchor=(0.0, 0.88))
    if s.first:
        ax_r.set(xlabel="generation $t$", title=r"expected reward $E_{p_t} r$")
        ax_h.set(xlabel="generation $t$", title="entropy (nats)")
        ax_p.set(xlabel="outcome $x$", title="final model $p_t$")
    ax_r.set(xlim=(0, generations), ylim=(0, 1.05 * float(r.max())))
    ax_h.set(xlim=(0, generations), ylim=(0, np.log(S) * 1.05))
    ax_p.set(xlim=(-0.6, S - 0.4), ylim=(0, 1))
