"""Explorer of the chapter *A language model in the loop*: an n-gram model trained on its own text."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

from ..lm_loop import run_loop
from ..ngram import Vocabulary, default_text
from ..plotting import Sketch, sketched

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "HELD_OUT", "REPLICAS", "SITE", "draw"]

CONTROLS = {
    "order": (1, 6, 1),
    "corpus_size": (10_000, 200_000, 10_000),
    "real_fraction": (0.0, 0.9, 0.1),
    "generations": (2, 20, 1),
}
DEFAULTS = {"order": 4, "corpus_size": 20_000, "real_fraction": 0.0, "generations": 10}
#: The controls that move on the website, and their precomputed values.
SITE = {"order": [1, 2, 4, 6], "real_fraction": [0.0, 0.2, 0.5, 0.8]}
FIGSIZE = (10.0, 3.2)
#: Independent runs behind the bands (two: a rough indication of the spread only), and held-out characters.
REPLICAS = 2
HELD_OUT = 2_000
#: Fixed vertical ranges, so that settings compare: deviation in l1, perplexity (log scale), distinct fraction.
DEVIATION_TOP, PERPLEXITY_RANGE = 1.2, (2.0, 200.0)


@lru_cache(maxsize=1)
def _corpus() -> tuple[Vocabulary, np.ndarray]:
    """The default corpus (Python reference topics), encoded once."""
    text = default_text()
    vocab = Vocabulary.from_text(text)
    return vocab, vocab.encode(text)


@sketched
def draw(s: Sketch, *, order: int, corpus_size: int, real_fraction: float, generations: int, seed: int = 0) -> None:
    """Run the loop on the first ``corpus_size`` characters and draw deviation, perplexity and surviving n-grams.

    The held-out text is the last ``HELD_OUT`` characters of the corpus; the
    bands are the mean +- 1.96 standard errors over ``REPLICAS`` independent
    runs, a rough indication of the spread only (there are just two runs).
    """
    vocab, ids = _corpus()
    train, held_out = ids[:corpus_size], ids[-HELD_OUT:]
    res = run_loop(
        train,
        held_out,
        vocab.size,
        order=order,
        real_fraction=round(float(real_fraction), 2),
        generations=generations,
        replicas=REPLICAS,
        block=min(2000, corpus_size // 20),
        samples_at=(),
        streams=max(1, corpus_size // 50),
        seed=seed,
    )
    ax_dev, ax_ppl, ax_distinct = s.subplots(1, 3)
    gens = np.arange(1, generations + 1)
    s.band(ax_dev, "deviation", gens, res.deviation)
    s.band(ax_ppl, "perplexity", gens, res.perplexity)
    s.band(ax_distinct, "distinct", gens, res.distinct_ngrams / res.distinct_ngrams[0])
    if s.first:
        ax_dev.set(xlabel="generation $m$", title=r"$\ell^1$ distance to generation 1", ylim=(0, DEVIATION_TOP))
        ax_ppl.set(xlabel="generation $m$", title="held-out perplexity", yscale="log", ylim=PERPLEXITY_RANGE)
        ax_ppl.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        ax_ppl.yaxis.set_major_formatter(FormatStrFormatter("%g"))  # plain labels: mathtext ticks are slow to lay out
        ax_ppl.yaxis.set_minor_formatter(NullFormatter())
        ax_distinct.set(xlabel="generation $m$", title=r"distinct $(\ell+1)$-grams / generation 1", ylim=(0, 1.05))
        for ax in (ax_dev, ax_ppl, ax_distinct):
            ax.title.set_fontsize(9)
    for ax in (ax_dev, ax_ppl, ax_distinct):
        ax.set_xlim(0.5, generations + 0.5)
