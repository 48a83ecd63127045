"""Closed forms as SymPy expressions, one module per topic.

Each function returns a SymPy expression in the paper's notation, so that a
chapter can *display* the formula, *plot* it (through :func:`~collapse_utils.theory.core.numeric`) and a test
can *check* it against Monte Carlo: one formula, three uses.  The shared
symbols and helpers live in :mod:`collapse_utils.theory.core` and are
re-exported here; topic modules (``theory.mixing``, ``theory.gaussian``, …)
hold the closed forms of one chapter each.
"""

from .core import (
    S0,
    c4,
    collapse_time_bounds,
    fully_synthetic_S,
    fully_synthetic_S_recursion,
    iterate_affine,
    m,
    n,
    numeric,
    rho_bounds,
    s_tilde,
    solve_linear_recursion,
)

__all__ = [
    "S0",
    "c4",
    "collapse_time_bounds",
    "fully_synthetic_S",
    "fully_synthetic_S_recursion",
    "iterate_affine",
    "m",
    "n",
    "numeric",
    "rho_bounds",
    "s_tilde",
    "solve_linear_recursion",
]
