"""The collapse map's computations (collapse_utils.collapse_map): theory against Monte Carlo."""

import numpy as np
import pytest

from collapse_utils.collapse_map import curation_phase, editing_phase, reuse_curves, reuse_theory, temperature_phase
from stats_helpers import assert_mean_close

P0 = np.array([0.5, 0.25, 0.15, 0.07, 0.03])


def test_reuse_curves_match_the_exact_mean_squared_deviation():
    """E||p^(m) - p||^2 of the four reuse regimes (Theorem 1, partially synthetic S_m, fresh-real v^(m), accumulate V_m)."""
    res = reuse_curves(P0, n=20, n_real=30, generations=12, replicas=6000, seed=4)
    shown = [1, 2, 5, 12]
    for name, out in res.items():
        assert_mean_close(out["msd"][shown], out["theory"][shown], axis=1, what=name)


def test_reuse_theory_orders_the_regimes():
    th = reuse_theory(P0, n=50, n_real=50, generations=60)
    assert th["none"][-1] > th["accumulated"][-1] > th["fixed"][-1] > th["fresh"][-1] > 0
    assert np.all(np.diff(th["none"]) > 0)


def test_editing_phase_simulation_matches_exact_error():
    """E||w_hat_n - w*||^2 under partial regeneration, relative to one OLS fit (the book's g_n formula)."""
    from collapse_utils.editing import partial_regeneration_error, simulate_partial_regeneration

    grid = editing_phase(J=30, d=3, etas=[0.0, 0.5, 1.0], generations=8, replicas=100, seed=9)
    X = np.random.default_rng(9).standard_normal((30, 3))  # the design editing_phase draws from seed 9
    for eta in (0.5, 1.0):
        errs = simulate_partial_regeneration(X, eta, 1.0, generations=8, replicas=20_000, seed=2)
        assert_mean_close(errs, partial_regeneration_error(X, eta, 1.0, generations=8), axis=1, what=f"eta={eta}")
    assert np.allclose(grid.theory[:, 0], 1.0) and np.allclose(grid.theory[:, -1], np.arange(1, 9))
    assert np.all(np.diff(grid.theory[:, 1]) > 0) and grid.theory[-1, 1] < grid.theory[-1, 2]


def test_temperature_phase_regimes():
    grid = temperature_phase(P0, real_shares=[0.0, 0.5], temperatures=[0.7, 1.0], total=40, generations=200,
                             replicas=100, seed=0)
    assert grid.simulated.shape == grid.theory.shape == (2, 2)
    assert grid.collapsed[0, 0] > 0.9  # fully synthetic at T < 1 collapses
    assert grid.collapsed[:, 1].max() == 0  # real data prevent collapse
    assert grid.theory[0, 0] == pytest.approx(1 - P0.max())  # T < 1, no real data: the fixed point is the mode


def test_temperature_phase_simulation_approaches_its_fixed_point():
    """With 4000 samples per generation the simulated TV distance is the fixed point's TV distance.

    The finite-sample model fluctuates around the fixed point with sd about sqrt(p_i / 4000) <= 0.012
    per token, which moves E TV by at most half the summed sd (0.02); the TV values compared are above
    0.1, so a TV without its 1/2 (double) fails.
    """
    grid = temperature_phase(P0, real_shares=[0.3, 0.6], temperatures=[0.6, 1.6], total=4000, generations=40,
                             replicas=40, seed=3)
    assert np.all(grid.theory > 0.05)
    np.testing.assert_allclose(grid.simulated, grid.theory, atol=0.02)


def test_curation_phase_simulation_follows_the_expected_dynamics():
    """With n = 4000 samples the simulated entropy lost, 1 - H(p_M) / H(p_0), is the expected dynamics'
    (the per-outcome sampling sd is below 0.008, which moves the entropy ratio by well under 0.02)."""
    r = np.array([0.0, 0.5, 1.0, 1.5])
    grid = curation_phase(np.full(4, 0.25), r, real_shares=[0.0, 0.5], Ks=[2, 6], n=4000, generations=4,
                          replicas=20, seed=2)
    assert grid.theory.min() > 0.01 and grid.theory.max() < 0.9  # far from 1 - itself: "entropy kept" fails
    np.testing.assert_allclose(grid.simulated, grid.theory, atol=0.02)


def test_editing_phase_grid_is_the_normalised_error():
    """The grid holds E||w_hat_i - w*||^2 / E||w_hat_1 - w*||^2, simulated and exact: the simulated cells
    agree with theory within 5 standard errors of a 4000-replica mean whose sd is below twice the mean
    (a sum of three scaled chi-square terms)."""
    grid = editing_phase(J=30, d=3, etas=[0.0, 0.5, 1.0], generations=6, replicas=4000, seed=9)
    np.testing.assert_array_equal(grid.y, np.arange(1, 7))  # generations 1..6: generation 0 has error 0
    np.testing.assert_allclose(grid.theory[0], 1.0)  # generation 1 is one OLS fit: the normalisation
    assert grid.theory[-1, -1] == pytest.approx(6.0)  # full replacement adds one OLS error per generation
    np.testing.assert_allclose(grid.simulated, grid.theory, rtol=5 * 2 / np.sqrt(4000))


def test_curation_phase_entropy_falls_without_real_data():
    grid = curation_phase(np.full(4, 0.25), np.array([0.0, 0.5, 1.0, 1.5]), real_shares=[0.0, 0.6], Ks=[1, 8], n=200,
                          generations=15, replicas=30, seed=1)
    assert grid.theory[0, 0] == pytest.approx(0.0, abs=1e-9)  # K = 1 leaves the expected model unchanged
    assert grid.theory[1, 0] > 0.5 > grid.theory[1, 1] > 0


def test_bad_input_raises():
    with pytest.raises(ValueError, match="n must"):
        reuse_theory(P0, n=0, n_real=5, generations=3)
    with pytest.raises(ValueError, match="real_shares"):
        temperature_phase(P0, real_shares=[1.0], temperatures=[1.0], total=10, generations=2, replicas=2)
    with pytest.raises(ValueError, match="J must be > d"):
        editing_phase(J=3, d=5, etas=[0.5], generations=2, replicas=2)


def test_synthetic_amount_phase_lies_below_the_books_bound():
    """Every cell's simulated max_m E||p^(m) - p^(1)||_1 lies below sqrt(n (1-1/N)) R / N, and theory is that bound."""
    from collapse_utils.collapse_map import synthetic_amount_phase

    grid = synthetic_amount_phase(P0, Ns=[20, 2000], ns=[1, 50], generations=10, replicas=300, seed=7)
    R = np.sqrt(P0 * (1 - P0)).sum()
    expected = np.sqrt(np.array([[1], [50]]) * (1 - 1 / np.array([20, 2000]))) * R / np.array([20, 2000])
    assert np.allclose(grid.theory, expected)
    assert grid.simulated.shape == (2, 2) and np.all(grid.simulated < grid.theory)
    np.testing.assert_array_equal(grid.x, [20.0, 2000.0])  # columns: N, rows: n
    np.testing.assert_array_equal(grid.y, [1.0, 50.0])
    assert np.all(grid.collapsed == 0)  # a fixed real corpus of 20 or more samples is never a single token here
    with pytest.raises(ValueError, match="generations"):
        synthetic_amount_phase(P0, Ns=[20], ns=[1], generations=1, replicas=2)


# ---------------------------------------------------------------- collapse flags, argument checks, work guards
def test_temperature_phase_collapse_fraction_is_the_wright_fisher_probability():
    """Two equally likely outcomes, n = 2 fresh samples, T = 1: a generation fixes one outcome with probability
    1/2, so ``P(collapsed by generation 2) = 3/4`` and the TV distance to ``p0`` is 1/2 once collapsed."""
    from stats_helpers import z_for

    replicas = 4000
    runs = [temperature_phase([0.5, 0.5], real_shares=[0.0], temperatures=[1.0], total=2, generations=2,
                              replicas=replicas, seed=3) for _ in range(2)]
    np.testing.assert_array_equal(runs[0].collapsed, runs[1].collapsed)  # the seed drives every replica
    tol = z_for(2) * np.sqrt(0.75 * 0.25 / replicas)
    assert abs(runs[0].collapsed[0, 0] - 0.75) <= tol
    assert abs(runs[0].simulated[0, 0] - 0.375) <= tol / 2


def test_curation_phase_flags_collapse_to_one_outcome():
    """K = 30 candidates and a reward 50 higher for outcome 1: a kept sample is outcome 0 only if all 30
    candidates are (2^-30), so every replica holds only outcome 1 after one generation."""
    grid = curation_phase([0.5, 0.5], [0.0, 50.0], real_shares=[0.0], Ks=[30], n=10, generations=1, replicas=20, seed=0)
    assert grid.collapsed.tolist() == [[1.0]]


def test_editing_phase_flags_only_full_regeneration():
    grid = editing_phase(J=10, d=2, etas=[0.5, 1.0], generations=2, replicas=2, seed=0)
    np.testing.assert_array_equal(grid.collapsed, [[0.0, 1.0], [0.0, 1.0]])


@pytest.mark.parametrize("shares", [[-0.1], [1.5], [[0.0, 0.5]]])
def test_phase_grids_check_the_real_shares(shares):
    with pytest.raises(ValueError, match="real_shares"):
        temperature_phase([0.5, 0.5], real_shares=shares, temperatures=[1.0], total=4, generations=1, replicas=1, seed=0)
    with pytest.raises(ValueError, match="real_shares"):
        curation_phase([0.5, 0.5], [0.0, 1.0], real_shares=shares, Ks=[2], n=4, generations=1, replicas=1, seed=0)


def test_phase_work_guards_grow_with_every_loop():
    """The work estimates count every generation and every sample: refused under a limit 5 to 10 times below."""
    from collapse_utils.validation import limits

    with limits(work=1e5), pytest.raises(ValueError, match="generations=1000"):  # 1000 x 10 x 53 = 5.3e5
        temperature_phase([0.5, 0.5], real_shares=[0.0], temperatures=[1.0], total=4, generations=1000, replicas=10)
    with limits(work=1e4), pytest.raises(ValueError, match="n=1000"):  # 2 x 1000 x (2 + 2) + 4000 = 1.2e4
        curation_phase([0.5, 0.5], [0.0, 1.0], real_shares=[0.0], Ks=[2], n=1000, generations=1, replicas=2)
    with limits(work=1e4), pytest.raises(ValueError, match="generations=1000"):  # 1000 x 2 x 10 x 2 x 3 = 1.2e5
        editing_phase(J=10, d=2, etas=[0.5], generations=1000, replicas=2)
