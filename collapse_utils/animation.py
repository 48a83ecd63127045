"""Scrubbable animations that work on a static web page, with no kernel.

A figure that evolves over generations is best read by scrubbing through it.
:func:`scrubber` draws one frame per generation with matplotlib and returns the
frames as a self-contained HTML player (matplotlib's ``to_jshtml``): a slider
and play / step buttons, all in the page, so the animation works on the
website, offline, and in any notebook.

matplotlib's player loads its button icons from a CDN; :func:`scrubber`
replaces them with plain text symbols so that nothing is fetched from the
network, and it gives the frame image an ``alt`` text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure

__all__ = ["FramePlayer", "Scrubber", "explorer_frames", "frame_player", "scrubber"]

#: Text symbols replacing matplotlib's Font Awesome icons (no web font needed; all in DejaVu Sans).
_ICONS = {
    "fa fa-minus": "\u2212",
    "fa fa-fast-backward": "\u21e4",
    "fa fa-step-backward": "\u25c0\u2759",
    "fa fa-play fa-flip-horizontal": "\u25c0",
    "fa fa-pause": "\u2759\u2759",
    "fa fa-play": "\u25b6",
    "fa fa-step-forward": "\u2759\u25b6",
    "fa fa-fast-forward": "\u21e5",
    "fa fa-plus": "+",
}


class Scrubber:
    """HTML of a scrubbable animation; notebooks and the book display it as ``text/html``.

    Attributes
    ----------
    html : str
        The self-contained player (frames embedded as base64 PNG).
    n_frames : int
        Number of frames.
    """

    def __init__(self, html_text: str, n_frames: int) -> None:
        self.html = html_text
        self.n_frames = n_frames

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # plain-text fallback (terminal, text-only front ends)
        return f"<scrubbable animation with {self.n_frames} frames>"


def _offline(player: str, alt: str) -> str:
    """Remove the CDN stylesheet, replace icon fonts by text and add ``alt`` to the frame image."""
    player = re.sub(r'<link rel="stylesheet"\s*href="[^"]*font-awesome[^"]*">', "", player)
    for cls, symbol in _ICONS.items():
        player = player.replace(f'<i class="{cls}"></i>', f'<span aria-hidden="true">{symbol}</span>')
    return player.replace("<img id=", f'<img alt="{html.escape(alt, quote=True)}" id=', 1)


def scrubber(
    fig: Figure,
    update: Callable[[Any], Any],
    frames: Sequence[Any],
    *,
    alt: str,
    interval: int = 200,
    dpi: int = 80,
    loop: bool = False,
) -> Scrubber:
    """Animate ``fig`` by calling ``update(frame)`` for each of ``frames`` and return a scrubbable player.

    Parameters
    ----------
    fig : Figure
        The figure, drawn once for the first frame; ``update`` changes its artists.
    update : callable
        ``update(frame)`` redraws the figure for one element of ``frames``.
    frames : sequence
        The frame values (e.g. generations ``m``); keep it short (at most about 60),
        since every frame is embedded in the page as a PNG.
    alt : str
        Alternative text of the animation for screen readers.
    interval : int
        Milliseconds between frames when playing.
    dpi : int
        Resolution of the embedded frames.
    loop : bool
        Whether the player starts in loop mode (default: play once).

    Returns
    -------
    Scrubber
        Displays as the player in a notebook or a book page; ``.html`` is the markup.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("frames must not be empty")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the animation")
    if interval <= 0:
        raise ValueError(f"interval must be positive, got {interval!r}")
    if fig.get_layout_engine() is not None:  # lay the figure out once, not once per frame (much faster)
        fig.canvas.draw()
        fig.set_layout_engine("none")
    anim = FuncAnimation(fig, update, frames=frames, interval=interval, blit=False)
    try:
        with plt.rc_context({"savefig.dpi": dpi}):
            player = anim.to_jshtml(default_mode="loop" if loop else "once")
    finally:
        plt.close(fig)  # the player replaces the static figure
    return Scrubber(_offline(player, alt), len(frames))


# -- Explorers on a static page: the same drawing code, precomputed over a grid of control values ----------

_PLAYER_STYLE = """<style>
.cu-player{margin:1em 0;font-size:0.9em}
.cu-player .cu-controls{display:flex;flex-wrap:wrap;gap:0.4em 1.6em;align-items:center;margin-bottom:0.4em}
.cu-player label{display:flex;gap:0.5em;align-items:center;white-space:nowrap}
.cu-player output{min-width:4ch;font-variant-numeric:tabular-nums;font-weight:600}
.cu-player input[type=range]{width:11em;accent-color:#0072B2}
.cu-player img{width:100%;height:auto;display:block}
.cu-player .cu-note{margin:0.3em 0 0;color:#555;font-size:0.92em}
</style>"""

_PLAYER_SCRIPT = """<script>
(function () {
  var root = document.getElementById("%(uid)s");
  var data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  var img = root.querySelector("img.cu-frame");
  var inputs = root.querySelectorAll("[data-control]");
  function show() {
    var key = [], words = [];
    inputs.forEach(function (el, i) {
      var k = parseInt(el.value, 10), label = data.labels[i][k];
      key.push(k);
      words.push(data.names[i] + " = " + label);
      var out = root.querySelector("output[data-for='" + el.id + "']");
      if (out) { out.textContent = label; }
      if (el.type === "range") { el.setAttribute("aria-valuetext", label); }
    });
    var frame = data.frames[data.index[key.join(",")]];
    img.src = "data:image/png;base64," + frame;
    img.alt = data.alt + " Shown: " + words.join(", ") + ".";
    root.setAttribute("data-shown", key.join(","));
  }
  inputs.forEach(function (el) { el.addEventListener("input", show); el.addEventListener("change", show); });
})();
</script>"""


class FramePlayer:
    """HTML of an explorer precomputed over a grid of control values; displays as ``text/html``.

    Attributes
    ----------
    html : str
        The self-contained player (controls, frames as base64 PNG, a few lines of script).
    n_frames : int
        Number of grid points (distinct images may be fewer: identical frames are stored once).
    """

    def __init__(self, html_text: str, n_frames: int) -> None:
        self.html = html_text
        self.n_frames = n_frames

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<explorer with {self.n_frames} precomputed frames>"


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def frame_player(
    frames: dict[tuple[int, ...], bytes],
    grid: dict[str, Sequence[Any]],
    *,
    start: tuple[int, ...],
    alt: str,
    note: str,
) -> FramePlayer:
    """A player that switches between precomputed PNG frames with HTML range inputs and selects.

    Parameters
    ----------
    frames : dict
        PNG bytes by grid index (one index per control in ``grid``, in order).
    grid : dict
        The values each moving control takes: numbers give a range input, strings a select.
    start : tuple of int
        The grid index shown first.
    alt : str
        Description of the figure for screen readers; the shown values are appended.
    note : str
        One line under the figure (what is precomputed, and what needs a live kernel).
    """
    import base64
    import json
    import uuid

    if not grid:
        raise ValueError("grid must name at least one control")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the figure")
    names = list(grid)
    shape = tuple(len(grid[name]) for name in names)
    if len(start) != len(names) or any(not 0 <= k < size for k, size in zip(start, shape)):
        raise ValueError(f"start must be a grid index of shape {shape}, got {start!r}")
    missing = [idx for idx in np.ndindex(*shape) if idx not in frames]
    if missing:
        raise ValueError(f"frames is missing grid indices, e.g. {missing[0]}")
    uid = f"cu-player-{uuid.uuid4().hex[:10]}"
    unique: dict[bytes, int] = {}
    index = {",".join(map(str, idx)): unique.setdefault(png, len(unique)) for idx, png in frames.items()}
    encoded = [base64.b64encode(png).decode("ascii") for png in unique]
    labels = [[_format_value(v) for v in grid[name]] for name in names]
    data = {"names": names, "labels": labels, "index": index, "frames": encoded, "alt": alt.strip()}

    controls = []
    for i, name in enumerate(names):
        cid = f"{uid}-{i}"
        values = list(grid[name])
        if all(isinstance(v, str) for v in values):
            options = "".join(f'<option value="{k}"{" selected" if k == start[i] else ""}>{html.escape(v)}</option>'
                              for k, v in enumerate(values))
            field = f'<select id="{cid}" data-control="{html.escape(name)}">{options}</select>'
        else:
            field = (f'<input type="range" id="{cid}" data-control="{html.escape(name)}" min="0" '
                     f'max="{len(values) - 1}" step="1" value="{start[i]}" '
                     f'aria-valuetext="{html.escape(labels[i][start[i]])}">'
                     f'<output data-for="{cid}">{html.escape(labels[i][start[i]])}</output>')
        controls.append(f'<label for="{cid}"><span>{html.escape(name)}</span>{field}</label>')
    first = encoded[index[",".join(map(str, start))]]
    shown = ", ".join(f"{name} = {labels[i][start[i]]}" for i, name in enumerate(names))
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    markup = (
        f'{_PLAYER_STYLE}<div class="cu-player" id="{uid}" data-shown="{",".join(map(str, start))}">'
        f'<div class="cu-controls">{"".join(controls)}</div>'
        f'<img class="cu-frame" src="data:image/png;base64,{first}" '
        f'alt="{html.escape(alt.strip() + " Shown: " + shown + ".", quote=True)}">'
        f'<p class="cu-note">{html.escape(note)}</p>'
        f'<script type="application/json">{payload}</script></div>'
        + _PLAYER_SCRIPT % {"uid": uid}
    )
    return FramePlayer(markup, int(np.prod(shape)))


def explorer_frames(module: Any, *, seed: int = 0, dpi: int = 80) -> FramePlayer:
    """Precompute an explorer over its ``SITE`` grid with its own ``draw`` and return the player.

    Every frame is drawn by updating the artists of one figure (the live
    widget's code path), rendered at ``dpi`` and stored as a compressed PNG.
    The controls outside ``SITE`` stay at their ``DEFAULTS``; the player's note
    says so.
    """
    from .widgets import figure_png, new_figure

    grid = {name: list(values) for name, values in module.SITE.items()}
    unknown = set(grid) - set(module.CONTROLS)
    if unknown or not 1 <= len(grid) <= 3:
        raise ValueError(f"SITE of {module.__name__} must name 1 to 3 of its CONTROLS, got {sorted(grid)}")
    defaults = dict(module.DEFAULTS)
    for name, values in grid.items():
        if defaults[name] not in values:
            raise ValueError(f"SITE[{name!r}] of {module.__name__} must contain the default {defaults[name]!r}")
    fig = new_figure(module.FIGSIZE, dpi=dpi)
    sketch = None
    frames = {}
    for idx in np.ndindex(*(len(v) for v in grid.values())):
        values = {**defaults, **{name: grid[name][k] for name, k in zip(grid, idx)}}
        sketch = module.draw(fig if sketch is None else sketch, **values, seed=seed)
        frames[idx] = figure_png(sketch, compress_level=9)
    start = tuple(grid[name].index(defaults[name]) for name in grid)
    fixed = [f"{name} = {_format_value(v)}" for name, v in defaults.items() if name not in grid]
    moving = "; ".join(f"{name} \u2208 {{{', '.join(_format_value(v) for v in grid[name])}}}" for name in grid)
    note = (f"Precomputed on this page: {moving}" + (f"; fixed: {', '.join(fixed)}" if fixed else "")
            + ". Other values and the other controls need the live notebook (Binder or JupyterLab).")
    alt = (module.draw.__doc__ or module.__doc__ or module.__name__).strip().splitlines()[0]
    return frame_player(frames, grid, start=start, alt=alt, note=note)
