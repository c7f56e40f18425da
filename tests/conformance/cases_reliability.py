"""Reliability cases: the findings of issue 18 (adversarial probing against TF 2.21).

Each case is a function of a module `tf` (real TensorFlow or `tftape_torch`) written as
TF code. Answers live in `golden/cases_reliability.json`, recorded from TensorFlow 2.21
by `record.py`. Case names carry the issue-18 item they belong to:

* `case_i01_*` Variables (and watched tensors) packed into Python lists;
* `case_i02_*` complex gradients (TF's conjugation convention);
* `case_i03_*` ForwardAccumulator with and without a recording tape;
* `case_i04_*` a custom_gradient whose gradient function uses a custom_gradient;
* `case_i05_*` TF's `__getitem__` rules, its errors and its gradients;
* `case_i06_*` the recording-window leaks (stop_recording, watch-after-use,
  non-trainable Variables under several tapes, other threads);
* `case_i07_*` `unconnected_gradients='zero'` in a persistent tape's context, copies of
  Variables;
* `case_i08_*` tapes on several threads sharing one watched tensor (deterministic
  interleavings: a random stress test cannot be a strict xfail);
* `case_i09_*` a failed call followed by a correct call on a non-persistent tape;
* `case_i10_*` `watch()` with no recording tape;
* `case_i11_*` what a custom_gradient passes through unchanged;
* `case_i12_*` the Variable constructor;
* `case_i13_*` small results.

Complex values are returned as `[real, imag]` numpy arrays (the harness has no complex
form). Item 14 (nested ForwardAccumulators) is `cases_advanced.case_doc_fwd_nested_accumulators`.
"""

from __future__ import annotations

import copy
import threading

import numpy as np


def _c(t):
    """A complex tensor (or None) as `[real, imag]` numpy arrays."""
    if t is None:
        return None
    a = np.asarray(t.numpy())
    return [np.real(a).copy(), np.imag(a).copy()]


def _err(fn):
    """The class name of what `fn()` raises, or its result."""
    try:
        return {"result": fn()}
    except Exception as e:  # noqa: BLE001 - the class is the answer
        return {"error": type(e).__name__}


# ---------------------------------------------------------------------------
# Item 1: Variables packed into Python lists


def case_i01_reduce_sum_of_variable_list(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum([a, b])
    return tape.gradient(y, [a, b])


def case_i01_constant_times_variable_list(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.constant([1.0, 1.0]) * [a, b]
    return tape.gradient(y, [a, b])


def case_i01_variable_list_times_constant(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = [a, b] * tf.constant([3.0, 4.0])
    return tape.gradient(y, [a, b])


def case_i01_reduce_sum_of_mixed_list(tf):
    a = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum([a, 2.0, a])
    return tape.gradient(y, a)


def case_i01_nested_variable_list(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.constant([[1.0, 2.0], [3.0, 4.0]]) * [[a, b], [b, a]])
    return tape.gradient(y, [a, b])


def case_i01_convert_to_tensor_of_variable_list(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        t = tf.convert_to_tensor([a, b])
        y = tf.reduce_sum(t * t)
    return tape.gradient(y, [a, b])


def case_i01_watched_constants_in_list(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum([x, x * x])
    return tape.gradient(y, x)


def case_i01_variable_list_jacobian(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.constant([2.0, 3.0]) * [a, b]
    return tape.jacobian(y, [a, b])


def case_i01_matmul_with_variable_list(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.matmul([[a, b]], tf.constant([[1.0], [5.0]])))
    return tape.gradient(y, [a, b])


def case_i01_constant_of_variable_is_a_snapshot(tf):
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.constant(v) * 2.0
    return {"y": y, "grad": tape.gradient(y, v)}


def case_i01_constant_of_variable_list_is_a_snapshot(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.constant([a, b]) * 2.0)
    return {"y": y, "grad": tape.gradient(y, [a, b])}


def case_i01_constant_of_watched_tensor_is_a_snapshot(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.constant(x) * 2.0
    return tape.gradient(y, x)


# ---------------------------------------------------------------------------
# Item 2: complex gradients


def _complex_grad(tf, f, value=3.0 + 4.0j):
    x = tf.constant(value)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return _c(tape.gradient(y, x))


def case_i02_sqrt(tf):
    return _complex_grad(tf, tf.sqrt)


def case_i02_sqrt_complex64(tf):
    return _complex_grad(tf, tf.sqrt, np.complex64(3.0 + 4.0j))


def case_i02_exp(tf):
    return _complex_grad(tf, tf.exp, 0.5 + 0.25j)


def case_i02_log(tf):
    return _complex_grad(tf, tf.math.log)


def case_i02_sin(tf):
    return _complex_grad(tf, tf.sin, 0.5 + 0.25j)


def case_i02_cos(tf):
    return _complex_grad(tf, tf.cos, 0.5 + 0.25j)


def case_i02_tanh(tf):
    return _complex_grad(tf, tf.tanh, 0.5 + 0.25j)


def case_i02_sigmoid(tf):
    return _complex_grad(tf, tf.sigmoid, 0.5 + 0.25j)


def case_i02_square(tf):
    return _complex_grad(tf, tf.square)


def case_i02_mul_self(tf):
    return _complex_grad(tf, lambda x: x * x)


def case_i02_pow_int_exponent(tf):
    return _complex_grad(tf, lambda x: tf.pow(x, 3.0 + 0.0j))


def case_i02_pow_operator(tf):
    return _complex_grad(tf, lambda x: x ** (2.0 + 1.0j))


def case_i02_pow_exponent_gradient(tf):
    base = tf.constant(3.0 + 4.0j)
    return _complex_grad(tf, lambda y: base**y, 0.5 + 0.5j)


def case_i02_reciprocal(tf):
    return _complex_grad(tf, lambda x: 1.0 / x)


def case_i02_divide(tf):
    return _complex_grad(tf, lambda x: tf.divide(x, tf.constant(1.0 - 2.0j)))


def case_i02_divide_by_source(tf):
    return _complex_grad(tf, lambda x: tf.constant(1.0 - 2.0j) / x)


def case_i02_multiply_by_constant(tf):
    return _complex_grad(tf, lambda x: x * tf.constant(1.0 - 2.0j))


def case_i02_add_subtract(tf):
    return _complex_grad(tf, lambda x: (x + tf.constant(1.0j)) - 2.0 * x)


def case_i02_abs(tf):
    return _complex_grad(tf, tf.abs)


def case_i02_abs_squared(tf):
    return _complex_grad(tf, lambda x: tf.square(tf.abs(x)))


def case_i02_chain_sqrt_exp(tf):
    return _complex_grad(tf, lambda x: tf.exp(tf.sqrt(x)), 1.0 + 1.0j)


def case_i02_reduce_sum_vector(tf):
    x = tf.constant([1.0 + 2.0j, 3.0 - 1.0j])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.sqrt(x) * x)
    return _c(tape.gradient(y, x))


def case_i02_output_gradients(tf):
    x = tf.constant(3.0 + 4.0j)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sqrt(x)
    return _c(tape.gradient(y, x, output_gradients=tf.constant(1.0 + 1.0j)))


def case_i02_jacobian_sqrt(tf):
    x = tf.constant([3.0 + 4.0j, 1.0 + 1.0j])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sqrt(x)
    return _c(tape.jacobian(y, x))


def case_i02_jacobian_exp_times_x(tf):
    x = tf.constant([0.5 + 0.5j, 1.0 - 1.0j])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.exp(x) * x
    return {
        "pfor": _c(tape.jacobian(y, x)),
        "while_loop": _c(tape.jacobian(y, x, experimental_use_pfor=False)),
    }


def case_i02_variable_sqrt(tf):
    v = tf.Variable(3.0 + 4.0j)
    with tf.GradientTape() as tape:
        y = tf.sqrt(v)
    return _c(tape.gradient(y, v))


def case_i02_variable_log(tf):
    v = tf.Variable([1.0 + 1.0j, 2.0 - 1.0j])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.math.log(v))
    return _c(tape.gradient(y, v))


def case_i02_second_order_sqrt(tf):
    x = tf.constant(3.0 + 4.0j)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.sqrt(x)
        g = inner.gradient(y, x)
    return {"first": _c(g), "second": _c(outer.gradient(g, x))}


def case_i02_second_order_cube(tf):
    x = tf.constant(1.0 + 2.0j)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        g = inner.gradient(y, x)
    return {"first": _c(g), "second": _c(outer.gradient(g, x))}


def case_i02_second_order_exp(tf):
    x = tf.constant(0.5 + 1.0j)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.exp(x)
        g = inner.gradient(y, x)
    return {"first": _c(g), "second": _c(outer.gradient(g, x))}


def case_i02_forward_accumulator_sqrt(tf):
    x = tf.constant(3.0 + 4.0j)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0 + 0.0j)) as acc:
        y = tf.sqrt(x)
    return _c(acc.jvp(y))


# ---------------------------------------------------------------------------
# Item 3: ForwardAccumulator without (and with) a tape


def _jvp(tf, primal, tangent, f, with_tape=False):
    primal = tf.constant(primal)
    with tf.autodiff.ForwardAccumulator(primal, tf.constant(tangent)) as acc:
        if with_tape:
            with tf.GradientTape() as tape:
                tape.watch(primal)
                y = f(primal)
        else:
            y = f(primal)
    return acc.jvp(y)


def case_i03_maximum_tie_no_tape(tf):
    return _jvp(tf, 1.0, 1.0, lambda x: tf.maximum(x, tf.constant(1.0)))


def case_i03_maximum_tie_with_tape(tf):
    return _jvp(tf, 1.0, 1.0, lambda x: tf.maximum(x, tf.constant(1.0)), with_tape=True)


def case_i03_maximum_tie_second_argument_no_tape(tf):
    return _jvp(tf, 1.0, 1.0, lambda x: tf.maximum(tf.constant(1.0), x))


def case_i03_maximum_tie_both_no_tape(tf):
    return _jvp(tf, 1.0, 1.0, lambda x: tf.maximum(x, x))


def case_i03_minimum_tie_no_tape(tf):
    return _jvp(tf, [1.0, 2.0], [1.0, 1.0], lambda x: tf.minimum(x, tf.constant([1.0, 1.0])))


def case_i03_reduce_max_tie_no_tape(tf):
    return _jvp(tf, [1.0, 1.0, 0.0], [1.0, 2.0, 3.0], tf.reduce_max)


def case_i03_pow_zero_zero_base_no_tape(tf):
    return _jvp(tf, 0.0, 1.0, lambda x: tf.pow(x, tf.constant(0.0)))


def case_i03_pow_zero_zero_base_with_tape(tf):
    return _jvp(tf, 0.0, 1.0, lambda x: tf.pow(x, tf.constant(0.0)), with_tape=True)


def case_i03_pow_zero_zero_exponent_no_tape(tf):
    return _jvp(tf, 0.0, 1.0, lambda y: tf.pow(tf.constant(0.0), y))


def case_i03_pow_negative_base_exponent_no_tape(tf):
    return _jvp(tf, 2.0, 1.0, lambda y: tf.constant(-2.0) ** y)


def case_i03_pow_negative_base_exponent_with_tape(tf):
    return _jvp(tf, 2.0, 1.0, lambda y: tf.constant(-2.0) ** y, with_tape=True)


def case_i03_pow_negative_base_no_tape(tf):
    return _jvp(tf, -2.0, 1.0, lambda x: x**3.0)


def case_i03_pow_negative_base_both_no_tape(tf):
    return _jvp(tf, -2.0, 1.0, lambda x: x**x)


def case_i03_abs_at_zero_no_tape(tf):
    return _jvp(tf, [0.0, -1.0], [1.0, 1.0], tf.abs)


def case_i03_relu_at_zero_no_tape(tf):
    return _jvp(tf, [0.0, -1.0, 2.0], [1.0, 1.0, 1.0], tf.nn.relu)


def case_i03_sqrt_at_zero_no_tape(tf):
    return _jvp(tf, 0.0, 1.0, tf.sqrt)


def case_i03_sqrt_at_zero_with_tape(tf):
    return _jvp(tf, 0.0, 1.0, tf.sqrt, with_tape=True)


def case_i03_sqrt_at_zero_zero_tangent_no_tape(tf):
    return _jvp(tf, 0.0, 0.0, tf.sqrt)


def case_i03_where_nan_branch_no_tape(tf):
    return _jvp(tf, -1.0, 1.0, lambda x: tf.where(x > 0.0, tf.sqrt(x), x))


def case_i03_where_nan_branch_with_tape(tf):
    return _jvp(tf, -1.0, 1.0, lambda x: tf.where(x > 0.0, tf.sqrt(x), x), with_tape=True)


def case_i03_where_log_zero_no_tape(tf):
    return _jvp(tf, [0.0, 1.0], [1.0, 1.0], lambda x: tf.where(x > 0.0, tf.math.log(x), x))


def case_i03_divide_by_zero_no_tape(tf):
    return _jvp(tf, 0.0, 1.0, lambda x: 1.0 / x)


# ---------------------------------------------------------------------------
# Item 4: custom_gradient whose gradient function uses a custom_gradient


def _cube_with_custom_second(tf, second):
    @tf.custom_gradient
    def cube(x):
        def first_order(dy):
            @tf.custom_gradient
            def first(x_inner):
                def second_order(ddy):
                    return ddy * second

                return 3.0 * x_inner * x_inner, second_order

            return dy * first(x)

        return x * x * x, first_order

    return cube


def case_i04_custom_second_derivative(tf):
    cube = _cube_with_custom_second(tf, 100.0)
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = cube(x)
        g = inner.gradient(y, x)
    return {"y": y, "first": g, "second": outer.gradient(g, x)}


def case_i04_custom_second_derivative_persistent(tf):
    cube = _cube_with_custom_second(tf, -7.0)
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(x)
            y = cube(x)
        g = inner.gradient(y, x)
    return [g, outer.gradient(g, x)]


def case_i04_custom_second_derivative_variable(tf):
    cube = _cube_with_custom_second(tf, 100.0)
    v = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = cube(v)
        g = inner.gradient(y, v)
    return [g, outer.gradient(g, v)]


def case_i04_custom_second_derivative_uses_dy(tf):
    cube = _cube_with_custom_second(tf, 100.0)
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = 5.0 * cube(x)
        g = inner.gradient(y, x)
    return [g, outer.gradient(g, x)]


def case_i04_fused_backprop_doc_example(tf):
    # The tf.custom_gradient docstring's `op_with_fused_backprop`.
    @tf.custom_gradient
    def op_with_fused_backprop(x):
        y = x * x * x
        x_grad = 3.0 * x * x

        def first_order_gradient(dy):
            @tf.custom_gradient
            def first_order_custom(unused_x):
                def second_order_and_transpose(ddy):
                    return ddy * 6.0 * x + 1000.0

                return x_grad, second_order_and_transpose

            return dy * first_order_custom(x)

        return y, first_order_gradient

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(op_with_fused_backprop(x))
        g = inner.gradient(y, x)
    return [g, outer.gradient(g, x)]


def case_i04_grad_fn_is_itself_a_custom_gradient(tf):
    @tf.custom_gradient
    def f(x):
        @tf.custom_gradient
        def grad(dy):
            def grad2(ddy):
                return ddy * 100.0

            return dy * 3.0 * x * x, grad2

        return x * x * x, grad

    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    return [g, outer.gradient(g, x)]


def case_i04_custom_second_derivative_times_source(tf):
    cube = _cube_with_custom_second(tf, 100.0)
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = cube(x) * x
        g = inner.gradient(y, x)
    return [g, outer.gradient(g, x)]


# ---------------------------------------------------------------------------
# Item 5: TF's __getitem__ rules


def _m(tf):
    return tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def case_i05_list_index(tf):
    return _m(tf)[[0, 1]]


def case_i05_list_index_on_vector(tf):
    return tf.constant([1.0, 2.0, 3.0])[[1]]


def case_i05_tuple_index(tf):
    return _m(tf)[(1, 2)]


def case_i05_reverse_columns(tf):
    return _m(tf)[:, ::-1]


def case_i05_reverse_rows(tf):
    return _m(tf)[::-1]


def case_i05_negative_step_range(tf):
    return tf.constant([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])[4:0:-2]


def case_i05_strided(tf):
    return _m(tf)[:, ::2]


def case_i05_ellipsis(tf):
    return _m(tf)[..., 1]


def case_i05_ellipsis_leading_index(tf):
    return _m(tf)[1, ...]


def case_i05_newaxis(tf):
    return _m(tf)[tf.newaxis, :, 1]


def case_i05_newaxis_middle(tf):
    return tf.shape(_m(tf)[:, tf.newaxis, :])


def case_i05_none_index(tf):
    return tf.shape(_m(tf)[None, ..., None])


def case_i05_negative_indices(tf):
    x = _m(tf)
    return [x[-1], x[-1, -2], x[:, -1]]


def case_i05_slice_past_end_clamps(tf):
    return _m(tf)[1:100, -100:2]


def case_i05_tensor_index(tf):
    return _m(tf)[tf.constant(1)]


def case_i05_out_of_range(tf):
    return _m(tf)[5]


def case_i05_out_of_range_negative(tf):
    return _m(tf)[-3]


def case_i05_out_of_range_second_axis(tf):
    return _m(tf)[0, 3]


def case_i05_step_zero(tf):
    return _m(tf)[::0]


def case_i05_float_index(tf):
    return _m(tf)[1.0]


def case_i05_index_a_scalar(tf):
    return tf.constant(3.0)[0]


def case_i05_too_many_indices(tf):
    return _m(tf)[0, 0, 0]


def case_i05_item_assignment_on_constant(tf):
    c = tf.constant([1.0, 2.0])
    c[0] = 5.0
    return c


def case_i05_constant_unchanged_after_failed_assignment(tf):
    c = tf.constant([1.0, 2.0])
    try:
        c[0] = 5.0
    except TypeError:
        pass
    return c


def case_i05_variable_item_assign(tf):
    v = tf.Variable([1.0, 2.0, 3.0])
    v[0].assign(5.0)
    return v


def case_i05_variable_slice_assign(tf):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    v[:, 1].assign([7.0, 8.0])
    return v


def case_i05_variable_item_assign_add(tf):
    v = tf.Variable([1.0, 2.0, 3.0])
    v[1:].assign_add([10.0, 10.0])
    return v


def case_i05_variable_item_assignment_raises(tf):
    v = tf.Variable([1.0, 2.0])
    v[0] = 5.0
    return v


def case_i05_variable_list_index(tf):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    return v[[1, 0]]


def case_i05_grad_reverse_columns(tf):
    x = _m(tf)
    w = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x[:, ::-1] * w)
    return tape.gradient(y, x)


def case_i05_grad_strided_slice(tf):
    x = tf.constant([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x[5:0:-2] * tf.constant([1.0, 10.0, 100.0]))
    return tape.gradient(y, x)


def case_i05_grad_list_index(tf):
    x = _m(tf)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x[[0, 1]] * 3.0
    return tape.gradient(y, x)


def case_i05_grad_ellipsis_newaxis(tf):
    x = _m(tf)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x[tf.newaxis, ..., -1] * 2.0)
    return tape.gradient(y, x)


def case_i05_grad_variable_slice(tf):
    v = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v[1, ::-1] * tf.constant([1.0, 2.0, 3.0]))
    return tape.gradient(y, v)


def case_i05_jacobian_of_slice(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x[::-2]
    return tape.jacobian(y, x)


# ---------------------------------------------------------------------------
# Item 6: recording-window leaks


def case_i06_inner_tape_inside_outer_stop_recording(tf):
    c = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(c)
        a = c + c
        with outer.stop_recording():
            with tf.GradientTape(persistent=True) as inner:
                inner.watch(c)
                b = a * 3.0
    return {
        "inner": inner.gradient(b, c),
        "inner_zero": inner.gradient(b, c, unconnected_gradients=tf.UnconnectedGradients.ZERO),
        "outer": outer.gradient(b, c),
    }


def case_i06_inner_tape_after_outer_stop_recording(tf):
    c = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(c)
        a = c + c
        with outer.stop_recording():
            pass
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(c)
            b = a * 3.0
    return {
        "inner": inner.gradient(b, c),
        "inner_zero": inner.gradient(b, c, unconnected_gradients="zero"),
        "outer": outer.gradient(b, c),
    }


def case_i06_inner_tape_opened_in_stop_recording_jacobian(tf):
    c = tf.constant([2.0, 3.0])
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(c)
        a = c + c
        with outer.stop_recording():
            with tf.GradientTape(persistent=True) as inner:
                inner.watch(c)
                b = a * 3.0
    return {
        "jacobian": inner.jacobian(b, c),
        "jacobian_zero": inner.jacobian(b, c, unconnected_gradients="zero"),
    }


def case_i06_inner_tape_op_before_open_no_stop_recording(tf):
    c = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(c)
        a = c + c
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(c)
            b = a * 3.0
    return {"inner": inner.gradient(b, c), "outer": outer.gradient(b, c)}


def case_i06_watch_after_use_outer(tf):
    c2 = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(c2)
            a = c2 * 3.0
        outer.watch(c2)
    return {"outer": outer.gradient(a, c2), "inner": inner.gradient(a, c2)}


def case_i06_watch_after_use_outer_inside_inner(tf):
    c2 = tf.constant(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(c2)
            a = c2 * 3.0
            outer.watch(c2)
    return outer.gradient(a, c2)


def case_i06_watch_after_use_outer_identity_op(tf):
    c2 = tf.constant(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(c2)
            a = c2 * 3.0
        outer.watch(c2)
        b = a + 0.0
    return outer.gradient(b, c2)


def case_i06_reset_between_nested_tapes(tf):
    c = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(c)
        a = c + c
        outer.reset()
        outer.watch(c)
        with tf.GradientTape() as inner:
            inner.watch(c)
            b = a * 3.0
    return {"outer": outer.gradient(b, c), "inner": inner.gradient(b, c)}


def case_i06_stop_recording_op_then_inner_tape(tf):
    c = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(c)
        with outer.stop_recording():
            a = c + c
        with tf.GradientTape() as inner:
            inner.watch(c)
            b = a * 3.0
    return {"outer": outer.gradient(b, c), "inner": inner.gradient(b, c)}


def case_i06_watch_after_use_same_tape(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        a = x * 3.0
        tape.watch(x)
        b = a * x
    return tape.gradient(b, x)


def case_i06_watch_after_use_outer_later_op(tf):
    c2 = tf.constant(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(c2)
            a = c2 * 3.0
        outer.watch(c2)
        b = a * c2
    return outer.gradient(b, c2)


def case_i06_non_trainable_variable_leaks_into_inner(tf):
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as outer:
        outer.watch(v)
        with tf.GradientTape() as inner:
            s = v * 1.0
            y = -s
        g = inner.gradient(y, s)
    return {"inner": g, "outer": outer.gradient(y, v)}


def case_i06_non_trainable_variable_issue_form(tf):
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as outer:
        outer.watch(v)
        with tf.GradientTape() as inner:
            y = -(v * 1.0)
        g = inner.gradient(y, v * 1.0)
    return g


def case_i06_non_trainable_variable_inner_gradient_of_variable(tf):
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(v)
        with tf.GradientTape(persistent=True) as inner:
            y = v * v
    return {"inner": inner.gradient(y, v), "outer": outer.gradient(y, v)}


def case_i06_watched_constant_leaks_into_inner(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            s = x * 1.0
            y = -s
        g = inner.gradient(y, s)
    return {"inner": g, "outer": outer.gradient(y, x)}


def _in_thread(fn):
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as e:  # noqa: BLE001
            out["error"] = type(e).__name__

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in out:
        raise RuntimeError(out["error"])
    return out["value"]


def case_i06_op_on_other_thread_not_recorded(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _in_thread(lambda: x * 3.0)
    return tape.gradient(y, x)


def case_i06_op_on_other_thread_then_main(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = _in_thread(lambda: x * x)
        y = z * x
    return {"y": y, "grad": tape.gradient(y, x)}


def case_i06_op_on_other_thread_variable(tf):
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = _in_thread(lambda: v * v)
    return {"grad": tape.gradient(y, v), "n_watched": len(tape.watched_variables())}


def case_i06_other_thread_result_is_a_constant(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = _in_thread(lambda: x * x)
    with tf.GradientTape() as tape2:
        y = z * 2.0
    return {"first": tape.gradient(z, x), "second": tape2.gradient(y, z)}


def case_i06_tape_on_other_thread(tf):
    x = tf.constant(2.0)

    def other():
        with tf.GradientTape() as t:
            t.watch(x)
            y = x * x
        return t.gradient(y, x)

    with tf.GradientTape() as tape:
        tape.watch(x)
        g_other = _in_thread(other)
        y = x * 5.0
    return {"other": g_other, "main": tape.gradient(y, x)}


# ---------------------------------------------------------------------------
# Item 7: zero unconnected gradients inside a persistent tape; copies of Variables


def case_i07_zero_unconnected_inside_persistent_context(tf):
    v = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.constant(1.0) * 2.0
        g = tape.gradient(y, v, unconnected_gradients="zero")
    return {"grad": g, "n_watched": len(tape.watched_variables())}


def case_i07_zero_unconnected_inside_persistent_context_enum(tf):
    v = tf.Variable([1.0, 2.0])
    w = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = w * 2.0
        g = tape.gradient(y, [v, w], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return {"grad": g, "watched": [u is v for u in tape.watched_variables()]}


def case_i07_zero_unconnected_after_persistent_context(tf):
    v = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.constant(1.0) * 2.0
    g = tape.gradient(y, v, unconnected_gradients="zero")
    return {"grad": g, "n_watched": len(tape.watched_variables())}


def case_i07_none_unconnected_inside_persistent_context(tf):
    v = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.constant(1.0) * 2.0
        g = tape.gradient(y, v)
    return {"grad": g, "n_watched": len(tape.watched_variables())}


def case_i07_copy_shares_state(tf):
    v = tf.Variable([1.0, 2.0])
    c = copy.copy(v)
    c.assign([5.0, 6.0])
    return {"v": v, "c": c, "trainable": c.trainable}


def case_i07_copy_original_assign_visible(tf):
    v = tf.Variable(1.0)
    c = copy.copy(v)
    v.assign_add(2.0)
    return c


def case_i07_deepcopy_independent(tf):
    v = tf.Variable([1.0, 2.0])
    d = copy.deepcopy(v)
    d.assign([5.0, 6.0])
    return {"v": v, "d": d, "trainable": d.trainable, "dtype": d.dtype}


def case_i07_deepcopy_non_trainable(tf):
    v = tf.Variable(1.0, trainable=False)
    d = copy.deepcopy(v)
    return {"d": d, "trainable": d.trainable}


def case_i07_deepcopy_gradient(tf):
    v = tf.Variable(3.0)
    d = copy.deepcopy(v)
    with tf.GradientTape() as tape:
        y = d * d
    return tape.gradient(y, [d, v])


def case_i07_copy_gradient(tf):
    v = tf.Variable(3.0)
    c = copy.copy(v)
    with tf.GradientTape(persistent=True) as tape:
        y = c * c
    return {"c": tape.gradient(y, c), "v": tape.gradient(y, v)}


# ---------------------------------------------------------------------------
# Item 8: tapes on several threads sharing one watched constant


class _OtherThreadTape:
    """A tape on another thread that watches `x` and records `x * x * 2`; its steps run
    one at a time, when the main thread asks, so the interleaving is deterministic."""

    def __init__(self, tf, x):
        self.result = {}
        self._go = [threading.Event() for _ in range(3)]
        self._done = [threading.Event() for _ in range(3)]
        self._thread = threading.Thread(target=self._run, args=(tf, x))
        self._thread.start()

    def _run(self, tf, x):
        try:
            self._go[0].wait()
            with tf.GradientTape() as tape:
                tape.watch(x)
                self._done[0].set()
                self._go[1].wait()
                y = x * x * 2.0
                self._done[1].set()
                self._go[2].wait()
            self.result["grad"] = tape.gradient(y, x)
        except Exception as e:  # noqa: BLE001
            self.result["error"] = type(e).__name__
        finally:
            for event in self._done:
                event.set()

    def step(self, i):
        self._go[i].set()
        self._done[i].wait()

    def finish(self):
        for i in range(3):
            self.step(i)
        self._thread.join()
        return self.result


def case_i08_other_thread_watches_first_exits_last(tf):
    x = tf.constant(3.0)
    other = _OtherThreadTape(tf, x)
    other.step(0)  # the other thread's tape watches x first
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    other.step(1)
    other.step(2)  # ... and lets go of it after this tape exited
    main = _err(lambda: tape.gradient(y, x))
    return {"main": main, "other": other.finish()}


def case_i08_main_watches_first_other_exits_before_gradient(tf):
    x = tf.constant(3.0)
    other = _OtherThreadTape(tf, x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        other.step(0)
        y = x * x
        other.step(1)
    other.step(2)  # the other tape exits (and computes) before this one's gradient()
    main = _err(lambda: tape.gradient(y, x))
    return {"main": main, "other": other.finish()}


def case_i08_other_thread_exits_inside_main_tape(tf):
    x = tf.constant(3.0)
    other = _OtherThreadTape(tf, x)
    other.step(0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        other.step(1)
        other.step(2)  # the other tape exits while this one still records
        y = x * x
    main = _err(lambda: tape.gradient(y, x))
    return {"main": main, "other": other.finish()}


def case_i08_variable_shared_by_threads(tf):
    v = tf.Variable(3.0)
    out = {}

    def other():
        with tf.GradientTape() as t:
            y = v * v * 2.0
        out["other"] = t.gradient(y, v)

    with tf.GradientTape() as tape:
        y = v * v
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    return {"main": tape.gradient(y, v), "other": out["other"]}


# ---------------------------------------------------------------------------
# Item 9: a failed call does not use up a non-persistent tape


def _after_failure(tf, bad):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    try:
        bad(tape, x, y)
        first = None
    except Exception as e:  # noqa: BLE001
        first = type(e).__name__
    return {"first": first, "second": tape.gradient(y, x)}


def case_i09_string_source(tf):
    return _after_failure(tf, lambda tape, x, y: tape.gradient(y, "x"))


def case_i09_none_source(tf):
    return _after_failure(tf, lambda tape, x, y: tape.gradient(y, None))


def case_i09_float_source(tf):
    return _after_failure(tf, lambda tape, x, y: tape.gradient(y, 1.0))


def case_i09_none_in_source_list(tf):
    return _after_failure(tf, lambda tape, x, y: tape.gradient(y, [x, None]))


def case_i09_string_target(tf):
    return _after_failure(tf, lambda tape, x, y: tape.gradient("y", x))


def case_i09_bad_unconnected_gradients(tf):
    return _after_failure(tf, lambda tape, x, y: tape.gradient(y, x, unconnected_gradients="one"))


def case_i09_bad_jacobian_source(tf):
    return _after_failure(tf, lambda tape, x, y: tape.jacobian(y, "x"))


def case_i09_jacobian_parallel_iterations_zero(tf):
    return _after_failure(tf, lambda tape, x, y: tape.jacobian(y, x, parallel_iterations=0))


def case_i09_jacobian_without_pfor_on_non_persistent_tape(tf):
    return _after_failure(tf, lambda tape, x, y: tape.jacobian(y, x, experimental_use_pfor=False))


def case_i09_then_jacobian(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    try:
        tape.gradient(y, "x")
        first = None
    except Exception as e:  # noqa: BLE001
        first = type(e).__name__
    return {"first": first, "second": tape.jacobian(y, x)}


def case_i09_then_third_call_raises(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    try:
        tape.gradient(y, None)
    except Exception:  # noqa: BLE001
        pass
    second = tape.gradient(y, x)
    try:
        tape.gradient(y, x)
        third = None
    except Exception as e:  # noqa: BLE001
        third = type(e).__name__
    return {"second": second, "third": third}


# ---------------------------------------------------------------------------
# Item 10: watch() with no recording tape


def case_i10_watch_inside_stop_recording(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            tape.watch(x)
        y = x * x
    return tape.gradient(y, x)


def case_i10_watch_inside_stop_recording_persistent(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        with tape.stop_recording():
            tape.watch(x)
        y = x * x
    return {"y": tape.gradient(y, x), "x": tape.gradient(x, x)}


def case_i10_watch_variable_inside_stop_recording(tf):
    v = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            tape.watch(v)
        y = v * v
    return {"grad": tape.gradient(y, v), "n_watched": len(tape.watched_variables())}


def case_i10_watch_after_exit(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
    tape.watch(x)
    return {"y": tape.gradient(y, x), "x": tape.gradient(x, x)}


def case_i10_watch_variable_after_exit(tf):
    v = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as tape:
        pass
    tape.watch(v)
    return len(tape.watched_variables())


def case_i10_watch_before_enter(tf):
    x = tf.constant(3.0)
    tape = tf.GradientTape()
    tape.watch(x)
    with tape:
        y = x * x
    return tape.gradient(y, x)


def case_i10_watch_before_enter_error_class(tf):
    x = tf.constant(3.0)
    tape = tf.GradientTape()
    return _err(lambda: tape.watch(x))


# ---------------------------------------------------------------------------
# Item 11: what custom_gradient passes through


def case_i11_gradient_of_other_shape(tf):
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            return tf.ones([5]) * dy

        return x * 2.0, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def case_i11_gradient_of_other_dtype(tf):
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            return tf.constant(2.0, dtype=tf.float64)

        return x * 2.0, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def case_i11_integer_output(tf):
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            return tf.constant(1.0)

        return tf.cast(x, tf.int32), grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def case_i11_integer_input_and_output(tf):
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            return dy

        return x * 2, grad

    x = tf.constant(3)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def case_i11_python_number_gradient(tf):
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            return 2.0

        return x * 2.0, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    g = tape.gradient(y, x)
    return {"grad": g, "is_tensor": tf.is_tensor(g)}


def case_i11_python_int_gradient(tf):
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            return 2

        return x * 2.0, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    g = tape.gradient(y, x)
    return {"grad": g, "is_tensor": tf.is_tensor(g)}


def case_i11_gradient_of_other_shape_then_op(tf):
    @tf.custom_gradient
    def f(x):
        def grad(dy):
            return tf.ones([2]) * dy

        return x * 2.0, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x) * 4.0
    return tape.gradient(y, x)


# ---------------------------------------------------------------------------
# Item 12: the Variable constructor


def case_i12_trainable_none(tf):
    v = tf.Variable(2.0, trainable=None)
    with tf.GradientTape() as tape:
        y = v * v
    return {"trainable": v.trainable, "grad": tape.gradient(y, v)}


def case_i12_dtype_string(tf):
    v = tf.Variable(1.0, dtype="float64")
    return {"v": v, "dtype": v.dtype}


def case_i12_dtype_numpy(tf):
    v = tf.Variable(1.0, dtype=np.float64)
    return {"v": v, "dtype": v.dtype}


def case_i12_dtype_numpy_int(tf):
    v = tf.Variable(3, dtype=np.int64)
    return {"v": v, "dtype": v.dtype}


def case_i12_shape_honoured(tf):
    v = tf.Variable([1.0, 2.0], shape=[2])
    return {"v": v, "shape": v.shape}


def case_i12_shape_none_dimension(tf):
    v = tf.Variable([1.0, 2.0], shape=[None])
    v.assign([1.0, 2.0, 3.0])
    return {"v": v, "shape": v.shape}


def case_i12_shape_unknown_rank(tf):
    v = tf.Variable([1.0, 2.0], shape=tf.TensorShape(None))
    v.assign([[1.0], [2.0]])
    return {"v": v, "rank_known": v.shape.rank is not None}


def case_i12_shape_mismatch(tf):
    return tf.Variable([1.0, 2.0], shape=[3])


def case_i12_shape_none_assign_other_rank(tf):
    v = tf.Variable([1.0, 2.0], shape=[None])
    v.assign([[1.0]])
    return v


def case_i12_fixed_shape_assign_other_shape(tf):
    v = tf.Variable([1.0, 2.0])
    v.assign([1.0, 2.0, 3.0])
    return v


def case_i12_tensor_initial_value_other_dtype(tf):
    return tf.Variable(tf.constant(1.0), dtype=tf.float64)


def case_i12_tensor_initial_value_int_to_float(tf):
    return tf.Variable(tf.constant(1), dtype=tf.float32)


def case_i12_python_value_dtype_cast(tf):
    v = tf.Variable(1, dtype=tf.float32)
    return {"v": v, "dtype": v.dtype}


def case_i12_name_not_a_string(tf):
    return tf.Variable(1.0, name=3)


def case_i12_name_string(tf):
    v = tf.Variable(1.0, name="weights")
    return v.name


# ---------------------------------------------------------------------------
# Item 13: small results


def case_i13_reduce_max_empty(tf):
    x = tf.zeros([0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_max(x)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_i13_reduce_min_empty(tf):
    x = tf.zeros([0, 2])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_min(x, axis=0)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_i13_reduce_sum_empty(tf):
    x = tf.zeros([0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x)
    return tape.gradient(y, x)


def case_i13_assign_read_value_false(tf):
    v = tf.Variable(1.0)
    return {
        "assign": v.assign(2.0, read_value=False),
        "assign_add": v.assign_add(1.0, read_value=False),
        "assign_sub": v.assign_sub(0.5, read_value=False),
        "v": v,
    }


def case_i13_assign_read_value_true(tf):
    v = tf.Variable(1.0)
    return v.assign(2.0)


def _grad_with_output_gradients(tf, og):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 3.0
    return tape.gradient(y, x, output_gradients=og)


def case_i13_output_gradients_wrong_shape(tf):
    return _grad_with_output_gradients(tf, tf.constant([1.0, 2.0, 3.0]))


def case_i13_output_gradients_wrong_shape_through_square(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    return tape.gradient(y, x, output_gradients=tf.constant([1.0, 2.0, 3.0]))


def case_i13_output_gradients_wrong_shape_through_sin(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sin(x)
    return tape.gradient(y, x, output_gradients=tf.constant([[1.0], [2.0]]))


def case_i13_output_gradients_broadcastable_shape(tf):
    return _grad_with_output_gradients(tf, tf.constant(2.0))


def case_i13_output_gradients_python_int(tf):
    return _grad_with_output_gradients(tf, 2)


def case_i13_output_gradients_float64_array(tf):
    return _grad_with_output_gradients(tf, np.array([1.0, 2.0]))


def case_i13_output_gradients_python_float_list(tf):
    return _grad_with_output_gradients(tf, [1.0, 2.0])


def case_i13_bool_of_vector(tf):
    return bool(tf.constant([1.0, 2.0]))


def case_i13_bool_of_scalar(tf):
    return [bool(tf.constant(1.0)), bool(tf.constant(0.0)), bool(tf.constant([3.0]))]


def case_i13_hash_tensor(tf):
    return hash(tf.constant(1.0))


def case_i13_tensor_in_set(tf):
    return len({tf.constant(1.0)})


def case_i13_tensor_as_dict_key(tf):
    return len({tf.constant(1.0): 1})


def case_i13_variable_hash(tf):
    v = tf.Variable(1.0)
    return len({v, v})


def case_i13_batch_jacobian_numpy_scalar(tf):
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    return tape.batch_jacobian(y, np.float32(1.0))


def case_i13_batch_jacobian_scalar_target(tf):
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x)
    return tape.batch_jacobian(y, x)


def case_i13_float_of_one_element_vector(tf):
    return float(tf.constant([2.0]))


def case_i13_float_of_scalar(tf):
    return [float(tf.constant(2.5)), int(tf.constant(3))]


def case_i13_int_of_one_element_vector(tf):
    return int(tf.constant([2]))


def case_i13_bool_plus_int(tf):
    return tf.constant(True) + 1


def case_i13_bool_plus_bool(tf):
    return tf.constant(True) + tf.constant(False)


def case_i13_index_errors(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    return {
        "out_of_range": _err(lambda: x[2]),
        "step_zero": _err(lambda: x[::0]),
        "float_index": _err(lambda: x[0.5]),
        "index_scalar": _err(lambda: tf.constant(1.0)[0]),
        "string_index": _err(lambda: x["a"]),
    }


# ---------------------------------------------------------------------------
# More coverage for items 2, 3, 4 and 11 (added with their fixes)


def case_i02_pow_complex_exponent_zero_second_order(tf):
    x = tf.constant(0.7 + 0.4j)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x**0
        g = inner.gradient(y, x)
    return [_c(g), _c(outer.gradient(g, x))]


def case_i02_pow_complex_at_zero(tf):
    return _complex_grad(tf, lambda x: x ** tf.constant(2.0 + 0.0j), 0.0j)


def case_i02_complex_python_base(tf):
    return _complex_grad(tf, lambda y: (1.0 + 2.0j) ** y, 0.5 + 0.5j)


def case_i02_sqrt_forward_over_backward(tf):
    x = tf.constant(0.7 + 0.4j)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(0.3 - 0.8j)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.sqrt(x)
        g = tape.gradient(y, x)
    return [_c(g), _c(acc.jvp(g))]


def case_i02_divide_complex_jvp(tf):
    x = tf.constant(1.0 + 2.0j)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(0.5 + 1.0j)) as acc:
        y = tf.constant(3.0 - 1.0j) / x
    return _c(acc.jvp(y))


def case_i03_reciprocal_at_zero_with_tape(tf):
    return _jvp(tf, 0.0, 1.0, lambda x: 1.0 / x, with_tape=True)


def case_i03_divide_numerator_no_tape(tf):
    return _jvp(tf, 1.0, 1.0, lambda x: tf.divide(x, 0.0))


def case_i03_pow_negative_exponent_at_zero(tf):
    return _jvp(tf, 0.0, 1.0, lambda x: tf.pow(x, tf.constant(-1.0)), with_tape=True)


def case_i03_python_base_zero(tf):
    return _jvp(tf, 0.0, 1.0, lambda y: 0.0**y)


def case_i03_python_base_negative(tf):
    return _jvp(tf, 2.0, 1.0, lambda y: (-2.0) ** y)


def case_i03_python_exponent_zero(tf):
    return _jvp(tf, 0.0, 1.0, lambda x: x**0)


def case_i03_self_power_zero_tangent(tf):
    return _jvp(tf, 0.0, 0.0, lambda x: x**x)


def case_i03_sqrt_at_zero_zero_tangent_tensor(tf):
    return _jvp(tf, [0.0, 4.0], [0.0, 0.0], tf.sqrt)


def case_i03_maximum_python_operand_variable(tf):
    v = tf.Variable(1.0)
    with tf.autodiff.ForwardAccumulator(v, tf.constant(1.0)) as acc:
        y = tf.maximum(v, 1.0)
    return acc.jvp(y)


def case_i03_backward_over_forward_pow(tf):
    x = tf.constant(0.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
            y = x ** tf.constant(0.5)
        j = acc.jvp(y)
    return [j, tape.gradient(j, x)]


def _nested_gradients(tf, f, x, order, persistent=False):
    """`f(x)` and its derivatives up to `order`, one tape per order."""
    x = tf.constant(x)
    tapes = [tf.GradientTape(persistent=persistent) for _ in range(order)]
    for tape in tapes:
        tape.__enter__()
        tape.watch(x)
    g = f(x)
    out = [g]
    for tape in reversed(tapes):
        tape.__exit__(None, None, None)
        g = tape.gradient(g, x)
        out.append(g)
    return out


def _cube_with_custom_third(tf, second, third):
    @tf.custom_gradient
    def cube(x):
        def first_order(dy):
            @tf.custom_gradient
            def first(x_inner):
                def second_order(ddy):
                    @tf.custom_gradient
                    def sec(x_third):
                        return second * x_third, lambda dddy: dddy * third

                    return ddy * sec(x_inner)

                return 3.0 * x_inner * x_inner, second_order

            return dy * first(x)

        return x * x * x, first_order

    return cube


def case_i04_third_order(tf):
    return _nested_gradients(tf, _cube_with_custom_third(tf, 100.0, 7.0), 2.0, 3)


def case_i04_third_order_persistent(tf):
    return _nested_gradients(tf, _cube_with_custom_third(tf, 100.0, 7.0), 2.0, 3, True)


def case_i04_fourth_order(tf):
    return _nested_gradients(tf, _cube_with_custom_third(tf, 100.0, 7.0), 2.0, 4)


def case_i04_third_order_times_source(tf):
    cube = _cube_with_custom_third(tf, 100.0, 7.0)
    return _nested_gradients(tf, lambda x: cube(x) * x, 2.0, 3)


def case_i04_persistent_gradient_twice(tf):
    cube = _cube_with_custom_second(tf, 100.0)
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(x)
            y = cube(x)
        g1 = inner.gradient(y, x)
        g2 = inner.gradient(y, x)
    return [g1, g2, outer.gradient(g1, x), outer.gradient([g1, g2], x)]


def case_i04_jacobian_of_custom_gradient(tf):
    cube = _cube_with_custom_second(tf, 100.0)
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(cube(x))
        g = inner.gradient(y, x)
    return outer.jacobian(g, x)


def case_i04_variable_third_order(tf):
    cube = _cube_with_custom_third(tf, 100.0, 7.0)
    v = tf.Variable(2.0)
    with tf.GradientTape() as a:
        with tf.GradientTape() as b:
            with tf.GradientTape() as c:
                y = cube(v)
            g1 = c.gradient(y, v)
        g2 = b.gradient(g1, v)
    return [g1, g2, a.gradient(g2, v)]


def case_i04_forward_over_custom_second(tf):
    cube = _cube_with_custom_second(tf, 100.0)
    x = tf.constant(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = cube(x)
        g = tape.gradient(y, x)
    return [g, acc.jvp(g)]


def _raw_gradient(tf, grad_fn, how):
    @tf.custom_gradient
    def f(x):
        return x * 2.0, grad_fn

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x) if how == "once" else f(x) + f(x)
    g = tape.gradient(y, x)
    return {"grad": g, "is_tensor": tf.is_tensor(g)}


def case_i11_other_shape_through_intermediate(tf):
    @tf.custom_gradient
    def f(x):
        return x * 2.0, lambda dy: tf.ones([3]) * dy

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x * 3.0)
    return tape.gradient(y, x)


def case_i11_other_dtype_used_twice(tf):
    return _raw_gradient(tf, lambda dy: tf.cast(dy, tf.float64) * 2.0, "twice")


def case_i11_other_shape_used_twice(tf):
    return _raw_gradient(tf, lambda dy: tf.ones([3]) * dy, "twice")


def case_i11_variable_source_other_shape(tf):
    v = tf.Variable(3.0)

    @tf.custom_gradient
    def f(x):
        return x * 2.0, lambda dy: tf.ones([2]) * dy

    with tf.GradientTape() as tape:
        y = f(v)
    return tape.gradient(y, v)
# More shapes for items 1, 5, 7, 12 and 13 (added with their fixes)


def case_i01_constant_of_variable_counts_as_access(tf):
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.constant(v) * 2.0
    return {"n_watched": len(tape.watched_variables()), "grad": tape.gradient(y, v)}


def case_i01_constant_of_variable_with_dtype(tf):
    v = tf.Variable([1.0, 2.5])
    return tf.constant(v, dtype=tf.float64)


def case_i01_op_with_variable_list_operand(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(tf.add([a, b], 1.0))
        z = tf.concat([[a, b], [b]], 0) * tf.constant([1.0, 2.0, 3.0])
    return {"y": tape.gradient(y, [a, b]), "z": tape.gradient(z, [a, b])}


def case_i01_non_trainable_variable_in_list(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum([a, b])
    return {"n_watched": len(tape.watched_variables()), "grad": tape.gradient(y, [a, b])}


def case_i01_vector_variables_in_list(tf):
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable([3.0, 4.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.convert_to_tensor([a, b]) ** 2)
    return tape.gradient(y, [a, b])


def case_i01_variable_list_mixed_dtypes(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0, dtype=tf.float64)
    return _err(lambda: tf.reduce_sum([a, b]))


def case_i01_variable_list_outside_tape(tf):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    return tf.reduce_sum([a, b, 3.0])


def case_i05_index_types(tf):
    x = _m(tf)
    return {
        "nested_list": _err(lambda: x[[[0, 1]]]),
        "vector_tensor": _err(lambda: x[tf.constant([0, 1])]),
        "float_tensor": _err(lambda: x[tf.constant(1.0)]),
        "numpy_int": x[np.int64(1)],
        "numpy_0d": x[np.array(1)],
        "numpy_1d": _err(lambda: x[np.array([1])]),
        "int64_tensor": x[tf.constant(1, tf.int64)],
        "float_slice_bound": _err(lambda: x[0.5:]),
        "tensor_slice_bound": x[tf.constant(1):],
        "list_with_slice": x[[slice(None), 1]],
        "empty_tuple": x[()],
        "empty_list": x[[]],
    }


def case_i05_boolean_masks(tf):
    x = _m(tf)
    return {
        "tensor": x[tf.constant([True, False])],
        "numpy": x[np.array([False, True])],
        "python_bool": _err(lambda: x[True]),
    }


def case_i05_ellipsis_rules(tf):
    x = _m(tf)
    s = tf.constant(3.0)
    return {
        "two": _err(lambda: x[..., ...]),
        "with_newaxis": x[..., None, 0],
        "scalar_ellipsis": s[...],
        "scalar_newaxis": s[None],
        "scalar_slice": _err(lambda: s[:]),
        "too_many_slices": _err(lambda: x[:, :, :]),
        "middle": tf.ones([2, 3, 4])[1, ..., 2],
    }


def case_i05_negative_steps(tf):
    x = _m(tf)
    return [x[:, ::-2], x[:, 5:-5:-1], x[::-1, 1:0:-1], x[-1:, ::-1], x[:, 0:2:-1]]


def case_i05_variable_slice_assign_shapes(tf):
    v = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    v[0].assign(5.0)
    v[:, ::-1][1].assign([1.0, 2.0, 3.0])
    v[None, 1, 1:].assign([[0.0, 0.0]])
    return {"v": v, "wrong_shape": _err(lambda: v[0].assign([1.0, 2.0])),
            "assign_add": _err(lambda: v[0].assign_add([1.0, 1.0, 1.0]))}


def case_i05_variable_slice_assign_keeps_earlier_reads(tf):
    v = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = v * v
        v[1:].assign([10.0, 20.0])
        z = tf.reduce_sum(y) + tf.reduce_sum(v)
    return {"y": y, "v": v, "grad": tape.gradient(z, v)}


def case_i05_variable_slice_assign_returns_variable(tf):
    v = tf.Variable([1.0, 2.0, 3.0])
    out = v[0].assign(7.0)
    return {"out": out.numpy(), "v": v}


def case_i05_grad_through_two_slices(tf):
    x = tf.reshape(tf.range(12.0), [3, 4])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x[::-1, 1:][..., ::2] * tf.constant([1.0, 10.0]))
    return tape.gradient(y, x)


def case_i05_grad_newaxis_and_negative_index(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x[None, -1] * x[tf.newaxis, ::-1]
    return tape.jacobian(y, x)


def case_i05_iterate_and_index_variable(tf):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = v[0, 1] * v[-1][0] + v[..., 0][1]
    return tape.gradient(y, v)


def case_i07_copy_is_the_variable(tf):
    v = tf.Variable(1.0, trainable=False, name="w")
    c = copy.copy(v)
    d = copy.deepcopy(v)
    return {"same": c is v, "deep_same": d is v, "deep_name": d.name,
            "deep_trainable": d.trainable, "deep_shape": d.shape}


def case_i12_constructor_variants(tf):
    return {
        "trainable_zero": tf.Variable(1.0, trainable=False).trainable,
        "shape_tuple": tf.Variable([1.0, 2.0], shape=(2,)).shape,
        "shape_int": tf.Variable([1.0, 2.0], shape=2).shape,
        "shape_tensorshape": tf.Variable([1.0, 2.0], shape=tf.TensorShape([None])).shape,
        "rank_mismatch": _err(lambda: tf.Variable([1.0, 2.0], shape=[2, 1])),
        "numpy_to_float64": tf.Variable(np.array([1], np.int32), dtype=tf.float64),
        "variable_other_dtype": _err(lambda: tf.Variable(tf.Variable(1.0), dtype=tf.float64)),
        "float_to_int": _err(lambda: tf.Variable(1.5, dtype=tf.int32)),
    }


def case_i12_partial_shape_updates(tf):
    v = tf.Variable([1.0, 2.0], shape=[None])
    v.assign([1.0, 2.0, 3.0])
    return {"v": v, "shape": v.shape, "assign_add_other": _err(lambda: v.assign_add([1.0])),
            "rank": v.shape.rank, "as_list": v.shape.as_list()}


def case_i12_unknown_rank_shape(tf):
    v = tf.Variable([1.0, 2.0], shape=tf.TensorShape(None))
    s = v.shape
    return {"rank": s.rank, "dims": s.dims, "len": _err(lambda: len(s)),
            "as_list": _err(lambda: s.as_list()), "equal": s == tf.TensorShape(None),
            "product": v * 2.0}


def case_i13_truth_and_numbers(tf):
    return {
        "bool_empty": bool(tf.constant([])),
        "bool_matrix_one": bool(tf.constant([[0.0]])),
        "float_variable_vector": _err(lambda: float(tf.Variable([3.0]))),
        "float_variable": float(tf.Variable(3.5)),
        "int_of_float": int(tf.constant(2.7)),
        "index": [10, 20, 30][tf.constant(1)],
        "index_vector": _err(lambda: [10, 20, 30][tf.constant([1])]),
        "index_float": _err(lambda: [10, 20, 30][tf.constant(1.0)]),
        "complex_vector": _err(lambda: complex(tf.constant([1.0]))),
    }


def case_i13_refs_are_hashable(tf):
    x = tf.constant(1.0)
    v = tf.Variable(2.0)
    table = {x.ref(): "x", v.ref(): "v"}
    return {"x": table[x.ref()], "v": table[v.ref()], "deref": x.ref().deref() is x,
            "distinct": x.ref() != tf.constant(1.0).ref()}


def case_i13_bool_operators(tf):
    import operator as o

    b = tf.constant(True)
    out = {}
    ops = {"add": o.add, "sub": o.sub, "mul": o.mul, "truediv": o.truediv,
           "floordiv": o.floordiv, "pow": o.pow, "lt": o.lt, "ge": o.ge}
    for name, f in ops.items():
        for label, other in (("tensor", tf.constant(False)), ("one", 1), ("zero", 0),
                             ("true", True), ("float", 1.0)):
            out[f"{name}_{label}"] = _err(lambda f=f, other=other: f(b, other))
            out[f"r{name}_{label}"] = _err(lambda f=f, other=other: f(other, b))
    out["neg"] = _err(lambda: -b)
    return out


# ---------------------------------------------------------------------------
# Found by the fuzzer with forward-mode programs: which ops read a Variable


def case_f_shape_ops_read_variables(tf):
    """`ones_like`, `shape`... of a Variable read it (watched); `stop_gradient` does not."""
    out = {}
    for name in ("ones_like", "zeros_like", "shape", "size", "rank", "identity",
                 "stop_gradient", "convert_to_tensor"):
        v = tf.Variable([1.0, 1.5])
        with tf.GradientTape() as tape:
            y = getattr(tf, name)(v)
        out[name] = {"watched": len(tape.watched_variables()), "y": y}
    v = tf.Variable([1.0, 1.5])
    with tf.GradientTape() as tape:
        frozen = tf.stop_gradient(v)
        v.assign([3.0, 4.0])
    out["stop_gradient_is_a_snapshot"] = frozen
    return out


def case_f_gradient_with_respect_to_non_differentiable_results(tf):
    """TF records ops it has no gradient for: d/d(result) exists, d(result)/d(input) is None."""
    out = {}
    x = tf.constant([1.4, -2.6])
    v = tf.Variable([0.5, 2.5])
    ops = {"round": tf.round, "floor": tf.math.floor, "ceil": tf.math.ceil,
           "zeros_like": tf.zeros_like, "ones_like": tf.ones_like,
           "floordiv": lambda a: a // 2.0, "stop_gradient": tf.stop_gradient,
           "sign": tf.sign}
    for name, f in ops.items():
        for label, source in (("tensor", x), ("variable", v)):
            with tf.GradientTape(persistent=True) as tape:
                tape.watch(x)
                y = f(source)
                z = y * y * 3.0
            out[f"{name}_{label}"] = {"dz_dy": tape.gradient(z, y),
                                      "dy_dsource": tape.gradient(y, source)}
    return out


def case_f_unconnected_zeros_are_recorded(tf):
    """`unconnected_gradients='zero'` inside an outer tape: the zeros read the Variable,
    and the outer tape recorded them (found by the fuzzer, seed 31 program 2789)."""
    c = tf.constant([-2.0, -2.0, -0.5])
    v = tf.Variable([-0.5])
    with tf.GradientTape(persistent=True) as outer:
        a = tf.sin(v)
        with tf.GradientTape() as inner:
            b = a + c
            zeros = inner.gradient(b, [v], unconnected_gradients="zero")[0]
        reversed_zeros = zeros[..., ::-1]
        result = outer.gradient([reversed_zeros, {"k": c}], zeros)
    return {"zeros": zeros, "result": result,
            "watched": len(outer.watched_variables()),
            "through_zeros": outer.gradient(reversed_zeros, v)}
