"""A small decoder-only transformer (a character GPT) in JAX, for the paper's own experiment.

Seddik et al. (2024, section 4.1, Figure 5, Table 1) retrain a nanoGPT-type
character model, generation after generation, on text written by its
predecessor.  This module is that model, written directly in JAX with an
optax optimiser (no framework on top):

* **Model.**  Token and position embeddings; ``layers`` pre-norm blocks, each a
  causal multi-head self-attention and a two-layer MLP (width ``4 x width``,
  GELU), both with a residual connection and layer norm; a final layer norm and
  an untied output layer with bias.  Dropout (rate ``dropout``) acts on the
  embeddings and on the output of every attention and MLP branch during
  training.  The parameters of the blocks are stacked along a leading
  ``layers`` axis and the blocks run in a ``jax.lax.scan``, so compile time
  does not grow with depth.
* **Training** (:func:`train_gpt`): AdamW (``b1 = 0.9``, ``b2 = 0.99``, weight
  decay on the matrices only), gradient clipping at norm 1, linear warm-up then
  cosine decay of the learning rate to a tenth of its peak (nanoGPT's
  defaults; Table 1 of the paper fixes context, width, depth, heads, dropout,
  learning rate, batch and iterations).  A batch holds ``batch_size`` windows
  of ``context + 1`` tokens at uniformly random positions of the training
  corpus, never crossing a segment boundary of a :class:`~collapse_utils.ngram.Corpus`.
  The jitted step runs in a ``jax.lax.scan`` over chunks of steps.
* **Sampling** (:meth:`GPT.sample`): many independent streams at once, each at
  most ``context + 1`` tokens long, with a key-value cache (one position per
  scan step), temperature ``T`` dividing the logits.  :meth:`GPT.generate`
  writes one long text with a sliding window of ``context`` tokens.
* **Scores**: :meth:`GPT.next_token_probs` (the law of the next token after
  each of a batch of contexts) and :meth:`GPT.cross_entropy` (nats per token
  on held-out text).

Everything random takes ``seed``; on CPU the same seed gives the same weights
and the same samples.  Two named configurations live in :data:`CONFIGS`:
``"paper"`` is Table 1 of Seddik et al.; ``"book"`` is small enough for the
book's chapter to run the whole experiment on two CPU cores in under two
minutes.  ``python -m collapse_utils.gpt --config paper --out results/gpt_paper.json``
runs the experiment at a named configuration (on a GPU when JAX sees one) and
writes a small JSON result with its provenance (:func:`write_result`,
:func:`read_result`).

This module imports JAX; ``import collapse_utils`` does not import it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import functools
import json
import math
import platform
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

from .lm_loop import SETTINGS, LoopResult, run_loop
from .ngram import Corpus
from .validation import as_generator, check_positive_float, check_positive_int

__all__ = [
    "CONFIGS",
    "GPT",
    "GPTConfig",
    "GPTFamily",
    "forward",
    "get_config",
    "init_params",
    "l1_deviation",
    "learning_rates",
    "read_result",
    "run_experiment",
    "train_gpt",
    "write_result",
]

Params = dict[str, Any]
RESULT_FORMAT = 1


# ----------------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class GPTConfig:
    """Architecture, optimiser and experiment sizes of one named configuration.

    Attributes
    ----------
    context : int
        Context length ``T`` (nanoGPT's ``block_size``): the model sees at most
        ``T`` previous tokens.
    width : int
        Embedding width (``n_embd``); a multiple of ``heads``.
    layers, heads : int
        Transformer blocks and attention heads per block.
    dropout : float
        Dropout rate during training, in ``[0, 1)``.
    learning_rate : float
        Peak learning rate of AdamW.
    batch_size : int
        Windows of ``T + 1`` tokens per step.
    steps : int
        Training iterations per generation (every generation trains from scratch).
    warmup_steps : int
        Linear warm-up of the learning rate; cosine decay to ``learning_rate / 10`` afterwards.
    weight_decay : float
        AdamW weight decay of the weight matrices (embeddings included, biases and norms excluded).
    train_chars : int or None
        Real training characters ``N`` the experiment uses (the start of the
        training text); ``None`` uses all of it.  Every generation trains on a
        corpus of ``N`` tokens.
    seeds : int
        Independent runs of the experiment (error bars).
    generations : int
        Models per run, generation 1 trained on the real text.
    n_probes : int
        Contexts of the deviation metric ``||p^(m) - p^(1)||_1``.
    """

    context: int
    width: int
    layers: int
    heads: int
    dropout: float
    learning_rate: float
    batch_size: int
    steps: int
    warmup_steps: int = 100
    weight_decay: float = 0.1
    train_chars: int | None = None
    seeds: int = 3
    generations: int = 10
    n_probes: int = 300

    def __post_init__(self) -> None:
        for name in ("context", "width", "layers", "heads", "batch_size", "steps", "seeds", "generations", "n_probes"):
            check_positive_int(getattr(self, name), name)
        if self.width % self.heads:
            raise ValueError(f"width ({self.width}) must be a multiple of heads ({self.heads})")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {self.dropout!r}")
        check_positive_float(self.learning_rate, "learning_rate")
        if isinstance(self.warmup_steps, bool) or not isinstance(self.warmup_steps, int) or self.warmup_steps < 0:
            raise ValueError(f"warmup_steps must be a non-negative integer, got {self.warmup_steps!r}")
        if self.weight_decay < 0:
            raise ValueError(f"weight_decay must be non-negative, got {self.weight_decay!r}")
        if self.train_chars is not None:
            check_positive_int(self.train_chars, "train_chars")

    def replace(self, **changes: Any) -> GPTConfig:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


#: The named configurations.  ``"paper"`` is Table 1 of Seddik et al. (2024);
#: ``"book"`` runs the chapter's three settings x 10 generations x 3 seeds in
#: well under two minutes on two CPU cores.
CONFIGS: dict[str, GPTConfig] = {
    "paper": GPTConfig(
        context=128, width=256, layers=8, heads=4, dropout=0.2, learning_rate=1e-3, batch_size=256, steps=2000
    ),
    "book": GPTConfig(
        context=32,
        width=64,
        layers=2,
        heads=4,
        dropout=0.0,
        learning_rate=3e-3,
        batch_size=32,
        steps=40,
        warmup_steps=4,
        train_chars=15_000,
        seeds=3,
        n_probes=64,
    ),
}


def get_config(name: str | GPTConfig) -> GPTConfig:
    """The configuration called ``name`` in :data:`CONFIGS` (a :class:`GPTConfig` is returned unchanged)."""
    if isinstance(name, GPTConfig):
        return name
    if name not in CONFIGS:
        raise ValueError(f"config must be one of {sorted(CONFIGS)}, got {name!r}")
    return CONFIGS[name]


# ----------------------------------------------------------------------------- parameters and forward pass
def init_params(config: GPTConfig, vocab_size: int, seed: int | jax.Array = 0) -> Params:
    """Initial parameters: normal(0, 0.02) weights (residual projections scaled by ``1 / sqrt(2 layers)``), zero biases.

    Parameters
    ----------
    config : GPTConfig
        The architecture.
    vocab_size : int
        Number of tokens ``s``.
    seed : int or jax PRNG key
        Randomness of the initialisation.

    Returns
    -------
    dict
        ``tok (s, W)``, ``pos (T, W)``, ``blocks`` (arrays with a leading axis
        of length ``layers``), ``ln_f`` and ``head`` (``w (W, s)``, ``b (s,)``).
    """
    vocab_size = check_positive_int(vocab_size, "vocab_size")
    key = jax.random.PRNGKey(seed) if isinstance(seed, int) else seed
    W, L, T = config.width, config.layers, config.context
    keys = jax.random.split(key, 7)
    std, res_std = 0.02, 0.02 / math.sqrt(2 * L)

    def normal(k: jax.Array, shape: tuple[int, ...], scale: float) -> jax.Array:
        return scale * jax.random.normal(k, shape, jnp.float32)

    blocks = {
        "ln1_g": jnp.ones((L, W)),
        "ln1_b": jnp.zeros((L, W)),
        "qkv_w": normal(keys[2], (L, W, 3 * W), std),
        "qkv_b": jnp.zeros((L, 3 * W)),
        "proj_w": normal(keys[3], (L, W, W), res_std),
        "proj_b": jnp.zeros((L, W)),
        "ln2_g": jnp.ones((L, W)),
        "ln2_b": jnp.zeros((L, W)),
        "fc_w": normal(keys[4], (L, W, 4 * W), std),
        "fc_b": jnp.zeros((L, 4 * W)),
        "out_w": normal(keys[5], (L, 4 * W, W), res_std),
        "out_b": jnp.zeros((L, W)),
    }
    return {
        "tok": normal(keys[0], (vocab_size, W), std),
        "pos": normal(keys[1], (T, W), std),
        "blocks": blocks,
        "ln_f": {"g": jnp.ones(W), "b": jnp.zeros(W)},
        "head": {"w": normal(keys[6], (W, vocab_size), std), "b": jnp.zeros(vocab_size)},
    }


def _layer_norm(x: jax.Array, g: jax.Array, b: jax.Array) -> jax.Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(var + 1e-5) * g + b


def _dropout(x: jax.Array, rate: float, key: jax.Array | None) -> jax.Array:
    if key is None or rate == 0.0:
        return x
    keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0)


def _mlp(p: Params, x: jax.Array) -> jax.Array:
    h = _layer_norm(x, p["ln2_g"], p["ln2_b"])
    return jax.nn.gelu(h @ p["fc_w"] + p["fc_b"]) @ p["out_w"] + p["out_b"]


def forward(params: Params, ids: jax.Array, config: GPTConfig, *, dropout_key: jax.Array | None = None) -> jax.Array:
    """Logits of the next token at every position: shape ``ids.shape + (s,)``.

    Position ``t`` of the output depends on ``ids[..., : t + 1]`` only (causal
    self-attention).  ``ids`` has shape ``(B, L)`` with ``L <= context``.
    Dropout is applied only when ``dropout_key`` is given (training).
    """
    B, L = ids.shape
    H, W = config.heads, config.width
    hd = W // H
    rate = config.dropout
    k_emb, k_blocks = jax.random.split(dropout_key) if dropout_key is not None else (None, None)
    x = _dropout(params["tok"][ids] + params["pos"][:L], rate, k_emb)
    causal = jnp.tril(jnp.ones((L, L), bool))

    def block(x: jax.Array, inputs: tuple[Params, jax.Array | None]) -> tuple[jax.Array, None]:
        p, key = inputs
        k1, k2 = jax.random.split(key) if key is not None else (None, None)
        h = _layer_norm(x, p["ln1_g"], p["ln1_b"])
        q, k, v = jnp.split(h @ p["qkv_w"] + p["qkv_b"], 3, axis=-1)
        q, k, v = (a.reshape(B, L, H, hd) for a in (q, k, v))
        att = jnp.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(hd)
        att = jax.nn.softmax(jnp.where(causal, att, -jnp.inf), axis=-1)
        y = jnp.einsum("bhqk,bkhd->bqhd", att, v).reshape(B, L, W)
        x = x + _dropout(y @ p["proj_w"] + p["proj_b"], rate, k1)
        x = x + _dropout(_mlp(p, x), rate, k2)
        return x, None

    keys = jax.random.split(k_blocks, config.layers) if k_blocks is not None else None
    if keys is None:
        x, _ = jax.lax.scan(lambda c, p: block(c, (p, None)), x, params["blocks"])
    else:
        x, _ = jax.lax.scan(block, x, (params["blocks"], keys))
    x = _layer_norm(x, params["ln_f"]["g"], params["ln_f"]["b"])
    return x @ params["head"]["w"] + params["head"]["b"]


def _loss(params: Params, batch: jax.Array, config: GPTConfig, key: jax.Array | None) -> jax.Array:
    """Mean cross-entropy of ``batch[:, 1:]`` given ``batch[:, :-1]`` (nats per token)."""
    logits = forward(params, batch[:, :-1], config, dropout_key=key)
    return optax.softmax_cross_entropy_with_integer_labels(logits, batch[:, 1:]).mean()


def learning_rates(config: GPTConfig) -> np.ndarray:
    """The learning rate of every step: linear warm-up from 0, then cosine decay to a tenth of the peak."""
    peak, steps = config.learning_rate, config.steps
    warmup = min(config.warmup_steps, steps)
    t = np.arange(steps, dtype=float)
    progress = np.clip((t - warmup) / max(steps - warmup, 1), 0.0, 1.0)
    decay = peak / 10 + (peak - peak / 10) * 0.5 * (1 + np.cos(np.pi * progress))
    return np.where(t < warmup, peak * t / max(warmup, 1), decay).astype(np.float32)


def _optimizer(config: GPTConfig) -> optax.GradientTransformation:
    """AdamW without its learning rate (the step multiplies by the rate of :func:`learning_rates`)."""
    def matrices(params: Params) -> dict[str, Any]:  # weight decay on weight matrices and embeddings only
        return {
            "tok": True,
            "pos": True,
            "blocks": {name: name.endswith("_w") for name in params["blocks"]},
            "ln_f": {"g": False, "b": False},
            "head": {"w": True, "b": False},
        }

    return optax.chain(
        optax.clip_by_global_norm(1.0),
        optax.scale_by_adam(b1=0.9, b2=0.99),
        optax.add_decayed_weights(config.weight_decay, mask=matrices),
    )


def _architecture(config: GPTConfig) -> GPTConfig:
    """The fields the compiled functions depend on; the others are reset, so changing them never recompiles."""
    return config.replace(
        learning_rate=1.0, batch_size=1, steps=1, warmup_steps=0, train_chars=None, seeds=1, generations=1, n_probes=1
    )


def _batch(n: int, cap: int) -> int:
    """Rows per jitted call for ``n`` rows: a power of two between 64 and ``cap`` (few compiled shapes)."""
    return min(cap, max(64, 1 << (n - 1).bit_length()))


@functools.lru_cache(maxsize=16)
def _compiled(config: GPTConfig, vocab_size: int) -> SimpleNamespace:
    """The jitted functions of one (configuration, vocabulary size); compiled once per shape."""
    opt = _optimizer(config)
    T, H, W, L = config.context, config.heads, config.width, config.layers
    hd = W // H

    def step(carry: tuple[Params, Any], inputs: tuple[jax.Array, ...]) -> tuple[tuple[Params, Any], jax.Array]:
        batch, rate, active, key = inputs

        def update(carry: tuple[Params, Any]) -> tuple[tuple[Params, Any], jax.Array]:
            params, opt_state = carry
            loss, grads = jax.value_and_grad(_loss)(params, batch, config, key if config.dropout > 0 else None)
            updates, opt_state = opt.update(grads, opt_state, params)
            updates = jax.tree_util.tree_map(lambda u: -rate * u, updates)
            return (optax.apply_updates(params, updates), opt_state), loss

        return jax.lax.cond(active, update, lambda c: (c, jnp.float32(0.0)), carry)

    @jax.jit
    def init(key: jax.Array) -> tuple[Params, Any]:
        params = init_params(config, vocab_size, key)
        return params, opt.init(params)

    @jax.jit
    def train_chunk(params: Params, opt_state: Any, batches: jax.Array, rates: jax.Array, active: jax.Array,
                    dropout_key: jax.Array, first: jax.Array):
        keys = jax.vmap(lambda i: jax.random.fold_in(dropout_key, i))(first + jnp.arange(batches.shape[0]))
        (params, opt_state), losses = jax.lax.scan(step, (params, opt_state), (batches, rates, active, keys))
        return params, opt_state, losses

    @jax.jit
    def window_losses(params: Params, windows: jax.Array) -> jax.Array:
        logits = forward(params, windows[:, :-1], config)
        return optax.softmax_cross_entropy_with_integer_labels(logits, windows[:, 1:])

    @jax.jit
    def last_probs(params: Params, ids: jax.Array, last: jax.Array) -> jax.Array:
        logits = forward(params, ids, config)
        return jax.nn.softmax(logits[jnp.arange(ids.shape[0]), last], axis=-1)

    @jax.jit
    def next_token(params: Params, window: jax.Array, last: jax.Array, key: jax.Array, temperature: jax.Array):
        logits = forward(params, window, config)[0, last]
        return jax.random.categorical(key, logits / temperature)

    def decode(params: Params, cache: tuple[jax.Array, jax.Array], token: jax.Array, pos: jax.Array):
        """One position for every stream, with the key-value cache ``(L, S, H, T, hd)``."""
        S = token.shape[0]
        x = params["tok"][token] + params["pos"][pos]
        visible = jnp.arange(T) <= pos

        def block(x: jax.Array, inputs: tuple[Params, jax.Array, jax.Array]):
            p, ck, cv = inputs
            h = _layer_norm(x, p["ln1_g"], p["ln1_b"])
            q, k, v = (a.reshape(S, H, hd) for a in jnp.split(h @ p["qkv_w"] + p["qkv_b"], 3, axis=-1))
            ck = jax.lax.dynamic_update_slice(ck, k[:, :, None, :], (0, 0, pos, 0))
            cv = jax.lax.dynamic_update_slice(cv, v[:, :, None, :], (0, 0, pos, 0))
            att = jnp.einsum("shd,shtd->sht", q, ck) / math.sqrt(hd)
            att = jax.nn.softmax(jnp.where(visible, att, -jnp.inf), axis=-1)
            y = jnp.einsum("sht,shtd->shd", att, cv).reshape(S, W)
            x = x + y @ p["proj_w"] + p["proj_b"]
            x = x + _mlp(p, x)
            return x, (ck, cv)

        x, cache = jax.lax.scan(block, x, (params["blocks"], *cache))
        x = _layer_norm(x, params["ln_f"]["g"], params["ln_f"]["b"])
        return x @ params["head"]["w"] + params["head"]["b"], cache

    @functools.partial(jax.jit, static_argnames="length")
    def sample(params: Params, prompt: jax.Array, n_prompt: jax.Array, key: jax.Array, temperature: jax.Array, length: int):
        """Streams of ``length`` tokens; position ``t < n_prompt`` is copied from ``prompt[:, t]``."""
        S = prompt.shape[0]
        cache = (jnp.zeros((L, S, H, T, hd)), jnp.zeros((L, S, H, T, hd)))

        def body(carry, pos):
            cache, token, key = carry
            logits, cache = decode(params, cache, token, pos)
            key, sub = jax.random.split(key)
            drawn = jax.random.categorical(sub, logits / temperature, axis=-1)
            nxt = jnp.where(pos + 1 < n_prompt, prompt[:, jnp.minimum(pos + 1, prompt.shape[1] - 1)], drawn)
            return (cache, nxt, key), nxt

        _, tokens = jax.lax.scan(body, (cache, prompt[:, 0], key), jnp.arange(length - 1))
        return jnp.concatenate([prompt[:, :1], tokens.T], axis=1)

    return SimpleNamespace(
        init=init,
        train_chunk=train_chunk,
        window_losses=window_losses,
        last_probs=last_probs,
        next_token=next_token,
        decode=jax.jit(decode),
        sample=sample,
    )


# ----------------------------------------------------------------------------- the fitted model
def _jax_key(seed: int | np.random.Generator | None) -> jax.Array:
    rng = as_generator(seed)
    return jax.random.PRNGKey(int(rng.integers(2**31)))


def _check_ids(ids: object, vocab_size: int, name: str, ndim: int) -> np.ndarray:
    arr = np.asarray(ids)
    if arr.ndim != ndim or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be a non-empty {ndim}-D array of integer token ids")
    if arr.min() < 0 or arr.max() >= vocab_size:
        raise ValueError(f"{name} must hold token ids in [0, {vocab_size}), got values in [{arr.min()}, {arr.max()}]")
    return arr.astype(np.int32)


@dataclass(frozen=True)
class GPT:
    """A trained model: configuration, parameters and what it was trained on.

    Attributes
    ----------
    config : GPTConfig
        The configuration it was trained with.
    vocab_size : int
        Number of tokens ``s``.
    params : dict
        The parameters (see :func:`init_params`).
    first_token_probs : ndarray, shape (s,)
        Token frequencies of the training corpus: the law of the first token
        of a sampled stream (a stream has no context to condition it on).
    losses : ndarray, shape (steps,)
        Training loss at every step.
    """

    config: GPTConfig
    vocab_size: int
    params: Params = field(repr=False)
    first_token_probs: np.ndarray = field(repr=False)
    losses: np.ndarray = field(repr=False)

    @property
    def _fns(self) -> SimpleNamespace:
        return _compiled(_architecture(self.config), self.vocab_size)

    def next_token_probs(self, contexts: np.ndarray, *, batch: int = 256) -> np.ndarray:
        """The law ``p(. | h)`` of the next token after each context, shape ``(P, s)`` (float64).

        Parameters
        ----------
        contexts : ndarray of int, shape (P, k)
            ``P`` contexts of ``k <= context`` tokens each.
        batch : int
            Contexts per jitted call (the last call is padded).
        """
        ctx = _check_ids(contexts, self.vocab_size, "contexts", 2)
        P, k = ctx.shape
        if k > self.config.context:
            raise ValueError(f"contexts has {k} tokens per row, longer than the model's context {self.config.context}")
        out = np.empty((P, self.vocab_size))
        B = _batch(P, check_positive_int(batch, "batch"))
        for i in range(0, P, B):
            chunk = np.zeros((B, k), np.int32)
            rows = ctx[i : i + B]
            chunk[: rows.shape[0]] = rows
            probs = self._fns.last_probs(self.params, jnp.asarray(chunk), np.full(B, k - 1, np.int32))
            out[i : i + rows.shape[0]] = np.asarray(probs, np.float64)[: rows.shape[0]]
        return out / out.sum(-1, keepdims=True)

    def cross_entropy(self, ids: np.ndarray, *, batch: int = 128) -> float:
        """Mean ``-log p(y_t | previous tokens)`` (nats per token) on the text ``ids``.

        The text is cut into consecutive windows of ``context + 1`` tokens (the
        remainder is dropped if shorter than 2 tokens); inside a window, token
        ``t`` is predicted from the tokens before it in that window.
        """
        arr = _check_ids(ids, self.vocab_size, "ids", 1)
        if arr.size < 2:
            raise ValueError("ids must hold at least 2 tokens")
        T1 = self.config.context + 1
        n_win = math.ceil(arr.size / T1)
        windows = np.zeros((n_win, T1), np.int32)
        windows.ravel()[: arr.size] = arr
        real = np.zeros((n_win, T1), bool)
        real.ravel()[: arr.size] = True
        valid = real[:, 1:]  # the padding after the end of the text is never a target
        B = _batch(n_win, check_positive_int(batch, "batch"))
        total = 0.0
        for i in range(0, n_win, B):
            rows = windows[i : i + B]
            pad = np.zeros((B, T1), np.int32)
            pad[: rows.shape[0]] = rows
            losses = np.asarray(self._fns.window_losses(self.params, jnp.asarray(pad)))[: rows.shape[0]]
            total += float(losses[valid[i : i + B]].sum())
        return total / int(valid.sum())

    def sample(
        self,
        n_streams: int,
        length: int | None = None,
        seed: int | np.random.Generator | None = None,
        *,
        temperature: float = 1.0,
        prompt: np.ndarray | None = None,
        batch: int = 512,
    ) -> np.ndarray:
        """``n_streams`` independent texts of ``length <= context + 1`` tokens, shape ``(n_streams, length)``.

        Each stream starts with a token drawn from :attr:`first_token_probs`
        (or with ``prompt``) and continues with draws from
        ``softmax(logits / temperature)``, using a key-value cache.

        Parameters
        ----------
        n_streams : int
            Number of streams.
        length : int, optional
            Tokens per stream, at most ``context + 1``; default ``context + 1``.
        seed : int, numpy.random.Generator or None
            Randomness.
        temperature : float
            Positive; 1 samples the model's law, lower values sharpen it.
        prompt : ndarray of int, shape (n_streams, k), optional
            The first ``k <= length`` tokens of every stream.
        batch : int
            Streams per jitted call (the last call is padded).
        """
        S = check_positive_int(n_streams, "n_streams")
        T1 = self.config.context + 1
        length = T1 if length is None else check_positive_int(length, "length")
        if length > T1:
            raise ValueError(f"length must be at most context + 1 = {T1}, got {length} (use generate for longer texts)")
        tau = check_positive_float(temperature, "temperature")
        rng = as_generator(seed)
        if prompt is None:
            pr = rng.choice(self.vocab_size, size=(S, 1), p=self.first_token_probs).astype(np.int32)
        else:
            pr = _check_ids(prompt, self.vocab_size, "prompt", 2)
            if pr.shape[0] != S or pr.shape[1] > length:
                raise ValueError(f"prompt must have shape (n_streams, k <= length) = ({S}, <= {length}), got {pr.shape}")
        key = _jax_key(rng)
        B = _batch(S, check_positive_int(batch, "batch"))
        out = np.empty((S, length), np.int64)
        for i in range(0, S, B):
            sub = jax.random.fold_in(key, i)
            rows = pr[i : i + B]
            chunk = np.zeros((B, pr.shape[1]), np.int32)
            chunk[: rows.shape[0]] = rows
            drawn = self._fns.sample(self.params, jnp.asarray(chunk), pr.shape[1], sub, tau, length)
            out[i : i + rows.shape[0]] = np.asarray(drawn)[: rows.shape[0]]
        return out

    def generate(
        self,
        length: int,
        seed: int | np.random.Generator | None = None,
        *,
        temperature: float = 1.0,
        prompt: np.ndarray | None = None,
    ) -> np.ndarray:
        """One text of ``length`` tokens; beyond the context the model sees the last ``context`` tokens (nanoGPT's crop)."""
        length = check_positive_int(length, "length")
        rng = as_generator(seed)
        T1 = self.config.context + 1
        head = self.sample(1, min(length, T1), rng, temperature=temperature, prompt=prompt)[0]
        if length <= T1:
            return head
        text = list(head)
        T = self.config.context
        key = _jax_key(rng)
        tau = check_positive_float(temperature, "temperature")
        while len(text) < length:
            window = np.array(text[-T:], np.int32)[None, :]
            text.append(int(self._fns.next_token(self.params, window, T - 1, jax.random.fold_in(key, len(text)), tau)))
        return np.array(text, np.int64)


def _window_starts(corpus: Corpus, span: int) -> np.ndarray:
    """Starts ``i`` of the windows ``ids[i : i + span]`` that lie inside one segment."""
    if len(corpus) < span:
        return np.empty(0, np.int64)
    i = np.arange(len(corpus) - span + 1)
    return i[corpus.segment[i] == corpus.segment[i + span - 1]]


def train_gpt(
    corpus: Corpus | np.ndarray,
    vocab_size: int,
    config: str | GPTConfig = "book",
    seed: int | np.random.Generator | None = 0,
    *,
    chunk: int = 25,
) -> GPT:
    """Train a model from scratch on a corpus of token ids.

    Parameters
    ----------
    corpus : Corpus or ndarray of int
        The training text (a 1-D array is one segment); windows of
        ``context + 1`` tokens never cross a segment boundary.
    vocab_size : int
        Number of tokens ``s``.
    config : str or GPTConfig
        A name in :data:`CONFIGS` or a configuration.
    seed : int, numpy.random.Generator or None
        Randomness of the initialisation, the batches and dropout.
    chunk : int
        Steps per jitted call.

    Returns
    -------
    GPT
    """
    config = get_config(config)
    vocab_size = check_positive_int(vocab_size, "vocab_size")
    if not isinstance(corpus, Corpus):
        corpus = Corpus.from_ids(_check_ids(corpus, vocab_size, "corpus", 1) if np.size(corpus) else np.array([], np.int64))
    if len(corpus) == 0:
        raise ValueError("corpus is empty")
    _check_ids(corpus.ids, vocab_size, "corpus", 1)
    span = config.context + 1
    starts = _window_starts(corpus, span)
    if starts.size == 0:
        raise ValueError(f"corpus has no segment of context + 1 = {span} tokens")
    rng = as_generator(seed)
    key = _jax_key(rng)
    fns = _compiled(_architecture(config), vocab_size)
    params, opt_state = fns.init(jax.random.fold_in(key, 0))
    k_drop = jax.random.fold_in(key, 1)
    ids = corpus.ids.astype(np.int32)
    offsets = np.arange(span)
    chunk = check_positive_int(chunk, "chunk")
    losses = []
    rates = np.zeros(-(-config.steps // chunk) * chunk, np.float32)
    rates[: config.steps] = learning_rates(config)
    for first in range(0, config.steps, chunk):  # the last chunk is padded with inactive steps: one compiled shape
        active = np.arange(first, first + chunk) < config.steps
        picks = starts[rng.integers(0, starts.size, size=(int(active.sum()), config.batch_size))]
        batches = np.zeros((chunk, config.batch_size, span), np.int32)
        batches[: picks.shape[0]] = ids[picks[..., None] + offsets]
        params, opt_state, chunk_losses = fns.train_chunk(
            params, opt_state, batches, rates[first : first + chunk], active, k_drop, first
        )
        losses.append(np.asarray(chunk_losses)[active])
    freq = np.bincount(corpus.ids, minlength=vocab_size).astype(float)
    return GPT(
        config=config,
        vocab_size=vocab_size,
        params=params,
        first_token_probs=freq / freq.sum(),
        losses=np.concatenate(losses),
    )


def l1_deviation(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``||p(. | h) - q(. | h)||_1`` for every context: the sum of ``|p - q|`` over the last axis."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    return np.abs(p - q).sum(-1)


# ----------------------------------------------------------------------------- the model class of the loop
class _FittedGPTs:
    """The GPTs of one generation, one per replica (see :class:`collapse_utils.lm_loop.FittedModels`)."""

    def __init__(self, models: list[GPT]) -> None:
        self.models = models

    def sample(self, length: int, rng: np.random.Generator) -> Corpus:
        T1 = self.models[0].config.context + 1
        S = math.ceil(length / T1)
        parts = []
        for r, model in enumerate(self.models):
            ids = model.sample(S, T1, rng).ravel()[:length]
            seg = np.arange(ids.size, dtype=np.int64) // T1
            parts.append(Corpus(ids, seg, np.full(ids.size, r, np.int64)))
        return Corpus.concat(parts)

    def sample_text(self, length: int, rng: np.random.Generator) -> np.ndarray:
        return self.models[0].generate(length, rng)

    def next_token_probs(self, contexts: np.ndarray) -> np.ndarray:
        return np.stack([m.next_token_probs(contexts) for m in self.models])

    def cross_entropy(self, ids: np.ndarray) -> np.ndarray:
        return np.array([m.cross_entropy(ids) for m in self.models])

    def diagnostics(self, probes: np.ndarray, first: _FittedGPTs | None) -> dict[str, np.ndarray]:
        tail = max(1, self.models[0].config.steps // 10)
        return {"train_loss": np.array([m.losses[-tail:].mean() for m in self.models])}


class GPTFamily:
    """The GPT as a model class of :func:`collapse_utils.lm_loop.run_loop`: every generation trains from scratch.

    Parameters
    ----------
    config : str or GPTConfig
        A name in :data:`CONFIGS` or a configuration.
    """

    def __init__(self, config: str | GPTConfig = "book") -> None:
        self.config = get_config(config)
        self._first: tuple[tuple[Any, ...], _FittedGPTs, dict[str, Any]] | None = None

    @property
    def context(self) -> int:
        """Tokens of context of a probe (the model's context ``T``)."""
        return self.config.context

    def fit(self, corpus: Corpus, vocab_size: int, replicas: int, rng: np.random.Generator) -> _FittedGPTs:
        """One model per replica, trained on that replica's part of ``corpus``.

        Training is a function of the corpus and of the state of ``rng``.  The
        family remembers its first fit (in a loop, generation 1 on the real
        text): a later call with the same corpus and the same generator state
        returns those models and leaves ``rng`` where training would have left
        it, so several settings started from one seed share generation 1
        without training it again.
        """
        key = (
            vocab_size,
            replicas,
            corpus.ids.tobytes(),
            corpus.segment.tobytes(),
            corpus.replica.tobytes(),
            repr(rng.bit_generator.state),
        )
        if self._first is not None and self._first[0] == key:
            rng.bit_generator.state = self._first[2]
            return self._first[1]
        models = []
        for r in range(replicas):
            keep = corpus.replica == r
            part = Corpus(corpus.ids[keep], corpus.segment[keep], np.zeros(int(keep.sum()), np.int64))
            models.append(train_gpt(part, vocab_size, self.config, rng))
        fitted = _FittedGPTs(models)
        if self._first is None:
            self._first = (key, fitted, rng.bit_generator.state)
        return fitted


# ----------------------------------------------------------------------------- experiment and provenance
def _git_version() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _hardware() -> dict[str, Any]:
    devices = jax.devices()
    return {
        "backend": jax.default_backend(),
        "devices": [d.device_kind for d in devices],
        "machine": platform.machine(),
        "processor": platform.processor(),
        "jax": jax.__version__,
        "optax": optax.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def run_experiment(
    train: np.ndarray,
    held_out: np.ndarray,
    vocab_size: int,
    config: str | GPTConfig = "book",
    *,
    settings: dict[str, float] | None = None,
    seed: int = 0,
    sample_chars: int = 300,
    samples_at: tuple[int, ...] = (1, 5, 10),
) -> dict[str, LoopResult]:
    """The paper's three settings, each a :func:`~collapse_utils.lm_loop.run_loop` with the GPT.

    The real training text is cut to ``config.train_chars``; every setting uses
    the same ``seed``, so the probes and generation 1 are the same in all three
    (generation 1 is trained once and shared).

    Returns
    -------
    dict of str to LoopResult
        One result per setting of ``settings`` (default :data:`~collapse_utils.lm_loop.SETTINGS`).
    """
    cfg = get_config(config)
    train = np.asarray(train)
    if cfg.train_chars is not None:
        train = train[: cfg.train_chars]
    family = GPTFamily(cfg)
    out = {}
    for name, f in (SETTINGS if settings is None else settings).items():
        out[name] = run_loop(
            train,
            held_out,
            vocab_size,
            model=family,
            real_fraction=f,
            generations=cfg.generations,
            replicas=cfg.seeds,
            n_probes=cfg.n_probes,
            sample_chars=sample_chars,
            samples_at=tuple(g for g in samples_at if g <= cfg.generations) if f == 0 else (),
            seed=seed,
        )
    return out


def write_result(
    path: str | Path,
    results: dict[str, LoopResult],
    config: str | GPTConfig,
    *,
    name: str,
    seed: int,
    corpus: dict[str, Any],
    overrides: dict[str, Any] | None = None,
    seconds: float | None = None,
) -> dict[str, Any]:
    """Write the per-generation metrics of :func:`run_experiment` with their provenance as JSON; return the record.

    The record holds ``name`` (the configuration's name), ``config`` (all its
    fields), ``overrides`` (fields changed from the named configuration, e.g.
    for a smoke test), ``code_version`` (git commit, if known), ``hardware``,
    ``date`` (UTC), ``seed``, ``corpus`` (a description) and, per setting, the
    arrays ``deviation``, ``cross_entropy`` and ``train_loss`` of shape
    ``(generations, seeds)``.
    """
    cfg = get_config(config)
    record = {
        "format": RESULT_FORMAT,
        "name": name,
        "config": dataclasses.asdict(cfg),
        "overrides": overrides or {},
        "code_version": _git_version(),
        "hardware": _hardware(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "seed": seed,
        "seconds": seconds,
        "corpus": corpus,
        "results": {
            setting: {
                "real_fraction": res.real_fraction,
                "deviation": res.deviation.tolist(),
                "cross_entropy": res.cross_entropy.tolist(),
                "train_loss": res.extras["train_loss"].tolist(),
            }
            for setting, res in results.items()
        },
    }
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


def read_result(path: str | Path) -> dict[str, Any]:
    """Read a JSON result of :func:`write_result`; arrays come back as NumPy arrays, ``config`` as a :class:`GPTConfig`.

    Raises
    ------
    ValueError
        If ``path`` is not a result file of this format.
    """
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"path {str(path)!r} does not exist or is not a file")
    record = json.loads(file.read_text(encoding="utf-8"))
    if not isinstance(record, dict) or record.get("format") != RESULT_FORMAT:
        raise ValueError(f"path {str(path)!r} is not a GPT result of format {RESULT_FORMAT}")
    record["config"] = GPTConfig(**record["config"])
    for res in record["results"].values():
        for key in ("deviation", "cross_entropy", "train_loss"):
            res[key] = np.asarray(res[key], float)
    return record


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Command line: run the three settings at a named configuration and write the JSON result."""
    from .ngram import Vocabulary, default_text, load_text

    parser = argparse.ArgumentParser(prog="python -m collapse_utils.gpt", description=main.__doc__)
    parser.add_argument("--config", default="paper", help=f"one of {sorted(CONFIGS)}")
    parser.add_argument("--out", required=True, help="JSON file to write, e.g. results/gpt_paper.json")
    parser.add_argument("--text", help="UTF-8 corpus (e.g. Tiny Shakespeare's input.txt); default: the book's corpus")
    parser.add_argument("--seed", type=int, default=0)
    for name in ("steps", "seeds", "generations", "n_probes", "train_chars"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, help=f"override the configuration's {name}")
    args = parser.parse_args(argv)
    cfg = get_config(args.config)
    overrides = {
        k: getattr(args, k)
        for k in ("steps", "seeds", "generations", "n_probes", "train_chars")
        if getattr(args, k) is not None
    }
    cfg = cfg.replace(**overrides)
    text = load_text(args.text) if args.text else default_text()
    vocab = Vocabulary.from_text(text)
    ids = vocab.encode(text)
    cut = int(0.9 * ids.size)
    start = time.perf_counter()
    results = run_experiment(ids[:cut], ids[cut:], vocab.size, cfg, seed=args.seed)
    seconds = time.perf_counter() - start
    corpus = {
        "source": args.text or "pydoc_data.topics (CPython documentation)",
        "characters": int(ids.size),
        "vocab_size": vocab.size,
        "train": int(min(cut, cfg.train_chars or cut)),
        "held_out": int(ids.size - cut),
    }
    record = write_result(
        args.out, results, cfg, name=args.config, seed=args.seed, corpus=corpus, overrides=overrides, seconds=seconds
    )
    print(f"wrote {args.out}: {args.config} on {record['hardware']['backend']}, {seconds:.1f} s")
    return record


if __name__ == "__main__":
    main()
