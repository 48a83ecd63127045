"""The fully synthetic chain seen from one token: the exact two-token Wright–Fisher chain.

In the fully synthetic scheme (Seddik et al. 2024, §3.1) the count of any one
token is itself a Markov chain: given ``p^(m-1)``, ``n p_i^(m) ~ Bin(n, p_i^(m-1))``
whatever the other tokens do.  That chain lives on ``{0, 1, ..., n}`` and is the
neutral Wright–Fisher chain of population genetics (Ewens 2004), with absorbing
states ``0`` (token lost) and ``n`` (token fixed, i.e. total collapse onto it).
Everything about one token, and everything about a two-token vocabulary, can
therefore be computed *exactly* with ``(n + 1) x (n + 1)`` matrices:

* :func:`transition_matrix` -- ``P[j, k] = P(n p^(m) = k | n p^(m-1) = j)``;
* :func:`collapse_cdf` -- ``P(T <= m)`` for two tokens, by matrix powers;
* :func:`loss_cdf` and :func:`expected_survivors` -- when the tail of a large
  vocabulary dies;
* :func:`mean_collapse_time` and :func:`fixation_probability` -- ``E[T]`` and
  ``P(p^(infinity) = delta_1)`` from the fundamental matrix ``(I - P_tilde)^{-1}``
  (Kemeny & Snell 1960), as linear solves.

:func:`diffusion_collapse_time` is Kimura's diffusion approximation of ``E[T]``
and :func:`one_step_loss_probability` the chance ``(1 - p_i)^n`` of losing a
token in a single generation.

Conventions follow Seddik et al.: ``p^(0)`` is the truth, ``p^(1)`` is fitted
on ``n`` samples of it, and ``T = inf{t >= 1 : ||p^(t)||_inf = 1}``.  The law of
``n p^(1)`` is ``Bin(n, p)`` for any ``p`` in ``[0, 1]``, so ``p`` need not be a
multiple of ``1 / n``.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

from .validation import check_array, check_int, check_memory, check_positive_int, check_prob_rows, check_probs, check_work

__all__ = [
    "collapse_cdf",
    "diffusion_collapse_time",
    "expected_survivors",
    "fixation_probability",
    "loss_cdf",
    "mean_collapse_time",
    "one_step_loss_probability",
    "transition_matrix",
]


def _check_unit_interval(p: object, name: str) -> np.ndarray:
    return check_array(p, name, low=0.0, high=1.0)


def _check_chain(n: int, *, generations: int = 0, solve: bool = False) -> None:
    """Refuse chains whose ``(n + 1) x (n + 1)`` matrices exceed the memory or work limits."""
    size = (n + 1) ** 2
    check_memory(4 * 8 * size, f"n={n}: (n + 1)^2 transition probabilities", "use a smaller n (the diffusion approximation for large n)")
    work = 200 * size + generations * size + (n**3 / 10 if solve else 0)  # measured: ~1 ns per LAPACK flop
    check_work(work, f"n={n}" + (f" and generations={generations}" if generations else ""), "use a smaller n or fewer generations")


def transition_matrix(n: int) -> np.ndarray:
    """Transition matrix of the count chain ``c_m = n p_i^(m)`` on ``{0, ..., n}``.

    Parameters
    ----------
    n : int
        Samples per generation (Seddik's ``n``).

    Returns
    -------
    ndarray, shape (n + 1, n + 1)
        ``P[j, k] = C(n, k) (j/n)^k (1 - j/n)^(n - k)``; rows sum to one and
        the states ``0`` and ``n`` are absorbing.

    Examples
    --------
    >>> P = transition_matrix(2)
    >>> P.round(6).tolist()  # the states 0 and n = 2 are absorbing
    [[1.0, 0.0, 0.0], [0.25, 0.5, 0.25], [0.0, 0.0, 1.0]]
    >>> bool(np.allclose(P.sum(axis=1), 1))
    True
    """
    n = check_positive_int(n, "n")
    _check_chain(n)
    states = np.arange(n + 1)
    return binom.pmf(states[None, :], n, states[:, None] / n)


def _first_law(p: np.ndarray, n: int) -> np.ndarray:
    """Law of ``c_1 = n p^(1) ~ Bin(n, p)``, shape ``p.shape + (n + 1,)``."""
    return binom.pmf(np.arange(n + 1), n, p[..., None])


def _absorbed_by(n: int, generations: int, target: np.ndarray) -> np.ndarray:
    """Rows ``P^(m-1) target`` for ``m = 1..generations`` (backward iteration, shape ``(generations, n + 1)``).

    With ``target`` the indicator of a set ``A`` of absorbing states, entry
    ``[m - 1, j]`` is ``P(c_m in A | c_1 = j)``.
    """
    P = transition_matrix(n)
    out = np.empty((generations, n + 1))
    v = target.astype(np.float64)
    for row in range(generations):  # a loop over generations, each step one matrix-vector product
        out[row] = v
        v = P @ v
    return out


def collapse_cdf(p: object, n: int, generations: int) -> np.ndarray:
    """Exact ``P(T <= m)`` for a two-token vocabulary, ``m = 0..generations``.

    Parameters
    ----------
    p : array_like
        Probability ``p_1^(0)`` of the first token (the second has ``1 - p``);
        any shape, every entry in ``[0, 1]``.
    n : int
        Samples per generation.
    generations : int
        Last generation ``m``.

    Returns
    -------
    ndarray, shape (generations + 1, *p.shape)
        Row ``m`` is ``rho_m = P(||p^(m)||_inf = 1) = P(T <= m)`` (row 0 is 0 since ``T >= 1``).

    Examples
    --------
    >>> collapse_cdf(0.5, 2, 3).ravel().round(6).tolist()  # P(T <= m) = 1 - 2^-m for n = 2, p = 1/2
    [0.0, 0.5, 0.75, 0.875]
    """
    p = _check_unit_interval(p, "p")
    n = check_positive_int(n, "n")
    generations = check_positive_int(generations, "generations")
    _check_chain(n, generations=generations)
    target = np.zeros(n + 1)
    target[[0, n]] = 1.0
    rows = np.moveaxis(_first_law(p, n) @ _absorbed_by(n, generations, target).T, -1, 0)
    return np.concatenate([np.zeros((1,) + p.shape), rows], axis=0)


def loss_cdf(p: object, n: int, generations: int) -> np.ndarray:
    """Exact ``P(p_i^(m) = 0)`` for a token of initial probability ``p_i^(0) = p``, ``m = 0..generations``.

    The count of one token is a two-token Wright–Fisher chain whatever the
    size of the vocabulary, so this holds for every ``s``.

    Parameters
    ----------
    p : array_like
        Initial probabilities of the tokens, any shape, entries in ``[0, 1]``.
    n : int
        Samples per generation.
    generations : int
        Last generation ``m``.

    Returns
    -------
    ndarray, shape (generations + 1, *p.shape)
        Row ``m`` is the probability that the token is lost by generation ``m``.

    Examples
    --------
    >>> loss_cdf(0.5, 2, 3).ravel().round(6).tolist()  # lost or fixed with equal chance: half of collapse_cdf
    [0.0, 0.25, 0.375, 0.4375]
    """
    p = _check_unit_interval(p, "p")
    n = check_positive_int(n, "n")
    generations = check_positive_int(generations, "generations")
    _check_chain(n, generations=generations)
    target = np.zeros(n + 1)
    target[0] = 1.0
    rows = np.moveaxis(_first_law(p, n) @ _absorbed_by(n, generations, target).T, -1, 0)
    return np.concatenate([(p == 0).astype(np.float64)[None], rows], axis=0)


def expected_survivors(p0: object, n: int, generations: int) -> np.ndarray:
    """Exact expected number of tokens still alive, ``E[|supp p^(m)|]``, for ``m = 0..generations``.

    By linearity, ``E[|supp p^(m)|] = sum_i P(p_i^(m) > 0) = sum_i (1 - loss_cdf(p_i))``.

    Parameters
    ----------
    p0 : array_like, shape (s,)
        The truth ``p^(0)``.
    n : int
        Samples per generation.
    generations : int
        Last generation ``m``.

    Returns
    -------
    ndarray, shape (generations + 1,)
        Row 0 is the support size ``s~`` of ``p0``.

    Examples
    --------
    >>> expected_survivors([0.5, 0.5], 2, 3).tolist()  # 2 tokens, then 1 + 2^-m
    [2.0, 1.5, 1.25, 1.125]
    """
    p0 = check_probs(p0, "p0")
    n = check_positive_int(n, "n")
    generations = check_positive_int(generations, "generations")
    values, multiplicity = np.unique(p0, return_counts=True)  # equal probabilities share one computation
    return (1.0 - loss_cdf(values, n, generations)) @ multiplicity


def _fundamental_solve(n: int, rhs: np.ndarray) -> np.ndarray:
    """Solve ``(I - P_tilde) x = rhs`` on the transient states ``1..n-1`` (``P_tilde``: ``P`` restricted to them)."""
    P = transition_matrix(n)
    P_tilde = P[1:n, 1:n]
    return np.linalg.solve(np.eye(n - 1) - P_tilde, rhs)


def mean_collapse_time(p: object, n: int) -> np.ndarray:
    """Exact ``E[T]`` for a two-token vocabulary, from the fundamental matrix.

    Parameters
    ----------
    p : array_like
        Probability of the first token, any shape, entries in ``[0, 1]``.
    n : int
        Samples per generation.

    Returns
    -------
    ndarray, shape of ``p``
        ``E[T] = 1 + sum_j P(c_1 = j) E_j[T]`` where ``E_j[T] = ((I - P_tilde)^{-1} 1)_j`` is the
        expected number of further generations from count ``j`` (Kemeny & Snell 1960).

    Examples
    --------
    >>> mean_collapse_time([0.5, 0.9], 2).round(6).tolist()  # geometric: E[T] = 1 / (1 - 2 p (1 - p))
    [2.0, 1.36]
    """
    p = _check_unit_interval(p, "p")
    n = check_positive_int(n, "n")
    _check_chain(n, solve=True)
    if n == 1:
        return np.ones_like(p)
    tau = _fundamental_solve(n, np.ones(n - 1))
    return 1.0 + _first_law(p, n)[..., 1:n] @ tau


def fixation_probability(p: object, n: int) -> np.ndarray:
    """Exact probability that the chain collapses onto the first token.

    Parameters
    ----------
    p : array_like
        Probability of the first token, any shape, entries in ``[0, 1]``.
    n : int
        Samples per generation.

    Returns
    -------
    ndarray, shape of ``p``
        ``P(c_1 = n) + sum_j P(c_1 = j) h_j`` with ``h = (I - P_tilde)^{-1} P[1:n, n]``.
        Proposition 1 of Seddik et al. says it equals ``p``; this computes it
        without using that fact.

    Examples
    --------
    >>> fixation_probability([0.1, 0.5], 10).round(12).tolist()  # Proposition 1: it equals p
    [0.1, 0.5]
    """
    p = _check_unit_interval(p, "p")
    n = check_positive_int(n, "n")
    _check_chain(n, solve=True)
    law = _first_law(p, n)
    if n == 1:
        return law[..., 1]
    h = _fundamental_solve(n, transition_matrix(n)[1:n, n])
    return law[..., n] + law[..., 1:n] @ h


def diffusion_collapse_time(p0: object, n: int | np.ndarray) -> np.ndarray:
    """Kimura's diffusion approximation of the mean collapse time.

    ``E[T] ~ -2 n sum_i (1 - p_i) ln(1 - p_i)`` (Littler 1975), which for two
    tokens ``(p, 1 - p)`` is ``-2 n [p ln p + (1 - p) ln(1 - p)]``.

    Parameters
    ----------
    p0 : array_like, shape (..., s)
        Initial distributions along the last axis.
    n : int or array_like
        Samples per generation; broadcast against the leading shape of ``p0``.

    Returns
    -------
    ndarray
        The approximation, shape ``broadcast(p0.shape[:-1], n)``; ``0 ln 0 = 0``.

    Examples
    --------
    >>> round(float(diffusion_collapse_time([0.5, 0.5], 10)), 4)  # 20 ln 2
    13.8629
    >>> round(float(mean_collapse_time(0.5, 10)), 4)  # the exact chain
    12.5905
    """
    p0 = check_prob_rows(p0, "p0")
    n_arr = check_int(n, "n", low=1) if np.ndim(n) == 0 else check_array(n, "n", integer=True, low=1)
    try:
        np.broadcast_shapes(p0.shape[:-1], np.shape(n_arr))
    except ValueError:
        raise ValueError(f"n must broadcast against p0.shape[:-1] = {p0.shape[:-1]}, got shape {np.shape(n_arr)}") from None
    q = 1.0 - p0
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0)), 0.0)
    return -2.0 * n_arr * terms.sum(axis=-1)


def one_step_loss_probability(p0: object, n: int) -> np.ndarray:
    """Probability ``(1 - p_i)^n`` that token ``i`` gets no sample in one generation (and is lost for good).

    Parameters
    ----------
    p0 : array_like
        Token probabilities, entries in ``[0, 1]``.
    n : int
        Samples per generation.

    Returns
    -------
    ndarray, shape of ``p0``

    Examples
    --------
    >>> one_step_loss_probability([0.5, 0.1], 3).round(6).tolist()  # (1 - p)^3
    [0.125, 0.729]
    """
    p0 = _check_unit_interval(p0, "p0")
    n = check_positive_int(n, "n")
    return (1.0 - p0) ** n
