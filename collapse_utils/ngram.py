"""A fast character n-gram language model: the paper's model class on real text.

Seddik et al. (2024) model a language model as a linear softmax over one-hot
contexts; its maximum-likelihood fit is the table of conditional next-token
frequencies (eq. 2 of the paper).  With contexts = the previous ``l``
characters, that table *is* a character n-gram model of order ``l + 1``.  This
module fits it, samples from it and scores it, with NumPy only:

* **Encoding.**  A text becomes integer ids ``0..s-1`` through a
  :class:`Vocabulary` (its sorted characters).  An ``(l + 1)``-gram
  ``(x_1, ..., x_l, y)`` is stored as the integer code
  ``sum_k x_k s^(l + 1 - k) + y``, so contexts are ``code // s`` and sorting the
  codes groups the rows of the table together.
* **Replicas.**  Several independent models (one per replica of an experiment)
  live in one table: replica ``r`` adds ``r * s^(l + 1)`` to its codes.  Fitting,
  sampling and scoring are vectorised over replicas and over characters; the
  only Python loop is over the positions of the sampled streams.
* **Corpora.**  A :class:`Corpus` is a flat array of ids cut into *segments*
  (independent documents or sampled streams); n-gram windows never cross a
  segment boundary.
* **Fitting** (:func:`fit_ngram`) counts every window of ``l + 1`` ids inside a
  segment with ``numpy.unique``.  The fitted conditional law is the
  maximum-likelihood estimate ``p_hat(y | h) = c(h y) / c(h)``.
* **Sampling** (:func:`sample_corpus`) advances many independent streams at
  once, one draw of the package's categorical kernel
  (:func:`~collapse_utils.sampling.sample_categorical`) per stream and position.
* **Scoring** (:func:`cross_entropy`) uses interpolated Witten-Bell smoothing,
  stated in :func:`smoothed_probs`, so that unseen events cost a finite number
  of nats.

Everything random takes ``seed`` (an int or a :class:`numpy.random.Generator`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .sampling import _sample_categorical
from .validation import (
    ArgumentTypeError,
    as_generator,
    check_array,
    check_int,
    check_memory,
    check_nonnegative_int,
    check_positive_int,
    check_token_ids,
)

__all__ = [
    "Corpus",
    "NgramModel",
    "Vocabulary",
    "context_codes",
    "cross_entropy",
    "default_text",
    "fit_ngram",
    "load_text",
    "mle_probs",
    "sample_corpus",
    "smoothed_probs",
]

_MAX_CODE = 2**62


def _codes_overflow(replicas: int, vocab_size: int, length: int) -> bool:
    """Whether ``replicas * vocab_size**length`` reaches ``_MAX_CODE`` (exact; no float overflow for huge ``length``)."""
    if vocab_size > 1 and length * math.log2(vocab_size) > 64:
        return True
    return replicas * vocab_size**length >= _MAX_CODE


# ----------------------------------------------------------------------------- text and vocabulary
def default_text() -> str:
    """The book's default real corpus: the Python language reference topics shipped with CPython.

    ``pydoc_data.topics.topics`` is a dict from topic name to the help text of
    that topic (written by the Python documentation authors, available offline
    in every CPython).  The values are joined in sorted order of the keys,
    separated by a blank line, so the text is the same on every run of a given
    Python version.

    Examples
    --------
    >>> text = default_text()
    >>> isinstance(text, str), len(text) > 100_000
    (True, True)
    """
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key] for key in sorted(topics))


def load_text(path: str | Path) -> str:
    """Read a UTF-8 text file (for example Tiny Shakespeare) as the real corpus.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to read.

    Raises
    ------
    ValueError
        If ``path`` does not exist, is not a file, is not valid UTF-8 or is empty.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.txt"
    >>> _ = path.write_text("to be or not to be", encoding="utf-8")
    >>> load_text(path)
    'to be or not to be'
    """
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"path {str(path)!r} does not exist or is not a file")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"path {str(path)!r} is not valid UTF-8 text: {exc}") from None
    if not text:
        raise ValueError(f"path {str(path)!r} is an empty file")
    return text


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


@dataclass(frozen=True)
class Vocabulary:
    """The characters of a text, sorted: id ``k`` is ``alphabet[k]``.

    Build it with :meth:`from_text`; :meth:`encode` and :meth:`decode` map
    between strings and integer ids.
    """

    alphabet: str

    @classmethod
    def from_text(cls, text: str) -> Vocabulary:
        """The vocabulary of all characters that occur in ``text`` (non-empty)."""
        if not isinstance(text, str):
            raise ArgumentTypeError(f"text must be a string, got {type(text).__name__}")
        if not text:
            raise ValueError("text must be a non-empty string")
        return cls("".join(map(chr, np.unique(_code_points(text)))))

    @property
    def size(self) -> int:
        """The number of tokens ``s``."""
        return len(self.alphabet)

    def encode(self, text: str) -> np.ndarray:
        """Integer ids (int64) of the characters of ``text``; every character must be in the vocabulary."""
        if not isinstance(text, str):
            raise ArgumentTypeError(f"text must be a string, got {type(text).__name__}")
        table = _code_points(self.alphabet)
        points = _code_points(text)
        ids = np.searchsorted(table, points)
        bad = (ids >= table.size) | (table[np.minimum(ids, table.size - 1)] != points)
        if np.any(bad):
            raise ValueError(f"text contains characters outside the vocabulary, e.g. {chr(points[bad][0])!r}")
        return ids.astype(np.int64)

    def decode(self, ids: np.ndarray) -> str:
        """The string whose characters have the given ids (a 1-D array of ids in ``0..size-1``).

        Examples
        --------
        >>> vocab = Vocabulary.from_text("banana")
        >>> vocab.encode("nab").tolist(), vocab.decode([2, 0, 1])
        ([2, 0, 1], 'nab')
        """
        ids = check_token_ids(ids, "ids", self.size, min_size=0)
        table = _code_points(self.alphabet)
        return table[ids].astype(np.uint32).tobytes().decode("utf-32-le")


# ----------------------------------------------------------------------------- corpora
@dataclass(frozen=True)
class Corpus:
    """Token ids cut into independent segments, for ``R`` replicas.

    Attributes
    ----------
    ids : ndarray of int64, shape (L,)
        The tokens, all replicas and segments concatenated.
    segment : ndarray of int64, shape (L,)
        Non-decreasing segment label of every token; a window of ``l + 1`` ids
        is an n-gram of the corpus only if its first and last token share a label.
    replica : ndarray of int64, shape (L,)
        The replica (independent experiment) each token belongs to.
    """

    ids: np.ndarray
    segment: np.ndarray
    replica: np.ndarray

    @classmethod
    def from_ids(cls, ids: np.ndarray, *, replica: int = 0) -> Corpus:
        """One segment holding ``ids`` (a 1-D array of non-negative ints), in replica ``replica``.

        Examples
        --------
        >>> len(Corpus.from_ids(np.array([0, 1, 1, 2])))
        4
        """
        if isinstance(ids, (list, tuple)) and len(ids) == 0:
            ids = np.zeros(0, np.int64)
        ids = check_array(ids, "ids", ndim=1, integer=True, low=0, min_size=0)
        replica = check_nonnegative_int(replica, "replica")
        return cls(ids, np.zeros(ids.size, np.int64), np.full(ids.size, replica, np.int64))

    def __len__(self) -> int:
        return int(self.ids.size)

    @staticmethod
    def concat(parts: list[Corpus]) -> Corpus:
        """Concatenate corpora, keeping their segments distinct (replicas as given)."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return Corpus(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
        segs, offset = [], 0
        for p in parts:
            segs.append(p.segment - p.segment[0] + offset)
            offset = int(segs[-1][-1]) + 1
        return Corpus(
            np.concatenate([p.ids for p in parts]), np.concatenate(segs), np.concatenate([p.replica for p in parts])
        )


# ----------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class NgramModel:
    """A fitted character n-gram table (one per replica).

    Attributes
    ----------
    order : int
        The context length ``l`` (the model predicts token ``l + 1`` from ``l`` tokens).
    vocab_size : int
        The number of tokens ``s``.
    replicas : int
        The number ``R`` of independent models stored together.
    codes : list of ndarray
        ``codes[k]`` (``k = 0..l``): sorted codes ``r * s^(k+1) + code(h_k y)`` of
        the distinct ``(k + 1)``-grams of each replica ``r``.  ``codes[l]`` is the
        model; lower orders are the suffix marginals used only for smoothing.
    counts : list of ndarray
        ``counts[k][i]``: the number of training windows whose last ``k + 1``
        tokens are ``codes[k][i]`` (all orders count the same windows).
    contexts, context_counts, context_types, row_start : list of ndarray
        For every order ``k``: the sorted distinct context codes
        ``r * s^k + code(h_k)``, their counts ``c(h_k)``, the number of distinct
        next tokens ``nu(h_k)``, and where their rows start in ``codes[k]``.
    """

    order: int
    vocab_size: int
    replicas: int
    codes: list[np.ndarray] = field(repr=False)
    counts: list[np.ndarray] = field(repr=False)
    contexts: list[np.ndarray] = field(repr=False)
    context_counts: list[np.ndarray] = field(repr=False)
    context_types: list[np.ndarray] = field(repr=False)
    row_start: list[np.ndarray] = field(repr=False)

    def distinct_ngrams(self) -> np.ndarray:
        """Number of distinct ``(l + 1)``-grams with positive count, per replica (shape ``(R,)``)."""
        span = self.vocab_size ** (self.order + 1)
        return np.bincount(self.codes[-1] // span, minlength=self.replicas)

    def per_context_counts(self, replica: int = 0) -> np.ndarray:
        """The sample sizes ``n_h = c(h)`` of all contexts seen by one replica's model."""
        span = self.vocab_size**self.order
        ctx = self.contexts[-1]
        return self.context_counts[-1][ctx // span == replica]


def _window_codes(corpus: Corpus, width: int, s: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of all windows of ``width`` ids inside a segment, and their replicas."""
    ids, seg = corpus.ids, corpus.segment
    if ids.size < width:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    count = ids.size - width + 1
    code = ids[:count].copy()
    for k in range(1, width):  # contiguous slices: no gather per character
        code *= s
        code += ids[k : k + count]
    keep = seg[width - 1 :] == seg[:count]
    last = np.flatnonzero(keep) + width - 1
    code = code[keep]
    return code, corpus.replica[last]


def _tables(codes: np.ndarray, counts: np.ndarray, s: int):
    """Context codes, context counts, type counts and row starts of a sorted n-gram table."""
    ctx_of = codes // s
    start = np.flatnonzero(np.r_[True, ctx_of[1:] != ctx_of[:-1]]) if codes.size else np.zeros(0, np.int64)
    contexts = ctx_of[start]
    context_counts = np.add.reduceat(counts, start) if codes.size else np.zeros(0, np.int64)
    types = np.diff(np.r_[start, codes.size])
    return contexts, context_counts, types, start


def fit_ngram(corpus: Corpus | np.ndarray, order: int, vocab_size: int, *, replicas: int | None = None) -> NgramModel:
    """Fit the maximum-likelihood n-gram model: count every window of ``l + 1`` tokens.

    Parameters
    ----------
    corpus : Corpus or ndarray of int
        Training tokens (a 1-D array of ids is one segment of replica 0).
    order : int
        Context length ``l >= 1``.
    vocab_size : int
        Number of tokens ``s``; ids must lie in ``0..s-1``.
    replicas : int, optional
        Number of replicas (default: one more than the largest replica label).

    Returns
    -------
    NgramModel
        ``p_hat(y | h) = c(h y) / c(h)`` for every context ``h`` seen in training
        (Seddik et al., 2024, eq. 2), plus suffix marginals of orders ``0..l-1``.

    Raises
    ------
    ValueError
        If ``order < 1``, the corpus is empty, an id is out of range, no window
        of ``l + 1`` tokens fits in a segment (corpus shorter than the context),
        or the codes would overflow int64.

    Examples
    --------
    >>> model = fit_ngram(np.array([0, 1, 0, 1, 0, 2]), 1, 3)
    >>> probs, seen = mle_probs(model, np.array([0, 1]))
    >>> probs.round(4).tolist()  # after 0: 1 twice, 2 once; after 1: always 0
    [[0.0, 0.6667, 0.3333], [1.0, 0.0, 0.0]]
    """
    order = check_positive_int(order, "order")
    s = check_positive_int(vocab_size, "vocab_size")
    if not isinstance(corpus, Corpus):
        corpus = Corpus.from_ids(check_array(corpus, "corpus", ndim=1, integer=True, low=0, min_size=0))
    check_memory(8 * 6 * len(corpus) * (order + 1), f"len(corpus)={len(corpus)} x (order + 1)={order + 1}", "use a shorter corpus")
    if len(corpus) == 0:
        raise ValueError("corpus must not be empty")
    if corpus.ids.min() < 0 or corpus.ids.max() >= s:
        raise ValueError(f"corpus ids must lie in 0..vocab_size-1 = 0..{s - 1}")
    n_rep = int(corpus.replica.max()) + 1 if replicas is None else check_positive_int(replicas, "replicas")
    if _codes_overflow(n_rep, s, order + 1):
        raise ValueError(f"order {order} is too long for vocab_size {s} and {n_rep} replicas (int64 codes overflow)")
    code, rep = _window_codes(corpus, order + 1, s)
    if code.size == 0:
        raise ValueError(f"corpus is shorter than the context: no window of order + 1 = {order + 1} tokens")
    top, top_counts = np.unique(rep * s ** (order + 1) + code, return_counts=True)
    codes, counts = [None] * (order + 1), [None] * (order + 1)
    codes[order], counts[order] = top, top_counts.astype(np.int64)
    for k in range(order - 1, -1, -1):  # suffix marginals: drop the oldest token
        span_hi, span_lo = s ** (k + 2), s ** (k + 1)
        higher = codes[k + 1]
        suffix = (higher // span_hi) * span_lo + higher % span_lo
        order_idx = np.argsort(suffix, kind="stable")
        sorted_suffix = suffix[order_idx]
        start = np.flatnonzero(np.r_[True, sorted_suffix[1:] != sorted_suffix[:-1]])
        codes[k] = sorted_suffix[start]
        counts[k] = np.add.reduceat(counts[k + 1][order_idx], start)
    tables = [_tables(codes[k], counts[k], s) for k in range(order + 1)]
    return NgramModel(
        order=order,
        vocab_size=s,
        replicas=n_rep,
        codes=codes,
        counts=counts,
        contexts=[t[0] for t in tables],
        context_counts=[t[1] for t in tables],
        context_types=[t[2] for t in tables],
        row_start=[t[3] for t in tables],
    )


# ----------------------------------------------------------------------------- sampling
class _ContextSampler:
    """Draws the context of a uniformly random training window of given replicas."""

    def __init__(self, model: NgramModel) -> None:
        s, l = model.vocab_size, model.order
        self.codes, self.cum, self.span, self.s = model.codes[l], np.cumsum(model.counts[l]), s ** (l + 1), s
        first = np.searchsorted(self.codes, np.arange(model.replicas + 1) * self.span)  # rows of each replica
        self.lo = np.concatenate([[0], self.cum])[first[:-1]]
        self.hi = np.concatenate([[0], self.cum])[first[1:]]
        if np.any(self.hi <= self.lo):
            raise ValueError("model has a replica without any training window")

    def __call__(self, rep: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Context codes (without replica offset), one per entry of ``rep``."""
        target = rng.integers(self.lo[rep], self.hi[rep])
        idx = np.searchsorted(self.cum, target, side="right")
        return (self.codes[idx] % self.span) // self.s


def _check_model(model: object) -> NgramModel:
    if not isinstance(model, NgramModel):
        raise ArgumentTypeError(f"model must be a collapse_utils.ngram.NgramModel (see fit_ngram), got {type(model).__name__}")
    return model


def _check_contexts(model: NgramModel, contexts: object, replica: object) -> tuple[np.ndarray, np.ndarray]:
    """Context codes in ``0..s^l - 1`` and replica labels in ``0..R-1``, broadcast together."""
    s, l, R = model.vocab_size, model.order, model.replicas
    contexts = check_token_ids(contexts, "contexts", s**l, ndim=tuple(range(8)), min_size=0)
    rep = check_token_ids(replica, "replica", R, ndim=tuple(range(8)), min_size=0)
    try:
        rep = np.broadcast_to(rep, contexts.shape)
    except ValueError:
        raise ValueError(f"replica must broadcast to contexts.shape = {contexts.shape}, got shape {rep.shape}") from None
    check_memory(8 * 3 * contexts.size * s, f"{contexts.size} contexts x vocab_size={s}", "ask for fewer contexts at once")
    return contexts, rep


def sample_corpus(
    model: NgramModel, length: int, seed: int | np.random.Generator | None = None, *, streams: int | None = None
) -> Corpus:
    """Sample ``length`` tokens per replica from the fitted model, many streams at once.

    Each replica gets ``streams`` independent streams of ``ceil(length / streams)``
    tokens (the last ones trimmed so the total is exactly ``length``).  A stream
    starts with the context of a training window drawn at random (``l`` tokens,
    written to the corpus) and then draws every next token from
    ``p_hat(. | h)`` by inverse CDF on the counts of its context's row.  If a
    stream reaches a context that has no row (it occurred only at the end of a
    training segment), it restarts from a fresh random context and a new
    segment begins, so the sampled corpus contains only n-grams of the model.

    Parameters
    ----------
    model : NgramModel
        The model to sample from (all its replicas).
    length : int
        Tokens per replica, at least ``l + 1``.
    seed : int, numpy.random.Generator or None
        Randomness.
    streams : int, optional
        Streams per replica; default ``ceil(length / 250)``, so a corpus of any
        size takes about 250 vectorised steps.

    Returns
    -------
    Corpus
        ``R * length`` tokens, replica ``r`` in the ``r``-th block.

    Examples
    --------
    >>> model = fit_ngram(np.tile([0, 1, 2], 20), 2, 3)
    >>> sample = sample_corpus(model, 9, seed=0)
    >>> len(sample), set(np.diff(sample.ids) % 3) == {1}  # the cycle 0 -> 1 -> 2 -> 0 is kept
    (9, True)
    """
    s, l, R = _check_model(model).vocab_size, model.order, model.replicas
    length = check_positive_int(length, "length")
    if length < l + 1:
        raise ValueError(f"length must be at least order + 1 = {l + 1}, got {length}")
    S = check_positive_int(streams, "streams") if streams is not None else max(1, math.ceil(length / 250))
    T = max(math.ceil(length / S), l + 1)
    check_memory(
        8 * 3 * R * S * (T + s),
        f"replicas={R} x length={length}" + (f" (streams={S} of {T} tokens)" if streams is not None else ""),
        "sample fewer tokens or use fewer streams",
    )
    rng = as_generator(seed)
    rep = np.repeat(np.arange(R, dtype=np.int64), S)
    draw_contexts = _ContextSampler(model)
    ctx = draw_contexts(rep, rng)
    out = np.empty((R * S, T), np.int64)
    starts = np.zeros((R * S, T), bool)
    starts[:, 0] = True
    digits = ctx.copy()
    for k in range(l - 1, -1, -1):
        out[:, k] = digits % s
        digits //= s
    contexts, ctx_counts, ctx_types = model.contexts[l], model.context_counts[l], model.context_types[l]
    codes, counts, row_start = model.codes[l], model.counts[l], model.row_start[l]
    tok_of = codes % s
    ctx_span = s**l
    # The row of the context that follows each n-gram (its last l tokens), or -1 if that context has no row.
    follow = (codes // (s * ctx_span)) * ctx_span + codes % ctx_span
    next_row = np.minimum(np.searchsorted(contexts, follow), contexts.size - 1)
    next_row = np.where(contexts[next_row] == follow, next_row, -1)
    key = rep * ctx_span + ctx
    row = np.searchsorted(contexts, key)  # initial contexts come from training windows: always present
    for t in range(l, T):
        missing = row < 0
        if np.any(missing):  # dead end: restart these streams from a fresh context, in a new segment
            fresh = draw_contexts(rep[missing], rng)
            row[missing] = np.searchsorted(contexts, rep[missing] * ctx_span + fresh)
            starts[missing, t] = True
        # Row j of the table is codes[row_start[j] : row_start[j] + nu(h_j)]; draw one entry with probability c(h y) / c(h).
        width = ctx_types[row]
        entry = row_start[row][:, None] + np.arange(width.max())
        law = np.where(entry < (row_start[row] + width)[:, None], counts[np.minimum(entry, codes.size - 1)], 0)
        k = row_start[row] + _sample_categorical(law / ctx_counts[row][:, None], 1, rng)[:, 0]
        out[:, t] = tok_of[k]
        row = next_row[k]
    out, starts = out.reshape(R, S * T)[:, :length], starts.reshape(R, S * T)[:, :length]
    segment = np.cumsum(starts.ravel()) - 1
    return Corpus(out.ravel(), segment, np.repeat(np.arange(R, dtype=np.int64), length))


# ----------------------------------------------------------------------------- probabilities and scores
def context_codes(ids: np.ndarray, order: int, vocab_size: int, positions: np.ndarray) -> np.ndarray:
    """Codes of the contexts ``ids[t - l : t]`` that precede each position ``t`` in ``positions`` (``t >= l``).

    Examples
    --------
    >>> context_codes(np.array([1, 0, 2, 1]), 2, 3, np.array([2, 4])).tolist()  # "10" and "21" in base 3
    [3, 7]
    """
    order = check_positive_int(order, "order")
    vocab_size = check_positive_int(vocab_size, "vocab_size")
    if _codes_overflow(1, vocab_size, order):
        raise ValueError(f"vocab_size**order must fit in int64 codes (got vocab_size={vocab_size}, order={order})")
    ids = check_token_ids(ids, "ids", vocab_size)
    positions = check_array(positions, "positions", integer=True, min_size=0)
    if positions.size and (positions.min() < order or positions.max() > ids.size):
        raise ValueError(f"positions must lie in [order, len(ids)] = [{order}, {ids.size}]")
    code = np.zeros(positions.shape, np.int64)
    for k in range(order):
        code = code * vocab_size + ids[positions - order + k]
    return code


def _find(sorted_codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each value in ``sorted_codes`` (clipped) and whether it is present."""
    if sorted_codes.size == 0:
        return np.zeros(values.shape, np.int64), np.zeros(values.shape, bool)
    idx = np.minimum(np.searchsorted(sorted_codes, values), sorted_codes.size - 1)
    return idx, sorted_codes[idx] == values


def _lookup(sorted_codes: np.ndarray, values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``table[i]`` where ``sorted_codes[i] == value``, and 0 where the value is absent."""
    idx, found = _find(sorted_codes, values)
    return np.where(found, table[idx], 0) if sorted_codes.size else np.zeros(values.shape, table.dtype)


def _smoothed(model: NgramModel, ctx: np.ndarray, tok: np.ndarray, rep: np.ndarray) -> np.ndarray:
    """Interpolated Witten-Bell ``P_l(tok | ctx)`` elementwise (``ctx`` codes without replica offset)."""
    s, l = model.vocab_size, model.order
    total = np.bincount(model.codes[0] // s, weights=model.counts[0], minlength=model.replicas)
    prob = (_lookup(model.codes[0], rep * s + tok, model.counts[0]) + 1.0) / (total[rep] + s)
    for k in range(1, l + 1):
        hkey = rep * s**k + ctx % s**k
        idx, found = _find(model.contexts[k], hkey)
        c_h = np.where(found, model.context_counts[k][idx], 0).astype(float)
        t_h = np.where(found, model.context_types[k][idx], 0).astype(float)
        c_hy = _lookup(model.codes[k], hkey * s + tok, model.counts[k]).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            prob = np.where(c_h > 0, (c_hy + t_h * prob) / (c_h + t_h), prob)
    return prob


def _dense_rows(model: NgramModel, k: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order-``k`` counts ``c(h y)`` as dense rows (shape ``keys.shape + (s,)``), and ``c(h)``, ``nu(h)``."""
    s = model.vocab_size
    flat = keys.ravel()
    idx, found = _find(model.contexts[k], flat)
    rows = np.zeros((flat.size, s))
    c_h = np.where(found, model.context_counts[k][idx], 0)
    t_h = np.where(found, model.context_types[k][idx], 0)
    # gather the entries of every found row: row j owns codes[row_start[j] : row_start[j] + nu(h_j)]
    which = np.repeat(np.arange(flat.size), t_h)
    entry = np.repeat(model.row_start[k][idx] - np.cumsum(t_h) + t_h, t_h) + np.arange(which.size)
    rows[which, model.codes[k][entry] % s] = model.counts[k][entry]
    shape = keys.shape
    return rows.reshape(shape + (s,)), c_h.reshape(shape), t_h.reshape(shape)


def smoothed_probs(model: NgramModel, contexts: np.ndarray, replica: int | np.ndarray = 0) -> np.ndarray:
    """Smoothed next-token laws ``P_l(. | h)`` of the given contexts, shape ``contexts.shape + (s,)``.

    Interpolated Witten-Bell smoothing, recursively from order 0:

    ``P_0(y) = (c(y) + 1) / (N + s)`` (add-one on the unigram), and for
    ``k = 1..l`` with ``h_k`` the last ``k`` tokens of the context,
    ``P_k(y | h_k) = (c(h_k y) + nu(h_k) P_{k-1}(y | h_{k-1})) / (c(h_k) + nu(h_k))``
    where ``nu(h_k)`` is the number of distinct tokens seen after ``h_k``;
    if ``c(h_k) = 0`` then ``P_k = P_{k-1}``.  Every probability is positive,
    and for a context seen ``c(h)`` times the law differs from the maximum-likelihood
    row by at most ``2 nu(h) / (c(h) + nu(h))`` in ``l1``.

    Examples
    --------
    >>> model = fit_ngram(np.array([0, 1, 0, 1, 0, 2]), 1, 3)
    >>> law = smoothed_probs(model, np.array([0]))
    >>> law.shape, bool(law[0].argmax() == 1), round(float(law.sum()), 12)
    ((1, 3), True, 1.0)
    """
    model = _check_model(model)
    contexts, rep = _check_contexts(model, contexts, replica)
    s = model.vocab_size
    uni, _, _ = _dense_rows(model, 0, np.arange(model.replicas))
    uni = (uni + 1.0) / (uni.sum(-1, keepdims=True) + s)
    prob = uni[rep]
    for k in range(1, model.order + 1):
        rows, c_h, t_h = _dense_rows(model, k, rep * s**k + contexts % s**k)
        with np.errstate(invalid="ignore", divide="ignore"):
            mixed = (rows + t_h[..., None] * prob) / (c_h + t_h)[..., None]
        prob = np.where((c_h > 0)[..., None], mixed, prob)
    return prob


def mle_probs(model: NgramModel, contexts: np.ndarray, replica: int | np.ndarray = 0) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood rows ``c(h y) / c(h)`` and the context counts ``n_h = c(h)``.

    Returns ``(probs, counts)`` with ``probs`` of shape ``contexts.shape + (s,)``
    (rows of contexts never seen in training, ``counts == 0``, are zero) and
    ``counts`` of shape ``contexts.shape``: the per-context sample size ``n``
    of the theory chapters.

    Examples
    --------
    >>> model = fit_ngram(np.array([0, 1, 0, 1, 0, 2]), 1, 3)
    >>> probs, counts = mle_probs(model, np.array([0, 2]))
    >>> probs.round(3).tolist(), counts.tolist()
    ([[0.0, 0.667, 0.333], [0.0, 0.0, 0.0]], [3, 0])
    """
    model = _check_model(model)
    contexts, rep = _check_contexts(model, contexts, replica)
    s, l = model.vocab_size, model.order
    rows, c_h, _ = _dense_rows(model, l, rep * s**l + contexts)
    return rows / np.maximum(c_h, 1)[..., None], c_h


def cross_entropy(model: NgramModel, ids: np.ndarray) -> np.ndarray:
    """Held-out cross-entropy (nats per token) of every replica on the text ``ids``.

    The average of ``-log P_l(y_t | h_t)`` over the positions ``t >= l`` of
    ``ids``, with the smoothed law of :func:`smoothed_probs`.  The perplexity
    is ``exp`` of it.  Returns an array of shape ``(R,)``.

    Examples
    --------
    >>> model = fit_ngram(np.array([0, 1, 0, 1, 0, 1]), 1, 2)
    >>> bool(cross_entropy(model, np.array([0, 1, 0, 1]))[0] < np.log(2))  # better than uniform
    True
    """
    model = _check_model(model)
    l, R = model.order, model.replicas
    ids = check_token_ids(ids, "ids", model.vocab_size)
    if ids.size <= l:
        raise ValueError(f"ids must be longer than the context length {l} (got {ids.size} tokens)")
    s = model.vocab_size
    pos = np.arange(l, ids.size)
    # Score each distinct held-out (l + 1)-gram once, weighted by how often it occurs.
    grams, weight = np.unique(context_codes(ids, l, s, pos) * s + ids[pos], return_counts=True)
    rep = np.arange(R)[:, None]
    prob = _smoothed(model, (grams // s)[None, :], (grams % s)[None, :], rep)
    return -(np.log(prob) * weight).sum(axis=1) / pos.size
