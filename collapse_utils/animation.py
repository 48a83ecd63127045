"""Precomputed frames that move on a static web page, with no kernel: one player for the whole book.

:func:`frame_player` shows PNG frames precomputed over a grid of one to three
controls, with HTML range inputs and selects (keyboard-accessible, labelled with
the control's name and value) and a few lines of script: it works on the
website, offline, and in any notebook, and fetches nothing.  Two things use it:

- :func:`scrubber`, a figure that evolves over generations, with play and step
  buttons;
- :func:`explorer_frames`, a chapter's explorer precomputed over its ``SITE``
  grid with the explorer's own ``draw`` (the live widget's code path).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

__all__ = ["FramePlayer", "explorer_frames", "frame_player", "scrubber"]


def scrubber(
    fig: Figure,
    update: Callable[[Any], Any],
    frames: Sequence[Any],
    *,
    alt: str,
    interval: int = 200,
    dpi: int = 80,
    loop: bool = False,
    label: str = "generation",
) -> FramePlayer:
    """Animate ``fig`` by calling ``update(frame)`` for each of ``frames`` and return a scrubbable player.

    The player is :func:`frame_player` with one slider and first / previous /
    play / next / last buttons: the same player as the explorers', so the book
    has one way of showing precomputed frames.

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
        Whether playing starts again after the last frame (default: play once).
    label : str
        Name of the slider (what the frames are).

    Returns
    -------
    FramePlayer
        Displays as the player in a notebook or a book page; ``.html`` is the markup.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> line, = fig.subplots().plot([0, 1], [0, 0])
    >>> player = scrubber(fig, lambda m: line.set_ydata([0, m]), [0, 1, 2], alt="a line that tilts")
    >>> player
    <explorer with 3 precomputed frames>
    """
    import io

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
    pngs = {}
    try:
        for k, frame in enumerate(frames):
            update(frame)
            out = io.BytesIO()
            fig.savefig(out, format="png", dpi=dpi)
            pngs[(k,)] = out.getvalue()
    finally:
        plt.close(fig)  # the player replaces the static figure
    return frame_player(pngs, {label: frames}, start=(0,), alt=alt, note="", play=True, interval=interval, loop=loop)


# -- Explorers on a static page: the same drawing code, precomputed over a grid of control values ----------

_PLAYER_STYLE = """<style>
.cu-player{margin:1em 0;font-size:0.9em}
.cu-player .cu-controls{display:flex;flex-wrap:wrap;gap:0.4em 1.6em;align-items:center;margin-bottom:0.4em}
.cu-player label{display:flex;gap:0.5em;align-items:center;white-space:nowrap}
.cu-player output{min-width:4ch;font-variant-numeric:tabular-nums;font-weight:600}
.cu-player input[type=range]{width:11em;accent-color:#0072B2}
.cu-player .cu-figure{overflow-x:auto}
.cu-player img{width:100%;height:auto;display:block}
.cu-player:not(.animation) img{min-width:620px}
.cu-player .cu-note{margin:0.3em 0 0;color:#555;font-size:0.92em}
.cu-player button{font:inherit;min-width:2.4em;padding:0.1em 0.4em;border:1px solid #bbb;border-radius:4px;background:#f6f6f6;cursor:pointer}
.cu-player button:focus-visible,.cu-player input:focus-visible,.cu-player select:focus-visible{outline:2px solid #0072B2;outline-offset:2px}
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
  var timer = null, first = inputs[0], play = root.querySelector("button[data-step='play']");
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    if (play) { play.textContent = "\u25b6"; play.setAttribute("aria-label", "Play"); }
  }
  function tick() {
    if (+first.value >= +first.max) { if (data.loop) { first.value = 0; } else { stop(); return; } }
    else { first.value = +first.value + 1; }
    show();
  }
  root.querySelectorAll("button[data-step]").forEach(function (b) {
    b.addEventListener("click", function () {
      var step = b.getAttribute("data-step"), v = +first.value, max = +first.max;
      if (step === "play") {
        if (timer) { stop(); return; }
        if (v >= max) { first.value = 0; show(); }
        timer = setInterval(tick, data.interval);
        b.textContent = "\u2759\u2759"; b.setAttribute("aria-label", "Pause");
        return;
      }
      stop();
      first.value = step === "first" ? 0 : step === "last" ? max : step === "prev" ? Math.max(0, v - 1) : Math.min(max, v + 1);
      show();
    });
  });
})();
</script>"""

#: The buttons of a playable player: (step, accessible name, symbol); symbols are in DejaVu Sans, no icon font.
_BUTTONS = (
    ("first", "First frame", "\u21e4"),
    ("prev", "Previous frame", "\u25c0\u2759"),
    ("play", "Play", "\u25b6"),
    ("next", "Next frame", "\u2759\u25b6"),
    ("last", "Last frame", "\u21e5"),
)


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
    play: bool = False,
    interval: int = 200,
    loop: bool = False,
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
        One line under the figure (what is precomputed, and what needs a live kernel); may be empty.
    play : bool
        Add first / previous / play / next / last buttons (an animation over one numeric control).
    interval : int
        Milliseconds between frames when playing.
    loop : bool
        Whether playing starts again at the first frame after the last.

    Examples
    --------
    >>> player = frame_player({(0,): b"png-0", (1,): b"png-1"}, {"m": [0, 1]}, start=(0,), alt="demo", note="")
    >>> player
    <explorer with 2 precomputed frames>
    >>> 'type="range"' in player._repr_html_()
    True
    """
    import base64
    import json
    import uuid

    if not grid:
        raise ValueError("grid must name at least one control")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the figure")
    if play and (len(grid) != 1 or all(isinstance(v, str) for v in next(iter(grid.values())))):
        raise ValueError("play needs a grid of exactly one numeric control")
    if interval <= 0:
        raise ValueError(f"interval must be positive, got {interval!r}")
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
    data = {"names": names, "labels": labels, "index": index, "frames": encoded, "alt": alt.strip(),
            "interval": int(interval), "loop": bool(loop)}

    controls = []
    for i, name in enumerate(names):
        cid = f"{uid}-{i}"
        values = list(grid[name])
        if all(isinstance(v, str) for v in values):
            options = "".join(f'<option value="{k}"{" selected" if k == start[i] else ""}>{html.escape(v)}</option>'
                              for k, v in enumerate(values))
            field = f'<select id="{cid}" data-control="{html.escape(name)}">{options}</select>'
        else:
            cls = ' class="anim-slider"' if play else ""
            field = (f'<input type="range"{cls} id="{cid}" data-control="{html.escape(name)}" min="0" '
                     f'max="{len(values) - 1}" step="1" value="{start[i]}" '
                     f'aria-valuetext="{html.escape(labels[i][start[i]])}">'
                     f'<output data-for="{cid}">{html.escape(labels[i][start[i]])}</output>')
        controls.append(f'<label for="{cid}"><span>{html.escape(name)}</span>{field}</label>')
    if play:
        controls.append("<span>" + "".join(f'<button type="button" data-step="{step}" aria-label="{label}" '
                                           f'title="{label}">{symbol}</button>' for step, label, symbol in _BUTTONS)
                        + "</span>")
    first = encoded[index[",".join(map(str, start))]]
    shown = ", ".join(f"{name} = {labels[i][start[i]]}" for i, name in enumerate(names))
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    markup = (
        f'{_PLAYER_STYLE}<div class="cu-player{" animation" if play else ""}" id="{uid}" '
        f'data-shown="{",".join(map(str, start))}">'
        f'<div class="cu-controls">{"".join(controls)}</div>'
        f'<div class="cu-figure"><img class="cu-frame" src="data:image/png;base64,{first}" '
        f'alt="{html.escape(alt.strip() + " Shown: " + shown + ".", quote=True)}"></div>'
        + (f'<p class="cu-note">{html.escape(note)}</p>' if note.strip() else "")
        + f'<script type="application/json">{payload}</script></div>'
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
    # The layout is fixed by the first draw: at the defaults, exactly as in the live widget.
    sketch = module.draw(new_figure(module.FIGSIZE, dpi=dpi), **defaults, seed=seed)
    frames = {}
    for idx in np.ndindex(*(len(v) for v in grid.values())):
        values = {**defaults, **{name: grid[name][k] for name, k in zip(grid, idx)}}
        module.draw(sketch, **values, seed=seed)
        frames[idx] = figure_png(sketch, compress_level=9)
    start = tuple(grid[name].index(defaults[name]) for name in grid)
    fixed = [f"{name} = {_format_value(v)}" for name, v in defaults.items() if name not in grid]
    moving = "; ".join(f"{name} \u2208 {{{', '.join(_format_value(v) for v in grid[name])}}}" for name in grid)
    note = (f"Precomputed on this page: {moving}" + (f"; fixed: {', '.join(fixed)}" if fixed else "")
            + ". Other values and the other controls need the live notebook (Binder or JupyterLab).")
    alt = (module.draw.__doc__ or module.__doc__ or module.__name__).strip().splitlines()[0]
    return frame_player(frames, grid, start=start, alt=alt, note=note)
