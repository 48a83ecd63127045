"""Replace or accumulate: test error of recursively refitted linear regression (Gerstgrasser et al. 2024).

Fixed design ``X`` (``J x d``, i.i.d. rows ``N(0, Sigma)``, ``J > d + 1``), true
weights ``w*``, labels of generation ``i``: ``Y_i = X w_hat_{i-1} + E_i`` with
``w_hat_0 = w*`` and ``E_i ~ N(0, sigma^2 I_J)``.  Writing ``e_i = w_hat_i - w*``:

* replace (fit on ``Y_i`` alone):  ``e_n = sum_{i<=n} X^+ E_i``;
* accumulate (fit on all ``n J`` rows): ``e_n = e_{n-1} + X^+ E_n / n``.

Since ``E_x[(x^T e)^2] = e^T Sigma e`` and
``E tr(Sigma (X^T X)^{-1}) = d / (J - d - 1)`` (the inverse-Wishart mean), the expected
test errors follow.  These formulas are the book's own derivation (after Dohmatob et
al. 2024); Gerstgrasser et al. state the accumulate bound ``pi^2/6``.

Generation 0 is the truth ``w*`` itself (test error 0): row ``n`` of a result is
generation ``n``, as everywhere in the book.  The design has ``J`` rows (the paper's
``T``; the book keeps ``T`` for the temperature).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..validation import check_choice, check_int, check_memory, check_positive_float, check_positive_int, check_real
from .core import numeric
from .symbols import J, sigma

__all__ = [
    "A_acc",
    "J",
    "N_real",
    "S_prev",
    "categorical_accumulate_S",
    "categorical_accumulate_factor",
    "categorical_accumulate_limit",
    "d",
    "inverse_chi2_mean",
    "accumulate_error",
    "accumulate_limit",
    "error_scale",
    "expected_errors",
    "replace_error",
    "sigma",
]

d = sp.Symbol("d", positive=True, integer=True)
_ARGS = (J, d, sigma)  # kept under a private name: expected_errors' parameters shadow the symbols
_n = sp.Symbol("n", positive=True, integer=True)
_i = sp.Symbol("i", positive=True, integer=True)


def inverse_chi2_mean(dof: sp.Expr = J) -> sp.Expr:
    """``E[1 / chi^2_dof] = 1 / (dof - 2)``: the ``d = 1`` case of the inverse-Wishart mean.

    For general ``d``, ``X^T X ~ Wishart_d(Sigma, J)`` and
    ``E[(X^T X)^{-1}] = Sigma^{-1} / (J - d - 1)``; with ``d = 1`` and ``Sigma = 1`` this is
    ``E[1/chi^2_J] = 1/(J - 2)``, the Mellin moment of
    ``collapse_utils.theory.gaussian.chi2_mellin_moment`` at ``s = -1`` (valid for ``J > 2``).

    Examples
    --------
    >>> inverse_chi2_mean(), inverse_chi2_mean(10)
    (1/(J - 2), 1/8)
    """
    from .gaussian import chi2_mellin_moment

    return sp.simplify(sp.expand_func(chi2_mellin_moment(dof, -1)))


def error_scale() -> sp.Expr:
    """``sigma^2 E tr(Sigma (X^T X)^{-1}) = sigma^2 d / (J - d - 1)``: the test error of one OLS fit.

    Examples
    --------
    >>> error_scale().subs({J: 12, d: 2, sigma: 1})
    2/9
    """
    return sigma**2 * d / (J - d - 1)


def replace_error(generations: sp.Expr = _n) -> sp.Expr:
    """``E[test error]`` after ``n`` generations of *replace*: ``sigma^2 d n / (J - d - 1)``.

    Examples
    --------
    >>> replace_error()  # grows linearly in n
    d*n*sigma**2/(J - d - 1)
    >>> replace_error(3).subs({J: 12, d: 2, sigma: 1})
    2/3
    """
    return sp.summation(error_scale(), (_i, 1, generations))


def accumulate_error(generations: sp.Expr = _n) -> sp.Expr:
    """``E[test error]`` after ``n`` generations of *accumulate*: ``sigma^2 d / (J - d - 1) sum_{i<=n} 1/i^2``.

    Examples
    --------
    >>> accumulate_error(3).subs({J: 12, d: 2, sigma: 1})  # (1 + 1/4 + 1/9) 2/9
    49/162
    """
    series = sp.summation(1 / _i**2, (_i, 1, generations))  # harmonic(n, 2)
    return error_scale() * series


def expected_errors(J: int, d: int, sigma: float, generations: int, mode: str) -> np.ndarray:
    """NumPy values of :func:`replace_error` or :func:`accumulate_error` for generations ``0..generations``.

    Row ``n`` is generation ``n``; row 0 is the truth ``w*``, whose test error is 0.  The scale is
    :func:`error_scale_np` (checked against :func:`error_scale`); the partial sums ``sum_{i<=n} 1/i^2``
    are cumulated in NumPy (``harmonic(n, 2)`` has no NumPy printer).

    Parameters
    ----------
    J : int
        Rows of the design (samples per generation), ``J >= d + 2``.
    d : int
        Features.
    sigma : float
        Label-noise standard deviation, ``> 0``.
    generations : int
        Number of fitted models ``n``.
    mode : {"replace", "accumulate"}
        Data-reuse mode of :func:`collapse_utils.regression.simulate_regression`.

    Returns
    -------
    ndarray, shape (generations + 1,)
        ``E ||w_hat_n - w*||_Sigma^2`` for ``n = 0..generations``.

    Examples
    --------
    >>> expected_errors(12, 2, 1.0, 3, "replace").tolist()  # sigma^2 d / (J - d - 1) = 2/9 per generation
    [0.0, 0.2222222222222222, 0.4444444444444444, 0.6666666666666666]
    """
    d = check_positive_int(d, "d")
    J = check_int(J, "J")
    if J < d + 2:
        raise ValueError(f"J must be >= d + 2 (got J={J}, d={d})")
    sigma = check_positive_float(sigma, "sigma")
    generations = check_positive_int(generations, "generations")
    mode = check_choice(mode, "mode", ("replace", "accumulate"))
    check_memory(8 * 3 * (generations + 1), f"generations={generations}", "use fewer generations")
    scale = float(error_scale_np(J, d, sigma))  # the NumPy twin of error_scale(): no lambdify per call
    i = np.arange(generations + 1, dtype=float)
    if mode == "replace":
        return scale * i
    if mode == "accumulate":
        return scale * np.cumsum(np.divide(1, i**2, out=np.zeros_like(i), where=i > 0))
    raise ValueError(f"mode must be 'replace' or 'accumulate', got {mode!r}")


def accumulate_limit() -> sp.Expr:
    """``lim_n`` of :func:`accumulate_error`: ``(pi^2 / 6) sigma^2 d / (J - d - 1)``.

    Examples
    --------
    >>> accumulate_limit()
    pi**2*d*sigma**2/(6*(J - d - 1))
    """
    return error_scale() * sp.summation(1 / _i**2, (_i, 1, sp.oo))


# ----------------------------------------------------------------------------------------------
# The same contrast in the categorical model of Part I (the book's own derivation).

#: Size of the accumulated data before a generation's synthetic batch, and the real-corpus size.
A_acc, N_real = sp.symbols("A_m N", positive=True)
S_prev = sp.Symbol("S", positive=True)


def categorical_accumulate_factor() -> sp.Expr:
    """``(1 - S_{m+1}) / (1 - S_m)`` for the categorical ``accumulate`` scheme, derived from the multinomial.

    Generation ``m + 1`` is fitted on ``A_m = N + (m - 1) n`` accumulated tokens with law
    ``p^(m)`` plus ``n`` new samples ``q`` of ``p^(m)``:
    ``p^(m+1) = (A_m p^(m) + n q) / (A_m + n)``.  With ``E[q] = p`` and
    ``E||q||^2 = 1/n + (1 - 1/n) ||p||^2`` (the recursion of Theorem 1), the factor is
    ``1 - n / (A_m + n)^2``.

    Examples
    --------
    >>> categorical_accumulate_factor()  # 1 - n / (A_m + n)^2
    (A_m**2 + 2*A_m*n + n**2 - n)/(A_m + n)**2
    """
    from .core import fully_synthetic_S_recursion, n

    a, b = fully_synthetic_S_recursion()
    second_q = b + a * S_prev
    new = (A_acc**2 * S_prev + 2 * A_acc * n * S_prev + n**2 * second_q) / (A_acc + n) ** 2
    return sp.factor(sp.simplify((1 - new) / (1 - S_prev)))


def categorical_accumulate_S(S_0: float, n: int, N: int, generations: int) -> np.ndarray:
    """``S_m = E||p^(m)||_2^2`` for ``m = 0..generations`` in the categorical ``accumulate`` scheme.

    ``1 - S_1 = (1 - S_0)(1 - 1/N)`` (a histogram of ``N`` real tokens) and
    ``1 - S_{m+1} = (1 - S_m)(1 - n / (N + m n)^2)`` (:func:`categorical_accumulate_factor`).

    Examples
    --------
    >>> categorical_accumulate_S(0.5, 10, 10, 2).round(6).tolist()
    [0.5, 0.55, 0.56125]
    """
    S_0 = check_real(S_0, "S_0", low=0.0, high=1.0, low_open=True)
    n = check_positive_int(n, "n")
    N = check_positive_int(N, "N")
    generations = check_positive_int(generations, "generations")
    check_memory(8 * 4 * generations, f"generations={generations}", "use fewer generations")
    from .core import n as n_sym

    factor = numeric(categorical_accumulate_factor().subs(n_sym, sp.Symbol("n_")), [A_acc, sp.Symbol("n_")])
    accumulated = N + np.arange(generations - 1) * float(n)  # A_m for the steps m -> m + 1, m = 1..generations-1
    steps = np.concatenate([[1.0, 1 - 1 / N], factor(accumulated, n)])[: generations + 1]
    return 1 - (1 - S_0) * np.cumprod(steps)


def categorical_accumulate_limit() -> sp.Expr:
    """``lim S_m`` for ``N = n``: ``1 - (1 - S_0) sin(pi / sqrt(n)) / (pi / sqrt(n))`` (Euler's sine product).

    Examples
    --------
    >>> from collapse_utils.theory.core import S0, n
    >>> S_inf = categorical_accumulate_limit()
    >>> round(float(S_inf.subs({S0: sp.Rational(1, 2), n: 10})), 6)
    0.578282
    """
    from .core import S0, n

    x = 1 / sp.sqrt(n)
    return 1 - (1 - S0) * sp.sin(sp.pi * x) / (sp.pi * x)


def error_scale_np(J: object, d: object, sigma: object) -> np.ndarray:
    """NumPy twin of :func:`error_scale`: ``sigma^2 d / (J - d - 1)`` (``tests/test_regression.py`` checks it).

    Examples
    --------
    >>> float(error_scale_np(12, 2, 1.0))
    0.2222222222222222
    """
    J, d, sigma = (np.asarray(v, dtype=float) for v in (J, d, sigma))
    return sigma**2 * d / (J - d - 1)


__all__ += ["error_scale_np"]
