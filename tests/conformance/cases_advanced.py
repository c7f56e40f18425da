"""Advanced autodiff cases: `tf.custom_gradient`, `tf.autodiff.ForwardAccumulator` and
`tf.stop_gradient`, from TF's advanced-autodiff guide, the docstrings of
`custom_gradient.py` and `forwardprop.py`, and the behaviours around them.

Every case is a function of a module `tf` (real TensorFlow or `tftape_torch`) written
as TF code with the core surface only (`constant`, `Variable`, `GradientTape`,
`autodiff.ForwardAccumulator`, `custom_gradient`, `stop_gradient`, `matmul`, `exp`,
`math.log`, `reduce_sum`, `reduce_max`, `sqrt`, `minimum`, `stack`, `reshape`, `sin`,
`tanh`, the dtypes, Python operators and indexing). Answers live in
`golden/cases_advanced.json`, recorded from TensorFlow 2.21 by `record.py`.

Naming: `case_guide_*` TF's advanced-autodiff guide, `case_doc_*` the docstrings of
`tf.custom_gradient` / `tf.autodiff.ForwardAccumulator` / `tf.stop_gradient`,
`case_cg_*` other custom-gradient behaviour, `case_fwd_*` other forward-mode
behaviour, `case_sg_*` other stop_gradient behaviour.
"""

from __future__ import annotations

from tests.conformance.harness import capture_warnings


def _clip_by_norm(tf, t, clip_norm):
    # The guide calls `tf.clip_by_norm(dy, 0.5)`; the same op in core ops.
    norm = tf.sqrt(tf.reduce_sum(t * t))
    return t * tf.minimum(1.0, clip_norm / norm)


def _log1pexp(tf):
    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))

        return tf.math.log(1 + e), grad

    return log1pexp


def _error(e):
    return {"error": type(e).__name__, "message": str(e)}


# ---------------------------------------------------------------------------
# TF's advanced-autodiff guide


def case_guide_clip_gradients(tf):
    @tf.custom_gradient
    def clip_gradients(y):
        def backward(dy):
            return _clip_by_norm(tf, dy, 0.5)

        return y, backward

    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        output = clip_gradients(v * v)
    return {"output": output, "grad": t.gradient(output, v)}  # clips 4 to 2


def case_guide_clip_gradients_vector_upstream(tf):
    @tf.custom_gradient
    def clip_gradients(y):
        def backward(dy):
            return _clip_by_norm(tf, dy, 0.5)

        return y, backward

    v = tf.Variable([3.0, 4.0])
    with tf.GradientTape() as t:
        output = clip_gradients(v * v)
    return t.gradient(output, v, output_gradients=tf.constant([3.0, 4.0]))


def case_guide_stop_gradient(tf):
    x = tf.Variable(2.0)
    y = tf.Variable(3.0)
    with tf.GradientTape() as t:
        y_sq = y**2
        z = x**2 + tf.stop_gradient(y_sq)
    grad = t.gradient(z, {"x": x, "y": y})
    return {"z": z, "grad": grad}


def case_guide_stop_recording(tf):
    x = tf.Variable(2.0)
    y = tf.Variable(3.0)
    with tf.GradientTape() as t:
        x_sq = x * x
        with t.stop_recording():
            y_sq = y * y
        z = x_sq + y_sq
    return t.gradient(z, {"x": x, "y": y})


# ---------------------------------------------------------------------------
# The tf.custom_gradient docstring


def case_doc_log1pexp_stable_gradient(tf):
    log1pexp = _log1pexp(tf)
    x = tf.constant(100.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    return {"y": y, "dy_dx": tape.gradient(y, x)}


def case_doc_log1pexp_naive_gradient_is_nan(tf):
    x = tf.constant(100.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.log(1 + tf.exp(x))
    return tape.gradient(y, x)


def case_doc_log1pexp_values(tf):
    log1pexp = _log1pexp(tf)
    x = tf.constant([-3.0, -1.0, 0.0, 1.0, 10.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    return {"y": y, "dy_dx": tape.gradient(y, x)}


def case_doc_bar_two_inputs(tf):
    @tf.custom_gradient
    def bar(x, y):
        def grad(upstream):
            dz_dx = y
            dz_dy = x
            return upstream * dz_dx, upstream * dz_dy

        z = x * y
        return z, grad

    x = tf.constant(2.0, dtype=tf.float32)
    y = tf.constant(3.0, dtype=tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        tape.watch(y)
        z = bar(x, y)
    return {"z": z, "dz_dx": tape.gradient(z, x), "dz_dy": tape.gradient(z, y)}


def case_doc_linear_poly_with_variables(tf):
    weights = tf.Variable(tf.ones([2]))

    @tf.custom_gradient
    def linear_poly(x):
        poly = weights[1] * x + weights[0]

        def grad_fn(dpoly, variables):
            grad_xs = dpoly * weights[1]
            grad_vars = []
            assert variables is not None
            assert len(variables) == 1
            assert variables[0] is weights
            dy_dw = dpoly * tf.stack([x**1, x**0])
            grad_vars.append(tf.reduce_sum(tf.reshape(dy_dw, [2, -1]), axis=1))
            return grad_xs, grad_vars

        return poly, grad_fn

    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        poly = linear_poly(x)
    return {
        "poly": poly,
        "dx": tape.gradient(poly, x),
        "dweights": tape.gradient(poly, weights),
        "watched": [v is weights for v in tape.watched_variables()],
    }


# ---------------------------------------------------------------------------
# custom_gradient: contract and errors


def case_cg_grad_fn_without_variables_argument(tf):
    w = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        def g(dy):
            return dy * w

        return x * w, g

    try:
        f(tf.constant(3.0))
    except TypeError as e:
        prefix = (
            "@tf.custom_gradient grad_fn must accept keyword argument 'variables', "
            "since function uses variables: "
        )
        return {"error": type(e).__name__, "prefix": str(e).startswith(prefix)}
    return None


def case_cg_grad_fn_with_var_keyword(tf):
    w = tf.Variable(2.0)
    x = tf.constant(3.0)

    @tf.custom_gradient
    def f(x):
        def g(dy, **kwargs):
            return dy * w, [dy * x]

        return x * w, g

    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, [x, w])


def case_cg_too_many_gradients(tf):
    @tf.custom_gradient
    def f(x):
        def g(dy):
            return dy, dy

        return x * 2.0, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    try:
        tape.gradient(y, x)
    except ValueError as e:
        return _error(e)
    return None


def case_cg_too_few_gradients(tf):
    @tf.custom_gradient
    def f(x, y):
        def g(dy):
            return dy

        return x * y, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x, x)
    try:
        tape.gradient(y, x)
    except ValueError as e:
        return _error(e)
    return None


def case_cg_wrong_number_of_variable_gradients(tf):
    w = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        def g(dy, variables=None):
            return dy * w, []

        return x * w, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    try:
        tape.gradient(y, x)
    except ValueError as e:
        return _error(e)
    return None


def case_cg_unused_variables_argument(tf):
    @tf.custom_gradient
    def f(x):
        def g(dy, variables=None):
            return dy * 3.0

        return x * 2.0, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def case_cg_python_number_argument(tf):
    @tf.custom_gradient
    def f(x, s):
        def g(dy):
            return dy * s, None

        return x * s, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x, 2.0)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_cg_python_number_argument_needs_a_gradient(tf):
    @tf.custom_gradient
    def f(x, s):
        def g(dy):
            return dy * s

        return x * s, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x, 2.0)
    try:
        tape.gradient(y, x)
    except ValueError as e:
        return _error(e)
    return None


def case_cg_non_trainable_variable(tf):
    nt = tf.Variable(5.0, trainable=False)

    @tf.custom_gradient
    def f(x):
        def g(dy):
            return dy * nt

        return x * nt, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, [x, nt])


def case_cg_variable_as_argument(tf):
    w = tf.Variable(2.0)

    @tf.custom_gradient
    def f(v):
        def g(dy):
            return dy * 7.0

        return v * v, g

    with tf.GradientTape() as tape:
        y = f(w)
    return {"y": y, "grad": tape.gradient(y, w)}


def case_cg_keyword_arguments(tf):
    @tf.custom_gradient
    def f(x, scale=1.0):
        def g(dy):
            return dy * scale

        return x * scale, g

    x = tf.constant(3.0)
    scale = tf.constant(4.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        tape.watch(scale)
        y = f(x, scale=scale)
    return {"dx": tape.gradient(y, x), "dscale": tape.gradient(y, scale)}


def case_cg_two_outputs(tf):
    @tf.custom_gradient
    def f(x):
        def g(dy1, dy2):
            return dy1 * 2.0 + dy2 * 3.0

        return (x * 2.0, x * 3.0), g

    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y1, y2 = f(x)
    return [tape.gradient(y1, x), tape.gradient([y1, y2], x), tape.gradient(y2, x)]


def case_cg_dict_output_grad_fn_arity(tf):
    @tf.custom_gradient
    def f(x):
        def g(dy):
            return dy

        return {"a": x * 2.0, "b": x * 3.0}, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y["a"], x)


def case_cg_list_gradient_for_single_input(tf):
    @tf.custom_gradient
    def f(x):
        def g(dy):
            return [dy * 5.0]

        return x * 2.0, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def case_cg_none_gradient(tf):
    @tf.custom_gradient
    def f(x):
        def g(dy):
            return None

        return x * 2.0, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def case_cg_unwatched_input(tf):
    log1pexp = _log1pexp(tf)
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = log1pexp(x)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_cg_without_a_tape(tf):
    log1pexp = _log1pexp(tf)
    return [log1pexp(tf.constant(1.0)), log1pexp(tf.constant([0.0, 2.0]))]


def case_cg_two_variables(tf):
    w = tf.Variable(2.0)
    v2 = tf.Variable(1.5)

    @tf.custom_gradient
    def f(x):
        def g(dy, variables=None):
            return dy * w * v2, [dy * 100.0 if v is w else dy * 1000.0 for v in variables]

        return x * w * v2, g

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, [x, w, v2])


def case_cg_variable_gradient_without_watching_input(tf):
    w = tf.Variable([1.0, 2.0])

    @tf.custom_gradient
    def f(x):
        def g(dy, variables):
            return dy * w, [dy * x * 10.0]

        return x * w, g

    x = tf.constant([3.0, 4.0])
    with tf.GradientTape() as tape:
        y = f(x)
    return {"dx": tape.gradient(y, [w, x])}


def case_cg_inside_stop_recording(tf):
    log1pexp = _log1pexp(tf)
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = log1pexp(x)
    return tape.gradient(y, x)


def case_cg_mixed_with_ordinary_ops(tf):
    log1pexp = _log1pexp(tf)
    x = tf.constant([0.5, -2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(log1pexp(x * x) * tf.sin(x))
    return tape.gradient(y, x)


def case_cg_chain_of_two(tf):
    log1pexp = _log1pexp(tf)
    x = tf.constant(1.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = log1pexp(x)
        z = log1pexp(y)
    return {"outer": outer.gradient(z, x), "inner": inner.gradient(y, x)}


def case_cg_second_derivative_log1pexp(tf):
    log1pexp = _log1pexp(tf)
    x = tf.constant(1.0)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = log1pexp(x)
        g = t1.gradient(y, x)
    return {"g": g, "gg": t2.gradient(g, x)}


def case_cg_second_derivative_through_grad_fn(tf):
    @tf.custom_gradient
    def cube(x):
        def grad(dy):
            return dy * 3.0 * x * x

        return x * x * x, grad

    x = tf.constant(2.0)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = cube(x)
        g = t1.gradient(y, x)
    return {"g": g, "gg": t2.gradient(g, x)}


def case_cg_second_derivative_wrong_custom_gradient(tf):
    @tf.custom_gradient
    def square(x):
        def grad(dy):
            return dy * tf.exp(x)  # deliberately not 2x: TF differentiates grad_fn

        return x * x, grad

    x = tf.constant(0.5)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = square(x)
        g = t1.gradient(y, x)
    return {"g": g, "gg": t2.gradient(g, x)}


def case_cg_hessian_through_custom_gradient(tf):
    @tf.custom_gradient
    def cube(x):
        def grad(dy):
            return dy * 3.0 * x**2

        return x**3, grad

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = tf.reduce_sum(cube(x))
        g = t1.gradient(y, x)
    return {"g": g, "hessian": t2.jacobian(g, x)}


def case_cg_jacobian_through_custom_gradient(tf):
    log1pexp = _log1pexp(tf)
    x = tf.constant([0.0, 1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    return tape.jacobian(y, x)


def case_cg_jacobian_wrt_variable(tf):
    w = tf.Variable([1.0, 2.0])

    @tf.custom_gradient
    def f(x):
        def grad(dy, variables):
            return dy * w, [dy * x * 10.0]

        return x * w, grad

    with tf.GradientTape() as tape:
        y = f(tf.constant([3.0, 4.0]))
    return tape.jacobian(y, w)


def case_cg_second_derivative_wrt_variable(tf):
    w = tf.Variable(3.0)

    @tf.custom_gradient
    def f(x):
        def grad(dy, variables):
            return dy * w * w, [dy * 2.0 * w * x]

        return w * w * x, grad

    x = tf.constant(2.0)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = f(x)
        gx = t1.gradient(y, x)
    return {"gx": gx, "d_gx_dw": t2.gradient(gx, w)}


def case_cg_variable_gradient_second_order(tf):
    w = tf.Variable(3.0)

    @tf.custom_gradient
    def f(x):
        def grad(dy, variables):
            return dy * w * w, [dy * 2.0 * w * x]

        return w * w * x, grad

    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            y = f(x)
        gw = t1.gradient(y, w)
    return {"gw": gw, "d_gw_dx": t2.gradient(gw, x), "d_gw_dw": t2.gradient(gw, w)}


def case_cg_gradient_after_outer_closed(tf):
    log1pexp = _log1pexp(tf)
    x = tf.constant(1.0)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = log1pexp(x)
    g = t1.gradient(y, x)
    return {"g": g, "gg": t2.gradient(g, x)}


# ---------------------------------------------------------------------------
# The tf.autodiff.ForwardAccumulator docstring


def case_doc_fwd_linear_regression(tf):
    x = tf.constant([[2.0, 3.0], [1.0, 4.0]])
    targets = tf.constant([[1.0], [-1.0]])
    kernel = tf.Variable([[0.5], [-0.25]])
    bias = tf.Variable([0.25])

    def loss_fn():
        return tf.reduce_sum((tf.matmul(x, kernel) + bias - targets) ** 2.0)

    kernel_fprop = []
    with tf.autodiff.ForwardAccumulator(kernel, tf.constant([[1.0], [0.0]])) as acc:
        kernel_fprop.append(acc.jvp(loss_fn()))
    with tf.autodiff.ForwardAccumulator(kernel, tf.constant([[0.0], [1.0]])) as acc:
        kernel_fprop.append(acc.jvp(loss_fn()))
    with tf.autodiff.ForwardAccumulator(bias, tf.constant([1.0])) as acc:
        bias_fprop = acc.jvp(loss_fn())
    with tf.GradientTape() as tape:
        loss = loss_fn()
    kernel_grad, bias_grad = tape.gradient(loss, (kernel, bias))
    return {
        "kernel_fprop": kernel_fprop,
        "bias_fprop": bias_fprop,
        "kernel_grad": kernel_grad,
        "bias_grad": bias_grad,
    }


def case_doc_fwd_nested_accumulators(tf):
    primal = tf.constant(1.1)
    with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.0)) as outer:
        with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.0)) as inner:
            primal_out = primal ** tf.constant(3.5)
    inner_jvp = inner.jvp(primal_out)
    return {"inner_jvp": inner_jvp, "outer_of_inner": outer.jvp(inner_jvp)}


def case_doc_fwd_hessian_vector_product(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0])) as acc:
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(v**3.0)
        backward = tape.gradient(y, v)
    return {"backward": backward, "hvp": acc.jvp(backward)}


# ---------------------------------------------------------------------------
# ForwardAccumulator: JVPs


def case_fwd_elementwise(tf):
    x = tf.constant([0.5, 1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, -1.0, 0.5])) as acc:
        y = tf.sin(x) * tf.exp(x) + x * x
        z = tf.tanh(y) / (1.0 + x)
    return {"y": acc.jvp(y), "z": acc.jvp(z), "x": acc.jvp(x)}


def case_fwd_matmul(tf):
    a = tf.constant([[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]])
    b = tf.constant([[0.5, -1.0], [2.0, 1.0], [1.0, 1.0]])
    ta = tf.constant([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    tb = tf.constant([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    with tf.autodiff.ForwardAccumulator([a, b], [ta, tb]) as acc:
        c = tf.matmul(a, b)
        d = tf.reduce_sum(tf.matmul(c, c, transpose_b=True))
    return {"c": acc.jvp(c), "d": acc.jvp(d)}


def case_fwd_reduction_and_indexing(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([[1.0, 1.0], [0.0, 2.0]])) as acc:
        row = x[1]
        total = tf.reduce_sum(x * x, axis=0)
        top = tf.reduce_max(x)
        r = tf.reshape(x, [4])
    return [acc.jvp(row), acc.jvp(total), acc.jvp(top), acc.jvp(r)]


def case_fwd_after_the_block(tf):
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
        y = x * x
    z = y * 2.0
    return {"y": acc.jvp(y), "z": acc.jvp(z), "x": acc.jvp(x)}


def case_fwd_structures(tf):
    x = tf.constant(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        y = x + 0.0
        c = tf.constant(5.0)
    return {
        "list": acc.jvp([x, y, c]),
        "dict": acc.jvp({"x": x, "c": c}, unconnected_gradients=tf.UnconnectedGradients.ZERO),
    }


def case_fwd_nested_primals(tf):
    a = tf.constant(2.0)
    b = tf.constant([1.0, 3.0])
    primals = {"b": b, "a": [a]}
    tangents = {"a": [tf.constant(1.0)], "b": tf.constant([10.0, 100.0])}
    with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:
        y = a * b
    return {"y": acc.jvp(y), "primals": acc.jvp(primals)}


def case_fwd_unconnected(tf):
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
        y = tf.constant(3.0) * 2.0
    return [
        acc.jvp(y),
        acc.jvp(y, unconnected_gradients="zero"),
        acc.jvp(tf.constant([1.0, 1.0]), unconnected_gradients=tf.UnconnectedGradients.ZERO),
    ]


def case_fwd_integer_outputs(tf):
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
        i = tf.cast(x, tf.int32)
        b = x > 1.0
        back = tf.cast(i, tf.float32)
    return [acc.jvp(i), acc.jvp(b), acc.jvp(back)]


def case_fwd_float64(tf):
    x = tf.constant([1.0, 2.0], dtype=tf.float64)
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0], dtype=tf.float64)) as acc:
        y = tf.exp(x) * x
    return acc.jvp(y)


def case_fwd_python_number_tangent(tf):
    x = tf.constant(3.0)
    with tf.autodiff.ForwardAccumulator(x, 2) as acc:
        y = x * x
    return {"x": acc.jvp(x), "y": acc.jvp(y)}


def case_fwd_never_entered(tf):
    x = tf.constant([1.0, 2.0])
    acc = tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0]))
    y = x * x
    return [acc.jvp(y), acc.jvp(x)]


def case_fwd_reentered(tf):
    x = tf.constant([1.0, 2.0])
    acc = tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0]))
    with acc:
        y = x * x
    with acc:
        z = y * 3.0
    w = y * 3.0
    return [acc.jvp(z), acc.jvp(w)]


def case_fwd_entered_twice_in_a_row(tf):
    x = tf.constant([1.0, 2.0])
    acc = tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0]))
    with acc:
        pass
    with acc:
        y = x * x
    return acc.jvp(y)


def case_fwd_stop_gradient_and_identity(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    w = tf.constant([[1.0], [-1.0]])
    with tf.autodiff.ForwardAccumulator(w, tf.constant([[1.0], [0.0]])) as acc:
        y = tf.matmul(x, w)
        s = tf.stop_gradient(y)
        i = tf.identity(y)
    return {"y": acc.jvp(y), "stopped": acc.jvp(s), "identity": acc.jvp(i)}


def case_fwd_custom_gradient_uses_the_ops(tf):
    @tf.custom_gradient
    def square(x):
        def grad(dy):
            return dy * 10.0

        return x * x, grad

    x = tf.constant(3.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        y = square(x)
        z = y * 2.0
    return {"y": acc.jvp(y), "z": acc.jvp(z)}


# ---------------------------------------------------------------------------
# ForwardAccumulator: Variables


def case_fwd_variable_primal(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0])) as acc:
        y = v * v
        r = v.read_value()
    return {"y": acc.jvp(y), "v": acc.jvp(v), "read": acc.jvp(r)}


def case_fwd_variable_read_after_the_block(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0])) as acc:
        pass
    y = v * v
    return [acc.jvp(y), acc.jvp(v)]


def case_fwd_variable_assigned_inside(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0])) as acc:
        v.assign([3.0, 4.0])
        y = v * v
    return acc.jvp(y)


def case_fwd_non_trainable_variable(tf):
    v = tf.Variable([1.0, 2.0], trainable=False)
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0])) as acc:
        y = v * v
    return acc.jvp(y)


def case_fwd_variable_and_constant_primals(tf):
    v = tf.Variable([[1.0, 2.0]])
    x = tf.constant([[3.0], [4.0]])
    tangents = (tf.constant([[1.0, 1.0]]), tf.constant([[0.5], [0.0]]))
    with tf.autodiff.ForwardAccumulator((v, x), tangents) as acc:
        y = tf.matmul(v, x)
    return acc.jvp(y)


# ---------------------------------------------------------------------------
# ForwardAccumulator with GradientTape


def case_fwd_forward_over_backward(tf):
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x**3.0)
        g = tape.gradient(y, x)
    return {"g": g, "hvp": acc.jvp(g), "y": acc.jvp(y)}


def case_fwd_forward_over_backward_pow_sqrt_maximum(tf):
    results = {}
    for name, fn in [
        ("pow", lambda x: tf.pow(x, 3.0)),
        ("sqrt", tf.sqrt),
        ("maximum", lambda x: tf.maximum(x, 2.0) * x),
        ("minimum", lambda x: tf.minimum(x, 2.0) * x),
    ]:
        x = tf.constant([1.0, 4.0])
        with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.5])) as acc:
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = tf.reduce_sum(fn(x))
            g = tape.gradient(y, x)
        results[name] = {"jvp": acc.jvp(y), "hvp": acc.jvp(g)}
    return results


def case_fwd_forward_over_backward_custom_gradient(tf):
    @tf.custom_gradient
    def square(x):
        def grad(dy):
            return dy * 2.0 * x * x  # deliberately not 2x

        return x * x, grad

    x = tf.constant(3.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = square(x)
        g = tape.gradient(y, x)
    return {"y": y, "g": g, "jvp_y": acc.jvp(y), "jvp_g": acc.jvp(g)}


def case_fwd_forward_over_backward_gradient_after_the_block(tf):
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x**3.0)
    g = tape.gradient(y, x)
    return {"g": g, "hvp": acc.jvp(g)}


def case_fwd_backward_over_forward(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
            y = tf.reduce_sum(x**3.0)
        jvp = acc.jvp(y)
    return {"jvp": jvp, "grad": tape.gradient(jvp, x)}


def case_fwd_backward_over_forward_variable(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        with tf.autodiff.ForwardAccumulator(v, tf.constant([0.0, 1.0])) as acc:
            y = tf.reduce_sum(v**3.0)
        jvp = acc.jvp(y)
    return {"jvp": jvp, "grad": tape.gradient(jvp, v)}


def case_fwd_view_made_under_accumulator_watched_with_its_base(tf):
    """Slices and reshapes made while a ForwardAccumulator is active are tensors of
    their own, as in TF: watching their base too leaves their gradients theirs."""
    c = tf.constant([-1.0, 2.0, 0.5])
    with tf.autodiff.ForwardAccumulator(c, tf.constant([0.5, -1.0, 2.0])) as acc:
        view = c[-2:]
        col = tf.reshape(c, [3, 1])
        jvps = [acc.jvp(view), acc.jvp(col)]
    before = -view
    with tf.GradientTape(persistent=True) as tape:
        tape.watch({"c": c, "view": view, "col": col})
        y = tf.reduce_sum(view * tf.nn.relu(before + 3.0)) + tf.reduce_sum(col * col)
    return {"jvps": jvps, "grads": tape.gradient(y, [c, view, col])}


def case_fwd_backward_over_forward_wrt_tangent(tf):
    x = tf.constant([1.0, 2.0])
    t = tf.constant([1.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(t)
        with tf.autodiff.ForwardAccumulator(x, t) as acc:
            y = tf.reduce_sum(x**2.0)
        jvp = acc.jvp(y)
    return {"jvp": jvp, "grad": tape.gradient(jvp, t)}


def case_fwd_stop_recording_inside_accumulator(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
            with tape.stop_recording():
                y = x**3
        j = acc.jvp(y)
    return {"jvp": j, "grad": tape.gradient(j, x)}


def case_fwd_tape_inside_ignores_jvp_computation(tf):
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
            j = acc.jvp(y)
        g = tape.gradient(j, x)
    return {"jvp": j, "grad": g}


def case_fwd_hvp_matches_hessian(tf):
    data = tf.constant([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-1.0, 1.0, 1.0], [0.0, 2.0, -1.5]])
    w = tf.constant([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
    out = tf.constant([[1.0], [-2.0]])
    vector = tf.constant([[1.0, 0.0], [0.5, -1.0], [0.0, 2.0]])

    def loss_fn(w):
        return tf.reduce_sum(tf.matmul(tf.tanh(tf.matmul(data, w)), out) ** 2.0) / 4.0

    with tf.autodiff.ForwardAccumulator(w, vector) as acc:
        with tf.GradientTape() as tape:
            tape.watch(w)
            loss = loss_fn(w)
        grad = tape.gradient(loss, w)
    hvp = acc.jvp(grad)

    with tf.GradientTape() as t2:
        t2.watch(w)
        with tf.GradientTape() as t1:
            t1.watch(w)
            loss = loss_fn(w)
        g = t1.gradient(loss, w)
    hessian = t2.jacobian(g, w)
    from_hessian = tf.reshape(
        tf.matmul(tf.reshape(hessian, [6, 6]), tf.reshape(vector, [6, 1])), [3, 2]
    )

    with tf.GradientTape() as outer:
        outer.watch(w)
        with tf.GradientTape() as inner:
            inner.watch(w)
            loss = loss_fn(w)
        g = inner.gradient(loss, w)
        dot = tf.reduce_sum(g * vector)
    backward_over_backward = outer.gradient(dot, w)
    return {
        "hvp": hvp,
        "from_hessian": from_hessian,
        "backward_over_backward": backward_over_backward,
    }


def case_fwd_hvp_several_variables(tf):
    w1 = tf.Variable([[0.5, -0.5], [1.0, 0.25]])
    b1 = tf.Variable([0.1, -0.1])
    w2 = tf.Variable([[1.0], [-2.0]])
    x = tf.constant([[1.0, 2.0], [-1.0, 0.5], [0.0, 1.0]])
    variables = [w1, b1, w2]
    vectors = [
        tf.constant([[1.0, 0.0], [0.0, 1.0]]),
        tf.constant([0.5, 0.5]),
        tf.constant([[1.0], [1.0]]),
    ]
    with tf.autodiff.ForwardAccumulator(variables, vectors) as acc:
        with tf.GradientTape() as tape:
            hidden = tf.tanh(tf.matmul(x, w1) + b1)
            loss = tf.reduce_sum(tf.matmul(hidden, w2) ** 2.0)
        grads = tape.gradient(loss, variables)
    return {"grads": grads, "hvp": acc.jvp(grads)}


# ---------------------------------------------------------------------------
# ForwardAccumulator: errors


def case_fwd_duplicate_primal(tf):
    x = tf.constant(1.0)
    try:
        tf.autodiff.ForwardAccumulator([x, x], [tf.constant(1.0), tf.constant(1.0)])
    except ValueError as e:
        return _error(e)
    return None


def case_fwd_structure_length_mismatch(tf):
    x, y = tf.constant(1.0), tf.constant(2.0)
    return tf.autodiff.ForwardAccumulator([x, y], [x])


def case_fwd_structure_tensor_vs_list(tf):
    x = tf.constant([1.0, 2.0])
    return tf.autodiff.ForwardAccumulator(x, [1.0, 2.0])


def case_fwd_structure_dict_keys(tf):
    x = tf.constant(1.0)
    return tf.autodiff.ForwardAccumulator({"a": x}, {"b": x})


def case_fwd_structure_sequence_types(tf):
    x, y = tf.constant(1.0), tf.constant(2.0)
    return tf.autodiff.ForwardAccumulator([x, y], (x, y))


def case_fwd_tangent_dtype_mismatch(tf):
    x = tf.constant([1.0, 2.0])
    return tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0], dtype=tf.float64))


def case_fwd_tangent_none(tf):
    return tf.autodiff.ForwardAccumulator(tf.constant(1.0), None)


def case_fwd_tangent_shape_mismatch(tf):
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0, 3.0])) as acc:
        y = x * x
    return acc.jvp(y)


def case_fwd_tangent_shape_mismatch_variable(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0, 3.0])) as acc:
        y = v * v
    return acc.jvp(y)


def case_fwd_non_tensor_primal(tf):
    return tf.autodiff.ForwardAccumulator(1.0, 1.0)


def case_fwd_jvp_of_none(tf):
    acc = tf.autodiff.ForwardAccumulator(tf.constant(1.0), tf.constant(1.0))
    return acc.jvp(None)


def case_fwd_bad_unconnected_gradients(tf):
    x = tf.constant(1.0)
    acc = tf.autodiff.ForwardAccumulator(x, tf.constant(1.0))
    try:
        acc.jvp(x, unconnected_gradients="bogus")
    except ValueError as e:
        return _error(e)
    return None


def case_fwd_reenter_while_recording(tf):
    acc = tf.autodiff.ForwardAccumulator(tf.constant(1.0), tf.constant(1.0))
    with acc:
        try:
            with acc:
                pass
        except ValueError as e:
            return _error(e)
    return None


def case_fwd_integer_primal(tf):
    x = tf.constant([1, 2])
    with capture_warnings() as caught:
        acc = tf.autodiff.ForwardAccumulator(x, tf.constant([1, 0]))
    with acc:
        y = x * x
        z = tf.cast(x, tf.float32) * 2.0
    return {"warnings": caught, "x": acc.jvp(x), "y": acc.jvp(y), "z": acc.jvp(z)}


def _jacobian_under_accumulator(tf, f, batch=False):
    x = tf.Variable([[0.3, -1.2, 0.5, 2.0], [1.5, 0.25, -0.5, 0.75]])
    tangent = tf.constant([[1.0, 0.0, 0.5, 0.2], [0.0, -1.0, 0.25, 2.0]])
    with tf.autodiff.ForwardAccumulator(x, tangent) as acc:
        with tf.GradientTape() as tape:
            y = f(x)
        j = tape.batch_jacobian(y, x) if batch else tape.jacobian(y, x)
    return {"j": j, "jvp": acc.jvp(j)}


def case_fwd_jvp_of_a_jacobian(tf):
    # The jacobian's rows run while the accumulator is active: its JVP is theirs.
    return _jacobian_under_accumulator(tf, lambda x: tf.sin(x) * x + tf.sqrt(x * x + 1.0))


def case_fwd_jvp_of_a_jacobian_through_tanh(tf):
    return _jacobian_under_accumulator(
        tf, lambda x: tf.tanh(tf.matmul(x, tf.reshape(tf.sin(x), [4, 2]))))


def case_fwd_jvp_of_a_batch_jacobian(tf):
    def layer_norm(x):
        centered = x - tf.reduce_sum(x, axis=-1, keepdims=True) / 4.0
        variance = tf.reduce_sum(centered * centered, axis=-1, keepdims=True) / 4.0
        return centered / tf.sqrt(variance + 1e-5)

    return _jacobian_under_accumulator(tf, layer_norm, batch=True)


# ---------------------------------------------------------------------------
# stop_gradient


def case_doc_stop_gradient_stable_softmax(tf):
    def stable_softmax(x):
        z = x - tf.stop_gradient(tf.reduce_max(x))
        numerator = tf.exp(z)
        denominator = tf.reduce_sum(numerator)
        return numerator / denominator

    x = tf.constant([1.0, 3.0, 3.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        s = stable_softmax(x)
        first = s[0] + 2.0 * s[3]
    return {"softmax": s, "grad": tape.gradient(first, x)}


def case_sg_product(tf):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.stop_gradient(x) * x
    return tape.gradient(y, x)


def case_sg_of_a_variable_is_a_tensor(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        s = tf.stop_gradient(v)
        y = tf.reduce_sum(s * v)
    return {"s": s, "grad": tape.gradient(y, v)}


def case_sg_all_paths_stopped(tf):
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.stop_gradient(x * x)
    return [tape.gradient(y, x), tape.gradient(y, x, unconnected_gradients="zero")]


def case_sg_second_order(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = x * x * tf.stop_gradient(x)
        g = t1.gradient(y, x)
    return {"g": g, "gg": t2.gradient(g, x)}


def case_sg_inside_custom_gradient(tf):
    @tf.custom_gradient
    def f(x):
        scale = tf.stop_gradient(tf.reduce_max(x))

        def grad(dy):
            return dy * scale

        return x * scale, grad

    x = tf.constant([1.0, 4.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(f(x))
    return tape.gradient(y, x)


# ---------------------------------------------------------------------------
# tf.grad_pass_through and tf.recompute_grad


def case_grad_pass_through(tf):
    x = tf.Variable(1.0)
    z = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.grad_pass_through(x.assign)(z ** 2)
    assigned = tape.gradient(y, z)
    a = tf.constant([1.4, 2.6])
    with tf.GradientTape() as tape:
        tape.watch(a)
        rounded = tf.grad_pass_through(tf.round)(a) * 3.0
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        tape.watch(a)
        scaled = tf.grad_pass_through(lambda v: tf.round(v * w))(a)
    return {"assigned": assigned, "x": x, "rounded": rounded, "scaled": scaled,
            "scaled_grads": tape.gradient(scaled, [a, w])}


def case_grad_pass_through_round_gradient(tf):
    a = tf.constant([1.4, 2.6])
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = tf.grad_pass_through(tf.round)(a) * 3.0
    return {"y": y, "grad": tape.gradient(y, a)}


def case_recompute_grad(tf):
    w = tf.Variable(2.0)
    f = tf.recompute_grad(lambda v: tf.sin(v * w) * v)
    a = tf.constant([0.5, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = tf.reduce_sum(f(a))
    two = tf.recompute_grad(lambda u, v: u * v)
    b, c = tf.constant(2.0), tf.constant(5.0)
    with tf.GradientTape() as tape2:
        tape2.watch([b, c])
        product = two(b, c)
    square = tf.recompute_grad(lambda v: v * v)
    d = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(d)
        with tf.GradientTape() as inner:
            inner.watch(d)
            s = square(d)
        g = inner.gradient(s, d)
    return {"y": y, "grads": tape.gradient(y, [a, w]), "product": product,
            "product_grads": tape2.gradient(product, [b, c]), "first": g,
            "second": outer.gradient(g, d)}
