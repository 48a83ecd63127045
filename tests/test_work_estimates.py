"""The work guards' estimates grow with the sizes as the computation does.

A work guard (``validation.check_work``) refuses a call whose estimated number of elementary operations is
above ``WORK_LIMIT``.  Its absolute scale is a rough constant; what must hold is how it scales: an
estimate that grows too slowly lets calls through that run for hours.  Each case below doubles (or
otherwise enlarges) one size and compares the ratio of the estimates, read from the refusal at a limit
of 0, with the ratio of the operation counts of the algorithm.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from collapse_utils.theory.forgetting import g_sequence
from collapse_utils.theory.mixing import most_balanced_split, most_recent_n_eff
from collapse_utils.validation import limits

ESTIMATE = re.compile(r"needs about (\S+) operations")


def work_estimate(call) -> float:
    with limits(work=0), pytest.raises(ValueError, match="operations") as err:
        call()
    return float(ESTIMATE.search(str(err.value))[1])


def _histograms(rows: int, s: int, total: int) -> np.ndarray:
    counts = np.zeros((rows, s), dtype=int)
    counts[:, 0] = total
    return counts


def _triangle(window: int) -> int:
    return window * (window + 1) // 2


#: name -> (small call, large call, ratio of the operation counts)
CASES = {
    # k_max - 1 steps of the iteration
    "g_sequence-k_max": (lambda: g_sequence(1000), lambda: g_sequence(4000), 4.0),
    # one pass over rows x (total + 1) reachable sums per token
    "most_balanced_split-total": (lambda: most_balanced_split(_histograms(5, 3, 999)),
                                  lambda: most_balanced_split(_histograms(5, 3, 3999)), 4.0),
    "most_balanced_split-tokens": (lambda: most_balanced_split(_histograms(5, 3, 999)),
                                   lambda: most_balanced_split(_histograms(5, 12, 999)), 4.0),
    "most_balanced_split-rows": (lambda: most_balanced_split(_histograms(5, 3, 999)),
                                 lambda: most_balanced_split(_histograms(20, 3, 999)), 4.0),
    # the eigenvalues of a K(K+1)/2 square matrix dominate for large windows
    "most_recent_n_eff-window": (lambda: most_recent_n_eff(100, 20), lambda: most_recent_n_eff(100, 40),
                                 (_triangle(40) / _triangle(20)) ** 3),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_work_estimate_grows_like_the_operation_count(name):
    small, large, ratio = CASES[name]
    got = work_estimate(large) / work_estimate(small)
    assert ratio / 1.5 <= got <= ratio * 1.5, f"{name}: the estimate grows by {got:.3g}, the work by {ratio:.3g}"
