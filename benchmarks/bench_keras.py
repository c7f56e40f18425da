"""The canonical Keras training loop (784-256-10 MLP, batch 64, Adam): time per step
under tftape_torch + Keras-torch, under TF + Keras (eager, as the loop is written), and
as hand-written torch; plus the `keras` extra's import time and install size.

Each framework runs in its own subprocess, one after the other, on the same data::

    python -m benchmarks.bench_keras
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
from typing import Any, Dict

ROOT = pathlib.Path(__file__).resolve().parent.parent
STEPS, WARMUP = 200, 20

LOOP = r"""
import json, os, sys, time
import numpy as np
t0 = time.perf_counter()
{imports}
import_s = time.perf_counter() - t0
rng = np.random.default_rng(0)
X = rng.standard_normal(({n}, 784)).astype(np.float32)
Y = rng.integers(0, 10, {n}).astype(np.int64)
{setup}
times = []
for i in range({n} // 64):
    x, y = X[i * 64:(i + 1) * 64], Y[i * 64:(i + 1) * 64]
    t = time.perf_counter()
{step}
    times.append(time.perf_counter() - t)
times = sorted(times[{warmup}:])
print(json.dumps({{"import_s": import_s, "step_ms": 1e3 * times[len(times) // 2]}}))
"""

KERAS_SETUP = """
model = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(256, activation="relu"),
                             tf.keras.layers.Dense(10)])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(1e-3)
to_tensor = tf.constant
"""
KERAS_STEP = """
    x, y = to_tensor(x), to_tensor(y)
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    float(loss)
"""

VARIANTS: Dict[str, Dict[str, Any]] = {
    "tftape_torch + Keras (torch backend)": dict(
        imports="import tftape_torch as tf\ntf.keras", setup=KERAS_SETUP, step=KERAS_STEP,
        env={"KERAS_BACKEND": "torch"},
    ),
    "TensorFlow 2.21 + Keras (eager)": dict(
        imports="import tensorflow as tf\ntf.keras", setup=KERAS_SETUP, step=KERAS_STEP,
        env={"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"},
    ),
    "hand-written torch": dict(
        imports="import torch", env={},
        setup="""
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
optimizer = torch.optim.Adam(model.parameters(), 1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
""",
        step="""
    loss = loss_fn(model(torch.from_numpy(x)), torch.from_numpy(y))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    float(loss)
""",
    ),
}


def site_size(names: Any) -> float:
    """MiB on disk of the installed distributions `names` (their files)."""
    from importlib import metadata

    total = 0
    for name in names:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            continue
        total += sum(f.locate().stat().st_size for f in files if f.locate().exists())
    return total / 2**20


def main() -> int:
    results: Dict[str, Any] = {}
    for name, variant in VARIANTS.items():
        code = LOOP.format(imports=variant["imports"], setup=variant["setup"],
                           step=variant["step"], n=64 * (STEPS + WARMUP), warmup=WARMUP)
        env = dict(os.environ, CUDA_VISIBLE_DEVICES="", **variant["env"])
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, cwd=str(ROOT))
        if proc.returncode:
            results[name] = {"error": proc.stderr[-500:]}
        else:
            results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    # Keras and what it brings that tftape_torch does not already need (torch, numpy).
    extra = ["keras", "absl-py", "h5py", "ml-dtypes", "namex", "optree", "rich",
             "markdown-it-py", "mdurl", "pygments", "packaging"]
    results["keras extra install size (MiB)"] = round(site_size(extra), 1)
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
