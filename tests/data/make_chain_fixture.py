"""Write ``chain_fixture.npz``: seed-for-seed outputs of simulate_chain and collapse_times.

Run from the repository root, ``python tests/data/make_chain_fixture.py``, only when a change of
behaviour is intended (and say so in the commit); ``tests/test_chain_fixture.py`` compares every run
below with the stored arrays to 1e-12.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from collapse_utils import SCHEMES, STATISTICS, collapse_times, simulate_chain

OUT = Path(__file__).with_name("chain_fixture.npz")

#: A few live tokens and, for packing, many tokens (some with p0 = 0) that die as the chain runs.
P0 = {
    "small": np.array([0.5, 0.3, 0.15, 0.05]),
    "packing": np.r_[np.linspace(1.0, 0.1, 20), np.zeros(4)] / np.linspace(1.0, 0.1, 20).sum(),
}
TEMPERATURES = (1.0, 0.7)
RECORDS = ("all", "stats")


def cases():
    """Yield (key, keyword arguments) for every stored run of simulate_chain."""
    for p0_name, p0 in P0.items():
        for scheme in SCHEMES:
            for temperature in TEMPERATURES:
                for record in RECORDS:
                    kwargs = dict(
                        p0=p0, n=6 if p0_name == "packing" else 12, generations=9, scheme=scheme,
                        n_real=5, window=3, replicas=5, seed=2024, record=record, temperature=temperature,
                    )
                    if scheme not in ("partially-synthetic", "fresh-real", "accumulate"):
                        kwargs.pop("n_real")
                    if scheme != "most-recent":
                        kwargs.pop("window")
                    yield f"{p0_name}/{scheme}/T={temperature}/{record}", kwargs


COLLAPSE = dict(p0=P0["packing"], n=8, replicas=6, seed=7)


def run_all() -> dict[str, np.ndarray]:
    """Every array the fixture stores, by key."""
    out = {}
    for key, kwargs in cases():
        res = simulate_chain(**kwargs)
        for name in STATISTICS:  # stored under the names of the recording (see RENAMED in the test)
            out[f"{key}/stats/{'sigma' if name == 'collision' else name}"] = res.stats[name]
        out[f"{key}/final"] = res.final
        if kwargs["record"] == "all":
            out[f"{key}/probs"] = res.probs
    res = collapse_times(**COLLAPSE)
    out["collapse/times"], out["collapse/token"] = res.times, res.token
    return out


if __name__ == "__main__":
    np.savez_compressed(OUT, **run_all())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
