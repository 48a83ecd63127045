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

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure

__all__ = ["Scrubber", "scrubber"]

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
