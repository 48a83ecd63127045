"""One rule for every theory-versus-Monte-Carlo tolerance.

A test averages ``R`` independent replicas of a statistic and compares the mean
with an exact value.  By the central limit theorem the error is about
``N(0, sd^2 / R)``; we accept it within ``z`` standard errors, where ``z`` is
chosen so that the *whole test* fails falsely with probability below
``FALSE_FAILURE = 1e-5`` — ten times rarer than the 1-in-10,000 the book
promises.  A test that makes ``k`` comparisons uses the Bonferroni split
``z = Phi^{-1}(1 - FALSE_FAILURE / (2 k))`` (``z = 4.42`` for one comparison,
``5.0`` for thirty).  Seeds are fixed, so a given version of the code passes or
fails deterministically; the rule is what makes a pass meaningful.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

#: Probability that a correct implementation fails one test.
FALSE_FAILURE = 1e-5


def z_for(comparisons: int) -> float:
    """Standard errors allowed per comparison when a test makes ``comparisons`` of them."""
    return float(norm.isf(FALSE_FAILURE / (2 * max(1, comparisons))))


def assert_mean_close(
    samples: np.ndarray,
    expected: np.ndarray | float,
    *,
    axis: int = -1,
    sd: np.ndarray | float | None = None,
    what: str = "",
) -> float:
    """Assert that the mean of ``samples`` along ``axis`` matches ``expected`` within the rule above.

    ``sd`` is the known standard deviation of one replica when theory gives it;
    otherwise the sample standard deviation is used (accurate at the thousands
    of replicas the tests use).  Returns the largest error in units of the
    tolerance, for reporting.
    """
    samples = np.asarray(samples, dtype=float)
    count = samples.shape[axis]
    mean = samples.mean(axis=axis)
    spread = samples.std(axis=axis, ddof=1) if sd is None else np.broadcast_to(np.asarray(sd, dtype=float), mean.shape)
    expected = np.asarray(expected, dtype=float)
    if np.broadcast_shapes(expected.shape, mean.shape) != mean.shape:
        raise ValueError(f"expected has shape {expected.shape}, but the means have shape {mean.shape}")
    z = z_for(int(np.size(mean)))
    # A statistic that is exactly constant (zero spread) must equal its expectation up to rounding.
    tol = z * spread / np.sqrt(count) + 1e-12
    ratio = np.abs(mean - expected) / tol
    assert np.all(ratio <= 1), f"{what}: worst |mean - expected| is {np.max(ratio):.2f} x the tolerance (z = {z:.2f})"
    return float(np.max(ratio))


def assert_mean_below(samples: np.ndarray, bound: np.ndarray | float, *, axis: int = -1, what: str = "") -> float:
    """Assert that the mean of ``samples`` along ``axis`` does not exceed ``bound`` beyond the rule above.

    The one-sided version of :func:`assert_mean_close`, for theorems that are
    inequalities: a true bound fails only if the Monte Carlo mean exceeds it by
    more than ``z`` standard errors.  ``z`` comes from the same two-sided rule, so
    the false-failure probability is at most half of ``FALSE_FAILURE``.  Returns
    the largest ``(mean - bound) / tol``.
    """
    samples = np.asarray(samples, dtype=float)
    count = samples.shape[axis]
    mean = samples.mean(axis=axis)
    spread = samples.std(axis=axis, ddof=1)
    bound = np.broadcast_to(np.asarray(bound, dtype=float), mean.shape)
    z = z_for(int(np.size(mean)))
    tol = z * spread / np.sqrt(count) + 1e-12
    excess = (mean - bound) / tol
    assert np.all(excess <= 1), f"{what}: the mean exceeds the bound by {np.max(excess):.2f} x the tolerance (z = {z:.2f})"
    return float(np.max(excess))
