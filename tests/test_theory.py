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


def test_one_symbol_table():
    """Every theory module takes its symbols from theory.symbols: one letter, one SymPy object."""
    import sympy as sp

    from collapse_utils.theory import core, editing, forgetting, gaussian, kde, mixing, regression, stability, symbols
    from collapse_utils.theory import temperature

    assert sp.simplify(kde.n - core.n) == 0 and kde.n is editing.n is core.n is symbols.n
    assert stability.N is mixing.N is symbols.N
    assert stability.t is kde.t is symbols.t and forgetting.k is symbols.k
    assert gaussian.sigma0 is kde.sigma0 and regression.sigma is editing.sigma and regression.J is symbols.J
    assert symbols.J != symbols.T  # design rows J, temperature T
    assert temperature.lam is symbols.lam and stability.ratio is symbols.ratio and symbols.lam != symbols.ratio
    assert str(symbols.lam) != str(symbols.ratio)  # the real fraction and the ratio print differently
    assert stability.sigma is symbols.sigma_star and stability.sigma != regression.sigma
    # assumptions the closed forms rely on
    assert symbols.n.is_integer and symbols.n.is_positive and symbols.N.is_integer and symbols.t.is_nonnegative
    assert symbols.J.is_integer and symbols.J.is_positive


def test_fully_synthetic_S_np_is_eq6_and_the_chain_mean():
    """The NumPy twin of eq. (6) equals the SymPy derivation on a grid, and E[S_m] of simulate_chain."""
    from stats_helpers import assert_mean_close

    from collapse_utils.chains import simulate_chain
    from collapse_utils.theory.core import fully_synthetic_S_np

    ms, ns, s0s = np.meshgrid([0, 1, 3, 50, 400], [1, 2, 7, 100], [0.1, 0.38, 1.0], indexing="ij")
    exact = th.numeric(th.fully_synthetic_S(), [th.m, th.n, th.S0])
    np.testing.assert_allclose(fully_synthetic_S_np(ms, ns, s0s), exact(ms, ns, s0s), rtol=1e-12)
    p0 = np.array([0.4, 0.3, 0.2, 0.1])
    res = simulate_chain(p0, n=8, generations=10, replicas=5000, seed=3, record="stats")
    gens = np.array([1, 2, 5, 10])
    assert_mean_close(res.collision[gens], fully_synthetic_S_np(gens, 8, p0 @ p0), axis=1, what="E S_m")
