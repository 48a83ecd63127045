"""Closed forms for mixing real and synthetic data and for reusing past models (Seddik et al. 2024, §3.2 and §4.2).

Notation of the paper: ``N`` real samples, ``n`` synthetic samples per
generation, ``alpha = n / (N + n)``, ``beta = n (n - 1) / (N + n)^2``,
``S_0 = ||p^(0)||_2^2``.  The per-token second moment ``nu^(m) = E[(p_i^(m))^2]``
of the partially synthetic scheme is *derived* here from the conditional
binomial moments (:func:`partially_synthetic_recursion`), solved, and compared
with Theorem 2 as printed and as corrected (:func:`theorem2_S`).  The other
results are the book's own analysis: stationary values, the fresh-real variant,
the tolerance line, and exact second moments of the "most recent ``K``",
"random past" and "accumulate" schemes.  Theorem 3 / Lemma 1 / corollary (11)
are evaluated in the book's statement of them (:func:`theorem3_bound`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp
from scipy.optimize import brentq

from ..validation import (
    check_array,
    check_fraction,
    check_memory,
    check_positive_float,
    check_positive_int,
    check_probs,
    check_real,
    check_work,
)
from .core import S0, m, n, s_tilde, solve_linear_recursion
from .symbols import N, p

__all__ = [
    "C0",
    "C1",
    "G_n",
    "Lambda1",
    "N",
    "R",
    "accumulate_V",
    "alpha",
    "beta",
    "corollary11_max_n",
    "deviation_bound_step",
    "deviation_bounds",
    "fresh_real_deviation_first",
    "fresh_real_variance",
    "fresh_real_variance_ratio",
    "law_with_S0",
    "most_balanced_split",
    "most_recent_h",
    "most_recent_n_eff",
    "no_collapse_gamma",
    "no_collapse_gamma_floor",
    "p",
    "partially_synthetic_nu",
    "partially_synthetic_recursion",
    "partially_synthetic_S",
    "random_past_V",
    "random_past_V_limit",
    "root_spread",
    "stationary",
    "sum_over_tokens",
    "theorem2_S",
    "theorem3_bound",
    "theorem4_bound",
    "theorem4_zeta",
    "theorem4_zeta_step",
    "tolerance_n",
    "varphi",
    "varphi_value",
    "x",
]

#: Size ``N`` of the real corpus and probability ``p = p_i^(0)`` of one token.

#: ``alpha = n / (N + n)`` and ``beta = n (n - 1) / (N + n)^2`` (Seddik et al. 2024, Theorem 2).
alpha = n / (N + n)
beta = n * (n - 1) / (N + n) ** 2

#: Constants of Lemma 1 / Theorem 3 (Mardia et al. 2020): ``C_0 = e^3 / (2 pi)``, ``C_1 = 6 e / pi^(3/2)``.
C0 = float(np.e**3 / (2 * np.pi))
C1 = float(6 * np.e / np.pi**1.5)


def _binomial_moments(k: sp.Expr, q: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``E[K]`` and ``E[K^2]`` for ``K ~ Bin(k, q)``, from the moment generating function."""
    t = sp.Symbol("t")
    mgf = (1 - q + q * sp.exp(t)) ** k
    return sp.simplify(sp.diff(mgf, t).subs(t, 0)), sp.expand(sp.simplify(sp.diff(mgf, t, 2).subs(t, 0)))


def partially_synthetic_recursion() -> dict[str, sp.Expr]:
    """Derive the second-moment recursion of the partially synthetic scheme (Seddik et al. 2024, proof of Thm 2).

    For one token write ``x = p_i^(1)`` (the fixed real corpus, ``N x ~ Bin(N, p)``)
    and ``q = p_i^(m-1)``.  Then ``p_i^(m) = (N x + K) / (N + n)`` with
    ``K | q ~ Bin(n, q)``.  Taking the conditional binomial moments and then
    expectations gives, with ``nu^(m) = E[(p_i^(m))^2]`` and ``c^(m) = E[x p_i^(m)]``,

    * ``c^(m) = (1 - alpha) nu^(1) + alpha c^(m-1)``, so ``c^(m) = nu^(1)`` for all ``m``;
    * ``nu^(m) = A + beta nu^(m-1)`` for ``m >= 2``.

    Returns
    -------
    dict
        ``"nu1"``: ``E[x^2] = p/N + (1 - 1/N) p^2``; ``"A"`` and ``"beta"``: the
        coefficients of ``nu^(m) = A + beta nu^(m-1)``; ``"c_step"``: the
        coefficients ``(a, b)`` of ``c^(m) = a c^(m-1) + b``.

    Examples
    --------
    >>> rec = partially_synthetic_recursion()
    >>> sp.factor(rec["beta"])  # beta of Theorem 2
    n*(n - 1)/(N + n)**2
    >>> rec["nu1"]  # E[(p_i^(1))^2] for N real tokens
    p**2 - p**2/N + p/N
    """
    return dict(_derive_partially_synthetic())


@lru_cache(maxsize=1)
def _derive_partially_synthetic() -> tuple[tuple[str, sp.Expr], ...]:
    """The cached derivation behind ``partially_synthetic_recursion``."""
    x, q, K = sp.symbols("x q K", nonnegative=True)
    nu_prev, c_prev, nu1 = sp.symbols("nu_prev c_prev nu_1")
    first_N, second_N = _binomial_moments(N, p)
    nu1_value = sp.expand(second_N / N**2)
    mean_K, second_K = _binomial_moments(n, q)

    def expect(poly: sp.Expr) -> sp.Expr:
        """E[poly(x, q, K)]: condition on (x, q) for K, then replace moments of (x, q)."""
        poly = sp.expand(poly)
        K_moment = {0: 1, 1: mean_K, 2: second_K}
        conditional = sum(coef * K_moment[k] for (k,), coef in sp.Poly(poly, K).terms())
        # Moments of (x, q): E x = E q = p, E x^2 = nu1, E x q = c_prev, E q^2 = nu_prev.
        conditional = sp.expand(conditional)
        poly_xq = sp.Poly(conditional, x, q)
        moment = {(2, 0): nu1, (1, 1): c_prev, (0, 2): nu_prev, (1, 0): p, (0, 1): p, (0, 0): 1}
        return sp.expand(sum(coef * moment[mon] for mon, coef in poly_xq.terms()))

    nu_next = expect(((N * x + K) / (N + n)) ** 2)
    c_next = expect(x * (N * x + K) / (N + n))
    # The cross moment is a fixed point at nu1: c^(1) = E[x^2] = nu1 and c^(m) = c^(m-1) whenever c^(m-1) = nu1.
    if sp.simplify(c_next.subs(c_prev, nu1) - nu1) != 0:  # pragma: no cover - a failed derivation must not pass
        raise AssertionError(f"cross moment is not stationary: {c_next}")
    nu_next = sp.expand(nu_next.subs(c_prev, nu1))
    b = sp.simplify(nu_next.coeff(nu_prev))
    A = sp.simplify((nu_next - b * nu_prev).subs(nu1, nu1_value))
    return (
        ("nu1", nu1_value),
        ("A", A),
        ("beta", b),
        ("c_step", (sp.simplify(c_next.coeff(c_prev)), sp.simplify(c_next - c_next.coeff(c_prev) * c_prev))),
    )


def sum_over_tokens(expr: sp.Expr) -> sp.Expr:
    """Sum a per-token expression ``a + b p + c p^2`` over tokens: ``p -> 1`` and ``p^2 -> S_0``.

    Uses ``sum_i p_i = 1`` and ``sum_i p_i^2 = S_0``.  A term free of ``p`` would
    be multiplied by the vocabulary size, so it is rejected.

    Examples
    --------
    >>> sum_over_tokens(p / N + (1 - 1 / N) * p**2)  # S_1 = 1/N + (1 - 1/N) S_0
    S_0*(N - 1)/N + 1/N
    """
    poly = sp.Poly(sp.expand(expr), p)
    if poly.degree() > 2 or poly.coeff_monomial(1) != 0:
        raise ValueError(f"expr must be b p + c p^2 in p, got {expr}")
    return poly.coeff_monomial(p) + poly.coeff_monomial(p**2) * S0


@lru_cache(maxsize=1)
def partially_synthetic_nu() -> sp.Expr:
    """``nu^(m) = E[(p_i^(m))^2]`` for ``m >= 1``, solved from :func:`partially_synthetic_recursion`.

    Examples
    --------
    >>> sp.simplify(partially_synthetic_nu().subs(m, 1) - partially_synthetic_recursion()["nu1"])
    0
    """
    rec = partially_synthetic_recursion()
    k = sp.Symbol("k", integer=True, nonnegative=True)
    sol = solve_linear_recursion(rec["beta"], rec["A"], rec["nu1"], k)  # x_k = nu^(k+1)
    return sol.subs(k, m - 1)


def partially_synthetic_S() -> sp.Expr:
    """``S_m = sum_i nu_i^(m)``: replace ``p`` by ``1`` and ``p^2`` by ``S_0`` (linear in both).

    Examples
    --------
    >>> partially_synthetic_S().subs({N: 10, n: 10, S0: sp.Rational(1, 2), m: 2})
    449/800
    """
    return sum_over_tokens(partially_synthetic_nu())


def theorem2_S(sign: int = 1) -> sp.Expr:
    """Seddik et al. (2024), Theorem 2, eq. (9): ``S_{m+1}`` as a function of ``m``.

    ``sign = +1`` is the corrected formula; ``sign = -1`` is the one printed in
    v1 of the paper (``1 + alpha - (alpha / N) beta^m``), which does not solve
    the paper's own recursion.

    Examples
    --------
    >>> values = {N: 10, n: 10, S0: sp.Rational(1, 2), m: 1}
    >>> theorem2_S().subs(values), theorem2_S(-1).subs(values)  # S_2: as derived, as printed
    (449/800, 13757/24800)
    """
    if sign not in (1, -1):
        raise ValueError(f"sign must be +1 or -1, got {sign!r}")
    num = (1 / N) * (1 + 2 * alpha - (1 - 1 / N) * alpha * beta**m) + (1 - 1 / N) * S0 * (
        1 + alpha + sign * (alpha / N) * beta**m
    )
    return num / (1 + (1 + 1 / N) * alpha)


def stationary() -> dict[str, sp.Expr]:
    """Stationary values (``m -> infinity``) of the partially synthetic and fresh-real schemes (book's derivation).

    Returns
    -------
    dict
        ``"S_inf"``; ``"var_inf"``: per-token stationary variance of ``p_i^(m)``;
        ``"dev2_inf"``: ``E||p^(inf) - p^(1)||_2^2 = S_inf - S_1`` (because
        ``E[p^(m) | p^(1)] = p^(1)``); ``"fresh_var_inf"``: per-token stationary
        variance with fresh real data; ``"fresh_dev2_inf"``: ``E||p^(inf) - p^(1)||_2^2``
        with fresh real data.

    Examples
    --------
    >>> sp.factor(stationary()["S_inf"].subs({N: 10, n: 10}))
    (27*S_0 + 4)/31
    """
    return dict(_stationary())


@lru_cache(maxsize=1)
def _stationary() -> tuple[tuple[str, sp.Expr], ...]:
    """The cached computation behind ``stationary``."""
    rec = partially_synthetic_recursion()
    nu_inf = sp.simplify(rec["A"] / (1 - rec["beta"]))
    S_inf = sp.factor(sum_over_tokens(nu_inf))
    S1 = 1 / N + (1 - 1 / N) * S0
    fresh = sp.simplify(p * (1 - p) / ((N + n) * (1 - beta)))
    return (
        ("S_inf", S_inf),
        ("var_inf", sp.factor(sp.simplify(nu_inf - p**2))),
        ("dev2_inf", sp.factor(sp.simplify(S_inf - S1))),
        ("fresh_var_inf", sp.factor(fresh)),
        ("fresh_dev2_inf", sp.factor(sum_over_tokens(fresh + p * (1 - p) / N))),
    )


def fresh_real_variance() -> sp.Expr:
    """Per-token variance ``v^(m)`` of the fresh-real scheme, ``v^(m) = p(1-p)/(N+n) + beta v^(m-1)``, ``v^(1) = p(1-p)/N``.

    Examples
    --------
    >>> fresh_real_variance().subs(m, 1)
    p*(1 - p)/N
    """
    return p * (1 - p) * fresh_real_variance_ratio()


def fresh_real_variance_ratio() -> sp.Expr:
    """``v^(m) / (p(1-p))`` for the fresh-real scheme, written with ``beta^(m-1)`` (stable in floating point).

    Examples
    --------
    >>> fresh_real_variance_ratio().subs({N: 10, n: 10, m: 2})  # 1/20 + beta/10 with beta = 90/400
    29/400
    """
    k = sp.Symbol("k", integer=True, nonnegative=True)
    b = sp.Symbol("b", positive=True)  # stands for beta, so that beta^(m-1) stays one power
    fixed = 1 / ((N + n) * (1 - b))
    closed = fixed + b ** (m - 1) * (1 / N - fixed)  # in units of p(1-p); no overflow in floating point
    step = closed - (1 / (N + n) + b * closed.subs(m, m - 1))
    if sp.simplify(closed.subs(m, 1) - 1 / N) != 0 or sp.simplify(sp.powsimp(sp.expand(step))) != 0:
        raise AssertionError(f"{closed} does not solve the recursion")  # pragma: no cover
    return closed.subs(b, beta)


def fresh_real_deviation_first() -> sp.Expr:
    """``E[(p_i^(m) - p_i^(1))^2] = v^(m) + v^(1) - 2 alpha^(m-1) v^(1)`` for the fresh-real scheme.

    ``Cov(p_i^(m), p_i^(1)) = alpha Cov(p_i^(m-1), p_i^(1))`` because the new real
    corpus is independent of ``p^(1)`` and the synthetic part has conditional
    mean ``p^(m-1)``.

    Examples
    --------
    >>> fresh_real_deviation_first().subs(m, 1)  # p^(1) does not deviate from itself
    0
    """
    v1 = p * (1 - p) / N
    return fresh_real_variance() + v1 - 2 * alpha ** (m - 1) * v1


def tolerance_n(N_value: float, eta: float) -> float:
    """Largest ``n`` with ``E||p^(inf) - p^(1)||_2^2 <= eta E||p^(1) - p^(0)||_2^2`` (book's tolerance line).

    The ratio of the two sides is ``R = (1 - 1/N) alpha / (1 + (1 + 1/N) alpha)``,
    which is below ``1/2`` for every ``n``; returns ``inf`` when ``eta`` is never reached.

    Examples
    --------
    >>> round(tolerance_n(1000.0, 0.1), 3)
    125.172
    >>> tolerance_n(1000.0, 0.6)  # the ratio stays below 1/2
    inf
    """
    N_value = check_positive_float(N_value, "N_value")
    eta = check_fraction(eta, "eta")
    denom = (1 - 1 / N_value) - eta * (1 + 1 / N_value)
    if denom <= 0:
        return float("inf")
    a = eta / denom
    return float(a * N_value / (1 - a)) if a < 1 else float("inf")


def G_n(n_value: float, s: float) -> float:
    """The factor ``G_n(s)`` of Lemma 1 / Theorem 3 (Seddik et al. 2024), in the book's statement.

    ``C_1 s e^{C_0 n/(2e)}`` if ``C_0 n/e + 2 <= s``; ``C_1 s (C_0 n/s)^{s/2}`` if
    ``C_0 n/4 + 2 <= s < C_0 n/e + 2``; ``2^s - 2`` otherwise.

    Examples
    --------
    >>> G_n(10.0, 3.0)  # 2^s - 2 for small s
    6.0
    """
    n_value = check_positive_float(n_value, "n_value")
    s = check_positive_float(s, "s")
    if C0 * n_value / np.e + 2 <= s:
        return float(C1 * s * np.exp(C0 * n_value / (2 * np.e)))
    if C0 * n_value / 4 + 2 <= s:
        return float(C1 * s * (C0 * n_value / s) ** (s / 2))
    return float(2.0**s - 2)


def theorem3_bound(N_value: float, n_value: float, s: float) -> float:
    """Right-hand side of Theorem 3: ``E||p^(m) - p^(1)||_1 < (1/N) sqrt(pi n / 2) G_n(s)`` (any ``m >= 2``).

    Examples
    --------
    >>> round(theorem3_bound(100.0, 10.0, 3.0), 6)  # sqrt(5 pi) 6 / 100
    0.2378
    """
    N_value = check_positive_float(N_value, "N_value")
    n_value = check_positive_float(n_value, "n_value")
    return float(np.sqrt(np.pi * n_value / 2) * G_n(n_value, s) / N_value)


def corollary11_max_n(N_value: float, s: float, eps: float) -> float:
    """Corollary (11): ``n <= 2 pi e^{-2} min{s - 2, log(sqrt(2) pi N eps / (6 e s))}`` guarantees deviation ``< eps``.

    Returns the right-hand side (negative when no ``n >= 1`` is covered).

    Examples
    --------
    >>> round(corollary11_max_n(1e4, 5.0, 0.1), 4)
    2.551
    """
    N_value = check_positive_float(N_value, "N_value")
    s = check_positive_float(s, "s")
    eps = check_positive_float(eps, "eps")
    inner = np.sqrt(2) * np.pi * N_value * eps / (6 * np.e * s)
    return float(2 * np.pi * np.exp(-2) * min(s - 2, np.log(inner)))


def law_with_S0(s: int, support: int, S0_value: float) -> np.ndarray:
    """A distribution on ``s`` tokens with ``support`` non-zero entries ``p_i ∝ i^(-gamma)`` and ``sum p_i^2 = S0``.

    ``sum p_i^2`` increases continuously from ``1/support`` (``gamma = 0``) to 1
    (``gamma -> inf``), so ``gamma`` is the unique root, found by bisection to
    machine precision.

    Examples
    --------
    >>> p0 = law_with_S0(5, 3, 0.5)
    >>> p0.round(4).tolist(), round(float(p0 @ p0), 12)
    ([0.6611, 0.2218, 0.1171, 0.0, 0.0], 0.5)
    """
    s = check_positive_int(s, "s")
    support = check_positive_int(support, "support")
    S0_value = check_positive_float(S0_value, "S0_value")
    if support > s:
        raise ValueError(f"support must be at most s={s}, got {support}")
    if not 1 / support < S0_value < 1:
        raise ValueError(f"S0_value must lie in (1/support, 1) = ({1 / support:.4g}, 1), got {S0_value}")
    check_memory(8 * (s + 3 * support), f"s={s} tokens", "use fewer tokens")
    ranks = np.arange(1, support + 1, dtype=float)

    def law(gamma: float) -> np.ndarray:
        w = ranks ** (-gamma)
        return w / w.sum()

    gamma = brentq(lambda g: law(g) @ law(g) - S0_value, 0.0, 60.0, xtol=1e-14, rtol=1e-15)
    out = np.zeros(s)
    out[:support] = law(gamma)
    return out


def random_past_V(generations: int, n_value: int) -> np.ndarray:
    """Variance of the reference average ``qbar_m = (1/m) sum_{t<m} p_i^(t)`` in units of ``p_i(1-p_i)``.

    Book's derivation for the "random past" scheme: ``1 - V_{m+1} = (1 - V_m)(1 - 1/(n (m+1)^2))``,
    ``V_1 = 0``.  The per-token variance of ``p^(m)`` is ``1/n + (1 - 1/n) V_m``, so
    ``S_m = S_0 + (1 - S_0)(1/n + (1 - 1/n) V_m)`` and, for ``m >= 2``,
    ``E||p^(m) - p^(1)||_2^2 = (1 - S_0)(1/n + (1 - 1/n) V_m)``.  Returns ``V_0..V_generations`` (``V_0 := 0``).

    Examples
    --------
    >>> random_past_V(3, 10).round(6).tolist()  # V_3 = 1 - (1 - 1/40)(1 - 1/90)
    [0.0, 0.0, 0.025, 0.035833]
    """
    generations = check_positive_int(generations, "generations")
    n_value = check_positive_int(n_value, "n_value")
    check_memory(8 * 3 * generations, f"generations={generations}", "use fewer generations")
    k = np.arange(2, generations + 1, dtype=float)
    survive = np.concatenate([[1.0, 1.0], np.cumprod(1 - 1 / (n_value * k**2))])
    return 1 - survive


def random_past_V_limit() -> sp.Expr:
    """``V_inf = 1 - prod_{k>=2} (1 - 1/(n k^2)) = 1 - sin(pi/sqrt(n)) / ((pi/sqrt(n)) (1 - 1/n))``.

    Examples
    --------
    >>> v = random_past_V_limit().subs(n, 4)
    >>> v, round(float(v), 6)
    (1 - 8/(3*pi), 0.151174)
    """
    x = 1 / sp.sqrt(n)
    return 1 - sp.sin(sp.pi * x) / (sp.pi * x * (1 - x**2))


def accumulate_V(generations: int, n_value: int, N_value: int) -> np.ndarray:
    """Per-token variance of ``p_i^(m)`` in the "accumulate" scheme, in units of ``p_i(1-p_i)``.

    Book's derivation: with ``A_m = N + (m-1) n`` samples in the training set of ``p^(m)``,
    ``1 - V_{m+1} = (1 - V_m)(1 - n / A_{m+1}^2)`` and ``V_1 = 1/N``.  Returns ``V_0..V_generations`` (``V_0 = 0``).

    Examples
    --------
    >>> accumulate_V(3, 10, 10).round(6).tolist()  # V_1 = 1/N
    [0.0, 0.1, 0.1225, 0.13225]
    """
    generations = check_positive_int(generations, "generations")
    n_value = check_positive_int(n_value, "n_value")
    N_value = check_positive_int(N_value, "N_value")
    check_memory(8 * 3 * generations, f"generations={generations}", "use fewer generations")
    sizes = N_value + np.arange(1, generations, dtype=float) * n_value  # A_2 .. A_generations
    survive = (1 - 1 / N_value) * np.cumprod(1 - n_value / sizes**2)
    return 1 - np.concatenate([[1.0, 1 - 1 / N_value], survive])


def _most_recent_step(W: np.ndarray, per_model: int) -> np.ndarray:
    """Map the heterozygosity matrix ``W`` of the window (oldest first) to the matrix of the next window.

    The new model is fitted on ``j = per_model`` samples of each of the ``L`` models of
    the window: ``H(new, t) = (1/L) sum_u H(u, t)`` and
    ``H(new, new) = (1/L^2) sum_{u,u'} H(u, u') - (1/(L^2 j)) sum_u H(u, u)``.
    The returned matrix has one more row and column than ``W``.
    """
    L = W.shape[0]
    out = np.empty((L + 1, L + 1))
    out[:L, :L] = W
    out[-1, :L] = out[:L, -1] = W.mean(axis=0)
    out[-1, -1] = W.mean() - np.trace(W) / (L**2 * per_model)
    return out


def most_recent_h(generations: int, n_value: int, window: int) -> np.ndarray:
    """``h_m = (1 - S_m) / (1 - S_0)`` for the "most recent ``K``" scheme (book's derivation), ``m = 0..generations``.

    Write ``H(t, u) = 1 - sum_i E[p_i^(t) p_i^(u)]``.  A model fitted on
    ``j = floor(n/K)`` fresh samples of each of the last ``K_m = min(m, K)`` models has
    conditional mean the average of those models, whence the linear map of
    ``_most_recent_step``.  The truth ``p^(0)`` is deterministic, so
    ``H(0, .) = 1 - S_0`` and every ``H`` is ``(1 - S_0)`` times a number that
    depends on ``n`` and ``K`` only.

    Examples
    --------
    >>> most_recent_h(3, 10, 1).round(6).tolist()  # K = 1: fully synthetic, (1 - 1/n)^m
    [1.0, 0.9, 0.81, 0.729]
    >>> most_recent_h(3, 10, 2).round(6).tolist()
    [1.0, 0.8, 0.86, 0.782]
    """
    generations = check_positive_int(generations, "generations")
    n_value = check_positive_int(n_value, "n_value")
    window = check_positive_int(window, "window")
    if window > n_value:
        raise ValueError(f"window must be at most n_value={n_value}, got {window}")
    check_work(generations * (3 * window**2 + 200), f"generations={generations} x window={window}^2", "use fewer generations or a smaller window")
    per_model = n_value // window
    W = np.ones((1, 1))  # H(0, 0) in units of 1 - S_0
    h = [1.0]
    for _ in range(generations):
        W = _most_recent_step(W, per_model)[-window:, -window:]
        h.append(W[-1, -1])
    return np.array(h)


def most_recent_n_eff(n_value: int, window: int) -> float:
    """Effective sample size ``1 / (1 - lambda)`` of the "most recent ``K``" scheme (book's derivation).

    ``lambda`` is the largest eigenvalue of the linear map of a full window's
    ``K x K`` symmetric heterozygosity matrix; in the long run ``1 - S_m`` decays
    like ``lambda^m``, as in the fully synthetic chain with ``n_eff`` samples
    (``n_eff = n`` for ``K = 1``).

    Examples
    --------
    >>> round(most_recent_n_eff(10, 1), 6), round(most_recent_n_eff(10, 2), 4)  # n_eff = n for K = 1
    (10.0, 23.0413)
    """
    n_value = check_positive_int(n_value, "n_value")
    window = check_positive_int(window, "window")
    if window > n_value:
        raise ValueError(f"window must be at most n_value={n_value}, got {window}")
    size = window * (window + 1) // 2
    check_memory(8 * 3 * size**2, f"window={window}: a {size} x {size} matrix", "use a smaller window")
    check_work(size * (window**2 + 100) + 10 * size**3, f"window={window}: eigenvalues of a {size} x {size} matrix", "use a smaller window")
    per_model = n_value // window
    pairs = [(i, j) for i in range(window) for j in range(i, window)]
    M = np.zeros((len(pairs), len(pairs)))
    for col, (i, j) in enumerate(pairs):
        W = np.zeros((window, window))
        W[i, j] = W[j, i] = 1.0
        out = _most_recent_step(W, per_model)[1:, 1:]
        M[:, col] = [out[a, b] for a, b in pairs]
    lam = float(np.max(np.abs(np.linalg.eigvals(M))))
    return 1 / (1 - lam)


# ---------------------------------------------------------------------------------------------
# Theorem 4 (the zeta / varphi(zeta) bound), the no-collapse bound and the book's deviation bound
# ---------------------------------------------------------------------------------------------

#: Argument ``x`` of ``varphi`` (Lemma 1) and ``Lambda_1 = E max_A p^(1)(A) p^(1)(A^c)`` (Theorem 4).
x = sp.Symbol("x", positive=True)
Lambda1 = sp.Symbol("Lambda_1", nonnegative=True)
#: ``R = sum_i sqrt(p_i (1 - p_i))``, the spread of ``p^(0)`` that the book's deviation bound uses.
R = sp.Symbol("R", positive=True)


def varphi() -> sp.Expr:
    """``varphi(x) = ln((1 - x) / x) / (1 - 2x)`` on ``(0, 1/2)`` (Seddik et al. 2024, Lemma 1; Mardia et al. 2020).

    It decreases from ``+inf`` to its limit ``varphi(1/2) = 2``; :func:`varphi_value`
    evaluates it with that limit filled in.

    Examples
    --------
    >>> varphi().subs(x, sp.Rational(1, 4))
    2*log(3)
    """
    return sp.log((1 - x) / x) / (1 - 2 * x)


def varphi_value(x_value: object) -> np.ndarray:
    """NumPy value of :func:`varphi` for ``x`` in ``(0, 1/2]``, with ``varphi(1/2) = 2``.

    Near ``1/2`` the series ``varphi(1/2 - d) = 2 + (8/3) d^2 + O(d^4)`` replaces the
    ``0/0`` quotient.

    Examples
    --------
    >>> varphi_value([0.25, 0.5]).round(6).tolist()  # 2 log 3 and the limit 2
    [2.197225, 2.0]
    """
    xv = check_array(x_value, "x_value", high=0.5)
    if np.any(xv <= 0):
        raise ValueError(f"x_value must lie in (0, 1/2], smallest entry is {xv.min():g}")
    d = 0.5 - xv
    near = d < 1e-4
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = np.log((1 - xv) / xv) / (1 - 2 * xv)
    return np.where(near, 2 + 8 / 3 * d**2, exact)


def most_balanced_split(counts: object) -> np.ndarray:
    """``pi_q = max_A min{q(A), 1 - q(A)}`` for histograms ``q = counts / total`` (Seddik et al. 2024, eq. 12).

    ``pi_q`` is the mass of the subset of tokens closest to one half; since
    ``u (1 - u)`` increases on ``[0, 1/2]``, also ``max_A q(A) q(A^c) = pi_q (1 - pi_q)``.
    For integer counts the attainable masses are found by a subset-sum recursion
    over the tokens (exact, ``O(s x total)`` per histogram).

    Parameters
    ----------
    counts : array_like of int, shape (s,) or (replicas, s)
        Token counts of one or several histograms with the same total.

    Returns
    -------
    ndarray, shape () or (replicas,)
        ``pi_q`` for each histogram.

    Examples
    --------
    >>> most_balanced_split([[5, 1, 0], [3, 2, 1]]).round(4).tolist()  # {1} has 1/6; {3} or {2, 1} has 1/2
    [0.1667, 0.5]
    """
    c = np.asarray(counts)
    if c.ndim not in (1, 2) or c.size == 0 or not np.issubdtype(c.dtype, np.number):
        raise ValueError(f"counts must be a non-empty 1-D or 2-D array of counts, got shape {c.shape}")
    if np.any(c < 0) or np.any(c != np.round(c)):
        raise ValueError("counts must be non-negative integers")
    c2 = np.atleast_2d(c).astype(np.int64)
    totals = c2.sum(axis=1)
    if np.any(totals != totals[0]) or totals[0] == 0:
        raise ValueError("counts must have the same positive total in every row")
    total = int(totals[0])
    rows, s = c2.shape
    check_memory(8 * 3 * rows * (total + 1), f"{rows} histograms x a total of {total} counts", "use smaller counts")
    check_work(2 * rows * s * (total + 1), f"{rows} histograms x {s} tokens x a total of {total} counts", "use smaller counts")
    j = np.arange(total + 1)
    reach = np.zeros((c2.shape[0], total + 1), dtype=bool)
    reach[:, 0] = True
    for col in c2.T:  # reach[r, k]: some subset of the tokens seen so far has k counts
        idx = j[None, :] - col[:, None]
        reach |= np.take_along_axis(reach, np.clip(idx, 0, None), axis=1) & (idx >= 0)
    best = np.where(reach & (2 * j <= total)[None, :], j, -1).max(axis=1)
    out = best / total
    return out[0] if c.ndim == 1 else out


def theorem4_zeta(corrected: bool = False) -> sp.Expr:
    """``zeta`` of Theorem 4 (Seddik et al. 2024, App. B.3) as a function of ``Lambda_1``, ``N`` and ``n``.

    ``zeta = 1/2 - (1/2 - 2 Lambda_1) (N / (N + n))^2`` as printed.  The step of the
    proof that produces it bounds ``E max_A p^(k+1)(A) p^(k+1)(A^c)`` by
    ``(1 - alpha)^2 Lambda_1 + alpha^2/4 + alpha (1 - alpha)`` and then rewrites this
    as ``1/4 - (1/4 - Lambda_1)(1 - alpha)^2``, which drops ``alpha (1 - alpha)/2``
    (:func:`theorem4_zeta_step`).  ``corrected=True`` returns twice the bound
    actually proved, ``zeta + alpha (1 - alpha)`` (cap it at ``1/2``: ``pi_q <= 1/2``).

    Examples
    --------
    >>> theorem4_zeta().subs({Lambda1: 0, N: 10, n: 10})
    3/8
    >>> theorem4_zeta(corrected=True).subs({Lambda1: 0, N: 10, n: 10})
    5/8
    """
    zeta = sp.Rational(1, 2) - (sp.Rational(1, 2) - 2 * Lambda1) * (N / (N + n)) ** 2
    return zeta + alpha * (1 - alpha) if corrected else zeta


def theorem4_zeta_step() -> dict[str, sp.Expr]:
    """Derive the bound on ``E max_A p^(k+1)(A) p^(k+1)(A^c)`` in the proof of Theorem 4.

    With ``a = p^(1)(A)``, ``b = p_hat^(k)(A)`` and ``p^(k+1) = (1 - alpha) p^(1) + alpha p_hat^(k)`` (eq. 17),
    ``P (1 - P)`` with ``P = p^(k+1)(A)`` expands into ``(1-alpha)^2 a(1-a) + alpha^2 b(1-b) + alpha(1-alpha)(a + b - 2ab)``;
    bounding ``a(1-a) <= Lambda``, ``b(1-b) <= 1/4`` and ``a + b - 2ab <= 1`` gives ``"proved"``.

    Returns
    -------
    dict
        ``"expansion"`` (the three-term identity, checked), ``"proved"`` (the bound in
        ``Lambda_1``), ``"printed"`` (``1/4 - (1/4 - Lambda_1)(1 - alpha)^2``) and
        ``"gap"`` (``proved - printed``, equal to ``alpha (1 - alpha) / 2``).

    Examples
    --------
    >>> theorem4_zeta_step()["gap"]  # alpha (1 - alpha) / 2
    N*n/(2*(N + n)**2)
    """
    a_, b_, al = sp.symbols("a b alpha_", nonnegative=True)
    P = (1 - al) * a_ + al * b_
    three = (1 - al) ** 2 * a_ * (1 - a_) + al**2 * b_ * (1 - b_) + al * (1 - al) * (a_ + b_ - 2 * a_ * b_)
    if sp.expand(P * (1 - P) - three) != 0:  # pragma: no cover - a failed derivation must not pass
        raise AssertionError("the convex-combination expansion does not hold")
    proved = ((1 - al) ** 2 * Lambda1 + al**2 / 4 + al * (1 - al)).subs(al, alpha)
    printed = sp.Rational(1, 4) - (sp.Rational(1, 4) - Lambda1) * (1 - alpha) ** 2
    return {"expansion": three, "proved": proved, "printed": printed, "gap": sp.factor(sp.simplify(proved - printed))}


def theorem4_bound(N_value: float, n_value: float, s: float, zeta: float) -> float:
    """Right-hand side of Theorem 4, eq. (16): ``(1/N) sqrt(n pi / varphi(zeta)) G_n(s)``.

    With ``varphi(zeta) >= 2`` this is at most Theorem 3's bound (:func:`theorem3_bound`),
    with equality at ``zeta = 1/2``.

    Examples
    --------
    >>> theorem4_bound(100.0, 10.0, 3.0, 0.5) == theorem3_bound(100.0, 10.0, 3.0)
    True
    >>> round(theorem4_bound(100.0, 10.0, 3.0, 0.25), 6)
    0.226876
    """
    N_value = check_positive_float(N_value, "N_value")
    n_value = check_positive_float(n_value, "n_value")
    zeta = check_real(zeta, "zeta", low=0.0, high=0.5, low_open=True)
    return float(np.sqrt(n_value * np.pi / varphi_value(zeta)) * G_n(n_value, s) / N_value)


def no_collapse_gamma() -> sp.Expr:
    """``gamma`` of the no-collapse bound ``S_m < 1 - gamma`` (Seddik et al. 2024, App. B.3, after Theorem 2).

    Strict for ``n >= 2``; for ``n = 1``, ``beta = 0`` and ``S_m = 1 - gamma`` from ``m = 2`` on.

    ``gamma = (1 - 1/N)(1 + alpha)(1 - S_0) / (1 + (1 + 1/N) alpha)``; ``1 - gamma`` is the
    stationary value ``S_inf`` of :func:`stationary`.  For ``N >= 2`` it lies in
    ``[(1 + alpha)(1 - S_0)/(2 + 3 alpha), 1 - S_0)`` (:func:`no_collapse_gamma_floor`).

    Examples
    --------
    >>> 1 - no_collapse_gamma().subs({N: 10, n: 10, S0: sp.Rational(1, 2)})  # = S_inf at S_0 = 1/2
    35/62
    """
    return (1 - 1 / N) * (1 + alpha) * (1 - S0) / (1 + (1 + 1 / N) * alpha)


def no_collapse_gamma_floor() -> sp.Expr:
    """The smallest ``gamma`` over ``N >= 2``: ``(1 + alpha)(1 - S_0) / (2 + 3 alpha)`` (``N = 2``), in terms of ``alpha``.

    Examples
    --------
    >>> no_collapse_gamma_floor().subs(S0, 0)
    (alpha + 1)/(3*alpha + 2)
    """
    a_ = sp.Symbol("alpha", positive=True)
    return (1 + a_) * (1 - S0) / (2 + 3 * a_)


def deviation_bound_step() -> dict[str, sp.Expr]:
    """The recursion behind the book's deviation bound, solved (proof of Theorem 3, eq. 18, with an elementary step).

    The proof of Theorem 4 gives ``u_{k+1} <= alpha (c + u_k)``, ``u_1 = 0``, for
    ``u_k = E||p^(k) - p^(1)||_1`` and any ``c >= E||p_hat^(k) - p^(k)||_1``.  Solving
    the equality gives ``u_{k+1} = c alpha (1 - alpha^k) / (1 - alpha) < c n / N``.
    The book takes ``c = sqrt((1 - 1/N)/n) R`` with ``R = sum_i sqrt(p_i (1 - p_i))``
    (Jensen on each binomial coordinate, then ``Var p_i^(k) >= Var p_i^(1)``).

    Returns
    -------
    dict
        ``"u"`` (``u_{k+1}`` as a function of ``k`` and ``c``), ``"limit"`` (``k -> oo``),
        ``"gap"`` (``limit - u = c alpha^(k+1) / (1 - alpha) > 0``), ``"c"`` and ``"k"`` (the symbols),
        ``"mad"`` (``E (p_hat_i - q)^2`` for ``n p_hat_i ~ Bin(n, q)``, from the moment generating function).

    Examples
    --------
    >>> deviation_bound_step()["limit"]  # c alpha / (1 - alpha)
    c*n/N
    """
    c, q = sp.symbols("c q", positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    # u_{k+1} = alpha (c + u_k) with u_1 = 0: index j = k - 1 >= 0.
    j = sp.Symbol("j", integer=True, nonnegative=True)
    u = solve_linear_recursion(alpha, alpha * c, sp.Integer(0), j).subs(j, k)
    closed = c * alpha * (1 - alpha**k) / (1 - alpha)
    if sp.simplify(u - closed) != 0:  # pragma: no cover - a failed derivation must not pass
        raise AssertionError(f"rsolve gave {u}")
    limit = sp.simplify(c * alpha / (1 - alpha))  # alpha^k -> 0 since 0 < alpha < 1
    mean_K, second_K = _binomial_moments(n, q)
    mad = sp.simplify(second_K / n**2 - 2 * q * mean_K / n + q**2)
    return {"u": closed, "limit": limit, "gap": sp.simplify(limit - closed), "mad": sp.factor(mad), "c": c, "k": k}


def deviation_bounds() -> dict[str, sp.Expr]:
    """The book's bounds on ``E||p^(m) - p^(1)||_1``, ``m >= 2``, in the partially synthetic scheme.

    ``"p"``: ``sqrt(n (1 - 1/N)) R / N`` (the paper's proof of Theorem 3 with the
    elementary step of :func:`deviation_bound_step`); ``"S0"``: ``sqrt(n s~ (1 - S_0)) / N``
    and ``"support"``: ``sqrt(n (s~ - 1)) / N``, each larger than the one before
    (Cauchy-Schwarz ``R <= sqrt(s~ (1 - S_0))`` and ``S_0 >= 1/s~``).  ``"l2"``:
    ``sqrt(alpha (1 - 1/N) / (N D)) R`` with ``D = 1 + (1 + 1/N) alpha``, from the exact
    second moments of :func:`stationary` instead of the triangle inequality; it stays
    bounded as ``n -> oo``.  ``R = sum_i sqrt(p_i (1 - p_i))`` (:func:`root_spread`).

    Examples
    --------
    >>> deviation_bounds()["p"]
    R*sqrt(n)*sqrt(1 - 1/N)/N
    """
    D = 1 + (1 + 1 / N) * alpha
    return {
        "p": sp.sqrt(n * (1 - 1 / N)) * R / N,
        "S0": sp.sqrt(n * s_tilde * (1 - S0)) / N,
        "support": sp.sqrt(n * (s_tilde - 1)) / N,
        "l2": sp.sqrt(alpha * (1 - 1 / N) / (N * D)) * R,
    }


def root_spread(p0: object) -> float:
    """``R = sum_i sqrt(p_i (1 - p_i))`` of a distribution (the constant of :func:`deviation_bounds`).

    Examples
    --------
    >>> root_spread([0.5, 0.5]), round(root_spread([0.9, 0.1]), 6)
    (1.0, 0.6)
    """
    p0 = check_probs(p0, "p0")
    return float(np.sqrt(p0 * (1 - p0)).sum())


# -- NumPy twins for explorers (no SymPy at run time; tests/test_theory_mixing.py checks them on a grid) --


def theorem2_S_np(m: object, N: object, n: object, S0: object) -> np.ndarray:
    """NumPy twin of :func:`theorem2_S` (corrected, ``sign = +1``): ``S_{m+1}`` as a function of ``m``.

    Examples
    --------
    >>> theorem2_S_np([0, 1], 10, 10, 0.5).round(6).tolist()  # S_1 and S_2 = 449/800
    [0.55, 0.56125]
    """
    m, N, n, S0 = (np.asarray(v, dtype=float) for v in (m, N, n, S0))
    a = n / (N + n)
    b = n * (n - 1) / (N + n) ** 2
    bm = b**m
    num = (1 / N) * (1 + 2 * a - (1 - 1 / N) * a * bm) + (1 - 1 / N) * S0 * (1 + a + (a / N) * bm)
    return num / (1 + (1 + 1 / N) * a)


def fresh_real_variance_ratio_np(m: object, N: object, n: object) -> np.ndarray:
    """NumPy twin of :func:`fresh_real_variance_ratio`: ``v^(m) / (p(1-p))`` of the fresh-real scheme.

    Examples
    --------
    >>> fresh_real_variance_ratio_np([1, 2], 10, 10).round(6).tolist()
    [0.1, 0.0725]
    """
    m, N, n = (np.asarray(v, dtype=float) for v in (m, N, n))
    b = n * (n - 1) / (N + n) ** 2
    fixed = 1 / ((N + n) * (1 - b))
    return fixed + b ** (m - 1) * (1 / N - fixed)


__all__ += ["fresh_real_variance_ratio_np", "theorem2_S_np"]
