"""Closed forms for the temperature chapter (the book's own analysis of a model of Marchi et al. 2024).

None of these formulas is taken from Marchi et al., whose model and theorems
are in the original; the map ``p -> phi q + (1 - phi) tau_T(p)`` is
the book's own model of the claim of their abstract.
"""

from __future__ import annotations

import sympy as sp

from .core import solve_linear_recursion
from .symbols import T, lam
from .symbols import t as _t

__all__ = [
    "T",
    "lam",
    "log_ratio_after",
    "mixed_map_derivative",
    "tau2",
    "two_token_fixed_point_equation",
    "two_token_fixed_point_polynomial",
]

#: Temperature ``T`` and real-data fraction ``phi`` (the symbol ``lam``).


def log_ratio_after(t: sp.Symbol = _t) -> sp.Expr:
    """Return ``log(p_t,x / p_t,y)`` for ``p_{t+1} = tau_T(p_t)``, derived by induction (``rsolve``).

    Tempering raises every probability to ``1/T`` and renormalises; the
    normaliser cancels in a ratio, so the log-ratio ``r_t`` obeys
    ``r_{t+1} = r_t / T``.  Solving gives ``r_t = T^-t r_0``, i.e.
    ``p_t ∝ p_0^(T^-t)``.

    Examples
    --------
    >>> log_ratio_after()  # the log-ratio shrinks by 1/T per generation
    r_0/T**t
    """
    px, py, z = sp.symbols("p_x p_y Z", positive=True)
    tempered_ratio = ((px / z) ** (1 / T)) / ((py / z) ** (1 / T))  # tau_T(p)_x / tau_T(p)_y
    step = sp.simplify(sp.expand_log(sp.log(tempered_ratio), force=True) / sp.expand_log(sp.log(px / py), force=True))
    if sp.simplify(step - 1 / T) != 0:  # pragma: no cover
        raise AssertionError(f"tempering should divide log-ratios by T, got {step}")
    r0 = sp.Symbol("r_0", real=True)
    return solve_linear_recursion(step, 0, r0, t)


def tau2(x: sp.Expr) -> sp.Expr:
    """Two-token tempering ``tau_T`` applied to ``(x, 1 - x)``: its first coordinate.

    Examples
    --------
    >>> tau2(sp.Rational(1, 4)).subs(T, sp.Rational(1, 2))  # T = 1/2 squares the odds 1 : 3
    1/10
    """
    return x ** (1 / T) / (x ** (1 / T) + (1 - x) ** (1 / T))


def two_token_fixed_point_equation(x: sp.Symbol, q1: sp.Expr) -> sp.Expr:
    """``F(x) = x - phi q_1 - (1 - phi) tau_T(x)``: ``F(x) = 0`` at a fixed point of the mixed map.

    Examples
    --------
    >>> two_token_fixed_point_equation(sp.Rational(1, 2), sp.Rational(1, 2))  # x = 1/2 is a fixed point by symmetry
    0
    """
    return x - lam * q1 - (1 - lam) * tau2(x)


def two_token_fixed_point_polynomial(x: sp.Symbol, q1: sp.Expr, temperature: sp.Rational) -> sp.Poly:
    """Polynomial whose roots in ``[0, 1]`` are the fixed points when ``1/T`` is a positive integer.

    Multiplying ``F(x) = 0`` by ``x^(1/T) + (1 - x)^(1/T)`` clears the denominator.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> two_token_fixed_point_polynomial(x, sp.Rational(1, 2), sp.Rational(1, 2)).as_expr()
    -lambda/2 + 2*x**3 - 3*x**2 + x*(lambda + 1)
    """
    k = 1 / sp.Rational(temperature)
    if not (k.is_integer and k > 0):
        raise ValueError(f"temperature must be 1/k for a positive integer k, got {temperature}")
    expr = (x - lam * q1) * (x**k + (1 - x) ** k) - (1 - lam) * x**k
    return sp.Poly(sp.expand(expr), x)


def mixed_map_derivative(x: sp.Symbol, q1: sp.Expr) -> sp.Expr:
    """Derivative of the two-token mixed map ``x -> phi q_1 + (1 - phi) tau_T(x)``.

    A fixed point is stable when its absolute value is below one.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> at = {x: sp.Rational(1, 2), T: sp.Rational(1, 2), lam: 0}
    >>> mixed_map_derivative(x, sp.Rational(1, 2)).subs(at)  # above one: x = 1/2 is unstable
    2
    """
    return sp.simplify(sp.diff(lam * q1 + (1 - lam) * tau2(x), x))
