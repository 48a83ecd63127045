"""Fully synthetic training (Seddik et al. 2024, §3.1): Theorem 1's bounds and the diffusion time, derived in SymPy.

The closed form ``S_m`` and the bounds themselves live in :mod:`collapse_utils.theory.core`
(``fully_synthetic_S``, ``rho_bounds``, ``collapse_time_bounds``).  This module
*derives* the bounds from the ingredients of the paper's proof, so that a
chapter and a test can check that the printed formulas follow from them, and
derives the classical Wright–Fisher diffusion approximation of the mean
collapse time, which the paper does not give.
"""

from __future__ import annotations

import sympy as sp

from ..validation import check_int
from .core import S0, collapse_time_bounds, fully_synthetic_S, m, n, rho_bounds, s_tilde
from .symbols import p

__all__ = [
    "collapse_time_bounds_from_rho",
    "diffusion_generator",
    "kimura_mean_time",
    "littler_mean_time",
    "p",
    "rho",
    "rho_bounds_from_S",
]

#: Frequency of one token (two-token diffusion) and the collapse probability ``rho_m``.
rho = sp.Symbol(r"\rho_m", nonnegative=True)


def rho_bounds_from_S() -> tuple[sp.Expr, sp.Expr]:
    """Derive eq. (7) from the sandwich ``rho + (1 - rho)/s~ <= S_m <= rho + (1 - 1/n)(1 - rho)``.

    The sandwich holds because ``sigma_m = 1`` on collapse, and otherwise
    ``1/s~ <= sigma_m <= ||p^(m)||_inf <= 1 - 1/n``.  Solving each side for
    ``rho_m`` with ``S_m`` from eq. (6) gives the lower and upper bounds, which
    are checked against :func:`collapse_utils.theory.core.rho_bounds`.

    Returns
    -------
    (lower, upper) : tuple of sympy.Expr
        The bounds on ``rho_m`` in terms of ``m``, ``n``, ``S_0`` and ``s~``.

    Examples
    --------
    >>> lower, upper = rho_bounds_from_S()
    >>> sp.simplify(lower - rho_bounds()[0])
    0
    """
    S = fully_synthetic_S()
    # S <= rho + (1 - 1/n)(1 - rho)  <=>  rho >= (S - (1 - 1/n)) / (1/n): a lower bound.
    lower = sp.solve(sp.Eq(rho + (1 - 1 / n) * (1 - rho), S), rho)[0]
    # rho + (1 - rho)/s~ <= S  <=>  rho <= (S - 1/s~) / (1 - 1/s~): an upper bound.
    upper = sp.solve(sp.Eq(rho + (1 - rho) / s_tilde, S), rho)[0]
    paper_lower, paper_upper = rho_bounds()
    if sp.simplify(lower - paper_lower) != 0 or sp.simplify(upper - paper_upper) != 0:  # pragma: no cover
        raise AssertionError("the bounds derived from the sandwich are not eq. (7)")
    return sp.simplify(lower), sp.simplify(upper)


def collapse_time_bounds_from_rho() -> tuple[sp.Expr, sp.Expr]:
    """Derive eq. (8) from ``E[T] = sum_{k >= 0} P(T > k) = 1 + sum_{k >= 1} (1 - rho_k)``.

    Inserting the bounds (7) on ``1 - rho_k`` and summing the geometric series
    ``sum_{k >= 1} (1 - 1/n)^k = n - 1`` gives the two sides of (8); the result is
    checked against :func:`collapse_utils.theory.core.collapse_time_bounds`.

    Returns
    -------
    (lower, upper) : tuple of sympy.Expr

    Examples
    --------
    >>> lower, upper = collapse_time_bounds_from_rho()
    >>> upper
    -n*(S_0 - 1)*(n - 1) + 1
    >>> sp.simplify(upper - collapse_time_bounds()[1])  # eq. (8)
    0
    """
    k = sp.Symbol("k", integer=True, positive=True)
    lower_rho, upper_rho = rho_bounds()
    series = {}
    for name, bound in (("lower", upper_rho), ("upper", lower_rho)):  # an upper bound on rho bounds E[T] below
        term = sp.expand(1 - bound.subs(m, k))  # = c * (1 - 1/n)^k
        coeff = sp.simplify(term / (1 - 1 / n) ** k)
        if coeff.has(k):  # pragma: no cover
            raise AssertionError(f"1 - rho_k is not geometric in k: {term}")
        q = sp.Symbol("q", positive=True)
        geometric = sp.Sum(q**k, (k, 1, sp.oo)).doit().args[0][0]  # q / (1 - q) for |q| < 1
        series[name] = sp.simplify(1 + coeff * geometric.subs(q, 1 - 1 / n))
    paper_lower, paper_upper = collapse_time_bounds()
    if sp.simplify(series["lower"] - paper_lower) != 0 or sp.simplify(series["upper"] - paper_upper) != 0:  # pragma: no cover
        raise AssertionError("the series does not give eq. (8)")
    return series["lower"], series["upper"]


def kimura_mean_time() -> sp.Expr:
    """Solve Kimura's backward equation ``p(1-p)/(2n) T''(p) = -1``, ``T(0) = T(1) = 0``, with ``dsolve``.

    One generation of ``n`` samples moves a token's frequency by a mean of 0
    and a variance of ``p(1-p)/n``; the diffusion with this local variance has
    generator ``p(1-p)/(2n) d^2/dp^2``, and the mean time to reach ``{0, 1}``
    solves the equation above.

    Returns
    -------
    sympy.Expr
        ``-2n [p ln p + (1 - p) ln(1 - p)]``, checked against the ODE solution.

    Examples
    --------
    >>> kimura_mean_time().subs({n: 10, p: sp.Rational(1, 2)})  # 20 ln 2 for two equal tokens
    20*log(2)
    """
    T = sp.Function("T")
    general = sp.dsolve(sp.Eq(p * (1 - p) / (2 * n) * T(p).diff(p, 2), -1), T(p)).rhs
    # dsolve writes log(p - 1); on 0 < p < 1 it is log(1 - p) + i pi, absorbed by the constants.
    general = general.subs(sp.log(p - 1), sp.log(1 - p) + sp.I * sp.pi)
    constants = sorted(general.free_symbols - {p, n}, key=str)
    conditions = [sp.limit(general, p, 0, "+"), sp.limit(general, p, 1, "-")]
    solved = sp.expand(general.subs(sp.solve(conditions, constants)))
    closed = -2 * n * (p * sp.log(p) + (1 - p) * sp.log(1 - p))
    if sp.simplify(solved - closed) != 0:  # pragma: no cover
        raise AssertionError(f"dsolve gave {solved}")
    return closed


def diffusion_generator(f: sp.Expr, freqs: list[sp.Symbol]) -> sp.Expr:
    """Apply the Wright–Fisher diffusion generator ``(1/2n) sum_ij p_i (delta_ij - p_j) d_i d_j`` to ``f``.

    ``freqs`` are the free coordinates ``p_1, ..., p_{s-1}`` (``p_s = 1 - sum``);
    the matrix ``p_i (delta_ij - p_j) / n`` is the covariance of one multinomial
    step of ``n`` samples.

    Examples
    --------
    >>> p1 = sp.Symbol("p_1", positive=True)
    >>> diffusion_generator(p1**2, [p1])  # (1/2n) p(1-p) d^2/dp^2
    p_1*(1 - p_1)/n
    """
    return sp.Rational(1, 2) / n * sum(
        freqs[i] * (sp.KroneckerDelta(i, j) - freqs[j]) * sp.diff(f, freqs[i], freqs[j])
        for i in range(len(freqs))
        for j in range(len(freqs))
    )


def littler_mean_time(s: int = 3) -> tuple[sp.Expr, list[sp.Symbol]]:
    """Several tokens: ``T(p) = -2n sum_i (1 - p_i) ln(1 - p_i)`` (Littler 1975), checked in SymPy.

    Checks that ``T`` solves the backward equation ``L T = -1`` inside the
    simplex of ``s`` tokens, vanishes at the corners, and reduces on a face
    (a lost token) to the same formula with one token fewer.

    Returns
    -------
    (T, freqs) : the expression and its free coordinates ``p_1..p_{s-1}``.

    Examples
    --------
    >>> T_mean, freqs = littler_mean_time(2)
    >>> T_mean
    -2*n*(p_1*log(p_1) + (1 - p_1)*log(1 - p_1))
    """
    s = check_int(s, "s", low=2, high=8)  # the symbolic check grows fast with s
    freqs = list(sp.symbols(f"p_1:{s}", positive=True))
    last = 1 - sum(freqs)
    probs = [*freqs, last]
    T = -2 * n * sum((1 - q) * sp.log(1 - q) for q in probs)
    if sp.simplify(diffusion_generator(T, freqs) + 1) != 0:  # pragma: no cover
        raise AssertionError("Littler's formula does not solve L T = -1")
    corner = {q: (1 if i == 0 else 0) for i, q in enumerate(freqs)}
    if sp.limit(T.subs({q: v for q, v in corner.items() if q != freqs[0]}), freqs[0], 1, "-") != 0:  # pragma: no cover
        raise AssertionError("Littler's formula is not 0 at a corner")
    if s > 2:  # boundary condition on the face p_s = 0: the same formula with one token fewer
        face = T.subs(freqs[-1], 1 - sum(freqs[:-1]))  # p_s = 1 - sum(p_1..p_{s-1}) = 0
        fewer = -2 * n * sum((1 - q) * sp.log(1 - q) for q in [*freqs[:-1], 1 - sum(freqs[:-1])])
        if sp.simplify(face - fewer) != 0:  # pragma: no cover
            raise AssertionError("Littler's formula does not reduce to s - 1 tokens on a face")
    return T, freqs
