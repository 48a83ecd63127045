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

When the model is a histogram of integer counts (a maximum-likelihood fit
with temperature 1), :func:`resample_counts` can also draw by the *urn*:
pick ``n`` of the row's ``total`` training tokens uniformly with replacement,
which costs about ``total + n`` cheap operations per row and no binomial.
"""

from __future__ import annotations

import numpy as np

from .validation import (
    PROB_ATOL,
    check_array,
    check_choice,
    check_generator,
    check_memory,
    check_nonnegative_int,
    check_positive_int,
    check_prob_rows,
    check_weights,
)

__all__ = ["STRATEGIES", "choose_strategy", "resample_counts", "sample_categorical", "sample_counts"]

#: The exact sampling strategies of :func:`sample_counts`.
STRATEGIES: tuple[str, ...] = ("multinomial", "inverse-cdf")

#: ``"auto"`` uses the inverse CDF when ``n * INVERSE_CDF_RATIO <= k`` (measured crossover, ``benchmarks/``).
INVERSE_CDF_RATIO = 1

#: :func:`resample_counts` uses the urn when ``total + n <= URN_RATIO * k`` (measured crossover, ``benchmarks/``).
URN_RATIO = 32


def choose_strategy(n: int, k: int) -> str:
    """Return the cheaper strategy for ``n`` draws from ``k`` categories.

    The conditional-binomial sampler costs about one binomial variate per
    category; the inverse CDF costs one uniform and one binary search per draw.
    On NumPy 2.4 the two break even for ``n`` between ``k / 4`` and ``k``.

    Examples
    --------
    >>> choose_strategy(10, 1000), choose_strategy(1000, 10)
    ('inverse-cdf', 'multinomial')
    """
    n = check_nonnegative_int(n, "n")
    k = check_positive_int(k, "k")
    return _choose_strategy(n, k)


def _choose_strategy(n: int, k: int) -> str:
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

    Raises
    ------
    ValueError
        If a row is not a probability vector (within 1e-9), ``n`` is not a
        non-negative integer, ``rng`` is not a generator, or the draw would
        need more memory than :data:`~collapse_utils.validation.MEMORY_LIMIT_BYTES`.

    Examples
    --------
    >>> counts = sample_counts(np.array([[0.5, 0.5, 0.0], [0.1, 0.2, 0.7]]), 100, np.random.default_rng(0))
    >>> counts.sum(axis=1).tolist(), int(counts[0, 2])
    ([100, 100], 0)
    """
    probs = check_prob_rows(probs, "probs", ndim=2)
    n = check_nonnegative_int(n, "n")
    rng = check_generator(rng, "rng")
    strategy = check_choice(strategy, "strategy", ("auto", *STRATEGIES))
    R, k = probs.shape
    uses_n = strategy == "inverse-cdf" or (strategy == "auto" and n * INVERSE_CDF_RATIO <= k)
    check_memory(8 * R * (2 * k + (2 * n if uses_n else 0)), f"{R} rows x (k={k}" + (f" + n={n})" if uses_n else ")"), "draw fewer rows or tokens at once")
    return _sample_counts(probs, n, rng, strategy=strategy)


def _sample_counts(probs: np.ndarray, n: int, rng: np.random.Generator, *, strategy: str = "auto") -> np.ndarray:
    """:func:`sample_counts` without the argument checks (for callers that validated them)."""
    if strategy == "auto":
        strategy = _choose_strategy(n, probs.shape[-1])
    if n == 0 or probs.shape[0] == 0:
        return np.zeros(probs.shape, dtype=np.int64)
    if strategy == "multinomial":
        return rng.multinomial(n, probs)
    return _inverse_cdf_counts(probs, n, rng)


def resample_counts(counts: np.ndarray, n: int, rng: np.random.Generator, *, strategy: str = "auto") -> np.ndarray:
    """Draw ``n`` tokens from each row's empirical law ``counts[r] / counts[r].sum()`` and count them.

    In law this is ``sample_counts(counts / totals, n, rng)``: a model fitted by
    maximum likelihood on ``total`` tokens generates by picking one of them.

    Parameters
    ----------
    counts : ndarray of int, shape (R, k)
        Token counts of each row's training data (every row with a positive total).
    n : int
        Number of tokens drawn from every row.
    rng : numpy.random.Generator
        Source of randomness.
    strategy : {"auto", "urn", "multinomial", "inverse-cdf"}
        ``"urn"`` picks ``n`` of the row's tokens uniformly with replacement;
        the others are those of :func:`sample_counts`.  ``"auto"`` takes the urn
        when ``total + n <= 32 k`` and otherwise lets :func:`sample_counts` choose.

    Returns
    -------
    ndarray of int64, shape (R, k)
        ``Multinomial(n, counts[r] / total_r)`` per row, independently.

    Examples
    --------
    >>> counts = resample_counts(np.array([[3, 1, 0], [0, 0, 5]]), 8, np.random.default_rng(0))
    >>> counts.sum(axis=1).tolist(), counts[1].tolist()
    ([8, 8], [0, 0, 8])
    """
    counts = check_array(counts, "counts", ndim=2, integer=True, low=0)
    n = check_nonnegative_int(n, "n")
    rng = check_generator(rng, "rng")
    strategy = check_choice(strategy, "strategy", ("auto", "urn", *STRATEGIES))
    rows, k = counts.shape
    totals = counts.sum(axis=1)
    if rows and totals.min() <= 0:
        raise ValueError(f"counts must have a positive total in every row; row {int(totals.argmin())} sums to 0")
    urn = strategy == "urn" or (strategy == "auto" and int(totals.max(initial=0)) + n <= URN_RATIO * k)
    check_memory(
        8 * (int(totals.sum()) + 2 * rows * n + 2 * rows * k) if urn else 8 * rows * (3 * k + 2 * n),
        f"{rows} rows x (n={n} draws" + (f" from {int(totals.sum())} tokens)" if urn else f", k={k})"),
        "draw fewer rows or tokens at once",
    )
    return _resample_counts(counts, n, rng, strategy=strategy)


def _resample_counts(counts: np.ndarray, n: int, rng: np.random.Generator, *, strategy: str = "auto") -> np.ndarray:
    """:func:`resample_counts` without the argument checks (for callers that validated them)."""
    rows, k = counts.shape
    totals = counts.sum(axis=1)
    if strategy == "auto":
        strategy = "urn" if int(totals.max(initial=0)) + n <= URN_RATIO * k else "auto"
    if strategy != "urn":
        return _sample_counts(counts / totals[:, None], n, rng, strategy=strategy)
    if n == 0 or rows == 0:
        return np.zeros(counts.shape, dtype=np.int64)
    # Row r's tokens, as flat indices r * k + j, each repeated counts[r, j] times, rows one after another.
    tokens = np.repeat(np.arange(rows * k), counts.ravel())
    if np.all(totals == totals[0]):
        pick = rng.integers(0, totals[0], size=(rows, n))
    else:
        pick = rng.integers(0, totals[:, None], size=(rows, n))
    pick += (np.cumsum(totals) - totals)[:, None]
    return np.bincount(tokens[pick.ravel()], minlength=rows * k).reshape(rows, k)


def sample_categorical(probs: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``size`` categories from each row of ``probs``: the package's one inverse-CDF draw.

    Parameters
    ----------
    probs : ndarray, shape (R, k)
        One categorical law per row, as non-negative finite weights with a positive total;
        a row is normalised by its total unless it already sums to 1 (within
        :data:`~collapse_utils.validation.PROB_ATOL`).
    size : int
        Draws per row.
    rng : numpy.random.Generator
        Source of randomness (consumes ``R * size`` uniforms).

    Returns
    -------
    ndarray of int64, shape (R, size)
        Category indices; a zero-probability category is never drawn, whatever the rounding.

    Raises
    ------
    ValueError
        If ``probs`` is not a 2-D array of such weights, ``size`` is not a non-negative
        integer, ``rng`` is not a generator, or the draw would need more memory than
        :data:`~collapse_utils.validation.MEMORY_LIMIT_BYTES`.

    Examples
    --------
    >>> draws = sample_categorical(np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]), 1000, np.random.default_rng(0))
    >>> draws.shape, bool(np.all(draws[0] < 2)), bool(np.all(draws[1] == 2))  # zero-probability categories never drawn
    ((2, 1000), True, True)
    """
    probs = check_weights(probs, "probs", ndim=2)
    size = check_nonnegative_int(size, "size")
    rng = check_generator(rng, "rng")
    rows, k = probs.shape
    check_memory(8 * rows * (2 * k + 3 * size), f"{rows} rows x (k={k} + size={size})", "draw fewer rows or categories at once")
    totals = probs.sum(axis=1, keepdims=True)
    if np.any(np.abs(totals - 1.0) > PROB_ATOL):
        probs = probs / totals
    return _sample_categorical(probs, size, rng)


def _sample_categorical(probs: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """:func:`sample_categorical` without the checks, for internal hot paths.

    ``probs`` must be 2-D, non-negative, with row totals in ``(0, 2)`` (so that the
    row blocks of :func:`_inverse_cdf_hits` do not overlap).
    """
    rows, k = probs.shape
    return _inverse_cdf_hits(probs, size, rng).reshape(rows, size) - k * np.arange(rows)[:, None]


def _inverse_cdf_hits(probs: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Flat indices ``r * k + j`` of ``n`` inverse-CDF draws from every row ``r`` of ``probs``, row by row.

    All rows are searched at once: row ``r``'s cumulative distribution is
    shifted by ``2 r`` so that the concatenated rows stay increasing, and its
    uniforms ``U * total_r + 2 r`` fall inside row ``r``'s block.  A draw ``u``
    lands on the first category whose cumulative probability exceeds ``u``,
    i.e. on category ``j`` with probability ``p_j``; a zero-probability
    category has an empty interval and is never hit.  (The shift costs at most
    a rounding error of order ``2 R`` ulps, about ``1e-14 R`` in any
    probability.)
    """
    cdf = np.cumsum(probs, axis=1)
    total = cdf[:, -1:].copy()
    offset = 2.0 * np.arange(probs.shape[0], dtype=np.float64)[:, None]
    cdf += offset
    # Rounding of ``U * total + 2 r`` can reach the block's upper edge; keep draws strictly below it.
    top = np.nextafter(cdf[:, -1:], -np.inf)
    u = rng.random((probs.shape[0], n))
    u *= total
    u += offset
    np.minimum(u, top, out=u)
    return np.searchsorted(cdf.ravel(), u.ravel(), side="right")


def _inverse_cdf_counts(probs: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``Multinomial(n, probs[r])`` per row: the counts of :func:`_inverse_cdf_hits`."""
    rows, k = probs.shape
    return np.bincount(_inverse_cdf_hits(probs, n, rng), minlength=rows * k).reshape(rows, k)
