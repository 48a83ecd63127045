"""Property-based fuzzing of the public API (hypothesis).

For arbitrary values put into one argument of a valid call, every public numerical function either returns
finite results that satisfy its invariants, or raises ``ValueError``/``TypeError`` whose message names an
argument; within bounded time (a guard refuses work beyond ``WORK_LIMIT``) and memory (a smaller
``MEMORY_LIMIT_BYTES`` is set here, so a missing guard shows up as a failure, not as a killed process).
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collapse_utils.validation as validation
from collapse_utils.chains import temper
from collapse_utils.curation import curation_factor, reward_tilt
from collapse_utils.sampling import sample_counts
from collapse_utils.temperature import tempered_iterate
from fuzz_table import BAD, CALLS, EDGE, MAY_HOLD_INF, build, finite, resolve

numbers = st.one_of(
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(BAD + EDGE),
)
arrays = st.lists(st.floats(-1e6, 1e6), min_size=0, max_size=5).map(np.array)
values = st.one_of(numbers, arrays, st.sampled_from(["", "auto", "x"]))


def names_an_argument(message: str, func) -> bool:
    params = list(inspect.signature(func).parameters)
    return any(re.search(rf"(?<![A-Za-z_]){re.escape(p)}(?![A-Za-z_])", message) for p in params)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_valid_call_is_finite(name):
    func = resolve(name)
    assert finite(func(**build(CALLS[name])), allow_inf=name in MAY_HOLD_INF)


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_any_argument(name, data):
    func = resolve(name)
    kwargs = build(CALLS[name])
    arg = data.draw(st.sampled_from(sorted(kwargs)), label="argument")
    kwargs[arg] = data.draw(values, label="value")
    with validation.limits(memory_bytes=256 * 2**20, work=2e8):
        try:
            result = func(**kwargs)
        except (ValueError, TypeError) as exc:
            assert names_an_argument(str(exc), func), f"{name}({arg}={kwargs[arg]!r}): {type(exc).__name__}: {exc}"
            return
    assert finite(result, allow_inf=name in MAY_HOLD_INF), f"{name}({arg}={kwargs[arg]!r}) returned NaN/inf"


# ------------------------------------------------------------------ invariants on valid random input
probs = st.lists(st.floats(0, 1), min_size=1, max_size=8).filter(lambda v: sum(v) > 1e-3).map(
    lambda v: np.array(v) / sum(v)
)


@settings(max_examples=60, deadline=None)
@given(p=probs, T=st.floats(1e-3, 1e3))
def test_temper_stays_on_the_simplex_and_keeps_the_support(p, T):
    """Zeros stay zero and the modes keep their mass (other tokens may underflow at tiny T: (p_x / p_max)^(1/T))."""
    q = temper(p, T)
    assert np.all(q >= 0) and abs(q.sum() - 1) < 1e-12
    assert np.all(q[p == 0] == 0) and np.all(q[p == p.max()] > 0)


@settings(max_examples=60, deadline=None)
@given(p=probs, T=st.floats(1e-3, 1e3), t=st.integers(0, 10**6))
def test_tempered_iterate_stays_on_the_simplex(p, T, t):
    q = tempered_iterate(p, T, t)
    assert np.all(q >= 0) and abs(q.sum() - 1) < 1e-12
    assert np.all(q[p == 0] == 0)


@settings(max_examples=40, deadline=None)
@given(p=probs, n=st.integers(0, 500), rows=st.integers(0, 4), seed=st.integers(0, 2**32 - 1))
def test_sample_counts_sum_to_n_on_the_support(p, n, rows, seed):
    counts = sample_counts(np.tile(p, (rows, 1)), n, np.random.default_rng(seed))
    assert counts.shape == (rows, p.size)
    assert np.all(counts.sum(axis=1) == n) and np.all(counts[:, p == 0] == 0)


@settings(max_examples=30, deadline=None)
@given(p=probs, data=st.data(), K=st.integers(1, 10**6))
def test_curation_factor_keeps_the_update_normalised(p, data, K):
    """sum_x p(x) H(x) = 1 for every K (the book's identity, theory.curation.laplace_normalisation)."""
    r = np.array(data.draw(st.lists(st.floats(-50, 50), min_size=p.size, max_size=p.size)))
    H = curation_factor(p, r, K)
    assert np.all(np.isfinite(H)) and np.all(H >= 0) and np.all(H <= K * (1 + 1e-9))
    assert abs(p @ H - 1) < 1e-8


@settings(max_examples=40, deadline=None)
@given(p=probs, data=st.data(), t=st.floats(0, 1e308))
def test_reward_tilt_stays_on_the_support(p, data, t):
    r = np.array(data.draw(st.lists(st.floats(-1e3, 1e3), min_size=p.size, max_size=p.size)))
    q = reward_tilt(p, r, t)
    assert np.all(np.isfinite(q)) and abs(q.sum() - 1) < 1e-12 and np.all(q[p == 0] == 0)
