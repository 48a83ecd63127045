"""A Gaussian kernel density estimator trained on its own samples (book's own model of Fu et al. 2024).

Generation ``t`` is a Gaussian KDE with bandwidth ``h`` on ``n`` points
``x_1, ..., x_n``: ``f_t(x) = (1/n) sum_i K_h(x - x_i)``, with ``K_h`` the normal density
of standard deviation ``h``.  A sample from it is
a uniformly resampled point plus ``h Z``.  Generation ``t + 1`` is fitted on
``k`` fresh real points from the true density ``N(0, sigma0^2)`` and ``n - k``
samples of ``f_t``; ``k = 0`` is the fully synthetic loop.

The error to the truth is the integrated squared error
``ISE_t = int (f_t - K_sigma0)^2``, computed exactly with the Gaussian
convolution identity ``int K_a(x - u) K_b(x - v) dx = K_sqrt(a^2+b^2)(u - v)``:

``ISE = (1/n^2) sum_ij K_{sqrt2 h}(x_i - x_j) - (2/n) sum_i K_{sqrt(h^2+sigma0^2)}(x_i) + 1/(2 sigma0 sqrt(pi))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import (
    as_generator,
    check_array,
    check_bool,
    check_fraction,
    check_int,
    check_memory,
    check_positive_float,
    check_positive_int,
    check_work,
)

__all__ = ["KDEResult", "kde_ise", "simulate_kde"]


def _phi(x: np.ndarray, scale: float) -> np.ndarray:
    return np.exp(-0.5 * (x / scale) ** 2) / (scale * np.sqrt(2 * np.pi))


def _gauss_sum(diff: np.ndarray, scale: float, axis: int | None = None) -> np.ndarray:
    """``sum exp(-(diff / scale)^2 / 2)`` along ``axis``, in place (dividing first: ``scale**2`` may underflow)."""
    np.divide(diff, scale, out=diff)
    with np.errstate(over="ignore"):  # (diff / scale)^2 = inf gives exp(-inf) = 0, the right value
        np.square(diff, out=diff)
    np.multiply(diff, -0.5, out=diff)
    np.exp(diff, out=diff)
    return diff.sum(axis=axis)


def kde_ise(points: np.ndarray, h: float, sigma0: float = 1.0, *, chunk: int = 4_000_000) -> np.ndarray:
    """Exact integrated squared error between Gaussian KDEs and ``N(0, sigma0^2)``.

    Parameters
    ----------
    points : ndarray, shape (replicas, n) or (n,)
        The KDEs' points, one row per replica (a 1-D array is one replica).
    h : float
        Bandwidth ``h > 0``.
    sigma0 : float
        Standard deviation of the true density.
    chunk : int
        Largest number of kernel evaluations held in memory at once (8 bytes each);
        the cost is ``n^2 / 2`` evaluations per replica, refused above
        :data:`~collapse_utils.validation.WORK_LIMIT`.

    Returns
    -------
    ndarray, shape (replicas,)
        ``int (f_hat - K_sigma0)^2 dx``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((2, 500))
    >>> ise = kde_ise(x, h=0.3)
    >>> ise.shape, bool(np.all((0 < ise) & (ise < 0.01)))
    ((2,), True)
    """
    points = check_array(points, "points", ndim=(1, 2))
    points = np.atleast_2d(points)
    h = check_positive_float(h, "h")
    sigma0 = check_positive_float(sigma0, "sigma0")
    chunk = check_positive_int(chunk, "chunk")
    R, n = points.shape
    check_work(R * n * n / 2, f"replicas={R} x n={n}^2 / 2 kernel evaluations", "use fewer points or replicas")
    scale = np.sqrt(2) * h
    pairs = n * (n - 1) // 2
    if pairs <= chunk:
        # sum_ij K(x_i - x_j) = n K(0) + 2 sum_{i<j} K(x_i - x_j): only the upper triangle is evaluated.
        upper_i, upper_j = np.triu_indices(n, k=1)
        rows = max(1, chunk // max(1, pairs))
        kernel_sum = np.empty(R)
        for start in range(0, R, rows):  # blocks of replicas, only to bound memory
            block = points[start : start + rows]
            diff = block[:, upper_i] - block[:, upper_j]
            kernel_sum[start : start + rows] = n + 2 * _gauss_sum(diff, scale, axis=1)
    else:  # one replica at a time, blocks of rows of the full n x n matrix (twice the work, bounded memory)
        step = max(1, chunk // n)
        kernel_sum = np.array(
            [sum(_gauss_sum(x[i : i + step, None] - x[None, :], scale) for i in range(0, n, step)) for x in points]
        )
    self_term = kernel_sum / (scale * np.sqrt(2 * np.pi) * n**2)
    cross = _phi(points, np.sqrt(h**2 + sigma0**2)).mean(axis=1)
    return self_term - 2 * cross + 1 / (2 * sigma0 * np.sqrt(np.pi))


@dataclass(frozen=True)
class KDEResult:
    """Outcome of :func:`simulate_kde`.

    Attributes
    ----------
    var : ndarray, shape (generations + 1, replicas)
        Variance (divisor ``n``) of each generation's points; the variance of the
        fitted KDE is ``var + h^2``.
    mean : ndarray, shape (generations + 1, replicas)
        Mean of each generation's points.
    ise : ndarray, shape (generations + 1, replicas) or None
        Integrated squared error to ``N(0, sigma0^2)`` (``None`` unless ``ise=True``).
    points : ndarray, shape (replicas, n)
        The last generation's points.
    n_real : int
        Real points per generation, ``k = round(real_fraction * n)``.
    """

    var: np.ndarray
    mean: np.ndarray
    ise: np.ndarray | None
    points: np.ndarray
    n_real: int


def simulate_kde(
    *,
    n: int,
    h: float,
    generations: int,
    real_fraction: float = 0.0,
    sigma0: float = 1.0,
    replicas: int = 1,
    ise: bool = True,
    seed: int | np.random.Generator | None = None,
) -> KDEResult:
    """Simulate a Gaussian KDE refitted on its own samples, with optional fresh real data.

    Parameters
    ----------
    n : int
        Points per generation, ``n >= 2``.
    h : float
        Bandwidth ``h > 0``.
    generations : int
        Number of refits after generation 0 (which is ``n`` real points).
    real_fraction : float
        Fraction ``phi`` of each generation's points drawn fresh from ``N(0, sigma0^2)``;
        ``k = round(phi n)`` real points and ``n - k`` synthetic ones.
    sigma0 : float
        Standard deviation of the true density.
    replicas : int
        Independent chains, simulated together.
    ise : bool
        Whether to compute the integrated squared error (``n^2 / 2`` kernel evaluations per
        replica and generation; refused above :data:`~collapse_utils.validation.WORK_LIMIT`).
    seed : int, numpy.random.Generator or None
        Randomness.

    Returns
    -------
    KDEResult
        Per-generation variance, mean and ISE of the point sets.

    Examples
    --------
    >>> res = simulate_kde(n=50, h=0.3, generations=20, replicas=4, seed=0)
    >>> res.var.shape, res.ise.shape
    ((21, 4), (21, 4))
    >>> bool(res.var[-1].mean() > res.var[0].mean())  # each refit adds h^2 of variance
    True
    """
    n = check_int(n, "n", low=2)
    h = check_positive_float(h, "h")
    generations = check_positive_int(generations, "generations")
    w = check_fraction(real_fraction, "real_fraction")
    sigma0 = check_positive_float(sigma0, "sigma0")
    replicas = check_positive_int(replicas, "replicas")
    ise = check_bool(ise, "ise")
    check_memory(
        8 * replicas * (4 * n + 3 * (generations + 1)),
        f"replicas={replicas} x n={n} points (and generations={generations} rows of statistics)",
        "use fewer replicas or a smaller n",
    )
    check_work(
        (generations + 1) * replicas * (10 * n + (n * n / 2 if ise else 0)),
        f"generations={generations} x replicas={replicas} x n={n}" + ("^2 / 2 (ise=True)" if ise else ""),
        "use ise=False, fewer generations or replicas, or a smaller n",
    )
    rng = as_generator(seed)
    k = int(round(w * n))

    var = np.empty((generations + 1, replicas))
    mean = np.empty((generations + 1, replicas))
    err = np.empty((generations + 1, replicas)) if ise else None
    x = sigma0 * rng.standard_normal((replicas, n))
    rows = np.arange(replicas)[:, None]
    for t in range(generations + 1):
        if t > 0:
            pick = rng.integers(0, n, size=(replicas, n - k))
            synthetic = x[rows, pick] + h * rng.standard_normal((replicas, n - k))
            x = np.concatenate([sigma0 * rng.standard_normal((replicas, k)), synthetic], axis=1)
        mean[t] = x.mean(axis=1)
        var[t] = x.var(axis=1)
        if err is not None:
            err[t] = kde_ise(x, h, sigma0)
    return KDEResult(var=var, mean=mean, ise=err, points=x, n_real=k)
