"""Widget of the chapter *Stability of retraining with real data*: Gaussian retraining, fresh vs fixed real data."""

from __future__ import annotations

import numpy as np
import sympy as sp
from matplotlib.figure import Figure

from ..gaussian import simulate_gaussian
from ..plotting import PALETTE, THEORY_COLOR, mc_band
from ..stability import simulate_retraining
from ..theory.core import iterate_affine
from ..theory.stability import N as N_sym
from ..theory.stability import lam as lam_sym
from ..theory.stability import mean_only_error, mean_variance_recursion, sigma, t
from ..widgets import explorer

CONTROLS = {"lam": (0.25, 8.0, 0.25), "N": (4, 200, 4), "generations": (5, 200, 5)}
DEFAULTS = {"lam": 1.0, "N": 20, "generations": 40}
REPLICAS = 2000

_MEAN = {real: sp.lambdify((lam_sym, N_sym, t), mean_only_error(real)["solution"].subs(sigma, 1)) for real in ("fresh", "fixed")}
_MV = {real: [sp.lambdify((lam_sym, N_sym), part.subs(sigma, 1)) for part in mean_variance_recursion(real)]
       for real in ("fresh", "fixed")}


def variance_theory(real: str, lam: float, N: int, generations: int) -> np.ndarray:
    """``E sigma_t^2`` of the mean-and-variance model (``sigma* = 1``) by iterating the exact linear recursion."""
    A, b, x0 = (np.asarray(f(lam, N), dtype=float) for f in _MV[real])
    return iterate_affine(A, b, x0, generations)[:, 1]


def draw(fig: Figure, *, lam: float, N: int, generations: int, seed: int = 0) -> None:
    """Left: ``E (mu_t - mu*)^2`` (mean-only model); right: ``E sigma_t^2`` (mean-and-variance model)."""
    M = int(round(lam * N))
    lam = M / N
    gens = np.arange(generations + 1)
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("constrained")
    ax_mu, ax_var = fig.subplots(1, 2)
    for real, color in zip(("fresh", "fixed"), PALETTE):
        r = simulate_retraining(0.0, 1.0, n_real=N, lam=lam, generations=generations, real=real,
                                replicas=REPLICAS, seed=seed)
        mc_band(ax_mu, gens, r.mu**2 * N, color=color, label=f"{real} real")
        ax_mu.plot(gens, N * _MEAN[real](lam, N, gens), color=THEORY_COLOR, lw=1)
        r = simulate_retraining(0.0, 1.0, n_real=N, lam=lam, generations=generations, real=real,
                                model="mean-variance", replicas=REPLICAS, seed=seed + 1)
        mc_band(ax_var, gens, r.sigma2, color=color, label=f"{real} real")
        ax_var.plot(gens, variance_theory(real, lam, N, generations), color=THEORY_COLOR, lw=1)
    # Fully synthetic retraining on M = lambda N samples, for comparison.  Mean only: after the real
    # fit of generation 0 the mean does a random walk, E e_t^2 = sigma*^2 (1/N + t/M) (exact line).
    # Mean and variance: the ML Gaussian chain from the truth, E sigma_t^2 = (1 - 1/M)^t.
    m_syn = max(M, 2)
    walk = N * (1 / N + gens / m_syn)
    ax_mu.plot(gens, walk, "--", color=PALETTE[3], label=f"fully synthetic, M = {m_syn} (exact)")
    synth = simulate_gaussian(0.0, 1.0, n=m_syn, generations=generations, ddof=0, replicas=REPLICAS, seed=seed + 2)
    mc_band(ax_var, gens, synth.sigma**2, color=PALETTE[3], label=f"fully synthetic, n = {m_syn}")
    ax_var.plot(gens, (1 - 1 / m_syn) ** gens, color=THEORY_COLOR, lw=1)
    ax_mu.plot([], [], color=THEORY_COLOR, lw=1, label="exact (book's derivation)")
    ax_var.plot([], [], color=THEORY_COLOR, lw=1, label="exact")
    top = max(3.0, 1.5 * float(walk[-1]))
    ax_mu.set(xlabel="generation $t$", ylabel=r"$N\,E(\mu_t-\mu^*)^2/\sigma_*^2$", ylim=(0, min(top, 10)),
              title=f"mean only: N = {N}, M = {M} synthetic")
    ax_var.set(xlabel="generation $t$", ylabel=r"$E\,\sigma_t^2/\sigma_*^2$", ylim=(0, 1.1),
               title=r"mean and variance")
    ax_mu.legend(fontsize=7, loc="upper left")
    ax_var.legend(fontsize=7, loc="lower left")


def widget():
    """The live explorer: sliders for ``lambda``, ``N`` and the number of generations."""
    return explorer(draw, CONTROLS, DEFAULTS)
