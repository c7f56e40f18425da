"""Writes the checkpoints in this folder with real TensorFlow (2.21, Keras 3), for
tests/test_checkpoint_format.py. Run from the repository root:

    python tests/data/tf_checkpoints/make.py

Each checkpoint gets an `expected.json` beside it: every key's dtype, shape and value
(as TF's `tf.train.load_checkpoint` reads them) and, for the Keras one, the model's
output on a fixed input after the saved training step.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent


def module_program() -> tf.train.Checkpoint:
    """Variables of every dtype the format holds, in a tf.Module tree with a list, a
    dict and a variable reached along two paths."""
    m = tf.Module()
    m.f32 = tf.Variable([[1.5, -2.0, 3.25]], dtype=tf.float32)
    m.f16 = tf.Variable([0.5, -1.25], dtype=tf.float16)
    m.f64 = tf.Variable(np.pi, dtype=tf.float64)
    m.bf16 = tf.Variable([1.5, -3.0, 256.0], dtype=tf.bfloat16)
    m.i8 = tf.Variable([-128, 127], dtype=tf.int8)
    m.i16 = tf.Variable([-300, 300], dtype=tf.int16)
    m.i32 = tf.Variable([[1, 2], [3, 4]], dtype=tf.int32)
    m.i64 = tf.Variable(2**40 + 1, dtype=tf.int64)
    m.u8 = tf.Variable([0, 255, 7], dtype=tf.uint8)
    m.flags = tf.Variable([True, False, True])
    m.c64 = tf.Variable([1 + 2j, -3.5j], dtype=tf.complex64)
    m.c128 = tf.Variable(0.25 - 4j, dtype=tf.complex128)
    m.layers = [tf.Variable([1.0, 2.0]), tf.Variable([3.0])]
    m.table = {"b": tf.Variable(7.0), "a": tf.Variable(8.0)}
    shared = tf.Variable([9.0, 10.0])
    m.shared = shared
    m.inner = tf.Module()
    m.inner.again = shared
    return tf.train.Checkpoint(model=m, step=tf.Variable(5, dtype=tf.int64))


def keras_program() -> tuple:
    model = tf.keras.Sequential([
        tf.keras.Input((3,)),
        tf.keras.layers.Dense(4, activation="relu",
                              kernel_initializer=tf.keras.initializers.Constant(0.1)),
        tf.keras.layers.Dense(2, kernel_initializer=tf.keras.initializers.Constant(-0.2),
                              bias_initializer="ones"),
    ])
    optimizer = tf.keras.optimizers.Adam(0.05)
    return model, optimizer


def _dump(prefix: str, extra: dict) -> None:
    reader = tf.train.load_checkpoint(prefix)
    entries = {}
    dtypes = reader.get_variable_to_dtype_map()
    for key, shape in tf.train.list_variables(prefix):
        dtype = dtypes[key].name
        value = None if dtype == "variant" else reader.get_tensor(key)
        if key == "_CHECKPOINTABLE_OBJECT_GRAPH" or dtype == "variant":
            value = None
        elif dtype == "string":
            value = [v.hex() for v in np.asarray(value, dtype=object).reshape(-1)]
        elif dtype.startswith("complex"):
            value = np.asarray(value).reshape(-1)
            value = [[float(v.real), float(v.imag)] for v in value]
        else:
            value = np.asarray(value).astype(np.float64).reshape(-1).tolist()
        entries[key] = {"dtype": dtype, "shape": shape, "value": value}
    path = pathlib.Path(prefix).parent / "expected.json"
    path.write_text(json.dumps({"prefix": pathlib.Path(prefix).name, "entries": entries,
                                **extra}, indent=1, sort_keys=True) + "\n")


def main() -> None:
    for name in ("module", "keras", "manager", "strings", "iterator"):
        shutil.rmtree(HERE / name, ignore_errors=True)

    path = module_program().save(str(HERE / "module" / "ckpt"))
    _dump(path, {})

    model, optimizer = keras_program()
    x = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]], np.float32)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x) - 1.0) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(
        str(HERE / "keras" / "ckpt"))
    _dump(path, {"input": x.tolist(), "output": model(x).numpy().tolist()})

    step = tf.Variable(0, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(step=step)
    manager = tf.train.CheckpointManager(ckpt, str(HERE / "manager"), max_to_keep=2)
    for _ in range(3):
        step.assign_add(10)
        path = manager.save()
    _dump(path, {})

    strings = tf.train.Checkpoint(word=tf.Variable(b"hello"),
                                  words=tf.Variable([[b"a", b""], [b"bcd", b"\xffz"]]))
    path = strings.write(str(HERE / "strings" / "ckpt"))
    _dump(path, {})

    iterator = iter(tf.data.Dataset.range(10))
    next(iterator)
    path = tf.train.Checkpoint(it=iterator, step=tf.Variable(3)).write(
        str(HERE / "iterator" / "ckpt"))
    _dump(path, {})


if __name__ == "__main__":
    main()
