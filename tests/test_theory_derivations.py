"""The SymPy derivations of the smaller theory modules return what their docstrings state.

Checked here: the curation identities (``theory.curation``) beyond their default arguments, the
generation-0 moments of the KDE recursion (``theory.kde``) at ``sigma0 != 1``, the mean-only recursion
and the Fisher information of the retraining map (``theory.stability``), the range of ``S_0`` in the
categorical accumulate scheme (``theory.regression``), and the NumPy twins of the closed forms on exact
input (fractions and SymPy rationals, as a chapter passes them).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from stats_helpers import assert_mean_close

from collapse_utils.theory import curation as tc


# ---- theory.curation ---------------------------------------------------------------------------


@pytest.mark.parametrize("s", [1, 0, 13, 2.5])
def test_curation_refuses_a_vocabulary_outside_2_to_12(s):
    for derive in (lambda: tc.laplace_normalisation(2, s=s), lambda: tc.tilt_maximises_regularised_reward(s)):
        with pytest.raises(ValueError, match=r"\bs\b"):
            derive()


@pytest.mark.parametrize("K", [1, 2, 5])
def test_laplace_identity_for_integer_K(K):
    """sum_x p_x K w_x e^{-u w_x} L^{K-1} = -d/du L^K, and integrating over u >= 0 gives 1 (here s = 2)."""
    lhs, rhs = tc.laplace_normalisation(K, s=2)
    assert sp.simplify(lhs - rhs) == 0
    p1, p2, w1, w2 = sp.symbols("p1 p2 w1 w2", positive=True)
    at = {p1: sp.Rational(1, 3), p2: sp.Rational(2, 3), w1: 1, w2: 2}
    assert sp.simplify(sp.integrate(lhs.subs(at), (tc.u, 0, sp.oo))) == 1
    with pytest.raises(ValueError, match=r"\bK\b"):
        tc.laplace_normalisation(0, s=2)


def test_tilt_is_a_maximum():
    """The Hessian of E_p r - KL(p || p0) / t is diagonal with negative entries at every p > 0, t > 0."""
    grads, hessian_diag = tc.tilt_maximises_regularised_reward(3)
    assert grads == [0, 0, 0]
    assert all(entry.is_negative for entry in hessian_diag)


def test_tilted_reward_increment_at_a_point():
    """Both expressions, at p = (1/4, 3/4) and w = (1, 2), equal E_{p w / E_p w} w - E_p w computed directly."""
    increment, ratio = tc.tilted_reward_increment(2)
    p1, w1, w2 = sp.symbols("p1 w1 w2", positive=True)
    probs, weights = [sp.Rational(1, 4), sp.Rational(3, 4)], [1, 2]
    mean = sum(q * w for q, w in zip(probs, weights))
    direct = sum(q * w * w for q, w in zip(probs, weights)) / mean - mean
    at = {p1: probs[0], w1: weights[0], w2: weights[1]}
    assert sp.simplify(increment.subs(at) - direct) == 0 and sp.simplify(ratio.subs(at) - direct) == 0


# ---- theory.kde --------------------------------------------------------------------------------


def test_kde_recursion_starts_at_the_moments_of_the_real_sample():
    """x_0 = (E v_0, E xbar_0^2) = ((1 - 1/n) sigma0^2 + h^2, sigma0^2 / n) for n real N(0, sigma0^2) points."""
    from collapse_utils.kde import simulate_kde
    from collapse_utils.theory.kde import h, mixed_recursion, n, phi, sigma0

    nn, hh, s0 = 12, 0.4, 1.7
    _, _, x0 = mixed_recursion()
    x0 = np.array(x0.subs({n: nn, h: hh, sigma0: s0, phi: 0}), dtype=float).ravel()
    res = simulate_kde(n=nn, h=hh, sigma0=s0, generations=1, replicas=20_000, ise=False, seed=4)
    assert_mean_close(res.var[0] + hh**2, x0[0], what="E v_0")
    assert_mean_close(res.mean[0] ** 2, x0[1], what="E xbar_0^2")


# ---- theory.stability --------------------------------------------------------------------------


@pytest.mark.parametrize("real", ["fresh", "fixed"])
def test_mean_only_solution_obeys_its_recursion(real):
    """x_{t+1} = a2 x_t + b for the returned solution, with a2 = alpha^2: x_t = E e_t^2 with fresh real data,
    and x_t = E d_t^2 = E e_t^2 - sigma^2 / N (the distance to the fixed real sample's mean) with a fixed one."""
    from collapse_utils.theory.stability import N, contraction_factor, mean_only_error, sigma, t

    err = mean_only_error(real)
    assert sp.simplify(err["a2"] - contraction_factor() ** 2) == 0
    x = err["solution"] - (sigma**2 / N if real == "fixed" else 0)
    step = x.subs(t, t + 1) - (err["a2"] * x + err["b"])
    assert sp.simplify(sp.expand(step)) == 0


def test_retraining_hessian_is_minus_the_fisher_information():
    """At the data, the Hessian of E log N(x; mu, v) in (mu, v) is -diag(1/sigma^2, 1/(2 sigma^4))."""
    from collapse_utils.theory.stability import population_map, sigma

    hess = population_map("mean-variance")["hessian"]
    assert sp.simplify(hess - sp.diag(-1 / sigma**2, -1 / (2 * sigma**4))) == sp.zeros(2, 2)


# ---- theory.regression -------------------------------------------------------------------------


@pytest.mark.parametrize("S_0", [0.0, -0.1, 1.5])
def test_categorical_accumulate_refuses_an_impossible_S0(S_0):
    """S_0 = ||p||^2 lies in (0, 1]: 0 is no distribution."""
    from collapse_utils.theory.regression import categorical_accumulate_S

    with pytest.raises(ValueError, match="S_0"):
        categorical_accumulate_S(S_0, 10, 10, 3)


# ---- NumPy twins on exact input ----------------------------------------------------------------


def _twins():
    from collapse_utils.theory.core import fully_synthetic_S_np
    from collapse_utils.theory.forgetting import unigram_survival_np
    from collapse_utils.theory.gaussian import expected_sigma_np, suresh_tail_bound_np
    from collapse_utils.theory.mixing import theorem2_S_np

    half, tenth = Fraction(1, 2), sp.Rational(1, 10)
    return {
        "fully_synthetic_S_np": (lambda: fully_synthetic_S_np(Fraction(3), Fraction(10), half), 1 - 0.9**3 * 0.5),
        "unigram_survival_np": (lambda: unigram_survival_np(Fraction(2), half), 1 - np.exp(-1.0)),
        "suresh_tail_bound_np": (lambda: suresh_tail_bound_np(Fraction(39), Fraction(10), half, tenth), 5 * np.exp(-1.0)),
        "expected_sigma_np": (lambda: expected_sigma_np(Fraction(0), Fraction(10), half), 0.5),
        "theorem2_S_np": (lambda: theorem2_S_np(Fraction(0), 10, 10, half), 0.55),
    }


@pytest.mark.parametrize("name", sorted(_twins()))
def test_numpy_twins_take_exact_numbers_and_return_float64(name):
    call, expected = _twins()[name]
    out = call()
    assert out.dtype == np.float64
    assert float(out) == pytest.approx(expected, rel=1e-12)
