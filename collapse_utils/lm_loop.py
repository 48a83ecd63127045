"""Recursive training of a character n-gram model on its own text.

The experiment of Seddik et al. (2024, section 4.1, Figure 5), run with the
paper's own model class (the n-gram table of :mod:`collapse_utils.ngram`).
Generation ``m = 1`` is fitted on the real training text of ``N`` characters.
Every later generation ``m >= 2`` is fitted on a corpus of the **same size**
``N``:

* a fixed real part: ``round(f * N / block)`` blocks of ``block`` consecutive
  real characters, chosen at random once per replica and reused unchanged in
  every generation (the real fraction ``f`` of the paper's "synthetic 50 % -
  real 50 %" and "synthetic 20 % - real 80 %" settings; ``f = 0`` is fully
  synthetic);
* plus ``N - (real part)`` characters sampled from the model of generation
  ``m - 1``.

This is the partially synthetic scheme of the statistical model (fixed real
data plus fresh samples of the previous model) with, in each context ``h``,
``N_h`` real and ``n_h`` synthetic samples where ``N_h / (N_h + n_h) ~ f``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .ngram import (
    Corpus,
    NgramModel,
    context_codes,
    cross_entropy,
    fit_ngram,
    mle_probs,
    sample_corpus,
    smoothed_probs,
)
from .validation import as_generator, check_fraction, check_memory, check_positive_int, check_token_ids

__all__ = ["LoopResult", "run_loop"]


@dataclass(frozen=True)
class LoopResult:
    """Per-generation measurements of :func:`run_loop`; generation ``m`` is row ``m - 1``.

    Attributes
    ----------
    deviation : ndarray, shape (G, R)
        The paper's metric ``||p^(m)(.|h) - p^(1)(.|h)||_1`` averaged over the
        probe contexts, with both models smoothed (:func:`~collapse_utils.ngram.smoothed_probs`).
    cross_entropy : ndarray, shape (G, R)
        Held-out cross-entropy on real text (nats per character).
    distinct_ngrams : ndarray, shape (G, R)
        Number of distinct ``(l + 1)``-grams the model of generation ``m`` has seen.
    probe_counts : ndarray, shape (G, R, P)
        Training count ``n_h`` of each probe context in generation ``m`` (0 = lost).
    probe_sq : ndarray, shape (G, R, P)
        Squared ``l2`` distance between the maximum-likelihood rows of ``p^(m)``
        and ``p^(1)`` for each probe (NaN where generation ``m`` never saw it).
    probe_p1_sq : ndarray, shape (P,)
        ``||p^(1)(.|h)||_2^2`` of each probe (the ``S`` of the theory at ``m = 1``).
    real_context_counts : ndarray
        ``n_h`` of every context of the real training text (generation 1).
    samples : dict of int to ndarray
        ``samples[m]``: ids of a text sampled from replica 0 of generation ``m``,
        for the generations ``m`` in ``samples_at``.
    """

    order: int
    real_fraction: float
    deviation: np.ndarray
    cross_entropy: np.ndarray
    distinct_ngrams: np.ndarray
    probe_counts: np.ndarray
    probe_sq: np.ndarray
    probe_p1_sq: np.ndarray
    real_context_counts: np.ndarray = field(repr=False)
    samples: dict[int, np.ndarray] = field(repr=False)

    @property
    def perplexity(self) -> np.ndarray:
        """Held-out perplexity ``exp(cross_entropy)``, shape ``(G, R)``."""
        return np.exp(self.cross_entropy)


def _real_part(train: np.ndarray, fraction: float, block: int, replicas: int, rng: np.random.Generator) -> Corpus:
    """The fixed real blocks of every replica (each block its own segment)."""
    n_blocks = train.size // block
    keep = int(round(fraction * train.size / block))
    keep = min(keep, n_blocks)
    if keep == 0:
        return Corpus.concat([])
    parts = []
    for r in range(replicas):  # a few index draws per replica, once per run
        chosen = np.sort(rng.choice(n_blocks, size=keep, replace=False))
        ids = train[(chosen[:, None] * block + np.arange(block)).ravel()]
        seg = np.repeat(np.arange(keep, dtype=np.int64), block)
        parts.append(Corpus(ids, seg, np.full(ids.size, r, np.int64)))
    return Corpus.concat(parts)


def run_loop(
    train: np.ndarray,
    held_out: np.ndarray,
    vocab_size: int,
    *,
    order: int = 4,
    real_fraction: float = 0.0,
    generations: int = 10,
    replicas: int = 3,
    n_probes: int = 300,
    block: int = 2000,
    sample_chars: int = 300,
    samples_at: tuple[int, ...] | None = None,
    streams: int | None = None,
    seed: int | np.random.Generator | None = None,
) -> LoopResult:
    """Train ``generations`` n-gram models recursively, ``replicas`` independent runs at once.

    Parameters
    ----------
    train, held_out : ndarray of int
        Real training text (``N`` ids) and real held-out text for the perplexity.
    vocab_size : int
        Number of tokens ``s``.
    order : int
        Context length ``l``.
    real_fraction : float
        Fraction ``f`` of every generation's corpus (``m >= 2``) that is real text
        (fixed blocks, reused); the rest is sampled from generation ``m - 1``.
    generations : int
        Number of models ``G`` (generation 1 is fitted on all the real text).
    replicas : int
        Independent runs (seeds) advanced together.
    n_probes : int
        Contexts for the deviation metric, taken at uniformly random positions
        of the real training text (so frequent contexts are drawn more often).
    block : int
        Length of the real blocks of the mixed settings.
    sample_chars : int
        Length of each stored text sample.
    samples_at : tuple of int, optional
        Generations (1-based) whose model writes a stored text sample; default all.
    streams : int, optional
        Streams per replica for sampling (see :func:`~collapse_utils.ngram.sample_corpus`).
    seed : int, numpy.random.Generator or None
        Randomness (probes, real blocks, sampling).
    """
    vocab_size = check_positive_int(vocab_size, "vocab_size")
    train = check_token_ids(train, "train", vocab_size)
    held_out = check_token_ids(held_out, "held_out", vocab_size)
    order = check_positive_int(order, "order")
    f = check_fraction(real_fraction, "real_fraction")
    G = check_positive_int(generations, "generations")
    R = check_positive_int(replicas, "replicas")
    P = check_positive_int(n_probes, "n_probes")
    block = check_positive_int(block, "block")
    sample_chars = check_positive_int(sample_chars, "sample_chars")
    if train.size <= order + 1:
        raise ValueError(f"train must be longer than order + 1 = {order + 1} (got {train.size} tokens)")
    if held_out.size <= order:
        raise ValueError(f"held_out must be longer than order = {order} (got {held_out.size} tokens)")
    if streams is not None:
        streams = check_positive_int(streams, "streams")
    if samples_at is not None:
        samples_at = tuple(check_positive_int(g, "samples_at") for g in samples_at)
    N = train.size
    if f > 0 and not 1 <= round(f * N / block) <= N // block:
        raise ValueError(
            f"block={block} cannot hold real_fraction={f:g} of the {N} training tokens in whole blocks "
            f"(round(real_fraction * N / block) = {round(f * N / block)} blocks, {N // block} available); use a block <= {max(1, int(f * N))}"
        )
    check_memory(8 * 8 * R * N * (order + 1) + 8 * 2 * G * R * n_probes, f"replicas={R} x len(train)={N} x (order + 1)", "use fewer replicas or a shorter text")
    rng = as_generator(seed)
    probes = context_codes(train, order, vocab_size, rng.integers(order, N, size=P))
    real = _real_part(train, f, block, R, rng) if f > 0 else Corpus.concat([])
    n_synthetic = N - len(real) // R

    out = {k: np.zeros((G, R)) for k in ("deviation", "cross_entropy", "distinct_ngrams")}
    probe_counts = np.zeros((G, R, P), np.int64)
    probe_sq = np.full((G, R, P), np.nan)
    samples: dict[int, np.ndarray] = {}
    wanted = set(range(1, G + 1) if samples_at is None else samples_at)
    rep_col = np.arange(R)[:, None]
    model: NgramModel | None = None
    for g in range(G):
        if g == 0:
            corpus = Corpus.concat([Corpus.from_ids(train, replica=r) for r in range(R)])
        elif n_synthetic > order:
            corpus = Corpus.concat([real, sample_corpus(model, n_synthetic, rng, streams=streams)])
        else:
            corpus = real
        model = fit_ngram(corpus, order, vocab_size, replicas=R)
        smooth = smoothed_probs(model, np.broadcast_to(probes, (R, P)), rep_col)
        mle, counts = mle_probs(model, np.broadcast_to(probes, (R, P)), rep_col)
        if g == 0:
            p1_smooth, p1_mle = smooth[0], mle[0]
            probe_p1_sq = (p1_mle**2).sum(-1)
            real_counts = model.per_context_counts(0)
        out["deviation"][g] = np.abs(smooth - p1_smooth).sum(-1).mean(-1)
        out["cross_entropy"][g] = cross_entropy(model, held_out)
        out["distinct_ngrams"][g] = model.distinct_ngrams()
        probe_counts[g] = counts
        probe_sq[g] = np.where(counts > 0, ((mle - p1_mle) ** 2).sum(-1), np.nan)
        if g + 1 in wanted:
            samples[g + 1] = sample_corpus(model, sample_chars, rng, streams=1).ids[:sample_chars]
    return LoopResult(
        order=order,
        real_fraction=f,
        probe_counts=probe_counts,
        probe_sq=probe_sq,
        probe_p1_sq=probe_p1_sq,
        real_context_counts=real_counts,
        samples=samples,
        **out,
    )
