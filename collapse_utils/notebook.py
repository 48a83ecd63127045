"""Small conveniences for the chapters when they run as notebooks.

:func:`glue` passes a number from code into the text of the book (myst-nb's
``glue``), converting NumPy scalars to plain Python numbers first: under
NumPy 2 their repr is ``np.float64(...)``, which the ``{glue:text}`` role cannot
format.  Outside a myst-nb build (Colab, a plain Jupyter) it does nothing, so
chapters run anywhere.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["glue", "setup"]


def glue(name: str, value: Any, *, display: bool = False) -> Any:
    """Store ``value`` under ``name`` for ``{glue:text}`name:.3f``` and return it.

    NumPy scalars become Python ``int``/``float``; other objects (figures,
    strings, SymPy expressions) are passed through unchanged.
    """
    if isinstance(value, np.generic):
        value = value.item()
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = int(value)
    try:
        from myst_nb import glue as _glue
    except ImportError:  # not in a book build: nothing to paste into
        return value
    _glue(name, value, display=display)
    return value


def setup() -> None:
    """Apply the book's figure style; call once at the top of a chapter."""
    from .plotting import use_book_style

    use_book_style()
