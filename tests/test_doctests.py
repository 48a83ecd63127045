"""The Examples sections of the package's docstrings run as tests (fast, seeded)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import collapse_utils

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(collapse_utils.__path__, "collapse_utils.")
    if not m.name.startswith("collapse_utils.explorers.")  # explorers: tests/test_explorers.py
)


@pytest.mark.parametrize("name", ["collapse_utils", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {"np": np}
    for test in finder.find(module, name, globs=dict(globs, **vars(module))):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples of {name} failed (see output)"
