"""The Examples sections of the package's docstrings run as tests (fast, seeded), and every public function has one."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import collapse_utils

MODULES = sorted(m.name for m in pkgutil.walk_packages(collapse_utils.__path__, "collapse_utils."))

#: Public functions without an Examples section, and why (a whole module by its name, or ``module.function``).
#: Everything else in an ``__all__`` must show an example; ``test_every_public_function_has_examples`` checks it.
NO_EXAMPLES = {
    "collapse_utils.gpt": "the JAX transformer: an example would compile and train a network (tests/test_gpt.py runs it)",
    "draw": "an explorer's figure, about a second per call; tests/test_explorers.py draws every explorer at every control extreme",
    "collapse_utils.widgets.explore": "opens a live widget (or precomputes every frame in a book build); tests/test_explorers.py",
    "collapse_utils.widgets.time_update": "times repeated explorer updates (seconds); benchmarks/bench_widgets.py uses it",
    "collapse_utils.animation.explorer_frames": "draws every frame of an explorer's site grid (seconds); tests/test_explorers.py",
}


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


def _public_functions():
    """``(module, name, function)`` for every function listed in an ``__all__`` and defined in that module."""
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if callable(obj) and not inspect.isclass(obj) and getattr(obj, "__module__", None) == module_name:
                yield module_name, name, obj


def test_every_public_function_has_examples():
    """A numpydoc ``Examples`` section in every public function, unless ``NO_EXAMPLES`` says why not."""
    missing = [
        f"{module}.{name}"
        for module, name, func in _public_functions()
        if "\nExamples\n--------\n" not in (inspect.getdoc(func) or "")
        and not {module, name, f"{module}.{name}"} & NO_EXAMPLES.keys()
    ]
    assert not missing, f"public functions without an Examples section (add one, or a reason in NO_EXAMPLES): {missing}"


def test_no_examples_entries_are_still_needed():
    """Every entry of ``NO_EXAMPLES`` names something that exists and still has no Examples section."""
    functions = list(_public_functions())
    for key in NO_EXAMPLES:
        covered = [f for module, name, f in functions if key in (module, name, f"{module}.{name}")]
        assert covered, f"NO_EXAMPLES[{key!r}] matches no public function"
        assert any("\nExamples\n--------\n" not in (inspect.getdoc(f) or "") for f in covered), (
            f"NO_EXAMPLES[{key!r}] is stale: every function it covers has an Examples section"
        )
