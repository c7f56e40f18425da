"""`tf.keras` (Keras 3 on its torch backend) under tape semantics, checked against real
TF + Keras: `tests/keras/programs.py` runs here under `import tftape_torch as tf` and its
answers are compared with TF's, recorded by `python -m tests.keras_tf.record` into
`tests/keras/golden.json` (TensorFlow never runs in this process).
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from tests.keras_tf.compare import close

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOLDEN = json.loads((ROOT / "tests" / "keras_tf" / "golden.json").read_text())

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("keras") is None,
    reason='Keras is not installed (pip install "tftape_torch[keras]")',
)

RTOL, ATOL = 2e-5, 2e-6  # float32 round-off between two frameworks' kernels
LOOSE = {"optimizers_all", "fit_evaluate_predict", "fit_on_tf_tensors", "loop_adam", "loop_sgd",
         "loop_in_function", "hessian"}


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


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environ = dict(os.environ, **env)
    environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]
    )
    return subprocess.run([sys.executable, "-c", code], cwd=str(ROOT), env=environ,
                          capture_output=True, text=True, timeout=300)


def test_keras_imported_with_another_backend_is_one_clear_error() -> None:
    proc = run_python(
        "import tftape_torch as tf\n"
        "try:\n    tf.keras\nexcept ImportError as e:\n    print('ERROR', e)\n",
        KERAS_BACKEND="jax",
    )
    assert "ERROR" in proc.stdout and "KERAS_BACKEND=torch" in proc.stdout, proc.stderr


def test_without_keras_the_error_names_the_extra() -> None:
    proc = run_python(
        "import sys\nsys.modules['keras'] = None\n"
        "import tftape_torch as tf\n"
        "try:\n    tf.keras\nexcept ImportError as e:\n    print('ERROR', e)\n"
        "try:\n    from tftape_torch import keras\nexcept ImportError as e:\n    print('ERROR2')\n"
    )
    assert 'pip install "tftape_torch[keras]"' in proc.stdout, proc.stderr
    assert "ERROR2" in proc.stdout


def test_keras_selects_the_torch_backend_lazily() -> None:
    proc = run_python(
        "import os, sys\nos.environ.pop('KERAS_BACKEND', None)\n"
        "import tftape_torch as tf\nassert 'keras' not in sys.modules\n"
        "from tftape_torch import keras\n"
        "print(keras.backend.backend(), keras is tf.keras, hasattr(keras.losses, 'MSE'))\n"
    )
    assert proc.stdout.split() == ["torch", "True", "True"], proc.stderr


_OWN_KERAS_PROGRAM = """
import os
os.environ["KERAS_BACKEND"] = "torch"
{imports}
import numpy as np
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, kernel_initializer="ones")])
optimizer = keras.optimizers.SGD(0.5)
x = tf.constant([[1.0, 2.0, 3.0]])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(model(x))
grads = tape.gradient(y, model.trainable_weights)
optimizer.apply_gradients(zip(grads, model.trainable_weights))
print([np.asarray(g).tolist() for g in grads], [v.name for v in tape.watched_variables()])
print(np.asarray(model.trainable_weights[1]).tolist())
"""


@pytest.mark.parametrize("imports", ["import keras\nimport tftape_torch as tf",
                                     "import tftape_torch as tf\nimport keras"])
def test_a_program_importing_keras_itself(imports: str) -> None:
    # TF 2.16+ code imports `keras` beside TF; with the torch backend selected, its
    # variables are sources and watched variables without `tf.keras` ever read.
    proc = run_python(_OWN_KERAS_PROGRAM.format(imports=imports))
    lines = proc.stdout.splitlines()
    assert lines[:2] == [
        "[[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]], [1.0, 1.0]] ['kernel', 'bias']",
        "[-0.5, -0.5]",  # 0 - 0.5 * 1.0: the step applied
    ], proc.stderr


def test_the_canonical_loop_runs_verbatim(tf: Any) -> None:
    tf.keras.utils.set_random_seed(0)
    x_all, y_all = np.random.default_rng(0).standard_normal((128, 20)), np.arange(128) % 10
    dataset = tf.data.Dataset.from_tensor_slices((x_all.astype(np.float32), y_all)).batch(32)
    model = tf.keras.Sequential([tf.keras.layers.Dense(64, activation="relu"),
                                 tf.keras.layers.Dense(10)])
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam(1e-3)
    losses = []
    for _ in range(5):
        for x, y in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            losses.append(float(loss))
    assert all(isinstance(g, tf.Tensor) for g in grads)
    first_epoch, last_epoch = np.mean(losses[:4]), np.mean(losses[-4:])
    assert last_epoch < first_epoch
    assert str(loss).startswith("tf.Tensor(")


def test_watching_a_keras_variable_itself(tf: Any) -> None:
    # TF's tape refuses `watch(keras_variable)` (it wants `.value`); here both work.
    layer = tf.keras.layers.Dense(1, kernel_initializer="ones")
    layer.build((None, 1))
    x = tf.constant([[2.0]])
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(layer.kernel)
        y = layer(x)
    assert float(tape.gradient(y, layer.kernel)[0, 0]) == 2.0
    assert [v.name for v in tape.watched_variables()] == ["kernel"]


def test_keras_optimizer_updates_a_tf_variable_and_value_stays_callable(tf: Any) -> None:
    v = tf.Variable([1.0, 2.0])
    tf.keras.optimizers.SGD(0.5).apply_gradients([(tf.constant([1.0, 1.0]), v)])
    assert v.numpy().tolist() == [0.5, 1.5]
    assert str(v.value()) == "tf.Tensor([0.5 1.5], shape=(2,), dtype=float32)"


def test_a_scalar_variables_numpy_is_a_numpy_scalar_as_tfs(tf: Any) -> None:
    # TF 2.21: `tf.keras.Variable(3.0).numpy()` is `np.float32(3.0)` and a fresh
    # optimizer's `iterations.numpy()` shows `np.int64(0)`; Keras's torch backend gave
    # 0-d arrays (`array(3., dtype=float32)`), which print and type-check differently.
    scalar = tf.keras.Variable(3.0).numpy()
    assert type(scalar) is np.float32 and repr(scalar) == "np.float32(3.0)"
    iterations = tf.keras.optimizers.SGD().iterations.numpy()
    assert isinstance(iterations, np.integer) and iterations == 0
    vector = tf.keras.Variable([1.0, 2.0]).numpy()
    assert type(vector) is np.ndarray and vector.tolist() == [1.0, 2.0]
    metric = tf.keras.metrics.Mean()
    metric.update_state([1.0, 2.0])
    assert type(metric.count.numpy()) is np.float32 and metric.count.numpy() == 2.0


def test_torch_tensors_in_give_torch_tensors_out(tf: Any) -> None:
    import torch

    layer = tf.keras.layers.Dense(2)
    assert type(layer(torch.ones(1, 3))) is torch.Tensor
    assert isinstance(layer(np.ones((1, 3), np.float32)), tf.Tensor)


@pytest.mark.skipif(
    not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU"
)
def test_the_loop_on_cuda_matches_cpu(tf: Any) -> None:
    from tests.keras_tf.programs import PROGRAMS

    answers = {}
    for device in ("cpu", "cuda"):
        with tf.keras.device(device):
            tf.keras.backend.clear_session()
            answers[device] = PROGRAMS["loop_adam"](tf)
    np.testing.assert_allclose(answers["cuda"]["losses"], answers["cpu"]["losses"], rtol=1e-4)


@pytest.mark.parametrize("name", ["losses", "metrics", "optimizers", "initializers"])
def test_tf_aliases_of_keras_namespaces(tf: Any, name: str) -> None:
    # TF 2.21's `tf.losses`, `tf.metrics`, `tf.optimizers` and `tf.initializers` load
    # `tf.keras`'s (older TF 2 code writes `tf.optimizers.Adam(...)`).
    assert getattr(tf, name) is getattr(tf.keras, name)


def test_tf_losses_alias_computes_keras_loss(tf: Any) -> None:
    loss = tf.losses.MeanSquaredError()(tf.constant([1.0, 2.0]), tf.constant([1.0, 4.0]))
    assert float(loss) == 2.0  # mean of (0, 4)


def test_saving_a_keras_model_never_imports_tensorflow(tmp_path: Any) -> None:
    # Keras asks "is TensorFlow available?" while serializing; that question imported
    # TF (seconds, and TF's log lines) whenever it was installed.
    proc = run_python(
        "import sys, numpy as np\nimport tftape_torch as tf\n"
        "model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])\n"
        "tf.keras.utils.set_random_seed(0)\n"
        f"model.save({str(tmp_path / 'm.keras')!r})\n"
        f"model.save_weights({str(tmp_path / 'w.weights.h5')!r})\n"
        f"again = tf.keras.models.load_model({str(tmp_path / 'm.keras')!r})\n"
        "print(np.allclose(again(np.ones((1, 3), np.float32)), model(np.ones((1, 3), np.float32))),"
        " 'tensorflow' in sys.modules)\n"
    )
    assert proc.stdout.split() == ["True", "False"], proc.stderr
