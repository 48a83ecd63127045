"""Token editing (collapse_utils.editing): ToEdit on tiny corpora, the text loop, partial regeneration theory."""

import numpy as np
import pytest
import sympy as sp

from collapse_utils.chains import temper
from collapse_utils.editing import (
    partial_regeneration_error,
    partial_regeneration_factor,
    simulate_partial_regeneration,
    simulate_text_loop,
    token_edit,
)
from collapse_utils.ngram import context_codes, cross_entropy, fit_ngram, smoothed_probs
from collapse_utils.theory import editing as te
from stats_helpers import assert_mean_close

ABAB = np.tile([0, 1], 2000)  # "abab...", vocabulary {a, b, c}: c never occurs
S = 3


def test_threshold_one_edits_nothing():
    model = fit_ngram(ABAB, 1, S)
    edited, mask = token_edit(model, ABAB, threshold=1.0, seed=0)
    np.testing.assert_array_equal(edited[0], ABAB)
    assert not mask.any()


def test_top1_replacement_is_the_argmax():
    """threshold 0 edits every scored token; with one candidate the draw is the argmax, which in abab is the real token."""
    model = fit_ngram(ABAB, 1, S)
    edited, mask = token_edit(model, ABAB, threshold=0.0, top_k=1, seed=0)
    assert mask[0, 1:].all() and not mask[0, 0]
    np.testing.assert_array_equal(edited[0], ABAB)


def test_replacements_follow_the_tempered_top_k_law():
    """A replacement after 'a' is b with probability softmax(log p / beta) over the top-2 candidates."""
    model = fit_ngram(ABAB, 1, S)
    beta = 1.5
    law_a = smoothed_probs(model, np.array([0]))[0]  # next-token law after 'a'
    top2 = np.sort(law_a)[::-1][:2]
    p_b = temper(top2, beta)[0]  # b is the most likely token after a
    assert law_a[1] == top2[0]
    edited, mask = token_edit(model, ABAB, threshold=0.5, top_k=2, beta=beta, seed=3)
    after_a = np.arange(1, ABAB.size, 2)
    assert mask[0, after_a].all()
    assert_mean_close(edited[0, after_a] == 1, p_b, what="P(b | edited after a)")


def test_edit_fraction_thins_the_edits():
    model = fit_ngram(ABAB, 1, S)
    _, mask = token_edit(model, ABAB, threshold=0.0, edit_fraction=0.3, seed=5)
    assert_mean_close(mask[0, 1:], 0.3, what="edit fraction")


def test_text_loop_modes():
    """Model 0 is fitted on the real text in every mode; "real" never moves; "synthetic" trains on
    sampled text that differs from the real text; "edited" reports the fraction of edited characters."""
    text = np.tile(np.array([0, 1, 2, 0, 2, 1, 1, 0]), 200)
    text[::7] = 2  # break the period so that contexts have several continuations
    held = np.tile(np.array([0, 1, 2, 0, 2, 1, 1, 0]), 20)
    edit = {"threshold": 0.0, "top_k": 1}  # editing settings, refused by the modes that do not edit
    runs = {mode: simulate_text_loop(text, held, S, order=2, generations=3, mode=mode, replicas=2, seed=0,
                                     **(edit if mode == "edited" else {})) for mode in ("real", "synthetic", "edited")}
    model0 = fit_ngram(text, 2, S)
    for res in runs.values():
        np.testing.assert_allclose(res.cross_entropy[0], np.full(2, cross_entropy(model0, held)[0]))
        np.testing.assert_array_equal(res.distinct[0], np.full(2, model0.distinct_ngrams()[0]))
    real = runs["real"]
    np.testing.assert_allclose(real.cross_entropy, np.broadcast_to(real.cross_entropy[0], (4, 2)))
    assert not real.edited.any() and not real.drift.any()
    syn = runs["synthetic"]
    assert np.all(syn.drift[1:] > 0) and not syn.edited.any()
    # threshold 0 and top_k 1 replace every scored character by model 0's most likely one: the edited
    # fraction after one generation is the share of positions whose real character is not that argmax
    pos = np.arange(2, text.size)
    laws = smoothed_probs(model0, context_codes(text, 2, S, pos))
    expected = (laws.argmax(axis=1) != text[pos]).sum() / text.size
    assert 0.05 < expected < 0.5
    np.testing.assert_allclose(runs["edited"].edited[1], expected)
    assert np.all((runs["edited"].edited >= 0) & (runs["edited"].edited <= 1))


def test_partial_regeneration_matches_exact_error():
    """E||w_hat_n - w*||^2 = sigma^2 sum_i Psi_n(omega_i) ||v_i||^2 (book's derivation), for eta in {0, 0.6, 1}."""
    X = np.random.default_rng(1).standard_normal((25, 3))
    for eta in (0.0, 0.6, 1.0):
        errs = simulate_partial_regeneration(X, eta, 0.7, generations=10, replicas=20_000, seed=7)
        exact = partial_regeneration_error(X, eta, 0.7, generations=10)
        assert errs.shape == (11, 20_000) and np.all(errs[0] == 0) and exact[0] == 0  # row 0: the truth w*
        assert_mean_close(errs, exact, axis=1, what=f"eta={eta}")


def test_full_replacement_grows_linearly_and_partial_is_bounded():
    X = np.random.default_rng(2).standard_normal((40, 4))
    full = partial_regeneration_error(X, 1.0, 1.0, generations=30)
    np.testing.assert_allclose(full, np.arange(31) * np.trace(np.linalg.inv(X.T @ X)))
    part = partial_regeneration_error(X, 0.5, 1.0, generations=200)
    omega_max = np.max(np.linalg.eigvals(np.linalg.solve(X.T @ X, X[:20].T @ X[:20])).real)
    assert part[-1] <= part[1] * (1 + 2 * omega_max) / (1 - omega_max**2) * (1 + 1e-9)
    assert np.all(np.diff(part) >= 0)


def test_sympy_factor():
    v = te.eigen_variance()
    generic = v.args[-1][0]  # the branch omega != 1
    assert sp.simplify(generic - te.psi_closed()) == 0
    assert sp.limit(te.psi_closed(), te.omega, 1) == te.n
    assert sp.simplify(sp.limit(te.psi_closed().subs(te.omega, sp.Rational(1, 3)), te.n, sp.oo)
                       - te.psi_limit().subs(te.omega, sp.Rational(1, 3))) == 0
    b = np.array([0.0, 0.3, 0.9, 1.0])
    np.testing.assert_allclose(partial_regeneration_factor(b, [1])[0], 1.0)
    np.testing.assert_allclose(partial_regeneration_factor(b, [5])[0, -1], 5.0)
    np.testing.assert_allclose(partial_regeneration_factor(b[:3], [400])[0], (1 + 2 * b[:3]) / (1 - b[:3] ** 2))


@pytest.mark.parametrize(
    "kwargs, match",
    [(dict(threshold=1.5), "threshold"), (dict(top_k=0), "top_k"), (dict(beta=0.0), "beta"),
     (dict(edit_fraction=-0.1), "edit_fraction")],
)
def test_bad_edit_input_raises(kwargs, match):
    model = fit_ngram(ABAB, 1, S)
    with pytest.raises(ValueError, match=match):
        token_edit(model, ABAB, **kwargs)


def test_bad_ids_and_modes_raise():
    model = fit_ngram(ABAB, 1, S)
    with pytest.raises(ValueError, match="ids"):
        token_edit(model, np.array([0, 5, 1]))
    with pytest.raises(ValueError, match="mode"):
        simulate_text_loop(ABAB, ABAB, S, order=1, generations=2, mode="bogus")
    X = np.random.default_rng(0).standard_normal((10, 4))
    with pytest.raises(ValueError, match="eta"):
        simulate_partial_regeneration(X, 0.9, 1.0, generations=2)
    with pytest.raises(ValueError, match="eta"):
        partial_regeneration_error(X, 1.2, 1.0, generations=2)


@pytest.mark.parametrize("eta", [0.0, 0.5, 1.0])
def test_partial_regeneration_row_zero_is_the_truth_and_a_shorter_run_is_a_prefix(eta):
    """Row 0 is generation 0, the true weights (error 0); with one seed, fewer generations give the first rows."""
    X = np.random.default_rng(3).standard_normal((40, 3))
    long = simulate_partial_regeneration(X, eta, 0.8, generations=6, replicas=9, seed=4)
    short = simulate_partial_regeneration(X, eta, 0.8, generations=2, replicas=9, seed=4)
    assert long.shape == (7, 9) and short.shape == (3, 9)
    assert np.all(long[0] == 0) and np.all(long[1:] > 0)
    np.testing.assert_array_equal(short, long[:3])
