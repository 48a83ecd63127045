"""Widget of the chapter *The rate of forgetting*: which words of a Zipf–Mandelbrot vocabulary survive."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, NullFormatter

from ..chains import simulate_chain
from ..plotting import PALETTE, THEORY_COLOR
from ..theory.forgetting import c, g, g_sequence, unigram_survival
from ..theory.core import numeric
from ..widgets import explorer

CONTROLS = {"n": (100, 5000, 100), "a": (0.5, 2.5, 0.1), "b": (0.0, 10.0, 0.1), "generations": (1, 60, 1)}
DEFAULTS = {"n": 1000, "a": 1.0, "b": 2.7, "generations": 20}
ALPHABET, REPLICAS = 1000, 40

_SURVIVAL = numeric(unigram_survival(), [c, g])


def zipf_mandelbrot(size: int, a: float, b: float) -> np.ndarray:
    """``p_i proportional to (i + b)^(-a)``, ``i = 1..size`` (the convention of Suresh et al.'s code)."""
    p = (np.arange(1, size + 1) + b) ** -float(a)
    return p / p.sum()


def draw(fig: Figure, *, n: int, a: float, b: float, generations: int, seed: int = 0) -> None:
    """Left: survival of each word after ``generations`` against its expected count; right: vocabulary size."""
    probs = zipf_mandelbrot(ALPHABET, a, b)
    res = simulate_chain(probs, n=n, generations=generations, replicas=REPLICAS, seed=seed, record="stats")
    counts = n * probs
    alive = (res.final > 0).mean(axis=0)
    gs = g_sequence(generations)
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("constrained")
    ax_surv, ax_vocab = fig.subplots(1, 2)
    ax_surv.semilogx(counts, alive, ".", ms=3, color=PALETTE[0], label=f"MC, {REPLICAS} replicas")
    grid = np.geomspace(counts.min(), counts.max(), 200)
    ax_surv.semilogx(grid, _SURVIVAL(grid, gs[-1]), color=THEORY_COLOR, label=r"$1 - e^{-c\,g_k}$")
    ax_surv.xaxis.set_major_formatter(FormatStrFormatter("%g"))  # plain labels: mathtext ticks are slow to lay out
    ax_surv.xaxis.set_minor_formatter(NullFormatter())
    ax_surv.set(xlabel="expected count $c = n p_i$", ylabel="P(word alive)", ylim=(-0.02, 1.02),
                title=f"after k = {generations} generations")
    ax_surv.legend(fontsize=8, loc="upper left")

    ks = np.arange(generations + 1)
    expected = np.concatenate([[ALPHABET], _SURVIVAL(counts[None, :], gs[:, None]).sum(axis=1)])
    ax_vocab.plot(ks, res.support.mean(axis=1), "o", ms=3, color=PALETTE[0], label="MC mean vocabulary")
    ax_vocab.plot(ks, expected, color=THEORY_COLOR, label=r"$\sum_i 1 - e^{-n p_i g_k}$ (Cor. 1, lower)")
    ax_vocab.set(xlabel="generation $k$", ylabel="distinct words", title=f"n = {n}, a = {a:g}, b = {b:g}")
    ax_vocab.legend(fontsize=8)


def widget():
    """The live explorer: corpus size, Zipf–Mandelbrot parameters and generations."""
    return explorer(draw, CONTROLS, DEFAULTS)
