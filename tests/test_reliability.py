"""Every reproducer of issue 18: bad input fails at the door, naming the argument; nothing returns NaN silently;
allocations and running times beyond the limits of ``collapse_utils.validation`` are refused up front."""

from __future__ import annotations

import numpy as np
import pytest

import collapse_utils.validation as validation
from collapse_utils import (
    collapse_times,
    resample_counts,
    sample_counts,
    simulate_chain,
    simulate_gaussian,
    simulate_kde,
    simulate_regression,
    temper,
)
from collapse_utils.collapse_map import reuse_theory, synthetic_amount_phase
from collapse_utils.curation import curate_counts, curation_factor, expected_trajectory, reward_tilt
from collapse_utils.editing import simulate_text_loop
from collapse_utils.kde import kde_ise
from collapse_utils.lm_loop import run_loop
from collapse_utils.ngram import Corpus, Vocabulary, context_codes, cross_entropy, fit_ngram, smoothed_probs
from collapse_utils.sampling import choose_strategy
from collapse_utils.temperature import fixed_points, mixed_map, tempered_iterate
from collapse_utils.theory.gaussian import check_c4_bound
from collapse_utils.theory.mixing import law_with_S0, most_balanced_split, theorem4_bound, varphi_value
from collapse_utils.theory.regression import expected_errors
from collapse_utils.wright_fisher import transition_matrix

P = np.array([0.5, 0.3, 0.2])
R = np.array([0.0, 1.0, 2.0])
nan = np.nan


def rng():
    return np.random.default_rng(0)


# ------------------------------------------------------------------ silently accepted or NaN
@pytest.mark.parametrize(
    "probs, match",
    [(np.array([nan, 0.5, 0.5]), "probs must contain only finite"), (np.array([[0.0, 0.0, 0.0]]), "probs must have a positive total"),
     (np.array([1.5, -0.5]), "probs must be non-negative")],
)
def test_temper_refuses_what_it_cannot_temper(probs, match):
    with pytest.raises(ValueError, match=match):
        temper(probs, 2.0)


def test_temper_is_scale_invariant_and_returns_a_new_array():
    np.testing.assert_allclose(temper(np.array([0.2, 0.2, 0.4]), 2.0), temper(np.array([0.25, 0.25, 0.5]), 2.0))
    p = P.copy()
    assert temper(p, 1.0) is not p


@pytest.mark.parametrize("strategy", ["auto", "multinomial", "inverse-cdf"])
def test_sample_counts_refuses_rows_off_the_simplex(strategy):
    with pytest.raises(ValueError, match="probs must sum to 1 along the last axis"):
        sample_counts(np.array([[0.2, 0.2, 0.2]]), 10, rng(), strategy=strategy)


def test_choose_strategy_refuses_negative_sizes():
    with pytest.raises(ValueError, match="n must be >= 0"):
        choose_strategy(-5, 100)


def test_low_level_helpers_check_their_input():
    with pytest.raises(ValueError, match="counts must have a positive total in every row"):
        resample_counts(np.array([[0, 0], [1, 2]]), 3, rng())
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        sample_counts(np.array([[0.5, 0.5]]), 3, 0)
    with pytest.raises(ValueError, match="probs must sum to 1"):
        curate_counts(np.array([[0.2, 0.2, 0.2]]), R, 2, 5, rng())
    with pytest.raises(ValueError, match="r must have shape"):
        curate_counts(np.array([P]), R[:2], 2, 5, rng())


def test_simulate_gaussian_refuses_a_string_and_ddof_at_n():
    with pytest.raises(TypeError, match="mu0 must be a real number"):
        simulate_gaussian("0.0", 1.0, n=10, generations=3)
    with pytest.raises(ValueError, match=r"ddof must be < n \(got ddof=10, n=10\)"):
        simulate_gaussian(0.0, 1.0, n=10, generations=3, ddof=10)


def test_simulate_gaussian_reports_sigma_overflow_instead_of_nan():
    with pytest.raises(ValueError, match="sigma is not finite .*ddof=9 and n=10"):
        simulate_gaussian(0, 1, n=10, generations=1000, ddof=9, seed=0)


def test_simulate_regression_refuses_a_complex_covariance():
    with pytest.raises(TypeError, match="cov must hold real numbers"):
        simulate_regression(10, 2, 1.0, generations=2, cov=np.eye(2) * (1 + 1j))


def test_tiny_bandwidth_gives_a_finite_ise():
    res = simulate_kde(n=10, h=1e-300, generations=3, seed=0)
    assert np.all(np.isfinite(res.ise)) and np.all(res.ise > 1e290)  # the exact ISE of near-delta kernels is huge
    with pytest.raises(ValueError, match="h must be >= 2.22507e-308"):
        simulate_kde(n=10, h=1e-320, generations=3, seed=0)


def test_kde_ise_refuses_nan_points():
    with pytest.raises(ValueError, match="points must contain only finite numbers"):
        kde_ise(np.array([[nan, 0.0]]), 0.3)


def test_kde_ise_blocks_agree_with_the_triangle():
    x = np.random.default_rng(1).standard_normal((3, 300))
    np.testing.assert_allclose(kde_ise(x, 0.3), kde_ise(x, 0.3, chunk=1000), rtol=0, atol=1e-13)


def test_reward_tilt_is_finite_at_huge_times_and_refuses_strings():
    np.testing.assert_array_equal(reward_tilt(P, R, 1e308), [0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="t must"):
        reward_tilt(P, R, "1")


def test_mixed_map_refuses_a_bool_fraction():
    with pytest.raises(TypeError, match="lam must hold real numbers"):
        mixed_map(P, P, 1.0, True)


@pytest.mark.parametrize("K", [3, 10, 1000, 10**5])
def test_curation_factor_is_exact_at_any_K(K):
    """sum_x p(x) H(x) = 1 exactly (laplace_normalisation), and H -> e^r / E_p e^r as K -> inf."""
    H = curation_factor(P, R, K)
    assert abs(P @ H - 1) < 1e-10
    if K == 10**5:
        np.testing.assert_allclose(H, np.exp(R) / (P @ np.exp(R)), rtol=1e-4)


@pytest.mark.parametrize("K", [2, 3, 5])
def test_curation_factor_is_finite_for_a_huge_reward_spread(K):
    """Rewards 0, 400, 800: a better outcome always wins, equal ones split the choice.

    With M ~ Bin(K - 1, q) rivals equal to x, E[1 / (1 + M)] = (1 - (1 - q)^K) / (K q), so
    H(best) = (1 - 0.8^K) / 0.2, H(middle) = 0.8^(K-1) (1 - 0.625^K) / 0.375 (no best rival) and
    H(worst) = 0.5^(K-1) (every rival is also the worst).
    """
    H = curation_factor(P, np.array([0.0, 400.0, 800.0]), K)
    exact = [0.5 ** (K - 1), 0.8 ** (K - 1) * (1 - 0.625**K) / 0.375, (1 - 0.8**K) / 0.2]
    np.testing.assert_allclose(H, exact, rtol=1e-9)


def test_expected_trajectory_stays_finite_at_a_large_spread():
    traj = expected_trajectory(P, 8 * R, 5, generations=200)
    assert np.all(np.isfinite(traj))


def test_tempered_iterate_reaches_its_limits_without_under_or_overflow():
    np.testing.assert_array_equal(tempered_iterate(P, 0.001, 1000), [1.0, 0.0, 0.0])
    np.testing.assert_allclose(tempered_iterate(P, 2.0, 2000), np.full(3, 1 / 3), rtol=1e-12)
    np.testing.assert_allclose(tempered_iterate(P, 0.9, 3), temper(P, 0.9**3), rtol=1e-12)


def test_run_loop_refuses_a_block_that_holds_no_real_text():
    train = np.tile(np.arange(5), 40)
    with pytest.raises(ValueError, match="block=2000 cannot hold real_fraction=0.5"):
        run_loop(train, train, 5, order=2, real_fraction=0.5, generations=2, replicas=1, block=2000)


def test_ngram_functions_refuse_tokens_outside_the_vocabulary():
    model = fit_ngram(np.tile(np.arange(5), 20), 2, 5)
    with pytest.raises(ValueError, match="ids must hold token ids in 0..4"):
        cross_entropy(model, np.array([0, 1, 2, 14, 19]))
    with pytest.raises(ValueError, match="contexts must hold token ids in 0..24"):
        smoothed_probs(model, np.array([-1]))
    with pytest.raises(TypeError, match="ids must hold integers"):
        Corpus.from_ids(np.array([0.9, 1.9]))
    with pytest.raises(ValueError, match="ids must hold token ids in 0..2"):
        Vocabulary.from_text("abc").decode(np.array([-1]))
    with pytest.raises(TypeError, match="train must be an array of integer token ids"):
        run_loop(np.arange(50.0), np.arange(50), 50, generations=1)


# ------------------------------------------------------------------ found by benchmarks/fuzz_outcomes.py
def test_ngram_code_size_check_does_not_overflow_at_a_huge_order():
    """vocab_size**order is compared exactly, without forming a float that overflows."""
    with pytest.raises(ValueError, match=r"vocab_size\*\*order must fit in int64 codes .*order=1000000000000"):
        context_codes(np.arange(4), 10**12, 4, np.array([2]))
    with pytest.raises(ValueError, match="order 31 is too long for vocab_size 4"):
        fit_ngram(np.tile(np.arange(4), 10), 31, 4)
    assert context_codes(np.array([1, 0, 3]), 2, 4, np.array([2])).tolist() == [4]


@pytest.mark.parametrize("lam, match", [(np.array([[0.2, 0.2, 0.2]]), "lam must be 0-D or 1-D"), (1.5, "lam must be <= 1")])
def test_fixed_points_checks_the_shape_of_lam(lam, match):
    with pytest.raises(ValueError, match=match):
        fixed_points(P, [0.7], lam)


def test_fixed_points_accepts_a_single_fraction():
    np.testing.assert_array_equal(fixed_points(P, [0.7, 1.0], 0.0).tv.shape, (2, 1))


def test_check_c4_bound_holds_at_huge_n():
    """The working precision grows with n (the log-gammas cancel about 3 log10(n) digits): n^2 gap -> 3/16."""
    np.testing.assert_allclose(check_c4_bound([10**12, 10**18], digits=17), 3 / 16, rtol=1e-6)


def test_law_with_s0_refuses_a_huge_vocabulary_up_front():
    with pytest.raises(ValueError, match="s=1000000000000 tokens needs about"):
        law_with_S0(10**12, 3, 0.5)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: simulate_text_loop(np.tile(np.arange(4), 30), np.arange(20) % 4, 4, order=2, generations=10**12),
         "generations=1000000000000"),
        (lambda: simulate_regression(10, 2, 1.0, generations=10**12), "generations=1000000000000"),
        (lambda: run_loop(np.tile(np.arange(4), 30), np.arange(20) % 4, 4, order=2, generations=10**12), "generations=1000000000000"),
        (lambda: run_loop(np.tile(np.arange(4), 30), np.arange(20) % 4, 4, order=2, generations=2, n_probes=10**12),
         "n_probes=1000000000000"),
        (lambda: run_loop(np.tile(np.arange(4), 30), np.arange(20) % 4, 4, order=10**12, generations=2), "order=1000000000000"),
        (lambda: expected_errors(12, 10**12, 1.0, 3, "replace"), r"J must be >= d \+ 2 \(got J=12, d=1000000000000\)"),
    ],
)
def test_a_refusal_names_the_argument_that_makes_the_call_too_large(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: synthetic_amount_phase(P, Ns=10, ns=[5], generations=3, replicas=2), ValueError, "Ns must be 1-D"),
        (lambda: synthetic_amount_phase(P, Ns=[10], ns=[2.5], generations=3, replicas=2), TypeError, "ns must hold integers"),
        (lambda: synthetic_amount_phase(P, Ns=[0, 10], ns=[5], generations=3, replicas=2), ValueError, "Ns must be >= 1"),
        (lambda: theorem4_bound(100.0, 10.0, 3.0, 0.7), ValueError, "zeta must be <= 0.5"),
        (lambda: theorem4_bound(100.0, 10.0, 3.0, "0.3"), TypeError, "zeta must be a real number"),
        (lambda: varphi_value(1 + 1j), TypeError, "x_value must hold real numbers"),
        (lambda: varphi_value([0.25, 0.0]), ValueError, r"x_value must lie in \(0, 1/2\]"),
        (lambda: most_balanced_split([10**12, 1]), ValueError, "a total of 1000000000001 counts needs about"),
    ],
)
def test_more_numerical_functions_check_at_the_door(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ------------------------------------------------------------------ arguments a setting ignores
def test_simulate_chain_refuses_arguments_its_scheme_ignores():
    with pytest.raises(ValueError, match="n_real is not used: scheme='fully-synthetic'"):
        simulate_chain(P, n=10, generations=2, n_real=5)
    with pytest.raises(ValueError, match="window is not used"):
        simulate_chain(P, n=10, generations=2, scheme="random-past", window=3)


# ------------------------------------------------------------------ memory and time guards
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: simulate_chain(P, n=20, generations=5, replicas=10**9), r"replicas=1000000000 .* record=\"stats\""),
        (lambda: simulate_chain(P, n=20, generations=10**9), "generations=1000000000"),
        (lambda: simulate_gaussian(0, 1, n=10, generations=10**5, replicas=10**4), "generations=100000 x replicas=10000"),
        (lambda: transition_matrix(30000), "n=30000"),
        (lambda: simulate_kde(n=20000, h=0.3, generations=10, replicas=10), "ise=False"),
        (lambda: simulate_regression(4000, 2000, 1.0, generations=100), "d=2000"),
        (lambda: fixed_points(P, np.linspace(0.1, 2, 10**4), np.linspace(0, 1, 10**4)), "use a coarser grid"),
        (lambda: expected_trajectory(P, R, 5, generations=10**6), "generations=1000000"),
        (lambda: collapse_times([0.5, 0.5], n=10**9, max_generations=10**7, replicas=100), "max_generations"),
    ],
)
def test_resource_guards_refuse_up_front(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_limits_can_be_raised_and_are_restored():
    with validation.limits(memory_bytes=1e3):
        with pytest.raises(ValueError, match="MEMORY_LIMIT_BYTES"):
            simulate_gaussian(0, 1, n=10, generations=100, replicas=10)
    assert validation.MEMORY_LIMIT_BYTES == 2 * 2**30
    simulate_gaussian(0, 1, n=10, generations=100, replicas=10, seed=0)


def test_reuse_theory_cost_does_not_grow_with_the_vocabulary():
    """One exact evaluation per generation: 10^4 distinct probabilities cost what three do."""
    p = np.random.default_rng(0).dirichlet(np.ones(10_000))
    th = reuse_theory(p, n=20, n_real=20, generations=5)
    assert all(np.all(np.isfinite(v)) for v in th.values())
