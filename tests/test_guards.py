"""The memory guards estimate what a call really allocates.

A guard (``validation.check_memory``) refuses a call whose estimated allocation is above
``MEMORY_LIMIT_BYTES``.  An estimate far below the real peak lets calls through that then exhaust memory;
one far above refuses work the machine could do.  For the core simulators and samplers, the peak traced by
``tracemalloc`` (NumPy reports its buffers to it) is measured, and the guard must refuse the call under a
limit of a quarter of that peak, naming the sizes that make it large, and accept it under four times the peak.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import collapse_utils.validation as validation
from collapse_utils.chains import collapse_times, simulate_chain
from collapse_utils.curation import curate_counts, expected_trajectory, simulate_curation
from collapse_utils.distillation import occupancy, train_student
from collapse_utils.editing import simulate_partial_regeneration, token_edit
from collapse_utils.ngram import fit_ngram
from collapse_utils.regression import simulate_regression
from collapse_utils.sampling import resample_counts, sample_categorical, sample_counts
from collapse_utils.temperature import fixed_points
from collapse_utils.theory.core import iterate_affine
from collapse_utils.theory.forgetting import g_sequence
from collapse_utils.theory.mixing import most_balanced_split, random_past_V
from collapse_utils.unlearning import log_likelihood, logistic_data
from collapse_utils.wright_fisher import transition_matrix

P = np.full(200, 1 / 200)
ROWS = np.tile(P, (500, 1))
REWARD = np.linspace(0.0, 1.0, 200)
TEXT = np.random.default_rng(0).integers(0, 4, 20_000)
MODEL = fit_ngram(TEXT[:2000], 2, 4)
HISTOGRAMS = np.random.default_rng(0).multinomial(1000, np.full(6, 1 / 6), size=200)
DATA = logistic_data(1.0, 2000, seed=0)
XY = np.random.default_rng(0).uniform(-3, 3, (2000, 2)), np.full((2000, 3), 1 / 3)

#: name -> (call, a size the refusal must mention)
CALLS = {
    "collapse_times": (lambda: collapse_times(P, n=50, replicas=2000, seed=0, max_generations=3), "replicas=2000"),
    "simulate_chain": (lambda: simulate_chain(P, n=50, generations=20, replicas=500, seed=0), "replicas=500"),
    "simulate_chain-history": (  # many generations: the recorded history is the largest allocation
        lambda: simulate_chain(P, n=50, generations=200, replicas=200, seed=0),
        "generations=200",
    ),
    "simulate_chain-stats": (
        lambda: simulate_chain(P, n=50, generations=20, replicas=500, seed=0, record="stats"),
        "replicas=500",
    ),
    "sample_counts-multinomial": (lambda: sample_counts(ROWS, 1000, np.random.default_rng(0)), "500 rows"),
    "sample_counts-inverse-cdf": (lambda: sample_counts(ROWS, 100, np.random.default_rng(0)), "n=100"),
    "sample_categorical": (lambda: sample_categorical(ROWS, 1000, np.random.default_rng(0)), "size=1000"),
    "resample_counts": (lambda: resample_counts(np.full((500, 200), 5), 1000, np.random.default_rng(0)), "n=1000"),
    "curate_counts": (lambda: curate_counts(ROWS[:200], REWARD, 3, 200, np.random.default_rng(0)), "replicas=200"),
    "simulate_curation": (  # the recorded history of every replica is the largest allocation
        lambda: simulate_curation(P, REWARD, K=2, n=20, generations=100, replicas=50, seed=0),
        "generations=100",
    ),
    "expected_trajectory": (lambda: expected_trajectory(P, REWARD, 2, generations=2000), "generations=2000"),
    "token_edit": (lambda: token_edit(MODEL, TEXT, threshold=0.3, seed=0), "x vocab_size=4"),
    "simulate_partial_regeneration": (  # many generations: the error history is the largest allocation
        lambda: simulate_partial_regeneration(
            np.random.default_rng(0).standard_normal((10, 2)), 0.5, 1.0, generations=1000, replicas=250, seed=0
        ),
        "generations=1000",
    ),
    "simulate_regression-history": (
        lambda: simulate_regression(J=10, d=2, sigma=1.0, generations=200, replicas=500, seed=0), "generations=200"
    ),
    "simulate_regression-designs": (
        lambda: simulate_regression(J=1000, d=10, sigma=1.0, generations=1, replicas=100, seed=0), "J=1000"
    ),
    "resample_counts-urn": (lambda: resample_counts(np.ones((500, 200), int), 100, np.random.default_rng(0)), "n=100"),
    # the grids and matrices of the deterministic models
    "fixed_points": (lambda: fixed_points(P, T=[0.5, 2.0], lam=np.linspace(0, 1, 200), max_iter=3), r"lam \(200\)"),
    "transition_matrix": (lambda: transition_matrix(400), "n=400"),
    "log_likelihood": (lambda: log_likelihood(np.linspace(-2, 2, 300), DATA), r"theta \(300 values\)"),
    "occupancy": (lambda: occupancy(np.zeros((10, 2)), cells=400), "cells=400"),
    "train_student": (lambda: train_student(XY[0], XY[1], features=15, iterations=3), "features=15"),
    # theory: the closed forms that allocate
    "theory.iterate_affine": (lambda: iterate_affine(0.5 * np.eye(2), [1.0, 1.0], [0.0, 0.0], 5000), "steps=5000"),
    "theory.g_sequence": (lambda: g_sequence(20_000), "k_max=20000"),
    "theory.random_past_V": (lambda: random_past_V(10**6, 10), "generations=1000000"),
    "theory.most_balanced_split": (lambda: most_balanced_split(HISTOGRAMS), "200 histograms"),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_memory_guard_is_within_a_factor_four_of_the_peak(name):
    call, size = CALLS[name]
    tracemalloc.start()
    try:
        call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    with validation.limits(memory_bytes=peak / 4), pytest.raises(ValueError, match=size):
        call()
    with validation.limits(memory_bytes=4 * peak):
        call()


def test_collapse_times_work_guard_counts_the_generations_to_collapse():
    """A chain takes about 2n generations to collapse (Kimura), so the estimated work grows with n.

    Under one work limit, 10,000 three-token chains with n = 20 (collapsing within about 60
    generations) are accepted and the same chains with n = 1000 (about 2000 generations, fifty times
    the work) are refused.
    """
    with validation.limits(work=5e8):
        times = collapse_times([0.5, 0.3, 0.2], n=20, replicas=10_000, seed=0).times
        assert np.isfinite(times).all()
        with pytest.raises(ValueError, match="max_generations=.*replicas=10000"):
            collapse_times([0.5, 0.3, 0.2], n=1000, replicas=10_000, seed=0)
