"""Every chapter's explorer: it updates what it draws, survives the ends of its controls, and the
website's precomputed frames are exactly what the live widget draws.

The explorers are discovered with :func:`collapse_utils.explorers.available`, so a new chapter's
explorer is covered by adding its module.
"""

from __future__ import annotations

import base64
import io
import json
import re
import types
import warnings

import numpy as np
import pytest
from matplotlib.collections import Collection
from matplotlib.lines import Line2D
from PIL import Image

from collapse_utils import explorers
from collapse_utils.animation import explorer_frames, frame_player
from collapse_utils.plotting import Sketch, use_book_style
from collapse_utils.widgets import BUILD_ENV, LiveExplorer, explore, figure_png, new_figure

NAMES = explorers.available()


@pytest.fixture(autouse=True)
def _book_style():
    use_book_style()


def _drawn(sketch: Sketch) -> list[np.ndarray]:
    """The data of every visible artist of the sketch (lines, points, bands, images)."""
    data = []
    for ax in sketch.fig.axes:
        for artist in ax.get_children():
            if not artist.get_visible():
                continue
            if isinstance(artist, Line2D):
                data.append(np.asarray(artist.get_xydata(), dtype=float))
            elif isinstance(artist, Collection):
                data.extend(np.asarray(p.vertices, dtype=float) for p in artist.get_paths())
                offsets = artist.get_offsets()
                if len(offsets):
                    data.append(np.asarray(offsets, dtype=float))
            elif hasattr(artist, "get_array") and artist.get_array() is not None and hasattr(artist, "get_extent"):
                data.append(np.asarray(artist.get_array(), dtype=float))
    return data


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _other_value(module, name):
    """A value of control ``name`` different from its default (from SITE when the site moves it)."""
    default = module.DEFAULTS[name]
    candidates = list(module.SITE.get(name, []))
    spec = module.CONTROLS[name]
    if isinstance(spec, tuple) and len(spec) == 3 and not all(isinstance(v, str) for v in spec):
        candidates += [spec[0], spec[1]]
    elif isinstance(spec, (list, tuple)):
        candidates += list(spec)
    return next(v for v in candidates if v != default)


def _extremes():
    cases = []
    for name in NAMES:
        module = explorers.load(name)
        for control, spec in module.CONTROLS.items():
            if isinstance(spec, tuple) and len(spec) == 3 and not all(isinstance(v, str) for v in spec):
                values = [spec[0], spec[1]]
            else:
                values = [v for v in spec if v != module.DEFAULTS[control]]
            cases += [pytest.param(name, control, v, id=f"{name}-{control}={v}") for v in values]
    return cases


@pytest.mark.parametrize("name", NAMES)
def test_explorer_declares_its_controls_and_site_grid(name):
    module = explorers.load(name)
    assert set(module.DEFAULTS) == set(module.CONTROLS), "every control has a default and nothing else"
    assert 1 <= len(module.SITE) <= 3, "one to three controls move on the website"
    frames = int(np.prod([len(v) for v in module.SITE.values()]))
    assert frames <= 60, f"{frames} frames is too many for one page"
    for control, values in module.SITE.items():
        assert control in module.CONTROLS
        assert module.DEFAULTS[control] in values, "the site starts at the live widget's default"
        assert len(set(values)) == len(values) >= 2


@pytest.mark.parametrize("name", NAMES)
def test_an_update_changes_the_drawn_data(name):
    """Moving the first site control redraws new data on the same artists (no new figure, no stale curve)."""
    module = explorers.load(name)
    fig = new_figure(module.FIGSIZE)
    sketch = module.draw(fig, **module.DEFAULTS)
    axes_before = list(fig.axes)
    before = _drawn(sketch)
    control = next(iter(module.SITE))
    sketch = module.draw(sketch, **{**module.DEFAULTS, control: _other_value(module, control)})
    after = _drawn(sketch)
    assert list(fig.axes) == axes_before, "an update must not re-create the axes"
    changed = len(before) != len(after) or any(
        a.shape != b.shape or not np.allclose(a, b, equal_nan=True) for a, b in zip(before, after)
    )
    assert changed, f"moving {control} changed nothing that is drawn"


@pytest.mark.parametrize(("name", "control", "value"), _extremes())
def test_extreme_control_values_draw_finite_data_without_warnings(name, control, value):
    module = explorers.load(name)
    fig = new_figure(module.FIGSIZE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sketch = module.draw(fig, **{**module.DEFAULTS, control: value})
        figure_png(sketch)
    for line in (a for ax in fig.axes for a in ax.lines if a.get_visible()):
        y = np.asarray(line.get_ydata(), dtype=float)
        assert np.all(np.isfinite(y)), f"{name}: {line.get_label()!r} has NaN/inf at {control}={value}"


@pytest.mark.parametrize("name", NAMES)
def test_a_blitted_update_draws_exactly_what_a_full_redraw_draws(name):
    """The fast path (cached static layer, data artists redrawn over it) is pixel-identical to a full redraw."""
    module = explorers.load(name)
    control = next(iter(module.SITE))
    sketch = module.draw(new_figure(module.FIGSIZE), **module.DEFAULTS)
    figure_png(sketch)
    module.draw(sketch, **{**module.DEFAULTS, control: _other_value(module, control)})
    fast = _pixels(figure_png(sketch))
    sketch._background = None  # force the full redraw
    np.testing.assert_array_equal(fast, _pixels(figure_png(sketch)))


def _live_png(module, values, dpi=100):
    """What the live widget shows after moving from the defaults to ``values``."""
    sketch = module.draw(new_figure(module.FIGSIZE, dpi=dpi), **module.DEFAULTS)
    figure_png(sketch)
    module.draw(sketch, **values)
    return figure_png(sketch)


def _player_frames(html: str) -> tuple[dict, list[np.ndarray]]:
    payload = re.search(r'<script type="application/json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(payload.replace("<\\/", "</"))
    return data, [_pixels(base64.b64decode(f)) for f in data["frames"]]


def test_site_frames_are_the_live_widgets_drawing():
    """A precomputed frame equals the live explorer's figure for the same values (same code, same pixels)."""
    module = explorers.load("fully_synthetic")
    player = explorer_frames(module, dpi=80)
    data, frames = _player_frames(player.html)
    grid = module.SITE
    assert player.n_frames == np.prod([len(v) for v in grid.values()])
    for idx in [(0, 0), (len(grid["n"]) - 1, len(grid["zipf"]) - 1)]:
        values = {**module.DEFAULTS, **{name: grid[name][k] for name, k in zip(grid, idx)}}
        live = _live_png(module, values, dpi=80)
        np.testing.assert_array_equal(frames[data["index"][",".join(map(str, idx))]], _pixels(live))
    assert "vocabulary = 100" in player.html and "generations = 100" in player.html, "fixed controls are stated"
    assert "live notebook" in player.html


def _toy_explorer():
    module = types.ModuleType("toy")
    module.CONTROLS = {"slope": (0, 3, 1), "style": ["solid", "dashed"]}
    module.DEFAULTS = {"slope": 1, "style": "solid"}
    module.SITE = {"slope": [0, 1, 2, 3], "style": ["solid", "dashed"]}
    module.FIGSIZE = (3.0, 2.0)

    def body(s, *, slope, style, seed=0):
        """A line whose slope and style move."""
        (ax,) = [s.subplots(1, 1)]
        s.plot(ax, "line", [0, 1], [0, slope], "-" if style == "solid" else "--")
        ax.set(ylim=(0, 3))

    from collapse_utils.plotting import sketched

    module.draw = sketched(body)
    return module


def test_frame_player_controls_and_frames():
    player = explorer_frames(_toy_explorer())
    html = player.html
    data, frames = _player_frames(html)
    assert player.n_frames == 8 and len(frames) == 8
    assert re.search(r'<input type="range"[^>]*data-control="slope"[^>]*min="0" max="3"[^>]*value="1"', html)
    assert '<select id="' in html and "<option value=\"1\">dashed</option>" in html
    assert 'aria-valuetext="1"' in html and "<label for=" in html, "controls are labelled for screen readers"
    assert "http" not in html.replace("http://www.w3.org", ""), "nothing is fetched from another host"
    assert data["labels"] == [["0", "1", "2", "3"], ["solid", "dashed"]]
    assert len({f.tobytes() for f in frames}) == 8, "every grid point shows a different figure"


def test_frame_player_stores_identical_frames_once():
    png = figure_png(_toy_explorer().draw(new_figure((2, 2)), slope=1, style="solid"))
    player = frame_player({(0,): png, (1,): png}, {"a": [1, 2]}, start=(0,), alt="same", note="n")
    data, frames = _player_frames(player.html)
    assert len(frames) == 1 and data["index"] == {"0": 0, "1": 0}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"grid": {}}, "grid"),
        ({"alt": " "}, "alt"),
        ({"start": (5,)}, "start"),
        ({"frames": {}}, "frames"),
    ],
)
def test_frame_player_rejects_bad_input(kwargs, match):
    args = {"frames": {(0,): b"x", (1,): b"y"}, "grid": {"a": [1, 2]}, "start": (0,), "alt": "a", "note": "n"}
    with pytest.raises(ValueError, match=match):
        frame_player(**{**args, **kwargs})


def test_explore_shows_frames_in_the_book_build_and_a_live_widget_elsewhere(monkeypatch):
    toy = _toy_explorer()
    monkeypatch.setenv(BUILD_ENV, "1")
    assert "cu-player" in explore(toy)._repr_html_()
    monkeypatch.delenv(BUILD_ENV)
    live = explore(toy)
    assert isinstance(live, LiveExplorer) and live.shown == toy.DEFAULTS
    with pytest.raises(ValueError, match="name"):
        explore("no_such_explorer")


def test_a_drag_ends_showing_its_last_value():
    """A burst of slider moves never queues work: the widget settles on the last value, drawn correctly."""
    module = explorers.load("fully_synthetic")
    live = LiveExplorer(module)
    for n in range(5, 400, 15):  # 27 moves, far faster than updates
        live.controls["n"].value = n
    assert live.wait(60), "the explorer did not settle"
    assert live.shown["n"] == live.controls["n"].value == 395
    np.testing.assert_array_equal(_pixels(live.image.value), _pixels(_live_png(module, {**module.DEFAULTS, "n": 395})))
    assert "replicas" in live.status.value and "data-kernel-ms" in live.status.value


def test_live_explorer_reports_a_failed_draw_and_keeps_going():
    toy = _toy_explorer()
    calls = []

    def body(s, *, slope, style, seed=0):
        calls.append(slope)
        if slope == 3:
            raise RuntimeError("boom")
        s.plot(s.subplots(1, 1), "line", [0, 1], [0, slope])

    from collapse_utils.plotting import sketched

    toy.draw = sketched(body)
    live = LiveExplorer(toy)
    live.controls["slope"].value = 3
    assert live.wait(10)
    assert "boom" in live.status.value
    live.controls["slope"].value = 2
    assert live.wait(10)
    assert live.shown["slope"] == 2 and "boom" not in live.status.value


@pytest.mark.parametrize(("value", "expected"), [(0.03, 0.05), (1.0, 1.0), (1.01, 2.0), (2.2, 2.5), (7, 10), (120, 200)])
def test_nice_ceiling(value, expected):
    from collapse_utils.plotting import nice_ceiling

    assert nice_ceiling(value) == pytest.approx(expected)


def test_nice_ceiling_rejects_non_positive_values():
    from collapse_utils.plotting import nice_ceiling

    with pytest.raises(ValueError, match="value"):
        nice_ceiling(0.0)
