"""``tools/mutation.py``: the sample it draws, the interval it reports, the equivalents it reads."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location("mutation", Path(__file__).resolve().parent.parent / "tools" / "mutation.py")
mutation = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(mutation)

NAMES = [f"collapse_utils.mod.x_f{i // 50}__mutmut_{i % 50}" for i in range(20_000)]


def test_sample_is_nested_and_of_the_requested_size():
    small = {n for n in NAMES if mutation.in_sample(n, 0.1)}
    large = {n for n in NAMES if mutation.in_sample(n, 0.3)}
    assert small < large
    assert all(mutation.in_sample(n, 1.0) for n in NAMES[:100])
    for got, fraction in ((len(small), 0.1), (len(large), 0.3)):  # binomial: 4.5 sd is a 1e-5 false alarm
        sd = math.sqrt(len(NAMES) * fraction * (1 - fraction))
        assert abs(got - len(NAMES) * fraction) < 4.5 * sd


def test_wilson_interval_matches_its_formula_and_covers_the_estimate():
    low, high = mutation.wilson(95, 100)
    assert low == pytest.approx(0.88826, abs=1e-4) and high == pytest.approx(0.97846, abs=1e-4)  # Wilson (1927)
    assert mutation.wilson(0, 0) == (0.0, 1.0)
    low, high = mutation.wilson(10, 10)
    assert low < 1 and high == pytest.approx(1.0)


def test_equivalents_skip_comments_and_guard_precision(tmp_path):
    (tmp_path / "a.txt").write_text(
        "# a comment\n\n"
        "collapse_utils.m.x_f__mutmut_1  numerically identical: 0 * log(2) = 0 * log(1)\n"
        "collapse_utils.m.x_f__mutmut_2  guard precision: 9 bytes for 8\n"
    )
    (tmp_path / "b.txt").write_text("collapse_utils.m.x_g__mutmut_3  cost only: a wider padding\n")
    found = mutation.equivalents(tmp_path)
    assert set(found) == {"collapse_utils.m.x_f__mutmut_1", "collapse_utils.m.x_g__mutmut_3"}
    assert found["collapse_utils.m.x_g__mutmut_3"] == "cost only: a wider padding"


def test_module_of_strips_the_package_and_the_mutant():
    assert mutation.module_of("collapse_utils.theory.core.x_f__mutmut_3") == "theory.core"
    assert mutation.module_of("collapse_utils.ngram.xǁCorpusǁconcat__mutmut_22") == "ngram"
