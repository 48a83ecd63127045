"""Explorer of the chapter *Kernel density estimators in the loop*: spread and error of a self-consuming KDE."""

from __future__ import annotations

import numpy as np

from ..kde import simulate_kde
from ..plotting import PALETTE, THEORY_COLOR, Sketch, nice_ceiling, sketched
from ..theory.core import iterate_affine
from ..theory.kde import mixed_recursion_np

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "ISE_REPLICAS", "REPLICAS", "SITE", "draw", "variance_theory"]

CONTROLS = {"h": (0.05, 1.0, 0.05), "n": (10, 200, 10), "real_fraction": (0.0, 1.0, 0.05), "generations": (5, 100, 5)}
DEFAULTS = {"h": 0.3, "n": 50, "real_fraction": 0.0, "generations": 30}
#: The controls that move on the website, and their precomputed values.
SITE = {"h": [0.1, 0.2, 0.3, 0.45, 0.6, 0.8], "real_fraction": [0.0, 0.1, 0.2, 0.5, 1.0]}
FIGSIZE = (10.0, 3.6)
#: Replicas behind the variance panel; the error panel's exact ISE costs O(n^2) per replica, so it uses fewer.
REPLICAS = 400
ISE_REPLICAS = 16


def variance_theory(h: float, n: int, real_fraction: float, generations: int) -> np.ndarray:
    """``E v_t`` (``sigma0 = 1``) by iterating the exact recursion of ``theory.kde.mixed_recursion``.

    Examples
    --------
    >>> variance_theory(0.3, 10, 1.0, 2).round(4).tolist()  # all real: (1 - 1/n) + h^2 every generation
    [0.99, 0.99, 0.99]
    """
    A, b, x0 = mixed_recursion_np(h, n, real_fraction)
    return iterate_affine(A, b, x0, generations)[:, 0]


@sketched
def draw(s: Sketch, *, h: float, n: int, real_fraction: float, generations: int, seed: int = 0) -> None:
    """Left: KDE variance ``v_t`` (Monte Carlo and exact); right: integrated squared error to the truth."""
    res = simulate_kde(n=n, h=h, generations=generations, real_fraction=real_fraction, replicas=REPLICAS,
                       seed=seed, ise=False)
    err = simulate_kde(n=n, h=h, generations=generations, real_fraction=real_fraction, replicas=ISE_REPLICAS,
                       seed=seed + 1).ise
    w_eff = res.n_real / n
    gens = np.arange(generations + 1)
    theory = variance_theory(h, n, w_eff, generations)
    ax_v, ax_e = s.subplots(1, 2)
    s.band(ax_v, "variance", gens, res.var + h**2, label=f"Monte Carlo ({REPLICAS} replicas)")
    s.plot(ax_v, "exact", gens, theory, color=THEORY_COLOR, lw=1, label="exact recursion")
    s.plot(ax_v, "truth", [0, generations], [1.0, 1.0], color="0.5", ls=":", lw=1, label=r"truth $\sigma_0^2$")
    s.band(ax_e, "ise", gens, err, color=PALETTE[1], label=f"Monte Carlo ({ISE_REPLICAS} replicas)")
    s.text(ax_v, "setting", 0.98, 0.03, f"h = {h:.2f}, n = {n}, real {res.n_real}/{n}", transform=ax_v.transAxes,
           ha="right", va="bottom", fontsize=9)
    s.legend(ax_v, fontsize=8, loc="upper left")
    s.legend(ax_e, fontsize=8, loc="upper left")
    if s.first:
        ax_v.set(xlabel="generation $t$", ylabel="KDE variance $v_t$", title="spread")
        ax_e.set(xlabel="generation $t$", ylabel="ISE to $N(0,1)$", title="integrated squared error")
    ax_v.set(xlim=(0, generations), ylim=(0, nice_ceiling(max(1.2, float(theory.max()) * 1.35))))
    ax_e.set(xlim=(0, generations), ylim=(0, nice_ceiling(max(0.05, 1.3 * float(np.quantile(err, 0.9, axis=1).max())))))
