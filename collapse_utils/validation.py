"""Argument checks shared by every public function.

Every public function of :mod:`collapse_utils` validates its input here, so that
bad input fails early with a :class:`ValueError` (or :class:`TypeError` for an
argument of the wrong kind of object) whose message names the argument and the
rule, instead of silently producing nonsense or failing deep inside NumPy::

    ValueError: ddof must be < n (got ddof=9, n=10)

There is one helper per kind of check: numbers (:func:`check_real`,
:func:`check_int` and their shorthands), choices, arrays (:func:`check_array`),
probability vectors (:func:`check_probs`, :func:`check_prob_rows`), token ids
(:func:`check_token_ids`), random generators, arguments a setting ignores
(:func:`check_unused`), and the resource guards :func:`check_memory` and
:func:`check_work` with their user-raisable limits :data:`MEMORY_LIMIT_BYTES`
and :data:`WORK_LIMIT` (see :func:`limits`).

Examples
--------
>>> from collapse_utils.validation import check_int, check_probs
>>> check_int(3, "n", low=1)
3
>>> check_probs([0.25, 0.75]).tolist()
[0.25, 0.75]
>>> check_int(0, "n", low=1)
Traceback (most recent call last):
...
ValueError: n must be >= 1 (got n=0)
"""

from __future__ import annotations

import contextlib
import numbers
import operator
from collections.abc import Iterable, Iterator

import numpy as np

__all__ = [
    "ArgumentTypeError",
    "MEMORY_LIMIT_BYTES",
    "PROB_ATOL",
    "WORK_LIMIT",
    "as_generator",
    "check_array",
    "check_bool",
    "check_choice",
    "check_finite_result",
    "check_fraction",
    "check_generator",
    "check_int",
    "check_memory",
    "check_nonnegative_int",
    "check_positive_float",
    "check_positive_int",
    "check_prob_rows",
    "check_probs",
    "check_real",
    "check_token_ids",
    "check_weights",
    "check_unused",
    "check_work",
    "limits",
]

#: Tolerance on ``sum(p) == 1`` for probability vectors.
PROB_ATOL = 1e-9

#: Largest allocation (bytes) a function may make before it refuses with a ``MemoryError``-free
#: ``ValueError``; raise it with ``collapse_utils.validation.MEMORY_LIMIT_BYTES = ...`` or :func:`limits`.
MEMORY_LIMIT_BYTES: int = 2 * 2**30

#: Largest amount of work (elementary array operations, about 1-10 ns each) a function may start;
#: the default, 2e10, is of the order of a minute.  Raise it like :data:`MEMORY_LIMIT_BYTES`.
WORK_LIMIT: float = 2e10


class ArgumentTypeError(ValueError, TypeError):
    """An argument of the wrong kind (a string or a bool where a number goes, a float where a count goes).

    It is a :class:`TypeError`, and also a :class:`ValueError` so that one ``except ValueError``
    catches every bad argument (as NumPy's ``AxisError`` is both a ``ValueError`` and an ``IndexError``).
    """


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# ------------------------------------------------------------------------------------------ numbers
def check_real(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` within the stated bounds, else raise.

    Parameters
    ----------
    value : object
        Candidate number: a Python or NumPy real (not a ``bool``, a string or a complex number).
    name : str
        Argument name used in error messages.
    low, high : float, optional
        Bounds; ``low_open`` / ``high_open`` make them strict.

    Returns
    -------
    float

    Raises
    ------
    ArgumentTypeError
        If ``value`` is not a real number (a ``TypeError`` and a ``ValueError``).
    ValueError
        If it is not finite or lies outside the bounds.

    Examples
    --------
    >>> check_real(0.5, "lam", low=0, high=1)
    0.5
    >>> check_real("1", "lam")
    Traceback (most recent call last):
    ...
    collapse_utils.validation.ArgumentTypeError: lam must be a real number, got '1' (str)
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(f"{name} must be a real number, got {_show(value)} ({type(value).__name__})")
    out = float(value)
    if not np.isfinite(out):
        raise ValueError(f"{name} must be finite (got {name}={value!r})")
    if low is not None and (out <= low if low_open else out < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g} (got {name}={value!r})")
    if high is not None and (out >= high if high_open else out > high):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high:g} (got {name}={value!r})")
    return out


def check_int(value: object, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` within ``[low, high]``, else raise.

    Parameters
    ----------
    value : object
        Candidate integer (Python or NumPy integer; not a ``bool``, a float or a string).
    name : str
        Argument name used in error messages.
    low, high : int, optional
        Inclusive bounds.

    Returns
    -------
    int

    Examples
    --------
    >>> check_int(np.int64(4), "n", low=1)
    4
    >>> check_int(2.5, "n")
    Traceback (most recent call last):
    ...
    collapse_utils.validation.ArgumentTypeError: n must be an integer, got 2.5 (float)
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"{name} must be an integer, got {_show(value)} ({type(value).__name__})")
    out = operator.index(value)
    if low is not None and out < low:
        raise ValueError(f"{name} must be >= {low} (got {name}={out})")
    if high is not None and out > high:
        raise ValueError(f"{name} must be <= {high} (got {name}={out})")
    return out


def check_positive_int(value: object, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= 1 (see :func:`check_int`).

    Examples
    --------
    >>> check_positive_int(5, "replicas")
    5
    """
    return check_int(value, name, low=1)


def check_nonnegative_int(value: object, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= 0 (see :func:`check_int`).

    Examples
    --------
    >>> check_nonnegative_int(0, "t")
    0
    """
    return check_int(value, name, low=0)


def check_positive_float(value: object, name: str) -> float:
    """Return ``value`` as a finite ``float`` > 0 and not subnormal (below ``2.2e-308``).

    Examples
    --------
    >>> check_positive_float(0.3, "h")
    0.3
    >>> check_positive_float(1e-320, "h")
    Traceback (most recent call last):
    ...
    ValueError: h must be >= 2.22507e-308 (a normal positive float) (got h=1e-320)
    """
    out = check_real(value, name, low=0.0, low_open=True)
    if out < np.finfo(np.float64).tiny:
        raise ValueError(
            f"{name} must be >= {np.finfo(np.float64).tiny:g} (a normal positive float) (got {name}={value!r})"
        )
    return out


def check_fraction(value: object, name: str) -> float:
    """Return ``value`` as a ``float`` in ``[0, 1]`` (see :func:`check_real`).

    Examples
    --------
    >>> check_fraction(1, "real_fraction")
    1.0
    """
    return check_real(value, name, low=0.0, high=1.0)


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is a ``bool`` (Python or NumPy), else raise ``TypeError``.

    Examples
    --------
    >>> check_bool(True, "ise")
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, got {_show(value)} ({type(value).__name__})")
    return bool(value)


def check_choice(value: object, name: str, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError`` listing them.

    Examples
    --------
    >>> check_choice("stats", "record", ("all", "stats"))
    'stats'
    """
    options = tuple(choices)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {_show(value)}")
    return value


def check_unused(value: object, name: str, default: object, reason: str) -> None:
    """Refuse an argument that the chosen setting ignores, when it was set to something else than its default.

    Examples
    --------
    >>> check_unused(0, "n_real", 0, "scheme='fully-synthetic' uses no real data")
    >>> check_unused(5, "n_real", 0, "scheme='fully-synthetic' uses no real data")
    Traceback (most recent call last):
    ...
    ValueError: n_real is not used: scheme='fully-synthetic' uses no real data (got n_real=5)
    """
    same = value is default or (type(value) is type(default) and value == default)
    if not same:
        raise ValueError(f"{name} is not used: {reason} (got {name}={_show(value)})")


# ------------------------------------------------------------------------------------------ arrays
def check_array(
    value: object,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape: tuple[int | None, ...] | None = None,
    min_size: int = 1,
    finite: bool = True,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
) -> np.ndarray:
    """Return ``value`` as a float64 (or int64 if ``integer``) array after checking it.

    Parameters
    ----------
    value : array_like
        Real numbers (no strings, booleans, complex numbers or ragged lists).
    name : str
        Argument name used in error messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    shape : tuple of int or None, optional
        Required shape; ``None`` entries are free.
    min_size : int
        Smallest number of elements.
    finite : bool
        Refuse NaN and infinities.
    low, high : float, optional
        Inclusive bounds on every element.
    integer : bool
        Require an integer dtype (an empty float array is allowed) and return int64.

    Returns
    -------
    ndarray
        ``value`` itself when it already is such an array (no copy), else a new array.

    Examples
    --------
    >>> check_array([[1, 2]], "x", ndim=2).shape
    (1, 2)
    >>> check_array([1.0, np.nan], "x")
    Traceback (most recent call last):
    ...
    ValueError: x must contain only finite numbers (got 1 NaN/inf of 2)
    """
    if isinstance(value, (str, bytes)):
        raise ArgumentTypeError(f"{name} must be an array of numbers, got a string")
    try:
        raw = np.asarray(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a rectangular array of numbers: {exc}") from None
    if raw.dtype.kind not in "iuf":
        raise ArgumentTypeError(f"{name} must hold real numbers, got dtype {raw.dtype} (kind {raw.dtype.kind!r})")
    if integer:
        if raw.dtype.kind == "f" and raw.size:
            raise ArgumentTypeError(f"{name} must hold integers, got dtype {raw.dtype}")
        arr = raw.astype(np.int64, copy=False)
    else:
        arr = raw.astype(np.float64, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(w is not None and w != g for w, g in zip(shape, arr.shape)):
            want = "(" + ", ".join("*" if w is None else str(w) for w in shape) + ")"
            raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s), got shape {arr.shape}")
    if finite and arr.dtype.kind == "f":
        bad = ~np.isfinite(arr)
        if bad.any():
            raise ValueError(f"{name} must contain only finite numbers (got {int(bad.sum())} NaN/inf of {arr.size})")
    if low is not None and arr.size and arr.min() < low:
        raise ValueError(f"{name} must be >= {low:g} everywhere (smallest entry {arr.min():g})")
    if high is not None and arr.size and arr.max() > high:
        raise ValueError(f"{name} must be <= {high:g} everywhere (largest entry {arr.max():g})")
    return arr


def check_probs(p: object, name: str = "p0") -> np.ndarray:
    """Validate a probability vector and return it as a new float64 array.

    Parameters
    ----------
    p : array_like, shape (s,)
        Candidate probabilities over a vocabulary of ``s >= 1`` tokens.
    name : str
        Argument name used in error messages.

    Returns
    -------
    ndarray, shape (s,)

    Raises
    ------
    ValueError
        If ``p`` is not one-dimensional, is empty, contains a negative or
        non-finite entry, or does not sum to one within :data:`PROB_ATOL`.

    Examples
    --------
    >>> check_probs([0.5, 0.4], "q")
    Traceback (most recent call last):
    ...
    ValueError: q must sum to 1 (within 1e-09), sums to 0.9
    """
    try:
        arr = check_array(p, name, min_size=0, finite=False)
    except ArgumentTypeError as exc:
        raise ValueError(f"{name} must be a 1-D array of probabilities: {exc}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    return _check_simplex(arr, name)


def check_prob_rows(p: object, name: str = "probs", *, ndim: int | None = None) -> np.ndarray:
    """Validate probability vectors along the last axis (any leading shape, or exactly ``ndim`` dimensions).

    Examples
    --------
    >>> check_prob_rows([[0.2, 0.8], [1.0, 0.0]]).shape
    (2, 2)
    >>> check_prob_rows([[0.2, 0.2, 0.2]])
    Traceback (most recent call last):
    ...
    ValueError: probs must sum to 1 along the last axis (within 1e-09); row 0 sums to 0.6000000000000001
    """
    try:
        arr = check_array(p, name, ndim=ndim, min_size=0, finite=False)
    except ArgumentTypeError as exc:
        raise ValueError(f"{name} must be an array of probabilities: {exc}") from None
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(f"{name} must have a non-empty last axis of probabilities, got shape {arr.shape}")
    return _check_simplex(arr, name)


def check_weights(p: object, name: str = "probs", *, ndim: int | None = None) -> np.ndarray:
    """Validate non-negative finite weights along the last axis (any leading shape, or exactly ``ndim`` dimensions),
    every row with a positive total.

    For scale-invariant maps (tempering, normalising) that need no exact simplex.

    Examples
    --------
    >>> check_weights([[0.2, 0.2, 0.2]]).shape
    (1, 3)
    >>> check_weights([[0.0, 0.0]])
    Traceback (most recent call last):
    ...
    ValueError: probs must have a positive total along the last axis; row 0 sums to 0
    """
    try:
        arr = check_array(p, name, ndim=ndim, min_size=0, finite=False)
    except ArgumentTypeError as exc:
        raise ValueError(f"{name} must be an array of weights: {exc}") from None
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(f"{name} must have a non-empty last axis, got shape {arr.shape}")
    totals = _row_totals(arr, name)
    if np.any(totals <= 0):
        where = ", ".join(map(str, np.argwhere(np.atleast_1d(totals) <= 0)[0]))
        raise ValueError(f"{name} must have a positive total along the last axis; row {where} sums to 0")
    return arr


def _row_totals(arr: np.ndarray, name: str) -> np.ndarray:
    """Totals along the last axis of an array that must be finite and non-negative, else raise.

    Two passes: a NaN or an infinity makes its row's total non-finite, and the smallest entry shows a negative one.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        totals = arr.sum(axis=-1)
    if not np.all(np.isfinite(totals)):
        raise ValueError(f"{name} must contain only finite values")
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must be non-negative; smallest entry is {arr.min():g}")
    return totals


def _check_simplex(arr: np.ndarray, name: str) -> np.ndarray:
    totals = _row_totals(arr, name)
    off = np.abs(totals - 1.0) > PROB_ATOL
    if arr.ndim == 1 and off:
        raise ValueError(f"{name} must sum to 1 (within {PROB_ATOL:g}), sums to {float(totals)!r}")
    if np.any(off):
        first = np.argwhere(off)[0]
        where = ", ".join(map(str, first))
        raise ValueError(
            f"{name} must sum to 1 along the last axis (within {PROB_ATOL:g}); row {where} sums to {float(totals[tuple(first)])!r}"
        )
    return arr


def check_token_ids(ids: object, name: str, vocab_size: int, *, ndim: int | tuple[int, ...] = 1, min_size: int = 1) -> np.ndarray:
    """Return ``ids`` as an int64 array of token ids in ``0 .. vocab_size - 1``, else raise.

    Examples
    --------
    >>> check_token_ids([0, 2, 1], "ids", 3).tolist()
    [0, 2, 1]
    >>> check_token_ids([0, 3], "ids", 3)
    Traceback (most recent call last):
    ...
    ValueError: ids must hold token ids in 0..2 (vocab_size=3), got 3
    """
    arr = np.asarray(ids) if not isinstance(ids, (str, bytes)) else None
    if arr is None or arr.dtype.kind not in "iu":
        kind = "a string" if arr is None else f"dtype {arr.dtype}"
        raise ArgumentTypeError(f"{name} must be an array of integer token ids, got {kind}")
    arr = check_array(arr, name, ndim=ndim, min_size=min_size, integer=True)
    if arr.size and (arr.min() < 0 or arr.max() >= vocab_size):
        bad = arr.min() if arr.min() < 0 else arr.max()
        raise ValueError(f"{name} must hold token ids in 0..{vocab_size - 1} (vocab_size={vocab_size}), got {bad}")
    return arr


def as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``seed``.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        An integer seed, an existing generator (returned unchanged, so that
        callers can share one stream), or ``None`` for fresh OS entropy.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> int(as_generator(0).integers(10)) == int(as_generator(0).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, (bool, np.bool_)):
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        return np.random.default_rng(int(seed))
    raise ValueError(f"seed must be an int, a numpy.random.Generator or None, got {_show(seed)}")


def check_generator(rng: object, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` if it is a :class:`numpy.random.Generator`, else raise ``TypeError``.

    Examples
    --------
    >>> check_generator(np.random.default_rng(0)) is not None
    True
    """
    if not isinstance(rng, np.random.Generator):
        raise ArgumentTypeError(f"{name} must be a numpy.random.Generator (e.g. numpy.random.default_rng(seed)), got {type(rng).__name__}")
    return rng


# ------------------------------------------------------------------------------------------ resources
def check_memory(nbytes: float, what: str, hint: str) -> None:
    """Refuse an allocation of about ``nbytes`` bytes above :data:`MEMORY_LIMIT_BYTES`.

    Parameters
    ----------
    nbytes : float
        Estimated size of the largest allocation (or of their sum).
    what : str
        The arguments that make it large, e.g. ``"generations=1000000 x replicas=1000 x s=10"``.
    hint : str
        How to make it smaller, e.g. ``'use record="stats" or fewer replicas'``.

    Examples
    --------
    >>> check_memory(8 * 10**6, "n=10**6", "use a smaller n")
    >>> with limits(memory_bytes=2**20):
    ...     check_memory(8 * 2**20, "n=2**20", "use a smaller n")
    Traceback (most recent call last):
    ...
    ValueError: n=2**20 needs about 8 MiB, above the limit of 1 MiB (collapse_utils.validation.MEMORY_LIMIT_BYTES); use a smaller n, or raise the limit
    """
    limit = MEMORY_LIMIT_BYTES
    if nbytes > limit:
        raise ValueError(
            f"{what} needs about {_bytes(nbytes)}, above the limit of {_bytes(limit)} "
            f"(collapse_utils.validation.MEMORY_LIMIT_BYTES); {hint}, or raise the limit"
        )


def check_work(ops: float, what: str, hint: str) -> None:
    """Refuse a computation of about ``ops`` elementary operations above :data:`WORK_LIMIT`.

    Examples
    --------
    >>> check_work(1e6, "n=1000", "use a smaller n")
    """
    limit = WORK_LIMIT
    if ops > limit:
        raise ValueError(
            f"{what} needs about {ops:.2g} operations, above the limit of {limit:.2g} "
            f"(collapse_utils.validation.WORK_LIMIT, about a minute); {hint}, or raise the limit"
        )


def check_finite_result(value: np.ndarray, what: str, reason: str) -> np.ndarray:
    """Refuse to return a result with NaN or infinities; ``reason`` says where the arithmetic broke down.

    Examples
    --------
    >>> check_finite_result(np.array([1.0, np.inf]), "sigma", "it overflows float64 when ddof is close to n")
    Traceback (most recent call last):
    ...
    ValueError: sigma is not finite (1 of 2 entries): it overflows float64 when ddof is close to n
    """
    bad = ~np.isfinite(value)
    if bad.any():
        raise ValueError(f"{what} is not finite ({int(bad.sum())} of {bad.size} entries): {reason}")
    return value


def _bytes(n: float) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"


@contextlib.contextmanager
def limits(*, memory_bytes: float | None = None, work: float | None = None) -> Iterator[None]:
    """Temporarily change :data:`MEMORY_LIMIT_BYTES` and/or :data:`WORK_LIMIT`.

    Examples
    --------
    >>> import collapse_utils.validation as v
    >>> with v.limits(memory_bytes=8 * 2**30):
    ...     v.MEMORY_LIMIT_BYTES == 8 * 2**30
    True
    >>> v.MEMORY_LIMIT_BYTES == 2 * 2**30
    True
    """
    global MEMORY_LIMIT_BYTES, WORK_LIMIT
    old = MEMORY_LIMIT_BYTES, WORK_LIMIT
    if memory_bytes is not None:
        MEMORY_LIMIT_BYTES = int(check_real(memory_bytes, "memory_bytes", low=0))
    if work is not None:
        WORK_LIMIT = check_real(work, "work", low=0)
    try:
        yield
    finally:
        MEMORY_LIMIT_BYTES, WORK_LIMIT = old
