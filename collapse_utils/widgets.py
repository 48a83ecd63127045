"""Turn a drawing function into a live widget in a few lines.

A chapter's explorer is a pure function ``draw(fig, **values)`` that simulates
and draws onto a cleared figure.  :func:`explorer` wraps it with sliders that
redraw while they move; :func:`time_update` measures one update the way the
benchmark reports it.  Drawing functions live in :mod:`collapse_utils.explorers`
so that tests and benchmarks can call them without a notebook.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Mapping
from typing import Any

import matplotlib.pyplot as plt

__all__ = ["explorer", "make_control", "time_update"]

Draw = Callable[..., None]


def make_control(name: str, spec: Any, value: Any):
    """Build an ipywidgets control from a compact ``spec``.

    ``(lo, hi, step)`` of ints gives an ``IntSlider``, of floats a ``FloatSlider``;
    a list or tuple of strings gives a ``Dropdown``; a ``bool`` a ``Checkbox``.
    Sliders update continuously, so the figure follows the slider.
    """
    import ipywidgets as w

    if isinstance(spec, tuple) and len(spec) == 3 and all(isinstance(v, (int, float)) for v in spec):
        cls = w.IntSlider if all(isinstance(v, int) for v in spec) else w.FloatSlider
        return cls(value=value, min=spec[0], max=spec[1], step=spec[2], description=name, continuous_update=True)
    if isinstance(spec, (list, tuple)) and all(isinstance(v, str) for v in spec):
        return w.Dropdown(options=list(spec), value=value, description=name)
    if isinstance(spec, bool):
        return w.Checkbox(value=value, description=name)
    raise ValueError(f"spec for control {name!r} must be (lo, hi, step), a list of strings or a bool, got {spec!r}")


def explorer(draw: Draw, controls: Mapping[str, Any], defaults: Mapping[str, Any], *, figsize=(8.0, 3.4)):
    """Return a widget that redraws ``draw(fig, **values)`` whenever a control moves.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws onto an empty figure.
    controls : mapping
        Control specs by name (see :func:`make_control`).
    defaults : mapping
        Initial value of every control.
    figsize : tuple
        Figure size in inches.
    """
    import ipywidgets as w
    from IPython.display import display

    missing = set(controls) - set(defaults)
    if missing:
        raise ValueError(f"defaults is missing values for controls {sorted(missing)}")
    boxes = {name: make_control(name, spec, defaults[name]) for name, spec in controls.items()}
    out = w.Output()

    def update(**values: Any) -> None:
        with out:
            out.clear_output(wait=True)
            fig = plt.figure(figsize=figsize)
            draw(fig, **values)
            display(fig)
            plt.close(fig)

    w.interactive_output(update, boxes)
    return w.VBox([w.HBox(list(boxes.values()), layout=w.Layout(flex_flow="row wrap")), out])


def time_update(draw: Draw, values: Mapping[str, Any], *, repeats: int = 5, figsize=(8.0, 3.4)) -> float:
    """Return the best wall time (seconds) of one widget update: simulate, draw and render to PNG."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fig = plt.figure(figsize=figsize)
        draw(fig, **values)
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
        best = min(best, time.perf_counter() - start)
    return best
