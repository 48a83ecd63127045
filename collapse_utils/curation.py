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
from scipy.special import expit, logsumexp

from .sampling import _sample_categorical, sample_counts
from .validation import (
    as_generator,
    check_array,
    check_fraction,
    check_generator,
    check_memory,
    check_nonnegative_int,
    check_positive_int,
    check_prob_rows,
    check_probs,
    check_work,
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
    r = check_array(r, "r", shape=(size,))
    if np.ptp(r) > 1e4:  # beyond, choices are deterministic to double precision; the quadrature spans the spread
        raise ValueError(f"r must have a spread max(r) - min(r) <= 1e4 (rescale the rewards), got {np.ptp(r):g}")
    return r


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

        H^K_p(x) = K w_x int_0^inf e^{-u w_x} L(u)^{K-1} du,
        L(u) = sum_y p(y) e^{-u w_y},

    a one-dimensional integral.  It is evaluated over ``z = log u`` in log space,
    where every outcome's integrand is a bump of width of order one (at ``u``
    about ``1 / (w_x + (K - 1) E_p[w])``), by a composite Gauss–Legendre rule;
    the weights are taken relative to the best outcome of the support of ``p``,
    so that neither large ``K`` nor a large reward spread (up to ``1e4``)
    under- or overflows: ties among equally bad outcomes keep their share.

    Examples
    --------
    >>> p, r = np.array([0.2, 0.3, 0.5]), np.array([0.0, 1.0, 2.0])
    >>> H = curation_factor(p, r, 5)
    >>> H.round(4).tolist(), round(float(p @ H), 12)
    ([0.2776, 0.6818, 1.4799], 1.0)
    >>> np.allclose(curation_factor(p, r, 10**6), np.exp(r) / (p @ np.exp(r)), atol=1e-5)  # K -> inf: reward tilt
    True
    """
    p = check_probs(p, "p")
    r = _check_reward(r, p.size)
    K = check_positive_int(K, "K")
    return _curation_factor(p, r, K)


def _curation_factor(p: np.ndarray, r: np.ndarray, K: int) -> np.ndarray:
    if K == 1:
        return np.ones_like(p)
    if K == 2:  # the pairwise Bradley–Terry choice, in closed form: 2 e^{r_x} / (e^{r_x} + e^{r_y}) = 2 expit(r_x - r_y)
        return 2 * expit(r[:, None] - r[None, :]) @ p
    # Log-weights relative to the best outcome of the support of p (choices are shift-invariant): rho <= 0 on
    # the support.  With u = e^z, outcome x's integrand is exp(z + rho_x - e^(z + rho_x) + (K - 1) log M(z)),
    # log M(z) = logsumexp_y(log p_y - e^(z + rho_y)): a bump of width O(1) inside the window
    # -rho_x - log K - 32 <= z <= -rho_x + 4 (tails below decay like e^z, e^-32 < 1e-13; above like exp(-e^z)).
    # Nothing under- or overflows however small a weight e^rho is, so ties among the worst outcomes count.
    rho = r - r[p > 0].max()
    out = np.full(p.shape, float(K))  # an outcome outside the support that beats it by far always wins: H = K
    rest = np.flatnonzero(rho <= 40.0 + np.log(K))
    lo = np.sort(-rho[rest]) - np.log(K) - 32.0
    hi = np.sort(-rho[rest]) + 4.0
    # Composite Gauss–Legendre (panels of width 1/2, 10 nodes) over the union of the windows: every feature of
    # the integrands has width O(1) in z, so the rule is accurate to ~1e-13; nodes are evaluated in blocks.
    starts = [lo[0]]
    for a_, b_prev in zip(lo[1:], np.maximum.accumulate(hi)[:-1]):
        if a_ > b_prev:
            starts.append(a_)
    ends = [b_ for a_, b_ in zip(np.r_[lo[1:], np.inf], np.maximum.accumulate(hi)) if a_ > b_]
    x, wq = np.polynomial.legendre.leggauss(10)
    panel_lo = np.concatenate([a_ + 0.5 * np.arange(np.ceil(2 * (b_ - a_))) for a_, b_ in zip(starts, ends)])
    z = (panel_lo[:, None] + (x[None, :] + 1) / 4).ravel()
    zw = np.tile(wq / 4, panel_lo.size)
    sup = p > 0
    log_p = np.log(p[sup])
    integral = np.zeros(rest.size)
    step = max(1, 2**20 // p.size)
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        for start in range(0, z.size, step):
            t = z[start : start + step, None] + rho[None, :]  # log(u w_y), (nodes, s)
            e = np.exp(t)
            log_m = logsumexp(log_p - e[:, sup], axis=1)
            integral += zw[start : start + step] @ np.exp(t[:, rest] - e[:, rest] + (K - 1) * log_m[:, None])
    out[rest] = K * integral
    return out


def expected_update(p: object, r: object, K: int, *, real_fraction: float = 0.0, p_data: object = None) -> np.ndarray:
    """One step of the expected curated dynamics, optionally mixed with real data.

    ``p_{t+1} = phi p_data + (1 - phi) p_t H^K_{p_t}`` with ``phi = real_fraction``
    (``phi = 1 / (1 + lambda)`` for real and synthetic data mixed ``1 : lambda``,
    as in the stability chapter).

    Parameters
    ----------
    p : array_like, shape (s,)
        The current model ``p_t``.
    r : array_like, shape (s,)
        The reward of each outcome.
    K : int
        Candidates per kept sample, ``K >= 1``.
    real_fraction : float
        ``phi`` in ``[0, 1]``.
    p_data : array_like, shape (s,), optional
        The real distribution; defaults to ``p``.

    Returns
    -------
    ndarray, shape (s,)
        ``p_{t+1}``.

    Examples
    --------
    >>> p, r = np.array([0.2, 0.3, 0.5]), np.array([0.0, 1.0, 2.0])
    >>> expected_update(p, r, 2).round(4).tolist()
    [0.0961, 0.2584, 0.6455]
    """
    p = check_probs(p, "p")
    r = _check_reward(r, p.size)
    K = check_positive_int(K, "K")
    phi = check_fraction(real_fraction, "real_fraction")
    data = p if p_data is None else check_probs(p_data, "p_data")
    if data.shape != p.shape:
        raise ValueError(f"p_data must have shape {p.shape} like p, got {data.shape}")
    return _expected_update(p, r, K, phi, data)


def _expected_update(p: np.ndarray, r: np.ndarray, K: int, phi: float, data: np.ndarray) -> np.ndarray:
    curated = p * _curation_factor(p, r, K)
    return curated if phi == 0.0 else phi * data + (1 - phi) * curated


def expected_trajectory(
    p0: object, r: object, K: int, *, generations: int, real_fraction: float = 0.0
) -> np.ndarray:
    """Iterate :func:`expected_update` from ``p0``, which is also ``p_data``.

    Parameters
    ----------
    p0 : array_like, shape (s,)
        The starting model and the real distribution.
    r : array_like, shape (s,)
        The reward of each outcome.
    K : int
        Candidates per kept sample, ``K >= 1``.
    generations : int
        Number of steps, ``>= 0``.  Each step with ``K >= 3`` costs one quadrature
        (a few milliseconds for small ``s``); more than about ten thousand steps
        are refused (:data:`~collapse_utils.validation.WORK_LIMIT`).
    real_fraction : float
        ``phi`` in ``[0, 1]``.

    Returns
    -------
    ndarray, shape (generations + 1, s)
        Row ``t`` is ``p_t``; row 0 is ``p0``.

    Examples
    --------
    >>> traj = expected_trajectory([0.2, 0.3, 0.5], [0.0, 1.0, 2.0], 4, generations=10)
    >>> traj.shape, bool(np.all(np.diff(traj[:, 2]) > 0))  # the best outcome gains mass every step
    ((11, 3), True)
    """
    p0 = check_probs(p0, "p0")
    r = _check_reward(r, p0.size)
    K = check_positive_int(K, "K")
    generations = check_nonnegative_int(generations, "generations")
    phi = check_fraction(real_fraction, "real_fraction")
    check_memory(8 * (generations + 1) * p0.size, f"generations={generations} x s={p0.size}", "use fewer generations")
    check_work(
        generations * ((2e6 + 2000 * p0.size) if K > 2 else 1e4 + 10 * p0.size**2),  # measured: a quadrature ~ 5 ms
        f"generations={generations} x s={p0.size} (K={K})",
        "use fewer generations",
    )
    out = np.empty((generations + 1, p0.size))
    out[0] = p0
    for t in range(generations):
        step = _expected_update(out[t], r, K, phi, p0)
        out[t + 1] = step / step.sum()  # remove rounding drift; the map sums to one exactly
    return out


def reward_tilt(p0: object, r: object, t: float | np.ndarray) -> np.ndarray:
    """The ``K -> infinity`` limit ``p_t = p_0 e^{t r} / E_{p_0}[e^{t r}]``.

    Parameters
    ----------
    p0 : array_like, shape (s,)
        The starting model.
    r : array_like, shape (s,)
        The reward of each outcome.
    t : float or array_like of float
        Times ``t >= 0`` (finite); an array of times gives one row per time.

    Returns
    -------
    ndarray, shape ``np.shape(t) + (s,)``
        The tilted laws, computed in log space (finite for any finite ``t``: at
        very large ``t`` the law is uniform on the best outcomes of the support).

    Examples
    --------
    >>> reward_tilt([0.5, 0.5], [0.0, np.log(3.0)], 1.0).round(12).tolist()
    [0.25, 0.75]
    >>> reward_tilt([0.5, 0.5], [0.0, 1.0], 1e308).tolist()
    [0.0, 1.0]
    """
    p0 = check_probs(p0, "p0")
    r = _check_reward(r, p0.size)
    t = check_array(t, "t", low=0.0, min_size=1)
    support = p0 > 0
    # t (r - max r) <= 0 on the support cannot overflow to +inf (and is exactly 0 on the best outcomes).
    with np.errstate(over="ignore", under="ignore"):
        gain = t[..., None] * (r - r[support].max())
        logits = np.where(support, np.log(np.where(support, p0, 1.0)) + gain, -np.inf)
    logits -= logits.max(axis=-1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=-1, keepdims=True)


def curate_counts(probs: np.ndarray, r: np.ndarray, K: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Counts of ``n`` curated samples per replica: the sampling kernel of curation.

    For each of the ``n`` kept samples of each replica, ``K`` candidates are drawn
    from ``probs[replica]`` and one is kept with probability proportional to
    ``e^{r}`` (Gumbel-max trick: ``argmax_k r(x_k) + G_k`` with ``G_k`` i.i.d.
    standard Gumbel is a Luce choice).  Candidates are drawn by the package's
    kernel :func:`~collapse_utils.sampling.sample_categorical`; fully vectorised,
    arrays of shape ``(R, n, K)``, refused above :data:`~collapse_utils.validation.MEMORY_LIMIT_BYTES`.

    Parameters
    ----------
    probs : array_like, shape (R, s)
        One model per row (rows on the simplex).
    r : array_like, shape (s,)
        The reward of each outcome.
    K : int
        Candidates per kept sample, ``K >= 1``.
    n : int
        Kept samples per row, ``n >= 0``.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    ndarray of int64, shape (R, s)
        Counts of the kept samples; each row sums to ``n``.

    Examples
    --------
    >>> counts = curate_counts(np.full((2, 3), 1 / 3), np.array([0.0, 0.0, 50.0]), 8, 100, np.random.default_rng(0))
    >>> counts.sum(axis=1).tolist(), bool(np.all(counts[:, 2] > 90))
    ([100, 100], True)
    """
    probs = check_prob_rows(probs, "probs", ndim=2)
    R, s = probs.shape
    r = _check_reward(r, s)
    K = check_positive_int(K, "K")
    n = check_nonnegative_int(n, "n")
    rng = check_generator(rng, "rng")
    _check_curation_memory(R, n, K, s)
    return _curate_counts(probs, r, K, n, rng)


def _check_curation_memory(R: int, n: int, K: int, s: int) -> None:
    per_candidate = 8 * 3 + (s if s <= 32 else 0)  # uniforms, candidates, scores (+ the comparison with the CDF)
    check_memory(R * n * K * per_candidate, f"replicas={R} x n={n} x K={K} candidates", "use fewer replicas, a smaller n or K")


def _curate_counts(probs: np.ndarray, r: np.ndarray, K: int, n: int, rng: np.random.Generator) -> np.ndarray:
    R, s = probs.shape
    if K == 1:
        return sample_counts(probs, n, rng)
    cand = _sample_categorical(probs, n * K, rng).reshape(R, n, K)
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
        Models, expected reward, entropy and support per generation; row 0 is ``p0``.

    Examples
    --------
    >>> res = simulate_curation([0.2, 0.3, 0.5], [0.0, 1.0, 2.0], K=4, n=200, generations=5, replicas=3, seed=0)
    >>> res.probs.shape, bool(np.all(res.reward[-1] > res.reward[0]))
    ((6, 3, 3), True)
    """
    p0 = check_probs(p0, "p0")
    r = _check_reward(r, p0.size)
    K = check_positive_int(K, "K")
    n = check_positive_int(n, "n")
    generations = check_positive_int(generations, "generations")
    phi = check_fraction(real_fraction, "real_fraction")
    replicas = check_positive_int(replicas, "replicas")
    check_memory(8 * 2 * (generations + 1) * replicas * p0.size, f"generations={generations} x replicas={replicas} x s={p0.size}", "use fewer generations or replicas")
    _check_curation_memory(replicas, n, K, p0.size)
    rng = as_generator(seed)
    n_real = int(round(phi * n))
    truth = np.broadcast_to(p0, (replicas, p0.size))

    probs = np.empty((generations + 1, replicas, p0.size))
    probs[0] = truth
    for t in range(generations):
        counts = _curate_counts(probs[t], r, K, n - n_real, rng)
        if n_real:
            counts = counts + sample_counts(truth, n_real, rng)
        probs[t + 1] = counts / n
    return CurationResult(
        probs=probs, reward=probs @ r, entropy=_entropy(probs), support=(probs > 0).sum(axis=-1)
    )
