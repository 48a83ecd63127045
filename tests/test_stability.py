"""Gaussian retraining with real data: the book's exact second moments against Monte Carlo."""

import numpy as np
import pytest
import sympy as sp

from collapse_utils.stability import simulate_retraining
from collapse_utils.theory.core import iterate_affine
from collapse_utils.theory.stability import N, mean_only_error, mean_variance_recursion, sigma, t
from collapse_utils.theory.stability import ratio as kappa
from stats_helpers import assert_mean_close

GENS = [1, 2, 5, 20]


@pytest.mark.parametrize("real", ["fresh", "fixed"])
@pytest.mark.parametrize("ratio", [0.5, 2.0])
def test_mean_only_error(real, ratio):
    """E (mu_t - mu*)^2 = theory.stability.mean_only_error(real)['solution'] and E mu_t - mu* = a^t (mu_0 - mu*)."""
    n_real = 10
    res = simulate_retraining(1.0, 2.0, n_real=n_real, lam=ratio, generations=max(GENS), real=real,
                              replicas=40_000, seed=3)
    sol = mean_only_error(real)["solution"].subs({kappa: ratio, N: n_real, sigma: 2.0})
    expected = np.array([float(sol.subs(t, g)) for g in GENS])
    assert_mean_close((res.mu[GENS] - 1.0) ** 2, expected, axis=1, what=f"E e_t^2 ({real})")


@pytest.mark.parametrize("real", ["fresh", "fixed"])
def test_contraction_from_a_biased_start(real):
    """E mu_t - mu* = (lambda / (1 + lambda))^t (mu_init - mu*)."""
    res = simulate_retraining(0.0, 1.0, n_real=8, lam=1.5, generations=6, real=real, mu_init=3.0,
                              replicas=40_000, seed=4)
    a = 1.5 / 2.5
    expected = 3.0 * a ** np.arange(1, 7)
    assert_mean_close(res.mu[1:], expected, axis=1, what=f"E mu_t ({real})")


@pytest.mark.parametrize("real", ["fresh", "fixed"])
def test_mean_variance_recursion(real):
    """(E e_t^2, E sigma_t^2) follows x_{t+1} = A x_t + b of theory.stability.mean_variance_recursion."""
    n_real, ratio, s = 6, 0.5, 1.5
    A, b, x0 = (np.array(m.subs({kappa: ratio, N: n_real, sigma: s}), dtype=float) for m in mean_variance_recursion(real))
    xs = iterate_affine(A, b, x0, max(GENS))
    res = simulate_retraining(0.0, s, n_real=n_real, lam=ratio, generations=max(GENS), real=real,
                              model="mean-variance", replicas=60_000, seed=5)
    centre = res.real_mu if real == "fixed" else 0.0
    assert_mean_close((res.mu[GENS] - centre) ** 2, xs[GENS, 0], axis=1, what=f"E e^2 ({real})")
    assert_mean_close(res.sigma2[GENS], xs[GENS, 1], axis=1, what=f"E sigma^2 ({real})")


def test_stationary_variance_formula():
    """Stationary mean-only error: sigma^2 (1 + lambda) / (N (1 + 2 lambda)) (fresh), sigma^2 (1 + 3 lambda)/(N (1 + 2 lambda)) (fixed)."""
    assert sp.simplify(mean_only_error("fresh")["stationary"] - sigma**2 * (1 + kappa) / (N * (1 + 2 * kappa))) == 0
    assert sp.simplify(mean_only_error("fixed")["stationary"] - sigma**2 * (1 + 3 * kappa) / (N * (1 + 2 * kappa))) == 0


@pytest.mark.parametrize(
    "kwargs",
    [dict(lam=-0.5), dict(lam=0.33), dict(n_real=1), dict(sigma_star=0.0), dict(model="x"), dict(real="y")],
)
def test_bad_input_raises(kwargs):
    args = dict(mu_star=0.0, sigma_star=1.0, n_real=10, lam=1.0, generations=3)
    args.update(kwargs)
    mu_star, sigma_star = args.pop("mu_star"), args.pop("sigma_star")
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        simulate_retraining(mu_star, sigma_star, **args)
