"""Closed forms for recursive fitting of a 1-D Gaussian (Shumailov et al.; Suresh et al.).

Generation ``m + 1`` draws ``n`` samples from ``N(mu_m, sigma_m^2)`` and refits
``mu_{m+1}`` (sample mean) and ``sigma_{m+1}^2 = SS / (n - ddof)``, where the sum of
squared deviations is ``SS ~ sigma_m^2 chi^2_{n-1}``.  Hence

    sigma_{m+1}^2 = sigma_m^2 S_{m+1},   S_i i.i.d. ~ chi^2_{n-1} / (n - ddof),

a product of independent factors, and every moment below follows from the
Mellin moment ``E[X^s] = 2^s Gamma(k/2 + s) / Gamma(k/2)`` of ``X ~ chi^2_k``,
which :func:`chi2_mellin_moment` derives by integrating the density.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from ..validation import check_array, check_int, check_work
from .core import c4, m, n
from .symbols import sigma0

__all__ = [
    "c4_bound_gap_series",
    "c4_upper_bound",
    "check_c4_bound",
    "chi2_mellin_moment",
    "eps",
    "expected_log_variance",
    "expected_sigma",
    "expected_variance",
    "expected_w2_squared",
    "sigma0",
    "suresh_tail_bound",
    "variance_log_variance",
    "variance_mean",
]

#: Initial standard deviation and the threshold of the tail bound.
eps = sp.Symbol("epsilon", positive=True)

_x = sp.Symbol("x", positive=True)
_k = sp.Symbol("k", positive=True)
_s = sp.Symbol("s")


@lru_cache(maxsize=1)
def _mellin_integral() -> sp.Expr:
    """The integral behind :func:`chi2_mellin_moment`, done once per session and cached."""
    s_pos = sp.Symbol("s_pos", positive=True)
    density = _x ** (_k / 2 - 1) * sp.exp(-_x / 2) / (2 ** (_k / 2) * sp.gamma(_k / 2))
    moment = sp.simplify(sp.integrate(_x**s_pos * density, (_x, 0, sp.oo), conds="none"))
    return moment.subs(s_pos, _s)


def chi2_mellin_moment(k: sp.Expr = _k, s: sp.Expr = _s) -> sp.Expr:
    """``E[V^s]`` for ``V ~ chi^2_k``, obtained by integrating the chi-square density.

    The result is ``2^s Gamma(k/2 + s) / Gamma(k/2)`` (valid for ``s > -k/2``).

    Examples
    --------
    >>> chi2_mellin_moment(4, 1), chi2_mellin_moment(4, 2)  # E V = k, E V^2 = k (k + 2)
    (4, 24)
    """
    return _mellin_integral().subs({_s: s, _k: k}, simultaneous=True)


@lru_cache(maxsize=None)
def _factor_moment(s: sp.Expr, ddof: int) -> sp.Expr:
    """``E[S^s]`` for one generation's factor ``S = chi^2_{n-1} / (n - ddof)``."""
    return sp.simplify(sp.expand_func(chi2_mellin_moment(n - 1, s) / (n - ddof) ** s))


@lru_cache(maxsize=None)
def expected_sigma(ddof: int = 1) -> sp.Expr:
    """``E[sigma_m]``: ``sigma_0 c4(n)^m`` for ``ddof = 1``; in general ``sigma_0 (E S^{1/2})^m``.

    Examples
    --------
    >>> expected_sigma(0)
    sigma_0*(2*sqrt(2)*gamma(n/2 + 1)/(n**(3/2)*gamma(n/2 - 1/2)))**m
    """
    ddof = check_int(ddof, "ddof", low=0)
    factor = sp.simplify(_factor_moment(sp.Rational(1, 2), ddof))
    if ddof == 1:
        assert sp.simplify(sp.gammasimp(sp.expand_func(factor / c4(n)))) == 1
        factor = c4(n)
    return sigma0 * factor**m


@lru_cache(maxsize=None)
def expected_variance(ddof: int = 1) -> sp.Expr:
    """``E[sigma_m^2] = sigma_0^2 ((n - 1)/(n - ddof))^m``: constant for ``ddof = 1``, ``(1 - 1/n)^m`` for ``ddof = 0``.

    Examples
    --------
    >>> expected_variance(1), expected_variance(0)
    (sigma_0**2, sigma_0**2*((n - 1)/n)**m)
    """
    ddof = check_int(ddof, "ddof", low=0)
    factor = sp.simplify(_factor_moment(1, ddof))
    return sigma0**2 * factor**m


@lru_cache(maxsize=None)
def expected_log_variance(ddof: int = 1) -> sp.Expr:
    """``E[log sigma_m^2] = log sigma_0^2 + m [psi((n-1)/2) + log(2/(n - ddof))]``.

    The per-generation drift is ``d/ds E[S^s]`` at ``s = 0``; for ``ddof = 1`` it is
    negative (Jensen), so ``log sigma_m^2 -> -inf`` and ``sigma_m -> 0`` almost surely.

    Examples
    --------
    >>> expected_log_variance(1).subs(n, 3)  # drift psi(1) < 0: sigma_m -> 0
    -EulerGamma*m + 2*log(sigma_0)
    """
    ddof = check_int(ddof, "ddof", low=0)
    drift = sp.simplify(sp.diff(_factor_moment(_s, ddof), _s).subs(_s, 0))
    return 2 * sp.log(sigma0) + m * sp.expand_log(drift, force=True)


def variance_log_variance() -> sp.Expr:
    """``Var(log sigma_m^2) = m psi'((n - 1)/2)`` (any ``ddof``: a shift does not change a variance).

    Examples
    --------
    >>> variance_log_variance().subs(n, 3)  # m psi'(1) = m pi^2 / 6
    pi**2*m/6
    """
    log_mgf = sp.log(_factor_moment(_s, 1))
    return m * sp.simplify(sp.diff(log_mgf, _s, 2).subs(_s, 0))


@lru_cache(maxsize=None)
def variance_mean(ddof: int = 1) -> sp.Expr:
    """``Var(mu_m) = sum_{i<m} E[sigma_i^2] / n``: ``sigma_0^2 m / n`` for ``ddof = 1``.

    Examples
    --------
    >>> variance_mean(1), variance_mean(0)
    (m*sigma_0**2/n, sigma_0**2*(n**m - (n - 1)**m)/n**m)
    """
    ddof = check_int(ddof, "ddof", low=0)
    i = sp.Symbol("i", integer=True, nonnegative=True)
    return sp.simplify(sp.summation(expected_variance(ddof).subs(m, i) / n, (i, 0, m - 1)))


def expected_w2_squared(ddof: int = 1) -> sp.Expr:
    """``E[W_2^2(N(mu_m, sigma_m^2), N(mu_0, sigma_0^2))] = Var(mu_m) + E sigma_m^2 - 2 sigma_0 E sigma_m + sigma_0^2``.

    Examples
    --------
    >>> expected_w2_squared(1).subs({m: 0})  # generation 0 is the truth
    0
    """
    return variance_mean(ddof) + expected_variance(ddof) - 2 * sigma0 * expected_sigma(ddof) + sigma0**2


def c4_upper_bound() -> sp.Expr:
    """The bound ``c4(n) <= exp(-1 / (4n - 1))`` behind Suresh et al.'s Theorem 3 (right-hand side).

    Examples
    --------
    >>> c4_upper_bound()
    exp(-1/(4*n - 1))
    """
    return sp.exp(-1 / (4 * n - 1))


def suresh_tail_bound() -> sp.Expr:
    """Suresh et al. (2025), Theorem 3: ``P(sigma_m > epsilon) <= (sigma_0 / epsilon) exp(-m / (4n - 1))``.

    Stated in the book's form; ``exp(-m / (4n))`` is an equivalent weaker form, implied by the
    ``4n - 1`` version.

    Examples
    --------
    >>> suresh_tail_bound().subs({sigma0: 1, eps: sp.Rational(1, 10), m: 0})  # a trivial bound at m = 0
    10
    """
    return sigma0 / eps * c4_upper_bound() ** m


def c4_bound_gap_series(order: int = 4) -> sp.Expr:
    """Asymptotic series of ``log c4(n) + 1/(4n - 1)`` as ``n -> oo`` (it starts with ``-3/(16 n^2)``).

    Examples
    --------
    >>> c4_bound_gap_series(3)
    -3/(16*n**2)
    """
    order = check_int(order, "order", low=1, high=12)  # SymPy's series costs grow fast with the order
    x = sp.Symbol("x", positive=True)  # a plain positive symbol: SymPy's series drops terms for integer n
    gap = sp.log(2 / (x - 1)) / 2 + sp.loggamma(x / 2) - sp.loggamma((x - 1) / 2) + 1 / (4 * x - 1)
    return sp.expand(sp.simplify(sp.series(gap, x, sp.oo, order).removeO())).subs(x, n)


def check_c4_bound(n_values: object = None, *, digits: int = 40) -> np.ndarray:
    """Check ``c4(n) <= exp(-1/(4n - 1))`` at every ``n`` of ``n_values`` and return ``n^2`` times the gap.

    The gap ``-1/(4n-1) - log c4(n)`` is of order ``3/(16 n^2)``, far below double
    precision for large ``n``, so it is evaluated with ``mpmath`` at ``digits``
    significant digits, raised to ``3 log10(n) + 12`` when that is more: ``log c4(n)``
    is a difference of log-gammas of size ``n log n``, which cancels to ``1/(4n)``.
    The default checks ``n = 2..500`` and a log-spaced grid up to ``10^8``.  Raises
    ``AssertionError`` if the inequality fails anywhere.

    Examples
    --------
    >>> check_c4_bound([2, 10, 1000]).round(4).tolist()  # n^2 (gap) -> 3/16
    [0.3317, 0.208, 0.1877]
    """
    import mpmath

    digits = check_int(digits, "digits", low=17, high=10_000)
    if n_values is None:
        n_values = np.unique(np.concatenate([np.arange(2, 501), np.geomspace(500, 1e8, 100).round()])).astype(np.int64)
    ks = np.atleast_1d(check_array(n_values, "n_values", integer=True, low=2))
    # The log-gammas are of size n log n and cancel down to a gap of 3/(16 n^2): about 3 log10(n) digits are lost.
    digits = max(digits, 3 * int(np.ceil(np.log10(float(ks.max())))) + 12)
    check_work(ks.size * 2e4 * (1 + digits / 40) ** 2, f"{ks.size} values of n at digits={digits}", "check fewer values of n")
    out = np.empty(ks.size)
    with mpmath.workdps(digits):
        for j, k in enumerate(ks.tolist()):
            kk = mpmath.mpf(k)
            log_c4 = mpmath.log(2 / (kk - 1)) / 2 + mpmath.loggamma(kk / 2) - mpmath.loggamma((kk - 1) / 2)
            gap = -1 / (4 * kk - 1) - log_c4
            if gap <= 0:
                raise AssertionError(f"c4(n) <= exp(-1/(4n-1)) fails at n = {k}")
            out[j] = float(gap * kk**2)
    return out


# -- NumPy twins for explorers (no SymPy at run time; tests/test_theory_gaussian.py checks them on a grid) --


def _log_factor_sqrt(n: np.ndarray, ddof: int) -> np.ndarray:
    """``log E[S^{1/2}]`` for ``S = chi^2_{n-1} / (n - ddof)``: ``log(sqrt(2/(n-ddof)) Gamma(n/2) / Gamma((n-1)/2))``."""
    from scipy.special import gammaln

    return 0.5 * np.log(2 / (n - ddof)) + gammaln(n / 2) - gammaln((n - 1) / 2)


def expected_sigma_np(m: object, n: object, sigma0: object, ddof: int = 1) -> np.ndarray:
    """NumPy twin of :func:`expected_sigma`: ``sigma_0 (E S^{1/2})^m``, evaluated in logs (no overflow of Gamma).

    Examples
    --------
    >>> expected_sigma_np([0, 1, 2], 10, 1.0, ddof=0).round(6).tolist()
    [1.0, 0.922746, 0.851459]
    """
    m, n, sigma0 = (np.asarray(v, dtype=float) for v in (m, n, sigma0))
    return sigma0 * np.exp(m * _log_factor_sqrt(n, ddof))


def expected_log_variance_np(m: object, n: object, sigma0: object, ddof: int = 1) -> np.ndarray:
    """NumPy twin of :func:`expected_log_variance`: ``log sigma_0^2 + m [psi((n-1)/2) + log(2/(n - ddof))]``.

    Examples
    --------
    >>> expected_log_variance_np([0, 1], 3, 1.0).round(6).tolist()  # drift psi(1) = -0.5772 per generation
    [0.0, -0.577216]
    """
    from scipy.special import digamma

    m, n, sigma0 = (np.asarray(v, dtype=float) for v in (m, n, sigma0))
    return 2 * np.log(sigma0) + m * (digamma((n - 1) / 2) + np.log(2 / (n - ddof)))


def suresh_tail_bound_np(m: object, n: object, sigma0: object, epsilon: object) -> np.ndarray:
    """NumPy twin of :func:`suresh_tail_bound`: ``(sigma_0 / epsilon) exp(-m / (4n - 1))``.

    Examples
    --------
    >>> suresh_tail_bound_np([0, 39], 10, 1.0, 0.5).round(6).tolist()  # 2 exp(-m / 39)
    [2.0, 0.735759]
    """
    m, n, sigma0, epsilon = (np.asarray(v, dtype=float) for v in (m, n, sigma0, epsilon))
    return sigma0 / epsilon * np.exp(-m / (4 * n - 1))


__all__ += ["expected_log_variance_np", "expected_sigma_np", "suresh_tail_bound_np"]
