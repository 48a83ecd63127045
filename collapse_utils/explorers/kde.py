"""Widget of the chapter *Kernel density estimators in the loop*: spread and error of a self-consuming KDE."""

from __future__ import annotations

import numpy as np
import sympy as sp
from matplotlib.figure import Figure

from ..kde import simulate_kde
from ..plotting import PALETTE, THEORY_COLOR, mc_band
from ..theory.core import iterate_affine
from ..theory.kde import h as h_sym
from ..theory.kde import mixed_recursion, n as n_sym, sigma0, w
from ..widgets import explorer

CONTROLS = {"h": (0.05, 1.0, 0.05), "n": (10, 200, 10), "real_fraction": (0.0, 1.0, 0.05), "generations": (5, 100, 5)}
DEFAULTS = {"h": 0.3, "n": 50, "real_fraction": 0.0, "generations": 30}
REPLICAS = 40

_REC = [sp.lambdify((h_sym, n_sym, w), part.subs(sigma0, 1)) for part in mixed_recursion()]


def variance_theory(h: float, n: int, real_fraction: float, generations: int) -> np.ndarray:
    """``E v_t`` (``sigma0 = 1``) by iterating the exact recursion of ``theory.kde.mixed_recursion``."""
    A, b, x0 = (np.asarray(f(h, n, real_fraction), dtype=float) for f in _REC)
    return iterate_affine(A, b, x0, generations)[:, 0]


def draw(fig: Figure, *, h: float, n: int, real_fraction: float, generations: int, seed: int = 0) -> None:
    """Left: KDE variance ``v_t`` (Monte Carlo and exact); right: integrated squared error to the truth."""
    res = simulate_kde(n=n, h=h, generations=generations, real_fraction=real_fraction, replicas=REPLICAS, seed=seed)
    w_eff = res.n_real / n
    gens = np.arange(generations + 1)
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("constrained")
    ax_v, ax_e = fig.subplots(1, 2)
    mc_band(ax_v, gens, res.var + h**2, label=f"Monte Carlo ({REPLICAS} replicas)")
    ax_v.plot(gens, variance_theory(h, n, w_eff, generations), color=THEORY_COLOR, lw=1, label="exact recursion")
    ax_v.axhline(1.0, color="0.5", ls=":", lw=1, label=r"truth $\sigma_0^2$")
    ax_v.set(xlabel="generation $t$", ylabel="KDE variance $v_t$",
             title=f"h = {h:.2f}, n = {n}, real {res.n_real}/{n}")
    ax_v.legend(fontsize=7)
    mc_band(ax_e, gens, res.ise, color=PALETTE[1])
    ax_e.set(xlabel="generation $t$", ylabel="ISE to $N(0,1)$", ylim=(0, None), title=f"real fraction {w_eff:.2f}")


def widget():
    """The live explorer: sliders for ``h``, ``n``, the real fraction and the number of generations."""
    return explorer(draw, CONTROLS, DEFAULTS)
