"""`approx_min_k` and `approx_max_k` along any dimension (where TF's eager CPU kernel
raises NotFoundError, `cases_ops_extra.case_approx_top_k_beyond_the_cpu_kernel`):
exact answers against NumPy's stable sort, and gradients to the selected entries."""

from __future__ import annotations

import numpy as np
import pytest

import tftape_torch as tf


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("dimension", [0, 1, -1])
def test_exact_answers_along_any_dimension(largest: bool, dimension: int) -> None:
    data = np.round(np.sin(np.arange(60.0) * 1.7).reshape(3, 4, 5) * 3).astype(np.float32)
    x = tf.constant(data)
    fn = tf.math.approx_max_k if largest else tf.math.approx_min_k
    with tf.GradientTape() as tape:
        tape.watch(x)
        values, indices = fn(x, 2, reduction_dimension=dimension)
        loss = tf.reduce_sum(values)
    moved = np.moveaxis(data, dimension, -1)
    order = np.argsort(-moved if largest else moved, axis=-1, kind="stable")[..., :2]
    expected = np.take_along_axis(moved, order, axis=-1)
    np.testing.assert_array_equal(values.numpy(), np.moveaxis(expected, -1, dimension))
    np.testing.assert_array_equal(indices.numpy(), np.moveaxis(order, -1, dimension))
    assert indices.dtype == tf.int32
    grad = np.moveaxis(tape.gradient(loss, x).numpy(), dimension, -1)
    chosen = np.zeros_like(moved)
    np.put_along_axis(chosen, order, 1.0, axis=-1)
    np.testing.assert_array_equal(grad, chosen)


def test_dimension_out_of_range() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        tf.math.approx_max_k(tf.ones([2, 3]), 1, reduction_dimension=2)
