"""The computations behind the collapse map (Part III): every regime on common axes.

Each function runs the book's simulators over a grid of settings and returns
the Monte Carlo summary *and* the theory drawn over it:

* :func:`reuse_curves` — reuse of real data (none / fixed / fresh / accumulated,
  :func:`collapse_utils.chains.simulate_chain`) with the exact mean squared
  deviation ``E||p^(m) - p||^2`` of every scheme (Part I and II theory);
* :func:`synthetic_amount_phase` — real corpus ``N`` x synthetic samples ``n`` in the
  partially synthetic scheme, with the book's deviation bound
  (:func:`collapse_utils.theory.mixing.deviation_bounds`);
* :func:`temperature_phase` — share of fresh real data x sampling temperature,
  with the deterministic fixed point of ``collapse_utils.temperature.fixed_points``;
* :func:`curation_phase` — share of real data x number of candidates ``K``, with
  the expected curated dynamics of :func:`collapse_utils.curation.expected_trajectory`;
* :func:`editing_phase` — regenerated fraction ``eta`` x generations in the
  regression loop, with :func:`collapse_utils.editing.partial_regeneration_error`.

Regimes are named by one rule throughout: **collapse** (the model ends on one
outcome, or the error grows without bound), **drift** (the model stays diverse
but moves far from the data) and **stable** (bounded, small distance).
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from .chains import simulate_chain
from .curation import expected_trajectory, simulate_curation
from .editing import partial_regeneration_error, simulate_partial_regeneration
from .temperature import fixed_points
from .theory.core import S0 as _S0
from .theory.core import fully_synthetic_S
from .theory.core import m as _m
from .theory.core import n as _n
from .theory.mixing import N as _N, accumulate_V, deviation_bounds, fresh_real_variance, p as _p, partially_synthetic_S
from .theory.mixing import R as _R
from .validation import (
    as_generator,
    check_array,
    check_memory,
    check_positive_float,
    check_positive_int,
    check_probs,
    check_work,
)

__all__ = [
    "REUSE",
    "PhaseGrid",
    "curation_phase",
    "editing_phase",
    "reuse_curves",
    "reuse_theory",
    "synthetic_amount_phase",
    "temperature_phase",
]

#: Reuse of real data -> scheme of :func:`collapse_utils.chains.simulate_chain`.
REUSE: dict[str, str] = {
    "none": "fully-synthetic",
    "fixed": "partially-synthetic",
    "fresh": "fresh-real",
    "accumulated": "accumulate",
}


def reuse_theory(p0: object, *, n: int, n_real: int, generations: int) -> dict[str, np.ndarray]:
    """Exact ``E||p^(m) - p||_2^2`` for ``m = 0..generations`` under each reuse regime.

    Every scheme is unbiased (``E p^(m) = p``), so the mean squared deviation is
    the summed variance: ``S_m - S_0`` for *none* (Theorem 1) and *fixed*
    (the partially synthetic ``S_m``), ``sum_i v_i^(m)`` for *fresh*, and
    ``(1 - S_0) V_m`` for *accumulated*.

    Parameters
    ----------
    p0 : array_like, shape (s,)
        The truth.
    n, n_real : int
        Synthetic and real samples per generation.
    generations : int
        Last generation; the cost is three exact (mpmath) evaluations per generation,
        about a millisecond, refused above :data:`~collapse_utils.validation.WORK_LIMIT`.

    Returns
    -------
    dict of str to ndarray, shape (generations + 1,)
        One curve per regime of :data:`REUSE`; entry 0 is 0.

    Examples
    --------
    >>> th = reuse_theory([0.5, 0.3, 0.2], n=20, n_real=20, generations=5)
    >>> sorted(th), bool(th["none"][-1] > th["fixed"][-1] > 0)
    (['accumulated', 'fixed', 'fresh', 'none'], True)
    """
    p0 = check_probs(p0, "p0")
    n = check_positive_int(n, "n")
    n_real = check_positive_int(n_real, "n_real")
    generations = check_positive_int(generations, "generations")
    check_work(
        1e6 * generations + 10 * generations**2,
        f"generations={generations} (three exact mpmath evaluations each)",
        "use fewer generations",
    )
    S0v = float(p0 @ p0)
    gens = np.arange(1, generations + 1)

    def exact(f, *values: float) -> np.ndarray:
        # mpmath: the closed forms hold ratios like (n (n - 1))^m / (N + n)^(2m) that overflow in float64
        mp_values = [mpmath.mpf(v) for v in values]
        return np.array([float(f(mpmath.mpf(int(g)), *mp_values)) for g in gens])

    none = exact(sp.lambdify([_m, _n, _S0], fully_synthetic_S(), "mpmath"), n, S0v) - S0v
    fixed = exact(sp.lambdify([_m, _n, _N, _S0], partially_synthetic_S(), "mpmath"), n, n_real, S0v) - S0v
    # v_i^(m) = p_i (1 - p_i) g_m, so sum_i v_i^(m) = (1 - S_0) g_m: one evaluation per generation, whatever s.
    g_m = sp.cancel(fresh_real_variance() / (_p * (1 - _p)))
    fresh = (1 - S0v) * exact(sp.lambdify([_m, _n, _N], g_m, "mpmath"), n, n_real)
    acc = (1 - S0v) * accumulate_V(generations, n, n_real)[1:]
    zero = np.zeros(1)
    return {name: np.concatenate([zero, np.broadcast_to(v, gens.shape)])
            for name, v in {"none": none, "fixed": fixed, "fresh": fresh, "accumulated": acc}.items()}


def reuse_curves(
    p0: object, *, n: int, n_real: int, generations: int, replicas: int, seed: int | np.random.Generator | None = None
) -> dict[str, dict[str, np.ndarray]]:
    """Simulate the four reuse regimes with the same ``n`` synthetic and ``n_real`` real samples.

    Returns, per regime, ``"msd"`` (``||p^(m) - p||^2``, shape ``(generations + 1, replicas)``),
    ``"collapsed"`` (fraction of replicas on one token, shape ``(generations + 1,)``) and
    ``"theory"`` (:func:`reuse_theory`).

    Examples
    --------
    >>> cur = reuse_curves([0.5, 0.5], n=10, n_real=10, generations=4, replicas=50, seed=0)
    >>> cur["none"]["msd"].shape, cur["none"]["theory"].shape
    ((5, 50), (5,))
    """
    p0 = check_probs(p0, "p0")
    n = check_positive_int(n, "n")
    n_real = check_positive_int(n_real, "n_real")
    generations = check_positive_int(generations, "generations")
    replicas = check_positive_int(replicas, "replicas")
    check_memory(
        2 * 8 * (generations + 1) * replicas * p0.size,
        f"generations={generations} x replicas={replicas} x s={p0.size} (every model is kept)",
        "use fewer generations or replicas",
    )
    rng = as_generator(seed)
    theory = reuse_theory(p0, n=n, n_real=n_real, generations=generations)
    out = {}
    for name, scheme in REUSE.items():
        res = simulate_chain(p0, n=n, generations=generations, scheme=scheme, n_real=0 if name == "none" else n_real,
                             replicas=replicas, seed=rng)
        msd = ((res.probs - p0) ** 2).sum(-1)
        out[name] = {"msd": msd, "collapsed": (res.max_prob == 1).mean(axis=1), "theory": theory[name]}
    return out


@dataclass(frozen=True)
class PhaseGrid:
    """A phase diagram: simulated and theoretical values of one statistic on a grid.

    Attributes
    ----------
    x, y : ndarray
        Grid axes (``x`` along columns, ``y`` along rows).
    simulated : ndarray, shape (len(y), len(x))
        Monte Carlo mean of the statistic.
    theory : ndarray, shape (len(y), len(x))
        The theory's value of the same statistic.
    collapsed : ndarray, shape (len(y), len(x))
        Fraction of replicas that collapsed (meaning depends on the diagram).
    """

    x: np.ndarray
    y: np.ndarray
    simulated: np.ndarray
    theory: np.ndarray
    collapsed: np.ndarray


def synthetic_amount_phase(
    p0: object,
    *,
    Ns: object,
    ns: object,
    generations: int,
    replicas: int,
    seed: int | np.random.Generator | None = None,
) -> PhaseGrid:
    """Deviation ``max_m E||p^(m) - p^(1)||_1`` over (real corpus ``N``, synthetic samples ``n``).

    Each cell simulates the partially synthetic scheme (one fixed real corpus of
    ``N`` samples, ``n`` synthetic samples per generation) and records the largest,
    over ``m = 2..generations``, of the Monte Carlo mean deviation from the first
    model.  ``theory`` is the book's bound ``sqrt(n (1 - 1/N)) R / N``, ``R = sum_i sqrt(p_i (1 - p_i))``
    (key ``"p"`` of :func:`collapse_utils.theory.mixing.deviation_bounds`), which
    holds for every ``m >= 2``.  ``collapsed`` is the fraction of replicas whose
    last model is a single token.

    Examples
    --------
    >>> grid = synthetic_amount_phase([0.5, 0.3, 0.2], Ns=[20, 100], ns=[5], generations=5, replicas=200, seed=0)
    >>> grid.simulated.shape, bool(np.all(grid.simulated < grid.theory))  # the bound holds
    ((1, 2), True)
    """
    p0 = check_probs(p0, "p0")
    Ns = check_array(Ns, "Ns", ndim=1, integer=True, low=1)
    ns = check_array(ns, "ns", ndim=1, integer=True, low=1)
    generations = check_positive_int(generations, "generations")
    if generations < 2:
        raise ValueError(f"generations must be at least 2, got {generations}")
    replicas = check_positive_int(replicas, "replicas")
    check_work(
        Ns.size * ns.size * generations * replicas * (ns.max() + p0.size),
        f"{Ns.size} values of N x {ns.size} values of n x generations={generations} x replicas={replicas} x n <= {ns.max()}",
        "use a coarser grid, fewer generations or replicas",
    )
    rng = as_generator(seed)
    sim = np.empty((ns.size, Ns.size))
    col = np.empty_like(sim)
    for i, n_v in enumerate(ns):
        for j, N_v in enumerate(Ns):
            res = simulate_chain(p0, n=int(n_v), n_real=int(N_v), generations=generations,
                                 scheme="partially-synthetic", replicas=replicas, seed=rng, record="stats")
            sim[i, j] = res.l1_first[2:].mean(axis=1).max()
            col[i, j] = (res.max_prob[-1] == 1).mean()
    bound = sp.lambdify((_N, _n, _R), deviation_bounds()["p"], "numpy")
    spread = float(np.sqrt(p0 * (1 - p0)).sum())
    theory = bound(Ns[None, :].astype(float), ns[:, None].astype(float), spread)
    return PhaseGrid(x=Ns.astype(float), y=ns.astype(float), simulated=sim, theory=theory, collapsed=col)


def temperature_phase(
    p0: object,
    *,
    real_shares: object,
    temperatures: object,
    total: int,
    generations: int,
    replicas: int,
    seed: int | np.random.Generator | None = None,
) -> PhaseGrid:
    """Total-variation distance ``TV(p^(M), p)`` after ``M = generations`` over (real share, temperature).

    Each generation trains on ``total`` samples: ``round(phi total)`` fresh real ones
    and the rest sampled from the previous model at temperature ``T``
    (``phi = 0`` is fully synthetic).  The theory is the TV distance of the
    infinite-sample fixed point (``collapse_utils.temperature.fixed_points``).
    ``collapsed`` is the fraction of replicas with ``max_x p^(M)(x) = 1``.

    Examples
    --------
    >>> grid = temperature_phase([0.6, 0.4], real_shares=[0.0, 0.5], temperatures=[0.8, 1.2],
    ...                          total=20, generations=5, replicas=20, seed=0)
    >>> grid.simulated.shape, grid.theory.shape
    ((2, 2), (2, 2))
    """
    p0 = check_probs(p0, "p0")
    total = check_positive_int(total, "total")
    generations = check_positive_int(generations, "generations")
    replicas = check_positive_int(replicas, "replicas")
    phis = check_array(real_shares, "real_shares", ndim=1, low=0.0, high=1.0)
    temps = check_array(temperatures, "temperatures", ndim=1, low=0.0)
    for T in temps:
        check_positive_float(float(T), "temperatures")
    check_work(
        phis.size * temps.size * generations * replicas * (p0.size + 50),
        f"{temps.size} temperatures x {phis.size} real shares x generations={generations} x replicas={replicas}",
        "use a coarser grid, fewer generations or replicas",
    )
    rng = as_generator(seed)
    sim = np.empty((temps.size, phis.size))
    col = np.empty_like(sim)
    for i, T in enumerate(temps):
        for j, phi in enumerate(phis):
            N = int(round(phi * total))
            if N >= total:
                raise ValueError("real_shares must leave at least one synthetic sample per generation")
            res = simulate_chain(p0, n=total - N, generations=generations, n_real=N,
                                 scheme="fresh-real" if N else "fully-synthetic", replicas=replicas,
                                 seed=rng, record="stats", temperature=float(T))
            sim[i, j] = 0.5 * res.stats["l1_truth"][-1].mean()
            col[i, j] = (res.max_prob[-1] == 1).mean()
    theory = fixed_points(p0, temps, phis).tv
    return PhaseGrid(x=phis, y=temps, simulated=sim, theory=theory, collapsed=col)


def curation_phase(
    p0: object,
    r: object,
    *,
    real_shares: object,
    Ks: object,
    n: int,
    generations: int,
    replicas: int,
    seed: int | np.random.Generator | None = None,
) -> PhaseGrid:
    """Entropy lost by curation, ``1 - H(p_M) / H(p_0)``, over (real share, ``K``).

    Simulated with :func:`collapse_utils.curation.simulate_curation`; theory is the
    expected dynamics :func:`collapse_utils.curation.expected_trajectory`.
    ``collapsed`` is the fraction of replicas left with a single outcome.

    Examples
    --------
    >>> grid = curation_phase([0.5, 0.3, 0.2], [0.0, 1.0, 2.0], real_shares=[0.0, 0.5], Ks=[2, 4],
    ...                       n=30, generations=3, replicas=10, seed=0)
    >>> grid.simulated.shape, bool(np.all(grid.theory[:, 0] > grid.theory[:, 1]))  # real data keep entropy
    ((2, 2), True)
    """
    p0 = check_probs(p0, "p0")
    phis = check_array(real_shares, "real_shares", ndim=1, low=0.0, high=1.0)
    Ks = check_array(Ks, "Ks", ndim=1, integer=True, low=1)
    n = check_positive_int(n, "n")
    generations = check_positive_int(generations, "generations")
    replicas = check_positive_int(replicas, "replicas")
    check_work(
        phis.size * Ks.size * generations * (replicas * n * (Ks.max() + p0.size) + 2000 * p0.size),
        f"{Ks.size} K values x {phis.size} real shares x generations={generations} x replicas={replicas} x n={n}",
        "use a coarser grid, fewer generations or replicas",
    )
    rng = as_generator(seed)

    def entropy(q: np.ndarray) -> np.ndarray:
        return -(q * np.log(np.where(q > 0, q, 1.0))).sum(-1)

    h0 = entropy(p0)
    sim = np.empty((Ks.size, phis.size))
    th = np.empty_like(sim)
    col = np.empty_like(sim)
    for i, K in enumerate(Ks):
        for j, phi in enumerate(phis):
            res = simulate_curation(p0, r, K=int(K), n=n, generations=generations, real_fraction=float(phi),
                                    replicas=replicas, seed=rng)
            sim[i, j] = 1 - res.entropy[-1].mean() / h0
            col[i, j] = (res.support[-1] == 1).mean()
            traj = expected_trajectory(p0, r, int(K), generations=generations, real_fraction=float(phi))
            th[i, j] = 1 - entropy(traj[-1]) / h0
    return PhaseGrid(x=phis, y=Ks.astype(float), simulated=sim, theory=th, collapsed=col)


def editing_phase(
    *,
    J: int,
    d: int,
    etas: object,
    generations: int,
    replicas: int,
    sigma: float = 1.0,
    seed: int | np.random.Generator | None = None,
) -> PhaseGrid:
    """Test error relative to one OLS fit over (regenerated fraction ``eta``, generation).

    One Gaussian design ``X`` (``J x d``) is drawn; ``simulated[i, j]`` is the Monte
    Carlo mean of ``||w_hat_n - w*||^2 / E||w_hat_1 - w*||^2`` at ``eta = etas[j]`` and
    generation ``n = y[i]``, ``n = 1..generations`` (generation 0, the truth, has error 0)
    and ``theory`` its exact value (:func:`collapse_utils.editing.partial_regeneration_error`).
    ``collapsed`` is 1 where the theory grows without bound (``eta = 1``).

    Examples
    --------
    >>> grid = editing_phase(J=30, d=3, etas=[0.5, 1.0], generations=4, replicas=20, seed=0)
    >>> grid.theory.shape, grid.collapsed[:, 1].tolist()
    ((4, 2), [1.0, 1.0, 1.0, 1.0])
    """
    J = check_positive_int(J, "J")
    d = check_positive_int(d, "d")
    if J <= d:
        raise ValueError(f"J must be > d (got J={J}, d={d})")
    etas = check_array(etas, "etas", ndim=1, low=0.0, high=1.0)
    generations = check_positive_int(generations, "generations")
    replicas = check_positive_int(replicas, "replicas")
    sigma = check_positive_float(sigma, "sigma")
    check_work(
        etas.size * generations * replicas * J * d * 3,
        f"{etas.size} etas x generations={generations} x replicas={replicas} x J={J} x d={d}",
        "use fewer etas, generations or replicas",
    )
    rng = as_generator(seed)
    X = rng.standard_normal((J, d))
    gens = np.arange(1, generations + 1, dtype=float)
    sim = np.empty((gens.size, etas.size))
    th = np.empty_like(sim)
    for j, eta in enumerate(etas):
        exact = partial_regeneration_error(X, float(eta), sigma, generations=generations)[1:]
        errs = simulate_partial_regeneration(X, float(eta), sigma, generations=generations, replicas=replicas, seed=rng)
        sim[:, j] = errs[1:].mean(axis=1) / exact[0]
        th[:, j] = exact / exact[0]
    col = np.broadcast_to(np.isclose(etas, 1.0), sim.shape).astype(float)
    return PhaseGrid(x=etas, y=gens, simulated=sim, theory=th, collapsed=col)
