"""Every `>>>` example in the package's docstrings runs and prints what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tftape_torch

MODULES = sorted(
    {"tftape_torch"}
    | {
        f"tftape_torch.{info.name}"
        for info in pkgutil.iter_modules(tftape_torch.__path__)
        if info.name != "distribute"  # needs a process group; tested in test_distribute
    }
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} docstring example(s) failed in {name}"
