"""Widget of the chapter *Token editing*: synthetic, edited and real text loops on a character n-gram model."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from ..editing import simulate_text_loop
from ..ngram import Vocabulary, default_text
from ..plotting import PALETTE
from ..widgets import explorer

CONTROLS = {"threshold": (0.5, 0.999, 0.001), "edit_fraction": (0.0, 1.0, 0.05), "generations": (1, 10, 1)}
DEFAULTS = {"threshold": 0.99, "edit_fraction": 1.0, "generations": 6}
TRAIN_CHARS = 10_000
HELDOUT_CHARS = 4_000
ORDER = 3


@lru_cache(maxsize=1)
def corpus() -> tuple[np.ndarray, np.ndarray, int]:
    """Training ids, held-out ids and vocabulary size (the start and the end of the default corpus)."""
    text = default_text()
    vocab = Vocabulary.from_text(text)
    ids = vocab.encode(text)
    return ids[:TRAIN_CHARS], ids[-HELDOUT_CHARS:], vocab.size


def draw(fig: Figure, *, threshold: float, edit_fraction: float, generations: int, seed: int = 0) -> None:
    """Held-out perplexity and distinct n-grams of the three loops over generations."""
    train, heldout, s = corpus()
    gens = np.arange(generations + 1)
    if hasattr(fig, "set_layout_engine"):  # a Figure, not a SubFigure
        fig.set_layout_engine("constrained")
    ax_ppl, ax_div = fig.subplots(1, 2)
    for color, mode in zip(PALETTE, ("synthetic", "edited")):
        res = simulate_text_loop(train, heldout, s, order=ORDER, generations=generations, mode=mode,
                                 threshold=threshold, edit_fraction=edit_fraction, seed=seed)
        ax_ppl.plot(gens, np.exp(res.cross_entropy[:, 0]), "o-", ms=3, color=color, label=mode)
        ax_div.plot(gens, res.distinct[:, 0], "o-", ms=3, color=color, label=mode)
    # the real loop refits the same text every generation: its model is model 0 of any loop
    ax_ppl.axhline(np.exp(res.cross_entropy[0, 0]), color=PALETTE[2], label="real")
    ax_div.axhline(res.distinct[0, 0], color=PALETTE[2], label="real")
    ax_ppl.set(xlabel="generation", title="held-out perplexity (real text)")
    ax_div.set(xlabel="generation", title=f"distinct {ORDER + 1}-grams of the model")
    ax_ppl.legend(fontsize=8)


def widget():
    """The live explorer: edit threshold, fraction of over-confident tokens edited, generations."""
    return explorer(draw, CONTROLS, DEFAULTS, figsize=(9.0, 3.0))
