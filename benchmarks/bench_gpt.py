"""Speed of the small GPT of collapse_utils.gpt on this machine, at the "book" configuration.

Prints, for one model of the book's configuration on the book's corpus:

* training tokens per second (``steps x batch_size x context`` target tokens per
  second of training, compilation excluded), in CPU time of this process and in wall time;
* the time of one generation of the recursive loop: train a model, sample the
  next generation's corpus of ``train_chars`` characters, score it on held-out
  text and on the probe contexts;
* for scale, the same training at the "paper" configuration for a few steps.

Usage::

    python benchmarks/bench_gpt.py           # about a minute on 2 quiet cores
    python benchmarks/bench_gpt.py --quick   # skip the paper-size steps

CPU times of this process are the numbers to compare: on a shared machine the
wall time grows with the load of other jobs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the paper-size steps")
    args = parser.parse_args()

    (_, wall, cpu) = _timed(lambda: __import__("jax") and __import__("optax"))
    print(f"import jax + optax: {wall:.2f} s wall, {cpu:.2f} s CPU")
    import jax

    from collapse_utils.gpt import CONFIGS, train_gpt
    from collapse_utils.ngram import Vocabulary, default_text

    text = default_text()
    vocab = Vocabulary.from_text(text)
    ids = vocab.encode(text)
    cut = int(0.9 * ids.size)
    cfg = CONFIGS["book"]
    train, held_out = ids[: cfg.train_chars], ids[cut : cut + 20_000]
    print(f"JAX {jax.__version__} on {jax.default_backend()} ({jax.devices()[0].device_kind}); "
          f"book config: context {cfg.context}, width {cfg.width}, layers {cfg.layers}, heads {cfg.heads}, "
          f"batch {cfg.batch_size}, steps {cfg.steps}")

    _, wall, cpu = _timed(lambda: train_gpt(train, vocab.size, cfg, seed=0))
    print(f"first training (includes compilation):  {wall:6.2f} s wall {cpu:6.2f} s CPU")
    model, wall, cpu = _timed(lambda: train_gpt(train, vocab.size, cfg, seed=1))
    tokens = cfg.steps * cfg.batch_size * cfg.context
    print(f"training, compiled: {tokens:,} tokens in {wall:.2f} s wall / {cpu:.2f} s CPU: "
          f"{tokens / wall:,.0f} tokens/s wall, {tokens / cpu:,.0f} tokens/s per CPU-second")

    rng = np.random.default_rng(0)
    probes = train[rng.integers(cfg.context, train.size, cfg.n_probes)[:, None] - cfg.context + np.arange(cfg.context)]
    model.sample(cfg.train_chars // (cfg.context + 1) + 1, seed=0)  # compile the sampler and the scorers
    model.cross_entropy(held_out)
    model.next_token_probs(probes)

    def one_generation():
        m = train_gpt(train, vocab.size, cfg, seed=2)
        m.sample(-(-cfg.train_chars // (cfg.context + 1)), seed=3)
        m.cross_entropy(held_out)
        m.next_token_probs(probes)

    _, wall, cpu = _timed(one_generation)
    print(f"one generation (train + sample {cfg.train_chars:,} chars + score): {wall:.2f} s wall, {cpu:.2f} s CPU")
    total = (3 * cfg.generations - 2) * cfg.seeds  # three settings share generation 1
    print(f"the chapter's experiment = {total} models: about {total * wall:.0f} s wall at this speed")

    if not args.quick:
        paper = CONFIGS["paper"].replace(steps=2, warmup_steps=1)
        _, wall, cpu = _timed(lambda: train_gpt(ids[:cut], vocab.size, paper, seed=0, chunk=1))
        print(f"paper config, 2 steps incl. compilation: {wall:.1f} s wall")
        _, wall, cpu = _timed(lambda: train_gpt(ids[:cut], vocab.size, paper, seed=1, chunk=1))
        per_step = wall / 2
        print(f"paper config: {per_step:.2f} s per step of {paper.batch_size} x {paper.context} tokens "
              f"({paper.batch_size * paper.context / per_step:,.0f} tokens/s); 2,000 steps x 30 models "
              f"would take {per_step * 2000 * 30 / 3600:.0f} h here")


if __name__ == "__main__":
    main()
