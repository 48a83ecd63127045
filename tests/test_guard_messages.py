"""The messages of the resource guards say what is large and how to make it smaller.

Every public numerical function that allocates (its valid call in ``fuzz_table.CALLS``) is called once with the
memory limit at 0 and once with the work limit at 0, so that its first memory guard and its first
work guard refuse the call.  Each refusal must read

    <what> needs about <size>, above the limit of <limit> (collapse_utils.validation.<LIMIT>...); <hint>, or raise the limit

where ``<what>`` names the arguments that make the call large with the values the call passed
(``generations=3 x replicas=2``) and ``<hint>`` is an instruction in lower case (``use fewer
replicas``).  The memory and work estimates themselves are checked in ``test_guards.py``.
"""

from __future__ import annotations

import re

import pytest

from collapse_utils.validation import limits
from fuzz_table import CALLS, build, resolve

MESSAGE = re.compile(
    r"(?P<what>.+) needs about \S+( \S+)?, above the limit of \S+( \S+)? "
    r"\(collapse_utils\.validation\.(?P<limit>MEMORY_LIMIT_BYTES|WORK_LIMIT)(, about a minute)?\); "
    r"(?P<hint>.+), or raise the limit",
    re.S,
)
#: How ``<what>`` starts: a count (``2 values of N``), ``name=value``, ``name (2 values)``, ``T (2)``, ``len(...)``.
WHAT_START = re.compile(r"\d+ [a-zA-Z]|[a-z_]\w*[=: ]|[A-Z][= (]|len\(")
#: How ``<hint>`` starts: an instruction in lower case (``use``, ``draw``, ``ask for``, ...).
HINT_START = re.compile(r"[a-z]+ [a-z\"]")
#: ``name=value`` pairs in ``<what>``.
PAIR = re.compile(r"\b([a-z_]\w*)=(-?\d+(?:\.\d+)?)\b")

#: The functions whose call in ``CALLS`` reaches a memory guard (the first one refuses at a limit of 0).
MEMORY_GUARDED = (
    "chains.collapse_times", "chains.simulate_chain", "collapse_map.curation_phase",
    "collapse_map.editing_phase", "collapse_map.reuse_curves", "collapse_map.reuse_theory",
    "collapse_map.synthetic_amount_phase", "collapse_map.temperature_phase", "curation.curate_counts",
    "curation.expected_trajectory", "curation.simulate_curation", "distillation.grid_points",
    "distillation.invert", "distillation.occupancy", "distillation.train_student",
    "editing.partial_regeneration_error", "editing.simulate_partial_regeneration",
    "editing.simulate_text_loop", "editing.token_edit", "forgetting.simulate_poisson",
    "gaussian.simulate_gaussian", "kde.simulate_kde", "lm_loop.run_loop", "ngram.fit_ngram",
    "ngram.mle_probs", "ngram.sample_corpus", "ngram.smoothed_probs", "regression.simulate_regression",
    "sampling.resample_counts", "sampling.sample_categorical", "sampling.sample_counts",
    "stability.simulate_retraining", "temperature.fixed_points", "theory.core.iterate_affine",
    "theory.forgetting.g_sequence", "theory.mixing.accumulate_V", "theory.mixing.law_with_S0",
    "theory.mixing.most_balanced_split", "theory.mixing.most_recent_n_eff", "theory.mixing.random_past_V",
    "theory.regression.categorical_accumulate_S", "theory.regression.expected_errors",
    "unlearning.exact_posterior_grid", "unlearning.log_likelihood", "unlearning.logistic_data",
    "wright_fisher.collapse_cdf", "wright_fisher.expected_survivors", "wright_fisher.fixation_probability",
    "wright_fisher.loss_cdf", "wright_fisher.mean_collapse_time", "wright_fisher.transition_matrix",
)
#: ... and a work guard.
WORK_GUARDED = (
    "chains.collapse_times", "chains.simulate_chain", "collapse_map.curation_phase",
    "collapse_map.editing_phase", "collapse_map.reuse_curves", "collapse_map.reuse_theory",
    "collapse_map.synthetic_amount_phase", "collapse_map.temperature_phase", "curation.expected_trajectory",
    "distillation.invert", "distillation.train_student", "kde.kde_ise", "kde.simulate_kde",
    "regression.simulate_regression", "temperature.fixed_points", "theory.core.iterate_affine",
    "theory.forgetting.g_sequence", "theory.gaussian.check_c4_bound", "theory.mixing.most_balanced_split",
    "theory.mixing.most_recent_h", "theory.mixing.most_recent_n_eff", "wright_fisher.collapse_cdf",
    "wright_fisher.expected_survivors", "wright_fisher.fixation_probability", "wright_fisher.loss_cdf",
    "wright_fisher.mean_collapse_time", "wright_fisher.transition_matrix",
)
CASES = [(name, "memory") for name in MEMORY_GUARDED] + [(name, "work") for name in WORK_GUARDED]


def _refusal(name: str, limit: str) -> str | None:
    kwargs = build(CALLS[name])
    try:
        with limits(**{"memory_bytes" if limit == "memory" else "work": 0}):
            resolve(name)(**kwargs)
    except ValueError as err:
        return str(err)
    return None


@pytest.mark.parametrize(("name", "limit"), CASES)
def test_guard_message_names_the_arguments_and_the_remedy(name: str, limit: str) -> None:
    message = _refusal(name, limit)
    assert message is not None, f"{name} no longer refuses a call above the {limit} limit"
    match = MESSAGE.fullmatch(message)
    assert match, f"{name}: not a guard message: {message!r}"
    assert match["limit"] == ("MEMORY_LIMIT_BYTES" if limit == "memory" else "WORK_LIMIT")
    what, hint = match["what"], match["hint"]
    assert WHAT_START.match(what), f"{name}: {what!r} does not start with a size or an argument"
    assert HINT_START.match(hint), f"{name}: {hint!r} is not an instruction"
    kwargs = CALLS[name]
    for arg, value in PAIR.findall(what):
        if arg in kwargs and isinstance(kwargs[arg], int):
            assert value == str(kwargs[arg]), f"{name}: {what!r} reports {arg}={value}, the call passed {kwargs[arg]}"

