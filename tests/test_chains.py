"""simulate_chain and collapse_times: shapes, invariants and exact facts."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ks_2samp

from collapse_utils import SCHEMES, STATISTICS, collapse_times, simulate_chain, temper
from collapse_utils.theory import S0, fully_synthetic_S, m, n, numeric
from stats_helpers import FALSE_FAILURE, assert_mean_close

P0 = np.array([0.5, 0.3, 0.15, 0.05])



def _scheme_kwargs(scheme: str, n_real: int, window: int) -> dict:
    """The scheme-specific arguments a scheme uses (simulate_chain refuses the others)."""
    from collapse_utils.chains import _NEEDS_REAL

    kw = {"n_real": n_real} if scheme in _NEEDS_REAL else {}
    return {**kw, "window": window} if scheme == "most-recent" else kw

def kw(scheme: str) -> dict:
    """The arguments ``scheme`` uses: a real corpus or a window (others are refused when set)."""
    return {"n_real": 20} if scheme in ("partially-synthetic", "fresh-real", "accumulate") else (
        {"window": 3} if scheme == "most-recent" else {})


@pytest.mark.parametrize("scheme", SCHEMES)
def test_shapes(scheme):
    res = simulate_chain(P0, n=12, generations=5, scheme=scheme, replicas=7, seed=0, **kw(scheme))
    assert res.probs.shape == (6, 7, 4)
    np.testing.assert_array_equal(res.probs[0], np.broadcast_to(P0, (7, 4)))
    np.testing.assert_array_equal(res.final, res.probs[-1])
    for name in STATISTICS:
        assert res.stats[name].shape == (6, 7)
    stats_only = simulate_chain(P0, n=12, generations=5, scheme=scheme, replicas=7, seed=0, record="stats", **kw(scheme))
    for name in STATISTICS:
        np.testing.assert_allclose(stats_only.stats[name], res.stats[name])


def test_statistics_are_what_they_say():
    res = simulate_chain(P0, n=9, generations=4, replicas=5, seed=1)
    probs = res.probs
    np.testing.assert_allclose(res.collision, (probs**2).sum(-1))
    np.testing.assert_allclose(res.max_prob, probs.max(-1))
    np.testing.assert_array_equal(res.support, (probs > 0).sum(-1))
    np.testing.assert_allclose(res.l1_first, np.abs(probs - probs[1]).sum(-1))
    np.testing.assert_allclose(res.stats["l1_truth"], np.abs(probs - P0).sum(-1))
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -np.nansum(np.where(probs > 0, probs * np.log(probs), 0.0), axis=-1)
    np.testing.assert_allclose(res.stats["entropy"], ent)


# ---------------------------------------------------------------- invariants (hypothesis)
probs_strategy = st.lists(st.floats(0, 1), min_size=2, max_size=8).filter(lambda v: sum(v) > 0.1).map(
    lambda v: np.array(v) / sum(v)
)


@settings(max_examples=40, deadline=None)
@given(p0=probs_strategy, n=st.integers(1, 40), scheme=st.sampled_from(SCHEMES), seed=st.integers(0, 2**32))
def test_models_stay_on_the_simplex(p0, n, scheme, seed):
    extra = {"n_real": 5} if scheme in ("partially-synthetic", "fresh-real", "accumulate") else {}
    extra.update({"window": min(n, 3)} if scheme == "most-recent" else {})
    res = simulate_chain(p0, n=n, generations=6, scheme=scheme, replicas=3, seed=seed, **extra)
    assert np.all(res.probs >= 0)
    np.testing.assert_allclose(res.probs.sum(-1), 1.0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(p0=probs_strategy, n=st.integers(1, 40), seed=st.integers(0, 2**32))
def test_dead_tokens_stay_dead_when_fully_synthetic(p0, n, seed):
    res = simulate_chain(p0, n=n, generations=8, replicas=4, seed=seed)
    dead = res.probs[1:-1] == 0
    assert np.all(res.probs[2:][dead] == 0)
    # and each model is a histogram of n samples
    np.testing.assert_allclose(res.probs[1:] * n, np.round(res.probs[1:] * n), atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(scheme=st.sampled_from(SCHEMES), seed=st.integers(0, 2**32))
def test_same_seed_same_result(scheme, seed):
    a = simulate_chain(P0, n=15, generations=5, scheme=scheme, replicas=4, seed=seed, **kw(scheme))
    b = simulate_chain(P0, n=15, generations=5, scheme=scheme, replicas=4, seed=seed, **kw(scheme))
    np.testing.assert_array_equal(a.probs, b.probs)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_replicas_are_independent(scheme):
    """Replicas differ, and the correlation of a statistic across two halves of the replicas is ~0."""
    res = simulate_chain(P0, n=20, generations=5, scheme=scheme, replicas=4000, seed=3, record="stats", **kw(scheme))
    last = res.stats["l1_truth"][-1]
    assert len(np.unique(last)) > 10
    a, b = last[:2000], last[2000:]
    corr = np.corrcoef(a, b)[0, 1]
    # Under independence corr ~ N(0, 1/2000); 4.42 standard errors is a 1e-5 false-failure rate.
    assert abs(corr) < 4.42 / np.sqrt(2000)


# ---------------------------------------------------------------- exact facts against Monte Carlo
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_model_is_unbiased(scheme):
    """E[p^(m)] = p^(0) in every scheme (Seddik et al. 2024, §2.2): each fit is an average of unbiased samples."""
    res = simulate_chain(P0, n=20, generations=12, scheme=scheme, replicas=20_000, seed=11, **kw(scheme))
    assert_mean_close(res.probs[[1, 6, 12]], P0, axis=1, what=f"martingale, {scheme}")


@pytest.mark.parametrize("n_samples, S_start", [(10, P0), (50, np.full(5, 0.2))])
def test_theorem1_sigma_recursion(n_samples, S_start):
    """Seddik et al. (2024) Theorem 1, eq. (6): E[sigma_m] = 1 - (1 - 1/n)^m (1 - S_0)."""
    generations = 40
    res = simulate_chain(S_start, n=n_samples, generations=generations, replicas=20_000, seed=5, record="stats")
    S = numeric(fully_synthetic_S(), [m, n, S0])
    expected = S(np.arange(generations + 1), n_samples, float(S_start @ S_start))
    assert_mean_close(res.collision, expected, axis=1, what="Theorem 1")


def test_fixation_probabilities_equal_initial_frequencies():
    """Seddik et al. (2024) Proposition 1: P(p^(m) -> delta_i) = p_i (the Bernoulli sd is known)."""
    res = collapse_times(P0, n=10, replicas=20_000, seed=2)
    assert np.all(np.isfinite(res.times))
    hits = res.token[None, :] == np.arange(P0.size)[:, None]
    assert_mean_close(hits, P0, axis=1, sd=np.sqrt(P0 * (1 - P0)), what="Proposition 1")


def test_collapse_times_agree_with_the_chain():
    """P(T <= m) from collapse_times equals rho_m = P(||p^(m)||_inf = 1) from simulate_chain (two-sample KS)."""
    gens = 60
    a = collapse_times(P0, n=8, replicas=5000, seed=1).times
    chain = simulate_chain(P0, n=8, generations=gens, replicas=5000, seed=2, record="stats")
    collapsed = chain.max_prob[1:] == 1
    b = np.where(collapsed.any(axis=0), collapsed.argmax(axis=0) + 1.0, np.inf)
    assert ks_2samp(np.minimum(a, gens + 1), np.minimum(b, gens + 1)).pvalue > FALSE_FAILURE


def test_collapse_time_censoring():
    res = collapse_times(np.full(50, 0.02), n=1000, replicas=3, max_generations=5, seed=0)
    assert np.all(np.isinf(res.times)) and np.all(res.token == -1)


def test_temper():
    p = np.array([[0.5, 0.3, 0.2, 0.0]])
    same = temper(p, 1.0)
    np.testing.assert_array_equal(same, p)
    same[0, 0] = 0.0  # a copy: changing it leaves the input alone
    assert p[0, 0] == 0.5
    cold = temper(p, 0.5)
    np.testing.assert_allclose(cold, np.array([[25, 9, 4, 0]]) / 38)
    hot = temper(p, 1e6)
    np.testing.assert_allclose(hot[0, :3], 1 / 3, atol=1e-5)
    assert hot[0, 3] == 0


# ---------------------------------------------------------------- what each scheme trains on
def _expected_next(scheme, probs, m, p0, *, n, n_real, window, T):
    """E[p^(m) | p^(0..m-1)] for every replica: the mixture of the sources generation m draws from.

    Written from the scheme descriptions of ``simulate_chain`` (a model generates at temperature T,
    the truth p0 never does), independently of its code.
    """
    tau = [np.broadcast_to(p0, probs[1].shape) if t == 0 else temper(probs[t], T) for t in range(m)]
    if m == 1:
        return np.broadcast_to(p0, probs[1].shape)
    if scheme == "fully-synthetic":
        return tau[m - 1]
    if scheme == "partially-synthetic":  # the real corpus is p^(1) N, reused
        return (n_real * probs[1] + n * tau[m - 1]) / (n_real + n)
    if scheme == "fresh-real":
        return (n_real * p0 + n * tau[m - 1]) / (n_real + n)
    if scheme == "accumulate":  # p^(m-1) holds N + (m - 2) n tokens, kept
        kept = n_real + (m - 2) * n
        return (kept * probs[m - 1] + n * tau[m - 1]) / (kept + n)
    if scheme == "most-recent":
        return np.mean(tau[max(0, m - window):m], axis=0)
    assert scheme == "random-past"
    return np.mean(tau, axis=0)


@pytest.mark.parametrize("T", [0.6, 1.0, 2.0])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_generation_trains_on_what_its_scheme_says(scheme, T):
    """E[p^(m) | past] is the scheme's mixture of tempered models and untempered truth, at every m.

    The residual p^(m) - E[p^(m) | past] has mean exactly zero whatever the past (a martingale
    difference), so its replica mean is compared with 0 by the shared tolerance rule.  A real corpus
    tempered, or a past model added untempered, moves the mean by several hundred standard errors.
    """
    n_samples, n_real, window, gens = 24, 12, 2, 5
    res = simulate_chain(P0, n=n_samples, generations=gens, scheme=scheme, **_scheme_kwargs(scheme, n_real, window),
                         replicas=6000, seed=21, temperature=T)
    residual = np.stack([
        res.probs[m] - _expected_next(scheme, res.probs, m, P0, n=n_samples, n_real=n_real, window=window, T=T)
        for m in range(1, gens + 1)
    ])
    assert_mean_close(residual, 0.0, axis=1, what=f"{scheme}, T={T}")


@pytest.mark.parametrize("scheme", ["fully-synthetic", "partially-synthetic", "accumulate", "most-recent"])
def test_statistics_are_exact_when_dead_tokens_are_packed_away(scheme):
    """With 40 tokens and n = 4 most tokens die and the arrays are packed onto the live ones; every
    statistic, in particular ||p^(m) - p^(1)||_1 over tokens that p^(1) had and that are dead now,
    equals its dense value, with record="all" and record="stats"."""
    p0 = np.r_[np.linspace(2.0, 0.5, 40), 0.0, 0.0]
    p0 /= p0.sum()
    kw = dict(n=4, generations=12, scheme=scheme, replicas=50, seed=8, **_scheme_kwargs(scheme, 3, 2))
    res = simulate_chain(p0, **kw)
    probs = res.probs
    if scheme in ("fully-synthetic", "most-recent"):  # with a reused real corpus p^(1)'s tokens never die
        lost = (probs[1] > 0) & (probs[-1] == 0)
        assert lost.any(axis=1).mean() > 0.5, "the test must drop tokens that p^(1) still has"
    assert (probs[-1] > 0).sum(axis=1).max() <= 0.75 * 40, "the test must trigger packing"
    with np.errstate(divide="ignore", invalid="ignore"):
        dense = {
            "collision": (probs**2).sum(-1),
            "max": probs.max(-1),
            "support": (probs > 0).sum(-1),
            "entropy": -np.where(probs > 0, probs * np.log(probs), 0.0).sum(-1),
            "l1_first": np.abs(probs - probs[1]).sum(-1),
            "l1_truth": np.abs(probs - p0).sum(-1),
        }
    stats_only = simulate_chain(p0, record="stats", **kw)
    for name, value in dense.items():
        np.testing.assert_allclose(res.stats[name], value, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(stats_only.stats[name], value, atol=1e-12, err_msg=name)
    np.testing.assert_array_equal(stats_only.final, probs[-1])


def test_collision_has_one_name():
    res = simulate_chain(P0, n=9, generations=3, replicas=4, seed=2, record="stats")
    assert "sigma" not in res.stats and not hasattr(res, "sigma"), "one name per concept: collision"


def test_chain_statistics_are_their_definitions():
    """Each statistic of ``chain_statistics`` against its formula, on rows with a dead token."""
    from collapse_utils.chains import chain_statistics

    rng = np.random.default_rng(11)
    probs, first, truth = (rng.dirichlet(np.ones(5), size=4) for _ in range(3))
    probs[:, 2] = 0.0
    probs /= probs.sum(axis=1, keepdims=True)
    got = chain_statistics(probs, first, truth)
    live = np.where(probs > 0, probs, 1.0)
    want = {
        "collision": (probs**2).sum(axis=1),
        "max": probs.max(axis=1),
        "support": np.full(4, 4),
        "entropy": -(probs * np.log(live)).sum(axis=1),
        "l1_first": np.abs(probs - first).sum(axis=1),
        "l1_truth": np.abs(probs - truth).sum(axis=1),
    }
    assert set(got) == set(want) == set(STATISTICS)
    for name in want:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-12, err_msg=name)


@pytest.mark.parametrize("arg", ["probs", "first", "truth"])
@pytest.mark.parametrize(
    "bad, rule", [(np.array([0.5, 0.5]), "must be 2-D"), (np.array([[0.5, 0.6]]), "must sum to 1")]
)
def test_chain_statistics_names_the_bad_argument(arg, bad, rule):
    from collapse_utils.chains import chain_statistics

    good = np.array([[0.5, 0.5]])
    call = dict(probs=good, first=good, truth=good) | {arg: bad}
    with pytest.raises(ValueError, match=rf"^{arg} {rule}"):
        chain_statistics(**call)
    with pytest.raises(ValueError, match="same shape"):
        chain_statistics(**(dict(probs=good, first=good, truth=good) | {arg: np.full((1, 4), 0.25)}))


def test_temper_copies_rows_on_the_simplex_and_normalises_weights():
    """At ``T = 1`` a row that sums to 1 (within PROB_ATOL) comes back exactly, weights come back normalised;
    at ``T = 2`` every row is ``sqrt(w) / sum sqrt(w)``, whatever its scale."""
    near = np.array([[0.5, 0.3, 0.2 + 4e-10], [0.1, 0.6, 0.3]])
    assert np.array_equal(temper(near, 1.0), near)
    w = np.array([[1.0, 3.0, 0.0], [2.0, 2.0, 4.0]])
    np.testing.assert_allclose(temper(w, 1.0), w / w.sum(axis=1, keepdims=True), rtol=1e-15)
    root = np.sqrt(w)
    np.testing.assert_allclose(temper(w, 2.0), root / root.sum(axis=1, keepdims=True), rtol=1e-12)


@pytest.mark.parametrize("T", [0.0, -1.0, np.inf, np.nan])
def test_temper_names_a_bad_temperature(T):
    with pytest.raises(ValueError, match=r"^temperature\b"):
        temper(np.array([0.5, 0.5]), T)


def test_collapse_times_runs_one_chain_by_default():
    res = collapse_times([0.5, 0.5], n=4, seed=0)
    assert res.times.shape == res.token.shape == (1,)
    assert np.isfinite(res.times[0]) and res.token[0] in (0, 1)


def test_collapse_times_stop_after_max_generations():
    """Capping the run at M generations reports exactly the chains that collapse by M (same seed, same
    draws up to M) and inf for the others."""
    p0 = [0.4, 0.3, 0.3]
    free = collapse_times(p0, n=6, replicas=400, seed=5)
    M = int(np.median(free.times))
    capped = collapse_times(p0, n=6, replicas=400, seed=5, max_generations=M)
    np.testing.assert_array_equal(capped.times, np.where(free.times <= M, free.times, np.inf))
    np.testing.assert_array_equal(capped.token, np.where(free.times <= M, free.token, -1))


def test_collapse_times_refuses_too_much_work_naming_the_sizes():
    with pytest.raises(ValueError, match=r"max_generations=1000000000 x replicas=1000"):
        collapse_times([0.5, 0.5], n=10**7, replicas=1000, max_generations=10**9, seed=0)
