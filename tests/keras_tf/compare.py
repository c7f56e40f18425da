"""Comparing a Keras program's answers here with TF's recorded ones (nested dicts and
lists of numbers, strings, booleans and `None`s), for tests/test_keras*.py."""

from __future__ import annotations

from typing import Any

import numpy as np


def close(ours: Any, theirs: Any, path: str, rtol: float, atol: float) -> None:
    """Asserts `ours` has `theirs`'s structure, its numbers within `rtol`/`atol` and
    everything else equal; `path` names the place in failure messages."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and sorted(ours) == sorted(theirs), (path, ours)
        for key in theirs:
            close(ours[key], theirs[key], f"{path}.{key}", rtol, atol)
    elif isinstance(theirs, list) and theirs and not isinstance(theirs[0], (int, float)):
        assert isinstance(ours, list) and len(ours) == len(theirs), path
        for index, (a, b) in enumerate(zip(ours, theirs)):
            close(a, b, f"{path}[{index}]", rtol, atol)
    elif isinstance(theirs, (float, int, list)) and not isinstance(theirs, bool):
        assert ours is not None, path
        np.testing.assert_allclose(np.asarray(ours, float), np.asarray(theirs, float),
                                   rtol=rtol, atol=atol, err_msg=path)
    else:
        assert ours == theirs, f"{path}: {ours!r} != TF's {theirs!r}"
