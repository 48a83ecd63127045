"""simulate_regression against the replace and accumulate formulas (Gerstgrasser et al. 2024; derived in the book)."""

import numpy as np
import pytest
import sympy as sp

from collapse_utils.regression import simulate_regression
from collapse_utils.theory.regression import (
    J,
    accumulate_error,
    accumulate_limit,
    d,
    error_scale,
    expected_errors,
    inverse_chi2_mean,
    replace_error,
    sigma,
)
from stats_helpers import assert_mean_close

J_ROWS, D, SIGMA, GENS, REPS = 20, 5, 1.5, 10, 20_000


@pytest.mark.parametrize("mode", ["replace", "accumulate"])
def test_mean_test_error_matches_formula(mode):
    """E||w_hat_n - w*||^2 = sigma^2 d n/(J-d-1) (replace) or sigma^2 d/(J-d-1) sum_{i<=n} 1/i^2 (accumulate).

    Row n is generation n: row 0 is the truth w*, whose error is exactly 0 in simulation and theory."""
    errors = simulate_regression(J_ROWS, D, SIGMA, generations=GENS, mode=mode, replicas=REPS, seed=17)
    theory = expected_errors(J_ROWS, D, SIGMA, GENS, mode)
    assert errors.shape == (GENS + 1, REPS) and theory.shape == (GENS + 1,)
    assert np.all(errors[0] == 0) and theory[0] == 0
    assert_mean_close(errors, theory, axis=1, what=mode)


def test_generation_one_is_shared_and_covariance_invariance():
    """Both modes fit generation 1 on the same real labels; the Sigma-norm error does not depend on Sigma."""
    rep = simulate_regression(12, 3, 1.0, generations=4, mode="replace", replicas=50, seed=2)
    acc = simulate_regression(12, 3, 1.0, generations=4, mode="accumulate", replicas=50, seed=2)
    np.testing.assert_allclose(rep[:2], acc[:2])
    assert np.all(acc[2:] != rep[2:])
    cov = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 0.3]])
    with_cov = simulate_regression(12, 3, 1.0, generations=4, mode="replace", replicas=50, seed=2, cov=cov)
    np.testing.assert_allclose(with_cov, rep, rtol=1e-9)


def test_sympy_derivation():
    """The inverse-chi-square mean (d = 1 inverse Wishart), the replace sum and the pi^2/6 limit."""
    assert sp.simplify(inverse_chi2_mean() - 1 / (J - 2)) == 0
    assert sp.simplify(error_scale().subs(d, 1) - sigma**2 * inverse_chi2_mean()) == 0
    nn = sp.Symbol("n", positive=True, integer=True)
    assert sp.simplify(replace_error(nn) - sigma**2 * d * nn / (J - d - 1)) == 0
    assert str(error_scale()) == "d*sigma**2/(J - d - 1)" and J.is_integer and J.is_positive
    assert sp.simplify(accumulate_limit() - sp.pi**2 / 6 * error_scale()) == 0
    assert sp.simplify(accumulate_error(3) - sp.Rational(49, 36) * error_scale()) == 0
    np.testing.assert_allclose(expected_errors(20, 5, 1.0, 1, "accumulate"), [0, 5 / 14])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(J=6, d=5), "J"),
        (dict(J=20, d=0), "d"),
        (dict(sigma=0.0), "sigma"),
        (dict(sigma=-1.0), "sigma"),
        (dict(mode="mix"), "mode"),
        (dict(generations=0), "generations"),
        (dict(replicas=0), "replicas"),
        (dict(cov=np.eye(3)), "cov"),
        (dict(cov=np.diag([1.0, -1.0, 1.0, 1.0, 1.0])), "cov"),
        (dict(cov=np.triu(np.ones((5, 5)))), "cov"),
    ],
)
def test_bad_input(kwargs, name):
    args = dict(J=20, d=5, sigma=1.0, generations=3)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        simulate_regression(args.pop("J"), args.pop("d"), args.pop("sigma"), **args)
    with pytest.raises(ValueError, match="mode"):
        expected_errors(20, 5, 1.0, 3, "mix")


def test_categorical_accumulate_matches_simulate_chain():
    """S_m = E||p^(m)||^2 in simulate_chain(scheme="accumulate"): 1 - S_{m+1} = (1 - S_m)(1 - n / (N + m n)^2).

    Checks categorical_accumulate_S (the book's derivation) at m = 0..30, and that its limit for
    N = n is Euler's product 1 - (1 - S_0) sin(pi/sqrt n)/(pi/sqrt n).
    """
    from collapse_utils.chains import simulate_chain
    from collapse_utils.theory.core import S0, n
    from collapse_utils.theory.regression import categorical_accumulate_limit, categorical_accumulate_S

    p0 = np.array([0.5, 0.3, 0.2])
    res = simulate_chain(p0, n=20, n_real=30, scheme="accumulate", generations=30, replicas=20_000, seed=4, record="stats")
    expected = categorical_accumulate_S(float(p0 @ p0), 20, 30, 30)
    assert_mean_close(res.collision, expected, axis=1, what="accumulate S_m")
    limit = float(categorical_accumulate_limit().subs({n: 50, S0: 0.38}))
    np.testing.assert_allclose(categorical_accumulate_S(0.38, 50, 50, 200_000)[-1], limit, rtol=1e-5)


def test_error_scale_numpy_twin_equals_the_sympy_expression():
    from collapse_utils.theory.core import numeric
    from collapse_utils.theory.regression import error_scale_np

    Js, ds, ss = np.meshgrid([4, 8, 20, 200], [1, 2, 5], [0.1, 1.0, 3.0], indexing="ij")
    np.testing.assert_allclose(error_scale_np(Js, ds, ss), numeric(error_scale(), [J, d, sigma])(Js, ds, ss), rtol=1e-13)


@pytest.mark.parametrize("mode", ["replace", "accumulate"])
@pytest.mark.parametrize("cov", [None, [[2, 1, 0], [1, 2, 0], [0, 0, 5]]])
def test_row_zero_is_the_truth_and_a_shorter_run_is_a_prefix(mode, cov):
    """Row 0 is generation 0, the true weights (error 0); with one seed, fewer generations give the first rows."""
    long = simulate_regression(20, 3, 0.7, generations=6, mode=mode, replicas=9, seed=5, cov=cov)
    short = simulate_regression(20, 3, 0.7, generations=2, mode=mode, replicas=9, seed=5, cov=cov)
    assert long.shape == (7, 9) and short.shape == (3, 9)
    assert np.all(long[0] == 0) and np.all(long[1:] > 0)
    np.testing.assert_array_equal(short, long[:3])
