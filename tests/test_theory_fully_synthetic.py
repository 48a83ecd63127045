"""Theorem 1 of Seddik et al. (2024) and the Wright–Fisher diffusion time: SymPy derivations and Monte Carlo."""

import numpy as np
import pytest
import sympy as sp

from collapse_utils.chains import collapse_times, simulate_chain
from collapse_utils.theory.core import S0, collapse_time_bounds, fully_synthetic_S, m, n, numeric, rho_bounds, s_tilde
from collapse_utils.theory.fully_synthetic import (
    collapse_time_bounds_from_rho,
    diffusion_generator,
    kimura_mean_time,
    littler_mean_time,
    p,
    rho_bounds_from_S,
)
from collapse_utils.wright_fisher import collapse_cdf, diffusion_collapse_time, mean_collapse_time, transition_matrix
from stats_helpers import assert_mean_close

P3 = np.array([0.5, 0.3, 0.2])


def test_the_sandwich_behind_the_bounds_holds_for_the_exact_chain():
    """Eqs. (7)-(8) are derived (rho_bounds_from_S, collapse_time_bounds_from_rho, which check their result
    against the printed forms) from the sandwich rho_m + (1 - rho_m)/s~ <= S_m <= rho_m + (1 - 1/n)(1 - rho_m).
    Here the sandwich itself is checked on the exact law of the two-token count chain (matrix powers)."""
    assert len(rho_bounds_from_S()) == len(collapse_time_bounds_from_rho()) == 2
    for prob, size in [(0.5, 10), (0.2, 25)]:
        P = transition_matrix(size)
        law = np.zeros(size + 1)
        law[round(prob * size)] = 1.0
        x = np.arange(size + 1) / size
        for _ in range(60):
            law = law @ P
            S = law @ (x**2 + (1 - x) ** 2)
            rho = law[0] + law[-1]
            assert rho + (1 - rho) / 2 <= S + 1e-12
            assert S <= rho + (1 - 1 / size) * (1 - rho) + 1e-12


def test_S_m_matches_simulation():
    """Eq. (6): E sigma_m against the simulated sigma_m (s = 3, n = 10)."""
    res = simulate_chain(P3, n=10, generations=30, replicas=20_000, seed=4, record="stats")
    S = numeric(fully_synthetic_S(), [m, n, S0])(np.arange(31), 10, P3 @ P3)
    assert_mean_close(res.collision[1:], S[1:], axis=1, what="S_m")


def test_rho_bounds_hold_for_the_exact_two_token_chain_and_in_simulation():
    """Eq. (7) holds for the exact rho_m of two tokens (matrix powers), and for simulated rho_m with s = 3."""
    lo, hi = (numeric(b, [m, n, S0, s_tilde]) for b in rho_bounds())
    gens = np.arange(1, 81)
    for prob, size in [(0.5, 10), (0.2, 25), (0.05, 40)]:
        exact = collapse_cdf(prob, size, 80)[1:]
        s0 = prob**2 + (1 - prob) ** 2
        assert np.all(lo(gens, size, s0, 2) <= exact + 1e-12)
        assert np.all(exact <= hi(gens, size, s0, 2) + 1e-12)
    res = simulate_chain(P3, n=10, generations=40, replicas=20_000, seed=6, record="stats")
    rho_hat = (res.max_prob[1:] == 1).mean(axis=1)
    se = np.sqrt(np.maximum(rho_hat * (1 - rho_hat), 1e-4) / 20_000)
    g = np.arange(1, 41)
    assert np.all(lo(g, 10, P3 @ P3, 3) <= rho_hat + 5 * se)
    assert np.all(rho_hat <= hi(g, 10, P3 @ P3, 3) + 5 * se)


def test_collapse_time_bounds_contain_the_exact_and_simulated_means():
    """Eq. (8) brackets the exact two-token E[T] and the simulated E[T] for s = 3."""
    lo, hi = (numeric(b, [n, S0, s_tilde]) for b in collapse_time_bounds())
    for prob in [0.5, 0.1, 0.01]:
        for size in [5, 50, 300]:
            s0 = prob**2 + (1 - prob) ** 2
            assert lo(size, s0, 2) <= mean_collapse_time(prob, size) <= hi(size, s0, 2)
    times = collapse_times(P3, n=30, replicas=5_000, seed=9).times
    assert lo(30, P3 @ P3, 3) < times.mean() < hi(30, P3 @ P3, 3)
    # the bounds are loose (0.6x to 12x here); the simulated two-token time matches the exact E[T]
    for prob, size in [(0.5, 30), (0.1, 20)]:
        two = collapse_times([prob, 1 - prob], n=size, replicas=20_000, seed=10).times
        assert_mean_close(two, float(mean_collapse_time(prob, size)), what=f"E[T], p={prob}, n={size}")


def test_kimura_formula_solves_the_backward_equation():
    """T(p) = -2n[p ln p + (1-p) ln(1-p)] solves p(1-p)/(2n) T'' = -1 with T(0) = T(1) = 0: checked on the
    NumPy function by central differences (step 1e-4, error of order h^2 T^(4) < 1e-5), not by SymPy again."""
    f = numeric(kimura_mean_time(), [p, n])
    q = np.array([0.1, 0.3, 0.5, 0.9])
    h = 1e-4
    second = (f(q + h, 70) - 2 * f(q, 70) + f(q - h, 70)) / h**2
    np.testing.assert_allclose(q * (1 - q) / 140 * second, -1.0, atol=1e-5)
    np.testing.assert_allclose(f(np.array([1e-12, 1 - 1e-12]), 70), 0.0, atol=1e-8)
    np.testing.assert_allclose(f(q, 70), diffusion_collapse_time(np.stack([q, 1 - q], -1), 70))


def test_littler_formula_for_several_tokens():
    """The several-token formula satisfies L T = -1 at an interior point (generator applied by central
    differences of the NumPy function) and matches diffusion_collapse_time."""
    T, freqs = littler_mean_time(4)
    f = numeric(T, [*freqs, n])
    x = np.array([0.4, 0.3, 0.2])
    h = 1e-4
    eye = np.eye(3) * h
    generator = 0.0
    for i in range(3):
        for j in range(3):
            d2 = (f(*(x + eye[i] + eye[j]), 50) - f(*(x + eye[i] - eye[j]), 50)
                  - f(*(x - eye[i] + eye[j]), 50) + f(*(x - eye[i] - eye[j]), 50)) / (4 * h**2)
            generator += x[i] * ((i == j) - x[j]) * d2 / (2 * 50)
    assert abs(generator + 1) < 1e-4
    np.testing.assert_allclose(float(f(*x, 50)), diffusion_collapse_time([0.4, 0.3, 0.2, 0.1], 50))


def test_diffusion_is_close_to_simulation_for_several_tokens():
    """The diffusion time is an approximation, exact as n -> infinity: at n = 200 it is within 3 % of simulation.

    (The two-token error of the approximation at n = 200 is about 1 %; 20,000 replicas make the Monte Carlo
    error about 0.5 %.)
    """
    p0 = np.array([0.4, 0.3, 0.2, 0.1])
    times = collapse_times(p0, n=200, replicas=20_000, seed=12).times
    assert abs(times.mean() / diffusion_collapse_time(p0, 200) - 1) < 0.03


def test_drift_from_the_start_matches_simulation():
    """E||p^(k) - p^(0)||_2^2 = (1 - (1 - 1/n)^k)(1 - S_0), i.e. S_k - S_0 by the martingale property.

    This is the per-context prediction of the language-model chapter (there started at p^(1), k = m - 1);
    checked per generation with the shared tolerance rule.
    """
    start, size, gens = np.array([0.55, 0.25, 0.15, 0.05]), 12, 25
    res = simulate_chain(start, n=size, generations=gens, replicas=20_000, seed=31)
    k = np.arange(1, gens + 1)
    s0 = start @ start
    predicted = (1 - (1 - 1 / size) ** k) * (1 - s0)
    np.testing.assert_allclose(predicted, numeric(fully_synthetic_S(), [m, n, S0])(k, size, s0) - s0, rtol=1e-12)
    drift = ((res.probs[1:] - start) ** 2).sum(axis=2)
    assert_mean_close(drift, predicted, axis=1, what="E||p^(k) - p^(0)||^2")


def test_collapse_time_bounds_are_summed_to_polynomials_in_n():
    """Summing the geometric series leaves no 1/n: both sides of eq. (8) are polynomials in n."""
    from collapse_utils.theory.core import collapse_time_bounds, n
    from collapse_utils.theory.fully_synthetic import collapse_time_bounds_from_rho

    for derived, printed in zip(collapse_time_bounds_from_rho(), collapse_time_bounds()):
        assert derived.is_polynomial(n) and sp.simplify(derived - printed) == 0


@pytest.mark.parametrize("s", [1, 9])
def test_littler_refuses_a_vocabulary_outside_2_to_8(s):
    from collapse_utils.theory.fully_synthetic import littler_mean_time

    with pytest.raises(ValueError, match=r"\bs\b"):
        littler_mean_time(s)
