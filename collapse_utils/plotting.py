"""Figure helpers: one house style and the plots every chapter needs.

The palette is Okabe & Ito's colour-blind-safe set; theory is always drawn as a
solid dark line over Monte Carlo means with 95 % confidence bands, so readers
learn one visual grammar for the whole book.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .validation import check_array, check_prob_rows, check_real

__all__ = ["PALETTE", "THEORY_COLOR", "mc_band", "simplex_axes", "simplex_xy", "use_book_style"]

#: Okabe–Ito colour-blind-safe palette (without black, which is kept for theory).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
#: Colour of theoretical curves.
THEORY_COLOR = "#000000"


def use_book_style() -> None:
    """Set matplotlib defaults for the book: palette, sizes, light grid, tight layout."""
    mpl.rcParams.update(
        {
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "figure.figsize": (7.0, 3.6),
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "figure.constrained_layout.use": True,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 10,
            "legend.frameon": False,
        }
    )


def mc_band(
    ax: plt.Axes,
    x: np.ndarray,
    samples: np.ndarray,
    *,
    label: str | None = None,
    color: str | None = None,
    z: float = 1.96,
) -> None:
    """Plot the Monte Carlo mean of ``samples`` (shape ``(len(x), replicas)``) with a ``z``-standard-error band.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> mc_band(ax, np.arange(3), np.ones((3, 10)))
    >>> len(ax.lines), len(ax.collections)
    (1, 1)
    >>> plt.close(fig)
    """
    x = check_array(x, "x", ndim=1, min_size=0)
    samples = check_array(samples, "samples", shape=(x.size, None))
    z = check_real(z, "z", low=0.0)
    mean = samples.mean(axis=1)
    se = samples.std(axis=1, ddof=1) / np.sqrt(samples.shape[1]) if samples.shape[1] > 1 else np.zeros_like(mean)
    (line,) = ax.plot(x, mean, "o", ms=3, label=label, color=color)
    ax.fill_between(x, mean - z * se, mean + z * se, color=line.get_color(), alpha=0.25, lw=0)


def simplex_xy(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map points of the 2-simplex (last axis of length 3) to the plane of an equilateral triangle.

    Examples
    --------
    >>> x, y = simplex_xy([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    >>> x.tolist(), y.round(4).tolist()
    ([0.0, 0.5], [0.0, 0.866])
    """
    probs = check_prob_rows(probs, "probs")
    if probs.shape[-1] != 3:
        raise ValueError(f"probs must have 3 entries along its last axis, got shape {probs.shape}")
    x = probs[..., 1] + 0.5 * probs[..., 2]
    y = np.sqrt(3) / 2 * probs[..., 2]
    return x, y


def simplex_axes(ax: plt.Axes, labels: Sequence[str] = ("token 1", "token 2", "token 3")) -> None:
    """Draw the triangle of the 2-simplex on ``ax`` with its vertices labelled."""
    labels = tuple(labels)
    if len(labels) != 3 or not all(isinstance(t, str) for t in labels):
        raise ValueError(f"labels must be three strings, got {labels!r}")
    corners = np.array([[0, 0], [1, 0], [0.5, np.sqrt(3) / 2], [0, 0]])
    ax.plot(corners[:, 0], corners[:, 1], color="0.3", lw=1)
    for (cx, cy), text, (dx, dy) in zip(corners[:3], labels, [(-0.04, -0.06), (0.04, -0.06), (0, 0.04)]):
        ax.annotate(text, (cx + dx, cy + dy), ha="center", fontsize=9)
    ax.set_aspect("equal")
    ax.set_xlim(-0.12, 1.12)
    ax.set_ylim(-0.12, 0.98)
    ax.axis("off")
