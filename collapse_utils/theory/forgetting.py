"""How fast a recursively trained model forgets a rare symbol (Suresh et al. 2025).

Theorems 1 and 2 and Corollary 1 are stated in the book's form; the originals are
in Suresh et al. (2025).  The sharper bound
``g_k <= 2/(k+1)``, the limit ``k g_k -> 2`` and the median forgetting time are the
book's own derivations.

The key function is ``g(x) = 1 - exp(-x)`` and its iterates from infinity,
``g_1 = 1``, ``g_{k+1} = 1 - exp(-g_k)``.  In the Poisson model (``n`` samples
per generation, ``Lambda_k`` the fitted rate) ``n Lambda_k`` is a Galton–Watson
process with Poisson(1) offspring, and the probability that the symbol is still
present after ``k`` generations is exactly ``1 - exp(-n Lambda_0 g_k)``.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..validation import check_memory, check_positive_int, check_work
from .core import n
from .symbols import k

__all__ = [
    "bernoulli_bounds",
    "g",
    "g_sequence",
    "gw_survival_recursion",
    "k",
    "lam0",
    "median_forgetting_time",
    "p0",
    "poisson_survival",
    "reciprocal_increment_limit",
    "unigram_survival",
    "c",
]

#: Generation, initial Poisson rate, initial Bernoulli probability, expected count ``c = n p_0``.
lam0 = sp.Symbol("Lambda_0", positive=True)
p0 = sp.Symbol("p_0", positive=True)
c = sp.Symbol("c", positive=True)
_x = sp.Symbol("x", positive=True)
#: The symbol ``g_k`` as it appears in the closed forms.
g = sp.Symbol("g_k", positive=True)


def g_sequence(k_max: int) -> np.ndarray:
    """Return ``g_1, ..., g_{k_max}`` (float64) by iterating ``g_{k+1} = 1 - exp(-g_k)`` from ``g_1 = 1``.

    ``-math.expm1(-x)`` is used for ``1 - exp(-x)`` so that small ``g_k`` keep full precision.

    Examples
    --------
    >>> g_sequence(4).round(6).tolist()  # 1, 1 - 1/e, ...
    [1.0, 0.632121, 0.468536, 0.374082]
    """
    k_max = check_positive_int(k_max, "k_max")
    check_memory(8 * 4 * k_max, f"k_max={k_max}", "use a smaller k_max")
    check_work(100 * k_max, f"k_max={k_max}", "use a smaller k_max")
    values = [1.0]
    for _ in range(k_max - 1):
        values.append(-math.expm1(-values[-1]))
    return np.array(values)


def reciprocal_increment_limit() -> sp.Expr:
    """``lim_{x -> 0} [1/g(x) - 1/x] = 1/2``, so ``1/g_{k+1} - 1/g_k -> 1/2`` and ``k g_k -> 2`` (Stolz–Cesàro).

    Examples
    --------
    >>> reciprocal_increment_limit()
    1/2
    """
    return sp.limit(1 / (1 - sp.exp(-_x)) - 1 / _x, _x, 0)


def gw_survival_recursion() -> tuple[sp.Expr, sp.Expr]:
    """Galton–Watson algebra of the Poisson model, returned as ``(pgf_step, start)``.

    ``n Lambda_1 ~ Poisson(n Lambda_0)`` and each individual has Poisson(1) children,
    whose pgf is ``f(s) = exp(s - 1)``.  With ``q_j`` the probability that one line dies
    out within ``j`` generations (``q_0 = 0``, ``q_j = f(q_{j-1})``), the survival
    probability of one line, ``1 - q_j``, obeys ``1 - q_j = g(1 - q_{j-1})``.  Returns the
    map ``1 - f(1 - y)`` in the variable ``y = 1 - q`` (which simplifies to
    ``g(y) = 1 - exp(-y)``) and ``E[s^{n Lambda_1}]`` at ``s = 1 - y`` (``exp(-n Lambda_0 y)``).

    Examples
    --------
    >>> gw_survival_recursion()
    (1 - exp(-y), exp(-Lambda_0*n*y))
    """
    s, y = sp.symbols("s y", positive=True)
    pgf = sp.exp(s - 1)
    step = sp.simplify(1 - pgf.subs(s, 1 - y))
    start = sp.simplify(sp.exp(n * lam0 * (s - 1)).subs(s, 1 - y))
    return step, start


def poisson_survival() -> sp.Expr:
    """Suresh et al. (2025), Theorem 2: ``P(Lambda_k != 0) = 1 - exp(-n Lambda_0 g_k)``.

    Examples
    --------
    >>> poisson_survival()
    1 - exp(-Lambda_0*g_k*n)
    """
    return 1 - sp.exp(-n * lam0 * g)


def bernoulli_bounds() -> tuple[sp.Expr, sp.Expr]:
    """Suresh et al. (2025), Theorem 1: bounds on ``P(P_k != 0)`` for a Bernoulli(``p_0``) chain.

    Lower ``1 - exp(-n p_0 g_k)``; upper ``1 - max(1 - 3 n p_0^2 - 3 k p_0, 0) exp(-n p_0 g_k)``.

    Examples
    --------
    >>> lower, upper = bernoulli_bounds()
    >>> lower
    1 - exp(-g_k*n*p_0)
    >>> upper.subs({n: 100, p0: sp.Rational(1, 100), k: 1, g: 1})  # 1 - (1 - 3/100 - 3/100) e^-1
    1 - 47*exp(-1)/50
    """
    lower = 1 - sp.exp(-n * p0 * g)
    upper = 1 - sp.Max(1 - 3 * n * p0**2 - 3 * k * p0, 0) * sp.exp(-n * p0 * g)
    return lower, upper


def unigram_survival() -> sp.Expr:
    """Corollary 1 of Suresh et al., per word: a word with expected count ``c = n p_0`` survives ``k`` generations with probability about ``1 - exp(-c g_k)``.

    Examples
    --------
    >>> unigram_survival().subs({c: 2, g: 1})
    1 - exp(-2)
    """
    return 1 - sp.exp(-c * g)


def median_forgetting_time() -> sp.Expr:
    """Solve ``1 - exp(-c g_k) = 1/2`` with ``g_k ~ 2/k``: ``k_{1/2} ~ 2c / ln 2``.

    Examples
    --------
    >>> median_forgetting_time()
    2*c/log(2)
    """
    kk = sp.Symbol("kappa", positive=True)
    (sol,) = sp.solve(sp.Eq(unigram_survival().subs(g, 2 / kk), sp.Rational(1, 2)), kk)
    return sp.simplify(sol)


def unigram_survival_np(c: object, g: object) -> np.ndarray:
    """NumPy twin of :func:`unigram_survival`: ``1 - exp(-c g_k)`` (as ``-expm1``, exact for small ``c g_k``).

    ``tests/test_forgetting.py`` checks it against the SymPy expression on a grid.

    Examples
    --------
    >>> unigram_survival_np([1.0, 2.0], g_sequence(3)[-1]).round(6).tolist()
    [0.374082, 0.608227]
    """
    return -np.expm1(-np.asarray(c, dtype=float) * np.asarray(g, dtype=float))


__all__ += ["unigram_survival_np"]
