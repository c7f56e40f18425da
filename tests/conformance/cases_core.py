"""Core tape cases: SPEC section 2, the four seed tutorials, the `tf.GradientTape`
docstrings, TF's autodiff guide and `tensorflow/python/eager/backprop_test.py`.

Every case is a function of a module `tf` (real TensorFlow or `tftape_torch`) written
as TF code and using only the core surface: `constant`, `Variable`, `GradientTape`,
`UnconnectedGradients`, `ones`, `zeros`, `convert_to_tensor`, `reduce_sum`,
`reduce_mean`, `square`, `multiply`, `add`, `matmul`, `exp`, `sin`, `stop_gradient`,
`math.log`, `reshape`, the dtypes, Python operators and indexing. Answers live in
`golden/cases_core.json`, recorded from TensorFlow 2.21 by `record.py`.

Naming: `case_spec_*` rows of SPEC section 2, `case_seed*_*` the seed tutorials,
`case_doc_*` the GradientTape docstrings, `case_guide_*` TF's autodiff guide,
`case_bp_*` tests of backprop_test.py (named after the TF test), `case_core_*` others.
"""

from __future__ import annotations

import collections

import numpy as np

from tests.conformance.harness import capture_warnings

Point = collections.namedtuple("Point", ["x", "y"])

SPENT = (
    "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)"
)


# ---------------------------------------------------------------------------
# SPEC section 2, one case (at least) per row


def case_spec_watched_constant(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    return tape.gradient(y, x)


def case_spec_unwatched_constant(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    return tape.gradient(y, x)


def case_spec_trainable_variable_watched_automatically(tf):
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = v * v
    return {"grad": tape.gradient(y, v), "watched": [w is v for w in tape.watched_variables()]}


def case_spec_non_trainable_variable(tf):
    v = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * v
    return {"grad": tape.gradient(y, v), "n_watched": len(tape.watched_variables())}


def case_spec_watch_accessed_variables_false_unwatched(tf):
    v = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = v * v
    return {"grad": tape.gradient(y, v), "n_watched": len(tape.watched_variables())}


def case_spec_watch_accessed_variables_false_watched(tf):
    v = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(v)
        y = v * v
    return tape.gradient(y, v)


def case_spec_intermediate_source(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    return tape.gradient(z, y)


def case_spec_non_scalar_target(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    return tape.gradient(y, x)


def case_spec_list_target(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y1 = x * x
        y2 = x * x * x
    return tape.gradient([y1, y2], x)


def case_spec_second_gradient_call_message(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    first = tape.gradient(y, x)
    try:
        tape.gradient(y, x)
    except RuntimeError as e:
        return {"first": first, "error": type(e).__name__, "message": str(e)}
    return {"first": first, "error": None}


def case_spec_second_gradient_call_raises(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    return tape.gradient(y, x)


def case_spec_persistent_many_calls(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    return [tape.gradient(z, x), tape.gradient(y, x), tape.gradient(z, y), tape.gradient(z, x)]


def case_spec_persistent_gradient_inside_context_warns(tf):
    x = tf.constant(3.0)
    with capture_warnings() as caught:
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = x * x
            grad = tape.gradient(y, x)
    return {
        "grad": grad,
        "n_warnings": len(caught),
        "mentions_efficiency": ["less efficient" in message for message in caught],
    }


def case_spec_non_persistent_gradient_inside_context_no_warning(tf):
    x = tf.constant(3.0)
    with capture_warnings() as caught:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
            grad = tape.gradient(y, x)
    return {"grad": grad, "warnings": caught}


def case_spec_gradient_inside_context_once(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        first = tape.gradient(y, x)
        z = y * x  # the tape stopped recording at gradient()
    try:
        tape.gradient(z, x)
    except RuntimeError as e:
        return {"first": first, "second": str(e)}
    return {"first": first, "second": None}


def case_spec_nested_inner_gradient_inside_outer(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy_dx = inner.gradient(y, x)
    d2y_dx2 = outer.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_spec_nested_inner_gradient_after_outer_closed(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
    dy_dx = inner.gradient(y, x)
    return {"dy_dx": dy_dx, "d2y_dx2": outer.gradient(dy_dx, x)}


def case_spec_nested_inner_gradient_after_outer_closed_persistent(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(x)
            y = x * x * x
    dy_dx = inner.gradient(y, x)
    return {"dy_dx": dy_dx, "d2y_dx2": outer.gradient(dy_dx, x)}


def case_spec_target_computed_after_close(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    z = y * y
    return tape.gradient(z, x)


def case_spec_target_computed_after_close_persistent(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    z = y * y
    return {"z_x": tape.gradient(z, x), "y_x": tape.gradient(y, x), "z_y": tape.gradient(z, y)}


def case_spec_variable_op_before_tape(tf):
    v = tf.Variable(3.0)
    y = v * v
    with tf.GradientTape() as tape:
        z = y * 2.0
    return tape.gradient(z, v)


def case_spec_variable_op_before_tape_mixed(tf):
    v = tf.Variable(3.0)
    y = v * v
    with tf.GradientTape() as tape:
        z = y * v
    return tape.gradient(z, v)


def case_spec_stop_recording(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = x * x
        z = y * x
    return {"y_x": tape.gradient(y, x), "z_x": tape.gradient(z, x)}


def case_spec_reset_then_watch(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        tape.reset()
        tape.watch(x)
        z = y + x
    return tape.gradient(z, x)


def case_spec_assign_after_recording(tf):
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = v * v * v
    v.assign(10.0)
    return {"grad": tape.gradient(y, v), "y": y, "v": v.numpy()}


def case_spec_watch_int_tensor_warns(tf):
    x = tf.constant(3)
    with capture_warnings() as caught:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
    return {"grad": tape.gradient(y, x), "warnings": caught, "y": y}


def case_spec_watch_int64_tensor_warns(tf):
    x = tf.constant(3, dtype=tf.int64)
    with capture_warnings() as caught:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x + x
    return {"grad": tape.gradient(y, x), "warnings": caught}


def case_spec_watch_python_float(tf):
    tape = tf.GradientTape()
    try:
        tape.watch(3.0)
    except ValueError as e:
        message = str(e)
        return {
            "error": "ValueError",
            "names_object": "3.0" in message,
            "names_type": "float" in message,
        }
    return None


def case_spec_watch_python_float_raises(tf):
    with tf.GradientTape() as tape:
        tape.watch(3.0)
    return None


def case_spec_watch_string(tf):
    try:
        with tf.GradientTape() as tape:
            tape.watch("a")
    except ValueError as e:
        message = str(e)
        return {
            "error": "ValueError",
            "names_object": "a" in message,
            "names_type": "str" in message,
        }
    return None


def case_spec_unconnected_zero(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    y = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        z = y * 2.0
    return tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)


def case_spec_control_flow(tf):
    def f(x, y):
        output = 1.0
        for i in range(y):
            if i > 1 and i < 5:
                output = tf.multiply(output, x)
        return output

    x = tf.convert_to_tensor(2.0)
    results = []
    for n in (6, 5, 4):
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = f(x, n)
        results.append(tape.gradient(out, x))
    return results


def case_spec_reset_after_close_message(tf):
    with tf.GradientTape() as tape:
        pass
    try:
        tape.reset()
    except ValueError as e:
        return {"error": type(e).__name__, "message": str(e)}
    return None


def case_spec_reset_after_close_raises(tf):
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
    tape.reset()
    return None


def case_spec_stop_recording_after_close_message(tf):
    with tf.GradientTape() as tape:
        pass
    try:
        with tape.stop_recording():
            pass
    except ValueError as e:
        return {"error": type(e).__name__, "message": str(e)}
    return None


def case_spec_gradient_never_entered_message(tf):
    x = tf.constant(1.0)
    tape = tf.GradientTape()
    try:
        tape.gradient(x, x)
    except RuntimeError as e:
        return {"error": type(e).__name__, "message": str(e), "same_as_spent": str(e) == SPENT}
    return None


def case_spec_reenter_recording_tape(tf):
    with tf.GradientTape() as tape:
        with tape:
            pass
    return None


def case_spec_reenter_recording_tape_persistent(tf):
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        try:
            with tape:
                pass
            reentered = "no error"
        except ValueError as e:
            reentered = type(e).__name__
        z = y * x
    return {"reentered": reentered, "grad": tape.gradient(z, x)}


# ---------------------------------------------------------------------------
# The four seed tutorials (/work/shared/seeds)


def case_seed0_reduce_sum_square(tf):
    x = tf.ones((2, 2))
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(x)
        z = tf.square(y)
    return t.gradient(z, x)


def case_seed0_power_chain_then_expired(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x**2
        z = y**2
    dz_dx = t.gradient(z, x)
    try:
        t.gradient(y, x)
        message = None
    except RuntimeError as e:
        message = str(e)
    return {"dz_dx": dz_dx, "message": message}


def case_seed0_persistent_power_chain(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x**2
        z = y**2
    dz_dx = t.gradient(z, x)
    dy_dx = t.gradient(y, x)
    del t
    return {"dz_dx": dz_dx, "dy_dx": dy_dx}


def case_seed0_nested_power_gradient_in_outer_block(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape_2:
        with tf.GradientTape() as tape_1:
            y = x**3
        dy_dx = tape_1.gradient(y, x)
    d2y_dx2 = tape_2.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_seed0_nested_power_gradient_in_inner_block(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape_2:
        with tf.GradientTape() as tape_1:
            y = x**3
            dy_dx = tape_1.gradient(y, x)
    d2y_dx2 = tape_2.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_seed1_multiply_chain(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
        z = y * y
    dz_dx = t.gradient(z, x)
    try:
        dy_dx = t.gradient(y, x)
        message = None
    except RuntimeError as e:
        dy_dx = None
        message = str(e)
    return {"dz_dx": dz_dx, "dy_dx": dy_dx, "message": message}


def case_seed1_persistent_multiply_chain(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * x
        z = y * y
    return {"dz_dx": t.gradient(z, x), "dy_dx": t.gradient(y, x)}


def case_seed1_nested_first_gradient_in_outer_block(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape_2:
        with tf.GradientTape() as tape_1:
            y = x * x * x
        dy_dx = tape_1.gradient(y, x)
    d2y_dx2 = tape_2.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_seed1_nested_first_gradient_in_inner_block(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape_2:
        with tf.GradientTape() as tape_1:
            y = x * x * x
            dy_dx = tape_1.gradient(y, x)
    d2y_dx2 = tape_2.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_seed1_nested_first_gradient_outside(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape_2:
        with tf.GradientTape() as tape_1:
            y = x * x * x
    dy_dx = tape_1.gradient(y, x)
    d2y_dx2 = tape_2.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_seed1_nested_first_gradient_outside_persistent(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as tape_2:
        with tf.GradientTape(persistent=True) as tape_1:
            y = x * x * x
    dy_dx = tape_1.gradient(y, x)
    d2y_dx2 = tape_2.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_seed1_nested_both_gradients_in_inner_block(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape_2:
        with tf.GradientTape() as tape_1:
            y = x * x * x
            dy_dx = tape_1.gradient(y, x)
            d2y_dx2 = tape_2.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_seed1_nested_second_gradient_in_outer_block(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape_2:
        with tf.GradientTape() as tape_1:
            y = x * x * x
            dy_dx = tape_1.gradient(y, x)
        d2y_dx2 = tape_2.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_seed1_nested_second_gradient_outside(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape_2:
        with tf.GradientTape() as tape_1:
            y = x * x * x
            dy_dx = tape_1.gradient(y, x)
    d2y_dx2 = tape_2.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_seed2_multiply_elementwise_check(tf):
    x = tf.ones((2, 2))
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(x)
        z = tf.multiply(y, y)
    dz_dx = t.gradient(z, x)
    return {"dz_dx": dz_dx, "elements": [[dz_dx[i][j].numpy() for j in (0, 1)] for i in (0, 1)]}


def case_seed2_intermediate_value(tf):
    x = tf.ones((2, 2))
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(x)
        z = tf.multiply(y, y)
    dz_dy = t.gradient(z, y)
    return {"dz_dy": dz_dy, "numpy": dz_dy.numpy()}


def case_seed2_control_flow_numpy(tf):
    def f(x, y):
        output = 1.0
        for i in range(y):
            if i > 1 and i < 5:
                output = tf.multiply(output, x)
        return output

    def grad(x, y):
        with tf.GradientTape() as t:
            t.watch(x)
            out = f(x, y)
        return t.gradient(out, x)

    x = tf.convert_to_tensor(2.0)
    return [grad(x, 6).numpy(), grad(x, 5).numpy(), grad(x, 4).numpy()]


def case_seed2_control_flow_no_iterations(tf):
    def f(x, y):
        output = 1.0
        for i in range(y):
            if i > 1 and i < 5:
                output = tf.multiply(output, x)
        return output

    x = tf.convert_to_tensor(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        out = f(x, 2)  # never multiplies: out is the Python float 1.0
    return {"out": out, "grad": t.gradient(tf.convert_to_tensor(out), x)}


def case_seed3_higher_order_variable(tf):
    x = tf.Variable(1.0)
    with tf.GradientTape() as t:
        with tf.GradientTape() as t2:
            y = x * x * x
        dy_dx = t2.gradient(y, x)
    d2y_dx2 = t.gradient(dy_dx, x)
    return {"dy_dx": dy_dx.numpy(), "d2y_dx2": d2y_dx2.numpy()}


# ---------------------------------------------------------------------------
# tf.GradientTape docstrings (tensorflow/python/eager/backprop.py)


def case_doc_basic(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.gradient(y, x)


def case_doc_nested(tf):
    x = tf.constant(5.0)
    with tf.GradientTape() as g:
        g.watch(x)
        with tf.GradientTape() as gg:
            gg.watch(x)
            y = x * x
        dy_dx = gg.gradient(y, x)
    d2y_dx2 = g.gradient(dy_dx, x)
    return {"dy_dx": dy_dx, "d2y_dx2": d2y_dx2}


def case_doc_persistent(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
        z = y * y
    dz_dx = g.gradient(z, x)
    dy_dx = g.gradient(y, x)
    return {"dz_dx": dz_dx, "dy_dx": dy_dx}


def case_doc_watch_accessed_variables_false(tf):
    x = tf.Variable(2.0)
    w = tf.Variable(5.0)
    with tf.GradientTape(watch_accessed_variables=False, persistent=True) as tape:
        tape.watch(x)
        y = x**2
        z = w**3
    return {"dy_dx": tape.gradient(y, x), "dz_dw": tape.gradient(z, w)}


def case_doc_stop_recording(tf):
    x = tf.constant(4.0)
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            y = x**2
    return tape.gradient(y, x)


def case_doc_stop_recording_watched(tf):
    x = tf.constant(4.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = x**2
    return tape.gradient(y, x)


def case_doc_reset_equivalence(tf):
    v = tf.Variable(3.0)

    def loss_fn():
        return v * v

    def other_loss_fn():
        return 5.0 * v

    with tf.GradientTape() as t1:
        loss1 = loss_fn()
    with tf.GradientTape() as t1:
        loss1 += other_loss_fn()
    with tf.GradientTape() as t2:
        loss2 = loss_fn()
        t2.reset()
        loss2 += other_loss_fn()
    return {"two_tapes": t1.gradient(loss1, v), "reset": t2.gradient(loss2, v), "loss": loss2}


def case_doc_reset_in_control_flow(tf):
    v = tf.Variable(3.0)
    with tf.GradientTape() as t:
        loss = v * v
        if loss > 5.0:
            t.reset()
        loss = loss + 2.0 * v
    return t.gradient(loss, v)


def case_doc_watched_variables_order_of_construction(tf):
    v0 = tf.Variable(1.0)
    v1 = tf.Variable(2.0)
    v2 = tf.Variable(3.0)
    with tf.GradientTape() as t:
        v2 * v1 + v0
    return [[w is v for v in (v0, v1, v2)] for w in t.watched_variables()]


# ---------------------------------------------------------------------------
# TF's autodiff guide (tensorflow.org/guide/autodiff)


def case_guide_linear_layer_dict_sources(tf):
    w = tf.Variable([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], name="w")
    b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
    x = [[1.0, 2.0, 3.0]]
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y**2)
    return {
        "by_list": tape.gradient(loss, [w, b]),
        "by_dict": tape.gradient(loss, {"w": w, "b": b}),
    }


def case_guide_what_is_watched(tf):
    x0 = tf.Variable(3.0, name="x0")
    x1 = tf.Variable(3.0, name="x1", trainable=False)
    x2 = tf.Variable(2.0, name="x2") + 1.0
    x3 = tf.constant(3.0, name="x3")
    with tf.GradientTape() as tape:
        y = (x0**2) + (x1**2) + (x2**2)
    grad = tape.gradient(y, [x0, x1, x2, x3])
    return {"grad": grad, "names": [var.name for var in tape.watched_variables()]}


def case_guide_dict_target(tf):
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y0 = x**2
        y1 = 1 / x
    return tape.gradient({"y0": y0, "y1": y1}, x)


def case_guide_non_scalar_target(tf):
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * [3.0, 4.0]
    return tape.gradient(y, x)


def case_guide_replaced_variable_with_tensor(tf):
    x = tf.Variable(2.0)
    grads = []
    for _ in range(2):
        with tf.GradientTape() as tape:
            y = x + 1
        grads.append(tape.gradient(y, x))
        x = x + 1  # replaces the Variable by a tensor
    return {"grads": grads, "is_variable": isinstance(x, tf.Variable)}


def case_guide_int_source(tf):
    x = tf.constant(10)
    with capture_warnings() as caught:
        with tf.GradientTape() as g:
            g.watch(x)
            y = x * x
    return {"grad": g.gradient(y, x), "warnings": caught}


def case_guide_stateful_assign_add(tf):
    x0 = tf.Variable(3.0)
    x1 = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        x1.assign_add(x0)
        y = x1**2
    return {"x0": tape.gradient(y, x0), "x1_value": x1.numpy()}


def case_guide_unconnected_zero_variable(tf):
    x = tf.Variable([2.0, 2.0])
    y = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y**2
    return {
        "none": None,
        "zero": tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO),
    }


def case_guide_python_control_flow_variables(tf):
    x = tf.constant(1.0)
    v0 = tf.Variable(2.0)
    v1 = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        if x > 0.0:
            result = v0
        else:
            result = v1**2
    dv0, dv1 = tape.gradient(result, [v0, v1])
    return {"dv0": dv0, "dv1": dv1, "dx": tape.gradient(result, x)}


def case_guide_through_numpy(tf):
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float32)
    with tf.GradientTape() as tape:
        x2 = x**2
        y = np.mean(x2.numpy(), axis=0)
        y = tf.reduce_mean(y, axis=0)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_guide_through_numpy_literal(tf):
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float32)
    with tf.GradientTape() as tape:
        x2 = x**2
        # This step is calculated with NumPy
        y = np.mean(x2, axis=0)
        # Like most ops, reduce_mean will cast the NumPy array to a constant tensor
        # using `tf.convert_to_tensor`.
        y = tf.reduce_mean(y, axis=0)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_guide_stop_gradient(tf):
    x = tf.constant(2.0)
    w = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.stop_gradient(x * w) * x + w * x
    return {"x": tape.gradient(y, x), "w": tape.gradient(y, w)}


# ---------------------------------------------------------------------------
# tensorflow/python/eager/backprop_test.py (BackpropTest), tape parts


def case_bp_no_op_behavior_consistent(tf):
    x = tf.constant(10.0)
    x2 = tf.add(x, 0)
    x3 = x - 0
    x4 = tf.multiply(x, 1)
    with tf.GradientTape() as t:
        t.watch(x)
        t.watch(x2)
        t.watch(x3)
        t.watch(x4)
        y1 = x * 2.0
        y3 = x2 * 3.0
        y4 = x3 * 3.0
        y5 = x4 * 3.0
        loss = y1 + y3 + y4 + y5
    return t.gradient(loss, [x, x2, x3, x4])


def case_bp_two_targets(tf):
    with tf.GradientTape() as t:
        x = tf.constant(3.0)
        y = tf.constant(2.0)
        t.watch([x, y])
        xx = 2 * x
        yy = 3 * y
    dx, dy = t.gradient([xx, yy], [x, y])
    return {"dx": dx, "dy": dy}


def case_bp_output_grad_used_in_computation(tf):
    with tf.GradientTape() as t:
        x = tf.constant(3.0)
        y = tf.constant(2.0)
        t.watch([x, y])
        loss = x * y
    (dx,) = t.gradient([loss, x], [x], output_gradients=[1.0, 2.0])
    return dx


def case_bp_dy(tf):
    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.multiply(x, 1.0)
    return t.gradient(y, x, output_gradients=2.0)


def case_bp_gradient_integer(tf):
    x = tf.constant(1)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x + x
    return t.gradient(y, x)


def case_bp_tape_no_op_gradient(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x
    return t.gradient(y, x)


def case_bp_tape_gradient_multi_target_one_is_source(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    return t.gradient([x, y], x)


def case_bp_tape_no_op_gradient_multi_target_all_source(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x
    return t.gradient([y, y], x)


def case_bp_tape_no_op_gradient_multi_target_multi_source(tf):
    x = tf.constant(3.0)
    y = tf.constant(5.0)
    with tf.GradientTape() as t:
        t.watch(x)
        t.watch(y)
        z = y * y
    return t.gradient([x, y, z], [x, y])


def case_bp_tape_no_op_on_variable_is_identity(tf):
    v0 = tf.Variable(1.0)
    with tf.GradientTape() as t:
        y = v0.read_value()
    return t.gradient(y, v0)


def case_bp_tape_no_op_gradient_2by2(tf):
    a_2_by_2 = tf.constant([[2.0, 2.0], [2.0, 2.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(a_2_by_2)
    return tape.gradient(a_2_by_2, [a_2_by_2])[0]


def case_bp_tape_no_op_gradient_multi_target_2by2(tf):
    a_2_by_2 = tf.constant([[2.0, 2.0], [2.0, 2.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(a_2_by_2)
    return tape.gradient([a_2_by_2, a_2_by_2], [a_2_by_2])[0]


def case_bp_tape_stop_recording(tf):
    with tf.GradientTape() as t:
        x = tf.Variable(1.0)
        with t.stop_recording():
            y = x * x
    return {"grad": t.gradient(y, x), "n_watched": len(t.watched_variables())}


def case_bp_tape_stop_start_recording(tf):
    with tf.GradientTape(persistent=True) as t:
        x = tf.Variable(1.0)
        x2 = x * 2
        with t.stop_recording():
            y = x2 * x2
        z = x2 * x2
    return {"y_x2": t.gradient(y, x2), "z_x2": t.gradient(z, x2), "z_x": t.gradient(z, x)}


def case_bp_tape_reset(tf):
    with tf.GradientTape() as t:
        v = tf.Variable(1.0)
        loss = v * v
        t.reset()
        loss += v * v
    return t.gradient(loss, v)


def case_bp_python_max(tf):
    x = [tf.Variable(2.0), tf.Variable(3.0), tf.Variable(5.0)]
    with tf.GradientTape() as t:
        f = max(x)
    grad = t.gradient(f, x)
    return {"f": f, "grad": grad, "f_is_last": f is x[2]}


def case_bp_automatic_watched_variables(tf):
    counts = []
    with tf.GradientTape() as t:
        counts.append(len(t.watched_variables()))
        v = tf.Variable(1.0)
        loss = v * v
        counts.append([w is v for w in t.watched_variables()])
        t.reset()
        counts.append(len(t.watched_variables()))
        loss += v * v
        counts.append([w is v for w in t.watched_variables()])
    return counts


def case_bp_explicit_watched_variables(tf):
    counts = []
    with tf.GradientTape() as t:
        counts.append(len(t.watched_variables()))
        v = tf.Variable(1.0)
        t.watch(v)
        counts.append([w is v for w in t.watched_variables()])
        t.reset()
        counts.append(len(t.watched_variables()))
        t.watch(v)
        counts.append([w is v for w in t.watched_variables()])
    return counts


def case_bp_gradient_within_tape_block(tf):
    v1 = tf.Variable(1.0)
    with tf.GradientTape() as t:
        loss = 2 * v1
        grad = t.gradient(loss, v1)
    with tf.GradientTape(persistent=True) as t2:
        loss2 = 2 * v1
        grad2 = t2.gradient(loss2, v1)
    return [grad, grad2]


def case_bp_nested_self_contexts(tf):
    with tf.GradientTape() as t:
        try:
            with t:
                pass
        except ValueError as e:
            return type(e).__name__
    return None


def case_bp_watching_is_tape_local(tf):
    x1 = tf.Variable(2.0, trainable=False)
    x2 = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape1:
        with tf.GradientTape() as tape2:
            tape1.watch(x1)
            tape2.watch([x1, x2])
            y = x1**3
            z = x2**2
            dy, dz = tape2.gradient([y, z], [x1, x2])
        d2y, d2z = tape1.gradient([dy, dz], [x1, x2])
    return {"dy": dy, "dz": dz, "d2y": d2y, "d2z": d2z}


def case_bp_gradient_tape_re_enter_context(tf):
    g = tf.GradientTape()
    with g:
        x = tf.constant(3.0)
        g.watch(x)
        y = 2 * x
    with g:
        z = 2 * y
    return g.gradient(target=z, sources=[x])


def case_bp_gradient_tape_re_enter_context_gap(tf):
    g = tf.GradientTape()
    with g:
        x = tf.constant(3.0)
        g.watch(x)
        y = 2 * x
    w = y * x  # between the two blocks: not recorded
    with g:
        z = 2 * w
    return g.gradient(target=z, sources=[x, y])


def case_bp_gradient_tape_repeated_source(tf):
    with tf.GradientTape(persistent=False) as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = 2 * x
    return g.gradient(target=y, sources=[x, x])


def case_bp_persistent_gradient_tape_repeated_source(tf):
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant(3.0)
        y = tf.constant(5.0)
        g.watch(x)
        g.watch(y)
        z = x * x + x * y
    return [g.gradient(target=z, sources=[x, x]), g.gradient(target=z, sources=[y, x])]


def case_bp_gradient_tape_structure(tf):
    with tf.GradientTape(persistent=True) as g:
        x1 = tf.constant(3.0)
        x2 = tf.constant(3.1)
        x3 = tf.constant(3.2)
        g.watch(x1)
        g.watch(x2)
        g.watch(x3)
        y = x1 + 2 * x2 + 3 * x3
    return [
        g.gradient(y, x1),
        g.gradient(y, (x1,)),
        g.gradient(y, (x1, x2)),
        g.gradient(y, [(x1, x2), (x2, x3)]),
        g.gradient(y, (x1, x2, [x1, x3])),
        g.gradient(y, [x1, {"x2": x2, "x3": x3}]),
    ]


def case_bp_gradient_tape_nested_inner_grad(tf):
    with tf.GradientTape() as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = x * x
        with tf.GradientTape() as gg:
            gg.watch(y)
            z = 2 * y
        inner_grad = gg.gradient(z, [y])[0]
        y += inner_grad
    grad = g.gradient(y, [x])[0]
    return {"inner_grad": inner_grad, "grad": grad}


def case_bp_gradient_tape_called_on_constant_target(tf):
    with tf.GradientTape() as g:
        x = tf.Variable([3.0])
        y = tf.Variable([2.0])
    return g.gradient(x, y)


def case_bp_gradient_called_multiple_times(tf):
    with tf.GradientTape() as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = x * x
        z = y * y
    g.gradient(z, [x])
    try:
        g.gradient(y, [x])
    except RuntimeError as e:
        return str(e)
    return None


def case_bp_persistent_tape(tf):
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = x * x
        z = y * y
    dz_dx = g.gradient(z, [x])[0]
    dy_dx = g.gradient(y, [x])[0]
    del g
    return {"dz_dx": dz_dx, "dy_dx": dy_dx}


def case_bp_higher_order_gradient(tf):
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = x**3
        dy_dx = g.gradient(y, x)
        d2y_dx2 = g.gradient(dy_dx, x)
    d3y_dx3 = g.gradient(d2y_dx2, x)
    return {"y": y, "dy_dx": dy_dx, "d2y_dx2": d2y_dx2, "d3y_dx3": d3y_dx3}


def case_bp_persistent_nested_tape(tf):
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant(3.0)
        g.watch(x)
        y = x * x
        with tf.GradientTape(persistent=True) as gg:
            gg.watch(y)
            z = 2 * y
        inner = []
        for _ in range(2):
            inner_grad = gg.gradient(z, [y])[0]
            inner.append(inner_grad)
        y += inner_grad
        del gg
    return {"inner": inner, "y_x": g.gradient(y, [x])[0], "z_x": g.gradient(z, [x])[0]}


def case_bp_gradient_tape_variable(tf):
    v = tf.Variable(1.0, name="v")
    with tf.GradientTape() as g:
        y = v * v
    return g.gradient(y, [v])


def case_bp_nested_gradients(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
        z = y * y
    return g.gradient(z, [x, y])


def case_bp_unconnected_gradients_default(tf):
    x = tf.constant(1.0)
    y = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch([x, y])
        z = y * 2
    return g.gradient(z, x)


def case_bp_unconnected_gradients_zeros_string(tf):
    x = tf.constant([[1.0, 1.0], [1.0, 1.0]])
    y = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch([x, y])
        z = y * 2
    return g.gradient(z, x, unconnected_gradients="zero")


def case_bp_unconnected_gradients_variables_zeros(tf):
    x = tf.Variable(tf.ones((2, 2)))
    y = tf.Variable(tf.constant(3.0))
    with tf.GradientTape() as g:
        g.watch([x, y])
        z = y * 2
    return g.gradient(z, x, unconnected_gradients="zero")


def case_bp_unknown_unconnected_gradients_value(tf):
    x = tf.constant(1.0)
    y = tf.constant(1.0)
    with tf.GradientTape() as g:
        g.watch([x, y])
        z = y * 2
    try:
        g.gradient(z, x, unconnected_gradients="nonsense")
    except ValueError as e:
        return {"error": type(e).__name__, "message": str(e)}
    return None


def case_bp_selectively_watch_variables(tf):
    x1 = tf.Variable(1.0)
    x2 = tf.Variable(1.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x2)
        y = x1**2
        z = x2**3
    watched = tape.watched_variables()
    dy, dz = tape.gradient([y, z], [x1, x2])
    return {
        "watched_is_tuple": isinstance(watched, tuple),
        "watched": [w is x2 for w in watched],
        "dy": dy,
        "dz": dz,
    }


def case_bp_differentiating_scalar_cache(tf):
    with tf.GradientTape(persistent=False) as g:
        x1 = tf.constant(3.0)
        x2 = tf.constant(3.0)
        g.watch(x1)
        g.watch(x2)
        y = x1 + x2
    return g.gradient(target=y, sources=[x1])


def case_bp_variables_and_constants_same_gradients(tf):
    def get_grads(a, b):
        with tf.GradientTape() as tape:
            tape.watch([a, b])
            y = a**3
            z = b**2
        return tape.gradient([y, z], [a, b])

    return {
        "constants": get_grads(tf.constant(2.0), tf.constant(2.0)),
        "variables": get_grads(tf.Variable(2.0), tf.Variable(2.0)),
    }


def case_bp_watch_bad_thing(tf):
    g = tf.GradientTape()
    try:
        g.watch(np.array(1.0))
    except ValueError as e:
        return {"error": type(e).__name__, "names_ndarray": "ndarray" in str(e)}
    return None


def case_bp_watched_variables_after_non_persistent_gradient(tf):
    with tf.GradientTape(persistent=False) as tape:
        x = tf.Variable(1.0)
        tape.watch(x)
    tape.gradient(x, x)
    watched = tape.watched_variables()
    return {"is_tuple": isinstance(watched, tuple), "watched": [w is x for w in watched]}


def case_bp_watched_variables_only_from_last_tape(tf):
    with tf.GradientTape(persistent=False) as tape:
        x = tf.Variable(1.0)
        tape.watch(x)
    with tf.GradientTape(persistent=False) as tape:
        z = tf.Variable(2.0)
        tape.watch(z)
    tape.gradient(z, z)
    return [[w is x, w is z] for w in tape.watched_variables()]


def case_bp_watched_variables_respect_reset(tf):
    seen = []
    with tf.GradientTape(persistent=False) as tape:
        x = tf.Variable(1.0)
        tape.watch(x)
        seen.append([w is x for w in tape.watched_variables()])
        tape.reset()
        z = tf.Variable(2.0)
        tape.watch(z)
        seen.append([w is z for w in tape.watched_variables()])
    grad = tape.gradient(z, z)
    seen.append([w is z for w in tape.watched_variables()])
    return {"seen": seen, "grad": grad}


def case_bp_grad_grad(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x
        value = inner.gradient(y, x)
    return {"grad": value, "gradgrad": outer.gradient(value, x)}


def case_bp_grad_grad_exp(tf):
    x = tf.constant(0.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.exp(x)
        value = inner.gradient(y, x)
    return {"grad": value, "gradgrad": outer.gradient(value, x)}


def case_bp_cpu(tf):
    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        b = tf.constant(2.0)
        c = tf.add(x, b)
        y = tf.add(c, tf.constant(3.0))
    return {"y": y, "grad": t.gradient(y, x)}


def case_bp_empty_params(tf):
    x = tf.constant(1.0)
    y = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch([x, y])
        z = x * y
    dx, dy = t.gradient(z, [x, y])
    return {"dx": dx, "dy": dy}


def case_bp_return_same_thing(tf):
    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        out = (x, 2 * x)
    return t.gradient(out, x)


def case_bp_output(tf):
    x = tf.constant([0.0, 1.0, 2.0])
    with tf.GradientTape() as t:
        t.watch(x)
        out = (x + 2, x * x)
    return t.gradient(out, x)


def case_bp_exception_safety(tf):
    x = tf.constant(1.0)
    try:
        with tf.GradientTape() as t:
            t.watch(x)
            y = x * x
            raise ValueError("boom")
    except ValueError:
        pass
    z = y * y  # after the failed block: not recorded
    first = t.gradient([y, z], x)
    with tf.GradientTape() as t2:
        t2.watch(x)
        w = x * x
    return {"failed_tape": first, "next_tape": t2.gradient(w, x)}


def case_bp_unconnected_none_variable_read(tf):
    v = tf.Variable(1.0, name="testUnconnectedNone")
    with tf.GradientTape() as t:
        v.read_value()
        out = tf.constant(1.0)
    return {"grad": t.gradient(out, v), "watched": [w is v for w in t.watched_variables()]}


def case_bp_implicit_grad_with_variable(tf):
    x = tf.Variable(1.0, name="x")
    with tf.GradientTape() as t:
        b = tf.constant(2.0)
        c = tf.add(x.read_value(), b)
        y = tf.add(c, tf.constant(3.0))
    return t.gradient(y, x)


def case_bp_implicit_grad_ordering(tf):
    v0 = tf.Variable(1.0)
    v1 = tf.Variable(2.0)
    with tf.GradientTape() as t:
        x = v1 * v1
        y = v0 * v0
        out = x + y
    watched = t.watched_variables()
    return {"order": [[w is v0, w is v1] for w in watched], "grads": t.gradient(out, list(watched))}


def case_bp_unconnected_gradients_nested_stop_gradient_zero(tf):
    x = tf.constant(1.0)
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        k = x + 2.0
        y = tf.stop_gradient(k * k)
    return {
        "none": g.gradient(y, x, unconnected_gradients="none"),
        "zero": g.gradient(y, x, unconnected_gradients="zero"),
    }


def case_bp_same_object_for_multiple_sources_variable(tf):
    v = tf.Variable(1.0, name="testSameObjectForMultipleArguments.Variable")
    with tf.GradientTape() as t:
        y = tf.multiply(v, v)
    return t.gradient(y, [v, v])


# ---------------------------------------------------------------------------
# Other core behaviour: structures, dtypes, ops, Variables, nesting


def case_core_sources_dict(tf):
    a = tf.constant(2.0)
    b = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch({"a": a, "b": b})
        y = a * tf.reduce_sum(b * b)
    return tape.gradient(y, {"b": b, "a": a})


def case_core_sources_namedtuple(tf):
    p = Point(tf.constant(2.0), tf.constant(3.0))
    with tf.GradientTape() as tape:
        tape.watch(p)
        y = p.x * p.y * p.y
    return tape.gradient(y, p)


def case_core_sources_nested_mixed(tf):
    x = tf.constant(1.0)
    v = tf.Variable(2.0)
    m = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch([x, m])
        y = x * v + tf.reduce_sum(m) * v
    return tape.gradient(y, {"first": [x, (v,)], "second": Point(m, x)})


def case_core_target_nested_dict(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        target = {"a": x * x, "b": [x * 2.0, (x * x * x,)]}
    return tape.gradient(target, x)


def case_core_sources_tuple(tf):
    x = tf.constant(1.0)
    y = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch((x, y))
        z = x * y
    return tape.gradient(z, (x, y))


def case_core_watch_nested_structure(tf):
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    c = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch({"first": [a, (b,)], "second": Point(c, a)})
        y = a * b * c
    return tape.gradient(y, [a, b, c])


def case_core_output_gradients_non_scalar(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    return tape.gradient(y, x, output_gradients=tf.constant([1.0, 0.5, 2.0]))


def case_core_output_gradients_list(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y1 = x * x
        y2 = tf.reduce_sum(x) * 3.0
    return tape.gradient([y1, y2], x, output_gradients=[tf.constant([1.0, -1.0]), tf.constant(2.0)])


def case_core_float64(tf):
    x = tf.constant([1.5, 2.5], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * x * 3.0)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_core_float64_variable(tf):
    v = tf.Variable([1.0, -2.0], dtype=tf.float64)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.square(v))
    return {"grad": tape.gradient(y, v), "dtype": v.dtype}


def case_core_int_variable_not_watched(tf):
    v = tf.Variable(3)
    with tf.GradientTape() as tape:
        y = v * v
    return {"grad": tape.gradient(y, v), "n_watched": len(tape.watched_variables()), "y": y}


def case_core_int_variable_watch_warns(tf):
    v = tf.Variable(3)
    with capture_warnings() as caught:
        with tf.GradientTape() as tape:
            tape.watch(v)
            y = v * v
    return {"grad": tape.gradient(y, v), "warnings": caught}


def case_core_unwatched_source_is_target(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        x * 2.0
    return {"self": tape.gradient(x, x)}


def case_core_unconnected_zero_mixed_list(tf):
    x = tf.constant(2.0)
    u = tf.constant([1.0, 2.0, 3.0])
    v = tf.Variable([[1.0], [2.0]])
    with tf.GradientTape() as tape:
        tape.watch([x, u])
        y = x * x
    return tape.gradient(y, [x, u, v], unconnected_gradients=tf.UnconnectedGradients.ZERO)


def case_core_unconnected_none_enum_and_string(tf):
    x = tf.constant(2.0)
    u = tf.constant(1.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, u])
        y = x * x
    return [
        tape.gradient(y, [x, u], unconnected_gradients=tf.UnconnectedGradients.NONE),
        tape.gradient(y, [x, u], unconnected_gradients="none"),
    ]


def case_core_unconnected_zero_float64(tf):
    x = tf.constant([1.0, 2.0], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.constant(1.0)
    return tape.gradient(y, x, unconnected_gradients="zero")


def case_core_matmul(tf):
    a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = tf.constant([[1.0, -1.0], [0.5, 2.0], [-3.0, 1.0]])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        c = tf.matmul(a, b)
        loss = tf.reduce_sum(c * c)
    return tape.gradient(loss, {"a": a, "b": b})


def case_core_matmul_operator_variable(tf):
    w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    x = tf.constant([[1.0, -1.0]])
    with tf.GradientTape() as tape:
        y = x @ w
        loss = tf.reduce_mean(y)
    return {"y": y, "grad": tape.gradient(loss, w)}


def case_core_exp_sin_log(tf):
    x = tf.constant([0.5, 1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        e = tf.exp(x)
        s = tf.sin(x)
        lg = tf.math.log(x)
    return {"exp": tape.gradient(e, x), "sin": tape.gradient(s, x), "log": tape.gradient(lg, x)}


def case_core_arithmetic_operators(tf):
    x = tf.constant(2.0)
    y = tf.constant(5.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        results = {
            "add": x + y,
            "sub": x - y,
            "rsub": 1.0 - x,
            "mul": x * y,
            "div": x / y,
            "rdiv": 1.0 / x,
            "neg": -x,
            "pow": x**y,
            "rpow": 2.0**x,
        }
    return {name: tape.gradient(value, [x, y]) for name, value in results.items()}


def case_core_broadcast_reduction(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    s = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([x, s])
        y = (x + tf.ones((2, 3))) * s
    return tape.gradient(y, [x, s])


def case_core_reduce_axis(tf):
    x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        s0 = tf.reduce_sum(x, axis=0)
        m1 = tf.reduce_mean(x, axis=1, keepdims=True)
        s0_sq = s0 * s0
        m1_sq = m1 * m1
    return {
        "s0": s0,
        "m1": m1,
        "grad_s0": tape.gradient(s0_sq, x),
        "grad_m1": tape.gradient(m1_sq, x),
        "after_close": tape.gradient(s0 * s0, x),
    }


def case_core_reshape(tf):
    x = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reshape(x, (2, 3))
        z = tf.reduce_sum(y * tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    return {"y": y, "grad": tape.gradient(z, x)}


def case_core_indexing(tf):
    x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = x[0]
        b = x[1, 2]
        bb = b * b
        c = x[:, 1:]
        d = x[-1, ::2]
    return {
        "a": tape.gradient(a, x),
        "b": tape.gradient(bb, x),
        "c": tape.gradient(c, x),
        "d": tape.gradient(d, x),
        "values": [a, b, c, d],
    }


def case_core_indexing_one_slice(tf):
    # A bare slice (no tuple): forward, clamped, strided, empty and reversed, with
    # gradients; and a slice of a scalar, which TF refuses.
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        parts = [x[1:], x[:-1], x[::2], x[-10:2], x[5:], x[::-1], x[1:0]]
        total = tf.add_n([tf.reduce_sum(p * p) for p in parts])
    try:
        scalar = tf.constant(2.0)[1:]
    except Exception as error:  # noqa: BLE001 - the class is the answer
        scalar = type(error).__name__
    return {"values": parts, "grad": tape.gradient(total, x), "scalar": scalar}


def case_core_stop_gradient(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.stop_gradient(x * x) + x
    return tape.gradient(y, x)


def case_core_tape_in_function(tf):
    def grad_of_cube(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x * x
        return tape.gradient(y, x)

    return [
        grad_of_cube(tf.constant(1.0)),
        grad_of_cube(tf.constant(2.0)),
        grad_of_cube(tf.constant([1.0, 3.0])),
    ]


def case_core_variable_watched_explicitly_non_trainable(tf):
    v = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as tape:
        tape.watch(v)
        y = v * v
    return {
        "grad": tape.gradient(y, v),
        "trainable": v.trainable,
        "n_watched": len(tape.watched_variables()),
    }


def case_core_variable_attributes(tf):
    v = tf.Variable([[1.0, 2.0]], name="w")
    u = tf.Variable(1.0)
    return {
        "name": v.name,
        "default_name": u.name,
        "shape": v.shape,
        "dtype": v.dtype,
        "trainable": v.trainable,
        "numpy": v.numpy(),
        "read": v.read_value(),
    }


def case_core_variable_assign_inside_tape(tf):
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        v.assign(3.0)
        y = v * v
    return {"grad": tape.gradient(y, v), "y": y}


def case_core_variable_assign_add_sub_after_recording(tf):
    v = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = v * v
        z = v * v * v
    v.assign_add(5.0)
    g1 = tape.gradient(y, v)
    v.assign_sub(1.0)
    g2 = tape.gradient(z, v)
    return {"g1": g1, "g2": g2, "v": v.numpy()}


def case_core_variable_created_inside_tape(tf):
    with tf.GradientTape() as tape:
        v = tf.Variable([1.0, 2.0])
        y = tf.reduce_sum(v * v)
    return tape.gradient(y, v)


def case_core_variable_in_ops(tf):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = (
            tf.reduce_sum(tf.square(v))
            + tf.reduce_mean(tf.matmul(v, v))
            + tf.reduce_sum(tf.exp(v) * 0.01)
        )
    return tape.gradient(y, v)


def case_core_variable_read_outside_then_inside(tf):
    v = tf.Variable(2.0)
    outside = v * 3.0
    with tf.GradientTape() as tape:
        inside = v * 3.0
        y = outside + inside
    return {"grad": tape.gradient(y, v), "watched": [w is v for w in tape.watched_variables()]}


def case_core_stop_recording_variable_not_watched(tf):
    v = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            y = v * v
        z = y * v
    return {"grad": tape.gradient(z, v), "n_watched": len(tape.watched_variables())}


def case_core_stop_recording_only_that_tape(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            with inner.stop_recording():
                y = x * x
    return {"inner": inner.gradient(y, x), "outer": outer.gradient(y, x)}


def case_core_stop_recording_then_resume(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = x * x
        z = y + 3.0 * x
    return tape.gradient(z, x)


def case_core_reset_forgets_watch(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        tape.reset()
        y = x * x
    return tape.gradient(y, x)


def case_core_reset_persistent(tf):
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        tape.reset()
        tape.watch(x)
        z = x * x * x
    return {"y": tape.gradient(y, x), "z": tape.gradient(z, x), "z_again": tape.gradient(z, x)}


def case_core_nested_outer_only_watches(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            y = x * x
        inner_grad = inner.gradient(y, x)
    return {"inner": inner_grad, "outer": outer.gradient(y, x)}


def case_core_nested_mixed_partials(tf):
    x = tf.Variable(2.0)
    y = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            f = x * x * y
        dfdx = inner.gradient(f, x)
    return {"dfdx": dfdx, "d2f_dxdy": outer.gradient(dfdx, [x, y])}


def case_core_nested_persistent_outer_hessian_diag(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(x * x * x)
        g = inner.gradient(y, x)
        g_sum = tf.reduce_sum(g)
    return {"g": g, "hess_row_sums": outer.gradient(g_sum, x), "g_again": outer.gradient(g, x)}


def case_core_three_level_nesting(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = x**4
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    return [y, d1, d2, d3]


def case_core_gradient_wrt_intermediate_and_source(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sin(x)
        z = tf.reduce_sum(y * y)
    return tape.gradient(z, {"x": x, "y": y})


def case_core_target_is_variable(tf):
    v = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        pass
    return tape.gradient(v, v)


def case_core_target_none(tf):
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
    try:
        tape.gradient(None, x)
    except TypeError as e:
        return type(e).__name__
    return None


def case_core_stop_recording_never_entered(tf):
    tape = tf.GradientTape()
    try:
        with tape.stop_recording():
            pass
    except RuntimeError as e:
        return {"error": type(e).__name__, "message": str(e)}
    return None


def case_core_tape_context_returns_self(tf):
    tape = tf.GradientTape()
    with tape as entered:
        same = entered is tape
    return same


def case_core_watched_variables_never_entered(tf):
    watched = tf.GradientTape().watched_variables()
    return {"is_tuple": isinstance(watched, tuple), "len": len(watched)}


def case_core_gradient_values_dtype_and_kind(tf):
    v = tf.Variable([1.0, 2.0])
    x = tf.constant([3.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(v * x)
    gv, gx = tape.gradient(y, [v, x])
    return {"gv": gv, "gx": gx, "gv_is_variable": isinstance(gv, tf.Variable)}


def case_core_nan_and_inf_values(tf):
    x = tf.constant([0.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.log(x)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_core_mlp_step(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5]])
    target = tf.constant([[1.0], [0.0], [1.0]])
    w1 = tf.Variable([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
    b1 = tf.Variable([0.0, 0.1, -0.1])
    w2 = tf.Variable([[0.3], [-0.1], [0.2]])
    losses = []
    for _ in range(3):
        with tf.GradientTape() as tape:
            h = tf.sin(x @ w1 + b1)
            out = h @ w2
            loss = tf.reduce_mean(tf.square(out - target))
        grads = tape.gradient(loss, [w1, b1, w2])
        for var, grad in zip([w1, b1, w2], grads):
            var.assign_sub(0.1 * grad)
        losses.append(loss)
    return {"losses": losses, "w1": w1.numpy(), "b1": b1.numpy(), "w2": w2.numpy()}


def case_core_convert_to_tensor_watch(tf):
    x = tf.convert_to_tensor([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.multiply(x, x))
    return tape.gradient(y, x)


def case_core_python_scalar_ops_keep_dtype(tf):
    x = tf.constant(2.0, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2 + 1.5 - x / 4
    return {"y": y, "grad": tape.gradient(y, x)}


def case_core_zeros_source_shape(tf):
    x = tf.zeros((2, 3))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.exp(x))
    return tape.gradient(y, x)


def case_core_assign_add_shape_mismatch(tf):
    v = tf.Variable([1.0, 2.0])
    return v.assign_add(tf.ones((3, 2)))


def case_core_assign_shape_mismatch(tf):
    v = tf.Variable([1.0, 2.0])
    return v.assign(tf.ones((3, 2)))
