"""Explorer of the chapter *The rate of forgetting*: which words of a Zipf–Mandelbrot vocabulary survive."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FormatStrFormatter, MaxNLocator, NullFormatter

from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR, Sketch, sketched
from ..theory.forgetting import g_sequence, unigram_survival_np

__all__ = ["ALPHABET", "CONTROLS", "COUNT_RANGE", "DEFAULTS", "FIGSIZE", "REPLICAS", "SITE", "draw", "zipf_mandelbrot"]

CONTROLS = {"n": (100, 5000, 100), "a": (0.5, 2.5, 0.1), "b": (0.0, 10.0, 0.1), "generations": (1, 60, 1)}
DEFAULTS = {"n": 1000, "a": 1.0, "b": 2.7, "generations": 20}
#: The controls that move on the website, and their precomputed values.
SITE = {"n": [100, 200, 500, 1000, 2000, 5000], "a": [0.5, 1.0, 1.5, 2.0, 2.5]}
FIGSIZE = (10.0, 3.6)
#: Vocabulary size and replicas behind the Monte Carlo survival and vocabulary.
ALPHABET, REPLICAS = 1000, 40
#: Fixed range of expected counts ``c = n p_i`` shown: words far below it are gone, words above it stay.
COUNT_RANGE = (1e-2, 1e4)
_GRID = np.geomspace(*COUNT_RANGE, 200)


def zipf_mandelbrot(size: int, a: float, b: float) -> np.ndarray:
    """``p_i proportional to (i + b)^(-a)``, ``i = 1..size`` (the convention of Suresh et al.'s code).

    Examples
    --------
    >>> zipf_mandelbrot(3, 1.0, 0.0).round(4).tolist()  # 1, 1/2, 1/3 normalised
    [0.5455, 0.2727, 0.1818]
    """
    p = (np.arange(1, size + 1) + b) ** -float(a)
    return p / p.sum()


@sketched
def draw(s: Sketch, *, n: int, a: float, b: float, generations: int, seed: int = 0) -> None:
    """Left: survival of each word after ``generations`` against its expected count; right: vocabulary size."""
    probs = zipf_mandelbrot(ALPHABET, a, b)
    res = simulate_chain(probs, n=n, generations=generations, replicas=REPLICAS, seed=seed, record="stats")
    counts = n * probs
    gs = g_sequence(generations)
    ax_surv, ax_vocab = s.subplots(1, 2)
    s.plot(ax_surv, "alive", counts, (res.final > 0).mean(axis=0), ".", ms=3, color=PALETTE[0],
           label="Monte Carlo, per word")
    s.plot(ax_surv, "survival", _GRID, unigram_survival_np(_GRID, gs[-1]), color=THEORY_COLOR,
           label=r"$1 - e^{-c\,g_k}$")
    s.text(ax_surv, "k", 0.98, 0.04, f"after k = {generations} generations", ha="right", fontsize=9,
           transform=ax_surv.transAxes)
    s.legend(ax_surv, fontsize=8, loc="upper left")

    ks = np.arange(generations + 1)
    expected = np.concatenate([[ALPHABET], unigram_survival_np(counts[None, :], gs[:, None]).sum(axis=1)])
    s.plot(ax_vocab, "vocabulary", ks, res.support.mean(axis=1), "o", ms=3, color=PALETTE[0],
           label="Monte Carlo mean")
    s.plot(ax_vocab, "expected", ks, expected, color=THEORY_COLOR, label=r"$\sum_i 1 - e^{-n p_i g_k}$ (Cor. 1, lower)")
    s.legend(ax_vocab, fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2)

    if s.first:
        ax_surv.set(xlabel="expected count $c = n p_i$", ylabel="P(word alive)", xscale="log", xlim=COUNT_RANGE,
                    ylim=(-0.02, 1.02))
        ax_surv.xaxis.set_major_formatter(FormatStrFormatter("%g"))  # plain labels: mathtext ticks are slow to lay out
        ax_surv.xaxis.set_minor_formatter(NullFormatter())
        ax_vocab.set(xlabel="generation $k$", ylabel="distinct words", ylim=(0, 1.04 * ALPHABET))
        ax_vocab.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_vocab.set_xlim(-0.5, generations + 0.5)
