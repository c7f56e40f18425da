"""The inline common calls of the hottest drop-in ops (`_op_call.call_inline`).

`reduce_*`, `transpose`, `matmul`, `linalg.matvec`, `nn.softmax`, `einsum` and
`gather` run their common call (drop-in or plain floating tensors, simple arguments)
inline and hand everything else to `call`; so do a bare slice (`x[1:]`) and an
integer power (`x ** 2`) in their own handlers. Both roads must give the same thing:
values (from NumPy), dtypes, shapes, drop-in results, gradients, TF's error classes,
and results that are new tensors a tape can watch on their own. Each case here runs
where it takes the inline road; the conformance suite checks the same ops against
TensorFlow itself.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

import tftape_torch as tf
from tftape_torch._tensor import EagerTensor

RNG = np.random.default_rng(35)
MATRIX = RNG.standard_normal((3, 4)).astype(np.float32)

_REDUCTIONS = {
    "reduce_sum": np.sum,
    "reduce_mean": np.mean,
    "reduce_max": np.max,
    "reduce_min": np.min,
    "reduce_logsumexp": lambda a, axis=None, keepdims=False: np.log(
        np.sum(np.exp(a), axis=axis, keepdims=keepdims)),
}


def _check(result: object, expected: np.ndarray, dtype: torch.dtype, rtol: float = 1e-6) -> None:
    assert type(result) is EagerTensor
    assert result.dtype == dtype
    assert tuple(result.shape) == expected.shape
    np.testing.assert_allclose(result.numpy(), expected, rtol=rtol, atol=1e-6)


@pytest.mark.parametrize("name", sorted(_REDUCTIONS))
@pytest.mark.parametrize("axis", [None, 0, 1, -1, -2])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_reductions_match_numpy(name: str, axis: object, keepdims: bool,
                                dtype: torch.dtype) -> None:
    if name == "reduce_logsumexp" and axis is None and keepdims:
        pytest.skip("computed by `call`, like every keepdims over all axes")
    x = tf.cast(tf.constant(MATRIX), dtype)
    result = getattr(tf, name)(x, axis=axis, keepdims=keepdims)
    expected = _REDUCTIONS[name](MATRIX.astype(np.float64), axis=axis, keepdims=keepdims)
    _check(result, np.asarray(expected), dtype, rtol=1e-5)


def test_reductions_of_plain_tensors_are_drop_in_tensors() -> None:
    result = tf.reduce_sum(torch.tensor(MATRIX), axis=0)
    _check(result, MATRIX.astype(np.float64).sum(0), tf.float32, rtol=1e-5)


def test_empty_max_is_tfs_not_torchs_error() -> None:
    # torch's `amax` refuses to reduce an axis of size 0; TF's max of nothing is -inf.
    _check(tf.reduce_max(tf.zeros([0, 3]), axis=0), np.full(3, -np.inf), tf.float32)
    _check(tf.reduce_min(tf.zeros([0, 3]), axis=0), np.full(3, np.inf), tf.float32)


def test_reduction_axis_out_of_range_is_tfs_error() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid reduction dimension"):
        tf.reduce_sum(tf.constant(MATRIX), axis=2)
    for axis in (0, -1):  # torch reduces a scalar over axis 0 or -1; TF has no such axis
        with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid reduction dimension"):
            tf.reduce_max(tf.constant(5.0), axis=axis)


def test_reduce_max_shares_the_gradient_among_ties() -> None:
    x = tf.constant([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_max(x, axis=-1)
    grad = tape.gradient(y, x)
    np.testing.assert_array_equal(grad.numpy(), [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])


def test_reshape_and_transpose_match_numpy() -> None:
    x = tf.constant(MATRIX)
    _check(tf.reshape(x, [4, 3]), MATRIX.reshape(4, 3), tf.float32)
    _check(tf.reshape(x, (2, -1)), MATRIX.reshape(2, -1), tf.float32)
    _check(tf.transpose(x, [1, 0]), MATRIX.T, tf.float32)
    cube = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    _check(tf.transpose(tf.constant(cube), [2, 0, 1]), cube.transpose(2, 0, 1), tf.float32)


def test_reshape_and_transpose_errors_are_tfs() -> None:
    x = tf.constant(MATRIX)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Op:Reshape"):
        tf.reshape(x, [5, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Op:Transpose"):
        tf.transpose(x, [0, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="vector of size 2"):
        tf.transpose(x, [0, 1, 2])


@pytest.mark.parametrize("op", ["reshape", "transpose"])
def test_view_of_a_constant_is_watched_on_its_own(op: str) -> None:
    # TF's reshape and transpose give new tensors: watching the result does not make
    # the constant it came from a source.
    x = tf.constant(MATRIX)
    y = tf.reshape(x, [4, 3]) if op == "reshape" else tf.transpose(x, [1, 0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(y)
        z = tf.reduce_sum(y * 2.0)
    assert tape.gradient(z, x) is None
    np.testing.assert_array_equal(tape.gradient(z, y).numpy(), np.full((4, 3), 2.0))
    assert not x.requires_grad and not y.requires_grad
    # Nor does watching the constant reach the result made before the tape (a torch
    # view would follow its base into the graph).
    with tf.GradientTape() as tape:
        tape.watch(x)
        assert not y.requires_grad
        z = tf.reduce_sum(y * 2.0)
    assert tape.gradient(z, x) is None


@pytest.mark.parametrize(
    "a_shape, b_shape",
    [((3, 4), (4, 2)), ((5, 3, 4), (4, 2)), ((5, 3, 4), (5, 4, 2)), ((3, 4), (5, 4, 2))],
)
def test_matmul_matches_numpy(a_shape: tuple, b_shape: tuple) -> None:
    a = RNG.standard_normal(a_shape)
    b = RNG.standard_normal(b_shape)
    result = tf.matmul(tf.constant(a), tf.constant(b))
    _check(result, a @ b, tf.float64, rtol=1e-12)


def test_matmul_gradients() -> None:
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))
    ta, tb = tf.constant(a), tf.constant(b)
    with tf.GradientTape() as tape:
        tape.watch([ta, tb])
        y = tf.reduce_sum(tf.matmul(ta, tb))
    grad_a, grad_b = tape.gradient(y, [ta, tb])
    # d sum(AB) / dA = 1 B^T, d sum(AB) / dB = A^T 1
    np.testing.assert_allclose(grad_a.numpy(), np.ones((3, 2)) @ b.T, rtol=1e-12)
    np.testing.assert_allclose(grad_b.numpy(), a.T @ np.ones((3, 2)), rtol=1e-12)


def test_matmul_errors_are_tfs() -> None:
    a = tf.constant(MATRIX)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Op:MatMul"):
        tf.matmul(a, a)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Op:MatMul"):
        tf.matmul(a, tf.ones([4, 2], dtype=tf.float64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="ndims must be >= 2"):
        tf.matmul(a, tf.ones([4]))


@pytest.mark.parametrize("b_shape", [(4,), (5, 4)])
def test_matvec_matches_numpy(b_shape: tuple) -> None:
    b = RNG.standard_normal(b_shape).astype(np.float32)
    result = tf.linalg.matvec(tf.constant(MATRIX), tf.constant(b))
    _check(result, b @ MATRIX.T.astype(np.float64), tf.float32, rtol=1e-5)


def test_matvec_errors_are_tfs() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="Op:MatMul"):
        tf.linalg.matvec(tf.constant(MATRIX), tf.ones([3]))


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_softmax_matches_numpy(axis: object) -> None:
    result = tf.nn.softmax(tf.constant(MATRIX), axis=axis)
    along = -1 if axis is None else axis
    e = np.exp(MATRIX.astype(np.float64) - MATRIX.max(axis=along, keepdims=True))
    _check(result, e / e.sum(axis=along, keepdims=True), tf.float32, rtol=1e-5)


def test_softmax_errors_are_tfs() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be in the range"):
        tf.nn.softmax(tf.constant(MATRIX), axis=2)
    with pytest.raises(tf.errors.AbortedError):
        tf.nn.softmax(tf.constant(1.0))


def test_einsum_matches_numpy_and_differentiates() -> None:
    w, v = RNG.standard_normal((3, 4)), RNG.standard_normal((5, 4))
    tw, tv = tf.constant(w), tf.constant(v)
    with tf.GradientTape() as tape:
        tape.watch(tv)
        y = tf.einsum("ij,...j->...i", tw, tv)
        total = tf.reduce_sum(y)
    _check(y, np.einsum("ij,...j->...i", w, v), tf.float64, rtol=1e-12)
    # d sum(v W^T) / dv = 1 W: every row the column sums of W.
    np.testing.assert_allclose(tape.gradient(total, tv).numpy(),
                               np.tile(w.sum(0), (5, 1)), rtol=1e-12)


def test_einsum_errors_are_tfs() -> None:
    a = tf.constant(MATRIX)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Op:Einsum"):
        tf.einsum("ij,jk->ik", a, a)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Op:Einsum"):
        tf.einsum("ij,jk->ik", a, tf.ones([4, 2], dtype=tf.float64))


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_gather_matches_numpy(axis: object) -> None:
    idx = np.array([2, 0, 2])
    result = tf.gather(tf.constant(MATRIX), tf.constant(idx), axis=axis)
    _check(result, np.take(MATRIX, idx, axis=0 if axis is None else axis), tf.float32)


def test_gather_out_of_range_is_tfs_error() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = 3 is not in"):
        tf.gather(tf.constant(MATRIX), tf.constant([0, 3]))


def test_gather_gradients_are_slices_along_axis_0() -> None:
    x = tf.constant(MATRIX)
    idx = tf.constant([2, 0, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        rows = tf.reduce_sum(tf.gather(x, idx))
        columns = tf.reduce_sum(tf.gather(x, idx, axis=1))
    slices = tape.gradient(rows, x)
    assert isinstance(slices, tf.IndexedSlices)
    np.testing.assert_array_equal(slices.indices.numpy(), [2, 0, 2])
    np.testing.assert_array_equal(tf.convert_to_tensor(slices).numpy(),
                                  [[1.0] * 4, [0.0] * 4, [2.0] * 4])
    dense = tape.gradient(columns, x)
    assert type(dense) is EagerTensor
    np.testing.assert_array_equal(dense.numpy(), [[1.0, 0.0, 2.0, 0.0]] * 3)


def test_bare_slices_are_new_tensors_with_their_gradients() -> None:
    x = tf.constant([1.0, 2.0, 3.0, 4.0])
    _check(x[1:], np.array([2.0, 3.0, 4.0]), tf.float32)
    _check(x[:-1:2], np.array([1.0, 3.0]), tf.float32)
    everything = x[:]  # torch hands back `x` itself for this slice; TF a new tensor
    assert everything is not x
    _check(everything, np.array([1.0, 2.0, 3.0, 4.0]), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x[1:] * x[:-1]) + tf.reduce_sum(x[:])
    # d/dx_i: x_(i+1) + x_(i-1) + 1
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 5.0, 7.0, 4.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="slice scalar"):
        tf.constant(1.0)[1:]


def test_integer_powers() -> None:
    x = tf.constant([1.5, -2.0, 0.0])
    _check(x ** 3, np.array([1.5, -2.0, 0.0]) ** 3, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x ** 2)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, -4.0, 0.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="negative integer powers"):
        tf.constant([2, 3]) ** -1
    with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'T' of uint8"):
        tf.constant([2, 3], dtype=tf.uint8) ** 2


def test_ops_beside_another_threads_tape_do_not_record_for_it() -> None:
    # The inline road is skipped while another thread's tape flipped a tensor: the
    # op must not join that tape's graph (NOTE: [Ops beside other threads' tapes]).
    x = tf.constant(MATRIX)
    ready, done = threading.Event(), threading.Event()
    results = {}

    def record() -> None:
        with tf.GradientTape() as tape:
            tape.watch(x)
            ready.set()
            done.wait(10)
            results["grad"] = tape.gradient(tf.reduce_sum(x), x)

    thread = threading.Thread(target=record)
    thread.start()
    ready.wait(10)
    try:
        outs = [tf.reduce_sum(x, axis=0), tf.reshape(x, [12]), tf.transpose(x, [1, 0]),
                tf.matmul(x, tf.transpose(x, [1, 0])), tf.linalg.matvec(x, tf.ones([4])),
                tf.nn.softmax(x), tf.einsum("ij->j", x), tf.gather(x, tf.constant([1])),
                x[1:], x ** 2]
    finally:
        done.set()
        thread.join()
    assert all(type(out) is EagerTensor and not out.requires_grad for out in outs)
    np.testing.assert_array_equal(results["grad"].numpy(), np.ones((3, 4)))
