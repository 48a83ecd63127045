"""Recursive training of a categorical next-token model (Seddik et al. 2024, §2.2).

A "language model" for one context is a categorical distribution ``p`` over a
vocabulary of ``s`` tokens, fitted by maximum likelihood, i.e. the empirical
frequencies of its training tokens (Seddik et al. 2024, eq. 2).  Generation
``m`` is trained on data drawn from earlier models according to a *scheme*
(eq. 5).  :func:`simulate_chain` runs many independent replicas of that loop at
once; :func:`collapse_times` runs the fully synthetic loop until every replica
has collapsed onto a single token.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .sampling import resample_counts, sample_counts
from .validation import (
    PROB_ATOL,
    as_generator,
    check_choice,
    check_memory,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
    check_prob_rows,
    check_probs,
    check_unused,
    check_weights,
    check_work,
)

__all__ = [
    "SCHEMES",
    "STATISTICS",
    "ChainResult",
    "CollapseResult",
    "chain_statistics",
    "collapse_times",
    "simulate_chain",
    "temper",
]

#: The data-reuse schemes understood by :func:`simulate_chain`.
SCHEMES: tuple[str, ...] = (
    "fully-synthetic",
    "partially-synthetic",
    "fresh-real",
    "accumulate",
    "most-recent",
    "random-past",
)
_NEEDS_REAL = frozenset({"partially-synthetic", "fresh-real", "accumulate"})

#: Per-generation statistics recorded by :func:`simulate_chain`.
STATISTICS: tuple[str, ...] = ("collision", "max", "support", "entropy", "l1_first", "l1_truth")


def temper(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Apply sampling temperature ``T``: ``tau_T(p)_x = p_x^(1/T) / sum_y p_y^(1/T)``.

    Parameters
    ----------
    probs : array_like, shape (..., s)
        Distributions along the last axis: non-negative, finite, each row with a
        positive total (tempering is scale-invariant, so rows need not sum to one).
    temperature : float
        ``T`` in ``(0, inf)`` (a normal float); ``T = 1`` returns a copy of ``probs``.

    Returns
    -------
    ndarray
        The tempered distributions; zero entries stay zero.  Very small ``T``
        give the uniform law on the modes, very large ``T`` the uniform law on
        the support (the ratios are computed relative to the mode, so nothing overflows).
        Always a new array (at ``T = 1``, a copy, normalised if the rows did not sum to one).

    Examples
    --------
    >>> temper(np.array([0.6, 0.3, 0.1, 0.0]), 0.5).round(4).tolist()
    [0.7826, 0.1957, 0.0217, 0.0]
    >>> temper(np.array([1.5, -0.5]), 2.0)
    Traceback (most recent call last):
    ...
    ValueError: probs must be non-negative; smallest entry is -0.5
    """
    probs = check_weights(probs, "probs")
    temperature = check_positive_float(temperature, "temperature")
    if temperature != 1.0:
        return _temper(probs, temperature)
    totals = probs.sum(axis=-1, keepdims=True)
    return probs.copy() if np.all(np.abs(totals - 1.0) <= PROB_ATOL) else probs / totals


def _temper(probs: np.ndarray, temperature: float) -> np.ndarray:
    """:func:`temper` without the checks, for rows known to be non-negative with a positive sum (not necessarily one)."""
    if temperature == 1.0:
        return np.array(probs, copy=True)
    peak = probs.max(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        scaled = np.where(probs > 0, (probs / peak) ** (1.0 / temperature), 0.0)
    return scaled / scaled.sum(axis=-1, keepdims=True)


def chain_statistics(probs: np.ndarray, first: np.ndarray, truth: np.ndarray) -> dict[str, np.ndarray]:
    """Return the statistics of :data:`STATISTICS` for models ``probs`` of shape (R, s).

    ``collision`` is ``||p||_2^2 = sum_i p_i^2``, the probability that two draws
    coincide (Seddik et al. write it ``sigma_m``; the book keeps ``sigma`` for
    standard deviations); ``max`` is ``||p||_inf``;
    ``support`` counts tokens with non-zero probability; ``entropy`` is in nats;
    ``l1_first`` is ``||p - p^(1)||_1`` and ``l1_truth`` is ``||p - p^(0)||_1``.

    Examples
    --------
    >>> p = np.array([[0.5, 0.5, 0.0]])
    >>> stats = chain_statistics(p, p, np.full((1, 3), 1 / 3))
    >>> float(stats["collision"][0]), int(stats["support"][0]), round(float(stats["l1_truth"][0]), 6)
    (0.5, 2, 0.666667)
    """
    probs = check_prob_rows(probs, "probs", ndim=2)
    first = check_prob_rows(first, "first", ndim=2)
    truth = check_prob_rows(truth, "truth", ndim=2)
    if not probs.shape == first.shape == truth.shape:
        raise ValueError(f"probs, first and truth must have the same shape, got {probs.shape}, {first.shape}, {truth.shape}")
    return _statistics(probs, first, truth, 0.0, 0.0)


def _statistics(
    probs: np.ndarray, first: np.ndarray, truth: np.ndarray, first_out: np.ndarray | float, truth_out: np.ndarray | float
) -> dict[str, np.ndarray]:
    """:func:`chain_statistics` on the live tokens only.

    ``probs``, ``first`` and ``truth`` hold the same tokens in each row (the
    packed live tokens); ``first_out`` and ``truth_out`` are the masses of
    ``p^(1)`` and ``p^(0)`` on the tokens left out, where ``p^(m)`` is zero, so
    they add exactly to the L1 distances.
    """
    return {
        "collision": np.einsum("rs,rs->r", probs, probs),
        "max": probs.max(axis=1),
        "support": (probs > 0).sum(axis=1),
        "entropy": -np.einsum("rs,rs->r", probs, np.log(np.where(probs > 0, probs, 1.0))),
        "l1_first": np.abs(probs - first).sum(axis=1) + first_out,
        "l1_truth": np.abs(probs - truth).sum(axis=1) + truth_out,
    }


# ---------------------------------------------------------------- live-token packing
# Dead tokens cost nothing: every array of a chain is stored "packed", row r holding only the tokens
# that are still alive in replica r (column j is token ``cols[r, j]``; padding points at the sentinel
# token ``s`` and holds zeros).  When the rows' live tokens fit in a clearly narrower array, the arrays
# are compacted; a generation then costs O(replicas x live tokens), not O(replicas x s).
_SHRINK = 0.75  # compact when the widest row's live tokens fill at most this fraction of the width


def _compaction(live: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], int]:
    """Where the True entries of ``live`` (R, K) go when each row's are moved, in order, to the left."""
    rows, old = np.nonzero(live)
    per_row = np.count_nonzero(live, axis=1)
    width = max(int(per_row.max(initial=0)), 1)
    new = np.arange(rows.size) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return (rows, old), (rows, new), width


def _compact(a: np.ndarray, src: tuple, dst: tuple, width: int, fill: float | int = 0) -> np.ndarray:
    out = np.full((a.shape[0], width), fill, dtype=a.dtype)
    out[dst] = a[src]
    return out


def _unpack(packed: np.ndarray, cols: np.ndarray, s: int) -> np.ndarray:
    """The dense (R, s) array whose token ``cols[r, j]`` holds ``packed[r, j]``."""
    out = np.zeros((packed.shape[0], s + 1))
    np.put_along_axis(out, cols, packed, axis=1)
    return out[:, :s]


# ---------------------------------------------------------------- the schemes
# A scheme says what generation m trains on.  It works on a _Run: the chain's packed arrays (``run.a``,
# row r holding replica r's live tokens) and its sampling helpers.  ``first`` returns p^(1) (drawn from
# the truth alone), ``step`` returns p^(m) for m >= 2, and ``sources`` lists the arrays that future
# generations draw from (a token zero in all of them is dead for good; ``None``: tokens never die
# because the truth stays a source).  The shared loop of simulate_chain does everything else.


@dataclass
class _Run:
    """The state of a chain that every scheme shares: packed arrays, sizes and the random source."""

    n: int
    n_real: int
    window: int
    temperature: float
    rng: np.random.Generator
    a: dict[str, np.ndarray]  # packed arrays: "truth", "first", "current" and the scheme's own
    recent: deque[np.ndarray] = field(default_factory=deque)  # packed past models (most-recent only)

    def model_counts(self, model: np.ndarray, k: int) -> np.ndarray:
        """``k`` tokens generated by a model: it samples at the chain's temperature."""
        return sample_counts(model if self.temperature == 1.0 else temper(model, self.temperature), k, self.rng)

    def truth_counts(self, k: int) -> np.ndarray:
        """``k`` real tokens: drawn from the truth, never tempered."""
        return sample_counts(self.a["truth"], k, self.rng)

    def regenerate(self) -> np.ndarray:
        """``n`` tokens from the current model; at ``T = 1`` the model is the histogram ``hist`` of its
        training tokens, so :func:`~collapse_utils.sampling.resample_counts` (the urn) may draw them."""
        if self.temperature == 1.0:
            return resample_counts(self.a["hist"], self.n, self.rng)
        return self.model_counts(self.a["current"], self.n)


@dataclass(frozen=True)
class _Scheme:
    """What each generation of a scheme trains on (see the comment above)."""

    first: Callable[[_Run], np.ndarray]
    step: Callable[[_Run, int], np.ndarray]
    sources: Callable[[_Run], list[np.ndarray]] | None


def _first_real(run: _Run) -> np.ndarray:
    """p^(1) fitted on the real corpus of ``n_real`` tokens (kept as ``real`` and ``hist``)."""
    run.a["real"] = run.a["hist"] = run.truth_counts(run.n_real)
    return run.a["real"] / run.n_real


def _first_synthetic(run: _Run) -> np.ndarray:
    """p^(1) fitted on ``n`` tokens of the truth (kept as ``hist``)."""
    run.a["hist"] = run.truth_counts(run.n)
    return run.a["hist"] / run.n


def _fully_synthetic(run: _Run, m: int) -> np.ndarray:
    run.a["hist"] = run.regenerate()
    return run.a["hist"] / run.n


def _partially_synthetic(run: _Run, m: int) -> np.ndarray:
    run.a["hist"] = run.a["real"] + run.regenerate()
    return run.a["hist"] / (run.n_real + run.n)


def _fresh_real(run: _Run, m: int) -> np.ndarray:
    return (run.truth_counts(run.n_real) + run.model_counts(run.a["current"], run.n)) / (run.n_real + run.n)


def _first_accumulate(run: _Run) -> np.ndarray:
    first = _first_real(run)
    run.a["accumulated"] = run.a["real"].astype(np.float64)
    return first


def _accumulate(run: _Run, m: int) -> np.ndarray:
    run.a["accumulated"] += run.model_counts(run.a["current"], run.n)
    return run.a["accumulated"] / (run.n_real + (m - 1) * run.n)


def _first_most_recent(run: _Run) -> np.ndarray:
    per_model = run.n // run.window
    first = run.truth_counts(per_model) / per_model
    run.recent = deque([run.a["truth"], first], maxlen=run.window)
    return first


def _most_recent(run: _Run, m: int) -> np.ndarray:
    per_model = run.n // run.window
    counts = sum(  # the truth (t = 0) is still in the window while m <= window; it is never tempered
        sample_counts(model, per_model, run.rng) if t == 0 and m <= run.window else run.model_counts(model, per_model)
        for t, model in enumerate(run.recent)
    )
    current = counts / (per_model * len(run.recent))
    run.recent.append(current)
    return current


def _first_random_past(run: _Run) -> np.ndarray:
    first = _first_synthetic(run)
    run.a["past_sum"] = run.a["truth"] + temper(first, run.temperature)
    return first


def _random_past(run: _Run, m: int) -> np.ndarray:
    # n draws, each from p^(t) with t uniform on 0..m-1, are n draws from the average of those models
    current = sample_counts(run.a["past_sum"] / m, run.n, run.rng) / run.n
    run.a["past_sum"] += temper(current, run.temperature)
    return current


_SCHEMES: dict[str, _Scheme] = {
    "fully-synthetic": _Scheme(_first_synthetic, _fully_synthetic, lambda run: [run.a["current"]]),
    # the real corpus is part of every model, so the current model is the only source
    "partially-synthetic": _Scheme(_first_real, _partially_synthetic, lambda run: [run.a["current"]]),
    "fresh-real": _Scheme(_first_real, _fresh_real, None),
    "accumulate": _Scheme(_first_accumulate, _accumulate, lambda run: [run.a["accumulated"]]),
    "most-recent": _Scheme(_first_most_recent, _most_recent, lambda run: list(run.recent)),
    "random-past": _Scheme(_first_random_past, _random_past, None),
}


def _pack(run: _Run, sources: list[np.ndarray], cols: np.ndarray, s: int, out: dict[str, np.ndarray]) -> np.ndarray:
    """Compact every array of ``run`` onto the tokens still positive in some array of ``sources``.

    Does nothing unless the widest row's live tokens fill at most ``_SHRINK`` of the width.  The
    masses of ``p^(1)`` and ``p^(0)`` on the dropped tokens are added to ``out["first"]`` and
    ``out["truth"]``, so that the L1 statistics stay exact.  Returns the new ``cols``.
    """
    live = sources[0] > 0 if len(sources) == 1 else np.logical_or.reduce([x > 0 for x in sources])
    if live.sum(axis=1).max() > _SHRINK * live.shape[1]:
        return cols
    out["first"] = out["first"] + np.where(live, 0.0, run.a["first"]).sum(axis=1)
    out["truth"] = out["truth"] + np.where(live, 0.0, run.a["truth"]).sum(axis=1)
    src, dst, width = _compaction(live)
    run.a = {name: _compact(x, src, dst, width) for name, x in run.a.items()}
    run.recent = deque((_compact(x, src, dst, width) for x in run.recent), maxlen=run.window)
    return _compact(cols, src, dst, width, fill=s)


@dataclass(frozen=True)
class ChainResult:
    """Outcome of :func:`simulate_chain`.

    Attributes
    ----------
    p0 : ndarray, shape (s,)
        The truth ``p^(0)``.
    scheme : str
        The data-reuse scheme.
    stats : dict of str to ndarray
        Each entry of :data:`STATISTICS` with shape ``(generations + 1, replicas)``;
        row ``m`` describes ``p^(m)``.
    final : ndarray, shape (replicas, s)
        The last models ``p^(generations)``.
    """

    p0: np.ndarray
    scheme: str
    stats: dict[str, np.ndarray]
    final: np.ndarray
    _probs: np.ndarray | None = field(default=None, repr=False)

    @property
    def probs(self) -> np.ndarray:
        """All models, shape ``(generations + 1, replicas, s)``; ``probs[m]`` is ``p^(m)``."""
        if self._probs is None:
            raise ValueError('this chain was run with record="stats"; rerun with record="all" for .probs')
        return self._probs

    @property
    def collision(self) -> np.ndarray:
        """Collision probability ``||p^(m)||_2^2`` (Seddik's ``sigma_m``) per generation and replica."""
        return self.stats["collision"]

    @property
    def max_prob(self) -> np.ndarray:
        """``||p^(m)||_inf`` per generation and replica."""
        return self.stats["max"]

    @property
    def support(self) -> np.ndarray:
        """Number of tokens with ``p_i^(m) > 0`` per generation and replica."""
        return self.stats["support"]

    @property
    def l1_first(self) -> np.ndarray:
        """``||p^(m) - p^(1)||_1`` per generation and replica (Seddik's deviation)."""
        return self.stats["l1_first"]


def simulate_chain(
    p0: object,
    *,
    n: int,
    generations: int,
    scheme: str = "fully-synthetic",
    n_real: int = 0,
    window: int = 1,
    replicas: int = 1,
    seed: int | np.random.Generator | None = None,
    record: str = "all",
    temperature: float = 1.0,
) -> ChainResult:
    """Simulate recursive maximum-likelihood training of a categorical model.

    Parameters
    ----------
    p0 : array_like, shape (s,)
        The true next-token distribution ``p^(0)``.
    n : int
        Synthetic samples per generation (Seddik's ``n``).
    generations : int
        Number of fitted models ``p^(1), ..., p^(generations)``.
    scheme : str
        How generation ``m`` gets its training data:

        ``"fully-synthetic"``
            ``p^(1)`` on ``n`` samples of ``p0``; ``p^(m)`` on ``n`` samples of ``p^(m-1)``.
        ``"partially-synthetic"``
            Seddik's setting: one real corpus of ``n_real`` samples (``N``) drawn once and
            reused; ``p^(1)`` on it alone; ``p^(m)`` on it plus ``n`` samples of ``p^(m-1)``.
        ``"fresh-real"``
            As above, but a new real corpus of ``n_real`` samples every generation.
        ``"accumulate"``
            ``p^(m)`` on the real corpus plus every synthetic set drawn so far
            (``n`` samples of each earlier model, drawn once and kept).
        ``"most-recent"``
            ``floor(n / window)`` fresh samples from each of the last ``window`` models
            ``p^(t)``, ``max(0, m - window) <= t <= m - 1`` (Seddik §4.2).
        ``"random-past"``
            each of the ``n`` samples from ``p^(t)`` with ``t`` uniform on ``0..m-1``
            (Seddik §4.2).
    n_real : int
        Size ``N`` of the real corpus (schemes with real data only).
    window : int
        Number of recent models for ``"most-recent"``.
    replicas : int
        Number of independent chains, simulated together.
    seed : int, numpy.random.Generator or None
        Randomness; the same seed gives the same result.
    record : {"all", "stats"}
        ``"all"`` keeps every model (``.probs``); ``"stats"`` keeps only the
        per-generation statistics, with memory proportional to ``replicas * s``.
    temperature : float
        Sampling temperature applied whenever a *model* generates data
        (real data from ``p0`` are never tempered); ``1`` is plain sampling.

    Returns
    -------
    ChainResult
        ``.probs[m]`` is ``p^(m)`` (shape ``(generations + 1, replicas, s)``) and
        ``.stats`` holds the statistics of :data:`STATISTICS`.

    Raises
    ------
    ValueError
        For a bad argument; for ``n_real`` set with a scheme without real data or
        ``window`` with a scheme other than ``"most-recent"``; or when the history
        (``record="all"``) or the work would exceed the limits of
        :mod:`collapse_utils.validation`.

    Examples
    --------
    >>> res = simulate_chain([0.5, 0.3, 0.2], n=20, generations=30, replicas=500, seed=0)
    >>> res.probs.shape, bool(res.collision[-1].mean() > res.collision[0].mean())  # ||p||^2 grows towards collapse
    ((31, 500, 3), True)

    Notes
    -----
    Sampling each of ``n`` tokens from a uniformly chosen past model is the same
    as drawing ``n`` tokens from the average of those models, so
    ``"random-past"`` needs only a running sum, not the whole history.

    Dead tokens cost nothing: tokens with ``p0_i = 0`` are dropped before the
    first draw, and every replica's arrays are compacted onto its live tokens
    (those still positive in some model that future data are drawn from)
    whenever they fill at most three quarters of the width.  A generation then
    costs O(``replicas`` x live tokens), and the statistics are computed on the
    live tokens, with the mass of ``p^(1)`` and ``p^(0)`` on the dropped ones
    added to the L1 distances.  The kernels :func:`~collapse_utils.sampling.sample_counts`
    and, for histogram models at ``temperature = 1``,
    :func:`~collapse_utils.sampling.resample_counts` choose their strategy from
    ``n``, the live width and the histogram's total.
    """
    p0 = check_probs(p0, "p0")
    n = check_positive_int(n, "n")
    generations = check_positive_int(generations, "generations")
    scheme = check_choice(scheme, "scheme", SCHEMES)
    n_real = check_nonnegative_int(n_real, "n_real")
    window = check_positive_int(window, "window")
    replicas = check_positive_int(replicas, "replicas")
    record = check_choice(record, "record", ("all", "stats"))
    temperature = check_positive_float(temperature, "temperature")
    if scheme in _NEEDS_REAL and n_real == 0:
        raise ValueError(f"n_real must be a positive integer for scheme={scheme!r}, got 0")
    if scheme not in _NEEDS_REAL:
        check_unused(n_real, "n_real", 0, f"scheme={scheme!r} uses no real corpus")
    if scheme != "most-recent":
        check_unused(window, "window", 1, f"only scheme='most-recent' has a window, not {scheme!r}")
    if window > n:
        raise ValueError(f"window must be at most n={n} (each model contributes floor(n / window) >= 1 samples), got {window}")
    s_live = int(np.count_nonzero(p0))
    history_bytes = 8 * (generations + 1) * replicas * p0.size if record == "all" else 0
    check_memory(
        history_bytes + 8 * replicas * (len(STATISTICS) * (generations + 1) + (12 + window) * s_live),
        f"generations={generations} x replicas={replicas}" + (f" x s={p0.size} (record='all')" if record == "all" else ""),
        'use record="stats" (keeps only the statistics), fewer replicas or fewer generations',
    )
    check_work(
        generations * (replicas * s_live * window * 20 + 2e4),
        f"generations={generations} x replicas={replicas} x {s_live} tokens",
        "use fewer generations or replicas",
    )
    rng = as_generator(seed)
    s = p0.size
    rules = _SCHEMES[scheme]

    # Pack onto the support of p0: tokens with p0_i = 0 are never drawn in any scheme.
    support = np.flatnonzero(p0)
    cols = np.broadcast_to(support, (replicas, support.size)).copy()
    run = _Run(n, n_real, window, temperature, rng, {"truth": np.broadcast_to(p0[support], cols.shape).copy()})
    dropped = {"first": np.zeros(replicas), "truth": np.zeros(replicas)}  # masses of p^(1), p^(0) packed away
    current = rules.first(run)  # generation 1 is fitted on data from the truth alone
    run.a["first"], run.a["current"] = current.copy(), current

    stats = {name: np.empty((generations + 1, replicas)) for name in STATISTICS}
    history = np.empty((generations + 1, replicas, s)) if record == "all" else None

    def store(m: int, model: np.ndarray) -> None:
        for name, value in _statistics(model, run.a["first"], run.a["truth"], dropped["first"], dropped["truth"]).items():
            stats[name][m] = value
        if history is not None:
            history[m] = _unpack(model, cols, s)

    store(0, run.a["truth"])
    store(1, current)
    for m in range(2, generations + 1):
        if rules.sources is not None:
            cols = _pack(run, rules.sources(run), cols, s, dropped)
        run.a["current"] = rules.step(run, m)
        store(m, run.a["current"])

    final = history[-1] if history is not None else _unpack(run.a["current"], cols, s)
    return ChainResult(p0=p0, scheme=scheme, stats=stats, final=final, _probs=history)


@dataclass(frozen=True)
class CollapseResult:
    """Outcome of :func:`collapse_times`.

    Attributes
    ----------
    times : ndarray of float, shape (replicas,)
        Collapse time ``T = inf{t >= 1 : ||p^(t)||_inf = 1}``; ``inf`` where the
        chain had not collapsed after ``max_generations``.
    token : ndarray of int, shape (replicas,)
        The token the chain fixed on, ``-1`` where it had not collapsed.
    """

    times: np.ndarray
    token: np.ndarray


def collapse_times(
    p0: object,
    *,
    n: int,
    replicas: int = 1,
    max_generations: int = 100_000,
    seed: int | np.random.Generator | None = None,
) -> CollapseResult:
    """Run the fully synthetic chain until every replica collapses (Seddik Def. 1).

    Parameters
    ----------
    p0 : array_like, shape (s,)
        The truth ``p^(0)``.
    n : int
        Samples per generation.
    replicas : int
        Independent chains.
    max_generations : int
        Give up after this many generations (time reported as ``inf``).
    seed : int, numpy.random.Generator or None
        Randomness.

    Returns
    -------
    CollapseResult
        Collapse times and the token each chain fixed on.

    Notes
    -----
    Only chains that have not collapsed yet are advanced, and each is stored
    on its live tokens only (as in :func:`simulate_chain`), so the cost of a
    generation shrinks as tokens die and chains are absorbed.

    The expected collapse time grows like ``n`` (about ``2 n ln 2`` for two
    equal tokens), so large ``n`` run until ``max_generations``: the cost is at
    most ``max_generations`` generations of ``O(replicas x s)`` work plus about
    20 microseconds each, refused above :data:`~collapse_utils.validation.WORK_LIMIT`.

    Examples
    --------
    >>> res = collapse_times([0.5, 0.5], n=10, replicas=1000, seed=0)
    >>> bool(np.all(np.isfinite(res.times))), bool(9 < res.times.mean() < 17)  # E[T] = 13.1 (exact chain)
    (True, True)
    """
    p0 = check_probs(p0, "p0")
    n = check_positive_int(n, "n")
    replicas = check_positive_int(replicas, "replicas")
    max_generations = check_positive_int(max_generations, "max_generations")
    s_live = int(np.count_nonzero(p0))
    check_memory(8 * 6 * replicas * s_live, f"replicas={replicas} x {s_live} tokens", "use fewer replicas")
    # E[T] <= about 2n (Kimura), the slowest of R chains about n ln R more; only chains not yet absorbed cost work.
    last = min(max_generations, 4 * n + n * np.log1p(replicas) + 10)
    check_work(
        last * 6e3 + replicas * s_live * 20 * min(max_generations, 2 * n + 10),
        f"max_generations={max_generations} x replicas={replicas} x {s_live} tokens",
        "use a smaller max_generations (chains not collapsed by then report inf) or fewer replicas",
    )
    rng = as_generator(seed)

    times = np.full(replicas, np.inf)
    token = np.full(replicas, -1, dtype=np.int64)
    alive = np.arange(replicas)
    # Packed live tokens, as in simulate_chain: row r's column j counts token cols[r, j].
    support = np.flatnonzero(p0)
    cols = np.broadcast_to(support, (replicas, support.size)).copy()
    counts = sample_counts(np.broadcast_to(p0[support], cols.shape), n, rng)
    for t in range(1, max_generations + 1):
        done = counts.max(axis=1) == n
        if done.any():
            times[alive[done]] = t
            token[alive[done]] = cols[done, counts[done].argmax(axis=1)]
            alive, counts, cols = alive[~done], counts[~done], cols[~done]
        if alive.size == 0:
            break
        live = counts > 0
        if live.sum(axis=1).max() <= _SHRINK * live.shape[1]:
            src, dst, width = _compaction(live)
            cols = _compact(cols, src, dst, width, fill=p0.size)
            counts = _compact(counts, src, dst, width)
        counts = resample_counts(counts, n, rng)
    return CollapseResult(times=times, token=token)
