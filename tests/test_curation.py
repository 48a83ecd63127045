"""Curated self-consuming loops (collapse_utils.curation): theory against Monte Carlo."""

import itertools

import numpy as np
import pytest
import sympy as sp

from collapse_utils.curation import (
    curate_counts,
    curation_factor,
    expected_trajectory,
    expected_update,
    reward_tilt,
    simulate_curation,
)
from collapse_utils.theory import curation as tc
from stats_helpers import assert_mean_close

P = np.array([0.4, 0.3, 0.2, 0.1])
R = np.array([0.0, 0.5, 1.0, 2.0])


def brute_force_factor(p, r, K):
    """H^K_p by enumerating all K - 1 competitors (definition of H, small K only)."""
    w = np.exp(r)
    H = np.zeros_like(p)
    for others in itertools.product(range(p.size), repeat=K - 1):
        H += np.prod(p[list(others)]) * K * w / (w + w[list(others)].sum())
    return H


@pytest.mark.parametrize("K", [1, 2, 3, 4])
def test_factor_matches_enumeration_and_sums_to_one(K):
    H = curation_factor(P, R, K)
    np.testing.assert_allclose(H, brute_force_factor(P, R, K) if K > 1 else 1.0, rtol=1e-9)
    assert abs(P @ H - 1) < 1e-10


@pytest.mark.parametrize("K", [2, 5])
def test_one_curated_generation_has_mean_p_H(K):
    """E[p_1] = p_0 H^K_{p_0} (the book's derivation of the curated update), from finite-sample curation."""
    res = simulate_curation(P, R, K=K, n=50, generations=1, replicas=20_000, seed=11)
    assert_mean_close(res.probs[1], expected_update(P, R, K), axis=0, what=f"E p_1, K={K}")


def test_large_vocabulary_branch_has_mean_p_H():
    """E[p_1] = p_0 H^3_{p_0} for s = 40 outcomes, where curate_counts draws candidates by a flat searchsorted."""
    p = np.random.default_rng(0).dirichlet(np.ones(40))
    r = np.linspace(-1.0, 1.0, 40)
    res = simulate_curation(p, r, K=3, n=20, generations=1, replicas=10_000, seed=12)
    assert_mean_close(res.probs[1], expected_update(p, r, 3), axis=0, what="E p_1, s=40")


def test_real_fraction_mixes_linearly():
    """E[p_1] = phi p_data + (1 - phi) p_0 H^K_{p_0} with fresh real data."""
    res = simulate_curation(P, R, K=3, n=40, generations=1, real_fraction=0.25, replicas=20_000, seed=5)
    assert_mean_close(res.probs[1], expected_update(P, R, 3, real_fraction=0.25), axis=0, what="mixed E p_1")


def test_large_K_is_the_reward_tilt():
    """H^K_p -> e^r / E_p e^r as K -> infinity, so p_t -> p_0 e^{t r} / Z."""
    tilt = reward_tilt(P, R, 1.0)
    np.testing.assert_allclose(expected_update(P, R, 4000), tilt, atol=2e-3)
    traj = expected_trajectory(P, R, 4000, generations=3)
    np.testing.assert_allclose(traj, reward_tilt(P, R, np.arange(4)), atol=5e-3)


def test_expected_reward_is_monotone_and_entropy_falls():
    for K in (2, 3, 10):
        traj = expected_trajectory(P, R, K, generations=15)
        assert np.all(np.diff(traj @ R) >= -1e-12)
        ent = -(traj * np.log(traj)).sum(1)
        assert ent[-1] < ent[0]


def test_kl_bound_with_real_data_holds_and_is_tight():
    """KL(p_data || p_t) <= log(1 / phi) whenever p_t >= phi p_data, and no smaller constant works.

    The curated trajectory stays inside the bound; the model phi p_data + (1 - phi) delta_x, the
    update's worst case (all synthetic mass on the rarest outcome x, whose real mass is eps), comes
    within eps (log(1/phi) + log(1/eps)) of the bound, so a looser bound such as log(1 + 1/phi) fails.
    """
    phi = 0.2
    bound = float(tc.kl_bound_with_real_data().subs(tc.phi, phi))
    np.testing.assert_allclose(bound, np.log(1 + (1 - phi) / phi))  # phi = 1 / (1 + lambda): log(1 + lambda)
    traj = expected_trajectory(P, R, 6, generations=60, real_fraction=phi)
    kl = (P * np.log(P / traj)).sum(1)
    assert np.all(kl <= bound + 1e-12)
    assert kl[-1] > 0.05 * bound  # the trajectory really moves away from p_data
    eps = 1e-7
    data = np.array([1 - eps, eps])
    worst = phi * data + (1 - phi) * np.array([0.0, 1.0])
    worst_kl = (data * np.log(data / worst)).sum()
    assert worst_kl <= bound
    assert bound - worst_kl <= eps * (np.log(1 / phi) + np.log(1 / eps))


def test_real_data_keep_the_loop_diverse_over_many_generations():
    """With K = 1 and fresh real data, E||p_t||^2 follows its exact recursion for 25 generations.

    ``round(phi n)`` real samples come from p0 every generation and the rest from p_t, so with
    M_t = E[p_t p_t^T]:  n^2 M_{t+1} = n diag(p0) + (n_r (n_r - 1) + 2 n_r n_s) p0 p0^T + n_s (n_s - 1) M_t.
    Real data drawn from the current model instead would collapse the loop (E||p_t||^2 -> 1).
    """
    n_tot, phi, gens = 20, 0.5, 25
    n_r = int(round(phi * n_tot))
    n_s = n_tot - n_r
    M = np.outer(P, P)
    expected = [np.trace(M)]
    for _ in range(gens):
        M = (n_tot * np.diag(P) + (n_r * (n_r - 1) + 2 * n_r * n_s) * np.outer(P, P) + n_s * (n_s - 1) * M) / n_tot**2
        expected.append(np.trace(M))
    res = simulate_curation(P, R, K=1, n=n_tot, generations=gens, real_fraction=phi, replicas=20_000, seed=17)
    sigma = (res.probs**2).sum(-1)
    assert_mean_close(sigma[[1, 5, 25]], np.array(expected)[[1, 5, 25]], axis=1, what="E||p_t||^2")
    assert res.entropy[-1].mean() > 0.8 * res.entropy[0, 0]


def test_sympy_identities():
    assert tc.k2_normalisation(3) == 0
    lhs, rhs = tc.laplace_normalisation()
    assert sp.simplify(lhs - rhs) == 0
    grads, _ = tc.tilt_maximises_regularised_reward()
    assert grads == [0, 0, 0]
    inc, var = tc.tilted_reward_increment()
    assert sp.simplify(inc - var) == 0
    assert tc.covariance_identity(3) == 0


def test_curate_counts_with_K1_is_plain_sampling():
    rng = np.random.default_rng(3)
    counts = curate_counts(np.tile(P, (5000, 1)), R, 1, 30, rng)
    assert counts.sum(1).tolist() == [30] * 5000
    assert_mean_close(counts / 30, P, axis=0, what="K=1")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(K=0), "K"),
        (dict(K=2, n=0), "n"),
        (dict(K=2, real_fraction=1.5), "real_fraction"),
        (dict(K=2, r=np.zeros(3)), "r must"),
        (dict(K=2, r=np.array([0, 1, np.nan, 0])), "r must"),
        (dict(K=2, p0=np.array([0.5, 0.6, 0.0, 0.0])), "p0"),
    ],
)
def test_bad_input_raises(kwargs, match):
    base = dict(p0=P, r=R, K=2, n=10, generations=2)
    base.update(kwargs)
    p0, r = base.pop("p0"), base.pop("r")
    with pytest.raises(ValueError, match=match):
        simulate_curation(p0, r, **base)


def test_bad_time_raises():
    with pytest.raises(ValueError, match="t must"):
        reward_tilt(P, R, -1.0)


def test_factor_is_exact_for_far_apart_rewards_and_outcomes_outside_the_support():
    """Rewards 40 apart make the quadrature windows of the outcomes disjoint; an outcome outside the support of
    ``p = (1, 0)`` with a reward 30 above it faces ``K - 1`` copies of outcome 0: ``H = K w / (w + K - 1)``."""
    p = np.array([0.5, 0.5])
    for K in (3, 4):
        np.testing.assert_allclose(curation_factor(p, np.array([0.0, -40.0]), K), brute_force_factor(p, np.array([0.0, -40.0]), K), rtol=1e-10)
    for K in (3, 10**6):
        H = curation_factor(np.array([1.0, 0.0]), np.array([0.0, 30.0]), K)
        np.testing.assert_allclose(H, [1.0, K / (1 + (K - 1) * np.exp(-30.0))], rtol=1e-11)


def test_reward_tilt_keeps_outcomes_outside_the_support_at_zero():
    import warnings

    p0, r = np.array([0.5, 0.5, 0.0]), np.array([0.0, 1.0, 5.0])  # the best reward is outside the support
    np.testing.assert_allclose(reward_tilt(p0, r, 1.0), [1 / (1 + np.e), np.e / (1 + np.e), 0.0], rtol=1e-13)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # t (r - max r) overflows to -inf quietly
        np.testing.assert_array_equal(reward_tilt(p0, r, 1e308), [0.0, 1.0, 0.0])
        np.testing.assert_array_equal(reward_tilt(np.full(3, 1 / 3), np.array([0.0, 1.0, 2.0]), 1e308), [0, 0, 1.0])


def test_shapes_and_sizes_are_checked_with_the_argument_named():
    with pytest.raises(ValueError, match="r must"):
        expected_update(P, R[:3], 2)
    with pytest.raises(ValueError, match="probs"):
        curate_counts(P, R, 2, 5, np.random.default_rng(0))  # one model is a row: shape (1, s), not (s,)


def test_simulation_records_the_support_of_every_replica():
    p0 = np.array([0.5, 0.5, 0.0, 0.0])
    res = simulate_curation(p0, R, K=2, n=10, generations=3, replicas=5, seed=0)
    assert res.support.shape == res.entropy.shape == (4, 5)
    assert res.support[0].tolist() == [2] * 5
    np.testing.assert_array_equal(res.support, (res.probs > 0).sum(axis=2))


def test_work_guard_counts_the_pairwise_choices_of_K2():
    """K = 2 costs the ``s^2`` pairwise Bradley-Terry probabilities per step: 10 steps at s = 1000 are 1e7
    exponentials, refused under a limit of 1e6 and accepted under 1e9."""
    from collapse_utils.validation import limits

    p, r = np.full(1000, 1e-3), np.linspace(0.0, 1.0, 1000)
    with limits(work=1e6), pytest.raises(ValueError, match="generations=10"):
        expected_trajectory(p, r, 2, generations=10)
    with limits(work=1e9):
        assert expected_trajectory(p, r, 2, generations=10).shape == (11, 1000)
