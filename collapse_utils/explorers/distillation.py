"""Widget of the chapter *Synthetic data for distillation*: plain versus diverse inversion."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import distillation as dist
from ..plotting import PALETTE
from ..widgets import explorer

CONTROLS = {"budget": (10, 200, 10), "diversity": (0.0, 6.0, 0.5), "steps": (0, 150, 10)}
DEFAULTS = {"budget": 60, "diversity": 3.0, "steps": 60}
_TEACHER = dist.default_teacher()
_GRID = dist.grid_points(50)
_TEACHER_CLASS = _TEACHER.probs(_GRID).argmax(1)


def draw(fig: Figure, *, budget: int, diversity: float, steps: int, seed: int = 0) -> None:
    """Synthesise ``budget`` inputs, train a student, and draw both decision maps and the points."""
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("constrained")
    axes = fig.subplots(1, 2, sharex=True, sharey=True)
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(PALETTE[:_TEACHER.classes])
    for ax, div, title in zip(axes, [0.0, diversity], ["plain inversion", f"diversity weight {diversity:g}"]):
        x, y = dist.invert(_TEACHER, budget, diversity=div, steps=steps, seed=seed)
        student = dist.train_student(x, _TEACHER.probs(x), iterations=300)
        pred = student.probs(_GRID).argmax(1)
        ax.imshow(pred.reshape(50, 50), origin="lower", extent=(-3, 3, -3, 3), cmap=cmap, alpha=0.35,
                  vmin=0, vmax=_TEACHER.classes - 1)
        ax.contour(np.linspace(-3, 3, 50), np.linspace(-3, 3, 50), _TEACHER_CLASS.reshape(50, 50),
                   levels=np.arange(_TEACHER.classes) + 0.5, colors="k", linewidths=0.8)
        ax.scatter(x[:, 0], x[:, 1], c=[PALETTE[k] for k in y], s=10, edgecolors="k", linewidths=0.3)
        agree = float(np.mean(pred == _TEACHER_CLASS))
        ax.set_title(f"{title}: agreement {agree:.3f}", fontsize=9)
        ax.set_xlabel("$x_1$")
    axes[0].set_ylabel("$x_2$")


def widget():
    """The live explorer: synthetic budget, diversity weight and inversion steps."""
    return explorer(draw, CONTROLS, DEFAULTS)
