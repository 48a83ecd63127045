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

    grid = editing_phase(T=30, d=3, etas=[0.0, 0.5, 1.0], generations=8, replicas=100, seed=9)
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


def test_curation_phase_entropy_falls_without_real_data():
    grid = curation_phase(np.full(4, 0.25), np.array([0.0, 0.5, 1.0, 1.5]), real_shares=[0.0, 0.6], Ks=[1, 8], n=200,
                          generations=15, replicas=30, seed=1)
    assert grid.theory[0, 0] == pytest.approx(0.0, abs=1e-9)  # K = 1 leaves the expected model unchanged
    assert grid.theory[1, 0] > 0.5 > grid.theory[1, 1] > 0


def test_bad_input_raises():
    with pytest.raises(ValueError):
        reuse_theory(P0, n=0, n_real=5, generations=3)
    with pytest.raises(ValueError):
        temperature_phase(P0, real_shares=[1.0], temperatures=[1.0], total=10, generations=2, replicas=2)
    with pytest.raises(ValueError):
        editing_phase(T=3, d=5, etas=[0.5], generations=2, replicas=2)


def test_synthetic_amount_phase_lies_below_the_books_bound():
    """Every cell's simulated max_m E||p^(m) - p^(1)||_1 lies below sqrt(n (1-1/N)) R / N, and theory is that bound."""
    from collapse_utils.collapse_map import synthetic_amount_phase

    grid = synthetic_amount_phase(P0, Ns=[20, 2000], ns=[1, 50], generations=10, replicas=300, seed=7)
    R = np.sqrt(P0 * (1 - P0)).sum()
    expected = np.sqrt(np.array([[1], [50]]) * (1 - 1 / np.array([20, 2000]))) * R / np.array([20, 2000])
    assert np.allclose(grid.theory, expected)
    assert grid.simulated.shape == (2, 2) and np.all(grid.simulated < grid.theory)
    assert np.all(grid.collapsed == 0)  # a fixed real corpus of 20 or more samples is never a single token here
    with pytest.raises(ValueError, match="generations"):
        synthetic_amount_phase(P0, Ns=[20], ns=[1], generations=1, replicas=2)
