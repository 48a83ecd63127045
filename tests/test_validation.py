"""Bad input fails early with a ValueError that names the argument."""

import numpy as np
import pytest

from collapse_utils import collapse_times, simulate_chain, simulate_gaussian
from collapse_utils.validation import as_generator, check_array, check_prob_rows, check_probs, check_real

GOOD = dict(n=10, generations=3)


@pytest.mark.parametrize(
    "p0, match",
    [
        ([0.5, -0.1, 0.6], "non-negative"),
        ([0.5, np.nan, 0.5], "finite"),
        ([0.5, np.inf], "finite"),
        ([0.5, 0.4], "sum to 1"),
        ([], "non-empty"),
        ([[0.5, 0.5]], "1-D"),
        (["a", "b"], "p0"),
    ],
)
def test_bad_probabilities(p0, match):
    with pytest.raises(ValueError, match=match):
        simulate_chain(p0, **GOOD)


def test_sum_tolerance_is_1e_9():
    check_probs([0.5, 0.5 + 5e-10])
    with pytest.raises(ValueError, match="p0 must sum to 1"):
        check_probs([0.5, 0.5 + 5e-9])


@pytest.mark.parametrize("name", ["n", "generations", "replicas", "window"])
@pytest.mark.parametrize("value", [0, -3, 2.5, "7", True, None])
def test_sizes_must_be_positive_integers(name, value):
    kwargs = dict(n=10, generations=3, replicas=2, window=1)
    kwargs[name] = value
    with pytest.raises(ValueError, match=name):
        simulate_chain([0.5, 0.5], **kwargs)


def test_numpy_integers_are_accepted():
    res = simulate_chain([0.5, 0.5], n=np.int64(5), generations=np.int32(2), seed=0)
    assert res.probs.shape == (3, 1, 2)


def test_unknown_scheme():
    with pytest.raises(ValueError, match="scheme must be one of"):
        simulate_chain([0.5, 0.5], scheme="fully_synthetic", **GOOD)


def test_unknown_record():
    with pytest.raises(ValueError, match="record"):
        simulate_chain([0.5, 0.5], record="some", **GOOD)


@pytest.mark.parametrize("scheme", ["partially-synthetic", "fresh-real", "accumulate"])
def test_schemes_with_real_data_need_n_real(scheme):
    with pytest.raises(ValueError, match="n_real must be a positive integer"):
        simulate_chain([0.5, 0.5], scheme=scheme, **GOOD)


def test_negative_n_real():
    with pytest.raises(ValueError, match="n_real"):
        simulate_chain([0.5, 0.5], scheme="fresh-real", n_real=-1, **GOOD)


def test_window_larger_than_possible():
    with pytest.raises(ValueError, match="window must be at most n=10"):
        simulate_chain([0.5, 0.5], scheme="most-recent", window=11, **GOOD)


@pytest.mark.parametrize("temperature", [0, -1.0, np.inf, np.nan])
def test_bad_temperature(temperature):
    with pytest.raises(ValueError, match="temperature"):
        simulate_chain([0.5, 0.5], temperature=temperature, **GOOD)


@pytest.mark.parametrize("seed", [-1, 1.5, "x"])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        simulate_chain([0.5, 0.5], seed=seed, **GOOD)


def test_generator_is_used_as_given():
    rng = np.random.default_rng(3)
    assert as_generator(rng) is rng


def test_stats_record_has_no_probs():
    res = simulate_chain([0.5, 0.5], record="stats", **GOOD)
    with pytest.raises(ValueError, match='record="stats"'):
        res.probs


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(sigma0=0.0), "sigma0"),
        (dict(sigma0=-1.0), "sigma0"),
        (dict(mu0=np.nan), "mu0"),
        (dict(n=0), "n"),
        (dict(generations=0), "generations"),
        (dict(ddof=-1), "ddof"),
        (dict(n=3, ddof=3), "ddof must be < n"),
        (dict(replicas=0), "replicas"),
    ],
)
def test_gaussian_bad_input(kwargs, match):
    args = dict(mu0=0.0, sigma0=1.0, n=10, generations=3)
    args.update(kwargs)
    mu0, sigma0 = args.pop("mu0"), args.pop("sigma0")
    with pytest.raises(ValueError, match=match):
        simulate_gaussian(mu0, sigma0, **args)


def test_collapse_times_bad_input():
    with pytest.raises(ValueError, match="max_generations"):
        collapse_times([0.5, 0.5], n=10, max_generations=0)
    with pytest.raises(ValueError, match="p0"):
        collapse_times([0.5, 0.6], n=10)


def test_token_ids_refusal_says_what_was_given():
    from collapse_utils.validation import check_token_ids

    with pytest.raises(ValueError, match="ids must be an array of integer token ids, got a string"):
        check_token_ids("abc", "ids", 5)
    with pytest.raises(ValueError, match="got dtype float64"):
        check_token_ids(np.array([0.0, 1.0]), "ids", 5)


def test_an_unused_argument_equal_to_its_default_passes_only_with_the_defaults_type():
    from collapse_utils.validation import check_unused

    check_unused(float("0.99"), "threshold", 0.99, "mode='real' does not edit")  # equal, another float object
    check_unused(None, "n_real", None, "no real data")
    with pytest.raises(ValueError, match="threshold is not used"):
        check_unused(0.5, "threshold", 0.99, "mode='real' does not edit")
    with pytest.raises(ValueError, match="edit_fraction is not used"):  # 1 == 1.0, but the int was set on purpose
        check_unused(1, "edit_fraction", 1.0, "mode='real' does not edit")


def test_prob_rows_refusal_names_the_first_bad_row():
    rows = np.array([[0.5, 0.5], [0.5, 0.5], [0.2, 0.2]])
    with pytest.raises(ValueError, match=r"probs must sum to 1 along the last axis .*; row 2 sums to 0\.4"):
        check_prob_rows(rows)
    with pytest.raises(ValueError, match=r"; row 1, 0 sums to 0\.4"):
        check_prob_rows(np.stack([rows[:1], rows[2:]]))


def test_bound_and_shape_refusals_say_what_is_wanted():
    with pytest.raises(ValueError, match=r"^x must be >= 0 \(got x=-1\)$"):
        check_real(-1, "x", low=0)
    with pytest.raises(ValueError, match=r"^x must be > 0 \(got x=0\)$"):
        check_real(0, "x", low=0, low_open=True)
    with pytest.raises(ValueError, match=r"^w must have shape \(\*, 3\), got \(2, 2\)$"):
        check_array(np.zeros((2, 2)), "w", shape=(None, 3))
