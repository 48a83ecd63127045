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

from .validation import as_generator, check_nonnegative_int, check_positive_float, check_positive_int

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
    """
    if isinstance(mu0, bool) or not np.isfinite(np.asarray(mu0, dtype=float)).all() or np.ndim(mu0) != 0:
        raise ValueError(f"mu0 must be a finite number, got {mu0!r}")
    sigma0 = check_positive_float(sigma0, "sigma0")
    n = check_positive_int(n, "n")
    generations = check_positive_int(generations, "generations")
    ddof = check_nonnegative_int(ddof, "ddof")
    if ddof >= n:
        raise ValueError(f"ddof must be smaller than n={n}, got {ddof}")
    replicas = check_positive_int(replicas, "replicas")
    rng = as_generator(seed)

    mu = np.empty((generations + 1, replicas))
    sigma = np.empty((generations + 1, replicas))
    mu[0], sigma[0] = float(mu0), sigma0
    for m in range(generations):
        z = rng.standard_normal(replicas)
        chi2 = rng.chisquare(n - 1, replicas) if n > 1 else np.zeros(replicas)
        mu[m + 1] = mu[m] + sigma[m] * z / np.sqrt(n)
        sigma[m + 1] = sigma[m] * np.sqrt(chi2 / (n - ddof))
    return GaussianResult(mu=mu, sigma=sigma)
