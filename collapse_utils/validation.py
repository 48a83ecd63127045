"""Argument checks shared by every simulator.

Every public function of :mod:`collapse_utils` validates its input here, so that
bad input fails early with a :class:`ValueError` that names the argument,
instead of silently producing nonsense or failing deep inside NumPy.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

__all__ = [
    "PROB_ATOL",
    "as_generator",
    "check_choice",
    "check_fraction",
    "check_nonnegative_int",
    "check_positive_float",
    "check_positive_int",
    "check_probs",
]

#: Tolerance on ``sum(p) == 1`` for probability vectors.
PROB_ATOL = 1e-9


def as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``seed``.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        An integer seed, an existing generator (returned unchanged, so that
        callers can share one stream), or ``None`` for fresh OS entropy.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        return np.random.default_rng(int(seed))
    raise ValueError(f"seed must be an int, a numpy.random.Generator or None, got {seed!r}")


def check_positive_int(value: object, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= 1, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_nonnegative_int(value: object, name: str) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= 0, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def check_positive_float(value: object, name: str) -> float:
    """Return ``value`` as a ``float`` if it is finite and > 0, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    out = float(value)
    if not np.isfinite(out) or out <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return out


def check_fraction(value: object, name: str) -> float:
    """Return ``value`` as a ``float`` if it lies in ``[0, 1]``, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    out = float(value)
    if not (0.0 <= out <= 1.0):
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return out


def check_choice(value: object, name: str, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError`` listing them."""
    options = tuple(choices)
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return str(value)


def check_probs(p: object, name: str = "p0") -> np.ndarray:
    """Validate a probability vector and return it as a float64 array.

    Parameters
    ----------
    p : array_like, shape (s,)
        Candidate probabilities over a vocabulary of ``s >= 1`` tokens.
    name : str
        Argument name used in error messages.

    Raises
    ------
    ValueError
        If ``p`` is not one-dimensional, is empty, contains a negative or
        non-finite entry, or does not sum to one within :data:`PROB_ATOL`.
    """
    try:
        arr = np.asarray(p, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D array of probabilities: {exc}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative; smallest entry is {arr.min():g}")
    total = float(arr.sum())
    if abs(total - 1.0) > PROB_ATOL:
        raise ValueError(f"{name} must sum to 1 (within {PROB_ATOL:g}), sums to {total!r}")
    return arr
