"""Widget of the chapter *A language model in the loop*: an n-gram model trained on its own text."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from ..lm_loop import run_loop
from ..ngram import Vocabulary, default_text
from ..plotting import mc_band
from ..widgets import explorer

CONTROLS = {
    "order": (1, 6, 1),
    "corpus_size": (10_000, 200_000, 10_000),
    "real_fraction": (0.0, 0.9, 0.1),
    "generations": (2, 20, 1),
}
DEFAULTS = {"order": 4, "corpus_size": 20_000, "real_fraction": 0.0, "generations": 10}
REPLICAS = 2
HELD_OUT = 5_000


@lru_cache(maxsize=1)
def _corpus() -> tuple[Vocabulary, np.ndarray]:
    """The default corpus (Python reference topics), encoded once."""
    text = default_text()
    vocab = Vocabulary.from_text(text)
    return vocab, vocab.encode(text)


def draw(
    fig: Figure, *, order: int, corpus_size: int, real_fraction: float, generations: int, seed: int = 0
) -> None:
    """Run the loop on the first ``corpus_size`` characters and draw deviation, perplexity and surviving n-grams.

    Labels are plain text (no mathtext), which keeps a redraw cheap.

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
    if hasattr(fig, "set_layout_engine"):  # a Figure, not a SubFigure
        fig.set_layout_engine("constrained")
    axes = fig.subplots(1, 3)
    gens = np.arange(1, generations + 1)
    mc_band(axes[0], gens, res.deviation)
    axes[0].set(xlabel="generation m", title="l1 distance to generation 1 (300 contexts)")
    mc_band(axes[1], gens, res.perplexity)
    axes[1].set(xlabel="generation m", title="held-out perplexity")
    mc_band(axes[2], gens, res.distinct_ngrams / res.distinct_ngrams[0])
    axes[2].set(xlabel="generation m", title=f"distinct {order + 1}-grams / generation 1", ylim=(0, 1.05))
    for ax in axes:
        ax.title.set_fontsize(9)


def widget():
    """The live explorer: context length, corpus size, real fraction and generations."""
    return explorer(draw, CONTROLS, DEFAULTS, figsize=(10.0, 3.2))
