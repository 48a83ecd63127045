"""The SymPy closed forms: derivations and their NumPy path."""

import numpy as np
import sympy as sp

from collapse_utils import theory as th


def test_recursion_is_derived_from_the_binomial():
    a, b = th.fully_synthetic_S_recursion()
    assert sp.simplify(a - (1 - 1 / th.n)) == 0
    assert sp.simplify(b - 1 / th.n) == 0


def test_solution_satisfies_recursion_and_start():
    S = th.fully_synthetic_S()
    assert sp.simplify(S.subs(th.m, 0) - th.S0) == 0
    step = S - (1 / th.n + (1 - 1 / th.n) * S.subs(th.m, th.m - 1))
    # Substituting n -> n + 1 tells SymPy that the base n - 1 of the powers is positive.
    assert sp.simplify(sp.expand(step.subs(th.n, th.n + 1))) == 0


def test_bounds_bracket_exact_values():
    """eq. (7)-(8) against exact two-token values: the rho_m bounds bracket the exact collapse probability
    (matrix powers) at every m, and the E[T] bounds bracket the exact mean collapse time."""
    from collapse_utils.wright_fisher import collapse_cdf, mean_collapse_time

    lo, hi = th.rho_bounds()
    f_lo = th.numeric(lo, [th.m, th.n, th.S0, th.s_tilde])
    f_hi = th.numeric(hi, [th.m, th.n, th.S0, th.s_tilde])
    ms = np.arange(1, 200)
    for prob, size in [(0.5, 10), (0.3, 40)]:
        s0 = prob**2 + (1 - prob) ** 2
        exact = collapse_cdf(prob, size, 199)[1:]
        assert np.all(f_lo(ms, size, s0, 2) <= exact + 1e-12)
        assert np.all(exact <= f_hi(ms, size, s0, 2) + 1e-12)
    t_lo, t_hi = th.collapse_time_bounds()
    for prob, size in [(0.5, 10), (0.2, 30)]:
        s0 = prob**2 + (1 - prob) ** 2
        vals = [float(e.subs({th.n: size, th.S0: s0, th.s_tilde: 2})) for e in (t_lo, t_hi)]
        assert vals[0] <= float(mean_collapse_time(prob, size)) <= vals[1]
    vals = [float(e.subs({th.n: 100, th.S0: 0.5, th.s_tilde: 2})) for e in (t_lo, t_hi)]
    assert vals == [100.0, 4951.0]  # the paper's example: n = 100, p = (1/2, 1/2)


def test_numeric_handles_integers_without_overflow():
    f = th.numeric(th.fully_synthetic_S(), [th.m, th.n, th.S0])
    assert np.isclose(f(40, 100, 0.38), 1 - 0.99**40 * 0.62)


def test_c4_values():
    f = th.numeric(th.c4(), [th.n])
    np.testing.assert_allclose(f(np.array([2, 10, 100])), [0.79788, 0.97266, 0.99748], atol=5e-6)


def test_solve_linear_recursion_general():
    a, b, x0 = sp.symbols("a b x0")
    sol = th.solve_linear_recursion(a, b, x0)
    assert sp.simplify(sol.subs(th.m, 0) - x0) == 0
    assert sp.simplify(sp.expand(sol - (a * sol.subs(th.m, th.m - 1) + b))) == 0
