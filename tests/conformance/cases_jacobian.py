"""Jacobian cases: `GradientTape.jacobian` and `batch_jacobian`, and Hessians by nesting.

Sources: the `jacobian`/`batch_jacobian` docstrings, the Jacobian and Hessian sections
of TF's advanced autodiff guide (dense layers written out with `tf.Variable` and
`tf.matmul`, deterministic inputs instead of `tf.random`), the `JacobianTest` and
`BatchJacobianTest` classes of `tensorflow/python/eager/backprop_test.py`, SPEC
section 2, and TF 2.21 behaviours found by running it (dtypes, `None`s, errors).

Every case is a function of a module `tf` (real TensorFlow or `tftape_torch`) and uses
only: `constant`, `Variable`, `GradientTape`, `UnconnectedGradients`, `linspace`,
`reshape`, `concat`, `cast`, `zeros`, `ones`, `matmul`, `reduce_sum`, `reduce_mean`,
`reduce_max`, `abs`, `sqrt`, `tanh`, `sigmoid`, `nn.sigmoid`, `nn.relu`, the dtypes,
Python operators and indexing. Answers live in `golden/cases_jacobian.json`.

Naming: `case_doc_*` docstrings, `case_guide_*` the advanced autodiff guide,
`case_bp_*` backprop_test.py (named after the TF test), `case_jac_*` and `case_bj_*`
other jacobian / batch_jacobian behaviours.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import tolerance

SPENT = (
    "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)"
)


def _data(shape, phase=0.0, scale=1.0):
    """Deterministic float32 values in [-scale, scale] (no `tf.random`: the RNGs differ)."""
    count = int(np.prod(shape))
    values = np.sin(np.arange(count, dtype=np.float64) * 0.731 + 0.37 + phase) * scale
    return values.reshape(shape).astype(np.float32)


def _per_example_summary(tf, jacobians, every):
    """Per-example jacobians as a case returns them: their shapes, every `every`-th
    example's row, and each jacobian summed over the examples."""
    return {
        "shapes": [[int(d) for d in j.shape] for j in jacobians],
        "rows": [j[::every] for j in jacobians],
        "sums": [tf.reduce_sum(j, axis=0) for j in jacobians],
    }


def _dense(tf, x, kernel, bias, activation):
    return activation(tf.matmul(x, kernel) + bias)


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are the answer
        return {"error": type(e).__name__, "message": str(e)}
    return {"error": None}


# ---------------------------------------------------------------------------
# GradientTape docstrings


def case_doc_jacobian(tf):
    with tf.GradientTape() as g:
        x = tf.constant([1.0, 2.0])
        g.watch(x)
        y = x * x
    return g.jacobian(y, x)


def case_doc_batch_jacobian(tf):
    with tf.GradientTape() as g:
        x = tf.constant([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float32)
        g.watch(x)
        y = x * x
    return g.batch_jacobian(y, x)


def case_doc_hessian_jacobian_of_gradient(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(x**3)
        g = inner.gradient(y, x)
    return {"g": g, "h": outer.jacobian(g, x)}


# ---------------------------------------------------------------------------
# TF's advanced autodiff guide: Jacobians, Hessian, batch Jacobian


def case_guide_jacobian_scalar_source(tf):
    x = tf.linspace(-10.0, 10.0, 200 + 1)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    dy_dx = tape.jacobian(y, delta)
    return {"y": y, "dy_dx": dy_dx}


@tolerance(rtol=1e-5, atol=1e-5)
def case_guide_jacobian_tensor_source(tf):
    x = tf.constant(_data([7, 5]))
    kernel = tf.Variable(_data([5, 10], phase=1.0, scale=0.6))
    bias = tf.Variable(_data([10], phase=2.0, scale=0.1))
    with tf.GradientTape(persistent=True) as tape:
        y = _dense(tf, x, kernel, bias, tf.nn.relu)
    j = tape.jacobian(y, kernel)
    g = tape.gradient(y, kernel)
    j_sum = tf.reduce_sum(j, axis=[0, 1])
    delta = tf.reduce_max(tf.abs(g - j_sum))
    return {"j": j, "g": g, "j_sum": j_sum, "delta_small": bool(delta < 1e-5)}


@tolerance(rtol=1e-4, atol=1e-5)
def case_guide_hessian(tf):
    x = tf.constant(_data([7, 5]))
    kernel1 = tf.Variable(_data([5, 8], phase=1.0, scale=0.5))
    bias1 = tf.Variable(_data([8], phase=2.0, scale=0.1))
    kernel2 = tf.Variable(_data([8, 6], phase=3.0, scale=0.5))
    bias2 = tf.Variable(_data([6], phase=4.0, scale=0.1))
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            h = _dense(tf, x, kernel1, bias1, tf.nn.relu)
            h = _dense(tf, h, kernel2, bias2, tf.nn.relu)
            loss = tf.reduce_mean(h**2)
        g = t1.gradient(loss, kernel1)
    hessian = t2.jacobian(g, kernel1)
    n_params = int(np.prod(kernel1.shape))
    g_vec = tf.reshape(g, [n_params, 1])
    h_mat = tf.reshape(hessian, [n_params, n_params])
    return {"loss": loss, "hessian": hessian, "g_vec": g_vec, "h_mat": h_mat}


@tolerance(rtol=1e-4, atol=1e-5)
def case_guide_hessian_tanh_model(tf):
    # The same, with a smooth activation so every second derivative is nonzero.
    x = tf.constant(_data([6, 4]))
    kernel1 = tf.Variable(_data([4, 3], phase=1.0, scale=0.5))
    kernel2 = tf.Variable(_data([3, 2], phase=3.0, scale=0.5))
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            h = tf.tanh(tf.matmul(x, kernel1))
            h = tf.tanh(tf.matmul(h, kernel2))
            loss = tf.reduce_mean(h**2)
        g = t1.gradient(loss, [kernel1, kernel2])
    return {"g": g, "h": t2.jacobian(g[0], [kernel1, kernel2])}


@tolerance(rtol=1e-5, atol=1e-5)
def case_guide_batch_jacobian(tf):
    x = tf.constant(_data([7, 5]))
    kernel1 = tf.Variable(_data([5, 8], phase=1.0, scale=0.6))
    bias1 = tf.Variable(_data([8], phase=2.0, scale=0.1))
    kernel2 = tf.Variable(_data([8, 6], phase=3.0, scale=0.6))
    bias2 = tf.Variable(_data([6], phase=4.0, scale=0.1))
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = _dense(tf, x, kernel1, bias1, tf.tanh)
        y = _dense(tf, y, kernel2, bias2, tf.sigmoid)
    j = tape.jacobian(y, x)
    j_sum = tf.reduce_sum(j, axis=2)
    jb = tape.batch_jacobian(y, x)
    error = tf.reduce_max(tf.abs(jb - j_sum))
    return {"j": j, "jb": jb, "error_small": bool(error < 1e-6)}


@tolerance(rtol=1e-4, atol=1e-5)
def case_guide_batch_jacobian_with_batch_norm(tf):
    # Batch normalization couples the examples: batch_jacobian still runs, and gives
    # the gradient of sum_b y[b, m] with respect to each example.
    x = tf.constant(_data([7, 5]))
    kernel1 = tf.Variable(_data([5, 8], phase=1.0, scale=0.6))
    kernel2 = tf.Variable(_data([8, 6], phase=3.0, scale=0.6))
    with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = tf.tanh(tf.matmul(x, kernel1))
        mean = tf.reduce_mean(y, axis=0)
        var = tf.reduce_mean((y - mean) ** 2, axis=0)
        y = (y - mean) / tf.sqrt(var + 1e-3)
        y = tf.sigmoid(tf.matmul(y, kernel2))
    j = tape.jacobian(y, x)
    jb = tape.batch_jacobian(y, x)
    return {"j_sum": tf.reduce_sum(j, axis=0), "jb": jb}


# ---------------------------------------------------------------------------
# backprop_test.py: JacobianTest


def _bp_jacobian(tf, experimental_use_pfor):
    with tf.GradientTape(persistent=not experimental_use_pfor) as g:
        x = tf.constant([1.0, 2.0])
        y = tf.constant([3.0, 4.0])
        g.watch(x)
        g.watch(y)
        z = x * x * y
    return g.jacobian(z, [x, y], experimental_use_pfor=experimental_use_pfor)


def case_bp_jacobian_pfor(tf):
    return _bp_jacobian(tf, True)


def case_bp_jacobian_while_loop(tf):
    return _bp_jacobian(tf, False)


def case_bp_jacobian_persistent_tape(tf):
    with tf.GradientTape() as g:
        x = tf.constant([1.0, 2.0])
        g.watch(x)
        y = x * x
    return _error(lambda: g.jacobian(y, x, experimental_use_pfor=False))


def case_bp_jacobian_parallel_iterations(tf):
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant([[1.0, 2], [3, 4]])
        g.watch(x)
        y = tf.matmul(x, x)
    return [g.jacobian(y, x, parallel_iterations=2), g.jacobian(y, x, parallel_iterations=3)]


def case_bp_nested_jacobian(tf):
    x = tf.ones((10, 2))
    with tf.GradientTape(persistent=False) as g:
        g.watch(x)
        with tf.GradientTape(persistent=False) as gg:
            gg.watch(x)
            y = tf.reduce_sum(x * x)
        dy_x = gg.jacobian(y, x)
    return {"dy_x": dy_x, "dy_xx": g.batch_jacobian(dy_x, x)}


def case_bp_indexed_slices(tf):
    with tf.GradientTape(persistent=True) as g:
        inp = tf.constant(_data([3, 2]))
        g.watch(inp)
        output = inp[0:3:2]
    return [
        g.jacobian(output, inp, experimental_use_pfor=True),
        g.jacobian(output, inp, experimental_use_pfor=False),
    ]


def case_bp_cond_func_grad_jacobian(tf):
    def f(x):
        if x > 0.0:
            return x**3.0
        return x**2.0

    with tf.GradientTape(persistent=True) as tape:
        x = tf.constant(1.0)
        tape.watch(x)
        y = f(x)
        grad = tape.gradient(y, x)
    return {
        "grad": grad,
        "loop": tape.jacobian(grad, x, experimental_use_pfor=False),
        "pfor": tape.jacobian(grad, x, experimental_use_pfor=True),
    }


def case_bp_empty_tensor_consistent_jacobian(tf):
    variable = tf.Variable(1.0)
    inputs = (
        tf.constant(np.zeros((0, 4), dtype=np.float64)),
        tf.constant(np.zeros((0, 3), dtype=np.float64)),
    )
    with tf.GradientTape(persistent=True) as tape:
        outputs = variable * tf.cast(tf.concat(inputs, axis=-1), tf.float32)
    return [
        tape.jacobian(outputs, variable, experimental_use_pfor=True),
        tape.jacobian(outputs, variable, experimental_use_pfor=False),
    ]


# ---------------------------------------------------------------------------
# backprop_test.py: BatchJacobianTest


def _bp_batch_jacobian(tf, experimental_use_pfor):
    with tf.GradientTape(persistent=not experimental_use_pfor) as g:
        x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        y = tf.constant([[3.0, 4.0], [5.0, 6.0]])
        g.watch(x)
        z = x * x * y
    return g.batch_jacobian(z, x, experimental_use_pfor=experimental_use_pfor)


def case_bp_batch_jacobian_pfor(tf):
    return _bp_batch_jacobian(tf, True)


def case_bp_batch_jacobian_while_loop(tf):
    return _bp_batch_jacobian(tf, False)


def case_bp_batch_jacobian_persistent_tape(tf):
    with tf.GradientTape() as g:
        x = tf.constant([[1.0, 2.0]])
        g.watch(x)
        y = x * x
    return _error(lambda: g.batch_jacobian(y, x, experimental_use_pfor=False))


def case_bp_batch_jacobian_bad_shape(tf):
    x = tf.ones([2, 3])
    with tf.GradientTape() as g:
        y = tf.concat([x, x], axis=0)
    return _error(lambda: g.batch_jacobian(y, x))


def case_bp_batch_jacobian_bad_input_rank(tf):
    x = tf.ones([2])
    with tf.GradientTape() as g:
        y = tf.ones([2, 2])
    return _error(lambda: g.batch_jacobian(y, x))


def case_bp_batch_jacobian_bad_output_rank(tf):
    x = tf.ones([2, 2])
    with tf.GradientTape() as g:
        y = tf.ones([2])
    return _error(lambda: g.batch_jacobian(y, x))


def case_bp_batch_jacobian_parallel_iterations(tf):
    with tf.GradientTape(persistent=True) as g:
        x = tf.constant([[1.0, 2], [3, 4]])
        g.watch(x)
        w = tf.constant([[1.0, 2, 3, 4], [5, 6, 7, 8]])
        y = tf.matmul(x, w)
    return [
        g.batch_jacobian(y, x, parallel_iterations=2),
        g.batch_jacobian(y, x, parallel_iterations=3),
    ]


def case_bp_batch_jacobian_degenerate_shape(tf):
    results = []
    for use_pfor in (True, False):
        x = tf.zeros([1, 0])
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = x**2
        results.append(tape.batch_jacobian(y, x, experimental_use_pfor=use_pfor))
    return results


def case_bp_batch_jacobian_zeros_type_correct(tf):
    results = []
    for use_pfor in (True, False):
        for dtype in (tf.float32, tf.float64):
            for unconnected in ("none", "zero"):
                with tf.GradientTape(persistent=True) as tape:
                    x = tf.constant([[2.0]], dtype=dtype)
                    tape.watch(x)
                    y = tf.constant([[1.0]], dtype=dtype)
                results.append(
                    tape.batch_jacobian(
                        y, x, unconnected_gradients=unconnected, experimental_use_pfor=use_pfor
                    )
                )
    return results


def case_bp_batch_jacobian_strided_slice(tf):
    x = tf.ones([2, 4, 2])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.concat([x, x], axis=1)
        y = y[:, :3, :]
    return tape.batch_jacobian(y, x)


# ---------------------------------------------------------------------------
# jacobian: other behaviours (TF 2.21)


def case_jac_unconnected_unwatched_source(tf):
    x = tf.constant([1.0, 2.0])
    z = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.jacobian(y, [x, z])


def case_jac_unconnected_zero(tf):
    x = tf.constant([1.0, 2.0])
    z = tf.constant([3.0, 4.0, 5.0], dtype=tf.float64)
    with tf.GradientTape() as g:
        g.watch(x)
        g.watch(z)
        y = x * x
    return g.jacobian(y, [x, z], unconnected_gradients=tf.UnconnectedGradients.ZERO)


def case_jac_unconnected_zero_string(tf):
    x = tf.constant([1.0, 2.0])
    z = tf.constant([[3.0, 4.0]])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.jacobian(y, z, unconnected_gradients="zero")


def case_jac_second_call_message(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    first = g.jacobian(y, x)
    return {"first": first, "second": _error(lambda: g.jacobian(y, x))}


def case_jac_then_gradient_raises(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    g.jacobian(y, x)
    return g.gradient(y, x)


def case_jac_inside_context_then_gradient(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
        jac = g.jacobian(y, x)
        z = y * 2
    return {"jac": jac, "then": _error(lambda: g.gradient(z, x))}


def case_jac_never_entered(tf):
    x = tf.constant([1.0, 2.0])
    return tf.GradientTape().jacobian(x, x)


def case_jac_non_persistent_loop_does_not_use_up_tape(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    refused = _error(lambda: g.jacobian(y, x, experimental_use_pfor=False))
    return {"refused": refused, "then": g.jacobian(y, x)}


def case_jac_scalar_target_scalar_source(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.jacobian(y, x)


def case_jac_wrt_itself(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.jacobian(y, y)


def case_jac_scalar_wrt_itself(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.jacobian(y, y)


def case_jac_watched_source_wrt_itself(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as g:
        g.watch(x)
    return g.jacobian(x, x)


def case_jac_unwatched_wrt_itself(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        _y = x * x
    return g.jacobian(x, x)


def case_jac_variable_wrt_itself(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as g:
        _y = v * 1.0
    return g.jacobian(v, v)


def case_jac_variable_source(tf):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as g:
        y = tf.reduce_sum(v * v, axis=1)
    return g.jacobian(y, v)


def case_jac_int_target(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = tf.cast(x * x, tf.int32)
    return [g.jacobian(y, x), g.jacobian(y, x, unconnected_gradients="zero")]


def case_jac_float64_target_float32_source(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = tf.cast(x * x, tf.float64)
    return g.jacobian(y, x)


def case_jac_nested_sources(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    s = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        g.watch(s)
        y = tf.reduce_sum(x * x, axis=1) * s
    return {
        "dict": g.jacobian(y, {"b": x, "a": [x, s]}),
        "tuple": g.jacobian(y, (s, (x,))),
        "loop": g.jacobian(y, {"b": x, "a": [x, s]}, experimental_use_pfor=False),
    }


def case_jac_list_target(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.jacobian([y], x)


def case_jac_empty_target(tf):
    x = tf.zeros([0, 2])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.jacobian(y, x)


def case_jac_target_after_tape(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
    y = x * x
    return g.jacobian(y, x)


def case_jac_stop_recording(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        a = x * x
        with g.stop_recording():
            b = x * x
        c = a + b
    return [g.jacobian(a, x), g.jacobian(b, x), g.jacobian(c, x)]


def case_jac_parallel_iterations_persistent(tf):
    x = tf.linspace(-1.0, 1.0, 7)
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = tf.reshape(tf.tanh(x) * x[0:1], [7, 1]) * x
    return [
        g.jacobian(y, x),
        g.jacobian(y, x, parallel_iterations=2),
        g.jacobian(y, x, parallel_iterations=5),
        g.jacobian(y, x, parallel_iterations=100),
    ]


def case_jac_parallel_iterations_one(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
    return _error(lambda: g.jacobian(y, x, parallel_iterations=1))


def case_jac_parallel_iterations_zero(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
    return _error(lambda: g.jacobian(y, x, parallel_iterations=0))


def case_jac_parallel_iterations_at_least_rows_non_persistent(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.jacobian(y, x, parallel_iterations=3)


def case_jac_loop_parallel_iterations(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = tf.reduce_sum(x * x, axis=1)
    return g.jacobian(y, x, experimental_use_pfor=False, parallel_iterations=1)


def case_jac_nested_hessian_non_scalar(tf):
    x = tf.constant([0.5, -1.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.tanh(x) * tf.reduce_sum(x * x)
        j = inner.jacobian(y, x)
    return {"j": j, "dj": outer.jacobian(j, x)}


def case_jac_gradient_of_jacobian(tf):
    x = tf.constant([0.5, -1.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.sigmoid(x) * tf.reduce_sum(x)
        total = tf.reduce_sum(inner.jacobian(y, x))
    return outer.gradient(total, x)


def case_jac_hessian_persistent_outer_after_close(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(x**3)
    g = inner.gradient(y, x)  # computed after the outer tape closed: not recorded
    return {"g": g, "h": outer.jacobian(g, x)}


# ---------------------------------------------------------------------------
# batch_jacobian: other behaviours (TF 2.21)


def case_bj_mismatched_first_dimension(tf):
    x = tf.ones([3, 2])
    z = tf.ones([4, 2])
    with tf.GradientTape() as g:
        g.watch(x)
        g.watch(z)
        y = z * 2
    return _error(lambda: g.batch_jacobian(y, x))


def case_bj_rank0_target(tf):
    x = tf.ones([3, 2])
    with tf.GradientTape() as g:
        g.watch(x)
        y = tf.reduce_sum(x)
    return _error(lambda: g.batch_jacobian(y, x))["error"]


def case_bj_rank1_target(tf):
    x = tf.ones([3, 2])
    with tf.GradientTape() as g:
        g.watch(x)
        y = tf.reduce_sum(x, axis=1)
    return _error(lambda: g.batch_jacobian(y, x))


def case_bj_empty_batch(tf):
    x = tf.zeros([0, 2])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return _error(lambda: g.batch_jacobian(y, x))["error"]


def case_bj_empty_rows(tf):
    x = tf.zeros([2, 0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.batch_jacobian(y, x)


def case_bj_unconnected_is_zeros_of_target_dtype(tf):
    x = tf.ones([3, 2])
    z = tf.ones([3, 4], dtype=tf.float64)
    with tf.GradientTape() as g:
        g.watch(x)
        g.watch(z)
        y = x * 2
    return g.batch_jacobian(y, z)


def case_bj_unconnected_zero_is_zeros_of_source_dtype(tf):
    x = tf.ones([3, 2])
    z = tf.ones([3, 4], dtype=tf.float64)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * 2
    return g.batch_jacobian(y, z, unconnected_gradients="zero")


def case_bj_int_target(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as g:
        g.watch(x)
        y = tf.cast(x * x, tf.int32)
    return g.batch_jacobian(y, x)


def case_bj_float64_target_float32_source(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as g:
        g.watch(x)
        y = tf.cast(x * x, tf.float64)
    return g.batch_jacobian(y, x)


def case_bj_wrt_itself(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return g.batch_jacobian(y, y)


def case_bj_unwatched_wrt_itself(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as g:
        _y = x * x
    return g.batch_jacobian(x, x)


def case_bj_second_call_raises(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    g.batch_jacobian(y, x)
    return g.batch_jacobian(y, x)


def case_bj_list_source(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    return _error(lambda: g.batch_jacobian(y, [x]))["error"]


def case_bj_variable_source(tf):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as g:
        y = v * v * v
    return g.batch_jacobian(y, v)


def case_bj_examples_interact(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as g:
        g.watch(x)
        y = tf.matmul(x, x)
    return g.batch_jacobian(y, x)


def case_bj_higher_rank(tf):
    x = tf.constant(_data([3, 2, 4]))
    w = tf.constant(_data([4, 5], phase=1.0))
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = tf.tanh(tf.matmul(tf.reshape(x, [6, 4]), w))
        y = tf.reshape(y, [3, 2, 5])
    return [
        g.batch_jacobian(y, x),
        g.batch_jacobian(y, x, parallel_iterations=4),
        g.batch_jacobian(y, x, experimental_use_pfor=False),
    ]


def case_bj_parallel_iterations_one(tf):
    x = tf.ones([2, 3])
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
    return _error(lambda: g.batch_jacobian(y, x, parallel_iterations=1))


def case_bj_nested_second_order(tf):
    x = tf.constant([[4, 2], [1, 3]], dtype=tf.float32)
    with tf.GradientTape() as gfg:
        gfg.watch(x)
        with tf.GradientTape() as gg:
            gg.watch(x)
            y = x * x * x
        first_order = gg.batch_jacobian(y, x)
    second_order = gfg.batch_jacobian(first_order, x)
    return {"first_order": first_order, "second_order": second_order}


def case_bj_nested_coupled_components(tf):
    x = tf.constant([[1.0, 2.0], [3.0, -1.0], [0.5, 0.25]])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x**3 + x[:, :1] * x
        first = inner.batch_jacobian(y, x)
    return {"first": first, "second": outer.batch_jacobian(first, x)}


# ---------------------------------------------------------------------------
# Formulations (the jacobian benchmark matrix): each through `jacobian` (in one
# pass and in chunks), `batch_jacobian` and a Hessian by nested tapes, with an
# unconnected source (None, and zeros), written with TF's ops only.


def _mT(tf, x):
    rank = len(x.shape)
    return tf.transpose(x, list(range(rank - 2)) + [rank - 1, rank - 2])


def _lead(x):
    return [int(d) for d in x.shape[:-1]], int(x.shape[-1])


def _f_matmul_col(tf, p, x):
    lead, n = _lead(x)
    return tf.tanh(tf.reshape(tf.matmul(p["w"], tf.reshape(x, lead + [n, 1])), lead + [n]))


def _f_matmul_col_t(tf, p, x):
    lead, n = _lead(x)
    return tf.tanh(_mT(tf, tf.matmul(p["w"], tf.reshape(x, lead + [n, 1]))))


def _f_matmul_row(tf, p, x):
    lead, n = _lead(x)
    return tf.tanh(tf.reshape(tf.matmul(tf.reshape(x, lead + [1, n]), p["w"]), lead + [n]))


def _f_matmul_row_t(tf, p, x):
    lead, n = _lead(x)
    return tf.tanh(_mT(tf, tf.matmul(tf.reshape(x, lead + [1, n]), p["w"])))


def _f_matvec(tf, p, x):
    return tf.tanh(tf.linalg.matvec(p["w"], x))


def _f_einsum(tf, p, x):
    return tf.tanh(tf.einsum("ij,...j->...i", p["w"], x))


def _f_mlp(tf, p, x):
    shape = [int(d) for d in x.shape]
    rows = tf.reshape(x, [-1, shape[-1]])
    hidden = tf.tanh(tf.matmul(rows, p["w1"]) + p["b1"])
    return tf.reshape(tf.matmul(hidden, p["w2"]), shape)


def _f_softmax(tf, p, x):
    return tf.nn.softmax(x * 2.0, axis=-1)


def _f_layer_norm(tf, p, x):
    mean = tf.reduce_mean(x, axis=-1, keepdims=True)
    centered = x - mean
    var = tf.reduce_mean(centered * centered, axis=-1, keepdims=True)
    return centered / tf.sqrt(var + 1e-5) * p["gamma"] + p["beta"]


def _f_conv1d(tf, p, x):
    lead, n = _lead(x)
    y = tf.nn.conv1d(tf.reshape(x, [-1, n, 1]), p["k1"], stride=1, padding="SAME")
    return tf.tanh(tf.reshape(y, lead + [4 * n]))


def _f_conv2d(tf, p, x):
    lead, n = _lead(x)
    side = int(round(n**0.5))
    y = tf.nn.conv2d(tf.reshape(x, [-1, side, side, 1]), p["k2"], strides=1, padding="SAME")
    return tf.tanh(tf.reshape(y, lead + [4 * n]))


def _f_gather(tf, p, x):
    return tf.gather(x, p["idx"], axis=-1) * x


def _f_logsumexp(tf, p, x):
    lead, n = _lead(x)
    return tf.reduce_logsumexp(tf.reshape(x, lead + [n // 4, 4]), axis=-1)


def _f_reduce_max(tf, p, x):
    lead, n = _lead(x)
    return tf.reduce_max(tf.reshape(x, lead + [n // 4, 4]), axis=-1) * 2.0


def _f_elementwise(tf, p, x):
    return tf.sin(x) * tf.exp(x * x * -0.5) + tf.tanh(x) * x


def _form_params(tf, n):
    return {
        "w": tf.constant(_data([n, n], phase=1.0, scale=0.4)),
        "w1": tf.constant(_data([n, n], phase=2.0, scale=0.4)),
        "b1": tf.constant(_data([n], phase=3.0, scale=0.1)),
        "w2": tf.constant(_data([n, n], phase=4.0, scale=0.4)),
        "gamma": tf.constant(1.0 + _data([n], phase=5.0, scale=0.1)),
        "beta": tf.constant(_data([n], phase=6.0, scale=0.1)),
        "k1": tf.constant(_data([3, 1, 4], phase=7.0, scale=0.5)),
        "k2": tf.constant(_data([3, 3, 1, 4], phase=8.0, scale=0.4)),
        "idx": tf.constant(
            np.array([(5 * i + 3) % n for i in range(n)][:-2] + [0, 0], dtype=np.int64)
        ),
    }


def _formulation(tf, fn, n=8, batch=3):
    p = _form_params(tf, n)
    x = tf.constant(_data([n], phase=0.3))
    other = tf.constant(_data([n], phase=0.9))
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        g.watch(other)
        y = fn(tf, p, x)
    out = {
        "y": y,
        "jacobian": g.jacobian(y, x),
        "jacobian_chunks_of_3": g.jacobian(y, x, parallel_iterations=3),
        "jacobian_row_loop": g.jacobian(y, x, experimental_use_pfor=False),
        "unconnected": g.jacobian(y, other),
        "unconnected_zero": g.jacobian(
            y, other, unconnected_gradients=tf.UnconnectedGradients.ZERO
        ),
        "both": g.jacobian(y, [x, other]),
    }
    xb = tf.constant(_data([batch, n], phase=0.6))
    with tf.GradientTape(persistent=True) as gb:
        gb.watch(xb)
        yb = fn(tf, p, xb)
    out["batch_jacobian"] = gb.batch_jacobian(yb, xb)
    out["batch_jacobian_chunks_of_3"] = gb.batch_jacobian(yb, xb, parallel_iterations=3)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            s = tf.reduce_sum(fn(tf, p, x) ** 2)
        grad = inner.gradient(s, x)
    out["hessian"] = outer.jacobian(grad, x)
    return out


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_matmul_col(tf):
    return _formulation(tf, _f_matmul_col)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_matmul_col_transposed(tf):
    return _formulation(tf, _f_matmul_col_t)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_matmul_row(tf):
    return _formulation(tf, _f_matmul_row)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_matmul_row_transposed(tf):
    return _formulation(tf, _f_matmul_row_t)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_matvec(tf):
    return _formulation(tf, _f_matvec)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_einsum(tf):
    return _formulation(tf, _f_einsum)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_mlp(tf):
    return _formulation(tf, _f_mlp)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_softmax(tf):
    return _formulation(tf, _f_softmax)


@tolerance(rtol=1e-4, atol=1e-4)
def case_form_layer_norm(tf):
    return _formulation(tf, _f_layer_norm)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_conv1d(tf):
    return _formulation(tf, _f_conv1d)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_conv2d(tf):
    return _formulation(tf, _f_conv2d, n=9)


def case_form_gather(tf):
    return _formulation(tf, _f_gather)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_logsumexp(tf):
    return _formulation(tf, _f_logsumexp)


def case_form_reduce_max(tf):
    return _formulation(tf, _f_reduce_max)


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_elementwise(tf):
    return _formulation(tf, _f_elementwise)


@tolerance(rtol=1e-4, atol=1e-4)
def case_form_rosenbrock_hessian(tf):
    x = tf.constant(_data([16], phase=0.2, scale=1.2))
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            head, tail = x[:-1], x[1:]
            y = tf.reduce_sum(100.0 * (tail - head**2) ** 2 + (1.0 - head) ** 2)
        g = inner.gradient(y, x)
    return {"g": g, "hessian": outer.jacobian(g, x)}


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_column_mlp_wrt_weights_and_input(tf):
    """Column-vector layers (TF-style W @ x): jacobians w.r.t. the input and every weight."""
    x = tf.constant(_data([5, 1], phase=0.4))
    w1 = tf.Variable(_data([6, 5], phase=1.0, scale=0.5))
    w2 = tf.Variable(_data([3, 6], phase=2.0, scale=0.5))
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        h = tf.tanh(tf.matmul(w1, x))
        y = tf.reshape(tf.matmul(w2, h), [3])
    return {
        "all": g.jacobian(y, [x, w1, w2]),
        "x": g.jacobian(y, x),
        "chunked": g.jacobian(y, [x, w1, w2], parallel_iterations=2),
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_conv1d_wide(tf):
    """A convolution with 8 filters on 48 inputs: 384 rows, 48 columns (tftape_torch
    takes its forward-over-reverse column path here). Every 5th row is compared, and
    sums over all of them."""
    p = {"k1": tf.constant(_data([3, 1, 8], phase=7.0, scale=0.5))}
    x = tf.constant(_data([48], phase=0.3))
    xb = tf.constant(_data([2, 48], phase=0.6))
    other = tf.constant(_data([3], phase=0.9))

    def f(v):
        lead, n = _lead(v)
        y = tf.nn.conv1d(tf.reshape(v, [-1, n, 1]), p["k1"], stride=1, padding="SAME")
        return tf.tanh(tf.reshape(y, lead + [8 * n]))

    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        g.watch(other)
        y = f(x)
    j = g.jacobian(y, x)
    chunked = g.jacobian(y, x, parallel_iterations=10)
    both = g.jacobian(y, [x, other], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    with tf.GradientTape() as gb:
        gb.watch(xb)
        yb = f(xb)
    bj = gb.batch_jacobian(yb, xb)
    return {
        "rows": j[::5],
        "chunked_rows": chunked[::5],
        "sum": tf.reduce_sum(j, axis=0),
        "weighted": tf.reduce_sum(j * y[:, None]),
        "shape": [int(d) for d in j.shape],
        "other_zero_sum": tf.reduce_sum(tf.abs(both[1])),
        "other_shape": [int(d) for d in both[1].shape],
        "bj_rows": bj[:, ::7],
        "bj_sum": tf.reduce_sum(bj, axis=1),
        "bj_shape": [int(d) for d in bj.shape],
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_form_expansion_columns(tf):
    """tanh(W sin(x) + b) from 64 to 256 values, a softmax over groups of 4: four times
    as many rows as columns and 2**14 entries (tftape_torch pushes the 64 columns
    forward through the recorded graph), under an outer tape too. Every 9th row is
    compared, and sums over all of them."""
    w = tf.constant(_data([256, 64], phase=3.0, scale=0.2))
    b = tf.Variable(_data([256], phase=1.5, scale=0.1))
    x = tf.constant(_data([64], phase=0.3))
    xb = tf.constant(_data([2, 64], phase=0.6))

    def f(v):
        lead, _ = _lead(v)
        h = tf.tanh(tf.linalg.matvec(w, tf.sin(v)) + b)
        return tf.reshape(tf.nn.softmax(tf.reshape(h, lead + [64, 4]) * 2.0), lead + [256])

    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape(persistent=True) as g:
            g.watch(x)
            y = f(x)
        j = g.jacobian(y, x)
        total = tf.reduce_sum(j * j)
    chunked = g.jacobian(y, x, parallel_iterations=24)
    with tf.GradientTape() as gb:
        gb.watch(xb)
        yb = f(xb)
    bj = gb.batch_jacobian(yb, xb)
    return {
        "rows": j[::9],
        "chunked_rows": chunked[::9],
        "sum": tf.reduce_sum(j, axis=0),
        "weighted": tf.reduce_sum(j * y[:, None]),
        "shape": [int(d) for d in j.shape],
        "outer_gradient": outer.gradient(total, x),
        "bj_rows": bj[:, ::9],
        "bj_sum": tf.reduce_sum(bj, axis=1),
        "bj_shape": [int(d) for d in bj.shape],
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_bj_examples_interact_wide(tf):
    """A batch_jacobian whose examples interact (a convolution times the first example),
    wide enough that tftape_torch first tries columns: TF's answer is the rows' (each
    row summed over the examples), which the columns are checked against."""
    k = tf.constant(_data([3, 1, 4], phase=5.0, scale=0.5))
    x = tf.constant(_data([2, 64], phase=0.6))
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = tf.nn.conv1d(tf.reshape(x, [2, 64, 1]), k, stride=1, padding="SAME")
        y = tf.tanh(tf.reshape(y, [2, 256])) * tf.tile(x[:1], [2, 4])
    bj = g.batch_jacobian(y, x)
    return {
        "rows": bj[:, ::7],
        "sum": tf.reduce_sum(bj, axis=1),
        "shape": [int(d) for d in bj.shape],
        "loop_rows": g.batch_jacobian(y, x, experimental_use_pfor=False)[:, ::7],
    }


def case_jac_constant_results_are_recorded(tf):
    """A vectorized jacobian computed while an outer tape records is a result of its
    target on that tape even where it is constant (a linear function, the zeros of an
    unconnected source, the identity of a target with respect to itself): a gradient
    with respect to it exists, one through it to the input is `None`. Not where the
    outer tape does not see the target."""
    x = tf.constant([1.0, 2.0])
    u = tf.constant([3.0, 4.0])
    out = {}
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(x)
            inner.watch(u)
            y = x * 2.0
            x2 = tf.reshape(x, [2, 1])
            y2 = x2 * 3.0
        made = {
            "linear": inner.jacobian(y, x),
            "zeros": inner.jacobian(y, u, unconnected_gradients="zero"),
            "batch": inner.batch_jacobian(y2, x2),
            "identity": inner.jacobian(x, x),
        }
        scaled = {name: value * 2.0 for name, value in made.items()}
    for name, value in made.items():
        out[name] = outer.gradient(scaled[name], value)
        out[name + "_through"] = outer.gradient(scaled[name], x)
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(x)
            y = x * 2.0
        unseen = inner.jacobian(y, x)
        scaled_unseen = unseen * 2.0
    out["unseen"] = outer.gradient(scaled_unseen, unseen)
    return out


def case_jac_constant_result_under_its_own_tape(tf):
    """A persistent tape's jacobian taken inside its own context is recorded by it; a
    scalar made from the identity of a Variable's read is then its own jacobian's
    target and source (the fuzzer's "jacobian's constant result" programs)."""
    v = tf.Variable([1.0, 2.0])
    c = tf.constant([1.5, 0.5])
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * 2.0
        own = t.jacobian(y, x)
        scaled = own * 2.0
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape(persistent=True) as inner:
            a = tf.maximum(v, c)
        j = inner.jacobian(a, a)
        p = tf.reduce_sum(j, axis=[0, 1])
        jv = inner.jacobian(a, v)
        q = jv * 3.0
    return {
        "own": t.gradient(scaled, own),
        "own_through": t.gradient(scaled, x),
        "p_p": outer.jacobian(p, p),
        "p_v": outer.gradient(p, v),
        "q_jv": outer.gradient(q, jv),
        "q_v": outer.gradient(q, v),
    }


def case_jac_constant_result_of_row_loop(tf):
    """The row loop's constant jacobian is not recorded by a tape around it (eagerly:
    each row is a `gradient`, whose constant result no tape sees)."""
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape(persistent=True) as inner:
            inner.watch(x)
            y = x * 2.0
        loop = inner.jacobian(y, x, experimental_use_pfor=False)
        scaled = loop * 2.0
    return {"loop": outer.gradient(scaled, loop), "through": outer.gradient(scaled, x)}


def case_jac_row_loop_zeros_are_recorded(tf):
    """The row loop's zeros for unconnected sources (`unconnected_gradients='zero'`) are
    each row's `zeros_like(source)`: a tape that watches the source records them, so a
    gradient with respect to them exists (through them the source gets `None`)."""
    c = tf.constant([[2.0, 1.0, 1.0]])
    v = tf.Variable(1.0, trainable=False)
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as t:
        t.watch(v)
        t.watch(x)
        j = t.jacobian(c, [v, x], unconnected_gradients="zero", experimental_use_pfor=False)
        pv = tf.reduce_sum(j[0])
        px = tf.reduce_sum(j[1])
        s = tf.sin(pv * 2.0) + tf.sin(px * 3.0)
    return {"j": j, "wrt_zeros": t.gradient(s, [pv, px]), "through": t.gradient(s, [v, x])}


# ---------------------------------------------------------------------------
# Per-example jacobians with respect to shared weights (tftape_torch carries these rows
# example by example: NOTE [Per-example rows] in `tftape_torch/_batched_examples.py`)


def _per_example_net(tf):
    x = tf.constant(_data([128, 3], phase=0.2))
    target = tf.constant(_data([128, 1], phase=1.3))
    kernel1 = tf.Variable(_data([3, 8], phase=2.1, scale=0.7))
    bias1 = tf.Variable(_data([8], phase=0.9, scale=0.1))
    kernel2 = tf.Variable(_data([8, 1], phase=3.3, scale=0.5))
    bias2 = tf.Variable(_data([1], phase=4.4, scale=0.1))
    return x, target, [kernel1, bias1, kernel2, bias2]


@tolerance(rtol=2e-5, atol=1e-6)
def case_jac_per_example_losses_wrt_weights(tf):
    """The jacobian of a batch's per-example losses with respect to a two-layer net's
    weights (the per-example gradients of DP-SGD or an empirical Fisher), with an
    unused Variable (`None`, or zeros); the same jacobian taken under an outer tape
    and differentiated again."""
    x, target, weights = _per_example_net(tf)
    unused = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape(persistent=True) as tape:
            hidden = tf.nn.relu(tf.matmul(x, weights[0]) + weights[1])
            out = tf.matmul(hidden, weights[2]) + weights[3]
            losses = tf.reshape((out - target) ** 2, [-1])
        jacobians = tape.jacobian(losses, weights + [unused])
        zeros = tape.jacobian(losses, unused, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        total = tf.reduce_sum(jacobians[0] * jacobians[0]) + tf.reduce_sum(jacobians[3])
    second = outer.gradient(total, weights)
    return {
        **_per_example_summary(tf, jacobians[:4], 17),
        "shapes": [None if j is None else [int(d) for d in j.shape] for j in jacobians],
        "unused": jacobians[4],
        "zeros": zeros[::32],
        "second": second,
    }


@tolerance(rtol=2e-5, atol=1e-6)
def case_jac_per_example_outputs_wrt_kernel(tf):
    """A two-layer net's outputs for a batch (two per example: the advanced autodiff
    guide's `jacobian(y, layer.kernel)`, with 64 examples), through `sigmoid`, `tanh`
    and reshapes that keep the examples first; and the same with the batch mean
    subtracted, where the examples interact."""
    x = tf.constant(_data([64, 3], phase=0.2))
    kernel1 = tf.Variable(_data([3, 40], phase=2.1, scale=0.7))
    bias1 = tf.Variable(_data([40], phase=0.9, scale=0.1))
    kernel2 = tf.Variable(_data([40, 2], phase=3.3, scale=0.5))
    with tf.GradientTape(persistent=True) as tape:
        hidden = tf.sigmoid(tf.matmul(x, kernel1) + bias1)
        hidden = tf.reshape(tf.reshape(hidden, [64, 8, 5]) * 2.0, [64, 40])
        y = tf.tanh(tf.matmul(hidden, kernel2))
        centered = y - tf.reduce_mean(y, axis=0)
    j = tape.jacobian(y, [kernel1, bias1, kernel2])
    jc = tape.jacobian(centered, [kernel1, kernel2])
    return {
        "shapes": [[int(d) for d in part.shape] for part in j],
        "rows": [part[::13] for part in j],
        "sums": [tf.reduce_sum(part, axis=[0, 1]) for part in j],
        "centered_rows": [part[::13] for part in jc],  # (their sums are 0: rounding)
    }


@tolerance(rtol=2e-5, atol=1e-6)
def case_jac_per_example_cnn_losses(tf):
    """A small CNN's per-example losses (NHWC `conv2d`, then a dense layer) with
    respect to its filters, biases and dense weights, 128 examples."""
    x = tf.constant(_data([128, 6, 6, 1], phase=0.4))
    target = tf.constant(_data([128, 1], phase=2.2))
    filters = tf.Variable(_data([3, 3, 1, 4], phase=1.7, scale=0.6))
    bias = tf.Variable(_data([4], phase=0.5, scale=0.1))
    dense = tf.Variable(_data([144, 1], phase=3.9, scale=0.2))
    with tf.GradientTape() as tape:
        hidden = tf.tanh(tf.nn.conv2d(x, filters, 1, "SAME") + bias)
        out = tf.matmul(tf.reshape(hidden, [128, 144]), dense)
        losses = tf.reshape((out - target) ** 2, [-1])
    jacobians = tape.jacobian(losses, [filters, bias, dense])
    return _per_example_summary(tf, jacobians, 17)


@tolerance(rtol=2e-5, atol=1e-6)
def case_jac_per_example_sequence_losses(tf):
    """A sequence model's per-example losses (a dense layer applied to each of 5 steps
    with a 3-D `tf.matmul`, averaged over the steps, then a dense layer) with respect
    to its weights, 64 examples."""
    x = tf.constant(_data([64, 5, 3], phase=0.8))
    target = tf.constant(_data([64, 1], phase=1.9))
    kernel1 = tf.Variable(_data([3, 12], phase=2.6, scale=0.6))
    bias1 = tf.Variable(_data([12], phase=0.3, scale=0.1))
    kernel2 = tf.Variable(_data([12, 1], phase=3.1, scale=0.4))
    with tf.GradientTape() as tape:
        hidden = tf.tanh(tf.matmul(x, kernel1) + bias1)
        out = tf.matmul(tf.reduce_mean(hidden, axis=1), kernel2)
        losses = tf.reshape((out - target) ** 2, [-1])
    jacobians = tape.jacobian(losses, [kernel1, bias1, kernel2])
    return _per_example_summary(tf, jacobians, 9)


def case_jac_per_example_attention_losses(tf):
    """An attention classifier's per-example sparse softmax cross-entropy losses (8
    ids per example looked up with `tf.gather` in a Variable table, one head of
    self-attention, the mean over the steps, three logits) with respect to the table
    and the weights, 32 examples; an id no example looks up gives a zero row."""
    ids = tf.constant([[(3 * b + 5 * s) % 11 for s in range(4)] for b in range(32)])
    labels = tf.constant([b % 3 for b in range(32)])
    table = tf.Variable(_data([12, 6], phase=0.4, scale=0.8))
    wq = tf.Variable(_data([6, 6], phase=1.1, scale=0.5))
    wk = tf.Variable(_data([6, 6], phase=2.3, scale=0.5))
    wv = tf.Variable(_data([6, 6], phase=0.7, scale=0.5))
    wo = tf.Variable(_data([6, 3], phase=1.7, scale=0.5))
    with tf.GradientTape() as tape:
        x = tf.gather(table, ids)
        scores = tf.matmul(tf.matmul(x, wq), tf.matmul(x, wk), transpose_b=True) / 2.0
        attended = tf.matmul(tf.nn.softmax(scores), tf.matmul(x, wv))
        logits = tf.matmul(tf.reduce_mean(attended, axis=1), wo)
        losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
    jacobians = tape.jacobian(losses, [table, wq, wk, wv, wo])
    return {**_per_example_summary(tf, jacobians, 7), "unused_id_row": jacobians[0][:, 11]}


# (the sums over 64 examples cancel terms near 3 down to 0.17: float32 rounding of the
# terms, which differs with the order of the ops, shows at 4e-6)
@tolerance(rtol=2e-5, atol=1e-5)
def case_jac_per_example_picked_losses(tf):
    """A classifier's per-example losses written as the log-probability picked at each
    label, by `tf.gather(..., batch_dims=1)` and by `tf.gather_nd` of (example, label)
    pairs, with respect to its weights (64 examples, four classes); and a gather along
    the examples, which mixes them."""
    x = tf.constant(_data([64, 3], phase=0.6))
    labels = tf.constant([(5 * b) % 4 for b in range(64)])
    kernel = tf.Variable(_data([3, 6], phase=1.9, scale=0.7))
    bias = tf.Variable(_data([6], phase=0.3, scale=0.1))
    head = tf.Variable(_data([6, 4], phase=2.7, scale=0.5))
    with tf.GradientTape(persistent=True) as tape:
        log_probs = tf.nn.log_softmax(tf.matmul(tf.tanh(tf.matmul(x, kernel) + bias), head))
        picked = -tf.gather(log_probs, labels, batch_dims=1)
        pairs = -tf.gather_nd(log_probs, tf.stack([tf.range(64), labels], axis=1))
        mixed = tf.gather(log_probs[:, 0], (labels * 7) % 64) * picked
    weights = [kernel, bias, head]
    return {
        "picked": _per_example_summary(tf, tape.jacobian(picked, weights), 9),
        "pairs": _per_example_summary(tf, tape.jacobian(pairs, weights), 9),
        "mixed": _per_example_summary(tf, tape.jacobian(mixed, weights), 9),
    }


def case_jac_loss_kernels_wrt_logits(tf):
    """Jacobians of 40 per-example losses with respect to their logits, through TF's
    fused loss ops: sparse and dense softmax cross-entropy, an embedding lookup, and
    a batch jacobian of the sparse one."""
    logits = tf.constant(_data([40, 5], phase=0.9, scale=2.0))
    labels = tf.constant([(7 * b) % 5 for b in range(40)])
    dense = tf.nn.softmax(tf.constant(_data([40, 5], phase=2.2)))
    table = tf.constant(_data([9, 5], phase=1.4))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([logits, dense, table])
        sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
        full = tf.nn.softmax_cross_entropy_with_logits(dense, logits * 0.5)
        looked_up = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels, tf.nn.embedding_lookup(table, labels % 4) + logits)
    return {
        "sparse": tape.jacobian(sparse, logits)[::6],
        "dense_wrt_logits": tape.jacobian(full, logits)[::6],
        "dense_wrt_labels": tape.jacobian(full, dense)[::6],
        "lookup_wrt_table": tape.jacobian(looked_up, table)[::5],
        "batch_sparse": tape.batch_jacobian(sparse[:, None], logits)[::6],
    }
