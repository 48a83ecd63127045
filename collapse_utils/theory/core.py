"""Shared symbols, the NumPy path (:func:`numeric`) and the closed forms of Theorem 1 (Seddik et al. 2024)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp

__all__ = [
    "S0",
    "c4",
    "collapse_time_bounds",
    "fully_synthetic_S",
    "fully_synthetic_S_np",
    "fully_synthetic_S_recursion",
    "iterate_affine",
    "m",
    "n",
    "numeric",
    "rho_bounds",
    "s_tilde",
    "solve_linear_recursion",
]

#: Generation index, samples per generation, initial ``S_0 = ||p^(0)||_2^2``, support size.
m, n = sp.symbols("m n", positive=True, integer=True)
S0 = sp.Symbol("S_0", positive=True)
s_tilde = sp.Symbol(r"\tilde{s}", positive=True)


def numeric(expr: sp.Expr, args: Sequence[sp.Symbol]) -> Callable[..., object]:
    """Turn ``expr`` into a vectorised NumPy function of ``args`` (a thin ``lambdify``).

    Arguments are converted to float arrays first, so that integer inputs such
    as ``n ** m`` cannot overflow or hit NumPy's integer-power rules.
    """
    func = sp.lambdify(tuple(args), expr, modules=["scipy", "numpy"])

    def evaluate(*values: object) -> object:
        return func(*(np.asarray(v, dtype=float) for v in values))

    evaluate.__doc__ = f"NumPy evaluation of {expr} as a function of {tuple(args)}."
    return evaluate


def solve_linear_recursion(a: sp.Expr, b: sp.Expr, x0: sp.Expr, k: sp.Symbol = m) -> sp.Expr:
    """Solve ``x_k = a x_{k-1} + b`` with ``x_0 = x0`` (``a != 1``) and return ``x_k``.

    The solution is ``x_k = b / (1 - a) + a^k (x0 - b / (1 - a))``; SymPy's
    ``rsolve`` is used so that a chapter can show the derivation is mechanical.
    """
    x = sp.Function("x")
    sol = sp.rsolve(x(k) - a * x(k - 1) - b, x(k), {x(0): x0})
    return sp.simplify(sol)


def iterate_affine(A: object, b: object, x0: object, steps: int) -> np.ndarray:
    """Iterate the vector recursion ``x_{t+1} = A x_t + b`` from ``x_0`` and return all states.

    Several chapters reduce their second moments to such a recursion (SymPy gives
    ``A``, ``b`` and ``x_0`` as matrices); this evaluates it numerically.

    Parameters
    ----------
    A : array_like, shape (d, d)
    b, x0 : array_like, d entries (column or flat)
    steps : int
        Number of steps.

    Returns
    -------
    ndarray, shape (steps + 1, d)
        Row ``t`` is ``x_t``.
    """
    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float).ravel()
    states = [np.asarray(x0, dtype=float).ravel()]
    for _ in range(steps):
        states.append(A @ states[-1] + b)
    return np.array(states)


def fully_synthetic_S_recursion() -> tuple[sp.Expr, sp.Expr]:
    """Return ``(a, b)`` of Seddik's recursion ``S_m = a S_{m-1} + b``, derived from the binomial.

    Given ``p^(m-1)``, ``n p_i^(m) ~ Bin(n, p_i^(m-1))``, so
    ``E[p_i^(m)2 | p^(m-1)] = p_i/n + (1 - 1/n) p_i^2``; summing over ``i`` with
    ``sum_i p_i = 1`` gives ``a = 1 - 1/n`` and ``b = 1/n``.
    """
    p, t = sp.symbols("p t", nonnegative=True)
    mgf = (1 - p + p * sp.exp(t)) ** n  # moment generating function of K ~ Bin(n, p)
    second = sp.expand(sp.simplify(sp.diff(mgf, t, 2).subs(t, 0) / n**2))  # E[(K/n)^2]
    a = sp.simplify(second.coeff(p, 2))
    b = sp.simplify(second.coeff(p, 1))
    return a, b


def fully_synthetic_S() -> sp.Expr:
    """Seddik et al. (2024), Theorem 1, eq. (6): ``S_m = 1 - (1 - 1/n)^m (1 - S_0)``."""
    a, b = fully_synthetic_S_recursion()
    solved = solve_linear_recursion(a, b, S0)
    closed = 1 - (1 - 1 / n) ** m * (1 - S0)
    if sp.simplify(solved - closed) != 0:  # pragma: no cover - a failed derivation must not pass silently
        raise AssertionError(f"rsolve gave {solved}, which is not eq. (6)")
    return closed


def fully_synthetic_S_np(m: object, n: object, S0: object) -> np.ndarray:
    """NumPy twin of :func:`fully_synthetic_S` (eq. (6)) for explorers: no SymPy at run time.

    ``tests/test_theory.py`` checks it against the SymPy derivation on a grid.
    """
    m, n, S0 = (np.asarray(v, dtype=float) for v in (m, n, S0))
    return 1 - (1 - 1 / n) ** m * (1 - S0)


def rho_bounds() -> tuple[sp.Expr, sp.Expr]:
    """Seddik et al. (2024), eq. (7): lower and upper bounds on ``rho_m = P(||p^(m)||_inf = 1)``."""
    q = (1 - 1 / n) ** m * (1 - S0)
    return 1 - n * q, 1 - q / (1 - 1 / s_tilde)


def collapse_time_bounds() -> tuple[sp.Expr, sp.Expr]:
    """Seddik et al. (2024), eq. (8): lower and upper bounds on ``E[T]``."""
    return 1 + (1 - S0) / (1 - 1 / s_tilde) * (n - 1), 1 + (1 - S0) * n * (n - 1)


def c4(k: sp.Expr = n) -> sp.Expr:
    """``c4(n) = E[s] / sigma`` for the unbiased sample sd of ``n`` Gaussian samples."""
    return sp.sqrt(2 / (k - 1)) * sp.gamma(k / 2) / sp.gamma((k - 1) / 2)
