"""Sampling temperature in the closed loop: the deterministic maps (book's own model of Marchi et al. 2024).

Sampling at temperature ``T`` from a categorical model ``p`` draws from
``tau_T(p)_x = p_x^(1/T) / sum_y p_y^(1/T)`` (:func:`collapse_utils.chains.temper`).
With infinitely many samples per generation the loop is deterministic:

* fully synthetic, ``p_{t+1} = tau_T(p_t)``, solved by ``p_t ∝ p_0^(T^-t)``
  (:func:`tempered_iterate`);
* with a fraction ``lambda`` of real data from ``q``,
  ``p_{t+1} = lambda q + (1 - lambda) tau_T(p_t)`` (:func:`mixed_map`), whose
  fixed point reached from ``p_0 = q`` is computed by iteration over a grid of
  ``(T, lambda)`` (:func:`fixed_points`).

These maps are the book's own model that captures the claim of Marchi et al.
(2024); they are not the paper's equations.  The finite-sample chain is
:func:`collapse_utils.chains.simulate_chain` with ``temperature=T``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .chains import temper
from .validation import check_fraction, check_nonnegative_int, check_positive_float, check_positive_int, check_probs

__all__ = ["FixedPoints", "fixed_points", "mixed_map", "tempered_iterate"]


def _check_temperatures(values: object, name: str = "T") -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must be positive finite temperatures, got {values!r}")
    return arr


def _check_fractions(values: object, name: str = "lam") -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"{name} must be fractions in [0, 1], got {values!r}")
    return arr


def tempered_iterate(p0: object, T: float, t: int) -> np.ndarray:
    """Return ``tau_T^t(p_0)``, the infinite-sample fully synthetic loop after ``t`` generations.

    Parameters
    ----------
    p0 : array_like, shape (s,)
        Initial model ``p_0``.
    T : float
        Temperature ``T > 0``.
    t : int
        Number of generations ``t >= 0``.

    Returns
    -------
    ndarray, shape (s,)
        ``p_t ∝ p_0^(T^-t)``, obtained by applying :func:`collapse_utils.chains.temper` once
        with temperature ``T^t`` (tempering composes: ``tau_T o tau_T = tau_{T^2}``).
    """
    p0 = check_probs(p0, "p0")
    T = check_positive_float(T, "T")
    t = check_nonnegative_int(t, "t")
    return temper(p0, T**t) if t > 0 else p0.copy()


def mixed_map(p: np.ndarray, q: object, T: float, lam: object) -> np.ndarray:
    """One generation of the infinite-sample loop with real data: ``lambda q + (1 - lambda) tau_T(p)``.

    Parameters
    ----------
    p : ndarray, shape (..., s)
        Current models ``p_t`` (any leading shape).
    q : array_like, shape (s,)
        The real distribution.
    T : float
        Temperature ``T > 0``.
    lam : float or ndarray broadcastable to ``p.shape[:-1]``
        Fraction ``lambda`` of real data, in ``[0, 1]``.

    Returns
    -------
    ndarray, shape (..., s)
        ``p_{t+1}``.
    """
    q = check_probs(q, "q")
    T = check_positive_float(T, "T")
    lam_arr = np.asarray(lam, dtype=float)
    _check_fractions(lam_arr.ravel(), "lam")
    return lam_arr[..., None] * q + (1.0 - lam_arr[..., None]) * temper(np.asarray(p, dtype=float), T)


@dataclass(frozen=True)
class FixedPoints:
    """Outcome of :func:`fixed_points`.

    Attributes
    ----------
    T, lam : ndarray, shapes (nT,) and (nL,)
        The grid.
    p : ndarray, shape (nT, nL, s)
        The limit ``p_inf`` of the mixed map started at ``p_0 = q``.
    tv : ndarray, shape (nT, nL)
        Total-variation distance ``TV(p_inf, q) = ||p_inf - q||_1 / 2``.
    converged : ndarray of bool, shape (nT, nL)
        Whether the last step moved ``p`` by less than ``tol`` (in L1).
    """

    T: np.ndarray
    lam: np.ndarray
    p: np.ndarray
    tv: np.ndarray
    converged: np.ndarray


def fixed_points(q: object, T: object, lam: object, *, tol: float = 1e-12, max_iter: int = 20_000) -> FixedPoints:
    """Fixed points of ``p -> lambda q + (1 - lambda) tau_T(p)`` by iteration from ``p_0 = q``, over a grid.

    Parameters
    ----------
    q : array_like, shape (s,)
        The real distribution (also the starting point).
    T : float or array_like, shape (nT,)
        Temperatures, all ``> 0``.
    lam : float or array_like, shape (nL,)
        Real-data fractions, all in ``[0, 1]``.
    tol : float
        Stop a grid point when one step moves it by less than ``tol`` in L1.
    max_iter : int
        Maximum number of iterations.

    Returns
    -------
    FixedPoints
        Limits, their TV distance to ``q`` and a convergence flag, on the ``(T, lambda)`` grid.

    Notes
    -----
    All ``lambda`` values of one temperature are iterated together (one array);
    the loop runs over temperatures and iterations only.  At ``lambda = 0`` and
    ``T < 1`` the limit is uniform on the modes of ``q``; at ``T > 1`` it is
    uniform on the support of ``q``; at ``T = 1`` every ``p`` is fixed.
    """
    q = check_probs(q, "q")
    temps = _check_temperatures(T, "T")
    lams = _check_fractions(lam, "lam")
    tol = check_positive_float(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    out = np.empty((temps.size, lams.size, q.size))
    converged = np.zeros((temps.size, lams.size), dtype=bool)
    for i, temp in enumerate(temps):
        p = np.broadcast_to(q, (lams.size, q.size)).copy()
        active = np.ones(lams.size, dtype=bool)
        for _ in range(max_iter):
            new = mixed_map(p[active], q, float(temp), lams[active])
            step = np.abs(new - p[active]).sum(axis=-1)
            p[active] = new
            idx = np.flatnonzero(active)
            active[idx[step < tol]] = False
            if not active.any():
                break
        out[i] = p
        converged[i] = ~active
    tv = 0.5 * np.abs(out - q).sum(axis=-1)
    return FixedPoints(T=temps, lam=lams, p=out, tv=tv, converged=converged)
