"""Simulation core of the book *Model Collapse*.

The main simulators are re-exported here; each idea lives in its own module:

- :mod:`collapse_utils.chains` — recursive training of categorical models (Seddik et al. 2024),
- :mod:`collapse_utils.sampling` — the multinomial sampling kernel,
- :mod:`collapse_utils.wright_fisher` — the exact two-token chain,
- :mod:`collapse_utils.ngram`, :mod:`collapse_utils.lm_loop` — a character language model in the loop,
- :mod:`collapse_utils.gaussian`, :mod:`collapse_utils.forgetting`, :mod:`collapse_utils.regression`,
  :mod:`collapse_utils.temperature`, :mod:`collapse_utils.stability`, :mod:`collapse_utils.kde`,
  :mod:`collapse_utils.curation`, :mod:`collapse_utils.editing` — the models of Part II,
- :mod:`collapse_utils.collapse_map` — the phase diagrams of Part III,
- :mod:`collapse_utils.distillation`, :mod:`collapse_utils.unlearning` — neighbouring threads,
- :mod:`collapse_utils.theory` — closed forms as SymPy expressions, one module per topic,
- :mod:`collapse_utils.plotting`, :mod:`collapse_utils.animation`, :mod:`collapse_utils.widgets`,
  :mod:`collapse_utils.explorers` — figures and widgets,
- :mod:`collapse_utils.validation` — argument checks.
"""

from .chains import SCHEMES, STATISTICS, ChainResult, CollapseResult, collapse_times, simulate_chain, temper
from .curation import CurationResult, simulate_curation
from .forgetting import simulate_poisson
from .gaussian import GaussianResult, simulate_gaussian
from .kde import KDEResult, simulate_kde
from .regression import simulate_regression
from .sampling import resample_counts, sample_categorical, sample_counts
from .stability import RetrainResult, simulate_retraining

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it)

__all__ = [
    "SCHEMES",
    "STATISTICS",
    "ChainResult",
    "CollapseResult",
    "CurationResult",
    "GaussianResult",
    "KDEResult",
    "RetrainResult",
    "collapse_times",
    "resample_counts",
    "sample_categorical",
    "sample_counts",
    "simulate_chain",
    "simulate_curation",
    "simulate_gaussian",
    "simulate_kde",
    "simulate_poisson",
    "simulate_regression",
    "simulate_retraining",
    "temper",
]
