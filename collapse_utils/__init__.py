"""Simulation core of the book *Model Collapse*.

The public API is re-exported here; each idea lives in its own module:

- :mod:`collapse_utils.chains` — recursive training of categorical models (Seddik et al. 2024),
- :mod:`collapse_utils.gaussian` — recursive refitting of a Gaussian,
- :mod:`collapse_utils.sampling` — the one multinomial sampling kernel,
- :mod:`collapse_utils.theory` — closed forms as SymPy expressions,
- :mod:`collapse_utils.plotting`, :mod:`collapse_utils.widgets`, :mod:`collapse_utils.explorers` — figures and widgets,
- :mod:`collapse_utils.validation` — argument checks.
"""

from .chains import SCHEMES, STATISTICS, ChainResult, CollapseResult, collapse_times, simulate_chain, temper
from .gaussian import GaussianResult, simulate_gaussian
from .sampling import sample_counts

__version__ = "0.1.0"

__all__ = [
    "SCHEMES",
    "STATISTICS",
    "ChainResult",
    "CollapseResult",
    "GaussianResult",
    "collapse_times",
    "sample_counts",
    "simulate_chain",
    "simulate_gaussian",
    "temper",
]
