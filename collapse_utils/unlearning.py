"""Unlearning synthetic data from a Bayesian model.

The book's own illustration, in the spirit of variational Bayesian unlearning
(Nguyen, Low and Jaillet 2020).  Two models:

- **Exact, conjugate**: a Dirichlet–categorical next-token model.  The posterior
  after data ``D`` is ``Dir(alpha + c(D))``, so erasing a subset ``D_e`` is
  count subtraction, and equals retraining on the remaining data ``D_r``.
- **Approximate**: Bayesian logistic regression with one weight ``theta``,
  whose posterior is only known through a Gaussian approximation
  ``q(theta | D)``.  Unlearning picks the Gaussian ``q`` minimising the
  evidence upper bound

  ``U(q) = E_q[log p(D_e | theta)] + KL(q || q(theta | D))``,

  optionally with the likelihood floored at a fraction ``lam`` of its maximum
  (an *adjusted likelihood*), which limits how far ``q`` can be pushed away from
  the erased data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from .validation import as_generator, check_fraction, check_positive_float, check_positive_int

__all__ = [
    "GaussianPosterior",
    "LogisticData",
    "dirichlet_posterior",
    "eubo",
    "exact_posterior_grid",
    "laplace_posterior",
    "logistic_data",
    "log_likelihood",
    "unlearn_counts",
    "unlearn_eubo",
]


def dirichlet_posterior(alpha: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Posterior concentration ``alpha + counts`` of a Dirichlet prior after categorical data with ``counts``."""
    alpha = np.asarray(alpha, dtype=float)
    counts = np.asarray(counts, dtype=float)
    if np.any(alpha <= 0) or not np.all(np.isfinite(alpha)):
        raise ValueError("alpha must be positive and finite")
    if np.any(counts < 0) or counts.shape[-1] != alpha.shape[-1]:
        raise ValueError(f"counts must be non-negative with {alpha.shape[-1]} categories, got shape {counts.shape}")
    return alpha + counts


def unlearn_counts(posterior: np.ndarray, erased: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Exact unlearning in the conjugate model: ``posterior - erased``, checked to stay a valid posterior.

    Raises ``ValueError`` (naming ``erased``) if more tokens are erased than the
    data contained, i.e. if the result would fall below the prior ``alpha``.
    """
    out = np.asarray(posterior, dtype=float) - np.asarray(erased, dtype=float)
    if np.any(out < np.asarray(alpha, dtype=float) - 1e-9):
        raise ValueError("erased must not exceed the counts the posterior was trained on")
    return out


@dataclass(frozen=True)
class LogisticData:
    """Inputs ``x`` and binary labels ``y`` of a one-weight logistic model ``P(y=1|x) = sigmoid(theta x)``."""

    x: np.ndarray
    y: np.ndarray


def logistic_data(theta: float, size: int, *, seed: int | np.random.Generator | None = None) -> LogisticData:
    """Draw ``size`` pairs with ``x ~ N(0, 1)`` and ``y ~ Bernoulli(sigmoid(theta x))``."""
    size = check_positive_int(size, "size")
    if not np.isfinite(theta):
        raise ValueError(f"theta must be finite, got {theta!r}")
    rng = as_generator(seed)
    x = rng.standard_normal(size)
    y = (rng.random(size) < 1 / (1 + np.exp(-theta * x))).astype(float)
    return LogisticData(x=x, y=y)


def log_likelihood(theta: np.ndarray, data: LogisticData) -> np.ndarray:
    """``log p(data | theta)`` for every value in ``theta`` (any shape)."""
    t = np.asarray(theta, dtype=float)[..., None]
    z = t * data.x
    # log sigmoid(z) for y = 1 and log sigmoid(-z) for y = 0, computed stably
    return -(np.logaddexp(0, -z) * data.y + np.logaddexp(0, z) * (1 - data.y)).sum(-1)


@dataclass(frozen=True)
class GaussianPosterior:
    """A Gaussian belief ``N(mean, sd^2)`` over the weight ``theta``."""

    mean: float
    sd: float


def exact_posterior_grid(data: LogisticData, grid: np.ndarray, prior_sd: float = 1.0) -> np.ndarray:
    """The exact posterior density of ``theta`` on ``grid`` (normalised numerically) under a ``N(0, prior_sd^2)`` prior."""
    prior_sd = check_positive_float(prior_sd, "prior_sd")
    logp = log_likelihood(grid, data) - 0.5 * (grid / prior_sd) ** 2
    dens = np.exp(logp - logp.max())
    return dens / np.trapezoid(dens, grid)


def laplace_posterior(data: LogisticData, prior_sd: float = 1.0) -> GaussianPosterior:
    """Laplace approximation: a Gaussian at the posterior mode with the inverse curvature as variance."""
    prior_sd = check_positive_float(prior_sd, "prior_sd")
    theta = 0.0
    for _ in range(50):  # Newton's method on the log posterior (concave)
        s = 1 / (1 + np.exp(-theta * data.x))
        grad = ((data.y - s) * data.x).sum() - theta / prior_sd**2
        hess = -(s * (1 - s) * data.x**2).sum() - 1 / prior_sd**2
        theta -= grad / hess
    s = 1 / (1 + np.exp(-theta * data.x))
    hess = (s * (1 - s) * data.x**2).sum() + 1 / prior_sd**2
    return GaussianPosterior(mean=float(theta), sd=float(1 / np.sqrt(hess)))


_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(32)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


LogLik = Callable[[np.ndarray], np.ndarray]


def eubo(q: GaussianPosterior, loglik: LogLik, full: GaussianPosterior, *, floor: float = -np.inf) -> float:
    """Evidence upper bound ``E_q[log p~(D_e | theta)] + KL(q || full)`` by Gauss–Hermite quadrature.

    Parameters
    ----------
    q : GaussianPosterior
        The candidate unlearned belief.
    loglik : callable
        ``theta -> log p(D_e | theta)`` (vectorised), the likelihood of the erased data.
    full : GaussianPosterior
        The (approximate) posterior after all data, ``q(theta | D)``.
    floor : float
        Adjusted likelihood: ``log p~ = max(log p, floor)``; ``-inf`` is the plain likelihood.
    """
    theta = q.mean + q.sd * _NODES
    ll = np.maximum(loglik(theta), floor)
    kl = np.log(full.sd / q.sd) + (q.sd**2 + (q.mean - full.mean) ** 2) / (2 * full.sd**2) - 0.5
    return float(_WEIGHTS @ ll + kl)


def unlearn_eubo(loglik: LogLik, full: GaussianPosterior, *, lam: float = 0.0) -> GaussianPosterior:
    """The Gaussian ``q`` minimising :func:`eubo`: approximate unlearning of the erased data from ``full``.

    ``lam`` in ``[0, 1]`` floors the likelihood at ``lam`` times its maximum over
    ``theta`` (the adjusted likelihood); ``lam = 0`` is plain unlearning.
    """
    lam = check_fraction(lam, "lam")
    floor = -np.inf
    if lam > 0:
        grid = full.mean + full.sd * np.linspace(-60, 60, 2001)  # the maximum on a grid of step 0.06 sd
        floor = float(np.log(lam) + loglik(grid).max())

    def objective(v: np.ndarray) -> float:
        return eubo(GaussianPosterior(mean=v[0], sd=float(np.exp(v[1]))), loglik, full, floor=floor)

    res = minimize(objective, x0=np.array([full.mean, np.log(full.sd)]), method="Nelder-Mead",
                   options={"xatol": 1e-7, "fatol": 1e-10, "maxiter": 4000})
    return GaussianPosterior(mean=float(res.x[0]), sd=float(np.exp(res.x[1])))
