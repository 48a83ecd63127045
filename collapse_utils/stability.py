"""Retraining a Gaussian on a mix of real and synthetic data (book's own model of Bertrand et al. 2024).

Generation ``t + 1`` is fitted by maximum likelihood on ``N`` real samples from
``N(mu*, sigma*^2)`` and ``M = lambda N`` synthetic samples from the current
model ``N(mu_t, sigma_t^2)``; ``lambda`` is the ratio of synthetic to real data,
as in Bertrand et al. (2024).  The real samples are either drawn afresh every
generation (``real="fresh"``) or drawn once and reused (``real="fixed"``, the
paper's setting: a fixed training set).

Like :func:`collapse_utils.gaussian.simulate_gaussian`, the simulator draws the
sufficient statistics from their exact laws (a sample mean is Gaussian, the
sum of squared deviations is ``sigma^2 chi^2``, independent of the mean), so a
generation costs a few variates per replica whatever ``N`` is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import (
    as_generator,
    check_choice,
    check_finite_result,
    check_int,
    check_memory,
    check_positive_float,
    check_positive_int,
    check_real,
    check_unused,
)

__all__ = ["RetrainResult", "simulate_retraining"]


@dataclass(frozen=True)
class RetrainResult:
    """Outcome of :func:`simulate_retraining`.

    Attributes
    ----------
    mu, sigma2 : ndarray, shape (generations + 1, replicas)
        Fitted mean and (maximum-likelihood) variance of every generation; row 0
        is the initial model.
    real_mu, real_sigma2 : ndarray, shape (replicas,)
        Mean and ML variance of the first real sample (for ``real="fixed"`` the
        only one: the real-data MLE ``theta*`` that the loop should return to).
    """

    mu: np.ndarray
    sigma2: np.ndarray
    real_mu: np.ndarray
    real_sigma2: np.ndarray


def simulate_retraining(
    mu_star: float,
    sigma_star: float,
    *,
    n_real: int,
    lam: float,
    generations: int,
    model: str = "mean",
    real: str = "fresh",
    mu_init: float | None = None,
    sigma_init: float | None = None,
    replicas: int = 1,
    seed: int | np.random.Generator | None = None,
) -> RetrainResult:
    """Simulate iterative retraining of a Gaussian on ``N`` real and ``lambda N`` synthetic samples.

    Parameters
    ----------
    mu_star, sigma_star : float
        The data law ``N(mu*, sigma*^2)``, ``sigma* > 0``.
    n_real : int
        Real samples per generation, ``N >= 2``.
    lam : float
        Synthetic-to-real ratio ``lambda >= 0``; ``M = lambda N`` must be a whole number.
    generations : int
        Number of retraining steps.
    model : {"mean", "mean-variance"}
        ``"mean"`` fits the mean only (the variance is known and equal to
        ``sigma*^2``); ``"mean-variance"`` fits both by maximum likelihood
        (divisor ``N + M``).
    real : {"fresh", "fixed"}
        New real samples every generation, or one real sample reused.
    mu_init, sigma_init : float or None
        Initial model; ``None`` fits generation 0 on the (first) real sample alone.
    replicas : int
        Independent chains, simulated together.
    seed : int, numpy.random.Generator or None
        Randomness.

    Returns
    -------
    RetrainResult
        Fitted parameters per generation and replica.

    Examples
    --------
    >>> res = simulate_retraining(0.0, 1.0, n_real=20, lam=0.5, generations=30, replicas=500, seed=0)
    >>> res.mu.shape
    (31, 500)
    >>> bool(abs(res.mu[-1].var() * 20 - 1) < 0.5)  # stable: the error stays of the order of sigma*^2 / N
    True
    """
    mu_star = check_real(mu_star, "mu_star")
    sigma_star = check_positive_float(sigma_star, "sigma_star")
    n_real = check_int(n_real, "n_real", low=2)
    lam = check_real(lam, "lam", low=0.0)
    n_synth = lam * n_real
    if abs(n_synth - round(n_synth)) > 1e-9:
        raise ValueError(f"lam * n_real must be a whole number of synthetic samples (got lam={lam!r}, n_real={n_real})")
    M = int(round(n_synth))
    N = n_real
    generations = check_positive_int(generations, "generations")
    model = check_choice(model, "model", ("mean", "mean-variance"))
    real = check_choice(real, "real", ("fresh", "fixed"))
    if mu_init is not None:
        mu_init = check_real(mu_init, "mu_init")
    if sigma_init is not None:
        if model == "mean":
            check_unused(sigma_init, "sigma_init", None, 'model="mean" keeps the variance at sigma_star^2')
        sigma_init = check_positive_float(sigma_init, "sigma_init")
    replicas = check_positive_int(replicas, "replicas")
    check_memory(2 * 8 * (generations + 1) * replicas, f"generations={generations} x replicas={replicas}", "use fewer generations or replicas")
    rng = as_generator(seed)
    with np.errstate(over="ignore"):
        var_star = np.float64(sigma_star) ** 2  # inf above ~1e154 (a Python float would raise): refused below

    def real_sample() -> tuple[np.ndarray, np.ndarray]:
        mean = mu_star + sigma_star / np.sqrt(N) * rng.standard_normal(replicas)
        ss = var_star * rng.chisquare(N - 1, replicas)
        return mean, ss

    r_mean, r_ss = real_sample()
    first_mean, first_ss = r_mean, r_ss
    mu = np.empty((generations + 1, replicas))
    s2 = np.empty((generations + 1, replicas))
    mu[0] = r_mean if mu_init is None else float(mu_init)
    if model == "mean":
        s2[0] = var_star
    else:
        s2[0] = r_ss / N if sigma_init is None else sigma_init**2
    for t in range(generations):
        if real == "fresh":  # generation t + 1 sees a new real sample
            r_mean, r_ss = real_sample()
        if M == 0:
            mu[t + 1] = r_mean
            s2[t + 1] = r_ss / N if model == "mean-variance" else var_star
            continue
        sd = np.sqrt(s2[t])
        s_mean = mu[t] + sd / np.sqrt(M) * rng.standard_normal(replicas)
        mu[t + 1] = (N * r_mean + M * s_mean) / (N + M)
        if model == "mean":
            s2[t + 1] = var_star
        else:
            s_ss = s2[t] * rng.chisquare(M - 1, replicas) if M > 1 else np.zeros(replicas)
            s2[t + 1] = (r_ss + s_ss + N * M / (N + M) * (r_mean - s_mean) ** 2) / (N + M)
    reason = f"the fitted parameters leave the float64 range (mu_star={mu_star:g}, sigma_star={sigma_star:g}); rescale the data"
    check_finite_result(mu, "mu", reason)
    check_finite_result(s2, "sigma2", reason)
    return RetrainResult(mu=mu, sigma2=s2, real_mu=first_mean, real_sigma2=first_ss / N)
