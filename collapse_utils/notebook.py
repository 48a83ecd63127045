"""Small conveniences for the chapters when they run as notebooks.

:func:`glue` passes a number from code into the text of the book (myst-nb's
``glue``), converting NumPy scalars to plain Python numbers first: under
NumPy 2 their repr is ``np.float64(...)``, which the ``{glue:text}`` role cannot
format.  Outside a myst-nb build (Colab, a plain Jupyter) it does nothing, so
chapters run anywhere.

:func:`progress` wraps a long loop (over generations, over parameter values)
in a ``tqdm.auto`` progress bar when a person is watching a live notebook, and
is silent in book builds and tests (see its docstring).
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import numpy as np

from .validation import ArgumentTypeError, check_nonnegative_int

__all__ = ["glue", "progress", "progress_enabled", "setup"]

T = TypeVar("T")

#: Environment variable that switches progress bars on ("1") or off ("0").
PROGRESS_ENV = "COLLAPSE_PROGRESS"


def glue(name: str, value: Any, *, display: bool = False) -> Any:
    """Store ``value`` under ``name`` for ``{glue:text}`name:.3f``` and return it.

    NumPy scalars become Python ``int``/``float``; other objects (figures,
    strings, SymPy expressions) are passed through unchanged.  A NaN or
    infinite number is refused: a number in the text must be a real result.

    Examples
    --------
    >>> glue("ratio", np.float64(0.25))
    0.25
    """
    if not isinstance(name, str) or not name:
        raise ArgumentTypeError(f"name must be a non-empty string, got {name!r}")
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        raise ValueError(f"value glued as {name!r} must be finite, got {value!r}")
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
    """Apply the book's figure style; call once at the top of a chapter.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with mpl.rc_context():
    ...     setup()
    ...     mpl.rcParams["legend.frameon"]
    False
    """
    from .plotting import use_book_style

    use_book_style()


def progress_enabled() -> bool:
    """Whether :func:`progress` shows a bar.

    ``COLLAPSE_PROGRESS=1`` forces bars on and ``COLLAPSE_PROGRESS=0`` off.
    Otherwise a bar is shown only in a live Jupyter kernel that is not running
    under pytest.  The book's build sets ``COLLAPSE_PROGRESS=0`` (a bar saved
    into a static page would be a dead widget) and so do the tests.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"COLLAPSE_PROGRESS": "0"}):
    ...     progress_enabled()  # as in the book build and the tests
    False
    >>> with mock.patch.dict(os.environ, {"COLLAPSE_PROGRESS": "1"}):
    ...     progress_enabled()
    True
    """
    flag = os.environ.get(PROGRESS_ENV, "").strip()
    if flag in {"0", "1"}:
        return flag == "1"
    if "PYTEST_CURRENT_TEST" in os.environ:
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str | None = None) -> Iterator[T]:
    """Iterate over ``iterable``, with a ``tqdm.auto`` progress bar when :func:`progress_enabled`.

    Use it for loops that take more than a few seconds, e.g.
    ``for n in progress(sample_sizes, desc="n"): ...``.  Without a bar (or
    without ``tqdm`` installed) it is the plain iterable.

    Examples
    --------
    >>> list(progress(range(3)))
    [0, 1, 2]
    """
    if total is not None:
        total = check_nonnegative_int(total, "total")
    if not progress_enabled():
        return iter(iterable)
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return iter(iterable)
    return iter(tqdm(iterable, total=total, desc=desc, leave=False))
