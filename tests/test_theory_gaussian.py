"""Closed forms of collapse_utils.theory.gaussian against simulate_gaussian.

E[sigma_m^2] is checked only for a few generations: for large m its Monte Carlo
mean is dominated by rare huge trajectories (log sigma_m^2 has variance
m psi'((n-1)/2)), so the sample standard deviation that sets the tolerance is
itself unreliable.  E[sigma_m] and E[log sigma_m^2] have light enough tails.
"""

import numpy as np
import pytest
import sympy as sp

from collapse_utils.gaussian import simulate_gaussian
from collapse_utils.theory.core import m, n, numeric
from collapse_utils.theory.gaussian import (
    c4_bound_gap_series,
    check_c4_bound,
    eps,
    expected_log_variance,
    expected_sigma,
    expected_variance,
    expected_w2_squared,
    sigma0,
    suresh_tail_bound,
    variance_log_variance,
    variance_mean,
)
from stats_helpers import assert_mean_close, z_for

ARGS = [m, n, sigma0]
N_SAMPLES, SIGMA0, REPS = 10, 2.0, 40_000


@pytest.fixture(scope="module", params=[0, 1])
def run(request):
    ddof = request.param
    res = simulate_gaussian(0.5, SIGMA0, n=N_SAMPLES, generations=50, ddof=ddof, replicas=REPS, seed=11 + ddof)
    return ddof, res


def test_expected_sigma(run):
    """E[sigma_m] = sigma_0 (E S^{1/2})^m, i.e. sigma_0 c4(n)^m for ddof = 1 (m = 0..50)."""
    ddof, res = run
    gens = np.arange(51)
    assert_mean_close(res.sigma, numeric(expected_sigma(ddof), ARGS)(gens, N_SAMPLES, SIGMA0), axis=1, what="E sigma_m")


def test_expected_log_variance(run):
    """E[log sigma_m^2] = log sigma_0^2 + m [psi((n-1)/2) + log(2/(n - ddof))], with the exact sd m psi'((n-1)/2)."""
    ddof, res = run
    gens = np.arange(51)
    expected = numeric(expected_log_variance(ddof), ARGS)(gens, N_SAMPLES, SIGMA0)
    sd = np.sqrt(numeric(variance_log_variance(), ARGS)(gens, N_SAMPLES, SIGMA0))
    logs = np.log(res.sigma**2)
    assert_mean_close(logs[1:], expected[1:], axis=1, sd=sd[1:], what="E log sigma_m^2")
    np.testing.assert_allclose(logs[0], expected[0])


def test_variance_of_log_variance(run):
    """Var(log sigma_m^2) = m psi'((n-1)/2) for both ddof, checked as the mean of (log sigma_m^2 - E)^2 (m = 1..50)."""
    ddof, res = run
    gens = np.arange(1, 51)
    centre = numeric(expected_log_variance(ddof), ARGS)(gens, N_SAMPLES, SIGMA0)
    squared = (np.log(res.sigma[1:] ** 2) - centre[:, None]) ** 2
    assert_mean_close(squared, numeric(variance_log_variance(), ARGS)(gens, N_SAMPLES, SIGMA0), axis=1, what="Var log sigma_m^2")


def test_variance_mean_and_w2_few_generations(run):
    """Var(mu_m), E[sigma_m^2] and E[W_2^2] to the start, for m = 1..5 (where sigma_m^2 has light tails)."""
    ddof, res = run
    gens = np.arange(1, 6)
    mu, sig = res.mu[1:6], res.sigma[1:6]
    assert_mean_close((mu - 0.5) ** 2, numeric(variance_mean(ddof), ARGS)(gens, N_SAMPLES, SIGMA0), axis=1, what="Var mu_m")
    assert_mean_close(sig**2, numeric(expected_variance(ddof), ARGS)(gens, N_SAMPLES, SIGMA0), axis=1, what="E sigma_m^2")
    w2 = (mu - 0.5) ** 2 + (sig - SIGMA0) ** 2
    assert_mean_close(w2, numeric(expected_w2_squared(ddof), ARGS)(gens, N_SAMPLES, SIGMA0), axis=1, what="E W2^2")


def test_closed_forms_special_cases():
    """ddof = 1 keeps E sigma_m^2 = sigma_0^2 and gives Var mu_m = sigma_0^2 m / n; ddof = 0 gives (1 - 1/n)^m."""
    assert expected_variance(1) == sigma0**2
    assert (variance_mean(1) - sigma0**2 * m / n).simplify() == 0
    assert (expected_variance(0) - sigma0**2 * (1 - 1 / n) ** m).simplify() == 0


def test_c4_bound_and_tail_bound():
    """c4(n) <= exp(-1/(4n-1)) (n = 2..1e8, gap ~ 3/(16 n^2)) and Suresh's bound dominates P(sigma_m > eps)."""
    gaps = check_c4_bound()
    assert gaps.min() > 0.18
    assert c4_bound_gap_series().coeff(n, -2) == -sp.Rational(3, 16)
    gens, epsilon = np.arange(0, 201, 20), 0.1
    res = simulate_gaussian(0.0, 1.0, n=10, generations=200, replicas=10_000, seed=5)
    tail = (res.sigma[gens] > epsilon).astype(float)
    bound = numeric(suresh_tail_bound(), [m, n, sigma0, eps])(gens, 10, 1.0, epsilon)
    slack = z_for(gens.size) * np.sqrt(0.25 / tail.shape[1])
    assert np.all(tail.mean(axis=1) <= bound + slack)



@pytest.mark.parametrize("ddof", [0, 1])
def test_numpy_twins_equal_the_sympy_expressions(ddof):
    """The explorers' NumPy twins agree with the derived SymPy expressions on a grid."""
    from collapse_utils.theory.gaussian import expected_log_variance_np, expected_sigma_np, suresh_tail_bound_np

    ms, ns, s0s = np.meshgrid([0, 1, 7, 100, 2500], [2, 3, 10, 100, 150], [0.5, 1.0, 2.0], indexing="ij")
    np.testing.assert_allclose(expected_sigma_np(ms, ns, s0s, ddof),
                               numeric(expected_sigma(ddof), ARGS)(ms, ns, s0s), rtol=1e-9)  # rounding x m = 2500
    np.testing.assert_allclose(expected_log_variance_np(ms, ns, s0s, ddof),
                               numeric(expected_log_variance(ddof), ARGS)(ms, ns, s0s), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(suresh_tail_bound_np(ms, ns, s0s, 0.1),
                               numeric(suresh_tail_bound(), [m, n, sigma0, eps])(ms, ns, s0s, 0.1), rtol=1e-12)


def test_chi2_mellin_moment_takes_any_symbols():
    """E[V^s] = 2^s Gamma(k/2 + s) / Gamma(k/2) even when the order is a symbol named like the degrees of freedom."""
    from collapse_utils.theory.gaussian import chi2_mellin_moment

    order = sp.Symbol("k", positive=True)
    assert sp.simplify(chi2_mellin_moment(4, order) - 2**order * sp.gamma(2 + order)) == 0
    dof = sp.Symbol("s")
    assert sp.simplify(chi2_mellin_moment(dof, 1) - dof) == 0


def test_theory_defaults_describe_the_simulators_default_chain():
    """Called without ddof, the closed forms and their NumPy twins describe simulate_gaussian's default estimator."""
    import inspect

    from collapse_utils.theory.gaussian import expected_sigma_np

    ddof = inspect.signature(simulate_gaussian).parameters["ddof"].default
    assert sp.simplify(expected_w2_squared() - expected_w2_squared(ddof)) == 0
    np.testing.assert_array_equal(expected_sigma_np([0, 3, 50], 10, 2.0), expected_sigma_np([0, 3, 50], 10, 2.0, ddof))


def test_c4_bound_gap_series_matches_the_exact_gap():
    """The series of log c4(n) + 1/(4n - 1) agrees with 50-digit values to its first omitted order, and refuses order 0."""
    import mpmath

    series = c4_bound_gap_series(4)
    for size in (50, 400):
        with mpmath.workdps(50):
            k = mpmath.mpf(size)
            exact = mpmath.log(2 / (k - 1)) / 2 + mpmath.loggamma(k / 2) - mpmath.loggamma((k - 1) / 2) + 1 / (4 * k - 1)
        assert abs(float(series.subs(n, size)) - float(exact)) < 1 / size**4
    with pytest.raises(ValueError, match="order"):
        c4_bound_gap_series(0)
