"""Explorer of the chapter *Stability of retraining with real data*: Gaussian retraining, fresh vs fixed real data."""

from __future__ import annotations

import numpy as np

from ..gaussian import simulate_gaussian
from ..plotting import PALETTE, THEORY_COLOR, Sketch, sketched
from ..stability import simulate_retraining
from ..theory.core import iterate_affine
from ..theory.stability import mean_only_error_np, mean_variance_recursion_np

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "REPLICAS", "SITE", "draw", "variance_theory"]

CONTROLS = {"lam": (0.25, 8.0, 0.25), "N": (4, 200, 4), "generations": (5, 200, 5)}
DEFAULTS = {"lam": 1.0, "N": 20, "generations": 40}
#: The controls that move on the website, and their precomputed values.
SITE = {"lam": [0.25, 0.5, 1.0, 2.0, 4.0, 8.0], "N": [8, 20, 60, 200]}
FIGSIZE = (10.0, 3.8)
REPLICAS = 1000


def variance_theory(real: str, lam: float, N: int, generations: int) -> np.ndarray:
    """``E sigma_t^2`` of the mean-and-variance model (``sigma* = 1``) by iterating the exact linear recursion.

    Examples
    --------
    >>> variance_theory("fresh", 0.0, 10, 2).round(4).tolist()  # no synthetic data: (1 - 1/N) sigma*^2
    [0.9, 0.9, 0.9]
    """
    A, b, x0 = mean_variance_recursion_np(real, lam, N)
    return iterate_affine(A, b, x0, generations)[:, 1]


@sketched
def draw(s: Sketch, *, lam: float, N: int, generations: int, seed: int = 0) -> None:
    """Left: ``E (mu_t - mu*)^2`` (mean-only model); right: ``E sigma_t^2`` (mean-and-variance model)."""
    M = int(round(lam * N))
    lam = M / N
    gens = np.arange(generations + 1)
    ax_mu, ax_var = s.subplots(1, 2)
    for real, color in zip(("fresh", "fixed"), PALETTE):
        r = simulate_retraining(0.0, 1.0, n_real=N, lam=lam, generations=generations, real=real,
                                replicas=REPLICAS, seed=seed)
        s.band(ax_mu, real, gens, r.mu**2 * N, color=color, label=f"{real} real")
        s.plot(ax_mu, real + " exact", gens, N * mean_only_error_np(real, lam, N, gens), color=THEORY_COLOR, lw=1)
        r = simulate_retraining(0.0, 1.0, n_real=N, lam=lam, generations=generations, real=real,
                                model="mean-variance", replicas=REPLICAS, seed=seed + 1)
        s.band(ax_var, real, gens, r.sigma2, color=color, label=f"{real} real")
        s.plot(ax_var, real + " exact", gens, variance_theory(real, lam, N, generations), color=THEORY_COLOR, lw=1)
    # Fully synthetic retraining on M = lambda N samples, for comparison.  Mean only: after the real
    # fit of generation 0 the mean does a random walk, E e_t^2 = sigma*^2 (1/N + t/M) (exact line).
    # Mean and variance: the ML Gaussian chain from the truth, E sigma_t^2 = (1 - 1/M)^t.
    m_syn = max(M, 2)
    walk = N * (1 / N + gens / m_syn)
    s.plot(ax_mu, "synthetic", gens, walk, "--", color=PALETTE[3], label="fully synthetic on M samples (exact)")
    synth = simulate_gaussian(0.0, 1.0, n=m_syn, generations=generations, ddof=0, replicas=REPLICAS, seed=seed + 2)
    s.band(ax_var, "synthetic", gens, synth.sigma**2, color=PALETTE[3], label="fully synthetic on M samples")
    s.plot(ax_var, "synthetic exact", gens, (1 - 1 / m_syn) ** gens, color=THEORY_COLOR, lw=1, label="exact")
    s.plot(ax_mu, "key", [], [], color=THEORY_COLOR, lw=1, label="exact (book's derivation)")
    s.text(ax_mu, "setting", 0.98, 0.97, f"N = {N} real, M = {M} synthetic", transform=ax_mu.transAxes,
           ha="right", va="top", fontsize=9)
    s.legend(ax_mu, fontsize=8, loc="center right")
    s.legend(ax_var, fontsize=8, loc="lower left")
    if s.first:
        ax_mu.set(xlabel="generation $t$", ylabel=r"$N\,E(\mu_t-\mu^*)^2/\sigma_*^2$", title="mean only")
        ax_var.set(xlabel="generation $t$", ylabel=r"$E\,\hat\sigma_t^2/\sigma_*^2$", title="mean and variance")
    ax_mu.set(xlim=(0, generations), ylim=(0, min(max(3.0, 1.5 * float(walk[-1])), 10)))
    ax_var.set(xlim=(0, generations), ylim=(0, 1.1))
