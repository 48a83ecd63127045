"""Sampling temperature in the closed loop: the deterministic maps (book's own model of Marchi et al. 2024).

Sampling at temperature ``T`` from a categorical model ``p`` draws from
``tau_T(p)_x = p_x^(1/T) / sum_y p_y^(1/T)`` (:func:`collapse_utils.chains.temper`).
With infinitely many samples per generation the loop is deterministic:

* fully synthetic, ``p_{t+1} = tau_T(p_t)``, solved by ``p_t ∝ p_0^(T^-t)``
  (:func:`tempered_iterate`);
* with a fraction ``phi`` of real data from ``q`` (the argument ``lam``),
  ``p_{t+1} = phi q + (1 - phi) tau_T(p_t)`` (:func:`mixed_map`), whose
  fixed point reached from ``p_0 = q`` is computed by iteration over a grid of
  ``(T, phi)`` (:func:`fixed_points`).

These maps are the book's own model that captures the claim of Marchi et al.
(2024); they are not the paper's equations.  The finite-sample chain is
:func:`collapse_utils.chains.simulate_chain` with ``temperature=T``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .chains import _temper
from .validation import (
    check_array,
    check_memory,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
    check_prob_rows,
    check_probs,
    check_work,
)

__all__ = ["FixedPoints", "fixed_points", "mixed_map", "tempered_iterate"]


def _check_temperatures(values: object, name: str = "T") -> np.ndarray:
    arr = np.atleast_1d(check_array(values, name, ndim=(0, 1), low=0.0))
    if np.any(arr < np.finfo(np.float64).tiny):
        raise ValueError(f"{name} must be positive normal floats (temperatures in (0, inf)), smallest is {arr.min():g}")
    return arr


def _check_fractions(values: object, name: str = "lam") -> np.ndarray:
    return check_array(values, name, low=0.0, high=1.0)


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
        with temperature ``T^t`` (tempering composes: ``tau_T o tau_T = tau_{T^2}``), computed in
        log space so that neither ``T^t`` nor its inverse under- or overflows.

    Examples
    --------
    >>> p0 = np.array([0.5, 0.3, 0.2])
    >>> tempered_iterate(p0, 0.5, 1).round(4).tolist()  # one step at T = 1/2: p0^2, normalised
    [0.6579, 0.2368, 0.1053]
    >>> tempered_iterate(p0, 0.001, 1000).tolist()  # T^t underflows; the limit is the mode
    [1.0, 0.0, 0.0]
    >>> tempered_iterate(p0, 2.0, 2000).round(12).tolist()  # and at T > 1 the uniform law on the support
    [0.333333333333, 0.333333333333, 0.333333333333]
    """
    p0 = check_probs(p0, "p0")
    T = check_positive_float(T, "T")
    t = check_nonnegative_int(t, "t")
    if t == 0 or T == 1.0:
        return p0.copy()
    # p_t ∝ exp(T^-t (log p0 - max log p0)), with T^-t = exp(-t log T) kept finite: T**t under- or
    # overflows long before the limit is reached (uniform on the modes of p0 for T < 1, on its support for T > 1).
    support = p0 > 0
    gap = np.log(np.where(support, p0, 1.0)) - np.log(p0.max())  # <= 0 on the support, 0 on the modes
    log_exponent = -t * np.log(T)
    with np.errstate(over="ignore", under="ignore"):
        exponent = np.exp(min(log_exponent, 709.0))  # beyond e^709 every gap < 0 already gives 0
        weights = np.where(gap == 0.0, 1.0, np.exp(exponent * gap))
    weights = np.where(support, weights, 0.0)
    return weights / weights.sum()


def mixed_map(p: np.ndarray, q: object, T: float, lam: object) -> np.ndarray:
    """One generation of the infinite-sample loop with real data: ``phi q + (1 - phi) tau_T(p)``.

    Parameters
    ----------
    p : ndarray, shape (..., s)
        Current models ``p_t`` (any leading shape).
    q : array_like, shape (s,)
        The real distribution.
    T : float
        Temperature ``T > 0``.
    lam : float or ndarray broadcastable to ``p.shape[:-1]``
        Fraction ``phi`` of real data, in ``[0, 1]``.

    Returns
    -------
    ndarray, shape (..., s)
        ``p_{t+1}``.

    Examples
    --------
    >>> q = np.array([0.7, 0.3])
    >>> mixed_map(q, q, 0.5, 0.25).round(4).tolist()
    [0.8086, 0.1914]
    """
    q = check_probs(q, "q")
    p = check_prob_rows(p, "p")
    if p.shape[-1] != q.size:
        raise ValueError(f"p must have {q.size} entries along its last axis like q, got shape {p.shape}")
    T = check_positive_float(T, "T")
    lam_arr = _check_fractions(lam, "lam")
    try:
        np.broadcast_shapes(lam_arr.shape, p.shape[:-1])
    except ValueError:
        raise ValueError(f"lam must broadcast to p.shape[:-1] = {p.shape[:-1]}, got shape {lam_arr.shape}") from None
    return _mixed_map(p, q, T, lam_arr)


def _mixed_map(p: np.ndarray, q: np.ndarray, T: float, lam: np.ndarray) -> np.ndarray:
    return lam[..., None] * q + (1.0 - lam[..., None]) * _temper(p, T)


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
    """Fixed points of ``p -> phi q + (1 - phi) tau_T(p)`` by iteration from ``p_0 = q``, over a grid.

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
        Limits, their TV distance to ``q`` and a convergence flag, on the ``(T, phi)`` grid.

    Notes
    -----
    All ``phi`` values of one temperature are iterated together (one array);
    the loop runs over temperatures and iterations only.  At ``phi = 0`` and
    ``T < 1`` the limit is uniform on the modes of ``q``; at ``T > 1`` it is
    uniform on the support of ``q``; at ``T = 1`` every ``p`` is fixed.

    The cost is at most ``nT x nL x s x max_iter`` updates, refused above
    :data:`~collapse_utils.validation.WORK_LIMIT`.

    Examples
    --------
    >>> fp = fixed_points([0.7, 0.3], T=[0.5, 1.0], lam=[0.2, 0.8])
    >>> fp.tv.shape, bool(fp.converged.all())
    ((2, 2), True)
    >>> bool(fp.tv[0, 0] > fp.tv[0, 1] > 0) and bool(np.all(fp.tv[1] == 0))  # more real data, closer to q
    True
    """
    q = check_probs(q, "q")
    temps = _check_temperatures(T, "T")
    lams = np.atleast_1d(check_array(lam, "lam", ndim=(0, 1), low=0.0, high=1.0))  # a float or a 1-D grid
    tol = check_positive_float(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    check_memory(8 * 3 * temps.size * lams.size * q.size, f"T ({temps.size}) x lam ({lams.size}) x s={q.size}", "use a coarser grid")
    check_work(
        10 * temps.size * lams.size * q.size * max_iter,
        f"T ({temps.size}) x lam ({lams.size}) x s={q.size} x max_iter={max_iter}",
        "use a coarser grid or a smaller max_iter",
    )
    out = np.empty((temps.size, lams.size, q.size))
    converged = np.zeros((temps.size, lams.size), dtype=bool)
    for i, temp in enumerate(temps):
        p = np.broadcast_to(q, (lams.size, q.size)).copy()
        active = np.ones(lams.size, dtype=bool)
        for _ in range(max_iter):
            new = _mixed_map(p[active], q, float(temp), lams[active])
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
