"""simulate_gaussian against exact facts."""

import numpy as np
import pytest
import sympy as sp
from scipy.stats import ks_2samp

from collapse_utils import simulate_gaussian
from collapse_utils.theory import c4, numeric
from stats_helpers import FALSE_FAILURE, assert_mean_close


def test_shapes_and_start():
    res = simulate_gaussian(1.5, 2.0, n=5, generations=4, replicas=3, seed=0)
    assert res.mu.shape == res.sigma.shape == (5, 3)
    assert np.all(res.mu[0] == 1.5) and np.all(res.sigma[0] == 2.0)


def test_expected_sd_decays_as_c4_power():
    """E[sigma_m] = sigma_0 c4(n)^m for the unbiased sd (ddof=1)."""
    n_samples, gens = 10, 30
    res = simulate_gaussian(0.0, 2.0, n=n_samples, generations=gens, replicas=10_000, seed=4)
    c = float(numeric(c4(), [sp.Symbol("n", positive=True, integer=True)])(n_samples))
    expected = 2.0 * c ** np.arange(gens + 1)
    assert_mean_close(res.sigma, expected, axis=1, what="E sigma_m")


@pytest.mark.parametrize("n_samples", [2, 8])
def test_mle_variance_decays_geometrically(n_samples):
    """With ddof=0, E[sigma_1^2] = sigma_0^2 (1 - 1/n) after one refit (the variance of one step is finite)."""
    res = simulate_gaussian(0.0, 1.0, n=n_samples, generations=1, ddof=0, replicas=40_000, seed=9)
    assert_mean_close(res.sigma[1] ** 2, 1 - 1 / n_samples, what="MLE variance")


def test_sufficient_statistic_shortcut_matches_explicit_sampling():
    """The simulator draws (mean, sd) from their exact joint law; compare with fitting explicit samples."""
    rng = np.random.default_rng(0)
    n_samples, reps = 7, 20_000
    data = rng.normal(1.0, 3.0, size=(reps, n_samples))
    explicit_mu, explicit_sd = data.mean(1), data.std(1, ddof=1)
    res = simulate_gaussian(1.0, 3.0, n=n_samples, generations=1, replicas=reps, seed=1)
    assert ks_2samp(explicit_mu, res.mu[1]).pvalue > FALSE_FAILURE
    assert ks_2samp(explicit_sd, res.sigma[1]).pvalue > FALSE_FAILURE


def test_a_mean_that_overflows_is_reported_as_mu():
    """A start at the largest float: the fitted spread stays finite, the mean overflows and is named."""
    with pytest.raises(ValueError, match=r"^mu is not finite .*: sigma leaves the float64 range"):
        simulate_gaussian(np.finfo(float).max, 1e300, n=4, generations=1, ddof=0, replicas=50, seed=0)
