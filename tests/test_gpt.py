"""The small transformer of collapse_utils.gpt and its use in the recursive loop.

Every test uses a tiny configuration (context 8, width 16, one or two layers),
so the whole file runs in a few seconds on a CPU.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402

from collapse_utils import gpt  # noqa: E402
from collapse_utils.lm_loop import run_loop  # noqa: E402
from collapse_utils.ngram import Corpus, Vocabulary, default_text  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TINY = gpt.GPTConfig(
    context=8, width=16, layers=2, heads=2, dropout=0.0, learning_rate=1e-2, batch_size=8, steps=20, warmup_steps=2
)


@pytest.fixture(scope="module")
def text_ids():
    text = default_text()[:6_000]
    vocab = Vocabulary.from_text(text)
    return vocab, vocab.encode(text)


@pytest.fixture(scope="module")
def trained(text_ids):
    vocab, ids = text_ids
    return gpt.train_gpt(ids[:5_000], vocab.size, TINY, seed=0)


def test_shapes(text_ids, trained):
    vocab, ids = text_ids
    params = gpt.init_params(TINY, vocab.size, 0)
    assert params["tok"].shape == (vocab.size, 16) and params["pos"].shape == (8, 16)
    assert params["blocks"]["qkv_w"].shape == (2, 16, 48)
    logits = gpt.forward(params, jnp.asarray(ids[:24].reshape(3, 8)), TINY)
    assert logits.shape == (3, 8, vocab.size)
    probs = trained.next_token_probs(ids[:15].reshape(3, 5))
    assert probs.shape == (3, vocab.size)
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-12)
    assert trained.sample(5, 9, seed=1).shape == (5, 9)
    assert trained.generate(30, seed=1).shape == (30,)
    assert trained.losses.shape == (TINY.steps,)


def test_causal_masking(text_ids):
    """Changing token t leaves the logits of positions < t unchanged (and changes position t)."""
    vocab, ids = text_ids
    params = gpt.init_params(TINY, vocab.size, 3)
    x = ids[:8].copy()[None, :]
    y = x.copy()
    y[0, 5] = (y[0, 5] + 1) % vocab.size
    a, b = (np.asarray(gpt.forward(params, jnp.asarray(z), TINY)) for z in (x, y))
    np.testing.assert_array_equal(a[0, :5], b[0, :5])
    assert np.abs(a[0, 5:] - b[0, 5:]).max() > 1e-4


def test_cached_sampling_matches_the_forward_pass(text_ids, trained):
    """The key-value cache of the sampler gives the laws of the full forward pass (temperature 1)."""
    vocab, ids = text_ids
    prompt = ids[100:108][None, :]
    fns = gpt._compiled(gpt._architecture(TINY), vocab.size)
    full = np.asarray(jax.nn.softmax(gpt.forward(trained.params, jnp.asarray(prompt), TINY)[0], -1))
    L, H, hd = TINY.layers, TINY.heads, TINY.width // TINY.heads
    cache = (jnp.zeros((L, 1, H, 8, hd)), jnp.zeros((L, 1, H, 8, hd)))
    for t in range(8):
        logits, cache = fns.decode(trained.params, cache, jnp.asarray(prompt[:, t]), t)
        np.testing.assert_allclose(np.asarray(jax.nn.softmax(logits[0])), full[t], atol=1e-5)


def test_loss_falls_on_a_fixed_batch(text_ids):
    vocab, ids = text_ids
    batch = ids[:9 * 8].reshape(8, 9)  # one corpus of 8 segments = one batch of 8 windows
    corpus = Corpus(batch.ravel(), np.repeat(np.arange(8), 9), np.zeros(72, np.int64))
    model = gpt.train_gpt(corpus, vocab.size, TINY.replace(steps=60), seed=0)
    assert model.losses[-5:].mean() < 0.5 * model.losses[:5].mean()
    assert model.losses[0] == pytest.approx(np.log(vocab.size), rel=0.1)  # near-uniform at initialisation


def test_one_hot_model_samples_its_token(text_ids, trained):
    vocab, _ = text_ids
    params = jax.tree_util.tree_map(lambda a: a, trained.params)
    params["head"] = {"w": jnp.zeros_like(params["head"]["w"]), "b": jnp.full(vocab.size, -1e4).at[7].set(0.0)}
    model = gpt.GPT(TINY, vocab.size, params, trained.first_token_probs, trained.losses)
    out = model.sample(16, 9, seed=0)
    assert np.all(out[:, 1:] == 7)
    np.testing.assert_allclose(model.next_token_probs(out[:, :4])[:, 7], 1.0)
    assert np.all(model.sample(4, 9, seed=1, temperature=0.3)[:, 1:] == 7)
    assert np.all(model.generate(20, seed=2)[1:] == 7)


def test_deviation_of_a_model_from_itself_is_zero(text_ids, trained):
    vocab, ids = text_ids
    contexts = ids[: 20 * 8].reshape(20, 8)
    p1 = trained.next_token_probs(contexts)
    np.testing.assert_array_equal(gpt.l1_deviation(p1, p1), np.zeros(20))
    other = gpt.train_gpt(ids[:5_000], vocab.size, TINY, seed=1)
    assert np.all(gpt.l1_deviation(p1, other.next_token_probs(contexts)) > 0)


def test_same_seed_same_weights_and_samples(text_ids, trained):
    vocab, ids = text_ids
    again = gpt.train_gpt(ids[:5_000], vocab.size, TINY, seed=0)
    for a, b in zip(jax.tree_util.tree_leaves(trained.params), jax.tree_util.tree_leaves(again.params)):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(trained.sample(7, seed=5), again.sample(7, seed=5))
    assert not np.array_equal(trained.sample(7, seed=5), trained.sample(7, seed=6))
    with_dropout = TINY.replace(dropout=0.2, steps=10)
    a = gpt.train_gpt(ids[:5_000], vocab.size, with_dropout, seed=2)
    b = gpt.train_gpt(ids[:5_000], vocab.size, with_dropout, seed=2)
    np.testing.assert_array_equal(a.losses, b.losses)


def test_training_lowers_held_out_loss(text_ids, trained):
    vocab, ids = text_ids
    untrained = gpt.GPT(TINY, vocab.size, gpt.init_params(TINY, vocab.size, 0), trained.first_token_probs, trained.losses)
    assert trained.cross_entropy(ids[5_000:]) < untrained.cross_entropy(ids[5_000:]) - 0.5


def test_bad_input(text_ids, trained):
    vocab, ids = text_ids
    with pytest.raises(ValueError, match="contexts"):
        trained.next_token_probs(ids[:18].reshape(2, 9))  # longer than the model's context 8
    with pytest.raises(ValueError, match="contexts"):
        trained.next_token_probs(np.full((2, 3), vocab.size))
    with pytest.raises(ValueError, match="corpus"):
        gpt.train_gpt(np.array([], np.int64), vocab.size, TINY)
    with pytest.raises(ValueError, match="corpus"):
        gpt.train_gpt(ids[:5], vocab.size, TINY)
    with pytest.raises(ValueError, match="config"):
        gpt.get_config("huge")
    with pytest.raises(ValueError, match="length"):
        trained.sample(2, 10)
    with pytest.raises(ValueError, match="temperature"):
        trained.sample(2, 5, temperature=0.0)
    with pytest.raises(ValueError, match="heads"):
        TINY.replace(heads=3)
    with pytest.raises(ValueError, match="dropout"):
        TINY.replace(dropout=1.0)
    with pytest.raises(ValueError, match="ids"):
        trained.cross_entropy(ids[:1])


def test_paper_configuration_is_table_1():
    cfg = gpt.get_config("paper")
    table_1 = dict(context=128, width=256, layers=8, heads=4, dropout=0.2, learning_rate=1e-3, batch_size=256, steps=2000)
    assert {k: getattr(cfg, k) for k in table_1} == table_1
    assert cfg.generations == 10 and cfg.n_probes == 300


def test_loop_with_the_gpt(text_ids):
    """One loop, two model classes: the GPT runs through run_loop with the paper's settings."""
    vocab, ids = text_ids
    family = gpt.GPTFamily(TINY.replace(steps=10))
    res = run_loop(ids[:2_000], ids[5_000:], vocab.size, model=family, real_fraction=0.5, generations=3,
                   replicas=2, n_probes=12, block=200, sample_chars=20, samples_at=(3,), seed=0)
    assert res.deviation.shape == (3, 2) and res.train_loss.shape == (3, 2) and res.order == 8
    np.testing.assert_array_equal(res.deviation[0], 0.0)  # each replica is compared with its own generation 1
    assert np.all(res.deviation[1:] > 0) and np.all(np.isfinite(res.cross_entropy))
    assert list(res.samples) == [3] and res.samples[3].shape == (20,)
    with pytest.raises(AttributeError, match="distinct_ngrams"):
        res.distinct_ngrams


def test_settings_share_generation_1_exactly(text_ids, monkeypatch):
    """The family remembers its first fit: a shared family gives bit-for-bit what fresh families give."""
    vocab, ids = text_ids
    trained = []
    train = gpt.train_gpt
    monkeypatch.setattr(gpt, "train_gpt", lambda *a, **k: trained.append(1) or train(*a, **k))
    cfg = TINY.replace(steps=6)
    kwargs = dict(generations=2, replicas=2, n_probes=6, block=100, sample_chars=10, samples_at=(1,), seed=3)
    shared = gpt.GPTFamily(cfg)
    for f in (0.0, 0.5):
        fresh = run_loop(ids[:1_500], ids[5_000:], vocab.size, model=gpt.GPTFamily(cfg), real_fraction=f, **kwargs)
        trained.clear()
        again = run_loop(ids[:1_500], ids[5_000:], vocab.size, model=shared, real_fraction=f, **kwargs)
        assert len(trained) == (4 if f == 0.0 else 2)  # 2 generations x 2 replicas; generation 1 reused
        for field in ("deviation", "cross_entropy", "train_loss"):
            np.testing.assert_array_equal(getattr(again, field), getattr(fresh, field))
        np.testing.assert_array_equal(again.samples[1], fresh.samples[1])
        if f == 0.0:
            first = fresh
    # the real fraction does not change generation 1: same held-out loss in both settings
    np.testing.assert_array_equal(fresh.cross_entropy[0], first.cross_entropy[0])
    assert not np.array_equal(fresh.cross_entropy[1], first.cross_entropy[1])


def test_result_round_trip_and_stored_results_match_the_code(tmp_path, text_ids):
    vocab, ids = text_ids
    cfg = TINY.replace(steps=5, generations=2, seeds=1, n_probes=4, train_chars=1_500)
    results = gpt.run_experiment(ids[:4_000], ids[5_000:], vocab.size, cfg, settings={"fully synthetic": 0.0}, seed=0)
    path = tmp_path / "r.json"
    written = gpt.write_result(path, results, cfg, name="tiny", seed=0, corpus={"characters": 6_000})
    back = gpt.read_result(path)
    assert back["config"] == cfg and back["date"] == written["date"] and back["hardware"]["backend"] == "cpu"
    np.testing.assert_array_equal(back["results"]["fully synthetic"]["deviation"], results["fully synthetic"].deviation)
    with pytest.raises(ValueError, match="path"):
        gpt.read_result(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text(json.dumps({"format": 0}))
    with pytest.raises(ValueError, match="path"):
        gpt.read_result(tmp_path / "bad.json")
    for stored in sorted((ROOT / "results").glob("gpt_*.json")):  # results committed to the repository
        record = gpt.read_result(stored)
        expected = gpt.get_config(record["name"]).replace(**record["overrides"])
        assert record["config"] == expected, f"{stored.name} was run with another configuration than the code's"


def test_importing_the_package_does_not_import_jax():
    code = "import sys, collapse_utils, collapse_utils.lm_loop; assert 'jax' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
