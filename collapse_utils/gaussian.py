"""Recursive fitting of a one-dimensional Gaussian (Shumailov et al.; Suresh et al.).

Generation ``m + 1`` draws ``n`` samples from ``N(mu_m, sigma_m^2)`` and refits the
mean and the standard deviation.  The simulator uses the exact sampling
distribution of those two statistics (Cochran's theorem: the sample mean is
``N(mu, sigma^2 / n)``, independent of the sum of squared deviations, which is
``sigma^2 chi^2_{n-1}``), so one generation costs two variates per replica,
whatever ``n`` is.  A test checks this shortcut against explicit sampling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import (
    as_generator,
    check_finite_result,
    check_memory,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
    check_real,
)

__all__ = ["GaussianResult", "simulate_gaussian"]


@dataclass(frozen=True)
class GaussianResult:
    """Outcome of :func:`simulate_gaussian`.

    Attributes
    ----------
    mu, sigma : ndarray, shape (generations + 1, replicas)
        Fitted mean and standard deviation; row 0 is the truth ``(mu0, sigma0)``.
    """

    mu: np.ndarray
    sigma: np.ndarray


def simulate_gaussian(
    mu0: float,
    sigma0: float,
    *,
    n: int,
    generations: int,
    ddof: int = 1,
    replicas: int = 1,
    seed: int | np.random.Generator | None = None,
) -> GaussianResult:
    """Simulate recursive refitting of a Gaussian on its own samples.

    Parameters
    ----------
    mu0, sigma0 : float
        The true mean and standard deviation (``sigma0 > 0``).
    n : int
        Samples per generation, ``n > ddof``.
    generations : int
        Number of refits.
    ddof : int
        Delta degrees of freedom of the standard deviation: ``1`` is the unbiased
        variance (Shumailov et al.), ``0`` the maximum-likelihood one.
    replicas : int
        Independent chains.
    seed : int, numpy.random.Generator or None
        Randomness.

    Returns
    -------
    GaussianResult
        ``.mu`` and ``.sigma`` of shape ``(generations + 1, replicas)``.

    Raises
    ------
    ValueError
        For a bad argument, or when ``sigma`` overflows (``ddof`` close to ``n``
        makes it grow geometrically) instead of returning infinities.

    Examples
    --------
    >>> res = simulate_gaussian(0.0, 1.0, n=20, generations=50, replicas=1000, seed=0)
    >>> res.sigma.shape
    (51, 1000)
    >>> bool(np.median(res.sigma[-1]) < 1)  # the fitted spread collapses (Shumailov et al.)
    True
    """
    mu0 = check_real(mu0, "mu0")
    sigma0 = check_positive_float(sigma0, "sigma0")
    n = check_positive_int(n, "n")
    generations = check_positive_int(generations, "generations")
    ddof = check_nonnegative_int(ddof, "ddof")
    if ddof >= n:
        raise ValueError(f"ddof must be < n (got ddof={ddof}, n={n})")
    replicas = check_positive_int(replicas, "replicas")
    check_memory(
        2 * 8 * (generations + 1) * replicas,
        f"generations={generations} x replicas={replicas}",
        "use fewer generations or replicas",
    )
    rng = as_generator(seed)

    mu = np.empty((generations + 1, replicas))
    sigma = np.empty((generations + 1, replicas))
    mu[0], sigma[0] = float(mu0), sigma0
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, with its reason
        for m in range(generations):
            z = rng.standard_normal(replicas)
            chi2 = rng.chisquare(n - 1, replicas) if n > 1 else np.zeros(replicas)
            mu[m + 1] = mu[m] + sigma[m] * z / np.sqrt(n)
            sigma[m + 1] = sigma[m] * np.sqrt(chi2 / (n - ddof))
    reason = (
        f"sigma leaves the float64 range; with ddof={ddof} and n={n} log(sigma) drifts by "
        f"E[log(chi2_(n-1) / (n - ddof))] / 2 per generation, so use fewer generations or ddof=1"
    )
    check_finite_result(sigma, "sigma", reason)
    check_finite_result(mu, "mu", reason)
    return GaussianResult(mu=mu, sigma=sigma)
