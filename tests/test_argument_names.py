"""Bad input fails at the door with a message that names the argument it was given.

For every public numerical function (the valid calls of ``fuzz_table.CALLS``) and every one of its
arguments, the values that no numerical argument accepts (``fuzz_table.BAD``: a string, a bool, NaN,
infinities, a complex number, a nested NaN, a dict) are put in that argument alone.  At least one of them
must be refused, and every refusal must be a ``ValueError`` (or ``TypeError``) whose message names that
argument as a word: a message naming another argument, ``None`` or ``XXnXX`` sends the reader to the wrong
place.  ``test_fuzz.py`` checks the wider property (any value, any argument named) with hypothesis.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import collapse_utils.validation as validation
from fuzz_table import BAD, CALLS, IDS, P, R, _data, _model, _post, _teacher, build, resolve

#: Calls left out: the transformer loop (minutes per call; tests/test_gpt.py) and figure helpers.
SKIP = {"lm_loop.run_loop", "plotting.simplex_xy"}

#: Valid calls that reach the arguments the calls of ``fuzz_table.CALLS`` leave at their defaults.
MORE: dict[str, list[dict]] = {
    "chains.simulate_chain": [
        dict(p0=[0.5, 0.3, 0.2], n=10, generations=3, scheme="partially-synthetic", n_real=5, record="stats", seed=0),
        dict(p0=[0.5, 0.3, 0.2], n=10, generations=3, scheme="most-recent", window=2, temperature=0.8, seed=0),
    ],
    "chains.collapse_times": [dict(p0=[0.5, 0.5], n=5, replicas=3, max_generations=50, seed=0)],
    "curation.simulate_curation": [dict(p0=P, r=R, K=3, n=10, generations=2, replicas=2, real_fraction=0.2, seed=0)],
    "editing.token_edit": [dict(model=_model, ids=IDS[:20], threshold=0.5, top_k=2, beta=1.0, edit_fraction=0.5, seed=0)],
    "editing.simulate_text_loop": [
        dict(ids=IDS, heldout=IDS[:20], vocab_size=4, order=2, generations=2, mode="edited", replicas=2,
             threshold=0.5, top_k=2, beta=1.0, edit_fraction=0.5, seed=0),
        dict(ids=IDS, heldout=IDS[:20], vocab_size=4, order=2, generations=2, mode="real", replicas=2,
             threshold=0.99, top_k=8, beta=1.5, edit_fraction=1.0, seed=0),
    ],
    "collapse_map.editing_phase": [dict(J=10, d=2, etas=[0.5], generations=2, replicas=2, sigma=0.5, seed=0)],
    "kde.kde_ise": [dict(points=np.array([[0.0, 1.0, -0.5]]), h=0.3, sigma0=1.0)],
    "stability.simulate_retraining": [
        dict(mu_star=0.0, sigma_star=1.0, n_real=10, lam=0.5, generations=3, model="mean-variance",
             mu_init=0.0, sigma_init=1.0, seed=0),
    ],
    "kde.simulate_kde": [dict(n=10, h=0.3, generations=2, replicas=2, ise=False, seed=0)],
    "distillation.train_student": [
        dict(x=np.zeros((3, 2)), soft_labels=np.full((3, 3), 1 / 3), features=3, width=1.0, l2=1e-3, iterations=3),
    ],
    "distillation.invert": [dict(teacher=_teacher, budget=4, steps=2, diversity=1.0, length=0.6, seed=0)],
    "unlearning.exact_posterior_grid": [dict(data=_data, grid=np.linspace(-3, 3, 50), prior_sd=1.0)],
    "unlearning.eubo": [dict(q=_post, loglik=lambda t: -np.asarray(t) ** 2, full=_post, floor=-5.0)],
}

CALLS_BY_NAME = {name: [kwargs, *MORE.get(name, [])] for name, kwargs in CALLS.items() if name not in SKIP}
CASES = sorted({(name, arg) for name, calls in CALLS_BY_NAME.items() for kwargs in calls for arg in kwargs})


def names(message: str, arg: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(arg)}(?![A-Za-z0-9_])", message) is not None


@pytest.mark.parametrize("name, arg", CASES, ids=[f"{n}-{a}" for n, a in CASES])
def test_a_bad_value_is_refused_naming_its_argument(name, arg):
    func = resolve(name)
    refused = []
    for call in CALLS_BY_NAME[name]:
        if arg not in call:
            continue
        for value in BAD:
            kwargs = build(call)
            kwargs[arg] = value
            with validation.limits(memory_bytes=256 * 2**20, work=2e8):
                try:
                    func(**kwargs)
                except (ValueError, TypeError) as exc:
                    refused.append((value, str(exc)))
    assert refused, f"{name}: no bad value of {arg} was refused"
    wrong = [(v, m) for v, m in refused if not names(m, arg)]
    assert not wrong, f"{name}({arg}=...): message does not name {arg!r}: {wrong[:3]}"
