"""The sampling kernel: one multinomial draw per replica.

Every categorical simulator in the book reduces to the same step: given the
current models ``probs`` (one next-token distribution per replica), draw ``n``
tokens from each and count them.  Keeping that step in one function means that
speed-ups (see ``benchmarks/``) change one place, and that the statistical
tests of every scheme exercise it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sample_counts"]


def sample_counts(probs: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` tokens from each row of ``probs`` and return their counts.

    Parameters
    ----------
    probs : ndarray, shape (R, s)
        One categorical distribution per row (rows sum to one).
    n : int
        Number of tokens drawn from every row.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    ndarray of int64, shape (R, s)
        ``counts[r] ~ Multinomial(n, probs[r])``, independently across rows.

    Notes
    -----
    NumPy's multinomial sampler uses the conditional-binomial method and stops
    as soon as the ``n`` draws are placed, so rows whose mass sits on few
    tokens are cheap.
    """
    if n == 0:
        return np.zeros(probs.shape, dtype=np.int64)
    return rng.multinomial(n, probs)
