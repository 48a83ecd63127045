"""Shared symbols, the NumPy path (:func:`numeric`) and the closed forms of Theorem 1 (Seddik et al. 2024)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp

from ..validation import check_array, check_finite_result, check_memory, check_nonnegative_int, check_work
from .symbols import S0, m, n, s_tilde  # the table of symbols

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


def numeric(expr: sp.Expr, args: Sequence[sp.Symbol]) -> Callable[..., object]:
    """Turn ``expr`` into a vectorised NumPy function of ``args`` (a thin ``lambdify``).

    Arguments are converted to float arrays first, so that integer inputs such
    as ``n ** m`` cannot overflow or hit NumPy's integer-power rules.

    Examples
    --------
    >>> S = numeric(fully_synthetic_S(), [m, n, S0])
    >>> S([0, 1, 2], 10, 0.5).round(4).tolist()
    [0.5, 0.55, 0.595]
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

    Examples
    --------
    >>> solve_linear_recursion(sp.Rational(1, 2), 1, 0)  # x_m = x_{m-1} / 2 + 1, x_0 = 0
    2 - 2/2**m
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

    Examples
    --------
    >>> iterate_affine([[0.5]], [1.0], [0.0], 3).ravel().tolist()  # x -> x / 2 + 1, towards 2
    [0.0, 1.0, 1.5, 1.75]
    """
    A = check_array(A, "A", ndim=2)
    d = A.shape[0]
    if A.shape != (d, d):
        raise ValueError(f"A must be square, got shape {A.shape}")
    b = check_array(b, "b").ravel()
    x0 = check_array(x0, "x0").ravel()
    if b.size != d or x0.size != d:
        raise ValueError(f"b and x0 must have d={d} entries like A, got {b.size} and {x0.size}")
    steps = check_nonnegative_int(steps, "steps")
    check_memory(8 * (steps + 1) * d, f"steps={steps} x d={d}", "use fewer steps")
    check_work(steps * (d * d + 100), f"steps={steps} x d={d}^2", "use fewer steps")
    states = np.empty((steps + 1, d))
    states[0] = x0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            states[t + 1] = A @ states[t] + b
    return check_finite_result(states, "the iterates", "the recursion leaves the float64 range (a spectral radius of A above 1?); use fewer steps")


def fully_synthetic_S_recursion() -> tuple[sp.Expr, sp.Expr]:
    """Return ``(a, b)`` of Seddik's recursion ``S_m = a S_{m-1} + b``, derived from the binomial.

    Given ``p^(m-1)``, ``n p_i^(m) ~ Bin(n, p_i^(m-1))``, so
    ``E[p_i^(m)2 | p^(m-1)] = p_i/n + (1 - 1/n) p_i^2``; summing over ``i`` with
    ``sum_i p_i = 1`` gives ``a = 1 - 1/n`` and ``b = 1/n``.

    Examples
    --------
    >>> fully_synthetic_S_recursion()  # a = 1 - 1/n, b = 1/n
    ((n - 1)/n, 1/n)
    """
    p, t = sp.symbols("p t", nonnegative=True)
    mgf = (1 - p + p * sp.exp(t)) ** n  # moment generating function of K ~ Bin(n, p)
    second = sp.expand(sp.simplify(sp.diff(mgf, t, 2).subs(t, 0) / n**2))  # E[(K/n)^2]
    a = sp.simplify(second.coeff(p, 2))
    b = sp.simplify(second.coeff(p, 1))
    return a, b


def fully_synthetic_S() -> sp.Expr:
    """Seddik et al. (2024), Theorem 1, eq. (6): ``S_m = 1 - (1 - 1/n)^m (1 - S_0)``.

    Examples
    --------
    >>> fully_synthetic_S()
    -(1 - S_0)*(1 - 1/n)**m + 1
    >>> fully_synthetic_S().subs({m: 2, n: 10, S0: sp.Rational(1, 2)})
    119/200
    """
    a, b = fully_synthetic_S_recursion()
    solved = solve_linear_recursion(a, b, S0)
    closed = 1 - (1 - 1 / n) ** m * (1 - S0)
    if sp.simplify(solved - closed) != 0:  # pragma: no cover - a failed derivation must not pass silently
        raise AssertionError(f"rsolve gave {solved}, which is not eq. (6)")
    return closed


def fully_synthetic_S_np(m: object, n: object, S0: object) -> np.ndarray:
    """NumPy twin of :func:`fully_synthetic_S` (eq. (6)) for explorers: no SymPy at run time.

    ``tests/test_theory.py`` checks it against the SymPy derivation on a grid.

    Examples
    --------
    >>> fully_synthetic_S_np([0, 1, 2], 10, 0.5).round(4).tolist()
    [0.5, 0.55, 0.595]
    """
    m, n, S0 = (np.asarray(v, dtype=float) for v in (m, n, S0))
    return 1 - (1 - 1 / n) ** m * (1 - S0)


def rho_bounds() -> tuple[sp.Expr, sp.Expr]:
    """Seddik et al. (2024), eq. (7): lower and upper bounds on ``rho_m = P(||p^(m)||_inf = 1)``.

    Examples
    --------
    >>> lower, upper = rho_bounds()
    >>> lower
    -n*(1 - S_0)*(1 - 1/n)**m + 1
    >>> [b.subs({m: 50, n: 10, S0: sp.Rational(1, 2), s_tilde: 2}).evalf(4) for b in (lower, upper)]
    [0.9742, 0.9948]
    """
    q = (1 - 1 / n) ** m * (1 - S0)
    return 1 - n * q, 1 - q / (1 - 1 / s_tilde)


def collapse_time_bounds() -> tuple[sp.Expr, sp.Expr]:
    """Seddik et al. (2024), eq. (8): lower and upper bounds on ``E[T]``.

    Examples
    --------
    >>> [b.subs({n: 10, S0: sp.Rational(1, 2), s_tilde: 2}) for b in collapse_time_bounds()]  # E[T] for two tokens
    [10, 46]
    """
    return 1 + (1 - S0) / (1 - 1 / s_tilde) * (n - 1), 1 + (1 - S0) * n * (n - 1)


def c4(k: sp.Expr = n) -> sp.Expr:
    """``c4(n) = E[s] / sigma`` for the unbiased sample sd of ``n`` Gaussian samples.

    Examples
    --------
    >>> c4(sp.Integer(2)), round(float(c4(10)), 6)  # sqrt(2/pi), and towards 1
    (sqrt(2)/sqrt(pi), 0.972659)
    """
    return sp.sqrt(2 / (k - 1)) * sp.gamma(k / 2) / sp.gamma((k - 1) / 2)
