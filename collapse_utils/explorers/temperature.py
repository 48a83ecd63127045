"""Widget of the chapter *Temperature and heat death*: the tempered loop with and without real data."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, mc_band
from ..temperature import fixed_points, mixed_map
from ..widgets import explorer

CONTROLS = {"T": (0.25, 4.0, 0.05), "lam": (0.0, 0.9, 0.05), "n": (10, 1000, 10), "generations": (5, 200, 5)}
DEFAULTS = {"T": 0.8, "lam": 0.2, "n": 100, "generations": 40}
Q = np.array([0.7, 0.2, 0.1])
REPLICAS = 200


@lru_cache(maxsize=1)
def phase_grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TV distance of the fixed point to ``Q`` on a (log T, lambda) grid, computed once."""
    temps, lams = np.geomspace(0.25, 4, 25), np.linspace(0, 0.9, 19)
    return temps, lams, fixed_points(Q, temps, lams, tol=1e-10, max_iter=5000).tv


def draw(fig: Figure, *, T: float, lam: float, n: int, generations: int, seed: int = 0) -> None:
    """Left: the finite chain (Monte Carlo) and the infinite-sample map (black); right: the phase diagram."""
    n_real = int(round(lam / (1 - lam) * n))
    lam_eff = n_real / (n_real + n)
    scheme = "fresh-real" if n_real > 0 else "fully-synthetic"
    res = simulate_chain(Q, n=n, generations=generations, scheme=scheme, n_real=n_real, replicas=REPLICAS,
                         seed=seed, temperature=T)
    det = np.empty((generations + 1, Q.size))
    det[0] = det[1] = Q
    for g in range(2, generations + 1):
        det[g] = mixed_map(det[g - 1], Q, T, lam_eff)
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("constrained")
    ax, ax_phase = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
    gens = np.arange(generations + 1)
    for i, color in zip(range(Q.size), PALETTE):
        mc_band(ax, gens, res.probs[:, :, i], color=color, label=f"token {i + 1} (n = {n})")
        ax.plot(gens, det[:, i], color=THEORY_COLOR, lw=1)
    ax.plot([], [], color=THEORY_COLOR, lw=1, label="infinite-sample map")
    ax.set(xlabel="generation", ylabel="mean probability", ylim=(-0.02, 1.02),
           title=f"T = {T:.2f}, real fraction {lam_eff:.2f} (N = {n_real})")
    ax.legend(fontsize=7, loc="center right")
    temps, lams, tv = phase_grid()
    log_t = np.log2(temps)  # the grid is uniform in log T: an image is much faster to draw than a mesh
    half = np.array([(lams[1] - lams[0]) / 2, (log_t[1] - log_t[0]) / 2])
    mesh = ax_phase.imshow(tv, origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=0.4,
                           extent=(lams[0] - half[0], lams[-1] + half[0], log_t[0] - half[1], log_t[-1] + half[1]))
    ax_phase.contour(lams, log_t, tv, levels=[0.05], colors="white", linewidths=1)
    ax_phase.plot(lam_eff, np.log2(T), "o", color=PALETTE[3], ms=7)
    ax_phase.set_yticks([-2, -1, 0, 1, 2], ["1/4", "1/2", "1", "2", "4"])
    ax_phase.grid(False)
    ax_phase.set(xlabel=r"real fraction $\lambda$", ylabel="temperature $T$ (log scale)",
                 title=r"TV$(p_\infty, q)$; white: 0.05")
    fig.colorbar(mesh, ax=ax_phase)


def widget():
    """The live explorer: sliders for ``T``, ``lambda``, ``n`` and the number of generations."""
    return explorer(draw, CONTROLS, DEFAULTS)
