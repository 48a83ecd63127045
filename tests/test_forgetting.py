"""Rate of forgetting (Suresh et al. 2025): g_k, the Poisson chain, Bernoulli bounds, unigram survival."""

import numpy as np
import pytest
import sympy as sp

from collapse_utils.chains import simulate_chain
from collapse_utils.forgetting import loss_times, simulate_poisson
from collapse_utils.theory.core import n, numeric
from collapse_utils.theory.forgetting import (
    bernoulli_bounds,
    c,
    g,
    g_sequence,
    gw_survival_recursion,
    k,
    lam0,
    median_forgetting_time,
    p0,
    poisson_survival,
    reciprocal_increment_limit,
    unigram_survival,
)
from stats_helpers import assert_mean_close, z_for


def test_g_sequence_against_direct_iteration_and_bounds():
    """g_1 = 1, g_{k+1} = 1 - exp(-g_k) (plain float iteration), 1/k <= g_k <= 3/k and k g_k -> 2."""
    gs = g_sequence(100_000)
    direct = [1.0]
    for _ in range(49):
        direct.append(1 - np.exp(-direct[-1]))
    np.testing.assert_allclose(gs[:50], direct, rtol=1e-12)
    ks = np.arange(1, gs.size + 1)
    assert np.all(gs >= 1 / ks) and np.all(gs <= 3 / ks)
    assert abs(ks[-1] * gs[-1] - 2) < 1e-3
    assert reciprocal_increment_limit() == sp.Rational(1, 2)
    with pytest.raises(ValueError, match="k_max"):
        g_sequence(0)


def test_galton_watson_algebra():
    """The Poisson(1) pgf turns survival of one line into g, and a Poisson(n Lambda_0) start into exp(-n Lambda_0 y)."""
    step, start = gw_survival_recursion()
    y = sp.Symbol("y", positive=True)
    assert sp.simplify(step - (1 - sp.exp(-y))) == 0
    assert sp.simplify(1 - start.subs(y, g) - poisson_survival()) == 0


def test_poisson_survival_matches_theorem_2():
    """P(Lambda_k != 0) = 1 - exp(-n Lambda_0 g_k) (Theorem 2, exact), n = 10, Lambda_0 in {0.3, 1}."""
    gs = g_sequence(200)
    ks = np.array([1, 2, 5, 10, 50, 200])
    surv = numeric(poisson_survival(), [n, lam0, g])
    for j, rate in enumerate([0.3, 1.0]):
        rates = simulate_poisson(rate, n=10, generations=200, replicas=30_000, seed=3 + j)
        expected = surv(10, rate, gs[ks - 1])
        alive = (rates[ks] != 0).astype(float)
        assert_mean_close(alive, expected, axis=1, sd=np.sqrt(expected * (1 - expected)), what=f"Poisson lam0={rate}")


def test_poisson_survival_given_the_first_count():
    """Exercise ex-fw-observed: P(Lambda_k != 0 | n Lambda_1 = c) = 1 - (1 - g_k)^c.

    Starting simulate_poisson at lam0 = c / n makes row j of its output Lambda_{1+j}, so row
    k - 1 is Lambda_k given n Lambda_1 = c.  The unconditional 1 - exp(-c g_k) differs by more
    than the tolerance at these k, so the test tells the two formulas apart.
    """
    n_samples, count, reps = 10, 3, 40_000
    gs = g_sequence(60)
    ks = np.array([2, 5, 10, 30, 60])
    rates = simulate_poisson(count / n_samples, n=n_samples, generations=59, replicas=reps, seed=12)
    alive = (rates[ks - 1] != 0).astype(float)
    expected = 1 - (1 - gs[ks - 1]) ** count
    assert_mean_close(alive, expected, axis=1, sd=np.sqrt(expected * (1 - expected)), what="survival given Z_1 = c")


def test_bernoulli_chain_within_theorem_1_bounds():
    """Bernoulli chain (simulate_chain on two tokens): 1 - e^{-n p0 g_k} <= P(P_k != 0) <= upper bound.

    The upper bound is informative (below 1) only while 3 n p0^2 + 3 k p0 < 1, i.e. for k <= 32 here;
    it is compared with the simulation on those generations only.
    """
    p_zero, n_samples, reps = 0.01, 100, 10_000
    res = simulate_chain([p_zero, 1 - p_zero], n=n_samples, generations=50, replicas=reps, seed=8, record="stats")
    ks = np.arange(1, 51)
    alive = (res.stats["support"][1:] == 2).mean(axis=1)  # token 0 present (token 1 cannot die this fast)
    lower, upper = (numeric(b, [n, p0, g, k]) for b in bernoulli_bounds())
    gs = g_sequence(50)
    slack = z_for(2 * ks.size) * np.sqrt(0.25 / reps)
    informative = upper(n_samples, p_zero, gs, ks) < 1
    np.testing.assert_array_equal(ks[informative], np.arange(1, 33))
    assert np.all(alive >= lower(n_samples, p_zero, gs, ks) - slack)
    assert np.all(alive[informative] <= upper(n_samples, p_zero, gs[informative], ks[informative]) + slack)


def test_bernoulli_upper_bound_grows_with_k():
    """Theorem 1's upper bound carries the factor 3 k p0: at fixed g_k it rises linearly in k until it is 1,
    exactly at k = (1 - 3 n p0^2) / (3 p0)."""
    _, upper = bernoulli_bounds()
    f = numeric(upper, [n, p0, g, k])
    n_v, p_v, g_v = 50, 0.02, 0.3
    ks = np.arange(1, 20)
    values = f(n_v, p_v, g_v, ks)
    k_star = (1 - 3 * n_v * p_v**2) / (3 * p_v)
    np.testing.assert_allclose(np.diff(values[ks < k_star - 1]), 3 * p_v * np.exp(-n_v * p_v * g_v))
    np.testing.assert_allclose(values[ks >= k_star], 1.0)


def test_unigram_survival_and_loss_times():
    """Per word, Corollary 1: 1 - e^{-c g_k} <= P(word i alive at k) <= 1 - max(1 - 3 n p_i^2 - 3 k p_i, 0) e^{-c g_k}.

    Here c = n p_i is the expected count of word i in a corpus of n words; each comparison
    allows the Bonferroni z times the binomial standard error of the survival frequency.
    """
    s, n_samples, reps, gens = 200, 1000, 2000, 20
    i = np.arange(1, s + 1)
    probs = (i + 2.7) ** -1.0
    probs /= probs.sum()
    res = simulate_chain(probs, n=n_samples, generations=gens, replicas=reps, seed=21)
    times = loss_times(res.probs)
    assert times.shape == (reps, s)
    np.testing.assert_array_equal(np.isinf(times), res.final > 0)
    gs = g_sequence(gens)
    formula = numeric(unigram_survival(), [c, g])
    _, upper_b = (numeric(b, [n, p0, g, k]) for b in bernoulli_bounds())
    z = z_for(2 * 3 * s)
    for kk in (1, 5, 20):
        survived = (times > kk).mean(axis=0)
        lower = formula(n_samples * probs, gs[kk - 1])
        upper = upper_b(n_samples, probs, gs[kk - 1], kk)
        se = np.sqrt(0.25 / reps)
        assert np.all(survived >= lower - z * se)
        assert np.all(survived <= upper + z * se)
    assert sp.simplify(median_forgetting_time() - 2 * c / sp.log(2)) == 0


def test_bad_input():
    with pytest.raises(ValueError, match="lam0"):
        simulate_poisson(0.0, n=5, generations=3)
    with pytest.raises(ValueError, match="n"):
        simulate_poisson(1.0, n=0, generations=3)
    with pytest.raises(ValueError, match="probs"):
        loss_times(np.zeros((3, 4)))


def test_unigram_survival_numpy_twin_equals_the_sympy_expression():
    from collapse_utils.theory.forgetting import unigram_survival_np

    cs, gs = np.meshgrid(np.geomspace(1e-4, 1e3, 15), g_sequence(60), indexing="ij")
    np.testing.assert_allclose(unigram_survival_np(cs, gs), numeric(unigram_survival(), [c, g])(cs, gs), rtol=1e-9)


def test_bernoulli_lower_bound_after_one_generation():
    """At k = 1 (g_1 = 1) the lower bound is 1 - e^{-n p0}, a probability just below the exact
    P(P_1 != 0) = 1 - (1 - p0)^n; the gap is at most n p0^2."""
    lower, _ = bernoulli_bounds()
    f = numeric(lower, [n, p0, g, k])
    for n_v, p_v in [(100, 0.01), (20, 0.1), (500, 0.002)]:
        exact = 1 - (1 - p_v) ** n_v
        value = float(f(n_v, p_v, 1.0, 1))
        assert 0 < value <= exact <= value + n_v * p_v**2


def test_rates_beyond_exact_poisson_draws_and_probabilities_above_one_are_refused():
    """lam0 * n > 1e15 leaves the range of exact Poisson draws (refused even when lam0 alone is below it);
    a probability above 1 is not a model."""
    with pytest.raises(ValueError, match="lam0"):
        simulate_poisson(2e14, n=10, generations=3)
    assert simulate_poisson(1e14, n=10, generations=1, seed=0).shape == (2, 1)
    with pytest.raises(ValueError, match="probs"):
        loss_times(np.array([[[0.5, 0.5]], [[1.5, 0.0]]]))
