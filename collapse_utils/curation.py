"""Self-consuming training on curated samples (in the spirit of Ferbach et al. 2024).

A categorical model ``p_t`` over ``s`` outcomes generates ``K`` candidates; a
user keeps one of them with the Bradley–Terry/Luce probability
``exp(r(x_k)) / sum_j exp(r(x_j))``; the next model is the maximum-likelihood
fit (the histogram) of the kept samples.  In expectation

    p_{t+1}(x) = p_t(x) H^K_{p_t}(x),
    H^K_p(x) = E_{x_2..x_K ~ p}[ K e^{r(x)} / (e^{r(x)} + sum_{j>=2} e^{r(x_j)}) ].

:func:`expected_update` evaluates this map exactly for every ``K`` through the
book's own one-dimensional integral representation (see
:func:`curation_factor`); :func:`reward_tilt` is its ``K -> infinity`` limit;
:func:`simulate_curation` runs the finite-sample loop for many replicas at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import quad_vec

from .sampling import sample_counts
from .validation import (
    as_generator,
    check_fraction,
    check_nonnegative_int,
    check_positive_int,
    check_probs,
)

__all__ = [
    "CurationResult",
    "curate_counts",
    "curation_factor",
    "expected_trajectory",
    "expected_update",
    "reward_tilt",
    "simulate_curation",
]


def _check_reward(r: object, size: int) -> np.ndarray:
    try:
        arr = np.asarray(r, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"r must be a 1-D array of rewards: {exc}") from None
    if arr.shape != (size,):
        raise ValueError(f"r must have shape ({size},) like the model, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("r must contain only finite rewards")
    return arr


def _weights(r: np.ndarray) -> np.ndarray:
    """``e^{r - max r}``: Luce weights, shifted for numerical safety (choices are shift-invariant)."""
    return np.exp(r - r.max())


def curation_factor(p: object, r: object, K: int) -> np.ndarray:
    """Return ``H^K_p(x)`` for every outcome ``x`` (exact, any ``K``).

    Parameters
    ----------
    p : array_like, shape (s,)
        The current model ``p_t``.
    r : array_like, shape (s,)
        The reward ``r(x)``.
    K : int
        Number of candidates shown to the user, ``K >= 1``.

    Returns
    -------
    ndarray, shape (s,)
        ``H^K_p``; ``sum_x p(x) H^K_p(x) = 1``.

    Notes
    -----
    With ``w = e^r`` and ``S`` the sum of ``K - 1`` independent weights,
    ``1 / (w_x + S) = int_0^inf e^{-u (w_x + S)} du`` gives (the book's own
    identity)

        H^K_p(x) = K w_x int_0^inf e^{-u w_x} M(u)^{K-1} du,
        M(u) = sum_y p(y) e^{-u w_y},

    a one-dimensional integral that is evaluated by adaptive quadrature.
    """
    p = check_probs(p, "p")
    r = _check_reward(r, p.size)
    K = check_positive_int(K, "K")
    if K == 1:
        return np.ones_like(p)
    w = _weights(r)
    if K == 2:  # the pairwise Bradley–Terry choice, in closed form
        return (2 * w[:, None] / (w[:, None] + w[None, :])) @ p

    def integrand(u: float) -> np.ndarray:
        return np.exp(-u * w) * (p @ np.exp(-u * w)) ** (K - 1)

    integral, _ = quad_vec(integrand, 0.0, np.inf, epsabs=1e-13, epsrel=1e-11)
    return K * w * integral


def expected_update(p: object, r: object, K: int, *, real_fraction: float = 0.0, p_data: object = None) -> np.ndarray:
    """One step of the expected curated dynamics, optionally mixed with real data.

    ``p_{t+1} = phi p_data + (1 - phi) p_t H^K_{p_t}`` with ``phi = real_fraction``
    (``phi = 1 / (1 + lambda)`` for real and synthetic data mixed ``1 : lambda``,
    as in the stability chapter).  ``p_data`` defaults to ``p``.
    """
    p = check_probs(p, "p")
    phi = check_fraction(real_fraction, "real_fraction")
    curated = p * curation_factor(p, r, K)
    if phi == 0.0:
        return curated
    data = p if p_data is None else check_probs(p_data, "p_data")
    if data.shape != p.shape:
        raise ValueError(f"p_data must have shape {p.shape}, got {data.shape}")
    return phi * data + (1 - phi) * curated


def expected_trajectory(
    p0: object, r: object, K: int, *, generations: int, real_fraction: float = 0.0
) -> np.ndarray:
    """Iterate :func:`expected_update` from ``p0`` (which is also ``p_data``); shape ``(generations + 1, s)``."""
    p0 = check_probs(p0, "p0")
    generations = check_nonnegative_int(generations, "generations")
    out = np.empty((generations + 1, p0.size))
    out[0] = p0
    for t in range(generations):
        step = expected_update(out[t], r, K, real_fraction=real_fraction, p_data=p0)
        out[t + 1] = step / step.sum()  # remove rounding drift; the map sums to one exactly
    return out


def reward_tilt(p0: object, r: object, t: float | np.ndarray) -> np.ndarray:
    """The ``K -> infinity`` limit ``p_t = p_0 e^{t r} / E_{p_0}[e^{t r}]``.

    ``t`` may be an array of times; the result then has shape ``(len(t), s)``.
    """
    p0 = check_probs(p0, "p0")
    r = _check_reward(r, p0.size)
    t = np.asarray(t, dtype=np.float64)
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError("t must be finite and non-negative")
    logits = np.log(np.where(p0 > 0, p0, 1.0)) + t[..., None] * r
    logits = np.where(p0 > 0, logits, -np.inf)
    logits -= logits.max(axis=-1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=-1, keepdims=True)


def curate_counts(probs: np.ndarray, r: np.ndarray, K: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Counts of ``n`` curated samples per replica: the sampling kernel of curation.

    For each of the ``n`` kept samples of each replica, ``K`` candidates are drawn
    from ``probs[replica]`` and one is kept with probability proportional to
    ``e^{r}`` (Gumbel-max trick: ``argmax_k r(x_k) + G_k`` with ``G_k`` i.i.d.
    standard Gumbel is a Luce choice).  Fully vectorised: arrays of shape
    ``(R, n, K)``.
    """
    R, s = probs.shape
    if K == 1:
        return sample_counts(probs, n, rng)
    cdf = np.cumsum(probs, axis=1)
    cdf[:, -1] = 1.0
    u = rng.random((R, n * K))
    if s <= 32:  # inverse-CDF draw of every candidate by comparison with the CDF (cheap for small s)
        cand = (u[:, :, None] >= cdf[:, None, :-1]).sum(axis=2)
    else:  # shift row i into [i, i + 1) and search all rows at once
        offsets = np.arange(R)[:, None]
        flat_cdf = (cdf + offsets).ravel()
        cand = np.searchsorted(flat_cdf, (u + offsets).ravel(), side="right").reshape(R, n * K) - s * offsets
    cand = np.minimum(cand, s - 1).reshape(R, n, K)
    scores = r[cand] + rng.gumbel(size=cand.shape)
    kept = np.take_along_axis(cand, scores.argmax(axis=2)[..., None], axis=2)[..., 0]
    flat = kept + s * np.arange(R)[:, None]
    return np.bincount(flat.ravel(), minlength=R * s).reshape(R, s)


@dataclass(frozen=True)
class CurationResult:
    """Outcome of :func:`simulate_curation`.

    Attributes
    ----------
    probs : ndarray, shape (generations + 1, replicas, s)
        ``probs[t]`` is the model ``p_t`` of every replica; ``probs[0] = p0``.
    reward : ndarray, shape (generations + 1, replicas)
        Expected reward ``E_{p_t}[r]``.
    entropy : ndarray, shape (generations + 1, replicas)
        Shannon entropy of ``p_t`` (nats).
    support : ndarray, shape (generations + 1, replicas)
        Number of outcomes with ``p_t(x) > 0``.
    """

    probs: np.ndarray
    reward: np.ndarray
    entropy: np.ndarray
    support: np.ndarray


def _entropy(probs: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(np.where(probs > 0, probs * np.log(np.where(probs > 0, probs, 1.0)), 0.0), axis=-1)


def simulate_curation(
    p0: object,
    r: object,
    *,
    K: int,
    n: int,
    generations: int,
    real_fraction: float = 0.0,
    replicas: int = 1,
    seed: int | np.random.Generator | None = None,
) -> CurationResult:
    """Simulate retraining on curated samples with finite data.

    Generation ``t + 1`` is the histogram of ``n`` samples: ``round(phi n)`` fresh
    real samples from ``p0`` and ``n - round(phi n)`` curated samples of ``p_t``
    (each the Luce choice among ``K`` candidates; see :func:`curate_counts`).

    Parameters
    ----------
    p0 : array_like, shape (s,)
        The data distribution ``p_data = p_0``.
    r : array_like, shape (s,)
        Reward of each outcome.
    K : int
        Candidates per kept sample.
    n : int
        Training-set size per generation.
    generations : int
        Number of retrainings.
    real_fraction : float
        ``phi`` in ``[0, 1]``, the share of fresh real data.
    replicas : int
        Independent loops simulated together.
    seed : int, numpy.random.Generator or None
        Randomness.

    Returns
    -------
    CurationResult
    """
    p0 = check_probs(p0, "p0")
    r = _check_reward(r, p0.size)
    K = check_positive_int(K, "K")
    n = check_positive_int(n, "n")
    generations = check_positive_int(generations, "generations")
    phi = check_fraction(real_fraction, "real_fraction")
    replicas = check_positive_int(replicas, "replicas")
    rng = as_generator(seed)
    n_real = int(round(phi * n))
    truth = np.broadcast_to(p0, (replicas, p0.size))

    probs = np.empty((generations + 1, replicas, p0.size))
    probs[0] = truth
    for t in range(generations):
        counts = curate_counts(probs[t], r, K, n - n_real, rng)
        if n_real:
            counts = counts + sample_counts(truth, n_real, rng)
        probs[t + 1] = counts / n
    return CurationResult(
        probs=probs, reward=probs @ r, entropy=_entropy(probs), support=(probs > 0).sum(axis=-1)
    )
