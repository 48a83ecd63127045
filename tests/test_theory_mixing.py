"""Closed forms of ``collapse_utils.theory.mixing`` against exact arithmetic and Monte Carlo of ``simulate_chain``."""

from itertools import combinations

import numpy as np
import pytest
import sympy as sp
from stats_helpers import assert_mean_below, assert_mean_close

from collapse_utils.chains import simulate_chain
from collapse_utils.sampling import sample_counts
from collapse_utils.theory import mixing as mx
from collapse_utils.theory.core import S0, m, n, numeric, s_tilde

P4 = np.array([0.4, 0.3, 0.2, 0.1])
R = 20_000


def _values(N_value, n_value, S0_value):
    return {mx.N: N_value, n: n_value, S0: S0_value}


def test_derived_recursion_is_the_papers():
    """Proof of Theorem 2: nu^(m) = (1-a)(1+2a) p/N + (1-1/N)(1-a^2) p^2 + beta nu^(m-1), nu^(1) = p/N + (1-1/N) p^2."""
    rec = mx.partially_synthetic_recursion()
    a, p, N = mx.alpha, mx.p, mx.N
    assert sp.simplify(rec["A"] - ((1 - a) * (1 + 2 * a) * p / N + (1 - 1 / N) * (1 - a**2) * p**2)) == 0
    assert sp.simplify(rec["beta"] - mx.beta) == 0
    assert sp.simplify(rec["nu1"] - (p / N + (1 - 1 / N) * p**2)) == 0


@pytest.mark.parametrize("N_value, n_value, S0_value", [(20, 30, sp.Rational(3, 10)), (100, 10, sp.Rational(1, 10)), (7, 200, sp.Rational(2, 3))])
def test_theorem2_erratum_exact(N_value, n_value, S0_value):
    """Eq. (9) with '+' equals the solved recursion exactly (rationals); the printed '-' does not."""
    S = mx.partially_synthetic_S().subs(_values(N_value, n_value, S0_value))
    plus = mx.theorem2_S(+1).subs(_values(N_value, n_value, S0_value))
    minus = mx.theorem2_S(-1).subs(_values(N_value, n_value, S0_value))
    for k in range(1, 8):
        exact = sp.simplify(S.subs(m, k + 1))
        assert exact.is_Rational
        assert sp.simplify(plus.subs(m, k) - exact) == 0
        assert sp.simplify(minus.subs(m, k) - exact) != 0


def test_partially_synthetic_S_and_deviation_monte_carlo():
    """Theorem 2 (corrected) for S_m, and E||p^(m) - p^(1)||_2^2 = S_m - S_1, against simulate_chain."""
    N_value, n_value, gens = 20, 30, 8
    res = simulate_chain(P4, n=n_value, n_real=N_value, generations=gens, scheme="partially-synthetic", replicas=R, seed=11)
    S = numeric(mx.partially_synthetic_S(), [m, mx.N, n, S0])
    ms = np.array([1, 2, 3, 8])
    s0 = float(P4 @ P4)
    assert_mean_close(res.collision[ms], S(ms, N_value, n_value, s0), axis=1, what="S_m")
    dev2 = ((res.probs[ms] - res.probs[1]) ** 2).sum(axis=2)
    assert_mean_close(dev2[1:], S(ms[1:], N_value, n_value, s0) - S(1, N_value, n_value, s0), axis=1, what="dev2")


def test_printed_theorem2_is_rejected_by_monte_carlo():
    """The printed '-' version of eq. (9) is far outside the tolerance at m + 1 = 2 (N = 5, n = 50)."""
    N_value, n_value = 5, 50
    res = simulate_chain(P4, n=n_value, n_real=N_value, generations=2, scheme="partially-synthetic", replicas=R, seed=12)
    minus = numeric(mx.theorem2_S(-1), [m, mx.N, n, S0])(1, N_value, n_value, float(P4 @ P4))
    plus = numeric(mx.theorem2_S(+1), [m, mx.N, n, S0])(1, N_value, n_value, float(P4 @ P4))
    assert_mean_close(res.collision[2], plus, what="'+' formula")
    with pytest.raises(AssertionError):
        assert_mean_close(res.collision[2], minus, what="'-' formula")


def test_stationary_variance_partially_synthetic():
    """Per-token stationary variance p(1-p)(N+3n)/(N^2+2Nn+n) at m = 25 (beta^24 < 1e-8 is negligible)."""
    N_value, n_value = 30, 60
    res = simulate_chain(P4, n=n_value, n_real=N_value, generations=25, scheme="partially-synthetic", replicas=R, seed=13, record="stats")
    var = numeric(mx.stationary()["var_inf"], [mx.p, mx.N, n])(P4, N_value, n_value)
    assert_mean_close((res.final - P4) ** 2, var, axis=0, what="Var_inf")


def test_fresh_real_variance_and_deviation():
    """Fresh-real scheme: v^(m) = p(1-p)/(N+n) + beta v^(m-1) and E(p^(m)-p^(1))^2 = v^(m) + v^(1) - 2 alpha^(m-1) v^(1)."""
    N_value, n_value, gens = 30, 60, 6
    res = simulate_chain(P4, n=n_value, n_real=N_value, generations=gens, scheme="fresh-real", replicas=R, seed=14)
    ms = np.array([1, 2, 3, 6])
    v = numeric(mx.fresh_real_variance(), [m, mx.p, mx.N, n])
    d = numeric(mx.fresh_real_deviation_first(), [m, mx.p, mx.N, n])
    sq = (res.probs[ms] - P4) ** 2
    assert_mean_close(sq, v(ms[:, None], P4, N_value, n_value), axis=1, what="v^(m)")
    dev = (res.probs[ms[1:]] - res.probs[1]) ** 2
    assert_mean_close(dev, d(ms[1:, None], P4, N_value, n_value), axis=1, what="deviation from p^(1)")


def test_random_past_closed_form():
    """Random past: S_m = S_0 + (1-S_0)(1/n + (1-1/n) V_m), and E||p^(m) - p^(1)||_2^2 = S_m - S_0 for m >= 2."""
    n_value, gens = 10, 40
    res = simulate_chain(P4, n=n_value, generations=gens, scheme="random-past", replicas=R, seed=15)
    V = mx.random_past_V(gens, n_value)
    s0 = float(P4 @ P4)
    ms = np.array([1, 2, 5, 40])
    var = 1 / n_value + (1 - 1 / n_value) * V[ms]
    assert_mean_close(res.collision[ms], s0 + (1 - s0) * var, axis=1, what="S_m")
    dev2 = ((res.probs[ms[1:]] - res.probs[1]) ** 2).sum(axis=2)
    assert_mean_close(dev2, (1 - s0) * var[1:], axis=1, what="dev2")


def test_random_past_limit_is_the_product():
    """V_inf = 1 - sin(pi/sqrt n) / ((pi/sqrt n)(1 - 1/n)) is the limit of the product recursion."""
    limit = numeric(mx.random_past_V_limit(), [n])
    for n_value in (2, 10, 100):
        assert np.isclose(limit(n_value), mx.random_past_V(200_000, n_value)[-1], atol=1e-6)


@pytest.mark.parametrize("window", [1, 2, 5])
def test_most_recent_closed_form(window):
    """Most recent K: 1 - S_m = (1 - S_0) h_m with h from the linear window map, at K = 1, 2, 5."""
    n_value, gens = 10, 30
    res = simulate_chain(P4, n=n_value, generations=gens, scheme="most-recent", window=window, replicas=R, seed=16 + window, record="stats")
    h = mx.most_recent_h(gens, n_value, window)
    ms = np.array([1, 2, 3, 7, 15, 30])
    s0 = float(P4 @ P4)
    assert_mean_close(res.collision[ms], 1 - (1 - s0) * h[ms], axis=1, what=f"S_m, K={window}")


def test_most_recent_n_eff():
    """K = 1 is the fully synthetic chain (n_eff = n); h_m decays at rate 1 - 1/n_eff for larger K."""
    assert np.isclose(mx.most_recent_n_eff(10, 1), 10)
    h = mx.most_recent_h(2000, 10, 4)
    assert np.isclose(h[-1] / h[-2], 1 - 1 / mx.most_recent_n_eff(10, 4), rtol=1e-9)


def test_accumulate_closed_form():
    """Accumulate: 1 - V_{m+1} = (1 - V_m)(1 - n/A_{m+1}^2), V_1 = 1/N, per-token variance in units of p(1-p)."""
    N_value, n_value, gens = 10, 10, 20
    res = simulate_chain(P4, n=n_value, n_real=N_value, generations=gens, scheme="accumulate", replicas=R, seed=21)
    V = mx.accumulate_V(gens, n_value, N_value)
    ms = np.array([1, 2, 5, 20])
    assert_mean_close((res.probs[ms] - P4) ** 2, V[ms, None] * P4 * (1 - P4), axis=1, what="accumulate variance")


def test_theorem3_bound_holds_where_informative():
    """Theorem 3 at s = 3, N = 2000, n = 50: the Monte Carlo deviation lies below the bound, which is below 2."""
    N_value, n_value = 2000, 50
    p0 = np.array([0.5, 0.3, 0.2])
    bound = mx.theorem3_bound(N_value, n_value, 3)
    assert bound < 2
    res = simulate_chain(p0, n=n_value, n_real=N_value, generations=20, scheme="partially-synthetic", replicas=2000, seed=22, record="stats")
    assert res.l1_first[2:].mean(axis=1).max() < bound


@pytest.mark.parametrize("n_value", [10, 40, 200])
def test_G_n_takes_each_branch_of_lemma_1_on_its_range(n_value):
    """G_n(s) is C1 s e^{C0 n/(2e)} for s >= C0 n/e + 2, C1 s (C0 n/s)^{s/2} for C0 n/4 + 2 <= s below
    that, and 2^s - 2 below C0 n/4 + 2: each branch is checked just inside both ends of its range."""
    low, high = mx.C0 * n_value / 4 + 2, mx.C0 * n_value / np.e + 2
    for s in (high, high * 1.01):
        assert mx.G_n(n_value, s) == pytest.approx(mx.C1 * s * np.exp(mx.C0 * n_value / (2 * np.e)), rel=1e-12)
    for s in (low, 0.5 * (low + high), high * 0.999):
        assert mx.G_n(n_value, s) == pytest.approx(mx.C1 * s * (mx.C0 * n_value / s) ** (s / 2), rel=1e-12)
    for s in (1.0, low * 0.999):
        assert mx.G_n(n_value, s) == pytest.approx(2.0**s - 2, rel=1e-12, abs=1e-12)


def test_theorem3_is_vacuous_at_the_papers_sizes():
    """At N = 100, n = 10, s = 600 (Figures 3-4) the bound exceeds the trivial bound ||.||_1 <= 2 by far."""
    assert mx.theorem3_bound(100, 10, 600) > 1e4
    assert mx.corollary11_max_n(100, 600, 0.1) < 1


def test_tolerance_line_inverts_the_ratio():
    for N_value, eta in [(100, 0.1), (1000, 0.25)]:
        n_star = mx.tolerance_n(N_value, eta)
        a = n_star / (N_value + n_star)
        assert np.isclose((1 - 1 / N_value) * a / (1 + (1 + 1 / N_value) * a), eta)
    assert mx.tolerance_n(100, 0.5) == np.inf


def test_law_with_S0():
    p0 = mx.law_with_S0(600, 52, 0.1)
    assert np.count_nonzero(p0) == 52 and np.isclose(p0.sum(), 1) and np.isclose(p0 @ p0, 0.1, rtol=1e-12)
    with pytest.raises(ValueError, match="S0_value"):
        mx.law_with_S0(600, 52, 0.01)
    with pytest.raises(ValueError, match="support"):
        mx.law_with_S0(10, 52, 0.1)


# ---- Theorem 4, the no-collapse bound and the book's deviation bound -----------------------------


def test_most_balanced_split_matches_brute_force():
    """pi_q = max_A min{q(A), 1 - q(A)} by the subset-sum recursion equals enumeration of all subsets."""
    rng = np.random.default_rng(0)
    counts = sample_counts(np.tile(np.full(6, 1 / 6), (30, 1)), 17, rng)
    got = mx.most_balanced_split(counts)
    for row, value in zip(counts, got):
        masses = [sum(row[list(A)]) for r in range(7) for A in combinations(range(6), r)]
        assert value == max(min(x, 17 - x) for x in masses) / 17
    assert mx.most_balanced_split([5, 5]) == 0.5 and mx.most_balanced_split([9, 1]) == 0.1
    with pytest.raises(ValueError, match="counts"):
        mx.most_balanced_split([[1, 2], [1, 1]])


def test_varphi_value_matches_sympy_and_its_limit():
    """varphi(x) = ln((1-x)/x)/(1-2x) decreases to varphi(1/2) = 2; the NumPy path fills the removable singularity."""
    xs = np.array([0.05, 0.2, 0.4, 0.49, 0.49995, 0.5])
    exact = [2.0 if v == 0.5 else float(mx.varphi().subs(mx.x, v)) for v in xs]
    assert np.allclose(mx.varphi_value(xs), exact, rtol=1e-9)
    assert np.all(np.diff(mx.varphi_value(xs)) < 0)
    with pytest.raises(ValueError, match="x_value"):
        mx.varphi_value(0.6)


def test_theorem4_proof_step_and_zeta():
    """The printed step drops N n / (2 (N+n)^2); Theorem 4 at zeta = 1/2 is Theorem 3."""
    step = mx.theorem4_zeta_step()
    assert sp.simplify(step["gap"] - mx.N * n / (2 * (mx.N + n) ** 2)) == 0
    assert sp.simplify(2 * step["printed"] - mx.theorem4_zeta()) == 0
    assert np.isclose(mx.theorem4_bound(100, 10, 600, 0.5), mx.theorem3_bound(100, 10, 600), rtol=1e-12)
    assert mx.theorem4_bound(100, 10, 600, 0.3) < mx.theorem3_bound(100, 10, 600)


def test_theorem4_step3_holds_at_figure4_sizes():
    """E pi_(p^(k)) <= zeta (printed) along the chain, N = 100, n = 10, 52-token law with S_0 = 0.4 (one-sided rule)."""
    law = mx.law_with_S0(600, 52, 0.4)
    law = law[law > 0]
    rng = np.random.default_rng(5)
    pi1 = mx.most_balanced_split(sample_counts(np.tile(law, (4000, 1)), 100, rng))
    lam1 = float(np.mean(pi1 * (1 - pi1)))
    zeta = float(mx.theorem4_zeta().subs({mx.Lambda1: lam1, mx.N: 100, n: 10}))
    assert zeta < 0.49  # informative here: below the trivial pi <= 1/2
    res = simulate_chain(law, n=10, n_real=100, generations=20, scheme="partially-synthetic", replicas=1000, seed=6)
    pis = np.array([mx.most_balanced_split(np.rint(res.probs[k] * 110).astype(int)) for k in (2, 5, 10, 20)])
    assert_mean_below(pis, zeta, axis=1, what="E pi_k <= zeta")


def test_no_collapse_gamma_is_the_stationary_value_and_is_reached():
    """S_m < 1 - gamma (Seddik App. B.3) with equality in the limit: Monte Carlo S_60 = 1 - gamma, S_m below it.

    At m = 60 the gap (1 - 1/N)(alpha/N)(1 - S_0) beta^(m-1) / D is below 1e-6 (beta <= 0.79), far inside the tolerance.
    """
    assert sp.simplify(1 - mx.no_collapse_gamma() - mx.stationary()["S_inf"]) == 0
    gamma = numeric(mx.no_collapse_gamma(), [mx.N, n, S0])
    floor = numeric(mx.no_collapse_gamma_floor(), [sp.Symbol("alpha", positive=True), S0])
    s0 = float(P4 @ P4)
    for N_value, n_value in [(2, 20), (10, 10)]:
        res = simulate_chain(P4, n=n_value, n_real=N_value, generations=60, scheme="partially-synthetic",
                             replicas=10_000, seed=30 + N_value, record="stats")
        ceiling = 1 - gamma(N_value, n_value, s0)
        assert_mean_close(res.collision[60], ceiling, what=f"S_60 = 1 - gamma (N={N_value})")
        assert_mean_below(res.collision[[1, 2, 5, 20]], ceiling, axis=1, what="S_m < 1 - gamma")
        a_value = n_value / (N_value + n_value)
        assert floor(a_value, s0) <= gamma(N_value, n_value, s0) + 1e-15 < 1 - s0 + 1e-15
    assert np.isclose(gamma(2, 20, s0), floor(20 / 22, s0))


def test_deviation_bound_derivation():
    """u_(k+1) = alpha (c + u_k), u_1 = 0 solves to c alpha (1 - alpha^k)/(1 - alpha) < c n / N; binomial variance q(1-q)/n."""
    dev = mx.deviation_bound_step()
    c, k = dev["c"], dev["k"]
    a = mx.alpha
    for kv in range(1, 6):  # the recursion, exactly, at N = 7, n = 3
        at = {mx.N: 7, n: 3, c: 1}
        assert sp.simplify((dev["u"].subs(k, kv + 1) - a * (c + dev["u"].subs(k, kv))).subs(at)) == 0
    assert dev["u"].subs(k, 0) == 0
    assert sp.simplify(dev["limit"] - c * n / mx.N) == 0
    q = sp.Symbol("q", positive=True)
    assert sp.simplify(dev["mad"] - q * (1 - q) / n) == 0
    b = {key: numeric(e, [mx.N, n, s_tilde, S0, mx.R]) for key, e in mx.deviation_bounds().items()}
    law = mx.law_with_S0(600, 52, 0.1)
    law = law[law > 0]
    args = (100, 10, 52, float(law @ law), mx.root_spread(law))
    assert b["l2"](*args) < b["p"](*args) < b["S0"](*args) < b["support"](*args)
    assert np.isclose(b["support"](*args), np.sqrt(510) / 100)


@pytest.mark.parametrize("N_value, n_value", [(30, 3), (30, 100), (300, 10), (3000, 1000)])
def test_deviation_bound_monte_carlo(N_value, n_value):
    """E||p^(m) - p^(1)||_1 < sqrt(n (1-1/N)) R / N (book's bound) and < the exact-second-moment bound, m = 2..25."""
    law = mx.law_with_S0(600, 52, 0.1)
    law = law[law > 0]
    res = simulate_chain(law, n=n_value, n_real=N_value, generations=25, scheme="partially-synthetic",
                         replicas=2000, seed=N_value + n_value, record="stats")
    bounds = {key: numeric(e, [mx.N, n, S0, mx.R])(N_value, n_value, float(law @ law), mx.root_spread(law))
              for key, e in mx.deviation_bounds().items() if key in ("p", "l2")}
    ms = [2, 5, 25]
    assert_mean_below(res.l1_first[ms], bounds["p"], axis=1, what="triangle-inequality bound")
    assert_mean_below(res.l1_first[ms], bounds["l2"], axis=1, what="second-moment bound")


def test_numpy_twins_equal_the_sympy_expressions():
    """The explorers' NumPy twins agree with the derived SymPy expressions on a grid."""
    ms, Ns, ns, s0s = np.meshgrid([1, 2, 5, 40, 199], [10, 100, 1000], [1, 10, 999], [0.05, 0.1, 0.5], indexing="ij")
    S = numeric(mx.theorem2_S(+1), [m, mx.N, n, S0])
    np.testing.assert_allclose(mx.theorem2_S_np(ms, Ns, ns, s0s), S(ms, Ns, ns, s0s), rtol=1e-12)
    v = numeric(mx.fresh_real_variance_ratio(), [m, mx.N, n])
    np.testing.assert_allclose(mx.fresh_real_variance_ratio_np(ms, Ns, ns), v(ms, Ns, ns), rtol=1e-12)


def test_sum_over_tokens_rejects_what_it_cannot_sum():
    """A cubic term or a term free of p has no sum in terms of S_0 alone: ValueError naming expr."""
    for bad in (mx.p**3 + mx.p, 1 + mx.p):
        with pytest.raises(ValueError, match="expr"):
            mx.sum_over_tokens(bad)


def test_tolerance_n_is_infinite_where_the_ratio_never_reaches_eta():
    """R = (1 - 1/N) alpha / (1 + (1 + 1/N) alpha) < (1 - 1/N) / (2 + 1/N): larger eta are met by every n."""
    for N_value, eta in [(100, 0.5), (100, 0.99), (3, 0.5), (2, 0.2)]:
        ceiling = (1 - 1 / N_value) / (2 + 1 / N_value)
        assert eta >= ceiling and mx.tolerance_n(N_value, eta) == np.inf


def test_corollary11_is_the_printed_formula_and_suffices_for_theorem3():
    """Corollary (11) evaluated exactly in SymPy on both sides of its min, and the sizes it allows keep
    Theorem 3's bound below eps (G_n in its first branch there)."""
    Nv, sv, ev = sp.symbols("N s epsilon", positive=True)
    printed = 2 * sp.pi * sp.exp(-2) * sp.Min(sv - 2, sp.log(sp.sqrt(2) * sp.pi * Nv * ev / (6 * sp.E * sv)))
    for N_value, s, eps in [(10**4, 5, sp.Rational(1, 10)), (10**4, 100, sp.Rational(1, 10)), (10**6, 50, sp.Rational(1, 100))]:
        exact = float(printed.subs({Nv: N_value, sv: s, ev: eps}))
        n_max = mx.corollary11_max_n(N_value, s, float(eps))
        assert n_max == pytest.approx(exact, rel=1e-12)
        for n_value in (n_max / 4, n_max):
            assert mx.theorem3_bound(N_value, n_value, s) < eps


def test_random_past_V_starts_at_zero_and_follows_its_recursion():
    """V_0 = V_1 = 0 and 1 - V_{m+1} = (1 - V_m)(1 - 1/(n (m+1)^2))."""
    V = mx.random_past_V(6, 7)
    assert V[0] == 0 and V[1] == 0
    ms = np.arange(1, 6)
    np.testing.assert_allclose(1 - V[2:], (1 - V[1:-1]) * (1 - 1 / (7 * (ms + 1) ** 2)), rtol=1e-14)


def test_accumulate_V_is_exact_for_large_corpora():
    """No integer overflow: with sizes A_m beyond 3e9 the recursion still matches exact rational arithmetic."""
    from fractions import Fraction

    n_value, N_value, gens = 4 * 10**9, 2, 4
    exact = [Fraction(0), Fraction(1, N_value)]
    for k in range(1, gens):
        exact.append(1 - (1 - exact[-1]) * (1 - Fraction(n_value, (N_value + k * n_value) ** 2)))
    np.testing.assert_allclose(mx.accumulate_V(gens, n_value, N_value), [float(v) for v in exact], rtol=1e-14)


def test_most_recent_window_may_be_as_large_as_n():
    """K = n (one sample per model) is allowed; h_m then decays at rate 1 - 1/n_eff as for smaller K."""
    h = mx.most_recent_h(3000, 3, 3)
    assert np.isclose(h[-1] / h[-2], 1 - 1 / mx.most_recent_n_eff(3, 3), rtol=1e-9)


def test_theorem4_corrected_zeta_is_twice_the_proved_bound():
    step = mx.theorem4_zeta_step()
    assert sp.simplify(mx.theorem4_zeta(corrected=True) - 2 * step["proved"]) == 0
    assert sp.simplify(mx.theorem4_zeta(corrected=True) - mx.theorem4_zeta() - mx.alpha * (1 - mx.alpha)) == 0


@pytest.mark.parametrize("zeta", [0.0, -0.1, 0.6])
def test_theorem4_bound_refuses_zeta_outside_its_range(zeta):
    with pytest.raises(ValueError, match="zeta"):
        mx.theorem4_bound(100.0, 10.0, 3.0, zeta)


def test_l2_deviation_bound_is_the_stationary_second_moment():
    """(l2 / R)^2 = (nu_inf - nu^(1)) / (p (1 - p)): the exact per-token E(p_i^(inf) - p_i^(1))^2 in units of p(1-p)."""
    nu1 = mx.partially_synthetic_recursion()["nu1"]
    nu_inf = mx.stationary()["var_inf"] + mx.p**2
    per_token = sp.simplify((nu_inf - nu1) / (mx.p * (1 - mx.p)))
    assert sp.simplify(per_token - (mx.deviation_bounds()["l2"] / mx.R) ** 2) == 0


def test_root_spread_meets_cauchy_schwarz_with_equality_for_uniform_laws():
    """R = sum_i sqrt(p_i (1 - p_i)) <= sqrt(s (1 - S_0)), with equality exactly when p is uniform."""
    for s in (2, 5, 40):
        assert mx.root_spread(np.full(s, 1 / s)) == pytest.approx(np.sqrt(s - 1), rel=1e-12)
    assert mx.root_spread(P4) < np.sqrt(4 * (1 - P4 @ P4))


def test_most_balanced_split_of_a_single_count_and_of_nothing():
    """One count: the best subset below half is empty (pi = 0); a histogram with no counts is refused."""
    assert mx.most_balanced_split([1, 0, 0]) == 0.0
    with pytest.raises(ValueError, match="counts"):
        mx.most_balanced_split([0, 0, 0])
