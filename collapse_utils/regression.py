"""Recursive refitting of linear regression: replace or accumulate (Gerstgrasser et al. 2024).

A fixed design ``X`` (``J x d``) is drawn once per replica.  Generation 0 is the
truth, ``w_hat_0 = w*``; generation ``i >= 1`` fits ordinary least squares on labels
produced by the previous model, ``Y_i = X w_hat_{i-1} + E_i`` (so generation 1 fits
real labels ``Y_1 = X w* + E_1``), either alone (*replace*) or together with every
earlier ``(X, Y_j)`` (*accumulate*).
All replicas are advanced together with batched ``numpy.linalg.solve``.
"""

from __future__ import annotations

import numpy as np

from .validation import (
    as_generator,
    check_array,
    check_choice,
    check_memory,
    check_positive_float,
    check_positive_int,
    check_work,
)

__all__ = ["MODES", "simulate_regression"]

#: Data-reuse modes of :func:`simulate_regression`.
MODES: tuple[str, ...] = ("replace", "accumulate")


def _check_cov(cov: object, d: int) -> np.ndarray:
    arr = check_array(cov, "cov", shape=(d, d))
    if not np.allclose(arr, arr.T):
        raise ValueError("cov must be symmetric")
    try:
        return np.linalg.cholesky(arr)
    except np.linalg.LinAlgError:
        raise ValueError("cov must be positive definite") from None


def simulate_regression(
    J: int,
    d: int,
    sigma: float,
    *,
    generations: int,
    mode: str = "replace",
    replicas: int = 1,
    seed: int | np.random.Generator | None = None,
    cov: object = None,
) -> np.ndarray:
    """Test errors of recursively refitted OLS, generation by generation.

    Parameters
    ----------
    J : int
        Rows of the design (samples per generation), ``J > d + 1``.
    d : int
        Features.
    sigma : float
        Label-noise standard deviation, ``> 0``.
    generations : int
        Number of fitted models ``w_hat_1, ..., w_hat_n``.
    mode : {"replace", "accumulate"}
        ``"replace"``: ``w_hat_i`` is fitted on ``(X, Y_i)`` only.  ``"accumulate"``:
        ``w_hat_i`` is fitted on all ``i J`` rows ``(X, Y_1), ..., (X, Y_i)``.
    replicas : int
        Independent designs and noise sequences, simulated together.
    seed : int, numpy.random.Generator or None
        Randomness.
    cov : array_like, shape (d, d), optional
        Covariance ``Sigma`` of the rows of ``X``; identity if omitted.

    Returns
    -------
    ndarray, shape (generations + 1, replicas)
        Row ``i`` is generation ``i``, the test error ``||w_hat_i - w*||_Sigma^2 = E_x[(x^T(w_hat_i - w*))^2]``;
        row 0 is the truth ``w_hat_0 = w*``, whose error is exactly 0.

    Notes
    -----
    In *accumulate* the stacked normal equations are ``(i X^T X) w = sum_{j<=i} X^T Y_j``,
    so only the running sum ``sum_j X^T Y_j`` is kept.  The true weights ``w*`` are
    drawn ``N(0, I_d)`` once per replica; the test error does not depend on them.

    The cost is about ``replicas (J d^2 + generations d^3 / 3)`` operations,
    refused above :data:`~collapse_utils.validation.WORK_LIMIT`.

    Examples
    --------
    >>> err = simulate_regression(50, 5, 1.0, generations=10, replicas=200, seed=0)
    >>> err.shape
    (11, 200)
    >>> float(err[0].max()), bool(err[-1].mean() > err[1].mean())  # from the truth, growing linearly
    (0.0, True)
    """
    J = check_positive_int(J, "J")
    d = check_positive_int(d, "d")
    if J <= d + 1:
        raise ValueError(f"J must exceed d + 1 = {d + 1} (the expected error is infinite otherwise), got {J}")
    sigma = check_positive_float(sigma, "sigma")
    generations = check_positive_int(generations, "generations")
    mode = check_choice(mode, "mode", MODES)
    replicas = check_positive_int(replicas, "replicas")
    check_memory(
        8 * replicas * (J * d + 2 * d * d + J) + 8 * (generations + 1) * replicas,
        f"replicas={replicas} x J={J} x d={d} (and generations={generations})",
        "use fewer replicas or generations, or a smaller J or d",
    )
    check_work(
        replicas * (J * d * d / 10 + generations * (d**3 / 10 + 3 * J * d)),  # measured: ~0.3 ns per BLAS, ~1 ns per LAPACK flop
        f"replicas={replicas} x (J={J} x d={d}^2 + generations={generations} x d^3)",
        "use fewer replicas or generations, or a smaller d",
    )
    chol = None if cov is None else _check_cov(cov, d)
    sigma_mat = np.eye(d) if chol is None else chol @ chol.T
    rng = as_generator(seed)

    X = rng.standard_normal((replicas, J, d))
    if chol is not None:
        X = X @ chol.T
    gram = np.matmul(X.transpose(0, 2, 1), X)  # X^T X per replica (BLAS; einsum does not use it here)
    w_star = rng.standard_normal((replicas, d))
    w_hat = w_star
    xty_sum = np.zeros((replicas, d))
    errors = np.empty((generations + 1, replicas))
    errors[0] = 0.0  # generation 0 is the truth w*
    for i in range(1, generations + 1):
        labels = np.einsum("rtd,rd->rt", X, w_hat) + sigma * rng.standard_normal((replicas, J))
        xty = np.einsum("rtd,rt->rd", X, labels)
        if mode == "replace":
            w_hat = np.linalg.solve(gram, xty[..., None])[..., 0]
        else:
            xty_sum += xty
            w_hat = np.linalg.solve(i * gram, xty_sum[..., None])[..., 0]
        delta = w_hat - w_star
        errors[i] = np.einsum("rd,de,re->r", delta, sigma_mat, delta)
    return errors
