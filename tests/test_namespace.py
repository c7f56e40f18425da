"""The drop-in namespace beyond what the TF-checked conformance cases cover.

Interop with torch (plain tensors stay plain, torch functions accept drop-in
tensors), the re-typing of results, `.numpy()`/`.shape`/NumPy interop, devices and
seeds per thread, Variables through the ops, and the TF-convention gradients of
`_kernels` checked numerically (finite differences, forward mode, batched VJPs).
Values TF defines are checked in `tests/conformance/cases_namespace.py`.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from typing import Any

import numpy as np
import pytest
import torch

import tftape_torch as tf
from tftape_torch import _device, _kernels
from tftape_torch._convert import convert_value
from tftape_torch._tensor import EagerTensor, as_eager
from tftape_torch._tensor_shape import TensorShape


def test_importing_does_not_import_tensorflow() -> None:
    code = (
        "import sys, tftape_torch as tf; tf.constant(1.0) * 2; "
        "assert 'tensorflow' not in sys.modules, "
        "sorted(m for m in sys.modules if 'tensorflow' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# ---------------------------------------------------------------------------
# Torch interop


def test_plain_tensors_stay_plain() -> None:
    x = torch.tensor([1.0, 2.0])
    y = x * 2 + torch.exp(x)
    assert type(y) is torch.Tensor
    assert type(x) is torch.Tensor


def test_namespace_ops_on_plain_tensors_return_drop_in_tensors_and_leave_inputs_alone() -> None:
    x = torch.tensor([[1.0, 2.0]])
    for result in (tf.reduce_sum(x), tf.cast(x, tf.float32), tf.identity(x), tf.reshape(x, [2]),
                   tf.convert_to_tensor(x), tf.constant(x), tf.squeeze(x), tf.transpose(x),
                   tf.concat([x], 0), tf.maximum(x, 0.0)):
        assert type(result) is EagerTensor
    assert type(x) is torch.Tensor


def test_convert_to_tensor_of_a_plain_tensor_keeps_its_history() -> None:
    x = torch.tensor(3.0, requires_grad=True)
    y = tf.convert_to_tensor(x * x)
    (grad,) = torch.autograd.grad(y, x)
    assert grad.item() == 6.0


def test_torch_functions_accept_drop_in_tensors_and_return_them() -> None:
    x = tf.constant([[1.0, 2.0]])
    out = torch.nn.functional.linear(x, torch.ones(3, 2))
    assert type(out) is EagerTensor
    assert out.shape == (1, 3)
    values, indices = torch.max(tf.constant([[1.0, 3.0], [2.0, 0.0]]), dim=1)
    assert type(values) is EagerTensor and type(indices) is EagerTensor
    assert torch.zeros(x.shape).shape == torch.Size([1, 2])


def test_results_are_retyped_without_extra_autograd_nodes() -> None:
    x = tf.constant(2.0)
    x.requires_grad_(True)
    y = x * x
    assert type(y.grad_fn).__name__ == "MulBackward0"
    z = torch.exp(y)
    assert type(z.grad_fn).__name__ == "ExpBackward0"
    edge = torch.autograd.graph.get_gradient_edge(x)
    assert type(edge.node).__name__ == "AccumulateGrad"


def test_as_eager_views_a_tensor_without_copying() -> None:
    x = torch.ones(2)
    e = as_eager(x)
    assert type(e) is EagerTensor and type(x) is torch.Tensor
    x.add_(1.0)
    assert e.numpy().tolist() == [2.0, 2.0]


def test_torch_methods_and_in_place_ops_still_work() -> None:
    x = tf.ones((2,))
    x.add_(1.0)
    assert x.numpy().tolist() == [2.0, 2.0]
    assert type(x.clone()) is EagerTensor
    assert x.sum().item() == 4.0


def test_augmented_assignment_never_writes_into_the_tensor() -> None:
    x = tf.constant([1.0, 2.0])
    alias = x
    x += 1.0
    assert alias.numpy().tolist() == [1.0, 2.0]
    assert x.numpy().tolist() == [2.0, 3.0]


def test_grad_attribute_is_not_retyped() -> None:
    x = tf.constant([1.0, 2.0])
    x.requires_grad_(True)
    (x * x).sum().backward()
    assert x.grad is x.grad
    assert x.grad.tolist() == [2.0, 4.0]


# ---------------------------------------------------------------------------
# What a TF user looks at


def test_numpy_works_on_graph_carrying_tensors() -> None:
    x = tf.constant([1.0, 2.0])
    x.requires_grad_(True)
    y = x * 3.0
    assert y.numpy().tolist() == [3.0, 6.0]
    assert np.asarray(y).tolist() == [3.0, 6.0]
    assert isinstance(tf.reduce_sum(y).numpy(), np.float32)


def test_numpy_returns_a_copy() -> None:
    x = tf.constant([1.0, 2.0])
    array = x.numpy()
    array[0] = 10.0
    assert x.numpy().tolist() == [1.0, 2.0]


def test_tensor_shape_is_a_torch_size_compatible_tuple() -> None:
    s = tf.ones((2, 3)).shape
    assert isinstance(s, TensorShape) and isinstance(s, tuple)
    assert s == torch.Size([2, 3]) and s == [2, 3] and s != [3, 2]
    assert s.numel() == 6 and s.num_elements() == 6
    assert hash(s) == hash((2, 3))
    assert torch.ones(s).shape == (2, 3)
    assert s + (4,) == (2, 3, 4) and isinstance(s + (4,), TensorShape)
    assert s.merge_with([2, 3]) == s
    with pytest.raises(ValueError):
        s.assert_is_compatible_with([3, 3])


def test_unknown_rank_shape_refuses_len_and_iteration_and_survives_copies() -> None:
    import copy

    unknown = tf.TensorShape(None)
    assert isinstance(unknown, TensorShape) and unknown.rank is None and unknown.dims is None
    assert repr(unknown) == "TensorShape(None)" and str(unknown) == "<unknown>"
    with pytest.raises(ValueError, match="length of shape with unknown rank"):
        len(unknown)
    with pytest.raises(ValueError, match="iterate over a shape with unknown rank"):
        list(unknown)
    for clone in (pickle.loads(pickle.dumps(unknown)), copy.deepcopy(unknown)):
        assert clone.rank is None and clone == tf.TensorShape(None)
    assert tf.TensorShape(unknown).rank is None
    assert unknown.is_compatible_with([2, 3]) and unknown.merge_with([2, 3]) == [2, 3]
    assert tf.ones((2, 3)).shape.concatenate(unknown).rank is None
    known = tf.TensorShape([2, None])
    assert len(known) == 2 and list(known) == [2, None] and [*known] == [2, None]
    assert pickle.loads(pickle.dumps(known)).as_list() == [2, None]


def test_dtypes_are_torch_dtypes() -> None:
    assert tf.float32 is torch.float32 and tf.int32 is torch.int32 and tf.bool is torch.bool
    assert tf.constant(1.0).dtype == tf.float32
    assert tf.as_dtype("float64") is torch.float64
    with pytest.raises(TypeError):
        tf.as_dtype("not a dtype")


def test_convert_value_rules() -> None:
    assert convert_value(1.0).dtype == torch.float32
    assert convert_value(1).dtype == torch.int32
    assert convert_value(True).dtype == torch.bool
    assert convert_value(np.float64(1.0)).dtype == torch.float64
    assert convert_value([[1, 2], [3, 4]]).shape == (2, 2)
    with pytest.raises(TypeError):
        convert_value(1.5, torch.int64)
    with pytest.raises(TypeError):
        convert_value("text")


def test_tensors_pickle_and_deepcopy_as_drop_in_tensors() -> None:
    import copy

    x = tf.constant([1.0, 2.0])
    for clone in (pickle.loads(pickle.dumps(x)), copy.deepcopy(x)):
        assert type(clone) is EagerTensor and clone is not x
        assert clone.numpy().tolist() == [1.0, 2.0]
    x.requires_grad_(True)
    assert copy.deepcopy(x).requires_grad
    shape = pickle.loads(pickle.dumps(x.shape))
    assert type(shape) is TensorShape and shape == [2]


def test_errors_pickle_and_keep_their_fields() -> None:
    error = tf.errors.InvalidArgumentError(None, None, "bad axis")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is tf.errors.InvalidArgumentError
    assert copy.message == "bad axis" and copy.error_code == tf.errors.INVALID_ARGUMENT


def test_op_errors_name_the_op_and_chain_torch_s_error() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:Reshape\]") as info:
        tf.reshape(tf.ones(6), (4,))
    assert isinstance(info.value.__cause__, RuntimeError)
    with pytest.raises(tf.errors.InvalidArgumentError, match="input #1.*float.*double"):
        tf.constant(1.0) * tf.constant(1.0, tf.float64)


# ---------------------------------------------------------------------------
# Variables through the namespace


def test_variables_are_read_through_namespace_ops() -> None:
    v = tf.Variable([1.0, 4.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.sqrt(v) + tf.maximum(v, 2.0) + tf.square(v))
    grad = tape.gradient(y, v)
    assert type(grad) is EagerTensor
    np.testing.assert_allclose(grad.numpy(), [0.5 + 0.0 + 2.0, 0.25 + 1.0 + 8.0])


def test_namespace_ops_leave_variables_untouched() -> None:
    v = tf.Variable([1.0, 2.0])
    assert type(tf.identity(v)) is EagerTensor
    assert type(tf.convert_to_tensor(v)) is EagerTensor
    assert isinstance(v, tf.Variable) and type(v).__name__ == "ResourceVariable"  # as TF's


# ---------------------------------------------------------------------------
# Devices and seeds (per thread)


def test_device_strings_map_to_torch_devices() -> None:
    assert _device.parse_device("/CPU:0") == torch.device("cpu")
    full_name = "/job:localhost/replica:0/task:0/device:CPU:0"
    assert _device.parse_device(full_name) == torch.device("cpu")
    gpu = _device.parse_device("/GPU:0")
    expected = torch.device("cuda", 0) if torch.cuda.is_available() else torch.device("cpu")
    assert gpu == expected
    assert _device.parse_device("/GPU:99") == torch.device("cpu")  # soft placement, as TF
    assert _device.parse_device(None) is None and _device.parse_device("") is None
    with pytest.raises(ValueError, match="Unknown attribute 'XYZ'"):
        _device.parse_device("/XYZ:0")


def test_device_scope_is_per_thread_and_nests() -> None:
    seen = {}

    def worker() -> None:
        seen["other"] = _device.current_device()

    with tf.device("/CPU:0"):
        assert _device.current_device() == torch.device("cpu")
        with tf.device(None):
            assert _device.current_device() == torch.device("cpu")
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen["other"] is None
    assert _device.current_device() is None


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_gpu_device_scope_places_constructors_on_cuda() -> None:
    with tf.device("/GPU:0"):
        made = [tf.constant(1.0), tf.ones((2,)), tf.range(3), tf.random.normal((2,)), tf.eye(2),
                tf.linspace(0.0, 1.0, 3), tf.fill([2], 1.0), tf.convert_to_tensor([1.0])]
    assert all(t.device.type == "cuda" for t in made)
    x = made[0]
    assert (x * 2.0).device.type == "cuda" and isinstance((x * 2.0).numpy(), np.float32)


def test_random_seed_is_per_thread() -> None:
    tf.random.set_seed(3)
    first = tf.random.normal((3,)).numpy()
    results = {}

    def worker() -> None:
        tf.random.set_seed(3)
        results["other"] = tf.random.normal((3,)).numpy()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    np.testing.assert_array_equal(first, results["other"])
    tf.random.set_seed(None)


# ---------------------------------------------------------------------------
# TF-convention gradients: numerically right, also in forward mode and batched


def _double(*values: list) -> list:
    return [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]


def test_kernels_match_finite_differences_away_from_kinks() -> None:
    x, y = _double([0.3, 2.0, -1.5], [1.0, -0.5, 0.7])
    assert torch.autograd.gradcheck(_kernels.maximum, (x, y))
    assert torch.autograd.gradgradcheck(_kernels.maximum, (x, y))
    assert torch.autograd.gradcheck(_kernels.minimum, (x, y))
    (positive,) = _double([0.5, 2.0, 3.0])
    assert torch.autograd.gradcheck(_kernels.sqrt, (positive,))
    assert torch.autograd.gradgradcheck(_kernels.sqrt, (positive,))
    base, exponent = _double([0.5, 2.0, 1.5], [1.5, -0.5, 2.0])
    assert torch.autograd.gradcheck(_kernels.pow, (base, exponent))
    assert torch.autograd.gradgradcheck(_kernels.pow, (base, exponent))


def test_kernels_forward_mode_matches_reverse_mode() -> None:
    base, exponent = _double([0.5, 2.0], [1.5, -0.5])
    for fn, args in ((_kernels.pow, (base, exponent)), (_kernels.sqrt, (base,)),
                     (_kernels.maximum, (base, exponent))):
        assert torch.autograd.gradcheck(fn, args, check_forward_ad=True)


def test_kernels_under_batched_gradients() -> None:
    x, y = _double([1.0, 2.0, 3.0], [1.0, 1.0, 4.0])
    out = _kernels.maximum(x, y) + _kernels.sqrt(x) + _kernels.pow(x, y)
    seeds = torch.eye(3, dtype=torch.float64)
    batched = torch.autograd.grad(out, (x, y), seeds, is_grads_batched=True, retain_graph=True)
    rows = [torch.autograd.grad(out, (x, y), seed, retain_graph=True) for seed in seeds]
    for index in range(2):
        torch.testing.assert_close(batched[index], torch.stack([row[index] for row in rows]))


def test_tie_gradient_goes_to_the_first_argument() -> None:
    x, y = _double([1.0], [1.0])
    gx, gy = torch.autograd.grad(_kernels.maximum(x, y), (x, y))
    assert (gx.item(), gy.item()) == (1.0, 0.0)
    gx, gy = torch.autograd.grad(_kernels.minimum(x, y), (x, y))
    assert (gx.item(), gy.item()) == (1.0, 0.0)


def test_tf_function_returns_the_wrapped_python_function() -> None:
    def f(x: torch.Tensor) -> torch.Tensor:
        return x + 1.0

    wrapped = tf.function(f)
    assert wrapped.python_function is f and wrapped.__name__ == "f"
    assert tf.function(jit_compile=True)(f).python_function is f


def test_gamma_samples_differentiate_by_implicit_reparameterization() -> None:
    # A sample s of Gamma(alpha, 1) solves P(alpha, s) = u for a fixed uniform u, so
    # ds/dalpha = -(dP/dalpha) / (dP/ds), with P the regularized lower incomplete gamma
    # function and dP/ds the density. Checked by central differences of P in alpha.
    alpha = tf.constant([0.7, 1.5, 4.0], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(alpha)
        samples = tf.random.gamma([5], alpha, dtype=tf.float64, seed=3)
    got = tape.gradient(samples, alpha)
    s = torch.as_tensor(samples.numpy())
    a = torch.as_tensor(alpha.numpy())
    eps = 1e-6
    upper, lower = torch.special.gammainc(a + eps, s), torch.special.gammainc(a - eps, s)
    dp_dalpha = (upper - lower) / (2 * eps)
    density = torch.exp((a - 1) * torch.log(s) - s - torch.lgamma(a))
    expected = (-dp_dalpha / density).sum(0)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-4)


def test_gamma_and_poisson_streams_repeat_with_a_seed() -> None:
    tf.random.set_seed(7)
    first = (tf.random.gamma([3], 2.0, seed=1), tf.random.poisson([3], 4.0, seed=1))
    tf.random.set_seed(7)
    second = (tf.random.gamma([3], 2.0, seed=1), tf.random.poisson([3], 4.0, seed=1))
    tf.random.set_seed(None)
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    state = torch.random.get_rng_state()
    tf.random.gamma([3], 2.0, seed=5)  # a seeded draw leaves torch's global stream alone
    assert torch.equal(state, torch.random.get_rng_state())


def test_constant_of_a_numpy_view_with_negative_strides() -> None:
    # `x[::-1]` is a view torch cannot wrap; TF copies it like any other array
    import numpy as np

    import tftape_torch as tf

    array = np.arange(6.0).reshape(2, 3)[:, ::-1]
    out = tf.constant(array)
    assert out.dtype == tf.float64 and out.numpy().tolist() == [[2.0, 1.0, 0.0], [5.0, 4.0, 3.0]]


def test_small_tf_names_match_tf() -> None:
    # Values printed by TF 2.21 for the same calls.
    assert tf.get_current_name_scope() == ""
    with tf.name_scope("a"), tf.name_scope("b"):
        assert tf.get_current_name_scope() == "a/b"
    assert [a.value for a in tf.random.Algorithm] == [1, 2, 3]
    assert tf.random.create_rng_state(5, "philox").numpy().tolist() == [5, 0, 0]
    assert tf.random.create_rng_state(5, tf.random.Algorithm.THREEFRY).numpy().tolist() == [5, 0]
    assert tf.random.create_rng_state(2**70 + 3, "philox").numpy().tolist() == [3, 64, 0]
    assert tf.random.create_rng_state([7], "philox").numpy().tolist() == [0, 0, 7]
    assert tf.random.create_rng_state(1, "philox").dtype == tf.int64
    with pytest.raises(ValueError, match="unsupported value bogus"):
        tf.random.create_rng_state(1, "bogus")
    top = tf.nn.approx_max_k(tf.constant([[1.0, 5.0, 3.0]]), 2)
    assert top.values.numpy().tolist() == [[5.0, 3.0]] and top.indices.numpy().tolist() == [[1, 2]]
    assert tf.nn.approx_max_k is tf.math.approx_max_k


@pytest.mark.parametrize(
    "name, call, result",
    [
        # What TF 2.21 returns for each (the type of the result): NumPy functions and
        # ufuncs called on tensors give NumPy values; the operators give tensors.
        ("add", lambda t: np.add(t, 1), "ndarray"),
        ("multiply", lambda t: np.multiply(t, t), "ndarray"),
        ("matmul", lambda t: np.matmul(t, t), "ndarray"),
        ("exp", lambda t: np.exp(t), "ndarray"),
        ("sum", lambda t: np.sum(t), "float32"),
        ("where", lambda t: np.where(t > 0, 1, 0), "ndarray"),
        ("concatenate", lambda t: np.concatenate([t, t]), "ndarray"),
        ("array + tensor", lambda t: np.ones(2, np.float32) + t, "EagerTensor"),
        ("tensor + array", lambda t: t + np.ones(2, np.float32), "EagerTensor"),
        ("scalar + tensor", lambda t: np.float32(2.0) + t, "EagerTensor"),
        ("array < tensor", lambda t: np.zeros(2, np.float32) < t, "EagerTensor"),
    ],
)
def test_numpy_calls_on_tensors_return_what_tfs_return(name: str, call: Any, result: str) -> None:
    t = tf.constant([[1.0, -2.0], [3.0, 4.0]])
    assert type(call(t)).__name__ == result
