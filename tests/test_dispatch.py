"""The package's own reads of drop-in tensors are raw: no trip through the drop-in
tensor's `__torch_function__`.

A drop-in tensor (`tf.constant(...)`, an op's result) is a torch tensor subclass whose
`__torch_function__` gives user code TF's semantics. The package's own code reads
attributes of such tensors all the time (a tape's target, an op's input); a read that
goes through `__torch_function__` costs several microseconds, a tenth of a small
jacobian. These tests count the trips on the paths that once made them.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pytest
import torch

import tftape_torch as tf


def _matrix(n: int, m: int) -> np.ndarray:
    return (np.sin(np.arange(n * m) * 0.7 + 0.2) * 0.5).reshape(n, m).astype(np.float32)


def _torch_function_dispatches(fn: Any) -> int:
    """How many times the drop-in tensor's `__torch_function__` runs during `fn()`."""
    code = type(tf.constant(1.0)).__torch_function__.__func__.__code__  # type: ignore[attr-defined]
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event == "call" and frame.f_code is code:
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(previous)
    return count


@pytest.mark.parametrize("spelling", ["matmul_column", "conv1d", "softmax"])
def test_tape_reads_drop_in_targets_without_dispatch(spelling: str) -> None:
    # The tape's own reads of a drop-in target (dtype, device, `is_cpu`, `grad_fn`)
    # are raw: one trip through `__torch_function__` cost a TF-spelled 16-d jacobian
    # about 8 µs, a tenth of the whole call.
    w = tf.constant(_matrix(4, 4))
    kernel = tf.constant(_matrix(3, 2).reshape(3, 1, 2))

    def f(x: Any) -> Any:
        if spelling == "matmul_column":
            return tf.tanh(tf.reshape(tf.matmul(w, tf.reshape(x, [-1, 4, 1])), [-1, 4]))
        if spelling == "conv1d":
            y = tf.nn.conv1d(tf.reshape(x, [-1, 4, 1]), kernel, stride=1, padding="SAME")
            return tf.reshape(y, [-1, 8])
        return tf.nn.softmax(x * 2.0, axis=-1)

    x = tf.constant(_matrix(3, 4))
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = f(x)
            loss = tf.reduce_sum(y * y)
        grad = tape.gradient(loss, x)
    calls = {
        "jacobian": lambda: tape.jacobian(y, x),
        "batch_jacobian": lambda: tape.batch_jacobian(y, x),
        "gradient": lambda: tape.gradient(loss, x),
        "hessian": lambda: outer.batch_jacobian(grad, x),
    }
    for name, call in calls.items():
        assert _torch_function_dispatches(call) == 0, name
    # (and the answers are the ones without the raw reads: those of the core API)
    xt = torch.tensor(_matrix(3, 4))
    jac = torch.func.vmap(torch.func.jacrev(lambda v: f(v[None])[0]))(xt)
    np.testing.assert_allclose(tape.batch_jacobian(y, x).numpy(), jac.numpy(),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", ["cast", "cast_complex", "size", "argmax"])
def test_ops_read_their_inputs_without_dispatch(op: str) -> None:
    x = tf.constant(_matrix(2, 3))
    z = tf.complex(x, x)
    calls = {
        "cast": lambda: tf.cast(x, tf.float64),
        "cast_complex": lambda: tf.cast(z, tf.float32),
        "size": lambda: tf.size(x),
        "argmax": lambda: tf.argmax(x, axis=1),
    }
    assert _torch_function_dispatches(calls[op]) == 0
    # (the results are TF's)
    np.testing.assert_array_equal(tf.cast(x, tf.float64).numpy(), _matrix(2, 3).astype(np.float64))
    assert tf.cast(z, tf.float32).dtype == tf.float32
    np.testing.assert_array_equal(tf.cast(z, tf.float32).numpy(), _matrix(2, 3))
    assert int(tf.size(x)) == 6 and tf.size(x).dtype == tf.int32
    np.testing.assert_array_equal(tf.argmax(x, axis=1).numpy(), np.argmax(_matrix(2, 3), axis=1))
