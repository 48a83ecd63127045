"""Explorers that follow the slider: one drawing function, live in a kernel, precomputed on the website.

A chapter's explorer is a module of :mod:`collapse_utils.explorers` with

- ``CONTROLS``: compact control specs (see :func:`make_control`),
- ``DEFAULTS``: their initial values,
- ``SITE``: the one to three controls that move on the website, with their precomputed values,
- ``FIGSIZE``: the figure size in inches,
- ``draw(target, **values)``: simulate and draw, written with :class:`~collapse_utils.plotting.Sketch`
  so that a second call on the same sketch only updates the data of existing artists.

:func:`explore` shows it: in a live kernel as a :class:`LiveExplorer` (ipywidgets
controls over an ``ipywidgets.Image``), in the book's build as a
:func:`~collapse_utils.animation.frame_player` over frames drawn by the same
``draw`` (the build sets ``COLLAPSE_BOOK_BUILD=1``), so the website and the
notebook can never disagree.

A live update never queues: the controls' callbacks only record the newest
values, and one worker thread draws whatever is newest when it is free, so a
drag ends on its last value after at most one update.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .plotting import Sketch

__all__ = ["BUILD_ENV", "LiveExplorer", "explore", "figure_png", "make_control", "new_figure", "time_update"]

#: Environment variable set by the book's build: :func:`explore` then shows precomputed frames.
BUILD_ENV = "COLLAPSE_BOOK_BUILD"
#: Resolution of the live figure (pixels per inch).
LIVE_DPI = 100


def make_control(name: str, spec: Any, value: Any):
    """Build an ipywidgets control from a compact ``spec``.

    ``(lo, hi, step)`` of ints gives an ``IntSlider``, of floats a ``FloatSlider``;
    a list or tuple of strings gives a ``Dropdown``; a ``bool`` a ``Checkbox``.
    Sliders report every position while they move (the explorer coalesces them).

    Examples
    --------
    >>> make_control("n", (2, 50, 1), 10).__class__.__name__
    'IntSlider'
    >>> make_control("scheme", ["replace", "accumulate"], "replace").options
    ('replace', 'accumulate')
    """
    import ipywidgets as w

    if isinstance(spec, tuple) and len(spec) == 3 and all(isinstance(v, (int, float)) for v in spec):
        cls = w.IntSlider if all(isinstance(v, int) for v in spec) else w.FloatSlider
        return cls(value=value, min=spec[0], max=spec[1], step=spec[2], description=name, continuous_update=True,
                   style={"description_width": "initial"})
    if isinstance(spec, (list, tuple)) and all(isinstance(v, str) for v in spec):
        return w.Dropdown(options=list(spec), value=value, description=name, style={"description_width": "initial"})
    if isinstance(spec, bool):
        return w.Checkbox(value=value, description=name)
    raise ValueError(f"spec for control {name!r} must be (lo, hi, step), a list of strings or a bool, got {spec!r}")


def new_figure(figsize: tuple[float, float], dpi: float = LIVE_DPI) -> Figure:
    """A figure outside pyplot (never shown twice, never leaked), laid out once by its first draw.

    Examples
    --------
    >>> fig = new_figure((4.0, 3.0), dpi=50)
    >>> fig.canvas.get_width_height()
    (200, 150)
    """
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_png(sketch: Sketch, *, compress_level: int = 1) -> bytes:
    """Render a sketch's figure with Agg and encode it as PNG (``compress_level`` 1: fast; 9: small).

    Examples
    --------
    >>> from collapse_utils.plotting import as_sketch
    >>> sketch = as_sketch(new_figure((2.0, 1.0), dpi=50))
    >>> figure_png(sketch)[1:4]  # a PNG file
    b'PNG'
    """
    from PIL import Image

    rgba = sketch.render()
    out = io.BytesIO()
    Image.fromarray(rgba[..., :3]).save(out, format="PNG", compress_level=compress_level)
    return out.getvalue()


def _check_explorer(module: ModuleType) -> None:
    for attr in ("CONTROLS", "DEFAULTS", "SITE", "FIGSIZE", "draw"):
        if not hasattr(module, attr):
            raise ValueError(f"module {module.__name__} is not an explorer: it has no {attr}")
    missing = set(module.CONTROLS) - set(module.DEFAULTS)
    if missing:
        raise ValueError(f"DEFAULTS of {module.__name__} is missing values for controls {sorted(missing)}")


class LiveExplorer:
    """The live widget of an explorer module: controls, the figure as an image, and a status line.

    Parameters
    ----------
    module : module
        An explorer (see the module docstring).
    seed : int
        Seed of every simulation the explorer runs.

    Attributes
    ----------
    shown : dict
        The control values of the figure now on screen.
    kernel_ms : float
        Time of the last update in the kernel (simulate, draw, encode), in milliseconds.
    """

    def __init__(self, module: ModuleType, *, seed: int = 0) -> None:
        import ipywidgets as w

        _check_explorer(module)
        self.module, self.seed = module, seed
        self.fig = new_figure(module.FIGSIZE)
        self.sketch = Sketch(self.fig)
        self.controls = {name: make_control(name, spec, module.DEFAULTS[name]) for name, spec in module.CONTROLS.items()}
        width = int(module.FIGSIZE[0] * LIVE_DPI)
        self.image = w.Image(format="png", layout=w.Layout(width="100%", max_width=f"{width}px"))
        self.status = w.HTML()
        self.shown: dict[str, Any] = {}
        self.kernel_ms = float("nan")
        self._wanted: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._pending = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self.render(self.values())
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self._worker = threading.Thread(target=self._work, name=f"explorer-{module.__name__}", daemon=True)
        self._worker.start()
        self.widget = w.VBox([w.HBox(list(self.controls.values()), layout=w.Layout(flex_flow="row wrap")),
                              self.image, self.status])

    def values(self) -> dict[str, Any]:
        """The controls' current values."""
        return {name: control.value for name, control in self.controls.items()}

    def render(self, values: Mapping[str, Any]) -> None:
        """Simulate and draw ``values`` now, and put the new image on screen."""
        start = time.perf_counter()
        try:
            self.module.draw(self.sketch, **values, seed=self.seed)
            png = figure_png(self.sketch)
        except Exception as exc:  # show the reader what went wrong, keep the last good figure
            self.status.value = f'<span style="color:#D55E00">Could not draw: {type(exc).__name__}: {exc}</span>'
            self.shown = dict(values)
            return
        self.kernel_ms = 1000 * (time.perf_counter() - start)
        self.image.value = png
        self.shown = dict(values)
        replicas = getattr(self.module, "REPLICAS", None)
        size = f"{replicas} simulated replicas · " if replicas else ""
        self.status.value = (f'<small class="explorer-status" data-kernel-ms="{self.kernel_ms:.1f}">'
                             f"{size}updated in {self.kernel_ms:.0f} ms</small>")

    def _on_change(self, _change: Any) -> None:
        with self._lock:
            self._wanted = self.values()
            self._idle.clear()
            self._pending.set()

    def _work(self) -> None:
        while True:
            self._pending.wait()
            with self._lock:
                values, self._wanted = self._wanted, None
                self._pending.clear()
            if values is not None:
                self.render(values)
            with self._lock:
                if self._wanted is None:
                    self._idle.set()

    def wait(self, timeout: float = 30.0) -> bool:
        """Block until every requested update is on screen (for tests); False on time-out."""
        return self._idle.wait(timeout)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def explore(module: ModuleType | str, *, seed: int = 0) -> Any:
    """Show an explorer: live controls in a kernel, precomputed frames in the book's build.

    Parameters
    ----------
    module : module or str
        An explorer module, or its name in :mod:`collapse_utils.explorers`.
    seed : int
        Seed of the simulations.

    Returns
    -------
    LiveExplorer or FramePlayer
        Displays itself when it is the last value of a cell.
    """
    if isinstance(module, str):
        from .explorers import load

        module = load(module)
    _check_explorer(module)
    if os.environ.get(BUILD_ENV) == "1":
        from .animation import explorer_frames

        return explorer_frames(module, seed=seed)
    return LiveExplorer(module, seed=seed)


def time_update(module: ModuleType, values: Mapping[str, Any] | None = None, *, repeats: int = 5) -> float:
    """Best wall time (seconds) of one live update at ``values``, on the same path as :class:`LiveExplorer`.

    The figure is built once (first update, not timed); each timed update
    simulates, sets new data on the existing artists, renders with Agg and
    encodes the PNG that the widget sends, exactly as a slider move does.
    """
    _check_explorer(module)
    values = dict(module.DEFAULTS if values is None else values)
    fig = new_figure(module.FIGSIZE)
    sketch = module.draw(fig, **values)
    figure_png(sketch)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        module.draw(sketch, **values)
        figure_png(sketch)
        best = min(best, time.perf_counter() - start)
    return best

