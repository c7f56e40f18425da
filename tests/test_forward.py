"""`autodiff.ForwardAccumulator` on plain torch tensors and Variables.

Expected values are closed-form derivatives (noted beside each), TF's answers to the
`ForwardAccumulator` docstring examples (printed in that docstring), or torch's own
`torch.func.jvp` / `torch.autograd.functional.hessian` as an independent reference.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import warnings

import pytest
import torch
import torch.autograd.forward_ad as fwAD

from tftape_torch import GradientTape, UnconnectedGradients, Variable, autodiff, custom_gradient
from tftape_torch._tensor import EagerTensor, as_eager

ForwardAccumulator = autodiff.ForwardAccumulator
ROOT = pathlib.Path(__file__).resolve().parent.parent


def _no_mode_left() -> bool:
    return not torch._C._is_torch_function_mode_enabled() and fwAD._current_level == -1


# ---------------------------------------------------------------------------
# Basics


def test_namespace():
    import tftape_torch as tf

    assert tf.autodiff.ForwardAccumulator is ForwardAccumulator
    assert tf.autodiff.GradientTape is GradientTape


def test_elementwise_jvp_during_and_after_the_block():
    x = torch.tensor([1.0, 2.0])
    with ForwardAccumulator(x, torch.tensor([1.0, 0.0])) as acc:
        y = x * x
        during = acc.jvp(y)
    assert during.tolist() == [2.0, 0.0]
    assert acc.jvp(y).tolist() == [2.0, 0.0]  # d(x^2) = 2x dx
    assert acc.jvp(x).tolist() == [1.0, 0.0]  # a primal's JVP is its tangent
    assert _no_mode_left()


def test_ops_after_the_block_have_no_jvp():
    x = torch.tensor([1.0, 2.0])
    with ForwardAccumulator(x, torch.tensor([1.0, 0.0])) as acc:
        y = x * x
    z = y * 2.0
    w = x * 3.0
    assert acc.jvp(z) is None and acc.jvp(w) is None
    assert acc.jvp(z, unconnected_gradients="zero").tolist() == [0.0, 0.0]
    assert fwAD.unpack_dual(y).tangent is None  # nothing lingers on the tensors


def test_matmul_jvp():
    x = torch.tensor([[2.0, 3.0], [1.0, 4.0]])
    w = torch.tensor([[1.0], [-1.0]])
    tangent = torch.tensor([[1.0], [0.0]])
    with ForwardAccumulator(w, tangent) as acc:
        y = torch.matmul(x, w)
        loss = ((y - torch.tensor([[1.0], [-1.0]])) ** 2).sum()
    assert acc.jvp(y).tolist() == [[2.0], [1.0]]  # x @ tangent
    # d loss = sum 2 (y - t) * (x @ tangent); y - t = [[-2], [-2]]
    assert acc.jvp(loss).item() == pytest.approx(2 * (-2 * 2 + -2 * 1))


@pytest.mark.parametrize(
    "fn",
    [
        lambda a, b: torch.sin(a) * torch.exp(b),
        lambda a, b: torch.tanh(a @ b.T).sum(dim=0),
        lambda a, b: torch.nn.functional.softplus(a - b) / (1 + b * b),
        lambda a, b: torch.cat([a, b]).cumsum(0)[::2] ** 3,
    ],
)
def test_matches_torch_func_jvp(fn):
    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(3, 4, generator=gen), torch.randn(3, 4, generator=gen)
    ta, tb = torch.randn(3, 4, generator=gen), torch.randn(3, 4, generator=gen)
    _, expected = torch.func.jvp(fn, (a, b), (ta, tb))
    with ForwardAccumulator([a, b], [ta, tb]) as acc:
        out = fn(a, b)
    torch.testing.assert_close(acc.jvp(out), expected)


def test_nested_structures_and_namedtuples():
    import collections

    Pair = collections.namedtuple("Pair", ["p", "q"])
    a, b = torch.tensor(2.0), torch.tensor(3.0)
    tangents = {"a": [torch.tensor(1.0)], "b": torch.tensor(10.0)}
    with ForwardAccumulator({"b": b, "a": [a]}, tangents) as acc:
        y = a * b
    out = acc.jvp(Pair(p=y, q={"a": a, "b": b}))
    assert isinstance(out, Pair)
    assert out.p.item() == 1.0 * 3.0 + 2.0 * 10.0
    assert (out.q["a"].item(), out.q["b"].item()) == (1.0, 10.0)


def test_unconnected_none_or_zero():
    x = torch.tensor([1.0, 2.0])
    with ForwardAccumulator(x, torch.tensor([1.0, 0.0])) as acc:
        y = torch.tensor(3.0) * 2.0
        z = torch.where(x > 1.0, 1.0, 0.0)
    assert acc.jvp(y) is None
    assert acc.jvp(y, unconnected_gradients=UnconnectedGradients.ZERO).item() == 0.0
    zero = acc.jvp([y, x], unconnected_gradients="zero")
    assert zero[0].shape == () and zero[1].tolist() == [1.0, 0.0]
    assert acc.jvp(z) is None


def test_integer_outputs_have_no_jvp():
    x = torch.tensor([1.0, 2.0])
    with ForwardAccumulator(x, torch.tensor([1.0, 0.0])) as acc:
        i = x.to(torch.int32)
        b = x > 1
    assert acc.jvp(i) is None and acc.jvp(b) is None


def test_stop_gradient_detach_has_no_jvp():
    x = torch.tensor([1.0, 2.0])
    with ForwardAccumulator(x, torch.tensor([1.0, 0.0])) as acc:
        y = x * x
        s = y.detach()
        i = y.view_as(y)
    assert acc.jvp(s) is None
    assert acc.jvp(i).tolist() == [2.0, 0.0]


def test_never_entered():
    x = torch.tensor([1.0, 2.0])
    acc = ForwardAccumulator(x, torch.tensor([1.0, 0.0]))
    y = x * x
    assert acc.jvp(y) is None
    assert acc.jvp(x).tolist() == [1.0, 0.0]


def test_reentering_keeps_tracking_earlier_results():
    x = torch.tensor([1.0, 2.0])
    acc = ForwardAccumulator(x, torch.tensor([1.0, 0.0]))
    with acc:
        y = x * x
    with acc:
        z = y * 3.0  # d(3 x^2) = 6 x dx
    after = y * 3.0
    assert acc.jvp(z).tolist() == [6.0, 0.0]
    assert acc.jvp(after) is None


def test_in_place_ops_update_the_jvp():
    x = torch.tensor([1.0, 2.0])
    with ForwardAccumulator(x, torch.tensor([1.0, 1.0])) as acc:
        y = x * 1.0
        y.mul_(x)  # y = x^2
    assert acc.jvp(y).tolist() == [2.0, 4.0]


def test_float64_and_eager_types():
    x = as_eager(torch.tensor([1.0, 2.0], dtype=torch.float64))
    with ForwardAccumulator(x, torch.tensor([1.0, 1.0], dtype=torch.float64)) as acc:
        y = torch.exp(x)
    jvp = acc.jvp(y)
    assert isinstance(jvp, EagerTensor) and jvp.dtype == torch.float64
    torch.testing.assert_close(
        jvp.as_subclass(torch.Tensor), torch.exp(torch.tensor([1.0, 2.0], dtype=torch.float64))
    )
    plain = torch.tensor(1.0)
    with ForwardAccumulator(plain, 2.0) as acc:  # a Python number converts to the primal's dtype
        out = plain * 3.0
    assert type(acc.jvp(out)) is torch.Tensor and acc.jvp(out).item() == 6.0


def test_primal_that_requires_grad_and_intermediate_primals():
    w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
    h = torch.tanh(w)  # an intermediate with history
    with ForwardAccumulator(h, torch.tensor([1.0, 1.0])) as acc:
        y = (h * h).sum()
    # d(sum h^2) = 2 h . dh
    assert acc.jvp(y).item() == pytest.approx(float(2 * h.detach().sum()), abs=1e-6)
    # ...and the backward graph through the dual views is intact
    (g,) = torch.autograd.grad(y, w)
    torch.testing.assert_close(g, 2 * h.detach() * (1 - h.detach() ** 2))


# ---------------------------------------------------------------------------
# Errors


def test_duplicate_primal_raises_value_error():
    x = torch.tensor(1.0)
    with pytest.raises(ValueError, match="was specified as a primal multiple times"):
        ForwardAccumulator([x, x], [torch.tensor(1.0), torch.tensor(1.0)])


def test_structure_mismatches():
    x, y = torch.tensor(1.0), torch.tensor(2.0)
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        ForwardAccumulator([x, y], [x])
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        ForwardAccumulator(x, [x])
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        ForwardAccumulator({"a": x}, {"b": x})
    with pytest.raises(TypeError, match="don't have the same nested structure"):
        ForwardAccumulator([x, y], (x, y))


def test_tangent_dtype_and_shape_mismatch_raise_value_error():
    x = torch.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype float64"):
        ForwardAccumulator(x, torch.tensor([1.0, 0.0], dtype=torch.float64))
    with pytest.raises(ValueError, match="shape"):
        ForwardAccumulator(x, torch.tensor([1.0, 0.0, 3.0]))
    with pytest.raises(ValueError, match="shape"):
        ForwardAccumulator(Variable([1.0, 2.0]), torch.tensor([1.0, 0.0, 3.0]))
    with pytest.raises(ValueError, match="unsupported type"):
        ForwardAccumulator(x, None)


def test_non_tensor_primal_and_target():
    with pytest.raises(AttributeError, match="'float' object has no attribute 'dtype'"):
        ForwardAccumulator(1.0, 1.0)
    acc = ForwardAccumulator(torch.tensor(1.0), torch.tensor(1.0))
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute '_id'"):
        acc.jvp(None)
    with pytest.raises(ValueError, match="'bogus' is not a valid UnconnectedGradients"):
        acc.jvp(torch.tensor(1.0), unconnected_gradients="bogus")


def test_reentering_while_recording_raises():
    acc = ForwardAccumulator(torch.tensor(1.0), torch.tensor(1.0))
    with acc:
        with pytest.raises(ValueError, match="Accumulator is already recording."):
            acc.__enter__()
    assert _no_mode_left()


def test_nesting_accumulators_is_not_supported():
    x = torch.tensor(1.1)
    with ForwardAccumulator(x, torch.tensor(1.0)):
        with pytest.raises(NotImplementedError, match="cannot be nested"):
            with ForwardAccumulator(x, torch.tensor(1.0)):
                pass
    assert _no_mode_left()


def test_exception_inside_the_block_cleans_up():
    x = torch.tensor(1.0)
    with pytest.raises(KeyError):
        with ForwardAccumulator(x, torch.tensor(1.0)) as acc:
            y = x * 2.0
            raise KeyError("boom")
    assert _no_mode_left()
    assert acc.jvp(y).item() == 2.0
    # a new accumulator works afterwards
    with ForwardAccumulator(x, torch.tensor(1.0)) as acc2:
        z = x * 5.0
    assert acc2.jvp(z).item() == 5.0


def test_integer_primal_warns_and_keeps_its_tangent():
    x = torch.tensor([1, 2], dtype=torch.int32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        acc = ForwardAccumulator(x, torch.tensor([1, 0], dtype=torch.int32))
    assert [str(w.message) for w in caught] == [
        "The dtype of the watched primal must be floating (e.g. tf.float32), got tf.int32"
    ]
    with acc:
        y = x * x
        z = x.to(torch.float32) * 2.0
    assert acc.jvp(x).tolist() == [1, 0] and acc.jvp(x).dtype == torch.int32
    assert acc.jvp(y) is None and acc.jvp(z) is None


# ---------------------------------------------------------------------------
# Variables


def test_variable_primal_reads_carry_the_tangent():
    v = Variable([1.0, 2.0])
    with ForwardAccumulator(v, torch.tensor([1.0, 0.0])) as acc:
        y = v * v
        r = v.read_value()
    assert acc.jvp(y).tolist() == [2.0, 0.0]
    assert acc.jvp(v).tolist() == [1.0, 0.0]
    assert acc.jvp(r).tolist() == [1.0, 0.0]
    assert not v.requires_grad


def test_variable_read_after_the_block_has_no_jvp():
    v = Variable([1.0, 2.0])
    with ForwardAccumulator(v, torch.tensor([1.0, 0.0])) as acc:
        pass
    y = v * v
    assert acc.jvp(y) is None and acc.jvp(v).tolist() == [1.0, 0.0]


def test_assign_inside_keeps_the_tangent():
    v = Variable([1.0, 2.0])
    with ForwardAccumulator(v, torch.tensor([1.0, 0.0])) as acc:
        v.assign([3.0, 4.0])
        y = v * v
    assert acc.jvp(y).tolist() == [6.0, 0.0]


def test_non_trainable_variable_primal():
    v = Variable([1.0, 2.0], trainable=False)
    with ForwardAccumulator(v, torch.tensor([1.0, 0.0])) as acc:
        y = v * v
    assert acc.jvp(y).tolist() == [2.0, 0.0]


def test_docstring_linear_regression_matches_backprop():
    x = torch.tensor([[2.0, 3.0], [1.0, 4.0]])
    targets = torch.tensor([[1.0], [-1.0]])
    kernel = Variable([[0.5], [-0.3]])
    bias = Variable([0.1])

    def loss_fn():
        return (((x @ kernel + bias) - targets) ** 2.0).sum()

    kernel_fprop = []
    for tangent in ([[1.0], [0.0]], [[0.0], [1.0]]):
        with ForwardAccumulator(kernel, torch.tensor(tangent)) as acc:
            kernel_fprop.append(acc.jvp(loss_fn()))
    with ForwardAccumulator(bias, torch.tensor([1.0])) as acc:
        bias_fprop = acc.jvp(loss_fn())
    with GradientTape() as tape:
        loss = loss_fn()
    kernel_grad, bias_grad = tape.gradient(loss, (kernel, bias))
    torch.testing.assert_close(
        kernel_grad.as_subclass(torch.Tensor), torch.stack(kernel_fprop)[:, None]
    )
    torch.testing.assert_close(
        bias_grad.as_subclass(torch.Tensor), bias_fprop[None].as_subclass(torch.Tensor)
    )


# ---------------------------------------------------------------------------
# With gradient tapes


def test_forward_over_backward_docstring_hvp():
    v = Variable([1.0, 2.0])
    with ForwardAccumulator(v, torch.tensor([1.0, 0.0])) as acc:
        with GradientTape() as tape:
            y = (v ** 3.0).sum()
        backward = tape.gradient(y, v)
    assert backward.tolist() == [3.0, 12.0]  # 3 v^2
    assert acc.jvp(backward).tolist() == [6.0, 0.0]  # 6 v * tangent


def test_forward_over_backward_with_a_watched_tensor():
    x = torch.tensor([1.0, 2.0])
    with ForwardAccumulator(x, torch.tensor([1.0, 0.0])) as acc:
        with GradientTape() as tape:
            tape.watch(x)
            y = (x ** 3.0).sum()
        g = tape.gradient(y, x)
    assert g.tolist() == [3.0, 12.0]
    assert acc.jvp(g).tolist() == [6.0, 0.0]
    assert acc.jvp(y).item() == 3.0
    assert not x.requires_grad


def test_gradient_after_the_accumulator_closed_has_no_jvp():
    x = torch.tensor([1.0, 2.0])
    with ForwardAccumulator(x, torch.tensor([1.0, 0.0])) as acc:
        with GradientTape() as tape:
            tape.watch(x)
            y = (x ** 3.0).sum()
    g = tape.gradient(y, x)
    assert g.tolist() == [3.0, 12.0] and acc.jvp(g) is None


def test_backward_over_forward():
    x = torch.tensor([1.0, 2.0])
    with GradientTape() as tape:
        tape.watch(x)
        with ForwardAccumulator(x, torch.tensor([1.0, 0.0])) as acc:
            y = (x ** 3.0).sum()
        jvp = acc.jvp(y)
    assert jvp.item() == 3.0  # 3 x0^2
    assert tape.gradient(jvp, x).tolist() == [6.0, 0.0]  # d/dx (3 x0^2)


def test_backward_over_forward_with_a_variable():
    v = Variable([1.0, 2.0])
    with GradientTape() as tape:
        with ForwardAccumulator(v, torch.tensor([0.0, 1.0])) as acc:
            y = (v ** 3.0).sum()
        jvp = acc.jvp(y)
    assert jvp.item() == 12.0
    assert tape.gradient(jvp, v).tolist() == [0.0, 12.0]


def test_jvp_with_respect_to_the_tangent_is_differentiable():
    x = torch.tensor([1.0, 2.0])
    t = torch.tensor([1.0, 1.0])
    with GradientTape() as tape:
        tape.watch(t)
        with ForwardAccumulator(x, t) as acc:
            y = (x ** 2).sum()
        jvp = acc.jvp(y)
    assert tape.gradient(jvp, t).tolist() == [2.0, 4.0]  # jvp = 2 x . t


def test_stop_recording_inside_the_accumulator():
    x = torch.tensor(2.0)
    with GradientTape() as tape:
        tape.watch(x)
        with ForwardAccumulator(x, torch.tensor(1.0)) as acc:
            with tape.stop_recording():
                y = x ** 3
        j = acc.jvp(y)
    assert j.item() == 12.0
    assert tape.gradient(j, x) is None


def test_tape_inside_the_accumulator_does_not_record_the_jvp_computation():
    x = torch.tensor([1.0, 2.0])
    with ForwardAccumulator(x, torch.tensor([1.0, 0.0])) as acc:
        with GradientTape() as tape:
            tape.watch(x)
            y = x * x
            j = acc.jvp(y)
        g = tape.gradient(j, x)
        later = acc.jvp(y)
    assert j.tolist() == [2.0, 0.0] and later.tolist() == [2.0, 0.0]
    assert g is None  # TF: tapes entered inside an accumulator ignore its JVPs


def test_hvp_matches_the_hessian():
    gen = torch.Generator().manual_seed(1)
    w1 = Variable(torch.randn(4, 3, generator=gen, dtype=torch.float64))
    w2 = Variable(torch.randn(3, 1, generator=gen, dtype=torch.float64))
    data = torch.randn(8, 4, generator=gen, dtype=torch.float64)
    vec = torch.randn(4, 3, generator=gen, dtype=torch.float64)

    def loss_of(a, b):
        return (torch.tanh(data @ a) @ b).pow(2).mean()

    with ForwardAccumulator(w1, vec) as acc:
        with GradientTape() as tape:
            loss = loss_of(w1, w2)
        grad = tape.gradient(loss, w1)
    hvp = acc.jvp(grad)
    w1_value, w2_value = torch.from_numpy(w1.numpy()), torch.from_numpy(w2.numpy())
    hessian = torch.autograd.functional.hessian(lambda a: loss_of(a, w2_value), w1_value)
    expected = (hessian.reshape(12, 12) @ vec.reshape(12)).reshape(4, 3)
    torch.testing.assert_close(hvp.as_subclass(torch.Tensor), expected)


def test_custom_gradient_under_accumulator_uses_the_true_derivative():
    @custom_gradient
    def square(x):
        return x * x, lambda dy: dy * 10.0

    x = torch.tensor(3.0)
    with ForwardAccumulator(x, torch.tensor(1.0)) as acc:
        y = square(x)
        z = y * 2.0
    # TF computes forward mode from the function's ops, not from grad_fn
    assert acc.jvp(y).item() == 6.0
    assert acc.jvp(z).item() == 12.0


def test_custom_gradient_under_accumulator_and_tape():
    @custom_gradient
    def square(x):
        return x * x, lambda dy: dy * 2.0 * x

    x = torch.tensor(3.0)
    with ForwardAccumulator(x, torch.tensor(1.0)) as acc:
        with GradientTape() as tape:
            tape.watch(x)
            y = square(x)
        g = tape.gradient(y, x)
    assert (y.item(), g.item()) == (9.0, 6.0)
    assert acc.jvp(y).item() == 6.0
    assert acc.jvp(g).item() == 2.0  # forward over the custom backward: d(2x)


# ---------------------------------------------------------------------------
# The example


def test_hessian_vector_product_example_runs():
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "hessian_vector_product.py"),
         "--size", "small", "--repeats", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "forward-over-backward and backward-over-backward agree" in out.stdout
    assert "full Hessian" in out.stdout


def test_a_structurally_zero_jvp_is_an_ordinary_tensor() -> None:
    # torch's forward derivative of `sgn` is an `_efficientzerotensor` (immutable, no
    # `.numpy()`, float64 after `+ 3.0` when 0-d). The JVP of abs's gradient, sign(x),
    # at 0.5 is 0 (TF gives None: see tests/fuzz/known_differences.md).
    import tftape_torch as tf

    x = tf.constant(0.5)
    with autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.abs(x)
        g = tape.gradient(y, x)
    t = acc.jvp(g)
    assert type(t) is EagerTensor and t.dtype == tf.float32 and float(t) == 0.0
    assert (t + 3.0).dtype == tf.float32 and t.numpy() == 0.0
