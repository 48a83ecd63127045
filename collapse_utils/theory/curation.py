"""Closed forms of the chapter *Curated self-consuming loops* (Ferbach et al. 2024).

The curated update ``p_{t+1} = p_t H^K_{p_t}`` is the categorical form of the
update Ferbach et al. analyse for general models; the update and the identities
below are the book's own derivations for a categorical model.  Each
function returns SymPy objects that a chapter displays and a test evaluates.
"""

from __future__ import annotations

import sympy as sp

from ..validation import check_int
from .symbols import phi
from .symbols import tilt as t  # continuous time of the tilt

__all__ = [
    "covariance_identity",
    "k2_factor",
    "k2_normalisation",
    "kl_bound_with_real_data",
    "laplace_normalisation",
    "tilt_maximises_regularised_reward",
    "tilted_reward_increment",
]

u = sp.Symbol("u", nonnegative=True)


def _check_s(s: object) -> int:
    return check_int(s, "s", low=2, high=12)  # symbolic in s tokens: the expressions grow like s^2 or faster


def _vocab(s: int):
    s = _check_s(s)
    p = sp.symbols(f"p1:{s + 1}", positive=True)
    w = sp.symbols(f"w1:{s + 1}", positive=True)
    return p, w


def k2_factor(s: int = 3):
    """``(p, w, H)``: symbols and ``H^2_p(x) = sum_y p_y 2 w_x / (w_x + w_y)`` with ``w = e^r``.

    Examples
    --------
    >>> p, w, H = k2_factor(2)
    >>> H  # two tokens: each beats the other with odds w_x / (w_x + w_y)
    [p1 + 2*p2*w1/(w1 + w2), 2*p1*w2/(w1 + w2) + p2]
    """
    p, w = _vocab(s)
    H = [sum(p[y] * 2 * w[x] / (w[x] + w[y]) for y in range(s)) for x in range(s)]
    return p, w, H


def k2_normalisation(s: int = 3) -> sp.Expr:
    """``sum_x p_x H^2_p(x) - (sum_x p_x)^2``, which simplifies to ``0``: the ``K = 2`` update sums to one.

    Examples
    --------
    >>> k2_normalisation(3)
    0
    """
    p, _, H = k2_factor(s)
    return sp.simplify(sum(p[x] * H[x] for x in range(s)) - sum(p) ** 2)


def laplace_normalisation(K: sp.Symbol | int = sp.Symbol("K", positive=True, integer=True), s: int = 3):
    """``(lhs, rhs)`` of ``sum_x p_x K w_x e^{-u w_x} L(u)^{K-1} = -d/du L(u)^K``,
    with ``L(u) = sum_y p_y e^{-u w_y}`` the Laplace transform of ``w`` under ``p``.

    Integrating over ``u`` from ``0`` to ``infinity`` gives
    ``sum_x p_x H^K_p(x) = L(0)^K - L(infinity)^K = 1``: the update sums to one
    for every ``K`` (book's own derivation).

    Examples
    --------
    >>> lhs, rhs = laplace_normalisation(2, s=2)
    >>> sp.simplify(lhs - rhs)
    0
    """
    if not isinstance(K, sp.Basic):
        K = check_int(K, "K", low=1)
    p, w = _vocab(s)
    L = sum(p[y] * sp.exp(-u * w[y]) for y in range(s))
    lhs = sum(p[x] * K * w[x] * sp.exp(-u * w[x]) * L ** (K - 1) for x in range(s))
    rhs = -sp.diff(L**K, u)
    return lhs, rhs


def tilt_maximises_regularised_reward(s: int = 3):
    """Stationarity of ``E_p r - KL(p || p0) / t`` on the simplex at ``p = p0 e^{t r} / Z``.

    Returns the list of partial derivatives of the Lagrangian evaluated at the
    tilt (each simplifies to ``0``) and the Hessian's diagonal (negative).

    Examples
    --------
    >>> grads, hessian_diag = tilt_maximises_regularised_reward(2)
    >>> grads, hessian_diag
    ([0, 0], [-1/(q1*t), -1/(q2*t)])
    """
    s = _check_s(s)
    p = sp.symbols(f"q1:{s + 1}", positive=True)
    p0 = sp.symbols(f"p1:{s + 1}", positive=True)
    r = sp.symbols(f"r1:{s + 1}", real=True)
    lam = sp.Symbol("lambda")
    objective = sum(p[i] * r[i] for i in range(s)) - sum(p[i] * sp.log(p[i] / p0[i]) for i in range(s)) / t
    lagrangian = objective - lam * (sum(p) - 1)
    Z = sum(p0[i] * sp.exp(t * r[i]) for i in range(s))
    at_tilt = {p[i]: p0[i] * sp.exp(t * r[i]) / Z for i in range(s)}
    lam_star = r[0] - (sp.log(at_tilt[p[0]] / p0[0]) + 1) / t
    grads = [sp.simplify(sp.expand_log(sp.diff(lagrangian, p[i]).subs(at_tilt).subs(lam, lam_star), force=True))
             for i in range(s)]
    hessian_diag = [sp.diff(objective, p[i], 2) for i in range(s)]
    return grads, hessian_diag


def tilted_reward_increment(s: int = 3) -> tuple[sp.Expr, sp.Expr]:
    """``K -> infinity``: ``E_{p_{t+1}} e^r - E_{p_t} e^r`` and ``Var_{p_t}(e^r) / E_{p_t} e^r`` on ``s`` outcomes.

    ``p_{t+1} = p_t w / E_{p_t} w`` with ``w = e^r`` (the limit of the curated
    update); both expressions are returned with ``p_s = 1 - sum_{x<s} p_x`` and
    are equal (book's own derivation of the monotone reward in the limit).

    Examples
    --------
    >>> increment, ratio = tilted_reward_increment(2)
    >>> sp.simplify(increment - ratio)
    0
    """
    p, w = _vocab(s)
    mean = sum(p[x] * w[x] for x in range(s))
    tilted = [p[x] * w[x] / mean for x in range(s)]
    increment = sum(tilted[x] * w[x] for x in range(s)) - mean
    variance = sum(p[x] * w[x] ** 2 for x in range(s)) - mean**2
    last = {p[-1]: 1 - sum(p[:-1])}
    return increment.subs(last), (variance / mean).subs(last)


def covariance_identity(s: int = 3) -> sp.Expr:
    """``E_{pH}[f] - E_p[f] - (1/2) sum_{x,y} p_x p_y (f_x - f_y)(H_x - H_y)`` (equals ``0`` when ``sum p = 1``).

    With ``f`` and ``H`` both increasing in the reward, every term of the double
    sum is non-negative: curation raises the expectation of every increasing
    function of the reward, for every ``K`` (book's own derivation).  Returned
    with ``p_s`` eliminated through ``sum p = 1``.

    Examples
    --------
    >>> covariance_identity(2)
    0
    """
    s = _check_s(s)
    p = sp.symbols(f"p1:{s + 1}", positive=True)
    f = sp.symbols(f"f1:{s + 1}", real=True)
    H = sp.symbols(f"H1:{s + 1}", real=True)
    gain = sum(p[x] * H[x] * f[x] for x in range(s)) - sum(p[x] * f[x] for x in range(s))
    double = sp.Rational(1, 2) * sum(p[x] * p[y] * (f[x] - f[y]) * (H[x] - H[y]) for x in range(s) for y in range(s))
    # use E_p H = 1 and sum p = 1
    constraint_H = {H[-1]: (1 - sum(p[x] * H[x] for x in range(s - 1))) / p[-1]}
    expr = (gain - double).subs(constraint_H).subs(p[-1], 1 - sum(p[:-1]))
    return sp.simplify(expr)


def kl_bound_with_real_data() -> sp.Expr:
    """``log(1 / phi)``: the bound ``KL(p_data || p_t) <= log(1 / phi)`` when ``p_t >= phi p_data``.

    ``phi`` is the real fraction (``phi = 1 / (1 + lambda)`` for real and synthetic
    data mixed ``1 : lambda``), so the bound is ``log(1 + lambda)``.  Proof: ``log(p_data / p_t) <= log(1 / phi)``
    pointwise; average under ``p_data``.

    Examples
    --------
    >>> kl_bound_with_real_data().subs(phi, sp.Rational(1, 2))  # real and synthetic data 1 : 1
    log(2)
    """
    return sp.log(1 / phi)
