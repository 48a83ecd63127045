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
from scipy.special import expit

from .validation import (
    ArgumentTypeError,
    as_generator,
    check_array,
    check_finite_result,
    check_fraction,
    check_memory,
    check_positive_float,
    check_positive_int,
    check_real,
)

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
    """Posterior concentration ``alpha + counts`` of a Dirichlet prior after categorical data with ``counts``.

    Parameters
    ----------
    alpha : array_like, shape (..., s)
        Prior concentrations, all ``> 0``.
    counts : array_like, shape (..., s)
        Observed counts, ``>= 0``, broadcastable against ``alpha``.

    Returns
    -------
    ndarray
        ``alpha + counts``.

    Examples
    --------
    >>> dirichlet_posterior([1.0, 1.0], [3, 0]).tolist()
    [4.0, 1.0]
    """
    alpha = check_array(alpha, "alpha")
    if np.any(alpha <= 0):
        raise ValueError(f"alpha must be > 0 everywhere (smallest entry {alpha.min():g})")
    counts = check_array(counts, "counts", low=0.0)
    _check_same_categories(alpha, counts, "counts")
    return alpha + counts


def _check_same_categories(alpha: np.ndarray, other: np.ndarray, name: str) -> None:
    if alpha.ndim == 0:
        raise ValueError(f"alpha must have a last axis of categories, got shape {alpha.shape}")
    if other.ndim == 0 or other.shape[-1] != alpha.shape[-1]:
        raise ValueError(f"{name} must have {alpha.shape[-1]} categories along its last axis like alpha, got shape {other.shape}")
    try:
        np.broadcast_shapes(alpha.shape, other.shape)
    except ValueError:
        raise ValueError(f"{name} must broadcast against alpha (shape {alpha.shape}), got shape {other.shape}") from None


def unlearn_counts(posterior: np.ndarray, erased: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Exact unlearning in the conjugate model: ``posterior - erased``, checked to stay a valid posterior.

    Raises ``ValueError`` (naming ``erased``) if more tokens are erased than the
    data contained, i.e. if the result would fall below the prior ``alpha``.

    Parameters
    ----------
    posterior : array_like, shape (..., s)
        Concentrations after all data (``alpha + counts``).
    erased : array_like, shape (..., s)
        Counts of the erased data, ``>= 0``.
    alpha : array_like, shape (..., s)
        The prior.

    Returns
    -------
    ndarray
        The posterior without the erased data.

    Examples
    --------
    >>> unlearn_counts([4.0, 1.0], [2, 0], [1.0, 1.0]).tolist()
    [2.0, 1.0]
    """
    alpha = check_array(alpha, "alpha")
    posterior = check_array(posterior, "posterior")
    erased = check_array(erased, "erased", low=0.0)
    _check_same_categories(alpha, posterior, "posterior")
    _check_same_categories(alpha, erased, "erased")
    out = posterior - erased
    if np.any(out < alpha - 1e-9):
        raise ValueError("erased must not exceed the counts the posterior was trained on")
    return out


@dataclass(frozen=True)
class LogisticData:
    """Inputs ``x`` and binary labels ``y`` of a one-weight logistic model ``P(y=1|x) = sigmoid(theta x)``."""

    x: np.ndarray
    y: np.ndarray


def logistic_data(theta: float, size: int, *, seed: int | np.random.Generator | None = None) -> LogisticData:
    """Draw ``size`` pairs with ``x ~ N(0, 1)`` and ``y ~ Bernoulli(sigmoid(theta x))``.

    Examples
    --------
    >>> data = logistic_data(2.0, 5, seed=0)
    >>> data.x.shape, set(data.y.tolist()) <= {0.0, 1.0}
    ((5,), True)
    """
    size = check_positive_int(size, "size")
    theta = check_real(theta, "theta")
    check_memory(8 * 4 * size, f"size={size}", "use a smaller size")
    rng = as_generator(seed)
    x = rng.standard_normal(size)
    y = (rng.random(size) < expit(theta * x)).astype(float)
    return LogisticData(x=x, y=y)


def _check_data(data: object) -> LogisticData:
    if not isinstance(data, LogisticData):
        raise ArgumentTypeError(f"data must be a LogisticData (see logistic_data), got {type(data).__name__}")
    x = check_array(data.x, "data.x", ndim=1)
    y = check_array(data.y, "data.y", shape=x.shape)
    if np.any((y != 0) & (y != 1)):
        raise ValueError("data.y must hold labels 0 and 1")
    return LogisticData(x=x, y=y)


def _check_posterior(q: object, name: str) -> GaussianPosterior:
    if not isinstance(q, GaussianPosterior):
        raise ArgumentTypeError(f"{name} must be a GaussianPosterior, got {type(q).__name__}")
    check_real(q.mean, f"{name}.mean")
    check_positive_float(q.sd, f"{name}.sd")
    return q


def log_likelihood(theta: np.ndarray, data: LogisticData) -> np.ndarray:
    """``log p(data | theta)`` for every value in ``theta`` (any shape).

    Examples
    --------
    >>> data = LogisticData(x=np.array([1.0, -1.0]), y=np.array([1.0, 0.0]))
    >>> round(float(log_likelihood(0.0, data)), 6)  # two fair coin flips
    -1.386294
    """
    data = _check_data(data)
    t = check_array(theta, "theta", min_size=0)
    check_memory(8 * 3 * t.size * data.x.size, f"theta ({t.size} values) x data ({data.x.size} points)", "use fewer theta values")
    t = t[..., None]
    z = t * data.x
    # log sigmoid(z) for y = 1 and log sigmoid(-z) for y = 0, computed stably
    return -(np.logaddexp(0, -z) * data.y + np.logaddexp(0, z) * (1 - data.y)).sum(-1)


@dataclass(frozen=True)
class GaussianPosterior:
    """A Gaussian belief ``N(mean, sd^2)`` over the weight ``theta``."""

    mean: float
    sd: float


def exact_posterior_grid(data: LogisticData, grid: np.ndarray, prior_sd: float = 1.0) -> np.ndarray:
    """The exact posterior density of ``theta`` on ``grid`` (normalised numerically) under a ``N(0, prior_sd^2)`` prior.

    Examples
    --------
    >>> grid = np.linspace(-5, 5, 1001)
    >>> dens = exact_posterior_grid(logistic_data(1.0, 50, seed=0), grid)
    >>> round(float(np.trapezoid(dens, grid)), 9)
    1.0
    """
    data = _check_data(data)
    grid = check_array(grid, "grid", ndim=1, min_size=2)
    if np.any(np.diff(grid) <= 0):
        raise ValueError("grid must be strictly increasing")
    prior_sd = check_positive_float(prior_sd, "prior_sd")
    logp = log_likelihood(grid, data) - 0.5 * (grid / prior_sd) ** 2
    dens = np.exp(logp - logp.max())
    return dens / np.trapezoid(dens, grid)


def laplace_posterior(data: LogisticData, prior_sd: float = 1.0) -> GaussianPosterior:
    """Laplace approximation: a Gaussian at the posterior mode with the inverse curvature as variance.

    Examples
    --------
    >>> post = laplace_posterior(logistic_data(1.0, 200, seed=0))
    >>> bool(0.5 < post.mean < 1.5), bool(0 < post.sd < 0.3)
    (True, True)
    """
    data = _check_data(data)
    prior_sd = check_positive_float(prior_sd, "prior_sd")
    theta = 0.0
    for _ in range(50):  # Newton's method on the log posterior (concave)
        s = expit(theta * data.x)
        grad = ((data.y - s) * data.x).sum() - theta / prior_sd**2
        hess = -(s * (1 - s) * data.x**2).sum() - 1 / prior_sd**2
        theta -= grad / hess
    s = expit(theta * data.x)
    hess = (s * (1 - s) * data.x**2).sum() + 1 / prior_sd**2
    check_finite_result(np.array([theta, hess]), "the posterior mode and curvature", "Newton's method diverged (data far from a logistic model?)")
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

    Returns
    -------
    float

    Examples
    --------
    >>> full = GaussianPosterior(mean=1.0, sd=0.5)
    >>> eubo(full, lambda t: np.zeros_like(t), full)  # nothing erased, q = full: KL = 0
    0.0
    """
    q = _check_posterior(q, "q")
    full = _check_posterior(full, "full")
    if not callable(loglik):
        raise ArgumentTypeError(f"loglik must be a callable theta -> log-likelihood, got {type(loglik).__name__}")
    if floor != -np.inf:
        floor = check_real(floor, "floor")
    theta = q.mean + q.sd * _NODES
    ll = np.maximum(loglik(theta), floor)
    kl = np.log(full.sd / q.sd) + (q.sd**2 + (q.mean - full.mean) ** 2) / (2 * full.sd**2) - 0.5
    return float(_WEIGHTS @ ll + kl)


def unlearn_eubo(loglik: LogLik, full: GaussianPosterior, *, lam: float = 0.0) -> GaussianPosterior:
    """The Gaussian ``q`` minimising :func:`eubo`: approximate unlearning of the erased data from ``full``.

    ``lam`` in ``[0, 1]`` floors the likelihood at ``lam`` times its maximum over
    ``theta`` (the adjusted likelihood); ``lam = 0`` is plain unlearning.

    Examples
    --------
    >>> full = GaussianPosterior(mean=1.0, sd=0.5)
    >>> q = unlearn_eubo(lambda t: np.zeros_like(t), full)  # erasing nothing leaves the belief unchanged
    >>> round(q.mean, 4), round(q.sd, 4)
    (1.0, 0.5)
    """
    full = _check_posterior(full, "full")
    if not callable(loglik):
        raise ArgumentTypeError(f"loglik must be a callable theta -> log-likelihood, got {type(loglik).__name__}")
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
