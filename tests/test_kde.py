"""Self-consuming Gaussian KDE: the book's exact recursions and the closed-form ISE."""

import numpy as np
import pytest
import sympy as sp

from collapse_utils.kde import kde_ise, simulate_kde
from collapse_utils.theory.core import iterate_affine
from collapse_utils.theory.kde import h, kde_variance, mise0, mixed_recursion, n, phi, sigma0, t
from stats_helpers import assert_mean_close

GENS = [0, 1, 5, 25]


def test_fully_synthetic_variance():
    """E v_t = n h^2 + (E v_0 - n h^2)(1 - 1/n)^t (theory.kde.kde_variance), v_t = points' variance + h^2."""
    nn, hh = 20, 0.4
    formula = kde_variance().subs({n: nn, h: hh, sigma0: 1.3})
    res = simulate_kde(n=nn, h=hh, sigma0=1.3, generations=max(GENS), replicas=15_000, ise=False, seed=1)
    expected = [float(formula.subs(t, g)) for g in GENS]
    assert_mean_close(res.var[GENS] + hh**2, expected, axis=1, what="E v_t")
    closed = nn * hh**2 + ((1 - 1 / nn) * 1.3**2 + hh**2 - nn * hh**2) * (1 - 1 / nn) ** np.array(GENS)
    np.testing.assert_allclose(expected, closed, rtol=1e-12)


@pytest.mark.parametrize("frac", [0.2, 0.5])
def test_mixed_recursion(frac):
    """(E v_t, E xbar_t^2) follows the exact recursion theory.kde.mixed_recursion with fresh real data."""
    nn, hh = 20, 0.5
    A, b, x0 = (np.array(m.subs({n: nn, h: hh, sigma0: 1, phi: frac}), dtype=float) for m in mixed_recursion())
    xs = iterate_affine(A, b, x0, max(GENS))
    res = simulate_kde(n=nn, h=hh, real_fraction=frac, generations=max(GENS), replicas=30_000, ise=False, seed=2)
    assert res.n_real == round(frac * nn)
    assert_mean_close(res.var[GENS] + hh**2, xs[GENS, 0], axis=1, what="E v_t")
    assert_mean_close(res.mean[GENS] ** 2, xs[GENS, 1], axis=1, what="E xbar_t^2")


def test_ise_closed_form_matches_quadrature():
    """The Gaussian-convolution ISE equals a fine numerical integral (deterministic check)."""
    rng = np.random.default_rng(0)
    pts = rng.normal(0.3, 1.4, size=(3, 17))
    grid = np.linspace(-15, 15, 60_001)
    for hh, s0 in [(0.2, 1.0), (0.7, 2.0)]:
        kde = np.exp(-0.5 * ((grid[:, None, None] - pts) / hh) ** 2).mean(-1) / (hh * np.sqrt(2 * np.pi))
        truth = np.exp(-0.5 * (grid / s0) ** 2) / (s0 * np.sqrt(2 * np.pi))
        numeric = np.trapezoid((kde - truth[:, None]) ** 2, grid, axis=0)
        np.testing.assert_allclose(kde_ise(pts, hh, s0, chunk=300), numeric, rtol=1e-8)


def test_mise_at_generation_zero():
    """E ISE_0 = theory.kde.mise0 (n i.i.d. real points)."""
    res = simulate_kde(n=15, h=0.3, generations=1, replicas=20_000, seed=3)
    assert_mean_close(res.ise[0], float(mise0().subs({n: 15, h: 0.3, sigma0: 1})), what="MISE_0")


def test_stationary_large_n_limit():
    """The exact stationary variance tends to sigma0^2 + h^2 / phi as n grows (first-order reconstruction)."""
    A, b, _ = mixed_recursion()
    v_star = sp.simplify((sp.eye(2) - A).LUsolve(b))[0]
    assert sp.simplify(sp.limit(v_star, n, sp.oo) - (sigma0**2 + h**2 / phi)) == 0


@pytest.mark.parametrize("bad", [0.0, -0.2, np.nan])
def test_bad_bandwidth_raises(bad):
    with pytest.raises(ValueError, match="h"):
        simulate_kde(n=10, h=bad, generations=2)
    with pytest.raises(ValueError, match="h"):
        kde_ise(np.zeros((1, 3)), bad)


def test_bad_real_fraction_raises():
    with pytest.raises(ValueError, match="real_fraction"):
        simulate_kde(n=10, h=0.3, generations=2, real_fraction=1.2)


def test_numpy_twin_of_the_mixed_recursion_equals_the_sympy_derivation():
    import sympy as sp

    from collapse_utils.theory import kde as th

    exact = [sp.lambdify((th.h, th.n, th.phi), part.subs(th.sigma0, 1)) for part in th.mixed_recursion()]
    for h in (0.05, 0.3, 1.0):
        for n in (10, 50, 200):
            for w in (0.0, 0.25, 1.0):
                for twin, ref in zip(th.mixed_recursion_np(h, n, w), exact):
                    np.testing.assert_allclose(twin, np.asarray(ref(h, n, w), dtype=float).reshape(twin.shape),
                                               rtol=1e-12, atol=1e-15)


def test_ise_work_guard_counts_the_pairs():
    """kde_ise costs n^2 / 2 kernel evaluations per replica: refused at a quarter of that, accepted at four times."""
    from collapse_utils.validation import limits

    x = np.random.default_rng(0).standard_normal((2, 300))
    pairs = 2 * 300**2 / 2
    with limits(work=pairs / 4), pytest.raises(ValueError, match="n=300"):
        kde_ise(x, 0.3)
    with limits(work=4 * pairs):
        assert kde_ise(x, 0.3).shape == (2,)


def test_simulate_kde_shapes_ise_and_smallest_n():
    """Every statistic has generations + 1 rows; the recorded ISE is kde_ise of the points against N(0, sigma0^2)
    (sigma0 != 1 here); n = 1 is refused (a KDE of one point has no spread to estimate)."""
    res = simulate_kde(n=20, h=0.4, generations=3, sigma0=2.0, replicas=5, seed=1)
    assert res.var.shape == res.mean.shape == res.ise.shape == (4, 5)
    np.testing.assert_allclose(res.ise[-1], kde_ise(res.points, 0.4, sigma0=2.0), rtol=1e-12)
    with pytest.raises(ValueError, match="n"):
        simulate_kde(n=1, h=0.3, generations=2)


def test_simulate_kde_work_guard_without_ise():
    """Without the ISE a generation costs about 10 n operations per replica: refused at a quarter, accepted at 4x."""
    from collapse_utils.validation import limits

    work = 4 * 50 * 10 * 2000
    with limits(work=work / 4), pytest.raises(ValueError, match="n=2000"):
        simulate_kde(n=2000, h=0.3, generations=3, replicas=50, ise=False, seed=0)
    with limits(work=4 * work):
        assert simulate_kde(n=2000, h=0.3, generations=3, replicas=50, ise=False, seed=0).ise is None
