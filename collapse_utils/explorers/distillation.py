"""Explorer of the chapter *Synthetic data for distillation*: plain versus diverse inversion."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.colors import ListedColormap

from .. import distillation as dist
from ..plotting import PALETTE, Sketch, sketched

__all__ = ["CONTROLS", "DEFAULTS", "FIGSIZE", "SITE", "draw"]

CONTROLS = {"budget": (10, 200, 10), "diversity": (0.0, 6.0, 0.5), "steps": (0, 150, 10)}
DEFAULTS = {"budget": 60, "diversity": 3.0, "steps": 60}
#: The controls that move on the website, and their precomputed values.
SITE = {"budget": [20, 40, 60, 120, 200], "diversity": [0.0, 1.0, 3.0, 6.0]}
FIGSIZE = (8.0, 4.0)
_TEACHER = dist.default_teacher()
_GRID = dist.grid_points(50)
_TEACHER_CLASS = _TEACHER.probs(_GRID).argmax(1)


@lru_cache(maxsize=128)
def _distil(budget: int, diversity: float, steps: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic inputs, their classes and the student's predictions on the grid (remembered across updates)."""
    x, y = dist.invert(_TEACHER, budget, diversity=diversity, steps=steps, seed=seed)
    student = dist.train_student(x, _TEACHER.probs(x), iterations=300)
    return x, y, student.probs(_GRID).argmax(1)


@sketched
def draw(s: Sketch, *, budget: int, diversity: float, steps: int, seed: int = 0) -> None:
    """Synthesise ``budget`` inputs, train a student, and draw both decision maps and the points."""
    axes = s.subplots(1, 2, sharex=True, sharey=True)
    cmap = ListedColormap(PALETTE[:_TEACHER.classes])
    for ax, div, name in zip(axes, [0.0, diversity], ["plain", "diverse"]):
        x, y, pred = _distil(budget, div, steps, seed)
        s.image(ax, "student", pred.reshape(50, 50), origin="lower", extent=(-3, 3, -3, 3), cmap=cmap, alpha=0.35,
                vmin=0, vmax=_TEACHER.classes - 1)
        points = s.scatter(ax, "inputs", x[:, 0], x[:, 1], c=[PALETTE[k] for k in y], s=10, edgecolors="k",
                           linewidths=0.3)
        points.set_facecolor([PALETTE[k] for k in y])
        agree = float(np.mean(pred == _TEACHER_CLASS))
        label = "plain inversion" if name == "plain" else f"diversity weight {diversity:g}"
        s.text(ax, "agreement", 0.5, 1.02, f"{label}: agreement {agree:.3f}", transform=ax.transAxes,
               ha="center", va="bottom", fontsize=9)
        if s.first:
            ax.contour(np.linspace(-3, 3, 50), np.linspace(-3, 3, 50), _TEACHER_CLASS.reshape(50, 50),
                       levels=np.arange(_TEACHER.classes) + 0.5, colors="k", linewidths=0.8)
            ax.set(xlabel="$x_1$", xlim=(-3, 3), ylim=(-3, 3))
    if s.first:
        axes[0].set_ylabel("$x_2$")
