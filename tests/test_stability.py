"""Gaussian retraining with real data: the book's exact second moments against Monte Carlo."""

import numpy as np
import pytest
import sympy as sp

from collapse_utils.stability import simulate_retraining
from collapse_utils.theory.core import iterate_affine
from collapse_utils.theory.stability import N, mean_only_error, mean_variance_recursion, sigma, t
from collapse_utils.theory.stability import ratio as lam  # the ratio M / N, written lambda in the chapter
from stats_helpers import assert_mean_close

GENS = [1, 2, 5, 20]


@pytest.mark.parametrize("real", ["fresh", "fixed"])
@pytest.mark.parametrize("ratio", [0.5, 2.0])
def test_mean_only_error(real, ratio):
    """E (mu_t - mu*)^2 = theory.stability.mean_only_error(real)['solution'] and E mu_t - mu* = a^t (mu_0 - mu*)."""
    n_real = 10
    res = simulate_retraining(1.0, 2.0, n_real=n_real, lam=ratio, generations=max(GENS), real=real,
                              replicas=40_000, seed=3)
    sol = mean_only_error(real)["solution"].subs({lam: ratio, N: n_real, sigma: 2.0})
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


@pytest.mark.parametrize("n_real, ratio", [(6, 0.5), (10, 0.1)])  # M = 3, and M = 1 (no synthetic spread)
@pytest.mark.parametrize("real", ["fresh", "fixed"])
def test_mean_variance_recursion(real, n_real, ratio):
    """(E e_t^2, E sigma_t^2) follows x_{t+1} = A x_t + b of theory.stability.mean_variance_recursion."""
    s = 1.5
    A, b, x0 = (np.array(m.subs({lam: ratio, N: n_real, sigma: s}), dtype=float) for m in mean_variance_recursion(real))
    xs = iterate_affine(A, b, x0, max(GENS))
    res = simulate_retraining(0.0, s, n_real=n_real, lam=ratio, generations=max(GENS), real=real,
                              model="mean-variance", replicas=60_000, seed=5)
    centre = res.real_mu if real == "fixed" else 0.0
    assert_mean_close((res.mu[GENS] - centre) ** 2, xs[GENS, 0], axis=1, what=f"E e^2 ({real})")
    assert_mean_close(res.sigma2[GENS], xs[GENS, 1], axis=1, what=f"E sigma^2 ({real})")


def test_stationary_variance_formula():
    """Stationary mean-only error: sigma^2 (1 + lambda) / (N (1 + 2 lambda)) (fresh), sigma^2 (1 + 3 lambda)/(N (1 + 2 lambda)) (fixed)."""
    assert sp.simplify(mean_only_error("fresh")["stationary"] - sigma**2 * (1 + lam) / (N * (1 + 2 * lam))) == 0
    assert sp.simplify(mean_only_error("fixed")["stationary"] - sigma**2 * (1 + 3 * lam) / (N * (1 + 2 * lam))) == 0


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


def test_bertrand_condition_is_the_factor_below_one():
    """lambda (kappa + eps L)/(kappa - lambda (kappa + eps L)) < 1 iff lambda (1 + L eps / kappa) < 1/2 (Bertrand et al. 2024)."""
    from collapse_utils.theory.stability import L, bertrand_condition, bertrand_factor, eps, kappa

    x = sp.Symbol("x", nonnegative=True)
    c = kappa + eps * L
    assert sp.simplify(bertrand_factor().subs(lam, x * kappa / c) - x / (1 - x)) == 0
    assert sp.simplify(bertrand_condition().lhs - lam * c / kappa) == 0
    assert bertrand_condition().rhs == sp.Rational(1, 2)
    # The Gaussian mean: kappa = 1/sigma^2, L = eps = 0 -> bound lambda/(1 - lambda) >= exact lambda/(1 + lambda).
    gauss = sp.simplify(bertrand_factor().subs({eps: 0, kappa: 1 / sigma**2}))
    assert sp.simplify(gauss - lam / (1 - lam)) == 0
    assert sp.simplify(gauss - lam / (1 + lam) - 2 * lam**2 / ((1 - lam) * (1 + lam))) == 0


@pytest.mark.parametrize("model", ["mean", "mean-variance"])
def test_population_map_contracts_for_every_lambda(model):
    """The infinite-sample retraining map derived from the objective has Jacobian lambda/(1+lambda) Id at the data."""
    from collapse_utils.theory.stability import population_map

    out = population_map(model)
    size = out["jacobian"].shape[0]
    assert sp.simplify(out["jacobian"] - lam / (1 + lam) * sp.eye(size)) == sp.zeros(size, size)
    assert out["hessian"][0, 0] == -1 / sigma**2
    with pytest.raises(ValueError, match="model"):
        population_map("variance")


@pytest.mark.parametrize("real", ["fresh", "fixed"])
def test_contraction_beyond_bertrands_condition(real):
    """At lambda = 4 and 8 (condition: lambda < 1/2) the mean still contracts by lambda/(1+lambda) per generation."""
    for ratio in (4.0, 8.0):
        res = simulate_retraining(0.0, 1.0, n_real=10, lam=ratio, generations=3, real=real, mu_init=3.0,
                                  replicas=40_000, seed=int(ratio))
        a = ratio / (1 + ratio)
        assert_mean_close(res.mu[[1, 3]], 3.0 * a ** np.array([1, 3]), axis=1, what=f"lambda={ratio} ({real})")


@pytest.mark.parametrize("real", ["fresh", "fixed"])
def test_numpy_twins_equal_the_sympy_derivation(real):
    """The explorer's NumPy forms are the SymPy results (sigma* = 1), and stay finite where powers overflow."""
    import sympy as sp

    from collapse_utils.theory import stability as th

    solution = sp.lambdify((th.ratio, th.N, th.t), th.mean_only_error(real)["solution"].subs(th.sigma, 1))
    A, b, x0 = (sp.lambdify((th.ratio, th.N), part.subs(th.sigma, 1)) for part in th.mean_variance_recursion(real))
    for lam in (0.25, 1.0, 3.5):
        for N in (4, 20, 200):
            t = np.arange(0, 40)
            np.testing.assert_allclose(th.mean_only_error_np(real, lam, N, t), solution(lam, N, t), rtol=1e-12)
            for twin, exact in zip(th.mean_variance_recursion_np(real, lam, N), (A, b, x0)):
                np.testing.assert_allclose(twin, np.asarray(exact(lam, N), dtype=float).reshape(twin.shape), rtol=1e-12)
    far = th.mean_only_error_np(real, 8.0, 20, np.arange(0, 400))
    assert np.all(np.isfinite(far))
    with pytest.raises(ValueError, match="real"):
        th.mean_only_error_np("stale", 1.0, 10, 1)


@pytest.mark.parametrize("model", ["mean", "mean-variance"])
def test_without_synthetic_data_every_generation_is_a_fresh_fit(model):
    """lam = 0, fresh real data: each generation is the MLE of N new points, mu_t ~ N(mu*, sigma*^2 / N) and,
    fitting the variance, E sigma_t^2 = sigma*^2 (N - 1) / N; the mean-only model keeps sigma*^2 exactly."""
    n_real, s = 5, 1.5
    res = simulate_retraining(1.0, s, n_real=n_real, lam=0.0, generations=4, model=model, replicas=20_000, seed=7)
    assert_mean_close(res.mu[1:], 1.0, axis=1, sd=s / np.sqrt(n_real), what="E mu_t")
    assert_mean_close((res.mu[1:] - 1.0) ** 2, s**2 / n_real, axis=1, what="E e_t^2")
    if model == "mean":
        np.testing.assert_array_equal(res.sigma2, s**2)
    else:
        assert_mean_close(res.sigma2[1:], s**2 * (n_real - 1) / n_real, axis=1, what="E sigma_t^2")


def test_mean_only_model_keeps_the_known_variance():
    """model="mean" fits the mean only: sigma_t^2 = sigma*^2 at every generation, and a sigma_init is refused."""
    res = simulate_retraining(0.0, 1.5, n_real=4, lam=2.0, generations=3, replicas=5, seed=0)
    np.testing.assert_array_equal(res.sigma2, 1.5**2)
    with pytest.raises(ValueError, match=r"sigma_init is not used: model=\"mean\" keeps the variance"):
        simulate_retraining(0.0, 1.5, n_real=4, lam=2.0, generations=3, sigma_init=2.0)


@pytest.mark.parametrize(
    "kwargs, what",
    [
        (dict(mu_star=1e308, sigma_star=1.0), "mu"),  # N * mean overflows
        (dict(mu_star=0.0, sigma_star=1e200, lam=0.0), "sigma2"),  # sigma*^2 overflows
        (dict(mu_star=0.0, sigma_star=1.0, model="mean-variance", mu_init=1e160), "sigma2"),  # (mean gap)^2
    ],
)
def test_parameters_leaving_the_float64_range_are_reported(kwargs, what):
    """Overflow is a ValueError naming the fitted parameter and the remedy, never infinities or OverflowError."""
    with pytest.raises(ValueError, match=rf"^{what} is not finite .*; rescale the data$"):
        simulate_retraining(**{"n_real": 10, "lam": 1.0, "generations": 1, **kwargs})
