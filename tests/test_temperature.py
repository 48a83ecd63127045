"""Temperature in the loop: the book's own closed forms and fixed points against iteration and Monte Carlo."""

import numpy as np
import pytest
import sympy as sp

from collapse_utils.chains import simulate_chain, temper
from collapse_utils.temperature import fixed_points, mixed_map, tempered_iterate
from collapse_utils.theory.temperature import T as T_sym
from collapse_utils.theory.temperature import lam as lam_sym
from collapse_utils.theory.temperature import log_ratio_after, mixed_map_derivative, two_token_fixed_point_polynomial
from stats_helpers import assert_mean_close

Q = np.array([0.6, 0.25, 0.1, 0.05])


@pytest.mark.parametrize("T", [0.5, 0.9, 1.0, 1.7])
def test_power_law_matches_repeated_tempering(T):
    """p_t ∝ p_0^(T^-t) (theory.temperature.log_ratio_after) equals t applications of temper."""
    p = Q.copy()
    for t in range(1, 8):
        p = temper(p, T)
        power = Q ** (T ** (-t))
        np.testing.assert_allclose(p, power / power.sum(), rtol=1e-10, atol=1e-300)
        np.testing.assert_allclose(tempered_iterate(Q, T, t), p, rtol=1e-10)
        # and the log-ratio solved by rsolve
        r0 = np.log(Q[0] / Q[1])
        expected = float(log_ratio_after().subs({T_sym: T, sp.Symbol("t", integer=True, nonnegative=True): t,
                                                  sp.Symbol("r_0", real=True): r0}))
        np.testing.assert_allclose(np.log(p[0] / p[1]), expected, rtol=1e-10)


def test_limits_at_lambda_zero():
    """T < 1 tends to uniform on the modes; T > 1 to uniform on the support."""
    q = np.array([0.4, 0.4, 0.2, 0.0])
    fp = fixed_points(q, [0.5, 2.0], [0.0])
    np.testing.assert_allclose(fp.p[0, 0], [0.5, 0.5, 0, 0], atol=1e-9)
    np.testing.assert_allclose(fp.p[1, 0], [1 / 3, 1 / 3, 1 / 3, 0], atol=1e-9)


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("lam", [0.05, 0.3, 0.8])
def test_fixed_points_solve_the_fixed_point_polynomial(k, lam):
    """Iterated fixed point (two tokens, T = 1/k) is a root of the SymPy fixed-point polynomial and is stable."""
    q1 = 0.7
    fp = fixed_points([q1, 1 - q1], [1 / k], [lam], tol=1e-14)
    assert fp.converged.all()
    x = sp.Symbol("x")
    poly = two_token_fixed_point_polynomial(x, sp.Rational(7, 10), sp.Rational(1, k)).subs(lam_sym, sp.nsimplify(lam))
    roots = [complex(r) for r in sp.Poly(poly, x).nroots()]
    real_roots = [r.real for r in roots if abs(r.imag) < 1e-9 and -1e-9 <= r.real <= 1 + 1e-9]
    assert min(abs(r - fp.p[0, 0, 0]) for r in real_roots) < 1e-9
    # and iterating the map once more does not move it
    np.testing.assert_allclose(mixed_map(fp.p[0, 0], [q1, 1 - q1], 1 / k, lam), fp.p[0, 0], atol=1e-12)


def test_fixed_point_moves_with_temperature_and_real_data():
    """lambda = 1 pins the model to q at every T; at T != 1 a smaller real share moves the fixed point
    further from q, sharper than q for T < 1 and flatter for T > 1."""
    lams = [0.2, 0.5, 1.0]
    fp = fixed_points(Q, [0.6, 1.6], lams)
    np.testing.assert_allclose(fp.tv[:, -1], 0, atol=1e-12)
    assert np.all(np.diff(fp.tv, axis=1) < 0) and np.all(fp.tv[:, 0] > 0.02)
    assert np.all(fp.p[0, :2, 0] > Q[0]) and np.all(fp.p[1, :2, 0] < Q[0])


@pytest.mark.parametrize("lam, T, x", [(0.3, 0.7, 0.4), (0.0, 1.5, 0.8), (0.8, 0.4, 0.55)])
def test_mixed_map_derivative_is_the_slope_of_the_map(lam, T, x):
    """The SymPy derivative of x -> lambda q1 + (1 - lambda) tau_T(x) equals the central difference
    of the NumPy map ``mixed_map`` on two tokens (step 1e-6, error below 1e-8)."""
    xs = sp.Symbol("x", positive=True)
    q1 = 0.7
    deriv = mixed_map_derivative(xs, sp.Float(q1)).subs({lam_sym: lam, T_sym: T, xs: x})
    h = 1e-6
    slope = (mixed_map([x + h, 1 - x - h], [q1, 1 - q1], T, lam)[0]
             - mixed_map([x - h, 1 - x + h], [q1, 1 - q1], T, lam)[0]) / (2 * h)
    assert float(deriv) == pytest.approx(slope, abs=1e-8)


@pytest.mark.parametrize("T", [0.7, 1.5])
def test_finite_chain_conditional_mean_is_the_mixed_map(T):
    """E[p^(2) | p^(1)] = lambda q + (1 - lambda) tau_T(p^(1)) with lambda = N / (N + n) (fresh-real scheme)."""
    n, n_real = 30, 10
    res = simulate_chain(Q, n=n, generations=2, scheme="fresh-real", n_real=n_real, replicas=40_000,
                         seed=11, temperature=T)
    lam = n_real / (n_real + n)
    predicted = mixed_map(res.probs[1], Q, T, lam)
    assert_mean_close(res.probs[2] - predicted, np.zeros(Q.size), axis=0, what="E p2 - map(p1)")


def test_fully_synthetic_chain_mean_follows_tempering():
    """E[p^(2) | p^(1)] = tau_T(p^(1)) in the fully synthetic scheme."""
    res = simulate_chain(Q, n=25, generations=2, replicas=40_000, seed=5, temperature=0.6)
    assert_mean_close(res.probs[2] - temper(res.probs[1], 0.6), np.zeros(Q.size), axis=0, what="fully synthetic")


@pytest.mark.parametrize("bad", [0.0, -1.0, np.inf])
def test_bad_temperature_raises(bad):
    with pytest.raises(ValueError, match="T"):
        fixed_points(Q, [bad], [0.1])
    with pytest.raises(ValueError, match="T"):
        mixed_map(Q, Q, bad, 0.1)
    with pytest.raises(ValueError, match="T"):
        tempered_iterate(Q, bad, 2)


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_bad_lambda_raises(bad):
    with pytest.raises(ValueError, match="lam"):
        fixed_points(Q, [0.5], [bad])
    with pytest.raises(ValueError, match="lam"):
        mixed_map(Q, Q, 0.5, bad)


def test_fixed_point_polynomial_is_in_x_and_needs_T_one_over_an_integer():
    """The polynomial's variable is x alone (lambda and q1 are coefficients); T = 1 (k = 1) is allowed,
    T = 2 (1/T not an integer) and T = 3/2 are refused, naming the temperature."""
    x = sp.Symbol("x")
    poly = two_token_fixed_point_polynomial(x, sp.Rational(7, 10), sp.Integer(1))
    assert poly.gens == (x,)
    assert sp.simplify(poly.as_expr() - (x - lam_sym * sp.Rational(7, 10) - (1 - lam_sym) * x)) == 0  # T = 1: linear
    for bad in (sp.Integer(2), sp.Rational(3, 2)):
        with pytest.raises(ValueError, match="temperature"):
            two_token_fixed_point_polynomial(x, sp.Rational(7, 10), bad)


def test_fixed_points_refuse_a_grid_of_temperatures_and_flag_convergence_as_bool():
    """T is a float or a 1-D grid (a 2-D array is refused, naming T); ``converged`` is a boolean array."""
    with pytest.raises(ValueError, match="T"):
        fixed_points(Q, [[0.5, 2.0]], [0.1])
    fp = fixed_points(Q, [0.5, 1.0], [0.0, 0.3], max_iter=50)
    assert fp.converged.dtype == bool and fp.converged.shape == (2, 2)
    assert fp.converged[1].all()  # T = 1: every p is fixed


def test_work_guard_counts_every_iteration():
    """The cost nT x nL x s x max_iter is refused above the work limit before any iteration, even when the
    iteration would stop at once (T = 1), and accepted well below it."""
    from collapse_utils.validation import limits

    q = np.full(50, 1 / 50)
    with limits(work=1e7):
        with pytest.raises(ValueError, match="max_iter=1000000"):
            fixed_points(q, [1.0], [0.5], max_iter=10**6)  # 5e7 updates
        assert fixed_points(q, [1.0], [0.5], max_iter=10**4).converged.all()  # 5e5 updates
