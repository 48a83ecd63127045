"""Closed forms for retraining a Gaussian on real plus synthetic data (the book's own analysis).

Bertrand et al. (2024) prove local stability of iterative retraining when
``lambda (1 + L eps / kappa) < 1/2`` (:func:`bertrand_condition`,
:func:`bertrand_factor`).  The other formulas here are exact results for the
Gaussian models of :func:`collapse_utils.stability.simulate_retraining`, derived
by the book: ``N`` real and ``M = lambda N`` synthetic samples per generation,
and the infinite-sample retraining map (:func:`population_map`), which contracts
by ``lambda / (1 + lambda)`` for every ``lambda``.

Every second moment is computed by :func:`expect`, which expands a polynomial
in independent zero-mean noises and replaces ``E[eps^2]`` by its variance.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy as sp

from .symbols import N, ratio, t
from .symbols import sigma_star as sigma  # the true standard deviation sigma_*

__all__ = [
    "L",
    "N",
    "bertrand_condition",
    "bertrand_factor",
    "contraction_factor",
    "eps",
    "expect",
    "kappa",
    "ratio",
    "mean_only_error",
    "mean_only_error_np",
    "mean_variance_recursion",
    "mean_variance_recursion_np",
    "population_map",
    "sigma",
    "stationary",
]

#: Real samples ``N``, synthetic-to-real ratio ``lambda = M / N`` (the SymPy symbol ``ratio``, which prints as lambda
#: but is a different symbol from the real fraction ``theory.symbols.lam``), true standard deviation ``sigma*``, generation ``t``:
#: all from :mod:`collapse_utils.theory.symbols`.

#: Constants of Bertrand et al. (2024): strong concavity ``kappa`` (their ``alpha``), Lipschitz constant ``L``
#: of ``x -> Hessian_theta log p_theta(x)``, and ``eps >= W_1(p_theta*, p_data)``.
kappa = sp.Symbol("kappa", positive=True)
L = sp.Symbol("L", nonnegative=True)
eps = sp.Symbol("varepsilon", nonnegative=True)


def expect(expr: sp.Expr, variances: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    """``E[expr]`` for a polynomial in independent zero-mean noises with the given variances.

    Examples
    --------
    >>> e1, e2 = sp.symbols("e1 e2", real=True)
    >>> v = sp.Symbol("v", positive=True)
    >>> expect((e1 + 2 * e2 + 1) ** 2, {e1: 1, e2: v})  # 1 + E e1^2 + 4 E e2^2
    4*v + 2
    """
    poly = sp.Poly(sp.expand(expr), *variances)
    total = sp.Integer(0)
    for powers, coeff in poly.terms():
        if any(p % 2 for p in powers):
            continue  # odd moments of zero-mean symmetric noises vanish
        if any(p > 2 for p in powers):
            raise ValueError("expect handles second moments only")
        term = coeff
        for sym, p in zip(variances, powers):
            if p == 2:
                term *= variances[sym]
        total += term
    return sp.simplify(total)


def contraction_factor() -> sp.Expr:
    """``alpha = lambda / (1 + lambda)``: ``E[mu_{t+1} - mu* | mu_t] = alpha (mu_t - mu*)`` (both schemes).

    ``alpha`` is the synthetic share ``M / (N + M)`` of each generation's sample.

    Examples
    --------
    >>> contraction_factor().subs(ratio, 1)  # as much synthetic as real data: the error halves
    1/2
    """
    e = sp.Symbol("e_t", real=True)
    # mu_{t+1} - mu* = (N eps_r + M (e_t + eps_s)) / (N + M); the noises have mean zero
    mean_next = ratio * N * e / (N + ratio * N)
    return sp.simplify(mean_next / e)


def mean_only_error(real: str = "fresh") -> dict[str, sp.Expr]:
    """Mean-only model: recursion and solution of ``E (mu_t - mu*)^2``.

    Returns a dict with ``"a2"`` and ``"b"`` (``E e_{t+1}^2 = a2 E e_t^2 + b``),
    ``"stationary"`` and ``"solution"`` (generation 0 fitted on ``N`` real samples).
    For ``real="fixed"`` the error is split as ``e_t = r + d_t`` where ``r`` is the
    error of the fixed real sample and ``d_t`` the distance to it.

    Examples
    --------
    >>> err = mean_only_error("fresh")
    >>> err["stationary"].subs({sigma: 1, ratio: 1})  # 2 / (3 N)
    2/(3*N)
    >>> mean_only_error("fixed")["stationary"].subs({sigma: 1, ratio: 1})
    4/(3*N)
    """
    e, er, es = sp.symbols("e_t epsilon_r epsilon_s", real=True)
    a = contraction_factor()
    M = ratio * N
    if real == "fresh":
        e_next = (N * er + M * (e + es)) / (N + M)
        second = expect(e_next**2 - a**2 * e**2, {er: sigma**2 / N, es: sigma**2 / M})
        a2, b, start = a**2, second, sigma**2 / N
        stat = sp.simplify(b / (1 - a2))
        sol = sp.simplify(stat + a2**t * (start - stat))
    elif real == "fixed":
        d_next = M * (e + es) / (N + M)  # here e is d_t, the distance to the real-sample mean
        b = expect(d_next**2 - a**2 * e**2, {es: sigma**2 / M})
        a2, start = a**2, sp.Integer(0)
        stat_d = sp.simplify(b / (1 - a2))
        stat = sp.simplify(sigma**2 / N + stat_d)
        sol = sp.simplify(sigma**2 / N + stat_d * (1 - a2**t))
    else:
        raise ValueError(f"real must be 'fresh' or 'fixed', got {real!r}")
    return {"a2": sp.simplify(a2), "b": sp.simplify(b), "stationary": stat, "solution": sol}


def mean_variance_recursion(real: str = "fresh") -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    """Mean-and-variance model: ``x_{t+1} = A x_t + b`` for ``x_t = (E e_t^2, E sigma_t^2)``, and ``x_0``.

    For ``real="fresh"``, ``e_t = mu_t - mu*``; for ``real="fixed"``, ``e_t`` is
    the distance ``mu_t - rbar`` to the mean of the fixed real sample (whose own
    error adds ``sigma*^2 / N``).  Variances are maximum-likelihood (divisor
    ``N + M``); the fixed real sample's ML variance has mean ``(1 - 1/N) sigma*^2``.

    Examples
    --------
    >>> A, b, x0 = mean_variance_recursion("fresh")
    >>> A.subs(ratio, 0), b.subs({ratio: 0, sigma: 1}).T  # no synthetic data: fit on the real data alone
    (Matrix([
    [0, 0],
    [0, 0]]), Matrix([[1/N, (N - 1)/N]]))
    """
    M = ratio * N
    e, s2, er, es = sp.symbols("e_t s_t^2 epsilon_r epsilon_s", real=True)
    noise = {er: sigma**2 / N, es: s2 / M}
    if real == "fresh":
        e_next = (N * er + M * (e + es)) / (N + M)
        gap = er - e - es  # rbar - sbar
        ss_real = (N - 1) * sigma**2  # E of the real sum of squared deviations
        x0 = sp.Matrix([sigma**2 / N, (1 - 1 / N) * sigma**2])
    elif real == "fixed":
        e_next = M * (e + es) / (N + M)
        gap = -e - es
        ss_real = (N - 1) * sigma**2  # N S_r, averaged over the fixed sample (the recursion is linear in S_r)
        x0 = sp.Matrix([0, (1 - 1 / N) * sigma**2])
    else:
        raise ValueError(f"real must be 'fresh' or 'fixed', got {real!r}")
    second_e = sp.expand(expect(e_next**2, {**noise}))
    var_next = sp.expand((ss_real + (M - 1) * s2 + N * M / (N + M) * expect(gap**2, {**noise})) / (N + M))
    rows = [second_e, var_next]
    A = sp.Matrix([[sp.simplify(r.coeff(e**2)), sp.simplify(r.coeff(s2))] for r in rows])
    b = sp.Matrix([sp.simplify(r.subs({e: 0, s2: 0})) for r in rows])
    return A, b, x0


def stationary(A: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
    """Fixed point ``(I - A)^-1 b`` of ``x -> A x + b``.

    Examples
    --------
    >>> stationary(sp.Matrix([[sp.Rational(1, 2)]]), sp.Matrix([1]))  # x = x / 2 + 1
    Matrix([[2]])
    """
    return sp.simplify((sp.eye(A.shape[0]) - A).LUsolve(b))


def bertrand_factor() -> sp.Expr:
    """Contraction factor ``lambda (kappa + eps L) / (kappa - lambda (kappa + eps L))`` (Bertrand et al. 2024).

    The local Lipschitz constant of the retraining map near ``theta*`` under
    their three assumptions (``kappa`` is their ``alpha``).  It is below one
    exactly when :func:`bertrand_condition` holds.

    Examples
    --------
    >>> bertrand_factor().subs({L: 0, ratio: sp.Rational(1, 4)})  # below one while lambda (1 + L eps / kappa) < 1/2
    1/3
    """
    c = kappa + eps * L
    return ratio * c / (kappa - ratio * c)


def bertrand_condition() -> sp.Expr:
    """Bertrand et al.'s sufficient condition for local stability: ``lambda (1 + L eps / kappa) < 1/2``.

    Examples
    --------
    >>> bertrand_condition().subs({L: 0, ratio: sp.Rational(1, 4)}), bertrand_condition().subs({L: 0, ratio: 1})
    (True, False)
    """
    return sp.StrictLessThan(ratio * (1 + L * eps / kappa), sp.Rational(1, 2))


def population_map(model: str = "mean-variance") -> dict[str, sp.Matrix]:
    """Derive the infinite-sample retraining map of a Gaussian from the objective and its Jacobian at the data.

    Generation ``t + 1`` maximises ``E_data log p_theta + lambda E_{p_theta_t} log p_theta``
    with data ``N(mu*, sigma*^2)`` (``mu* = 0``) and ``p_theta = N(mu, v)``; for a Gaussian
    ``q``, ``E_q log N(x; mu, v) = -log(2 pi v)/2 - (Var q + (E q - mu)^2) / (2 v)``.
    The stationarity conditions are solved for ``theta_{t+1}`` and differentiated
    with respect to ``theta_t`` at the fixed point ``theta* = (0, sigma*^2)``.

    Parameters
    ----------
    model : {"mean", "mean-variance"}
        Fit the mean only (``v = sigma*^2`` known) or both parameters.

    Returns
    -------
    dict
        ``"map"``: ``theta_{t+1}`` as a column; ``"jacobian"`` at ``theta*``;
        ``"hessian"``: the Hessian of ``E_data log p_theta`` at ``theta*`` (its
        smallest eigenvalue in absolute value is the strong concavity ``kappa``).

    Examples
    --------
    >>> population_map("mean")["jacobian"].subs(ratio, 1)
    Matrix([[1/2]])
    >>> population_map()["jacobian"].subs(ratio, 3)  # contracts by lambda / (1 + lambda)
    Matrix([
    [3/4,   0],
    [  0, 3/4]])
    """
    mu, v, mu_t, v_t = sp.symbols("mu v mu_t v_t", real=True)
    v_pos = sp.Symbol("v", positive=True)

    def expected_loglik(mean: sp.Expr, var: sp.Expr, vv: sp.Expr) -> sp.Expr:
        return -sp.log(2 * sp.pi * vv) / 2 - (var + (mean - mu) ** 2) / (2 * vv)

    if model == "mean":
        J = expected_loglik(0, sigma**2, sigma**2) + ratio * expected_loglik(mu_t, sigma**2, sigma**2)
        mu_next = sp.solve(sp.diff(J, mu), mu)[0]
        new = sp.Matrix([mu_next])
        old = sp.Matrix([mu_t])
        at = {mu_t: 0}
        hess = sp.Matrix([[sp.diff(expected_loglik(0, sigma**2, sigma**2), mu, 2)]])
    elif model == "mean-variance":
        J = expected_loglik(0, sigma**2, v_pos) + ratio * expected_loglik(mu_t, v_t, v_pos)
        mu_next = sp.solve(sp.diff(J, mu), mu)[0]
        v_next = sp.solve(sp.diff(J, v_pos).subs(mu, mu_next), v_pos)[0]
        new = sp.Matrix([mu_next, v_next])
        old = sp.Matrix([mu_t, v_t])
        at = {mu_t: 0, v_t: sigma**2}
        data = expected_loglik(0, sigma**2, v)
        hess = sp.hessian(data, (mu, v)).subs({mu: 0, v: sigma**2})
    else:
        raise ValueError(f"model must be 'mean' or 'mean-variance', got {model!r}")
    jac = sp.simplify(new.jacobian(old).subs(at))
    return {"map": sp.simplify(new), "jacobian": jac, "hessian": sp.simplify(hess)}


# -- NumPy twins for the explorer (no SymPy at run time; tests/test_stability.py checks them) -----------------


def mean_only_error_np(real: str, lam: float, N: float, t: object) -> object:
    """NumPy twin of ``mean_only_error(real)["solution"]`` with ``sigma* = 1``, written in the stable form.

    With ``alpha = lambda / (1 + lambda)``: fresh real data gives
    ``(1 + lambda + lambda alpha^{2t}) / (N (1 + 2 lambda))``, a fixed real sample
    ``(1 + 3 lambda - lambda alpha^{2t}) / (N (1 + 2 lambda))``; no power of
    ``1 + lambda`` is formed, so nothing overflows for large ``t``.

    Examples
    --------
    >>> mean_only_error_np("fresh", 1.0, 10, [0, 1, 50]).round(6).tolist()  # from 1/N towards 2 / (3 N)
    [0.1, 0.075, 0.066667]
    """
    t = np.asarray(t, dtype=float)
    decay = lam * (lam / (1 + lam)) ** (2 * t)
    if real == "fresh":
        return (1 + lam + decay) / (N * (1 + 2 * lam))
    if real == "fixed":
        return (1 + 3 * lam - decay) / (N * (1 + 2 * lam))
    raise ValueError(f"real must be 'fresh' or 'fixed', got {real!r}")


def mean_variance_recursion_np(real: str, lam: float, N: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NumPy twin of :func:`mean_variance_recursion` with ``sigma* = 1``: ``(A, b, x0)`` as float arrays.

    Examples
    --------
    >>> A, b, x0 = mean_variance_recursion_np("fresh", 1.0, 10)
    >>> A.tolist(), x0.tolist()
    ([[0.25, 0.025], [0.25, 0.475]], [0.1, 0.9])
    """
    q = (1 + lam) ** 2
    A = np.array([[lam**2 / q, lam / (N * q)], [lam / q, lam * (N * lam + N - 1) / (N * q)]])
    if real == "fresh":
        b = np.array([1 / (N * q), (N * lam + N - 1) / (N * q)])
        x0 = np.array([1 / N, 1 - 1 / N])
    elif real == "fixed":
        b = np.array([0.0, (N - 1) / (N * (1 + lam))])
        x0 = np.array([0.0, 1 - 1 / N])
    else:
        raise ValueError(f"real must be 'fresh' or 'fixed', got {real!r}")
    return A, b, x0
