"""Explorer of the chapter *Temperature and heat death*: the tempered loop with and without real data."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, Sketch, sketched
from ..temperature import fixed_points, mixed_map

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "Q", "REPLICAS", "SITE", "draw", "phase_grid"]

CONTROLS = {"T": (0.25, 4.0, 0.05), "lam": (0.0, 0.9, 0.05), "n": (10, 1000, 10), "generations": (5, 200, 5)}
DEFAULTS = {"T": 0.8, "lam": 0.2, "n": 100, "generations": 40}
#: The controls that move on the website, and their precomputed values.
SITE = {"T": [0.5, 0.8, 1.0, 1.25, 1.6, 2.5], "lam": [0.0, 0.1, 0.2, 0.4, 0.6]}
FIGSIZE = (10.0, 3.8)
Q = np.array([0.7, 0.2, 0.1])
REPLICAS = 200


@lru_cache(maxsize=1)
def phase_grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TV distance of the fixed point to ``Q`` on a (log T, phi) grid, computed once.

    Examples
    --------
    >>> temps, phis, tv = phase_grid()
    >>> tv.shape, float(tv[temps == 1.0, 0][0])  # T = 1, no real data: the truth is a fixed point
    ((25, 19), 0.0)
    """
    temps, lams = np.geomspace(0.25, 4, 25), np.linspace(0, 0.9, 19)
    return temps, lams, fixed_points(Q, temps, lams, tol=1e-10, max_iter=5000).tv


def _draw_phase_diagram(ax) -> None:
    """The static right panel: TV distance of the loop's fixed point to ``Q`` over (phi, log T)."""
    temps, lams, tv = phase_grid()
    log_t = np.log2(temps)  # the grid is uniform in log T: an image is much faster to draw than a mesh
    half = np.array([(lams[1] - lams[0]) / 2, (log_t[1] - log_t[0]) / 2])
    mesh = ax.imshow(tv, origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=0.4,
                     extent=(lams[0] - half[0], lams[-1] + half[0], log_t[0] - half[1], log_t[-1] + half[1]))
    ax.contour(lams, log_t, tv, levels=[0.05], colors="white", linewidths=1)
    ax.set_yticks([-2, -1, 0, 1, 2], ["1/4", "1/2", "1", "2", "4"])
    ax.grid(False)
    ax.set(xlabel=r"real fraction $\phi$", ylabel="temperature $T$ (log scale)",
           title=r"TV$(p_\infty, q)$; white: 0.05")
    ax.figure.colorbar(mesh, ax=ax)


@sketched
def draw(s: Sketch, *, T: float, lam: float, n: int, generations: int, seed: int = 0) -> None:
    """Left: the finite tempered loop (Monte Carlo) and the infinite-sample map (black); right: the phase diagram."""
    n_real = int(round(lam / (1 - lam) * n))
    lam_eff = n_real / (n_real + n)
    scheme = "fresh-real" if n_real > 0 else "fully-synthetic"
    res = simulate_chain(Q, n=n, generations=generations, scheme=scheme, n_real=n_real, replicas=REPLICAS,
                         seed=seed, temperature=T)
    det = np.empty((generations + 1, Q.size))
    det[0] = det[1] = Q
    for g in range(2, generations + 1):
        det[g] = mixed_map(det[g - 1], Q, T, lam_eff)
    ax, ax_phase = s.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1]})
    gens = np.arange(generations + 1)
    for i, color in zip(range(Q.size), PALETTE):
        s.band(ax, f"token {i}", gens, res.probs[:, :, i], color=color, label=f"token {i + 1}")
        s.plot(ax, f"map {i}", gens, det[:, i], color=THEORY_COLOR, lw=1,
               label="infinite-sample map" if i == 0 else None)
    s.text(ax, "setting", 0.02, 0.97, f"T = {T:.2f}, real fraction {lam_eff:.2f} (N = {n_real}, n = {n})",
           transform=ax.transAxes, va="top", fontsize=9)
    s.plot(ax_phase, "setting", [lam_eff], [np.log2(T)], "o", color=PALETTE[3], ms=7)
    s.legend(ax, fontsize=8, loc="center right")
    if s.first:
        ax.set(xlabel="generation", ylabel="mean probability")
        _draw_phase_diagram(ax_phase)
    ax.set(xlim=(0, generations), ylim=(-0.02, 1.1))
