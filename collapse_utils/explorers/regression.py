"""Explorer of the chapter *Replace or accumulate?*: test error of recursively refitted OLS."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..plotting import PALETTE, THEORY_COLOR, Sketch, nice_ceiling, sketched
from ..regression import MODES, simulate_regression
from ..theory.regression import error_scale_np, expected_errors

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "GENERATIONS", "REPLICAS", "SITE", "draw"]

CONTROLS = {"J": (4, 200, 1), "d": (1, 50, 1), "sigma": (0.1, 3.0, 0.1), "mode": ["both", *MODES]}
DEFAULTS = {"J": 20, "d": 5, "sigma": 1.0, "mode": "both"}
#: The controls that move on the website, and their precomputed values (``J = 7 = d + 2``: heavy tails).
SITE = {"J": [7, 8, 10, 20, 50, 100, 200], "mode": ["both", *MODES]}
FIGSIZE = (8.0, 3.6)
#: Replicas behind each Monte Carlo band, and generations shown.
REPLICAS, GENERATIONS = 400, 20


@sketched
def draw(s: Sketch, *, J: int, d: int, sigma: float, mode: str, seed: int = 0) -> None:
    """Monte Carlo test error per generation (mean and 95 % band) over the closed forms."""
    ax = s.subplots()
    if s.first:
        # Fixed margins instead of a layout computed from the tick labels, whose width changes with the scale.
        s.fig.set_layout_engine("none")
        ax.set_position([0.1, 0.14, 0.88, 0.76])
        ax.plot([], [], color=THEORY_COLOR, lw=1, label="theory")
        ax.set(xlabel="generation $n$", ylabel="test error", xlim=(0.5, GENERATIONS + 0.5))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if J <= d + 1:
        s.text(ax, "invalid", 0.5, 0.5, f"need J > d + 1 (J = {J}, d = {d})", ha="center", va="center",
               transform=ax.transAxes)
        ax.set_ylim(0, 1)
        return
    gens = np.arange(1, GENERATIONS + 1)  # generation 0 is the truth, error 0: not drawn
    scale = float(error_scale_np(J, d, sigma))
    for color, which in zip(PALETTE, MODES):
        if mode not in ("both", which):
            continue
        errors = simulate_regression(J, d, sigma, generations=GENERATIONS, mode=which, replicas=REPLICAS, seed=seed)
        s.band(ax, which, gens, errors[1:], label=f"{which}, Monte Carlo", color=color)
        s.plot(ax, which + " theory", gens, expected_errors(J, d, sigma, GENERATIONS, which)[1:], color=THEORY_COLOR,
               lw=1)
    s.plot(ax, "ceiling", gens[[0, -1]], [np.pi**2 / 6 * scale] * 2, color=PALETTE[1], ls=":", lw=1,
           label=r"$\frac{\pi^2}{6}\,\sigma^2 d/(J-d-1)$")
    s.legend(ax, fontsize=8, loc="upper left")
    # The scale of the closed forms sets the axis (the noisy band may leave it when J is close to d + 1).
    top = GENERATIONS * scale if mode != "accumulate" else np.pi**2 / 6 * scale
    ax.set_ylim(0, nice_ceiling(1.3 * top))
