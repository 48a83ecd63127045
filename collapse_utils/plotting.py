"""Figure helpers: one house style and the plots every chapter needs.

The palette is Okabe & Ito's colour-blind-safe set; theory is always drawn as a
solid dark line over Monte Carlo means with 95 % confidence bands, so readers
learn one visual grammar for the whole book.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from .validation import check_array, check_prob_rows, check_real

__all__ = ["PALETTE", "THEORY_COLOR", "Sketch", "as_sketch", "mc_band", "nice_ceiling", "sketched", "simplex_axes", "simplex_xy", "use_book_style"]

#: Okabe–Ito colour-blind-safe palette (without black, which is kept for theory).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
#: Colour of theoretical curves.
THEORY_COLOR = "#000000"


def use_book_style() -> None:
    """Set matplotlib defaults for the book: palette, sizes, light grid, tight layout.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with mpl.rc_context():
    ...     use_book_style()
    ...     mpl.rcParams["axes.spines.top"], mpl.rcParams["figure.figsize"]
    (False, [7.0, 3.6])
    """
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
    mean, se = _mean_and_se(samples)
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
    """Draw the triangle of the 2-simplex on ``ax`` with its vertices labelled.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> simplex_axes(ax, ["a", "b", "c"])
    >>> [t.get_text() for t in ax.texts]
    ['a', 'b', 'c']
    """
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


class Sketch:
    """Retained-mode drawing: a figure built once, whose artists later calls only update.

    An explorer's drawing code reads like ordinary matplotlib code, with one
    difference: every artist has a ``key``.  The first call with a key creates
    the artist; later calls with the same key set new data on it
    (``set_data``, ``set_offsets``, ``set_array``), which is an order of
    magnitude cheaper than clearing and re-creating axes, legends and mathtext.
    An artist whose key is not used during an update is hidden, so drawing
    code may branch on a control.  After the first update the layout is
    frozen, so moving a control never re-lays out the figure.

    Parameters
    ----------
    fig : Figure or SubFigure
        Where to draw.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> s = Sketch(Figure())
    >>> ax = s.subplots(1, 1)
    >>> for k in (1, 2):
    ...     s.begin()
    ...     line = s.plot(ax, "line", [0, 1], [0, k])
    ...     s.end()
    >>> len(ax.lines), [int(v) for v in line.get_ydata()]
    (1, [0, 2])
    """

    def __init__(self, fig: Figure | SubFigure) -> None:
        self.fig = fig
        self._axes: Any = None
        self._artists: dict[tuple[int, str], Any] = {}
        self._styles: dict[tuple[int, str], str] = {}
        self._used: set[tuple[int, str]] = set()
        self._legends: dict[int, tuple[Any, tuple[str, ...]]] = {}
        self._background: Any = None
        self._background_key: Any = None
        self.updates = 0

    # -- structure, created once ---------------------------------------------------------------
    def subplots(self, nrows: int = 1, ncols: int = 1, **kwargs: Any) -> Any:
        """``fig.subplots(...)`` on the first update; the same axes afterwards."""
        if self._axes is None:
            self._axes = self.fig.subplots(nrows, ncols, **kwargs)
        return self._axes

    @property
    def first(self) -> bool:
        """True during the first update (when static decorations are drawn)."""
        return self.updates == 0

    def begin(self) -> None:
        """Start an update: nothing is marked as used yet."""
        self._used = set()

    def end(self) -> None:
        """Finish an update: hide unused artists, rescale, refresh legends, freeze the layout."""
        for key, artist in self._artists.items():
            visible = key in self._used
            for a in artist if isinstance(artist, list) else [artist]:
                a.set_visible(visible)
        for ax in self.fig.axes:
            ax.relim(visible_only=True)
            ax.autoscale_view()
        for ax_id, (kwargs, _) in list(self._legends.items()):
            self._refresh_legend(ax_id, kwargs)
        engine = self.fig.get_layout_engine() if isinstance(self.fig, Figure) else None
        if self.updates == 0 and engine is not None:
            engine.execute(self.fig)  # lay out once ...
            self.fig.set_layout_engine("none")  # ... and keep that layout for every later update
        self.updates += 1

    # -- artists, updated in place -------------------------------------------------------------
    def _get(self, ax: Axes, key: str) -> Any:
        self._used.add((id(ax), key))
        return self._artists.get((id(ax), key))

    def _put(self, ax: Axes, key: str, artist: Any, style: dict | None = None) -> Any:
        for a in artist if isinstance(artist, list) else [artist]:
            a.set_animated(True)  # drawn over a cached background by render()
        self._artists[(id(ax), key)] = artist
        self._styles[(id(ax), key)] = repr(style)
        return artist

    def _restyle(self, ax: Axes, key: str, artist: Any, style: dict) -> None:
        """Apply ``style`` to an existing artist when it differs from the style it was last given."""
        if self._styles.get((id(ax), key)) != repr(style):
            for a in artist if isinstance(artist, list) else [artist]:
                a.set(**style)
            self._styles[(id(ax), key)] = repr(style)

    @staticmethod
    def _with_format(fmt: str, style: dict) -> dict:
        """``style`` with the line style, marker and colour of a format string like ``"o"`` or ``"--"``."""
        if not fmt:
            return style
        from matplotlib.axes._base import _process_plot_format

        linestyle, marker, color = _process_plot_format(fmt)
        parsed = {"linestyle": linestyle, "marker": marker}
        if color is not None:
            parsed["color"] = color
        return {**parsed, **style}

    # -- rendering: the static layer is drawn only when it changes -------------------------------
    def _static_key(self) -> tuple:
        """What the cached background depends on: limits, scales, texts and legends of every axes."""
        parts: list[Any] = [tuple(self.fig.get_size_inches()), self.fig.dpi]
        for ax in self.fig.axes:
            legend = ax.get_legend()
            parts.append((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_title(),
                          ax.get_xlabel(), ax.get_ylabel(), ax.get_visible(),
                          tuple(t.get_text() for t in legend.get_texts()) if legend else None))
        return tuple(parts)

    def render(self) -> np.ndarray:
        """Draw the figure with Agg and return its pixels (RGBA, shape ``(height, width, 4)``).

        The static layer (axes, ticks, labels, legends) is drawn only when one
        of them changed since the last render; otherwise the cached background
        is restored and only the data artists are drawn over it (blitting).
        """
        figure = self.fig.figure  # the root figure, also for a SubFigure
        canvas = figure.canvas
        key = self._static_key()
        if key != self._background_key or self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(figure.bbox)
            self._background_key = key
        else:
            canvas.restore_region(self._background)
        for artist in self._artists.values():
            for a in artist if isinstance(artist, list) else [artist]:
                if a.get_visible() and a.axes is not None:
                    a.axes.draw_artist(a)
        return np.asarray(canvas.buffer_rgba())

    def plot(self, ax: Axes, key: str, x: Any, y: Any, fmt: str = "", **style: Any) -> Any:
        """One line (``ax.plot(x, y, fmt, **style)``), updated with ``set_data``."""
        line = self._get(ax, key)
        style = self._with_format(fmt, style)
        if line is None:
            (line,) = ax.plot(x, y, **style)
            return self._put(ax, key, line, style)
        line.set_data(np.asarray(x), np.asarray(y))
        self._restyle(ax, key, line, style)
        return line

    def lines(self, ax: Axes, key: str, x: Any, ys: Any, **style: Any) -> list:
        """One line per column of ``ys`` (trajectories); re-created only when the number of columns changes."""
        ys = np.asarray(ys, dtype=float)
        ys = ys[:, None] if ys.ndim == 1 else ys
        lines = self._get(ax, key)
        if lines is None or len(lines) != ys.shape[1]:
            for line in lines or []:
                line.remove()
            return self._put(ax, key, list(ax.plot(x, ys, **style)), style)
        for line, y in zip(lines, ys.T):
            line.set_data(np.asarray(x), y)
        self._restyle(ax, key, lines, style)
        return lines

    def fill(self, ax: Axes, key: str, x: Any, lower: Any, upper: Any, **style: Any) -> Any:
        """A band between two curves (``ax.fill_between``), updated with ``set_data``."""
        band = self._get(ax, key)
        if band is None:
            return self._put(ax, key, ax.fill_between(x, lower, upper, **style), style)
        band.set_data(np.asarray(x), np.asarray(lower), np.asarray(upper))
        self._restyle(ax, key, band, style)
        return band

    def band(self, ax: Axes, key: str, x: Any, samples: Any, *, label: str | None = None,
             color: str | None = None, z: float = 1.96) -> Any:
        """Monte Carlo mean of ``samples`` (shape ``(len(x), replicas)``) as dots with a ``z``-standard-error band."""
        mean, se = _mean_and_se(samples)
        dots = self.plot(ax, key, x, mean, "o", ms=3, label=label, color=color)
        self.fill(ax, key + " band", x, mean - z * se, mean + z * se, color=dots.get_color(), alpha=0.25, lw=0)
        return dots

    def scatter(self, ax: Axes, key: str, x: Any, y: Any, **style: Any) -> Any:
        """Points (``ax.scatter``), updated with ``set_offsets``."""
        points = self._get(ax, key)
        if points is None:
            return self._put(ax, key, ax.scatter(x, y, **style), style)
        points.set_offsets(np.column_stack([np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()]))
        self._restyle(ax, key, points, {k: v for k, v in style.items() if k not in ("s", "c")})
        return points

    def bars(self, ax: Axes, key: str, x: Any, heights: Any, **style: Any) -> list:
        """Bars (``ax.bar``), updated with ``set_height``; re-created only when the number of bars changes."""
        heights = np.asarray(heights, dtype=float)
        bars = self._get(ax, key)
        if bars is None or len(bars) != heights.size:
            for bar in bars or []:
                bar.remove()
            return self._put(ax, key, list(ax.bar(x, heights, **style).patches), style)
        for bar, height in zip(bars, heights):
            bar.set_height(height)
        return bars

    def image(self, ax: Axes, key: str, values: Any, **style: Any) -> Any:
        """A heat map (``ax.imshow``), updated with ``set_data``; pass ``extent`` and ``vmin``/``vmax`` for fixed scales."""
        img = self._get(ax, key)
        if img is None:
            return self._put(ax, key, ax.imshow(values, **style), style)
        img.set_data(values)
        if "extent" in style:
            img.set_extent(style["extent"])
        return img

    def text(self, ax: Axes, key: str, x: float, y: float, s: str, **style: Any) -> Any:
        """A text label (``ax.text``), updated with ``set_text`` and ``set_position``."""
        label = self._get(ax, key)
        if label is None:
            return self._put(ax, key, ax.text(x, y, s, **style), style)
        label.set_text(s)
        label.set_position((x, y))
        self._restyle(ax, key, label, style)
        return label

    def legend(self, ax: Axes, **kwargs: Any) -> None:
        """A legend of the visible labelled artists, rebuilt only when that set of labels changes."""
        self._legends.setdefault(id(ax), (kwargs, ()))

    def _refresh_legend(self, ax_id: int, kwargs: dict) -> None:
        ax = next(a for a in self.fig.axes if id(a) == ax_id)
        handles, labels = ax.get_legend_handles_labels()
        shown = [(h, lab) for h, lab in zip(handles, labels) if _is_visible(h)]
        names = tuple(lab for _, lab in shown)
        if names != self._legends[ax_id][1] or ax.get_legend() is None:
            ax.legend([h for h, _ in shown], list(names), **kwargs)
            self._legends[ax_id] = (kwargs, names)


def _is_visible(handle: Any) -> bool:
    """Visibility of a legend handle: an artist, or a container (bars) of artists."""
    if hasattr(handle, "get_visible"):
        return bool(handle.get_visible())
    return any(_is_visible(child) for child in handle) if len(handle) else False


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``value`` (a stable axis limit).

    Explorers use it for limits that depend on noisy data, so that small changes
    keep the same limit and the figure's static layer need not be redrawn.

    Examples
    --------
    >>> [nice_ceiling(v) for v in (0.7, 1.3, 2.2, 4.1, 7.0, 12.0)]
    [1.0, 2.0, 2.5, 5.0, 10.0, 20.0]
    """
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"value must be positive and finite, got {value!r}")
    power = 10.0 ** np.floor(np.log10(value))
    return float(next(power * f for f in (1, 2, 2.5, 5, 10) if power * f >= value * (1 - 1e-12)))


def _mean_and_se(samples: Any) -> tuple[np.ndarray, np.ndarray]:
    """Row means of ``samples`` and their standard errors (zero with a single replica)."""
    samples = np.asarray(samples, dtype=float)
    mean = samples.mean(axis=1)
    if samples.shape[1] < 2:
        return mean, np.zeros_like(mean)
    return mean, samples.std(axis=1, ddof=1) / np.sqrt(samples.shape[1])


def as_sketch(target: Figure | SubFigure | Sketch) -> Sketch:
    """The :class:`Sketch` of ``target``: itself, or a new one drawing on a figure.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> sketch = as_sketch(Figure())
    >>> as_sketch(sketch) is sketch
    True
    """
    return target if isinstance(target, Sketch) else Sketch(target)


def sketched(body: Any) -> Any:
    """Turn ``body(sketch, **values)`` into an explorer's ``draw(target, **values) -> Sketch``.

    ``target`` is a figure (a new sketch is made on it) or the :class:`Sketch`
    of an earlier call, whose artists are then updated in place.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> @sketched
    ... def draw(s, *, slope):
    ...     ax = s.subplots(1, 1)
    ...     s.plot(ax, "line", [0, 1], [0, slope])
    >>> sketch = draw(Figure(), slope=1.0)
    >>> draw(sketch, slope=2.0) is sketch  # a second call updates the same artists
    True
    """
    import functools

    @functools.wraps(body)
    def draw(target: Figure | SubFigure | Sketch, **values: Any) -> Sketch:
        sketch = as_sketch(target)
        sketch.begin()
        body(sketch, **values)
        sketch.end()
        return sketch

    return draw
