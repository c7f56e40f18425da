"""`tf.keras` (Keras 3 on its torch backend) under tape semantics, checked against real
TF + Keras: `tests/keras/programs.py` runs here under `import tftape_torch as tf` and its
answers are compared with TF's, recorded by `python -m tests.keras_tf.record` into
`tests/keras/golden.json` (TensorFlow never runs in this process).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import pathlib
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOLDEN = json.loads((ROOT / "tests" / "keras_tf" / "golden.json").read_text())

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("keras") is None,
    reason='Keras is not installed (pip install "tftape_torch[keras]")',
)

RTOL, ATOL = 2e-5, 2e-6  # float32 round-off between two frameworks' kernels
LOOSE = {"optimizers_all", "fit_evaluate_predict", "loop_adam", "loop_sgd", "hessian"}


def close(ours: Any, theirs: Any, path: str, rtol: float, atol: float) -> None:
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and sorted(ours) == sorted(theirs), path
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


@pytest.fixture(scope="module")
def tf() -> Any:
    import tftape_torch

    return tftape_torch


@pytest.mark.parametrize("name", sorted(k for k in GOLDEN if not k.startswith("_")))
def test_program_matches_tf(tf: Any, name: str) -> None:
    from tests.keras_tf.programs import PROGRAMS, run

    tf.keras.backend.clear_session()
    ours = json.loads(json.dumps(run(PROGRAMS[name], tf)))
    loose = name in LOOSE
    close(ours, GOLDEN[name], name, 1e-4 if loose else RTOL, 1e-5 if loose else ATOL)


def test_every_program_has_a_golden_answer() -> None:
    from tests.keras_tf.programs import PROGRAMS

    assert sorted(PROGRAMS) == sorted(k for k in GOLDEN if not k.startswith("_"))
