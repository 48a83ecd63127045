"""A small valid call of every public numerical function, for the fuzz tests and ``benchmarks/fuzz_outcomes.py``.

``CALLS`` maps ``module.function`` to keyword arguments of a fast, valid call.  ``BAD`` lists values that are
invalid for any numerical argument; ``EDGE`` values that may be valid or not depending on the argument.
"""

from __future__ import annotations

import dataclasses

import numpy as np

P = [0.5, 0.3, 0.2]
R = [0.0, 1.0, 2.0]


def _model():
    from collapse_utils.ngram import fit_ngram

    return fit_ngram(np.tile(np.arange(4), 30), 2, 4)


def _data():
    from collapse_utils.unlearning import logistic_data

    return logistic_data(1.0, 30, seed=0)


def _post():
    from collapse_utils.unlearning import GaussianPosterior

    return GaussianPosterior(mean=0.5, sd=0.3)


def _teacher():
    from collapse_utils.distillation import default_teacher

    return default_teacher()


def _student():
    from collapse_utils.distillation import Student, grid_points

    return Student(np.zeros((50, 3)), grid_points(7), 1.0)


def _rng():
    return np.random.default_rng(0)


IDS = np.tile(np.arange(4), 30)

#: module.function -> (positional names, keyword arguments of a valid call); callables are built fresh per call.
CALLS: dict[str, dict] = {
    "chains.simulate_chain": dict(p0=P, n=10, generations=3, replicas=2, seed=0),
    "chains.collapse_times": dict(p0=P, n=5, replicas=3, seed=0),
    "chains.temper": dict(probs=np.array(P), temperature=0.7),
    "chains.chain_statistics": dict(probs=np.array([P]), first=np.array([P]), truth=np.array([P])),
    "sampling.sample_counts": dict(probs=np.array([P]), n=5, rng=_rng),
    "sampling.sample_categorical": dict(probs=np.array([P]), size=5, rng=_rng),
    "sampling.resample_counts": dict(counts=np.array([[3, 1, 0]]), n=5, rng=_rng),
    "sampling.choose_strategy": dict(n=5, k=10),
    "gaussian.simulate_gaussian": dict(mu0=0.0, sigma0=1.0, n=10, generations=3, replicas=2, seed=0),
    "forgetting.simulate_poisson": dict(lam0=2.0, n=5, generations=3, replicas=2, seed=0),
    "forgetting.loss_times": dict(probs=np.array([[P], [[1.0, 0.0, 0.0]]])),
    "kde.simulate_kde": dict(n=10, h=0.3, generations=2, replicas=2, seed=0),
    "kde.kde_ise": dict(points=np.array([[0.0, 1.0, -0.5]]), h=0.3),
    "regression.simulate_regression": dict(J=10, d=2, sigma=1.0, generations=2, replicas=2, seed=0),
    "stability.simulate_retraining": dict(mu_star=0.0, sigma_star=1.0, n_real=10, lam=0.5, generations=3, seed=0),
    "temperature.tempered_iterate": dict(p0=P, T=0.7, t=3),
    "temperature.mixed_map": dict(p=np.array(P), q=P, T=0.7, lam=0.3),
    "temperature.fixed_points": dict(q=P, T=[0.7, 1.3], lam=[0.2, 0.5], max_iter=200),
    "curation.curation_factor": dict(p=P, r=R, K=3),
    "curation.expected_update": dict(p=P, r=R, K=3, real_fraction=0.2),
    "curation.expected_trajectory": dict(p0=P, r=R, K=3, generations=3),
    "curation.reward_tilt": dict(p0=P, r=R, t=1.0),
    "curation.curate_counts": dict(probs=np.array([P]), r=np.array(R), K=3, n=5, rng=_rng),
    "curation.simulate_curation": dict(p0=P, r=R, K=3, n=10, generations=2, replicas=2, seed=0),
    "wright_fisher.transition_matrix": dict(n=5),
    "wright_fisher.collapse_cdf": dict(p=0.3, n=5, generations=3),
    "wright_fisher.loss_cdf": dict(p=0.3, n=5, generations=3),
    "wright_fisher.expected_survivors": dict(p0=P, n=5, generations=3),
    "wright_fisher.mean_collapse_time": dict(p=0.3, n=5),
    "wright_fisher.fixation_probability": dict(p=0.3, n=5),
    "wright_fisher.diffusion_collapse_time": dict(p0=P, n=5),
    "wright_fisher.one_step_loss_probability": dict(p0=0.3, n=5),
    "editing.partial_regeneration_factor": dict(omega=[0.2, 0.5], generations=[1, 2]),
    "editing.partial_regeneration_error": dict(X=np.random.default_rng(0).standard_normal((10, 2)), eta=0.5, sigma=1.0, generations=3),
    "editing.simulate_partial_regeneration": dict(
        X=np.random.default_rng(0).standard_normal((10, 2)), eta=0.5, sigma=1.0, generations=3, replicas=2, seed=0
    ),
    "editing.token_edit": dict(model=_model, ids=IDS[:20], threshold=0.5, seed=0),
    "editing.simulate_text_loop": dict(ids=IDS, heldout=IDS[:20], vocab_size=4, order=2, generations=2, seed=0),
    "collapse_map.reuse_theory": dict(p0=P, n=10, n_real=10, generations=3),
    "collapse_map.reuse_curves": dict(p0=P, n=10, n_real=10, generations=2, replicas=3, seed=0),
    "collapse_map.temperature_phase": dict(p0=P, real_shares=[0.0, 0.5], temperatures=[0.8], total=10, generations=2, replicas=2, seed=0),
    "collapse_map.curation_phase": dict(p0=P, r=R, real_shares=[0.0], Ks=[2], n=10, generations=2, replicas=2, seed=0),
    "collapse_map.editing_phase": dict(J=10, d=2, etas=[0.5], generations=2, replicas=2, seed=0),
    "collapse_map.synthetic_amount_phase": dict(p0=P, Ns=[10, 20], ns=[5], generations=3, replicas=2, seed=0),
    "distillation.invert": dict(teacher=_teacher, budget=4, steps=2, seed=0),
    "distillation.grid_points": dict(resolution=4),
    "distillation.train_student": dict(x=np.zeros((3, 2)), soft_labels=np.full((3, 3), 1 / 3), iterations=3),
    "distillation.occupancy": dict(x=np.zeros((3, 2)), cells=4),
    "distillation.agreement": dict(teacher=_teacher, student=_student, points=np.zeros((3, 2))),
    "unlearning.dirichlet_posterior": dict(alpha=[1.0, 1.0], counts=[2, 3]),
    "unlearning.unlearn_counts": dict(posterior=[3.0, 4.0], erased=[1, 1], alpha=[1.0, 1.0]),
    "unlearning.logistic_data": dict(theta=1.0, size=10, seed=0),
    "unlearning.log_likelihood": dict(theta=np.array([0.0, 1.0]), data=_data),
    "unlearning.exact_posterior_grid": dict(data=_data, grid=np.linspace(-3, 3, 50)),
    "unlearning.laplace_posterior": dict(data=_data),
    "unlearning.eubo": dict(q=_post, loglik=lambda t: -np.asarray(t) ** 2, full=_post),
    "unlearning.unlearn_eubo": dict(loglik=lambda t: -np.asarray(t) ** 2, full=_post),
    "ngram.fit_ngram": dict(corpus=IDS, order=2, vocab_size=4),
    "ngram.sample_corpus": dict(model=_model, length=20, seed=0),
    "ngram.smoothed_probs": dict(model=_model, contexts=np.array([0, 5])),
    "ngram.mle_probs": dict(model=_model, contexts=np.array([0, 5])),
    "ngram.cross_entropy": dict(model=_model, ids=IDS[:20]),
    "ngram.context_codes": dict(ids=IDS[:10], order=2, vocab_size=4, positions=np.array([2, 5])),
    "lm_loop.run_loop": dict(train=IDS, held_out=IDS[:20], vocab_size=4, order=2, generations=2, replicas=1, n_probes=5, block=20, seed=0),
    "theory.core.iterate_affine": dict(A=[[0.5]], b=[1.0], x0=[0.0], steps=3),
    "theory.regression.expected_errors": dict(J=12, d=2, sigma=1.0, generations=3, mode="replace"),
    "theory.regression.categorical_accumulate_S": dict(S_0=0.5, n=10, N=10, generations=3),
    "theory.forgetting.g_sequence": dict(k_max=5),
    "theory.gaussian.check_c4_bound": dict(n_values=[2, 10], digits=30),
    "theory.mixing.tolerance_n": dict(N_value=100.0, eta=0.1),
    "theory.mixing.G_n": dict(n_value=10.0, s=3.0),
    "theory.mixing.theorem3_bound": dict(N_value=100.0, n_value=10.0, s=3.0),
    "theory.mixing.corollary11_max_n": dict(N_value=100.0, s=3.0, eps=0.1),
    "theory.mixing.law_with_S0": dict(s=5, support=3, S0_value=0.5),
    "theory.mixing.random_past_V": dict(generations=5, n_value=10),
    "theory.mixing.accumulate_V": dict(generations=5, n_value=10, N_value=10),
    "theory.mixing.most_recent_h": dict(generations=5, n_value=10, window=2),
    "theory.mixing.most_recent_n_eff": dict(n_value=10, window=2),
    "theory.mixing.theorem4_bound": dict(N_value=100.0, n_value=10.0, s=3.0, zeta=0.4),
    "theory.mixing.varphi_value": dict(x_value=[0.25, 0.5]),
    "theory.mixing.most_balanced_split": dict(counts=[[3, 2, 1]]),
    "theory.mixing.root_spread": dict(p0=P),
    "plotting.simplex_xy": dict(probs=np.array([P])),
}

#: Values that no numerical argument accepts.
BAD = ["7", True, float("nan"), float("inf"), -float("inf"), 1 + 1j, [[float("nan")]], {"a": 1}]
#: Values whose validity depends on the argument (sizes, fractions, shapes).
EDGE = [-1, 0, 2.5, 10**12, None, [], np.array([[0.2, 0.2, 0.2]]), np.array([1.5, -0.5, 0.0])]


def resolve(name: str):
    import importlib

    module, func = name.rsplit(".", 1)
    return getattr(importlib.import_module(f"collapse_utils.{module}"), func)


def build(kwargs: dict) -> dict:
    """Fresh arguments: callables (except the log-likelihoods) are factories of fresh objects."""
    return {k: (v() if callable(v) and k != "loglik" else v) for k, v in kwargs.items()}


#: Results that may hold +inf by documentation (a chain that never collapsed, a token never lost).
MAY_HOLD_INF = {"chains.collapse_times", "forgetting.loss_times"}


def finite(obj, allow_inf: bool) -> bool:
    if dataclasses.is_dataclass(obj):
        return all(finite(getattr(obj, f.name), allow_inf) for f in dataclasses.fields(obj))
    if isinstance(obj, dict):
        return all(finite(v, allow_inf) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return all(finite(v, allow_inf) for v in obj)
    if isinstance(obj, (float, np.floating, np.ndarray)) and not isinstance(obj, str):
        arr = np.asarray(obj)
        if arr.dtype.kind not in "fc":
            return True
        return bool(np.all(~np.isnan(arr) if allow_inf else np.isfinite(arr)))
    return True
