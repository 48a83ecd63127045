"""Widget of the chapter *Replace or accumulate?*: test error of recursively refitted OLS."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..plotting import PALETTE, THEORY_COLOR, mc_band
from ..regression import MODES, simulate_regression
from ..theory.regression import expected_errors
from ..widgets import explorer

CONTROLS = {"T": (4, 200, 1), "d": (1, 50, 1), "sigma": (0.1, 3.0, 0.1), "mode": ["both", *MODES]}
DEFAULTS = {"T": 20, "d": 5, "sigma": 1.0, "mode": "both"}
REPLICAS, GENERATIONS = 400, 20


def draw(fig: Figure, *, T: int, d: int, sigma: float, mode: str, seed: int = 0) -> None:
    """Monte Carlo test error per generation (mean and 95 % band) over the closed forms."""
    if hasattr(fig, "set_layout_engine"):  # a Figure, not a SubFigure
        fig.set_layout_engine("constrained")
    ax = fig.subplots()
    if T <= d + 1:
        ax.text(0.5, 0.5, f"need T > d + 1 (T = {T}, d = {d})", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    gens = np.arange(1, GENERATIONS + 1)
    for color, which in zip(PALETTE, MODES):
        if mode not in ("both", which):
            continue
        errors = simulate_regression(T, d, sigma, generations=GENERATIONS, mode=which, replicas=REPLICAS, seed=seed)
        mc_band(ax, gens, errors, label=f"{which}, Monte Carlo", color=color)
        ax.plot(gens, expected_errors(T, d, sigma, GENERATIONS, which), color=THEORY_COLOR, lw=1)
    scale = sigma**2 * d / (T - d - 1)
    ax.axhline(np.pi**2 / 6 * scale, color=PALETTE[1], ls=":", lw=1, label=r"$\frac{\pi^2}{6}\,\sigma^2 d/(T-d-1)$")
    ax.plot([], [], color=THEORY_COLOR, lw=1, label="theory")
    ax.set(xlabel="generation $n$", ylabel="test error", title=f"T = {T}, d = {d}, sigma = {sigma:g}, {REPLICAS} replicas")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8, loc="upper left")


def widget():
    """The live explorer: sliders for ``T``, ``d``, ``sigma`` and the mode."""
    return explorer(draw, CONTROLS, DEFAULTS)
