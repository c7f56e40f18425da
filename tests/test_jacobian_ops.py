"""Drop-in ops whose recorded graphs a jacobian's batched pass runs well.

Each op here once made a TF-spelled jacobian several times slower than the same
function written in torch (the benchmark matrix, `benchmarks/bench_jacobian_matrix.py`):
these tests pin the graph each op records, and check the values against closed forms.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import tftape_torch as tf
from tests.graphs import node_names
from tftape_torch import _gather_ops


def _matrix(n: int, m: int) -> np.ndarray:
    return (np.sin(np.arange(n * m) * 0.7 + 0.2) * 0.5).reshape(n, m).astype(np.float32)


def test_matvec_of_one_matrix_records_no_batched_product() -> None:
    w = tf.constant(_matrix(4, 3))
    for x in (tf.constant(_matrix(1, 3)[0]), tf.constant(_matrix(5, 3))):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.tanh(tf.linalg.matvec(w, x))
        assert "BmmBackward0" not in node_names(y)
        if len(x.shape) == 1:
            jac = tape.jacobian(y, x).numpy()
            # d tanh(W x) / dx = diag(1 - y^2) W
            expected = (1.0 - y.numpy() ** 2)[:, None] * w.numpy()
        else:
            jac = tape.batch_jacobian(y, x).numpy()
            expected = (1.0 - y.numpy() ** 2)[:, :, None] * w.numpy()[None]
        np.testing.assert_allclose(jac, expected, rtol=1e-5, atol=1e-6)


def test_matvec_of_a_batch_of_matrices_still_broadcasts() -> None:
    w = tf.constant(_matrix(6, 3).reshape(2, 3, 3))
    x = tf.constant(_matrix(1, 3)[0])
    y = tf.linalg.matvec(w, x)
    assert y.shape == (2, 3)
    np.testing.assert_allclose(y.numpy(), w.numpy() @ x.numpy(), rtol=1e-6)


def test_gather_notes_sparse_gradients_only_outside_batched_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notes = []
    real = _gather_ops.note_sparse_gradient
    monkeypatch.setattr(
        _gather_ops, "note_sparse_gradient", lambda *args: notes.append(1) or real(*args)
    )
    params = tf.constant([1.0, 2.0, 3.0, 4.0])
    indices = tf.constant([3, 0, 0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(params)
        y = tf.gather(params, indices) * 2.0
    jac = tape.jacobian(y, params)
    assert notes == []
    expected = np.zeros((3, 4), np.float32)
    expected[[0, 1, 2], [3, 0, 0]] = 2.0
    np.testing.assert_array_equal(jac.numpy(), expected)
    grad = tape.gradient(y, params)
    assert notes == [1]
    assert isinstance(grad, tf.IndexedSlices)
    np.testing.assert_array_equal(grad.indices.numpy(), [3, 0, 0])
    np.testing.assert_array_equal(tf.convert_to_tensor(grad).numpy(), [4.0, 0.0, 0.0, 2.0])


def test_gather_with_no_indices_and_out_of_range_ones() -> None:
    params = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    empty = tf.gather(params, tf.constant([], dtype=tf.int32))
    assert empty.shape == (0, 2)
    out_of_range = r"indices\[1\] = 2 is not in \[0, 2\)"
    with pytest.raises(tf.errors.InvalidArgumentError, match=out_of_range):
        tf.gather(params, [0, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = -1 is not in"):
        tf.gather(params, [-1], axis=1)


@pytest.mark.parametrize("rank", [1, 2])
def test_same_convolution_with_even_padding_records_no_pad(rank: int) -> None:
    x = tf.constant(_matrix(1, 25).reshape([1, 25, 1] if rank == 1 else [1, 5, 5, 1]))
    kernel = tf.constant(_matrix(1, 9 if rank == 2 else 3).reshape(
        [3, 1, 1] if rank == 1 else [3, 3, 1, 1]))
    conv = tf.nn.conv1d if rank == 1 else tf.nn.conv2d
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = conv(x, kernel, 1, "SAME")
    assert "ConstantPadNdBackward0" not in node_names(y)
    # A 'SAME' convolution by a kernel of ones is the sum over each (zero-padded)
    # neighbourhood; its gradient at every input counts the outputs it reaches.
    ones = tf.ones_like(kernel)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = tf.reduce_sum(conv(x, ones, 1, "SAME"))
    counts = tape.gradient(z, x).numpy().reshape(-1)
    side = 25 if rank == 1 else 5
    per_axis = np.array([2] + [3] * (side - 2) + [2], np.float32)
    expected = per_axis if rank == 1 else np.outer(per_axis, per_axis).reshape(-1)
    np.testing.assert_array_equal(counts, expected)


def test_asymmetric_same_padding_still_pads() -> None:
    x = tf.constant(_matrix(1, 6).reshape([1, 6, 1]))
    kernel = tf.ones([2, 1, 1])
    y = tf.nn.conv1d(x, kernel, 1, "SAME")  # TF pads 0 before, 1 after
    values = x.numpy().reshape(-1)
    expected = values + np.append(values[1:], 0.0)
    np.testing.assert_allclose(y.numpy().reshape(-1), expected, rtol=1e-6)


def test_shape_of_a_drop_in_tensor_is_a_tensor_shape_of_ints() -> None:
    shape = tf.zeros([2, 3]).shape
    assert type(shape) is tf.TensorShape
    assert shape == [2, 3] and shape.rank == 2 and shape.as_list() == [2, 3]
    assert all(type(d) is int for d in shape)
    assert repr(shape[1:]) == "TensorShape([3])"
    assert torch.zeros(shape).shape == (2, 3)


def test_matmul_of_one_matrix_and_a_batch_of_columns_folds_into_one_product() -> None:
    w = tf.constant(_matrix(4, 3))
    x = tf.constant(_matrix(5, 3))

    def f() -> Any:
        return tf.tanh(tf.reshape(tf.matmul(w, tf.reshape(x, [5, 3, 1])), [5, 4]))

    with tf.GradientTape() as tape:
        tape.watch(x)  # only the batch: torch folds by itself when `w` requires grad
        y = f()
    names = node_names(y)
    assert "BmmBackward0" not in names and "MmBackward0" in names
    # d tanh(W x_b) / d x_b = diag(1 - y_b^2) W, example by example
    expected = (1.0 - y.numpy() ** 2)[:, :, None] * w.numpy()[None]
    np.testing.assert_allclose(tape.batch_jacobian(y, x).numpy(), expected, rtol=1e-5, atol=1e-6)
    with tf.GradientTape() as tape:
        tape.watch(w)
        y = f()
    # d sum(y) / dW = sum_b (1 - y_b^2) x_b^T
    expected_w = ((1.0 - y.numpy() ** 2)[:, :, None] * x.numpy()[:, None, :]).sum(0)
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), expected_w, rtol=1e-5, atol=1e-6)


def test_matmul_of_one_matrix_and_a_batch_of_matrices_keeps_its_values() -> None:
    w = tf.constant(_matrix(4, 3))
    x = tf.constant(_matrix(6, 3).reshape(2, 3, 3))
    y = tf.matmul(w, x)
    assert y.shape == (2, 4, 3)
    np.testing.assert_allclose(y.numpy(), np.matmul(w.numpy(), x.numpy()), rtol=1e-6)
    z = w @ x
    np.testing.assert_allclose(z.numpy(), y.numpy(), rtol=1e-6)

