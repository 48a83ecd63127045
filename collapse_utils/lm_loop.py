"""Recursive training of a language model on its own text: one loop, any model class.

The experiment of Seddik et al. (2024, section 4.1, Figure 5).  Generation
``m = 1`` is fitted on the real training text of ``N`` characters.  Every later
generation ``m >= 2`` is fitted on a corpus of the **same size** ``N``:

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

The loop does not know which model it trains.  A *model class* (see
:class:`ModelClass`) fits one model per replica on a :class:`~collapse_utils.ngram.Corpus`
and returns an object with the methods of :class:`FittedModels`: sample a
corpus, sample a text, give next-token laws for a batch of contexts and the
held-out cross-entropy.  Two model classes exist: :class:`NgramClass` (the
character n-gram of :mod:`collapse_utils.ngram`, the model of the paper's
theory; the default) and :class:`collapse_utils.gpt.GPTFamily` (a small
transformer, the model class of the paper's experiment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

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

__all__ = ["SETTINGS", "FittedModels", "LoopResult", "ModelClass", "NgramClass", "run_loop"]

#: The paper's three settings: name -> real fraction ``f`` of every corpus after the first.
SETTINGS: dict[str, float] = {"fully synthetic": 0.0, "50 % real": 0.5, "80 % real": 0.8}


class FittedModels(Protocol):
    """The models of one generation, one per replica, as the loop uses them."""

    def sample(self, length: int, rng: np.random.Generator) -> Corpus:
        """A training corpus of ``length`` tokens per replica (replica ``r`` sampled from model ``r``)."""

    def sample_text(self, length: int, rng: np.random.Generator) -> np.ndarray:
        """One continuous text of ``length`` ids sampled from the model of replica 0."""

    def next_token_probs(self, contexts: np.ndarray) -> np.ndarray:
        """Next-token laws after each context (``(P, k)`` ids), shape ``(R, P, s)``."""

    def cross_entropy(self, ids: np.ndarray) -> np.ndarray:
        """Held-out cross-entropy (nats per token) of every replica on ``ids``, shape ``(R,)``."""

    def diagnostics(self, probes: np.ndarray, first: FittedModels | None) -> dict[str, np.ndarray]:
        """Model-specific measurements of this generation (arrays with a leading replica axis).

        ``first`` is the generation-1 models, or ``None`` when this is generation 1.
        A key reported only at generation 1 is stored without a generation axis.
        """


class ModelClass(Protocol):
    """A model class for :func:`run_loop`: fits one model per replica."""

    @property
    def context(self) -> int:
        """Number of tokens of a probe context (the model's context length)."""

    def fit(self, corpus: Corpus, vocab_size: int, replicas: int, rng: np.random.Generator) -> FittedModels:
        """Fit replica ``r``'s model on the tokens of ``corpus`` with ``replica == r``."""


class _FittedNgrams:
    """All replicas' n-gram tables of one generation (one :class:`~collapse_utils.ngram.NgramModel`)."""

    def __init__(self, model: NgramModel, streams: int | None) -> None:
        self.model, self.streams = model, streams
        self._rep = np.arange(model.replicas)[:, None]

    def _codes(self, contexts: np.ndarray) -> np.ndarray:
        P, l = contexts.shape
        return context_codes(contexts.ravel(), l, self.model.vocab_size, np.arange(1, P + 1) * l)

    def sample(self, length: int, rng: np.random.Generator) -> Corpus:
        return sample_corpus(self.model, length, rng, streams=self.streams)

    def sample_text(self, length: int, rng: np.random.Generator) -> np.ndarray:
        return sample_corpus(self.model, length, rng, streams=1).ids[:length]

    def next_token_probs(self, contexts: np.ndarray) -> np.ndarray:
        codes = self._codes(contexts)
        return smoothed_probs(self.model, np.broadcast_to(codes, (self.model.replicas, codes.size)), self._rep)

    def cross_entropy(self, ids: np.ndarray) -> np.ndarray:
        return cross_entropy(self.model, ids)

    def mle(self, contexts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        codes = self._codes(contexts)
        return mle_probs(self.model, np.broadcast_to(codes, (self.model.replicas, codes.size)), self._rep)

    def diagnostics(self, probes: np.ndarray, first: _FittedNgrams | None) -> dict[str, np.ndarray]:
        mle, counts = self.mle(probes)
        p1_mle = (self if first is None else first).mle(probes)[0][0]
        out = {
            "distinct_ngrams": np.asarray(self.model.distinct_ngrams(), float),
            "probe_counts": counts,
            "probe_sq": np.where(counts > 0, ((mle - p1_mle) ** 2).sum(-1), np.nan),
        }
        if first is None:
            out["probe_p1_sq"] = (p1_mle**2).sum(-1)
            out["real_context_counts"] = self.model.per_context_counts(0)
        return out


class NgramClass:
    """The character n-gram of :mod:`collapse_utils.ngram` as a model class of :func:`run_loop`.

    Scores use the smoothed laws (:func:`~collapse_utils.ngram.smoothed_probs`);
    the diagnostics are the number of distinct ``(l + 1)``-grams, the
    training count of each probe context and its squared ``l2`` distance to
    generation 1 (maximum-likelihood rows), and at generation 1 the
    ``||p^(1)(.|h)||_2^2`` of the probes and the counts of all real contexts.

    Parameters
    ----------
    order : int
        Context length ``l``.
    streams : int, optional
        Streams per replica for sampling (see :func:`~collapse_utils.ngram.sample_corpus`).
    """

    def __init__(self, order: int = 4, streams: int | None = None) -> None:
        self.order = check_positive_int(order, "order")
        self.streams = None if streams is None else check_positive_int(streams, "streams")

    @property
    def context(self) -> int:
        """The context length ``l``."""
        return self.order

    def fit(self, corpus: Corpus, vocab_size: int, replicas: int, rng: np.random.Generator) -> _FittedNgrams:
        """All replicas at once, in one table (no randomness)."""
        return _FittedNgrams(fit_ngram(corpus, self.order, vocab_size, replicas=replicas), self.streams)


@dataclass(frozen=True)
class LoopResult:
    """Per-generation measurements of :func:`run_loop`; generation ``m`` is row ``m - 1``.

    Attributes
    ----------
    order : int
        Context length of the model class (the n-gram's ``l``, the GPT's ``T``).
    real_fraction : float
        The real fraction ``f``.
    deviation : ndarray, shape (G, R)
        The paper's metric ``||p^(m)(.|h) - p^(1)(.|h)||_1`` averaged over the
        probe contexts (for the n-gram, both models smoothed with
        :func:`~collapse_utils.ngram.smoothed_probs`).
    cross_entropy : ndarray, shape (G, R)
        Held-out cross-entropy on real text (nats per character): the paper's validation loss.
    samples : dict of int to ndarray
        ``samples[m]``: ids of a text sampled from replica 0 of generation ``m``,
        for the generations ``m`` in ``samples_at``.
    extras : dict of str to ndarray
        The model class's diagnostics, stacked over generations (shape ``(G, R, ...)``),
        and those it reports at generation 1 only (no generation axis).  For the
        n-gram they are also attributes:

        * ``distinct_ngrams`` ``(G, R)``: distinct ``(l + 1)``-grams the model has seen;
        * ``probe_counts`` ``(G, R, P)``: training count ``n_h`` of each probe context (0 = lost);
        * ``probe_sq`` ``(G, R, P)``: squared ``l2`` distance between the
          maximum-likelihood rows of ``p^(m)`` and ``p^(1)`` per probe (NaN where
          generation ``m`` never saw it);
        * ``probe_p1_sq`` ``(P,)``: ``||p^(1)(.|h)||_2^2`` of each probe (the ``S`` of the theory at ``m = 1``);
        * ``real_context_counts``: ``n_h`` of every context of the real training text.

        For the GPT: ``train_loss`` ``(G, R)``, the training loss at the end of training.
    """

    order: int
    real_fraction: float
    deviation: np.ndarray
    cross_entropy: np.ndarray
    samples: dict[int, np.ndarray] = field(repr=False)
    extras: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __getattr__(self, name: str) -> np.ndarray:
        extras = self.__dict__.get("extras", {})
        if name in extras:
            return extras[name]
        raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}")

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
    model: ModelClass | None = None,
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
    """Train ``generations`` models recursively, ``replicas`` independent runs at once.

    Parameters
    ----------
    train, held_out : ndarray of int
        Real training text (``N`` ids) and real held-out text for the perplexity.
    vocab_size : int
        Number of tokens ``s``.
    model : ModelClass, optional
        The model class; default ``NgramClass(order, streams)``, the character n-gram.
    order : int
        Context length ``l`` of the default n-gram (ignored when ``model`` is given).
    real_fraction : float
        Fraction ``f`` of every generation's corpus (``m >= 2``) that is real text
        (fixed blocks, reused); the rest is sampled from generation ``m - 1``.
    generations : int
        Number of models ``G`` (generation 1 is fitted on all the real text).
    replicas : int
        Independent runs (seeds) advanced together.
    n_probes : int
        Contexts for the deviation metric: the ``k`` tokens before uniformly
        random positions of the real training text (``k`` = the model class's
        context), that is contexts drawn from the real text's law ``p^(0)``,
        frequent contexts more often.
    block : int
        Length of the real blocks of the mixed settings.
    sample_chars : int
        Length of each stored text sample.
    samples_at : tuple of int, optional
        Generations (1-based) whose model writes a stored text sample; default all.
    streams : int, optional
        Streams per replica for sampling with the default n-gram (see
        :func:`~collapse_utils.ngram.sample_corpus`; ignored when ``model`` is given).
    seed : int, numpy.random.Generator or None
        Randomness (probes, real blocks, fitting, sampling).

    Examples
    --------
    >>> ids = np.tile(np.arange(4), 100)
    >>> res = run_loop(ids, ids[:40], 4, order=2, generations=3, replicas=2, n_probes=5, block=100, seed=0)
    >>> res.deviation.shape, float(res.deviation[0].max())  # generation 1 is the reference model itself
    ((3, 2), 0.0)
    """
    vocab_size = check_positive_int(vocab_size, "vocab_size")
    train = check_token_ids(train, "train", vocab_size)
    held_out = check_token_ids(held_out, "held_out", vocab_size)
    context_from = f"order={order}" if model is None else "the model's context"
    if model is None:
        model = NgramClass(order, streams)
    ctx = model.context
    f = check_fraction(real_fraction, "real_fraction")
    G = check_positive_int(generations, "generations")
    R = check_positive_int(replicas, "replicas")
    P = check_positive_int(n_probes, "n_probes")
    block = check_positive_int(block, "block")
    sample_chars = check_positive_int(sample_chars, "sample_chars")
    if train.size <= ctx + 1:
        raise ValueError(f"train must be longer than the context + 1 = {ctx + 1}, {context_from} (got {train.size} tokens)")
    if held_out.size <= ctx:
        raise ValueError(f"held_out must be longer than the context = {ctx} (got {held_out.size} tokens)")
    if samples_at is not None:
        samples_at = tuple(check_positive_int(g, "samples_at") for g in samples_at)
    N = train.size
    if f > 0 and not 1 <= round(f * N / block) <= N // block:
        raise ValueError(
            f"block={block} cannot hold real_fraction={f:g} of the {N} training tokens in whole blocks "
            f"(round(real_fraction * N / block) = {round(f * N / block)} blocks, {N // block} available); use a block <= {max(1, int(f * N))}"
        )
    check_memory(8 * 8 * R * N * (ctx + 1) + 8 * 2 * G * R * n_probes, f"replicas={R} x len(train)={N} x (context + 1) and generations={G} x n_probes={P}",
                 "use fewer replicas or a shorter text, or fewer generations or n_probes")
    rng = as_generator(seed)
    positions = rng.integers(ctx, N, size=P)
    probes = train[positions[:, None] - ctx + np.arange(ctx)]  # (P, ctx): the tokens before each position
    # Generation 1 is fitted before the real blocks are drawn: for a given seed it is the same model
    # whatever the real fraction, so the settings of one experiment start from the same p^(1).
    fitted = model.fit(Corpus.concat([Corpus.from_ids(train, replica=r) for r in range(R)]), vocab_size, R, rng)
    real = _real_part(train, f, block, R, rng) if f > 0 else Corpus.concat([])
    n_synthetic = N - len(real) // R

    deviation, xent = np.zeros((G, R)), np.zeros((G, R))
    per_gen: dict[str, list[np.ndarray]] = {}
    samples: dict[int, np.ndarray] = {}
    wanted = set(range(1, G + 1) if samples_at is None else samples_at)
    for g in range(G):
        if g > 0:
            corpus = Corpus.concat([real, fitted.sample(n_synthetic, rng)]) if n_synthetic > ctx else real
            fitted = model.fit(corpus, vocab_size, R, rng)
        probs = fitted.next_token_probs(probes)
        if g == 0:
            p1 = probs  # each replica is compared with its own generation 1
        deviation[g] = np.abs(probs - p1).sum(-1).mean(-1)
        xent[g] = fitted.cross_entropy(held_out)
        for key, value in fitted.diagnostics(probes, None if g == 0 else first).items():
            per_gen.setdefault(key, []).append(np.asarray(value))
        if g == 0:
            first = fitted
        if g + 1 in wanted:
            samples[g + 1] = fitted.sample_text(sample_chars, rng)
    extras = {key: np.stack(values) if len(values) == G else values[0] for key, values in per_gen.items()}
    return LoopResult(
        order=ctx,
        real_fraction=f,
        deviation=deviation,
        cross_entropy=xent,
        samples=samples,
        extras=extras,
    )
