"""The sampling kernel: one multinomial draw per replica.

Every categorical simulator in the book reduces to the same step: given the
current models ``probs`` (one next-token distribution per replica), draw ``n``
tokens from each and count them.  Keeping that step in one function means that
speed-ups (see ``benchmarks/``) change one place, and that the statistical
tests of every scheme exercise it.

Two exact strategies produce the same distribution, ``Multinomial(n, p)`` per
row, at different costs:

``"multinomial"``
    NumPy's conditional-binomial sampler: one binomial per category
    (``p_1``, then ``p_2 / (1 - p_1)`` among the rest, ...).  Its cost grows
    with the number of categories ``k`` and hardly with ``n``.
``"inverse-cdf"``
    Draw ``n`` uniforms per row and look each up in the row's cumulative
    distribution (``searchsorted``), then count (``bincount``).  Its cost grows
    with ``n log k`` and only linearly, cheaply, with ``k`` (one ``cumsum``).

``"auto"`` picks the inverse CDF when ``n`` is small compared with ``k``
(see :func:`choose_strategy`).  Categories with probability zero are never
drawn by either strategy.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STRATEGIES", "choose_strategy", "sample_counts"]

#: The exact sampling strategies of :func:`sample_counts`.
STRATEGIES: tuple[str, ...] = ("multinomial", "inverse-cdf")

#: ``"auto"`` uses the inverse CDF when ``n * INVERSE_CDF_RATIO <= k`` (measured crossover, ``benchmarks/``).
INVERSE_CDF_RATIO = 1


def choose_strategy(n: int, k: int) -> str:
    """Return the cheaper strategy for ``n`` draws from ``k`` categories.

    The conditional-binomial sampler costs about one binomial variate per
    category; the inverse CDF costs one uniform and one binary search per draw.
    On NumPy 2.4 the two break even for ``n`` between ``k / 4`` and ``k``.
    """
    return "inverse-cdf" if n * INVERSE_CDF_RATIO <= k else "multinomial"


def sample_counts(probs: np.ndarray, n: int, rng: np.random.Generator, *, strategy: str = "auto") -> np.ndarray:
    """Draw ``n`` tokens from each row of ``probs`` and return their counts.

    Parameters
    ----------
    probs : ndarray, shape (R, k)
        One categorical distribution per row (rows sum to one).
    n : int
        Number of tokens drawn from every row.
    rng : numpy.random.Generator
        Source of randomness.
    strategy : {"auto", "multinomial", "inverse-cdf"}
        How to draw; every strategy gives the same distribution.

    Returns
    -------
    ndarray of int64, shape (R, k)
        ``counts[r] ~ Multinomial(n, probs[r])``, independently across rows.
    """
    if strategy == "auto":
        strategy = choose_strategy(n, probs.shape[-1])
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be 'auto' or one of {STRATEGIES}, got {strategy!r}")
    if n == 0 or probs.shape[0] == 0:
        return np.zeros(probs.shape, dtype=np.int64)
    if strategy == "multinomial":
        return rng.multinomial(n, probs)
    return _inverse_cdf_counts(probs, n, rng)


def _inverse_cdf_counts(probs: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``Multinomial(n, probs[r])`` per row by inverse-CDF lookup of ``n`` uniforms.

    All rows are searched at once: row ``r``'s cumulative distribution is
    shifted by ``2 r`` so that the concatenated rows stay increasing, and its
    uniforms ``U * total_r + 2 r`` fall inside row ``r``'s block.  A draw ``u``
    lands on the first category whose cumulative probability exceeds ``u``,
    i.e. on category ``j`` with probability ``p_j``; a zero-probability
    category has an empty interval and is never hit.  (The shift costs at most
    a rounding error of order ``2 R`` ulps, about ``1e-14 R`` in any
    probability.)
    """
    rows, k = probs.shape
    cdf = np.cumsum(probs, axis=1)
    total = cdf[:, -1:].copy()
    offset = 2.0 * np.arange(rows, dtype=np.float64)[:, None]
    cdf += offset
    # Rounding of ``U * total + 2 r`` can reach the block's upper edge; keep draws strictly below it.
    top = np.nextafter(cdf[:, -1:], -np.inf)
    u = rng.random((rows, n))
    u *= total
    u += offset
    np.minimum(u, top, out=u)
    hit = np.searchsorted(cdf.ravel(), u.ravel(), side="right")
    return np.bincount(hit, minlength=rows * k).reshape(rows, k)
