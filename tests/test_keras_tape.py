"""Keras 3 models, losses and optimizers through `tf.GradientTape`, checked against real
TF 2.21 + Keras 3 (on TF): `tests/keras_tf/programs_tape.py` runs here under
`import tftape_torch as tf` (Keras on torch) and its answers are compared with TF's,
recorded by `python -m tests.keras_tf.record_tape` into `tests/keras_tf/golden_tape.json`
(TensorFlow never runs in this process).

Each program observes loss values, every gradient (its type, dtype and values, or `None`),
variable paths, `model.losses`, weights after three optimizer steps and
`optimizer.iterations`: custom layers whose `call` uses `tf.matmul`/`tf.nn.*` on
`add_weight` variables, TF ops on Keras variables (`tf.nn.l2_loss(w)`), regularizers,
mixed precision, saliency, intermediate outputs, persistent tapes, jacobians, train steps
under `tf.function`, and every optimizer option.

Left out (Keras's own torch-vs-TF backend, not the tape): an Embedding's gradient, which
Keras on TF takes by `tf.gather` (an `IndexedSlices`, applied by Keras's sparse optimizer
updates; Keras on torch gives a dense gradient); optimizer steps whose gradient is float32
noise around an exact 0 (a BatchNormalization beta under Adam, an attention key bias),
which Adam turns into a full step; `optimizer.iterations`' dtype (int32 on torch).
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
from typing import Any

import pytest

from tests.keras_tf.compare import close

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOLDEN = json.loads((ROOT / "tests" / "keras_tf" / "golden_tape.json").read_text())

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("keras") is None,
    reason='Keras is not installed (pip install "tftape_torch[keras]")',
)

# float32 round-off between two frameworks' kernels, over up to three optimizer steps
RTOL, ATOL = 1e-4, 1e-5


@pytest.fixture(scope="module")
def tf() -> Any:
    import tftape_torch

    return tftape_torch


@pytest.mark.parametrize("name", sorted(k for k in GOLDEN if not k.startswith("_")))
def test_program_matches_tf(tf: Any, name: str) -> None:
    from tests.keras_tf.programs_tape import PROGRAMS, run
    from tests.keras_tf.record_tape import finite

    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(0)
    ours = finite(json.loads(json.dumps(run(PROGRAMS[name], tf))))
    close(ours, GOLDEN[name], name, RTOL, ATOL)


def test_every_program_has_a_golden_answer() -> None:
    from tests.keras_tf.programs_tape import PROGRAMS

    assert sorted(PROGRAMS) == sorted(k for k in GOLDEN if not k.startswith("_"))
