"""Forgetting rare symbols: the Poisson chain of Suresh et al. (2025) and word loss times.

In the Poisson model a generation draws ``n`` samples from ``Poisson(Lambda_{k-1})``
and refits the rate by their mean, ``Lambda_k``.  The sum of ``n`` Poisson samples
is Poisson with ``n`` times the rate, so one generation is a single variate per
replica: ``n Lambda_k ~ Poisson(n Lambda_{k-1})``.  Categorical chains (words) are
simulated with :func:`collapse_utils.chains.simulate_chain`; :func:`loss_times`
reads off when each word disappeared.
"""

from __future__ import annotations

import numpy as np

from .validation import as_generator, check_array, check_memory, check_positive_float, check_positive_int

__all__ = ["loss_times", "simulate_poisson"]


def simulate_poisson(
    lam0: float,
    *,
    n: int,
    generations: int,
    replicas: int = 1,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Simulate recursive maximum-likelihood fitting of a Poisson rate.

    Parameters
    ----------
    lam0 : float
        True rate ``Lambda_0 > 0``.
    n : int
        Samples per generation.
    generations : int
        Number of refits ``k``.
    replicas : int
        Independent chains.
    seed : int, numpy.random.Generator or None
        Randomness.

    Returns
    -------
    ndarray, shape (generations + 1, replicas)
        ``Lambda_k`` per generation (row 0 is ``Lambda_0``); once a rate is 0 it stays 0.

    Examples
    --------
    >>> rates = simulate_poisson(2.0, n=5, generations=200, replicas=1000, seed=0)
    >>> rates.shape, bool((rates[-1] == 0).mean() > 0.5)  # most chains have forgotten the event
    ((201, 1000), True)
    """
    lam0 = check_positive_float(lam0, "lam0")
    n = check_positive_int(n, "n")
    generations = check_positive_int(generations, "generations")
    replicas = check_positive_int(replicas, "replicas")
    if lam0 * n > 1e15:
        raise ValueError(f"lam0 * n must be <= 1e15, the range of exact Poisson draws (got lam0={lam0:g}, n={n})")
    check_memory(8 * (generations + 1) * replicas, f"generations={generations} x replicas={replicas}", "use fewer generations or replicas")
    rng = as_generator(seed)
    rates = np.empty((generations + 1, replicas))
    rates[0] = lam0
    for k in range(1, generations + 1):
        rates[k] = rng.poisson(n * rates[k - 1]) / n
    return rates


def loss_times(probs: np.ndarray) -> np.ndarray:
    """First generation at which each token has probability zero.

    Parameters
    ----------
    probs : ndarray, shape (generations + 1, replicas, s)
        Models ``p^(m)`` as returned by ``simulate_chain(...).probs``.

    Returns
    -------
    ndarray of float, shape (replicas, s)
        ``min{m : p_i^(m) = 0}``; ``inf`` if the token survived every generation.

    Examples
    --------
    >>> probs = np.array([[[0.5, 0.5]], [[1.0, 0.0]], [[1.0, 0.0]]])
    >>> loss_times(probs).tolist()
    [[inf, 1.0]]
    """
    probs = check_array(probs, "probs", low=0.0, high=1.0)
    if probs.ndim != 3:
        raise ValueError(f"probs must have shape (generations + 1, replicas, s), got {probs.shape}")
    lost = probs == 0
    first = lost.argmax(axis=0).astype(float)
    first[~lost.any(axis=0)] = np.inf
    return first
