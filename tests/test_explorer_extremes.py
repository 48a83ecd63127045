"""Every explorer's ``draw`` at the extremes of every control: no exception, no warning, no NaN plotted.

One control at a time goes to its lowest and highest value (each choice of a dropdown, both states of a
checkbox) with the others at their defaults; the figure's lines must hold only finite data.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from collapse_utils import explorers


def _extremes(spec):
    if isinstance(spec, bool):
        return [False, True]
    if isinstance(spec, tuple) and len(spec) == 3 and all(isinstance(v, (int, float)) for v in spec):
        return [spec[0], spec[1]]
    if isinstance(spec, (list, tuple)):
        return list(spec)
    return []


CASES = [
    (name, control, value)
    for name in explorers.available()
    for control, spec in explorers.load(name).CONTROLS.items()
    for value in _extremes(spec)
]


@pytest.mark.parametrize("name, control, value", CASES, ids=[f"{n}-{c}={v}" for n, c, v in CASES])
def test_explorer_extreme(name, control, value):
    module = explorers.load(name)
    values = dict(module.DEFAULTS, **{control: value})
    fig = Figure(figsize=getattr(module, "FIGSIZE", (8.0, 3.4)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        module.draw(fig, **values)
        FigureCanvasAgg(fig).draw()
    for line in fig.findobj(Line2D):
        for data in line.get_data():
            arr = np.asarray(data, dtype=float)
            assert np.all(np.isfinite(arr)), f"{name}: {control}={value} plots NaN/inf in {line.get_label()!r}"
