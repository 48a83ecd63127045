"""Widget of the chapter *Gaussian collapse*: trajectories of sigma_m and the tail bound."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from ..gaussian import simulate_gaussian
from ..plotting import PALETTE, THEORY_COLOR
from ..theory.core import m, n, numeric
from ..theory.gaussian import eps, expected_log_variance, expected_sigma, sigma0, suresh_tail_bound
from ..widgets import explorer

CONTROLS = {"n": (2, 200, 1), "generations": (10, 2500, 10), "ddof": (0, 1, 1)}
DEFAULTS = {"n": 100, "generations": 500, "ddof": 1}
REPLICAS, SHOWN, EPSILON = 400, 25, 0.1

_E_SIGMA = {ddof: numeric(expected_sigma(ddof), [m, n, sigma0]) for ddof in (0, 1)}
_E_LOG = {ddof: numeric(expected_log_variance(ddof), [m, n, sigma0]) for ddof in (0, 1)}
_BOUND = numeric(suresh_tail_bound(), [m, n, sigma0, eps])


def draw(fig: Figure, *, n: int, generations: int, ddof: int, seed: int = 0) -> None:
    """Left: ``SHOWN`` trajectories of ``sigma_m`` with ``E sigma_m`` and ``exp(E log sigma_m^2 / 2)``; right: ``P(sigma_m > 0.1)``."""
    ddof = min(ddof, n - 1)
    res = simulate_gaussian(0.0, 1.0, n=n, generations=generations, ddof=ddof, replicas=REPLICAS, seed=seed)
    gens = np.arange(generations + 1)
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("constrained")
    ax_traj, ax_tail = fig.subplots(1, 2)
    ax_traj.semilogy(gens, res.sigma[:, :SHOWN], color=PALETTE[0], lw=0.6, alpha=0.5)
    ax_traj.semilogy(gens, _E_SIGMA[ddof](gens, n, 1.0), color=THEORY_COLOR, label=r"$\mathbb{E}\,\sigma_m$")
    ax_traj.semilogy(gens, np.exp(_E_LOG[ddof](gens, n, 1.0) / 2), "--", color=PALETTE[3],
                     label=r"$\exp(\mathbb{E}\log\sigma_m^2/2)$")
    ax_traj.yaxis.set_major_formatter(FormatStrFormatter("%g"))  # plain labels: mathtext ticks are slow to lay out
    ax_traj.yaxis.set_minor_formatter(NullFormatter())
    ax_traj.set(xlabel="generation $m$", ylabel=r"$\sigma_m$", title=f"{SHOWN} trajectories, n = {n}, ddof = {ddof}")
    ax_traj.legend(fontsize=8, loc="lower left")

    ax_tail.plot(gens, (res.sigma > EPSILON).mean(axis=1), color=PALETTE[0], label=rf"MC $P(\sigma_m > {EPSILON})$")
    ax_tail.plot(gens, np.minimum(_BOUND(gens, n, 1.0, EPSILON), 1.0), color=THEORY_COLOR,
                 label=r"Theorem 3: $\frac{\sigma_0}{\epsilon}e^{-m/(4n-1)}$ (capped at 1)")
    ax_tail.set(xlabel="generation $m$", ylabel="probability", ylim=(-0.02, 1.05),
                title=f"tail probability, {REPLICAS} replicas")
    ax_tail.legend(fontsize=8, loc="lower left")


def widget():
    """The live explorer: sliders for ``n``, the number of generations and ``ddof``."""
    return explorer(draw, CONTROLS, DEFAULTS)
