"""One module per chapter widget.

Each module defines ``CONTROLS`` (compact control specs), ``DEFAULTS`` (their
initial values), ``draw(fig, **values)`` (simulate and draw onto a figure) and
``widget()`` (the live explorer).  :func:`available` lists them, so that the
benchmark and the tests cover every widget of the book without a notebook.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

__all__ = ["available", "load"]


def available() -> list[str]:
    """Names of all explorer modules, sorted."""
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))


def load(name: str) -> ModuleType:
    """Import the explorer module ``name`` (one of :func:`available`)."""
    if name not in available():
        raise ValueError(f"name must be one of {available()}, got {name!r}")
    return importlib.import_module(f"{__name__}.{name}")
