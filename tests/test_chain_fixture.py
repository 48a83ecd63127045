"""Seed-for-seed regression of the chain simulators against ``tests/data/chain_fixture.npz``.

The fixture was recorded before ``simulate_chain`` was restructured; every scheme, with and
without temperature, with dead tokens packed away, with ``record="all"`` and ``"stats"``, must give
the same numbers for the same seed.  Regenerate it (``tests/data/make_chain_fixture.py``) only for
an intended change of behaviour.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"
_spec = importlib.util.spec_from_file_location("make_chain_fixture", DATA / "make_chain_fixture.py")
fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture)

STORED = np.load(DATA / "chain_fixture.npz")
KEYS = [key for key, _ in fixture.cases()]
#: Statistics renamed since the fixture was recorded (new name -> stored name).
RENAMED = {"collision": "sigma"}


def test_the_fixture_covers_every_scheme_temperature_and_record():
    from collapse_utils import SCHEMES

    assert len(KEYS) == len(fixture.P0) * len(SCHEMES) * len(fixture.TEMPERATURES) * len(fixture.RECORDS)
    assert any(key.startswith("packing/") for key in KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_simulate_chain_is_unchanged(key):
    from collapse_utils import STATISTICS, simulate_chain

    kwargs = dict(fixture.cases())[key]
    res = simulate_chain(**kwargs)
    for name in STATISTICS:
        stored = STORED[f"{key}/stats/{RENAMED.get(name, name)}"]
        np.testing.assert_allclose(res.stats[name], stored, rtol=0, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(res.final, STORED[f"{key}/final"], rtol=0, atol=1e-12)
    if kwargs["record"] == "all":
        np.testing.assert_allclose(res.probs, STORED[f"{key}/probs"], rtol=0, atol=1e-12)


def test_collapse_times_is_unchanged():
    from collapse_utils import collapse_times

    res = collapse_times(**fixture.COLLAPSE)
    np.testing.assert_array_equal(res.times, STORED["collapse/times"])
    np.testing.assert_array_equal(res.token, STORED["collapse/token"])
