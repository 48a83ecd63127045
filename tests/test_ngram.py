"""The character n-gram model of collapse_utils.ngram and the loop of collapse_utils.lm_loop.

Statistical checks use the book's one tolerance rule (tests/stats_helpers.py):
a comparison of an average of ``n`` i.i.d. terms with its exact expectation is
accepted within ``z_for(k)`` standard errors, where ``k`` is the number of
comparisons of the test.
"""

import numpy as np
import pytest

from collapse_utils.lm_loop import run_loop
from collapse_utils.ngram import (
    Corpus,
    Vocabulary,
    context_codes,
    cross_entropy,
    default_text,
    fit_ngram,
    load_text,
    mle_probs,
    sample_corpus,
    smoothed_probs,
)
from stats_helpers import assert_mean_close, z_for


def _random_text(probs, length, seed):
    """An i.i.d. text over the first len(probs) letters."""
    rng = np.random.default_rng(seed)
    return "".join(np.array(list("abcdefgh"[: len(probs)]))[rng.choice(len(probs), size=length, p=probs)])


# ---------------------------------------------------------------- loader and vocabulary
def test_default_text_is_the_python_reference_and_deterministic():
    text = default_text()
    assert len(text) > 100_000
    assert "lambda" in text and "Augmented assignment" in text
    assert default_text() == text


def test_load_text_reads_utf8(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("Ünïcödé text — ok\n", encoding="utf-8")
    assert load_text(path) == "Ünïcödé text — ok\n"
    assert load_text(str(path)) == "Ünïcödé text — ok\n"


def test_load_text_rejects_missing_undecodable_and_empty(tmp_path):
    with pytest.raises(ValueError, match="path"):
        load_text(tmp_path / "nope.txt")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 \xff\xfe")
    with pytest.raises(ValueError, match="path.*UTF-8"):
        load_text(bad)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="path"):
        load_text(empty)


def test_vocabulary_round_trip_and_unknown_characters():
    text = "the cat — ü sat\n"
    voc = Vocabulary.from_text(text)
    ids = voc.encode(text)
    assert voc.size == len(set(text))
    assert ids.min() == 0 and ids.max() == voc.size - 1
    assert voc.decode(ids) == text
    with pytest.raises(ValueError, match="vocabulary"):
        voc.encode("dog")
    with pytest.raises(ValueError, match="text"):
        Vocabulary.from_text("")


# ---------------------------------------------------------------- fitting
def test_fit_counts_windows_inside_segments_only():
    # "ab" | "cd" as two segments: the bigram "bc" straddles the boundary and must not be counted.
    corpus = Corpus(np.array([0, 1, 2, 3]), np.array([0, 0, 1, 1]), np.zeros(4, np.int64))
    model = fit_ngram(corpus, 1, 4)
    np.testing.assert_array_equal(model.codes[1], [0 * 4 + 1, 2 * 4 + 3])
    probs, counts = mle_probs(model, np.arange(4))
    np.testing.assert_array_equal(counts, [1, 0, 1, 0])
    np.testing.assert_array_equal(probs[0], [0, 1, 0, 0])
    assert model.distinct_ngrams().tolist() == [2]


def test_mle_rows_are_conditional_frequencies():
    voc = Vocabulary.from_text("abc")
    ids = voc.encode("abacabcaab")
    model = fit_ngram(ids, 1, 3)
    probs, counts = mle_probs(model, np.arange(3))
    # after "a": b, c, b, a, b -> (1, 3, 1)/5 ; after "b": a, c -> (1, 0, 1)/2 ; after "c": a, a
    np.testing.assert_allclose(probs, [[0.2, 0.6, 0.2], [0.5, 0, 0.5], [1, 0, 0]])
    np.testing.assert_array_equal(counts, [5, 2, 2])


def test_replicas_are_independent_tables():
    ids_a, ids_b = np.array([0, 1, 0, 1, 1]), np.array([2, 2, 0, 2])
    both = fit_ngram(Corpus.concat([Corpus.from_ids(ids_a, replica=0), Corpus.from_ids(ids_b, replica=1)]), 1, 3)
    for r, ids in enumerate([ids_a, ids_b]):
        alone = fit_ngram(ids, 1, 3)
        np.testing.assert_allclose(mle_probs(both, np.arange(3), r)[0], mle_probs(alone, np.arange(3))[0])
        np.testing.assert_allclose(smoothed_probs(both, np.arange(3), r), smoothed_probs(alone, np.arange(3)))
        assert both.distinct_ngrams()[r] == alone.distinct_ngrams()[0]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: fit_ngram(np.array([], dtype=np.int64), 1, 3), "corpus"),
        (lambda: fit_ngram(np.array([0, 1, 2]), 0, 3), "order"),
        (lambda: fit_ngram(np.array([0, 1, 2]), 3, 3), "corpus"),
        (lambda: fit_ngram(np.array([0, 1, 5]), 1, 3), "vocab_size"),
        (lambda: fit_ngram(np.array([0, 1, 2]), 20, 103), "order"),
    ],
    ids=["empty", "order<1", "shorter-than-context", "id-out-of-range", "overflow"],
)
def test_bad_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_sampling_and_scoring_input_raises():
    model = fit_ngram(np.array([0, 1, 2, 0, 1]), 2, 3)
    with pytest.raises(ValueError, match="length"):
        sample_corpus(model, 2, seed=0)
    with pytest.raises(ValueError, match="ids"):
        cross_entropy(model, np.array([0, 1]))


# ---------------------------------------------------------------- sampling
def test_round_trip_recovers_the_conditional_laws():
    """Sample 300,000 characters from a model fitted on real text, refit, compare rows.

    By the strong Markov property the tokens that follow the visits of a
    context ``h`` are i.i.d. draws from ``p(. | h)``, so the refitted
    frequency of ``y`` is a mean of ``n_h`` Bernoulli(``p(y|h)``) terms with
    standard deviation ``sqrt(p (1 - p))``; each is compared with the
    fitted law within the Bonferroni tolerance of stats_helpers.
    """
    text = default_text()[:20_000]
    voc = Vocabulary.from_text(text)
    model = fit_ngram(voc.encode(text), 2, voc.size)
    sample = sample_corpus(model, 300_000, seed=11, streams=600)
    refit = fit_ngram(sample, 2, voc.size)
    # the 40 most frequent contexts of the fitted model
    contexts = model.contexts[2][np.argsort(model.context_counts[2])[-40:]]
    truth, _ = mle_probs(model, contexts)
    got, n_h = mle_probs(refit, contexts)
    assert np.all(n_h > 1000)
    mask = truth > 0
    z = (got - truth)[mask] / np.sqrt(truth * (1 - truth) / n_h[:, None] + 1e-300)[mask]
    limit = z_for(int(mask.sum()))
    assert np.max(np.abs(z)) <= limit, f"worst z = {np.max(np.abs(z)):.2f} > {limit:.2f}"
    np.testing.assert_array_equal(got[~mask], 0)  # nothing outside the support is ever generated


def test_sampled_corpus_holds_only_ngrams_of_the_model():
    text = default_text()[:5_000]
    voc = Vocabulary.from_text(text)
    model = fit_ngram(voc.encode(text), 3, voc.size)
    sample = sample_corpus(model, 7_001, seed=3)
    assert len(sample) == 7_001
    refit = fit_ngram(sample, 3, voc.size)
    assert np.isin(refit.codes[3], model.codes[3]).all()
    again = sample_corpus(model, 7_001, seed=3)
    np.testing.assert_array_equal(sample.ids, again.ids)


# ---------------------------------------------------------------- smoothing and perplexity
def test_witten_bell_by_hand():
    """Text "aaab", l = 1: P0 = (3/5, 2/5); P1(.|a) = ((2 + 2 * 3/5) / 5, (1 + 2 * 2/5) / 5) = (0.64, 0.36)."""
    model = fit_ngram(np.array([0, 0, 0, 1]), 1, 2)
    np.testing.assert_allclose(smoothed_probs(model, np.array([0, 1])), [[0.64, 0.36], [0.6, 0.4]])
    np.testing.assert_allclose(cross_entropy(model, np.array([0, 0, 1])), [-(np.log(0.64) + np.log(0.36)) / 2])


def test_smoothed_laws_are_distributions():
    text = default_text()[:30_000]
    voc = Vocabulary.from_text(text)
    model = fit_ngram(voc.encode(text), 3, voc.size)
    ids = voc.encode(text)
    probs = smoothed_probs(model, context_codes(ids, 3, voc.size, np.arange(3, 2000)))
    assert np.all(probs > 0)
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-12)


def test_perplexity_of_a_known_distribution():
    """Held-out log-loss of i.i.d. text from q equals the entropy H(q) = -sum q log q (closed form).

    A model of order 1 fitted on 200,000 i.i.d. characters is within O(1/N) of q
    in expected log-loss, far below the tolerance on 100,000 held-out characters.
    """
    q = np.array([0.5, 0.25, 0.15, 0.1])
    entropy = -(q * np.log(q)).sum()
    voc = Vocabulary.from_text("abcd")
    model = fit_ngram(voc.encode(_random_text(q, 200_000, 1)), 1, 4)
    held = voc.encode(_random_text(q, 100_000, 2))
    probs = smoothed_probs(model, held[:-1])
    losses = -np.log(probs[np.arange(held.size - 1), held[1:]])
    assert_mean_close(losses, entropy, axis=0, what="held-out log-loss vs H(q)")
    np.testing.assert_allclose(cross_entropy(model, held), [losses.mean()])


# ---------------------------------------------------------------- the loop
def test_loop_smoke_and_invariants():
    text = default_text()[:30_000]
    voc = Vocabulary.from_text(text)
    ids = voc.encode(text)
    train, held = ids[:25_000], ids[25_000:]
    full = run_loop(train, held, voc.size, order=3, generations=4, replicas=2, n_probes=50, seed=0)
    assert full.deviation.shape == (4, 2) and full.probe_counts.shape == (4, 2, 50)
    np.testing.assert_allclose(full.deviation[0], 0.0, atol=1e-12)
    assert np.all(full.deviation[1:] > 0)
    # fully synthetic: every n-gram of generation m was an n-gram of generation m - 1
    assert np.all(np.diff(full.distinct_ngrams, axis=0) <= 0)
    assert sorted(full.samples) == [1, 2, 3, 4] and full.samples[1].size == 300
    assert np.all(np.isfinite(full.perplexity))
    mixed = run_loop(
        train, held, voc.size, order=3, real_fraction=0.8, generations=3, replicas=2, n_probes=50, samples_at=(3,), seed=0
    )
    assert list(mixed.samples) == [3]
    # real blocks and samples only contain n-grams of the real text: no model sees more than generation 1
    assert np.all(mixed.distinct_ngrams[1:] <= mixed.distinct_ngrams[0]) and mixed.real_fraction == 0.8
    assert np.all(mixed.deviation[-1] < full.deviation[2])
    with pytest.raises(ValueError, match="real_fraction"):
        run_loop(train, held, voc.size, real_fraction=1.5)


# ---------------------------------------------------------------- contracts at the edges
def test_empty_and_concatenated_corpora_keep_their_documented_form(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="empty.txt"):  # the message names the file that is empty
        load_text(empty)
    for corpus in (Corpus.from_ids([]), Corpus.concat([])):
        assert len(corpus) == 0
        assert all(a.dtype == np.int64 and a.size == 0 for a in (corpus.ids, corpus.segment, corpus.replica))
    one = Corpus(np.array([0, 1, 2]), np.array([0, 1, 1]), np.zeros(3, np.int64))
    np.testing.assert_array_equal(Corpus.concat([one]).segment, one.segment)  # concatenating one corpus is a no-op
    parts = [Corpus.from_ids([0, 1]), one, Corpus.from_ids([2, 2], replica=1)]
    seg = Corpus.concat(parts).segment
    assert np.all(np.diff(seg) >= 0)  # non-decreasing, and no label shared by two parts
    labels = np.split(seg, np.cumsum([len(p) for p in parts])[:-1])
    assert all(set(a).isdisjoint(b) for i, a in enumerate(labels) for b in labels[i + 1 :])


def test_codes_use_the_whole_int64_range_and_refuse_beyond():
    """``R s^(l+1) < 2^62`` is the limit: s = 2, l = 60 fits (2^61), l = 61 does not (2^62)."""
    ids = np.tile([0, 1], 40)
    model = fit_ngram(ids, 60, 2)
    assert model.distinct_ngrams().tolist() == [2]  # the two phases of the alternating text
    with pytest.raises(ValueError, match="overflow"):
        fit_ngram(ids, 61, 2)
    assert context_codes(ids, 61, 2, np.array([61]))[0] == int("01" * 30 + "0", 2)  # s^l = 2^61 fits
    with pytest.raises(ValueError, match="vocab_size"):
        context_codes(ids, 62, 2, np.array([62]))


def test_fit_names_the_corpus_and_the_window_it_needs():
    with pytest.raises(ValueError, match="corpus"):
        fit_ngram(np.zeros((2, 3), np.int64), 1, 3)
    with pytest.raises(ValueError, match="= 3 tokens"):  # order 2 needs windows of 3 tokens
        fit_ngram(np.array([0, 1]), 2, 3)


def test_no_contexts_give_an_empty_result():
    model = fit_ngram(np.array([0, 1, 0, 2]), 1, 3)
    assert smoothed_probs(model, np.array([], np.int64)).shape == (0, 3)
    probs, counts = mle_probs(model, np.array([], np.int64))
    assert probs.shape == (0, 3) and counts.shape == (0,)


def test_sample_starts_from_a_training_context_and_restarts_at_dead_ends():
    """Trained on "ab" (l = 1) the only context is "a" and "b" is a dead end: every stream writes "a",
    draws "b", and then restarts at every step from "a" (its context is not written), each time in a new
    segment, so the corpus is "abbbb" with segments 0, 0, 1, 2, 3 and every window of a segment is "ab"."""
    model = fit_ngram(np.array([0, 1]), 1, 2)
    sample = sample_corpus(model, 5, seed=0)
    assert sample.ids.tolist() == [0, 1, 1, 1, 1]
    assert sample.segment.tolist() == [0, 0, 1, 2, 3] and sample.segment.dtype == np.int64
    shortest = sample_corpus(model, 2, seed=0)  # length l + 1 is allowed
    assert shortest.ids.tolist() == [0, 1]


def test_mle_rows_of_a_replica_of_order_two():
    """Replica 1 of a joint model of order 2 (keys r s^2 + h) has the rows of a model fitted on it alone."""
    ids_a, ids_b = np.array([0, 1, 2, 0, 1, 1, 2]), np.array([2, 1, 0, 2, 1, 0, 0, 2, 2])
    both = fit_ngram(Corpus.concat([Corpus.from_ids(ids_a), Corpus.from_ids(ids_b, replica=1)]), 2, 3)
    alone = fit_ngram(ids_b, 2, 3)
    probs, counts = mle_probs(both, np.arange(9), 1)
    want, want_counts = mle_probs(alone, np.arange(9))
    np.testing.assert_allclose(probs, want)
    np.testing.assert_array_equal(counts, want_counts)
    assert counts.sum() == ids_b.size - 2


def test_scores_of_unseen_contexts_raise_no_warning():
    """A held-out context never seen in training (``c(h) = nu(h) = 0``) falls back to the lower order quietly."""
    import warnings

    model = fit_ngram(np.array([0, 0, 1, 0, 0, 1]), 2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = cross_entropy(model, np.array([2, 2, 2, 0, 2, 1]))
        law = smoothed_probs(model, np.array([8]))
    assert np.isfinite(loss).all()
    np.testing.assert_allclose(law.sum(-1), 1.0)
