"""The exact two-token Wright–Fisher chain (collapse_utils.wright_fisher) against the simulator.

The matrix-power and fundamental-matrix values are an independent computation
of the law that ``simulate_chain`` and ``collapse_times`` sample from, so every
exact value is compared with Monte Carlo under the shared tolerance rule of
``stats_helpers.assert_mean_close``.
"""

import numpy as np
import pytest

from collapse_utils.chains import collapse_times, simulate_chain
from collapse_utils.wright_fisher import (
    collapse_cdf,
    diffusion_collapse_time,
    expected_survivors,
    fixation_probability,
    loss_cdf,
    mean_collapse_time,
    one_step_loss_probability,
    transition_matrix,
)
from stats_helpers import assert_mean_close

P4 = np.array([0.5, 0.3, 0.15, 0.05])


def test_transition_matrix_is_stochastic_with_absorbing_ends():
    P = transition_matrix(12)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-12)
    assert P[0, 0] == 1.0 and P[-1, -1] == 1.0
    states = np.arange(13)
    np.testing.assert_allclose(P @ states, states, atol=1e-10)  # the count chain is a martingale


def test_collapse_cdf_matches_simulation():
    """rho_m = P(T <= m) for two tokens by matrix powers, against the fraction of collapsed replicas."""
    p, n, gens, reps = 0.3, 20, 40, 20_000
    exact = collapse_cdf(p, n, gens)
    res = simulate_chain([p, 1 - p], n=n, generations=gens, replicas=reps, seed=11, record="stats")
    collapsed = (res.max_prob == 1).astype(float)
    assert_mean_close(collapsed[1:], exact[1:], axis=1, sd=np.sqrt(exact[1:] * (1 - exact[1:])), what="rho_m")
    assert np.all(np.diff(exact) >= -1e-15) and exact[0] == 0


@pytest.mark.parametrize("p,n", [(0.5, 30), (0.1, 50), (0.8, 7)])
def test_mean_collapse_time_matches_simulation(p, n):
    """E[T] from the fundamental matrix, against the mean of simulated collapse times."""
    res = collapse_times([p, 1 - p], n=n, replicas=20_000, seed=3)
    assert np.all(np.isfinite(res.times))
    assert_mean_close(res.times, mean_collapse_time(p, n), what=f"E[T], p={p}, n={n}")


def test_mean_collapse_time_is_consistent_with_the_cdf():
    """E[T] = sum_{k>=0} P(T > k): the fundamental matrix and the matrix powers agree."""
    p, n = np.array([0.5, 0.1]), 25
    cdf = collapse_cdf(p, n, 3000)
    np.testing.assert_allclose((1 - cdf).sum(axis=0), mean_collapse_time(p, n), rtol=1e-9)


def test_fixation_probability_is_p_and_matches_simulation():
    """Proposition 1 for two tokens: the fundamental matrix gives P(fix on token 1) = p, as does simulation."""
    p = np.linspace(0, 1, 11)
    np.testing.assert_allclose(fixation_probability(p, 40), p, atol=1e-10)
    res = collapse_times([0.3, 0.7], n=40, replicas=20_000, seed=5)
    exact = fixation_probability(0.3, 40)
    assert_mean_close((res.token == 0).astype(float), exact, sd=np.sqrt(exact * (1 - exact)), what="fixation")


def test_loss_cdf_and_expected_survivors_match_simulation():
    """P(p_i^(m) = 0) per token and E|supp p^(m)| (exact, by matrix powers) against simulation with s = 4."""
    n, gens = 15, 30
    res = simulate_chain(P4, n=n, generations=gens, replicas=20_000, seed=8)
    lost = (res.probs == 0).astype(float)  # (gens + 1, reps, s)
    exact = loss_cdf(P4, n, gens)  # (gens + 1, s)
    sd = np.sqrt(exact * (1 - exact))
    assert_mean_close(lost[1:], exact[1:], axis=1, sd=sd[1:], what="loss cdf")
    assert_mean_close(res.support[1:].astype(float), expected_survivors(P4, n, gens)[1:], axis=1, what="survivors")
    assert expected_survivors(P4, n, gens)[0] == 4


def test_one_step_loss_matches_simulation():
    """(1 - p_i)^n: the probability that a token gets no sample in the first generation."""
    p0 = np.full(40, 1 / 40)
    res = simulate_chain(p0, n=60, generations=1, replicas=20_000, seed=2)
    exact = one_step_loss_probability(p0, 60)
    assert_mean_close((res.probs[1] == 0).astype(float), exact, axis=0, sd=np.sqrt(exact * (1 - exact)), what="loss")
    np.testing.assert_allclose(loss_cdf(p0[:1], 60, 1)[1], exact[:1], rtol=1e-12)


def test_diffusion_reduces_to_two_tokens_and_approaches_the_exact_time():
    """-2n sum (1-p_i) ln(1-p_i) is -2n[p ln p + (1-p) ln(1-p)] for two tokens; its relative error falls like 1/n."""
    p = np.array([0.5, 0.2, 0.05])
    two = np.stack([p, 1 - p], axis=-1)
    np.testing.assert_allclose(diffusion_collapse_time(two, 100), -200 * (p * np.log(p) + (1 - p) * np.log(1 - p)))
    ns = np.array([10, 40, 160, 640])
    rel = np.array([np.abs(diffusion_collapse_time(two, k) / mean_collapse_time(p, k) - 1) for k in ns])
    assert np.all(np.diff(rel, axis=0) < 0)
    assert np.all(rel[-1] < 0.01)
    assert diffusion_collapse_time([1.0, 0.0], 50) == 0


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: transition_matrix(0), "n must"),
        (lambda: collapse_cdf(1.2, 10, 5), "p must"),
        (lambda: collapse_cdf(0.5, 10, 0), "generations"),
        (lambda: loss_cdf([0.5, np.nan], 10, 5), "p must"),
        (lambda: expected_survivors([0.5, 0.4], 10, 5), "p0"),
        (lambda: mean_collapse_time(-0.1, 10), "p must"),
        (lambda: fixation_probability(0.5, 2.5), "n must"),
        (lambda: diffusion_collapse_time([0.5, 0.6], 10), "p0"),
        (lambda: diffusion_collapse_time([0.5, 0.5], 0), "n must"),
        (lambda: one_step_loss_probability([0.5], -1), "n must"),
    ],
)
def test_bad_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_explorer_draws_and_zipf_is_a_distribution():
    """The chapter's widget draws at its defaults; its Zipf truth is a probability vector (uniform at exponent 0)."""
    import matplotlib.pyplot as plt

    from collapse_utils.explorers import fully_synthetic

    p = fully_synthetic.zipf_probs(50, 1.3)
    assert np.isclose(p.sum(), 1) and np.all(np.diff(p) < 0)
    np.testing.assert_allclose(fully_synthetic.zipf_probs(4, 0.0), 0.25)
    with pytest.raises(ValueError, match="vocabulary"):
        fully_synthetic.zipf_probs(0, 1.0)
    with pytest.raises(ValueError, match="exponent"):
        fully_synthetic.zipf_probs(10, -1.0)
    fig = plt.figure()
    fully_synthetic.draw(fig, **fully_synthetic.DEFAULTS)
    assert len(fig.axes) == 3
    plt.close(fig)


def test_one_sample_per_generation_collapses_at_once():
    """n = 1: one draw fixes a token at generation 1, so T = 1 for every p, in the shape of p."""
    t = mean_collapse_time([0.2, 0.7, 1.0], 1)
    assert t.shape == (3,)
    np.testing.assert_array_equal(t, 1.0)
    np.testing.assert_array_equal(fixation_probability([0.2, 0.7], 1), [0.2, 0.7])


@pytest.mark.parametrize("n, generations", [(1, 20_000), (2, 10_000), (50, 200)])
def test_work_guard_counts_a_matrix_vector_product_per_generation(n, generations):
    """collapse_cdf costs (n + 1)^2 operations per generation (the smallest chains included): refused at a
    quarter of that, accepted at four times."""
    from collapse_utils.validation import limits

    work = (n + 1) ** 2 * generations
    with limits(work=work / 4), pytest.raises(ValueError, match=f"^n={n} and generations={generations} needs"):
        collapse_cdf(0.3, n, generations)
    with limits(work=4 * work):
        assert collapse_cdf(0.3, n, generations).shape == (generations + 1,)


@pytest.mark.parametrize("func", [mean_collapse_time, fixation_probability])
def test_work_guard_counts_the_linear_solve(func, monkeypatch):
    """The solve on the n - 1 transient states costs about n^3 / 10 operations, the larger part for n = 20000:
    refused at a quarter of that, let through (to the computation, stopped here) at four times."""
    import collapse_utils.wright_fisher as wf
    from collapse_utils.validation import limits

    class Reached(Exception):
        pass

    def stop(*args, **kwargs):
        raise Reached

    monkeypatch.setattr(wf, "_first_law", stop)
    monkeypatch.setattr(wf, "_fundamental_solve", stop)
    n = 20_000
    with limits(memory_bytes=1e13, work=n**3 / 10 / 4), pytest.raises(ValueError, match=f"^n={n} needs"):
        func(0.3, n)
    with limits(memory_bytes=1e13, work=4 * n**3 / 10), pytest.raises(Reached):
        func(0.3, n)


def test_diffusion_time_takes_n_one_and_refuses_shapes_that_do_not_broadcast():
    """n = 1 is a valid sample size (scalar or in an array, the same numbers); n must broadcast against p0's rows."""
    p0 = np.array([[0.5, 0.5], [0.9, 0.1]])
    np.testing.assert_allclose(diffusion_collapse_time(p0, np.array([1, 10])),
                               [diffusion_collapse_time(p0[0], 1), diffusion_collapse_time(p0[1], 10)])
    with pytest.raises(ValueError, match="n must broadcast"):
        diffusion_collapse_time(p0, np.array([1, 2, 3]))
