"""`custom_gradient`: TF's contract on plain torch tensors, Variables and nested tapes.

Expected values come from closed-form derivatives (noted beside each) or from the
examples in TF's `custom_gradient` docstring and autodiff guide, whose answers TF
prints there.
"""

from __future__ import annotations

import math

import pytest
import torch

from tftape_torch import GradientTape, Variable, custom_gradient
from tftape_torch._tensor import EagerTensor, as_eager


def _log1pexp_naive(x: torch.Tensor) -> torch.Tensor:
    return torch.log(1 + torch.exp(x))


@custom_gradient
def log1pexp(x):
    e = torch.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return torch.log(1 + e), grad


@custom_gradient
def clip_gradients(y):
    def backward(dy):
        norm = torch.linalg.vector_norm(dy)
        return dy * torch.clamp(0.5 / norm, max=1.0)

    return y, backward


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# ---------------------------------------------------------------------------
# The basic contract


def test_log1pexp_gradient_is_stable():
    x = torch.tensor(100.0)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        naive = _log1pexp_naive(x)
        y = log1pexp(x)
    assert torch.isnan(tape.gradient(naive, x))
    grad = tape.gradient(y, x)
    assert grad.dtype == torch.float32 and grad.shape == ()
    assert grad.item() == 1.0  # sigmoid(100) in float32
    assert math.isinf(y.item())  # exp(100) overflows float32, as in TF


def test_guide_clip_gradients_with_variable():
    v = Variable(2.0)
    with GradientTape() as tape:
        output = clip_gradients(v * v)
    # upstream 1.0 clipped to norm 0.5, times d(v*v)/dv = 4
    assert tape.gradient(output, v).item() == pytest.approx(2.0)


def test_two_inputs_docstring_example():
    @custom_gradient
    def bar(x, y):
        def grad(upstream):
            return upstream * y, upstream * x

        return x * y, grad

    x, y = torch.tensor(2.0), torch.tensor(3.0)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        tape.watch(y)
        z = bar(x, y)
    assert z.item() == 6.0
    assert tape.gradient(z, x).item() == 3.0
    assert tape.gradient(z, y).item() == 2.0


def test_the_custom_gradient_replaces_the_true_one():
    @custom_gradient
    def square_with_wrong_gradient(x):
        return x * x, lambda dy: dy * 10.0

    x = torch.tensor([1.0, 2.0])
    with GradientTape() as tape:
        tape.watch(x)
        y = square_with_wrong_gradient(x)
        loss = (y * torch.tensor([1.0, 3.0])).sum()
    assert tape.gradient(loss, x).tolist() == [10.0, 30.0]


def test_no_tape_returns_the_values_untouched():
    x = torch.tensor([1.0, 2.0])
    y = log1pexp(x)
    assert not y.requires_grad and y.grad_fn is None
    torch.testing.assert_close(y, _log1pexp_naive(x))


def test_unwatched_input_gives_none():
    x = torch.tensor(3.0)
    with GradientTape() as tape:
        y = log1pexp(x)
    assert tape.gradient(y, x) is None
    assert not x.requires_grad


def test_under_no_grad_nothing_is_recorded():
    x = torch.tensor(3.0, requires_grad=True)
    with torch.no_grad():
        y = log1pexp(x)
    assert y.grad_fn is None


def test_torch_leaf_requiring_grad_is_watched():
    x = torch.nn.Parameter(torch.tensor(1.0))
    with GradientTape() as tape:
        y = log1pexp(x)
    assert tape.gradient(y, x).item() == pytest.approx(_sigmoid(1.0))


def test_multiple_outputs_get_zero_upstream_when_unused():
    seen = []

    @custom_gradient
    def f(x):
        def grad(dy1, dy2):
            seen.append((dy1.item(), dy2.item()))
            return dy1 * 2.0 + dy2 * 3.0

        return (x * 2.0, x * 3.0), grad

    x = torch.tensor(1.0)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y1, y2 = f(x)
    assert tape.gradient(y1, x).item() == 2.0
    assert tape.gradient([y1, y2], x).item() == 5.0
    assert tape.gradient(y2, x).item() == 3.0
    assert seen == [(1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]


def test_nested_output_structure_is_kept_and_flattened_for_grad_fn():
    @custom_gradient
    def f(x):
        def grad(dy_a, dy_b):  # tf.nest order: keys sorted
            return dy_a * 2.0 + dy_b * 3.0

        return {"b": x * 3.0, "a": [x * 2.0]}, grad

    x = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        out = f(x)
    assert list(out) == ["b", "a"] and isinstance(out["a"], list)
    assert tape.gradient(out, x).item() == 5.0


def test_grad_fn_may_return_a_list_for_a_single_input():
    @custom_gradient
    def f(x):
        return x * 2.0, lambda dy: [dy * 5.0]

    x = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert tape.gradient(y, x).item() == 5.0


def test_grad_fn_returning_none_gives_none():
    @custom_gradient
    def f(x):
        return x * 2.0, lambda dy: None

    x = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert tape.gradient(y, x) is None


def test_grad_fn_returning_a_python_number_passes_through_as_in_tf():
    @custom_gradient
    def f(x):
        return x * 2.0, lambda dy: 5.0

    x = torch.tensor(1.0, dtype=torch.float64)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
        z = f(x * 3.0)
    assert tape.gradient(y, x) == 5.0 and type(tape.gradient(y, x)) is float
    # Flowing on through an op, the number is a tensor of the input's dtype.
    grad = tape.gradient(z, x)
    assert grad.dtype == torch.float64 and grad.item() == 15.0


def test_raw_gradient_is_not_restored_after_in_place_accumulation():
    # The engine may add a second gradient into the converted tensor in place: the
    # result is then the sum, not the raw gradient of one call.
    @custom_gradient
    def f(x):
        return x * 2.0, lambda dy: (dy * 2.0).to(torch.float64)

    x = torch.tensor(3.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x) + f(x)
    assert tape.gradient(y, x).item() == 4.0


def test_python_number_arguments_count_as_inputs():
    @custom_gradient
    def f(x, s):
        return x * s, lambda dy: (dy * s, None)

    x = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x, 2.0)
    assert tape.gradient(y, x).item() == 2.0


def test_keyword_arguments_get_no_gradient():
    @custom_gradient
    def f(x, scale=1.0):
        return x * scale, lambda dy: dy * scale

    x = torch.tensor(1.0)
    scale = torch.tensor(4.0)
    with GradientTape(persistent=True) as tape:
        tape.watch([x, scale])
        y = f(x, scale=scale)
    assert tape.gradient(y, x).item() == 4.0
    assert tape.gradient(y, scale) is None


def test_same_tensor_twice_sums_the_gradients():
    @custom_gradient
    def mul(a, b):
        return a * b, lambda dy: (dy * b, dy * a)

    x = torch.tensor(3.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = mul(x, x)
    assert tape.gradient(y, x).item() == 6.0


def test_decorator_with_parentheses_and_on_methods():
    class Model:
        factor = 3.0

        @custom_gradient
        def scale(self, x):
            return x * self.factor, lambda dy: dy * 100.0

    x = torch.tensor(1.0)
    model = Model()
    with GradientTape() as tape:
        tape.watch(x)
        y = model.scale(x)
    assert y.item() == 3.0
    assert tape.gradient(y, x).item() == 100.0
    assert Model.scale.__name__ == "scale"
    assert custom_gradient() is custom_gradient


def test_output_type_follows_the_result():
    x = as_eager(torch.tensor(1.0))
    with GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert isinstance(y, EagerTensor)
    assert isinstance(tape.gradient(y, x), EagerTensor)
    plain = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(plain)
        y = log1pexp(plain)
    assert type(y) is torch.Tensor and type(tape.gradient(y, plain)) is torch.Tensor


def test_upstream_is_eager_when_the_output_is():
    types = []

    @custom_gradient
    def f(x):
        def grad(dy):
            types.append(type(dy))
            return dy

        return x * 1.0, grad

    x = as_eager(torch.tensor(1.0))
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    tape.gradient(y, x)
    assert types == [EagerTensor]


# ---------------------------------------------------------------------------
# Errors, TF's classes and messages


def test_wrong_number_of_gradients_raises_value_error():
    @custom_gradient
    def f(x):
        return x * 2.0, lambda dy: (dy, dy)

    x = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    with pytest.raises(
        ValueError,
        match=r"custom_gradient function expected to return 1 gradients, but returned 2 instead\.",
    ):
        tape.gradient(y, x)


def test_too_few_gradients_counts_python_arguments():
    @custom_gradient
    def f(x, s):
        return x * s, lambda dy: dy * s

    x = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x, 2.0)
    with pytest.raises(ValueError, match="expected to return 2 gradients, but returned 1"):
        tape.gradient(y, x)


def test_grad_fn_without_variables_argument_raises_type_error_at_call():
    w = Variable(2.0)

    @custom_gradient
    def f(x):
        return x * w, lambda dy: dy * w

    message = "must accept keyword argument 'variables', since function uses variables"
    with pytest.raises(TypeError, match=message):
        f(torch.tensor(3.0))


def test_wrong_number_of_variable_gradients_raises_value_error():
    w = Variable(2.0)

    @custom_gradient
    def f(x):
        def grad(dy, variables=None):
            return dy * w, []

        return x * w, grad

    x = torch.tensor(3.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    message = "Must return gradient for each variable from @custom_gradient grad_fn."
    with pytest.raises(ValueError, match=message):
        tape.gradient(y, x)


def test_exceptions_in_grad_fn_keep_their_class():
    @custom_gradient
    def f(x):
        def grad(dy):
            raise KeyError("boom")

        return x * 2.0, grad

    x = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    with pytest.raises(KeyError):
        tape.gradient(y, x)


# ---------------------------------------------------------------------------
# Variables


weights_init = [1.0, 1.0]


def _linear_poly(weights):
    @custom_gradient
    def linear_poly(x):
        poly = weights[1] * x + weights[0]

        def grad_fn(dpoly, variables):
            assert variables is not None and len(variables) == 1 and variables[0] is weights
            dy_dw = dpoly * torch.stack([x ** 1, x ** 0])
            return dpoly * weights[1], [dy_dw.reshape(2, -1).sum(dim=1)]

        return poly, grad_fn

    return linear_poly


def test_docstring_linear_poly_with_variable():
    weights = Variable(torch.ones(2))
    linear_poly = _linear_poly(weights)
    x = torch.tensor([1.0, 2.0, 3.0])
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        poly = linear_poly(x)
    assert poly.tolist() == [2.0, 3.0, 4.0]
    assert tape.gradient(poly, x).tolist() == [1.0, 1.0, 1.0]
    assert tape.gradient(poly, weights).tolist() == [6.0, 3.0]
    assert list(tape.watched_variables()) == [weights]


def test_variable_gradient_without_watching_inputs():
    weights = Variable(torch.ones(2))
    linear_poly = _linear_poly(weights)
    with GradientTape() as tape:
        poly = linear_poly(torch.tensor([1.0, 2.0, 3.0]))
    assert tape.gradient(poly, weights).tolist() == [6.0, 3.0]


def test_variables_as_keyword_or_var_keyword_both_accepted():
    w = Variable(2.0)

    @custom_gradient
    def f(x):
        def grad(dy, **kwargs):
            (v,) = kwargs["variables"]
            assert v is w
            return dy * w, [dy * x]

        return x * w, grad

    x = torch.tensor(3.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    gx, gw = tape.gradient(y, [x, w])
    assert (gx.item(), gw.item()) == (2.0, 3.0)


def test_grad_fn_with_unused_variables_parameter_gets_none():
    received = []

    @custom_gradient
    def f(x):
        def grad(dy, variables=None):
            received.append(variables)
            return dy * 3.0

        return x * 2.0, grad

    x = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert tape.gradient(y, x).item() == 3.0
    assert received == [None]


def test_non_trainable_variables_are_not_passed():
    nt = Variable(5.0, trainable=False)

    @custom_gradient
    def f(x):
        return x * nt, lambda dy: dy * nt

    x = torch.tensor(3.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    gx, gnt = tape.gradient(y, [x, nt])
    assert gx.item() == 5.0 and gnt is None


def test_variable_argument_is_an_input_not_a_variable():
    w = Variable(2.0)

    @custom_gradient
    def f(v):
        return v * v, lambda dy: dy * 7.0

    with GradientTape() as tape:
        y = f(w)
    assert tape.gradient(y, w).item() == 7.0


def test_two_variables_in_first_read_order():
    w = Variable(2.0)
    v2 = Variable(1.5)

    @custom_gradient
    def f(x):
        def grad(dy, variables=None):
            assert [id(v) for v in variables] == [id(w), id(v2)]
            return dy * w * v2, [dy * 100.0, dy * 1000.0]

        return x * w * v2, grad

    x = torch.tensor(3.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert [g.item() for g in tape.gradient(y, [x, w, v2])] == [3.0, 100.0, 1000.0]


def test_variable_reads_do_not_leak_outside_tapes():
    w = Variable(torch.ones(2))
    linear_poly = _linear_poly(w)
    y = linear_poly(torch.tensor([1.0, 2.0]))
    assert not y.requires_grad and not w.requires_grad
    # The watcher is gone: a later tape sees ordinary reads only.
    with GradientTape() as tape:
        z = (w * w).sum()
    assert tape.gradient(z, w).tolist() == [2.0, 2.0]


def test_variable_read_before_the_tape_is_not_recorded():
    w = Variable(torch.ones(2))
    linear_poly = _linear_poly(w)
    y = linear_poly(torch.tensor([1.0, 2.0]))
    with GradientTape() as tape:
        z = y * 2.0
    assert tape.gradient(z, w) is None


def test_assign_after_recording_keeps_the_recorded_read():
    w = Variable(2.0)

    @custom_gradient
    def f(x):
        def grad(dy, variables):
            return dy * 0.0, [dy * w.read_value()]

        return x * w, grad

    x = torch.tensor(3.0)
    with GradientTape() as tape:
        y = f(x)
    w.assign(10.0)
    # grad_fn reads `w` when it runs: it sees the new value, as TF's would.
    assert tape.gradient(y, w).item() == 10.0


# ---------------------------------------------------------------------------
# Recording windows


def test_custom_gradient_inside_stop_recording_is_not_recorded():
    x = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = log1pexp(x)
    assert tape.gradient(y, x) is None


def test_custom_gradient_before_reset_is_forgotten():
    x = torch.tensor(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
        tape.reset()
        tape.watch(x)
        z = y + x
    assert tape.gradient(z, x).item() == 1.0


def test_custom_gradient_in_one_of_two_tapes():
    x = torch.tensor(1.0)
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = log1pexp(x)
        z = log1pexp(y)
    # outer saw both calls: chain rule through two custom gradients
    expected = _sigmoid(math.log1p(math.e)) * _sigmoid(1.0)
    assert outer.gradient(z, x).item() == pytest.approx(expected, rel=1e-6)
    assert inner.gradient(y, x).item() == pytest.approx(_sigmoid(1.0), rel=1e-6)


# ---------------------------------------------------------------------------
# Higher order


def test_second_derivative_through_log1pexp():
    x = torch.tensor(1.0)
    with GradientTape() as t2:
        t2.watch(x)
        with GradientTape() as t1:
            t1.watch(x)
            y = log1pexp(x)
        g = t1.gradient(y, x)
    gg = t2.gradient(g, x)
    s = _sigmoid(1.0)
    assert g.item() == pytest.approx(s, rel=1e-6)
    assert gg.item() == pytest.approx(s * (1 - s), rel=1e-5)


def test_second_derivative_uses_the_gradient_function():
    @custom_gradient
    def cube(x):
        def grad(dy):
            return dy * 3.0 * x * x

        return x * x * x, grad

    x = torch.tensor(2.0)
    with GradientTape() as t2:
        t2.watch(x)
        with GradientTape() as t1:
            t1.watch(x)
            y = cube(x)
        g = t1.gradient(y, x)
    assert g.item() == 12.0
    assert t2.gradient(g, x).item() == 12.0  # d/dx 3x^2 = 6x


def test_second_derivative_with_persistent_tapes_and_jacobian():
    @custom_gradient
    def cube(x):
        return x ** 3, lambda dy: dy * 3.0 * x ** 2

    x = torch.tensor([1.0, 2.0])
    with GradientTape(persistent=True) as t2:
        t2.watch(x)
        with GradientTape(persistent=True) as t1:
            t1.watch(x)
            y = cube(x).sum()
        g = t1.gradient(y, x)
    assert g.tolist() == [3.0, 12.0]
    hessian = t2.jacobian(g, x)
    assert hessian.tolist() == [[6.0, 0.0], [0.0, 12.0]]
    assert t2.gradient(g, x).tolist() == [6.0, 12.0]


def test_second_derivative_with_respect_to_a_variable():
    w = Variable(3.0)

    @custom_gradient
    def f(x):
        # y = w^2 x, dy/dx = w^2, dy/dw = 2 w x
        def grad(dy, variables):
            return dy * w * w, [dy * 2.0 * w * x]

        return w * w * x, grad

    x = torch.tensor(2.0)
    with GradientTape() as t2:
        t2.watch(x)
        with GradientTape() as t1:
            t1.watch(x)
            y = f(x)
        gx = t1.gradient(y, x)
    assert gx.item() == 9.0
    # d(w^2)/dw = 2w = 6 with the grad_fn's own read of w
    assert t2.gradient(gx, w).item() == 6.0


def test_grad_fn_on_another_thread_sees_the_calling_threads_tapes():
    # torch runs the backward of CUDA ops on a device thread: simulate one on CPU by
    # running the custom gradient's backward node from a helper thread.
    import threading

    w = Variable(3.0)

    @custom_gradient
    def f(x):
        def grad(dy, variables):
            return dy * w * w, [dy * 2.0 * w * x]

        return w * w * x, grad

    x = torch.tensor(2.0)
    out = {}
    with GradientTape() as t2:
        t2.watch(x)
        y = f(x)
        node = y.grad_fn
        with torch.enable_grad():
            worker = threading.Thread(
                target=lambda: out.update(grads=node.apply(torch.tensor(1.0)))
            )
            worker.start()
            worker.join()
        gx = out["grads"][1]
        gx = gx.view_as(gx)  # a node numbered on this thread, as the tape does for CUDA
    assert gx.item() == 9.0
    assert t2.gradient(gx, w).item() == 6.0  # w's read inside grad_fn was recorded by t2


def test_grad_fn_on_another_thread_sees_the_calling_threads_device_scope():
    # On CUDA a gradient function runs on torch's device thread; its constructors
    # (`tf.ones(...)`) must still follow the caller's `tf.device` scope, else they
    # make CPU tensors beside CUDA ones. Simulated on the CPU with a helper thread.
    import threading

    import tftape_torch as tf
    from tftape_torch._device import current_device

    seen = []

    @custom_gradient
    def f(x):
        def grad(dy):
            seen.append(current_device())
            return dy * 2.0

        return x * 2.0, grad

    x = torch.tensor(2.0)
    out = {}
    with tf.device("/CPU:0"):
        with GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        node = y.grad_fn
        worker = threading.Thread(target=lambda: out.update(grads=node.apply(torch.tensor(1.0))))
        worker.start()
        worker.join()
    assert seen == [torch.device("cpu")]  # not None: the helper thread has no scope
    assert out["grads"][1].item() == 2.0


def test_gradient_after_outer_closed_is_not_differentiable():
    x = torch.tensor(1.0)
    with GradientTape() as t2:
        t2.watch(x)
        with GradientTape() as t1:
            t1.watch(x)
            y = log1pexp(x)
    g = t1.gradient(y, x)
    assert not g.requires_grad
    assert t2.gradient(g, x) is None


def test_first_derivative_matches_finite_differences():
    @custom_gradient
    def softplus_sq(x):
        s = torch.nn.functional.softplus(x)

        def grad(dy):
            return dy * 2.0 * s * torch.sigmoid(x)

        return s * s, grad

    x = torch.tensor([-1.5, 0.3, 2.0], dtype=torch.float64)
    with GradientTape() as tape:
        tape.watch(x)
        y = softplus_sq(x).sum()
    grad = tape.gradient(y, x)
    eps = 1e-6
    numeric = torch.stack(
        [
            (
                torch.nn.functional.softplus(x + eps * e) ** 2
                - torch.nn.functional.softplus(x - eps * e) ** 2
            ).sum()
            / (2 * eps)
            for e in torch.eye(3, dtype=torch.float64)
        ]
    )
    torch.testing.assert_close(grad, numeric, rtol=1e-6, atol=1e-8)
