"""Explorer of the chapter *Token editing*: synthetic, edited and real text loops on a character n-gram model."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..editing import simulate_text_loop
from ..ngram import Vocabulary, default_text
from ..plotting import PALETTE, Sketch, nice_ceiling, sketched

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "HELDOUT_CHARS", "ORDER", "SITE", "TRAIN_CHARS", "corpus", "draw"]

CONTROLS = {"threshold": (0.5, 0.999, 0.001), "edit_fraction": (0.0, 1.0, 0.05), "generations": (1, 10, 1)}
DEFAULTS = {"threshold": 0.99, "edit_fraction": 1.0, "generations": 6}
#: The controls that move on the website, and their precomputed values.
SITE = {"threshold": [0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999], "edit_fraction": [0.0, 0.25, 0.5, 1.0]}
FIGSIZE = (10.0, 3.4)
TRAIN_CHARS = 10_000
HELDOUT_CHARS = 4_000
ORDER = 3


@lru_cache(maxsize=1)
def corpus() -> tuple[np.ndarray, np.ndarray, int]:
    """Training ids, held-out ids and vocabulary size (the start and the end of the default corpus).

    Examples
    --------
    >>> train, heldout, vocab_size = corpus()
    >>> train.size > heldout.size, int(train.max()) < vocab_size
    (True, True)
    """
    text = default_text()
    vocab = Vocabulary.from_text(text)
    ids = vocab.encode(text)
    return ids[:TRAIN_CHARS], ids[-HELDOUT_CHARS:], vocab.size


@lru_cache(maxsize=64)
def _loop(mode: str, threshold: float, edit_fraction: float, generations: int, seed: int) -> tuple:
    """Perplexity and distinct n-grams of one loop (the synthetic loop ignores the editing controls)."""
    train, heldout, s = corpus()
    edits = dict(threshold=threshold, edit_fraction=edit_fraction) if mode == "edited" else {}
    res = simulate_text_loop(train, heldout, s, order=ORDER, generations=generations, mode=mode, seed=seed, **edits)
    return np.exp(res.cross_entropy[:, 0]), res.distinct[:, 0].astype(float)


@sketched
def draw(s: Sketch, *, threshold: float, edit_fraction: float, generations: int, seed: int = 0) -> None:
    """Held-out perplexity and distinct n-grams of the three loops over generations."""
    gens = np.arange(generations + 1)
    ax_ppl, ax_div = s.subplots(1, 2)
    loops = {"synthetic": _loop("synthetic", 0.99, 1.0, generations, seed),
             "edited": _loop("edited", threshold, edit_fraction, generations, seed)}
    for color, (mode, (ppl, distinct)) in zip(PALETTE, loops.items()):
        s.plot(ax_ppl, mode, gens, ppl, "o-", ms=3, color=color, label=mode)
        s.plot(ax_div, mode, gens, distinct, "o-", ms=3, color=color, label=mode)
    # the real loop refits the same text every generation: its model is model 0 of any loop
    ppl0, distinct0 = loops["synthetic"][0][0], loops["synthetic"][1][0]
    s.plot(ax_ppl, "real", [0, generations], [ppl0, ppl0], color=PALETTE[2], label="real")
    s.plot(ax_div, "real", [0, generations], [distinct0, distinct0], color=PALETTE[2], label="real")
    s.legend(ax_ppl, fontsize=8, loc="upper left")
    if s.first:
        ax_ppl.set(xlabel="generation", title="held-out perplexity (real text)")
        ax_div.set(xlabel="generation", title=f"distinct {ORDER + 1}-grams of the model")
    top = max(float(np.max(v[0])) for v in loops.values())
    ax_ppl.set(xlim=(-0.2, generations + 0.2), ylim=(0, nice_ceiling(1.15 * top)))
    ax_div.set(xlim=(-0.2, generations + 0.2), ylim=(0, nice_ceiling(1.15 * distinct0)))
