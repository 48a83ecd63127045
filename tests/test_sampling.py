"""The sampling kernel and the live-token packing of the chains: every branch, and same distribution at any speed.

The two strategies of ``sample_counts`` must draw from the same law, ``Multinomial(n, p)`` per row.  We check
that (i) each matches the exact mean ``n p_j`` (assert_mean_close, known binomial sd) and (ii) the two agree
with each other in a two-sample test of the whole count distribution (chi-square homogeneity of the count
histograms of every category, plus a KS test of a non-linear statistic), with a Bonferroni split so that a
correct implementation fails falsely with probability below FALSE_FAILURE = 1e-5.  Seeds are fixed.
"""

from functools import partial

import numpy as np
import pytest
from scipy.stats import chi2_contingency, ks_2samp

from collapse_utils import chains, sampling
from collapse_utils.chains import collapse_times, simulate_chain
from collapse_utils.sampling import STRATEGIES, choose_strategy, resample_counts, sample_counts
from stats_helpers import FALSE_FAILURE, assert_mean_close

P = np.array([0.0, 0.45, 0.25, 0.0, 0.15, 0.1, 0.05, 0.0])  # zeros first, inside and last


# ---------------------------------------------------------------- unit tests of every branch
def test_choose_strategy_by_n_and_k():
    assert choose_strategy(10, 600) == "inverse-cdf"
    assert choose_strategy(600, 600) == "inverse-cdf"
    assert choose_strategy(601, 600) == "multinomial"
    assert choose_strategy(10_000, 4_000) == "multinomial"


@pytest.mark.parametrize("strategy", ("auto",) + STRATEGIES)
@pytest.mark.parametrize("n", [1, 3, 50])
def test_counts_are_histograms_of_n_draws_on_the_support(strategy, n):
    rng = np.random.default_rng(0)
    probs = np.stack([P, np.roll(P, 3), np.eye(8)[7]])
    counts = sample_counts(probs, n, rng, strategy=strategy)
    assert counts.shape == probs.shape and counts.dtype.kind == "i"
    np.testing.assert_array_equal(counts.sum(axis=1), n)
    assert np.all(counts[probs == 0] == 0)
    assert counts[2, 7] == n


@pytest.mark.parametrize("strategy", ("auto",) + STRATEGIES)
def test_zero_draws_and_zero_rows(strategy):
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(sample_counts(np.tile(P, (2, 1)), 0, rng, strategy=strategy), 0)
    assert sample_counts(np.empty((0, 8)), 5, rng, strategy=strategy).shape == (0, 8)


def test_bad_strategy():
    with pytest.raises(ValueError, match="strategy"):
        sample_counts(np.tile(P, (2, 1)), 5, np.random.default_rng(0), strategy="alias")


class _EdgeRNG:
    """A stand-in generator whose uniforms are all the largest double below 1."""

    def random(self, shape):
        return np.full(shape, np.nextafter(1.0, 0.0))


def test_inverse_cdf_never_leaves_the_row_or_hits_a_zero():
    """Uniforms at the top edge (where rounding of ``u + 2r`` can reach the next row) land on the last live token."""
    probs = np.tile(P, (300, 1))
    probs[:, [1, 2]] = [0.45 - 1e-16, 0.25 + 3e-17]  # rows summing to 1 up to rounding
    counts = sampling._sample_counts(probs, 4, _EdgeRNG(), strategy="inverse-cdf")  # the kernel: a stand-in rng
    np.testing.assert_array_equal(counts[:, 6], 4)
    np.testing.assert_array_equal(counts.sum(axis=1), 4)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_each_strategy_has_the_multinomial_mean(strategy):
    """E[counts_j] = n p_j with the binomial sd sqrt(n p_j (1 - p_j)) (exact law of one category)."""
    n, rows = 7, 40_000
    counts = sample_counts(np.tile(P, (rows, 1)), n, np.random.default_rng(3), strategy=strategy)
    assert_mean_close(counts, n * P, axis=0, sd=np.sqrt(n * P * (1 - P)), what=strategy)


@pytest.mark.parametrize("n", [3, 20])
def test_two_strategies_draw_the_same_distribution(n):
    """Two-sample test: the count histograms of every live category and the law of sum_j (c_j / n)^2 agree.

    Rows alternate between ``P`` and ``P`` reversed, so a draw that strays into a neighbouring row is caught.
    For each kind of row, each category's counts from the two strategies form a 2 x (n + 1) contingency
    table (empty columns dropped); the chi-square homogeneity p-values and one KS p-value per kind of row are
    compared with FALSE_FAILURE / (number of tests), so the test fails falsely with probability < 1e-5.
    """
    rows = 40_000
    probs = np.tile(np.stack([P, P[::-1]]), (rows // 2, 1))
    a = sample_counts(probs, n, np.random.default_rng(10), strategy="multinomial")
    b = sample_counts(probs, n, np.random.default_rng(11), strategy="inverse-cdf")
    live = np.flatnonzero(P)
    alpha = FALSE_FAILURE / (2 * (live.size + 1))
    for kind, p in enumerate([P, P[::-1]]):
        ak, bk = a[kind::2], b[kind::2]
        for j in np.flatnonzero(p):
            table = np.stack([np.bincount(ak[:, j], minlength=n + 1), np.bincount(bk[:, j], minlength=n + 1)])
            table = table[:, table.sum(axis=0) > 0]
            assert chi2_contingency(table).pvalue > alpha, f"row kind {kind}, category {j}"
        # KS on a discrete statistic is conservative (p-values too large), so the rule stays below 1e-5.
        assert ks_2samp(((ak / n) ** 2).sum(axis=1), ((bk / n) ** 2).sum(axis=1)).pvalue > alpha


def test_chains_run_with_any_strategy_give_the_same_law(monkeypatch):
    """A whole chain (Seddik's sigma_m after 15 generations) has the same law whichever strategy draws it.

    Two-sample KS of the urn and the inverse CDF against the conditional-binomial sampler (Bonferroni over 2).
    """
    p0 = np.r_[np.full(20, 0.04), np.zeros(30), np.full(4, 0.05)]
    finals = {}
    for seed, strategy in [(1, "multinomial"), (2, "inverse-cdf"), (3, "urn")]:
        monkeypatch.setattr(chains, "resample_counts", partial(resample_counts, strategy=strategy))
        if strategy != "urn":
            monkeypatch.setattr(chains, "sample_counts", partial(sample_counts, strategy=strategy))
        res = simulate_chain(p0, n=12, generations=15, replicas=20_000, seed=seed, record="stats")
        finals[strategy] = res.collision[-1]
    for strategy in ("inverse-cdf", "urn"):
        assert ks_2samp(finals["multinomial"], finals[strategy]).pvalue > FALSE_FAILURE / 2, strategy


# ---------------------------------------------------------------- the live-token packing of the chains
def test_compaction_moves_live_entries_left_in_order():
    live = np.array([[False, True, False, True], [True, False, False, False]])
    src, dst, width = chains._compaction(live)
    a = np.array([[0, 5, 0, 7], [9, 0, 0, 0]])
    np.testing.assert_array_equal(chains._compact(a, src, dst, width), [[5, 7], [9, 0]])
    np.testing.assert_array_equal(chains._compact(np.arange(8).reshape(2, 4), src, dst, width, fill=-1), [[1, 3], [4, -1]])
    np.testing.assert_array_equal(chains._unpack(np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([[1, 3], [0, 4]]), 4),
                                  [[0, 0.5, 0, 0.5], [1, 0, 0, 0]])


@pytest.mark.parametrize("scheme", chains.SCHEMES)
def test_dead_tokens_of_p0_change_nothing(scheme):
    """Tokens with p0_i = 0 are packed away before any draw: inserting them leaves every number unchanged."""
    p0 = np.array([0.4, 0.3, 0.2, 0.1])
    spread = np.zeros(11)
    where = [1, 4, 5, 9]
    spread[where] = p0
    kw = dict(n=6, generations=12, scheme=scheme, replicas=50, seed=7)
    kw.update(n_real=5 if scheme in ("partially-synthetic", "fresh-real", "accumulate") else 0)
    kw.update(window=3 if scheme == "most-recent" else 1)
    a, b = simulate_chain(p0, **kw), simulate_chain(spread, **kw)
    np.testing.assert_array_equal(b.probs[..., where], a.probs)
    assert np.all(np.delete(b.probs, where, axis=-1) == 0)
    for name in chains.STATISTICS:
        np.testing.assert_allclose(b.stats[name], a.stats[name], rtol=1e-12, atol=1e-15)


def test_collapse_times_report_tokens_in_the_original_numbering():
    p0 = np.array([0.0, 0.5, 0.0, 0.0, 0.3, 0.2])
    res = collapse_times(p0, n=6, replicas=500, seed=4)
    dense = collapse_times(p0[[1, 4, 5]], n=6, replicas=500, seed=4)
    np.testing.assert_array_equal(res.times, dense.times)
    np.testing.assert_array_equal(res.token, np.array([1, 4, 5])[dense.token])


def test_packing_shrinks_as_tokens_die(monkeypatch):
    """Once most tokens are dead in every replica, the kernel only sees the live ones (widths shrink)."""
    widths = []

    def spy(kernel):
        def wrapped(arr, n, rng, **kw):
            widths.append(arr.shape[1])
            return kernel(arr, n, rng, **kw)

        return wrapped

    monkeypatch.setattr(chains, "sample_counts", spy(sample_counts))
    monkeypatch.setattr(chains, "resample_counts", spy(resample_counts))
    res = simulate_chain(np.full(1000, 1e-3), n=20, generations=30, replicas=10, seed=0, record="stats")
    assert len(widths) == 30 and widths[0] == 1000
    assert widths[-1] <= max(1, res.support[-2].max() / chains._SHRINK)
    assert widths[-1] <= 20


# ---------------------------------------------------------------- the urn of resample_counts
HIST = np.array([[0, 3, 0, 1, 2, 0], [5, 0, 0, 0, 0, 1], [0, 0, 0, 0, 6, 0]])


@pytest.mark.parametrize("strategy", ("auto", "urn") + STRATEGIES)
@pytest.mark.parametrize("totals", ["equal", "unequal"])
def test_resample_counts_draw_only_present_tokens(strategy, totals):
    hist = HIST if totals == "equal" else HIST * np.array([[1], [3], [2]])
    counts = resample_counts(hist, 9, np.random.default_rng(1), strategy=strategy)
    assert counts.shape == hist.shape
    np.testing.assert_array_equal(counts.sum(axis=1), 9)
    assert np.all(counts[hist == 0] == 0) and counts[2, 4] == 9
    np.testing.assert_array_equal(resample_counts(hist, 0, np.random.default_rng(1), strategy=strategy), 0)


def test_resample_counts_chooses_the_urn_by_total_n_and_k(monkeypatch):
    seen = []
    monkeypatch.setattr(sampling, "_sample_counts", lambda probs, n, rng, strategy: seen.append(strategy) or probs)
    resample_counts(np.full((2, 40), 5), 100, np.random.default_rng(0))  # 200 + 100 <= 32 * 40: the urn
    assert seen == []
    resample_counts(np.full((2, 3), 200), 400, np.random.default_rng(0))  # 600 + 400 > 96: sample_counts
    assert seen == ["auto"]
    with pytest.raises(ValueError, match="strategy"):
        resample_counts(HIST, 3, np.random.default_rng(0), strategy="alias")


@pytest.mark.parametrize("totals", ["equal", "unequal"])
def test_urn_draws_the_multinomial_law(totals):
    """Two-sample chi-square homogeneity, urn against conditional binomials, every live cell (Bonferroni)."""
    rows, n = 3 * 10_000, 5
    hist = np.tile(HIST if totals == "equal" else HIST * np.array([[1], [3], [2]]), (rows // 3, 1))
    a = resample_counts(hist, n, np.random.default_rng(20), strategy="multinomial")
    b = resample_counts(hist, n, np.random.default_rng(21), strategy="urn")
    cells = [(kind, j) for kind in range(3) for j in np.flatnonzero(HIST[kind]) if HIST[kind].sum() != HIST[kind, j]]
    for kind, j in cells:
        table = np.stack([np.bincount(x[kind::3, j], minlength=n + 1) for x in (a, b)])
        table = table[:, table.sum(axis=0) > 0]
        assert chi2_contingency(table).pvalue > FALSE_FAILURE / len(cells), (kind, j)


def test_sample_categorical_draws_each_category_with_its_probability():
    """The shared inverse-CDF kernel: frequencies match the (unnormalised) rows, zero categories never
    appear (first, middle and last position), and indices are per row, not flat."""
    from collapse_utils.sampling import sample_categorical
    from stats_helpers import assert_mean_close

    probs = np.array([[0.0, 0.2, 0.0, 0.3, 0.0], [0.5, 0.0, 0.25, 0.0, 0.25]])  # row 0 sums to 0.5
    draws = sample_categorical(probs, 40_000, np.random.default_rng(4))
    assert draws.shape == (2, 40_000) and draws.min() >= 0 and draws.max() < 5
    hits = draws[:, None, :] == np.arange(5)[None, :, None]
    assert not hits[probs == 0].any()
    assert_mean_close(hits, probs / probs.sum(1, keepdims=True), axis=-1, what="category frequencies")


def test_sample_categorical_guards_the_top_of_each_block():
    """Uniforms that round up to the top of a row's block still land on a positive category."""
    from collapse_utils.sampling import _sample_categorical

    class Top:  # a generator whose every uniform is the largest double below 1
        def random(self, shape):
            return np.full(shape, np.nextafter(1.0, 0.0))

    probs = np.array([[0.1, 0.2, 0.7, 0.0], [1 / 3, 1 / 3, 1 / 3, 0.0]] * 50)
    draws = _sample_categorical(probs, 3, Top())
    assert np.all(draws == 2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(probs=[0.5, 0.5]), "probs"),  # one row must still be 2-D
        (dict(probs=[[0.5, -0.1, 0.6]]), "probs"),
        (dict(probs=[[0.0, 0.0]]), "probs"),
        (dict(probs=[[np.nan, 1.0]]), "probs"),
        (dict(probs=np.zeros((2, 0))), "probs"),
        (dict(size=-1), "size"),
        (dict(size=2.5), "size"),
        (dict(rng=0), "rng"),
    ],
)
def test_sample_categorical_checks_its_arguments(kwargs, match):
    from collapse_utils.sampling import sample_categorical

    call = dict(probs=[[0.2, 0.8]], size=3, rng=np.random.default_rng(0)) | kwargs
    with pytest.raises(ValueError, match=match):
        sample_categorical(**call)


def test_sample_categorical_normalises_weights_of_any_scale():
    """Rows far from a total of 1 (here 300 and 1e-3) are normalised, not read past their block: the draws
    are those of the normalised rows, seed for seed."""
    from collapse_utils.sampling import sample_categorical

    weights = np.array([[100.0, 0.0, 200.0], [0.0, 5e-4, 5e-4]])
    law = weights / weights.sum(axis=1, keepdims=True)
    a = sample_categorical(weights, 500, np.random.default_rng(8))
    b = sample_categorical(law, 500, np.random.default_rng(8))
    assert np.array_equal(a, b)
    assert not np.any(a[0] == 1) and not np.any(a[1] == 0)


def test_unchecked_kernel_reads_rows_of_any_total_below_two():
    """The private core takes rows as they come (totals in (0, 2), as its callers pass them): the
    frequencies are the normalised rows."""
    from collapse_utils.sampling import _sample_categorical

    probs = np.array([[0.1, 0.0, 0.4], [0.9, 0.6, 0.0]])  # totals 0.5 and 1.5
    draws = _sample_categorical(probs, 40_000, np.random.default_rng(12))
    hits = draws[:, None, :] == np.arange(3)[None, :, None]
    assert_mean_close(hits, probs / probs.sum(1, keepdims=True), axis=-1, what="category frequencies")


def test_sample_categorical_never_draws_a_leading_zero_category():
    """A uniform of exactly 0 (``Generator.random`` can return it) lands on the first positive category."""
    from collapse_utils.sampling import _sample_categorical

    class Bottom:  # a generator whose every uniform is 0.0
        def random(self, shape):
            return np.zeros(shape)

    probs = np.array([[0.0, 0.0, 0.3, 0.7], [0.0, 0.5, 0.5, 0.0]] * 5)
    draws = _sample_categorical(probs, 2, Bottom())
    np.testing.assert_array_equal(draws, np.tile([[2, 2], [1, 1]], (5, 1)))


@pytest.mark.parametrize("strategy", ["auto", "urn", "multinomial", "inverse-cdf"])
def test_no_draws_are_int64_zero_counts(strategy):
    counts = resample_counts(np.array([[3, 1, 0], [1, 1, 2]]), 0, np.random.default_rng(0), strategy=strategy)
    assert counts.dtype == np.int64 and not counts.any()


@pytest.mark.parametrize("counts", [np.array([3, 1, 0]), np.array([[3, -1, 2]])], ids=["1-D", "negative"])
def test_resample_counts_names_bad_counts(counts):
    with pytest.raises(ValueError, match=r"^counts\b"):
        resample_counts(counts, 4, np.random.default_rng(0))


@pytest.mark.parametrize("probs", [np.array([0.5, 0.5]), np.full((2, 2, 2), 0.5)])
def test_sample_counts_wants_one_row_per_draw(probs):
    """Rows of probabilities, one per replica: a single vector or a 3-D stack is refused, not guessed."""
    with pytest.raises(ValueError, match=r"probs must be 2-D, got shape"):
        sample_counts(probs, 3, np.random.default_rng(0))
