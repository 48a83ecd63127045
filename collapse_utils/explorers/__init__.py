"""One module per chapter widget.

Each module defines ``CONTROLS`` (compact control specs), ``DEFAULTS`` (their
initial values), ``SITE`` (the one to three controls that move on the website,
with their precomputed values), ``FIGSIZE`` and ``draw(target, **values)``
(simulate and draw with a :class:`~collapse_utils.plotting.Sketch`, so that a
second call only updates the data of existing artists).
:func:`collapse_utils.widgets.explore` shows one live in a kernel and as
precomputed frames on the website.  :func:`available` lists them, so that the
benchmarks and the tests cover every explorer of the book without a notebook.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

__all__ = ["available", "load"]


def available() -> list[str]:
    """Names of all explorer modules, sorted.

    Examples
    --------
    >>> "gaussian" in available(), len(available()) >= 15
    (True, True)
    """
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))


def load(name: str) -> ModuleType:
    """Import the explorer module ``name`` (one of :func:`available`).

    Examples
    --------
    >>> load("gaussian").__name__
    'collapse_utils.explorers.gaussian'
    """
    if name not in available():
        raise ValueError(f"name must be one of {available()}, got {name!r}")
    return importlib.import_module(f"{__name__}.{name}")
