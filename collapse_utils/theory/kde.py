"""Closed forms for a Gaussian KDE trained on its own samples (the book's own analysis).

Fu et al. (2024) analyse kernel density estimators in a self-consuming loop
(their statements are in the original).  The recursions here are exact for the model
of :func:`collapse_utils.kde.simulate_kde`, derived by the book: ``n`` points per
generation, ``k = phi n`` of them fresh from ``N(0, sigma0^2)``, the rest sampled from
the previous KDE (a resampled point plus ``h Z``).  ``v_t`` is the variance of the
fitted KDE, i.e. the variance (divisor ``n``) of its points plus ``h^2``.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .core import solve_linear_recursion
from .symbols import n, phi, sigma0, t

__all__ = [
    "h",
    "kde_variance",
    "mise0",
    "n",
    "sigma0",
    "t",
    "phi",
    "mixed_recursion",
    "mixed_recursion_np",
    "mixed_stationary",
]

#: Points per generation, bandwidth, true standard deviation, real fraction ``phi = k / n``, generation.
h = sp.Symbol("h", positive=True)


def mixed_recursion() -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    """Exact recursion ``x_{t+1} = A x_t + b`` for ``x_t = (E v_t, E xbar_t^2)``, with ``x_0``.

    The ``n`` points of generation ``t + 1`` are independent given generation
    ``t``: ``phi n`` of them have mean 0 and variance ``sigma0^2``, ``(1 - phi) n`` have
    mean ``xbar_t`` and variance ``v_t`` (the KDE's).  For independent ``z_i`` with
    means ``m_i`` and variances ``s_i^2``, the divisor-``n`` sample variance has
    ``E = (1 - 1/n) mean(s_i^2) + mean((m_i - mbar)^2)``, and
    ``E zbar = mbar``, ``Var zbar = mean(s_i^2) / n``.

    Examples
    --------
    >>> A, b, x0 = mixed_recursion()
    >>> A.subs(phi, 0)  # fully synthetic: the variance decouples from the mean
    Matrix([
    [(n - 1)/n, 0],
    [      1/n, 1]])
    """
    v, xb2, xb = sp.symbols("v_t xbar_t^2 xbar_t", real=True)
    mean_var = phi * sigma0**2 + (1 - phi) * v  # mean of the s_i^2
    mbar = (1 - phi) * xb  # mean of the m_i
    spread = sp.expand(phi * (0 - mbar) ** 2 + (1 - phi) * (xb - mbar) ** 2).subs(xb**2, xb2)
    v_next = sp.expand((1 - 1 / n) * mean_var + spread + h**2)
    xb2_next = sp.expand(sp.expand(mbar**2).subs(xb**2, xb2) + mean_var / n)
    rows = [v_next, xb2_next]
    A = sp.Matrix([[sp.simplify(r.coeff(v)), sp.simplify(r.coeff(xb2))] for r in rows])
    b = sp.Matrix([sp.simplify(r.subs({v: 0, xb2: 0})) for r in rows])
    x0 = sp.Matrix([(1 - 1 / n) * sigma0**2 + h**2, sigma0**2 / n])
    return A, b, x0


def kde_variance() -> sp.Expr:
    """Fully synthetic (``phi = 0``): ``E v_t = n h^2 + (E v_0 - n h^2)(1 - 1/n)^t``, ``E v_0 = (1 - 1/n) sigma0^2 + h^2``.

    Examples
    --------
    >>> values = {n: 10, h: sp.Rational(1, 10), sigma0: 1}
    >>> [kde_variance().subs(values).subs(t, g) for g in (0, 1)]  # drifts towards n h^2 = 1/10
    [91/100, 829/1000]
    """
    A, b, x0 = mixed_recursion()
    a, c = A[0, 0].subs(phi, 0), b[0].subs(phi, 0)
    if sp.simplify(A[0, 1].subs(phi, 0)) != 0:  # pragma: no cover - the mean decouples when phi = 0
        raise AssertionError("with phi = 0 the variance recursion should not involve the mean")
    return solve_linear_recursion(a, c, x0[0], t)


def mixed_stationary() -> sp.Matrix:
    """Stationary ``(E v, E xbar^2)`` for ``0 < phi <= 1``.

    Examples
    --------
    >>> mixed_stationary().subs({phi: 1, n: 10, h: sp.Rational(1, 10), sigma0: 1}).T  # all fresh: generation 0 forever
    Matrix([[91/100, 1/10]])
    """
    A, b, _ = mixed_recursion()
    return sp.simplify((sp.eye(2) - A).LUsolve(b))


def mise0() -> sp.Expr:
    """Mean integrated squared error of a Gaussian KDE on ``n`` i.i.d. ``N(0, sigma0^2)`` points (generation 0).

    From ``int K_a(x-u) K_b(x-v) dx = K_sqrt(a^2+b^2)(u-v)`` and
    ``E K_c(X - X') = K_sqrt(c^2 + 2 sigma0^2)(0)`` for independent ``X, X'``.

    Examples
    --------
    >>> round(float(mise0().subs({n: 100, h: sp.Rational(1, 2), sigma0: 1})), 6)
    0.005604
    """
    def phi0(scale2: sp.Expr) -> sp.Expr:
        return 1 / sp.sqrt(2 * sp.pi * scale2)

    self_term = phi0(2 * h**2) / n + (1 - 1 / n) * phi0(2 * h**2 + 2 * sigma0**2)
    cross = phi0(h**2 + 2 * sigma0**2)
    return self_term - 2 * cross + phi0(2 * sigma0**2)


def mixed_recursion_np(h: float, n: float, phi: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NumPy twin of :func:`mixed_recursion` with ``sigma0 = 1``: ``(A, b, x0)`` for the explorer.

    ``tests/test_kde.py`` checks it against the SymPy derivation.

    Examples
    --------
    >>> A, b, x0 = mixed_recursion_np(0.3, 10, 0.5)
    >>> A.tolist(), b.round(6).tolist()
    ([[0.45, 0.25], [0.05, 0.25]], [0.54, 0.05])
    """
    A = np.array([[(1 - phi) * (n - 1) / n, phi * (1 - phi)], [(1 - phi) / n, (1 - phi) ** 2]])
    b = np.array([h**2 + phi - phi / n, phi / n])
    x0 = np.array([h**2 + 1 - 1 / n, 1 / n])
    return A, b, x0
