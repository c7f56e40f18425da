"""Issue 13 item 2, math/nn/functional ops against TensorFlow 2.21.

Values, dtypes, shapes, tape gradients and exception classes of the elementwise math
(`log1p`... `atan2`), comparisons and logic, reductions (`reduce_logsumexp`,
`reduce_std`...), scans and segment sums, clipping, the `tf.nn` activations and
losses, `moments`, `dropout`'s scaling, `bias_add`, and the functional ops
(`map_fn`, `vectorized_map`, `TensorArray`, `py_function`, `cond`, `while_loop`),
plus the out-of-scope names. Answers live in `golden/cases_ops_math.json`.

Naming: `case_ew_*` elementwise math, `case_cmp_*` comparisons and logic,
`case_red_*` reductions, `case_seq_*` scans/sorting/segments, `case_clip_*`,
`case_nn_*`, `case_fn_*` functional and control flow, `case_out_*` out of scope.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises


def _grads(tf, f, *values, dtype=None):
    """`f(*xs)` and its gradients with respect to watched constants made from `values`."""
    xs = [tf.constant(v, dtype=dtype) for v in values]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = f(*xs)
    return {"y": y, "grads": tape.gradient(y, xs)}



def _second(tf, f, value):
    """f(x), f'(x) and f''(x) at a watched constant, with nested tapes."""
    x = tf.constant(value)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        dy = inner.gradient(y, x)
    return {"y": y, "dy": dy, "d2y": outer.gradient(dy, x)}


# ---------------------------------------------------------------------------
# Elementwise math

UNARY_POINTS = [-0.9, -0.3, 0.0, 0.4, 0.8]


def _unary_case(name, points=UNARY_POINTS):
    def case(tf):
        fn = getattr(tf.math, name)
        return _grads(tf, lambda x: fn(x), points)

    return case


case_ew_log1p = _unary_case("log1p")
case_ew_expm1 = _unary_case("expm1")
case_ew_erf = _unary_case("erf")
case_ew_erfc = _unary_case("erfc")
case_ew_asin = _unary_case("asin")
case_ew_acos = _unary_case("acos")
case_ew_atan = _unary_case("atan")
case_ew_tan = _unary_case("tan")
case_ew_sinh = _unary_case("sinh")
case_ew_cosh = _unary_case("cosh")
case_ew_asinh = _unary_case("asinh")
case_ew_atanh = _unary_case("atanh")
case_ew_acosh = _unary_case("acosh", [1.0, 1.5, 3.0])
case_ew_rsqrt = _unary_case("rsqrt", [0.25, 1.0, 4.0])
case_ew_reciprocal = _unary_case("reciprocal", [-2.0, 0.5, 4.0])
case_ew_negative = _unary_case("negative")
case_ew_log_sigmoid = _unary_case("log_sigmoid", [-30.0, -1.0, 0.0, 2.0, 40.0])
case_ew_sign = _unary_case("sign")
case_ew_floor = _unary_case("floor", [-1.5, -0.5, 0.5, 2.0])
case_ew_ceil = _unary_case("ceil", [-1.5, -0.5, 0.5, 2.0])
case_ew_round = _unary_case("round", [-1.5, -0.5, 0.5, 1.5, 2.5, 2.6])


case_ew_rint = _unary_case("rint", [-1.5, -0.5, 0.5, 1.5, 2.5, 2.6])
# lgamma's gradient at 0 is torch's digamma(0) = -inf where TF's is NaN: not compared.
case_ew_lgamma = _unary_case("lgamma", [0.5, 1.5, 3.0, -0.5, -1.0, -2.5])
case_ew_digamma = _unary_case("digamma", [0.5, 1.5, 3.0, -0.5])


def case_ew_digamma_poles(tf):
    # Values only: at the poles torch's polygamma(1, x) is not TF's inf.
    return tf.math.digamma(tf.constant([0.0, -0.0, -1.0, -2.0]))
case_ew_erfinv = _unary_case("erfinv", [-0.9, -0.5, 0.0, 0.5, 0.99])
case_ew_ndtri = _unary_case("ndtri", [0.01, 0.1, 0.5, 0.9])


# The Bessel functions (`tf.math.special.bessel_*`; the `i` ones also `tf.math.bessel_*`):
# values and TF's registered gradients (first, and second through nested tapes) on both
# sides of 0 and at it, TF's values outside the domain (torch says NaN there), float64
# and half, and the dtypes TF refuses (integers; bfloat16, which has no kernel).
_BESSEL_KINDS = ["i0", "i0e", "i1", "i1e", "j0", "j1", "y0", "y1", "k0", "k0e", "k1", "k1e"]
_BESSEL_EDGES = [0.0, -0.0, -2.0, float("inf"), -float("inf"), float("nan"), 1e-30, 700.0]


def _bessel_case(kind):
    def case(tf):
        fn = getattr(tf.math.special, "bessel_" + kind)
        return {
            "float32": _grads(tf, fn, [0.5, -1.5, 2.0, 7.5, 30.0]),
            "float64": _grads(tf, fn, [0.5, -1.5, 2.0, 7.5], dtype=tf.float64),
            "second": [_second(tf, fn, v) for v in (0.0, 0.5, -1.5, 2.0)],
            "edges": [fn(tf.constant(_BESSEL_EDGES, dtype)) for dtype in (tf.float32, tf.float64)],
            "half": fn(tf.constant([0.0, 0.5, 2.0, -1.0], tf.float16)),
        }

    return case


def case_ew_bessel_refused_dtypes(tf):
    fns = [getattr(tf.math.special, "bessel_" + kind) for kind in _BESSEL_KINDS]
    return {
        "int32": [_raises(lambda fn=fn: fn(tf.constant([1]))) for fn in fns],
        "bfloat16": [_raises(lambda fn=fn: fn(tf.constant([1.0], tf.bfloat16))) for fn in fns],
    }


for _kind in _BESSEL_KINDS:
    globals()["case_ew_bessel_" + _kind] = _bessel_case(_kind)


def case_ew_bessel_in_tf_math(tf):
    x = [0.0, 0.5, -2.0]
    return [getattr(tf.math, "bessel_" + kind)(tf.constant(x))
            for kind in ("i0", "i0e", "i1", "i1e")]
case_ew_softsign = _unary_case("softsign")
case_ew_reciprocal_no_nan = _unary_case("reciprocal_no_nan", [-2.0, 0.0, 0.5, 4.0])


def case_nn_softsign(tf):
    return _grads(tf, tf.nn.softsign, [-2.0, 0.0, 3.0])


def _x_op_case(name, x, y):
    def case(tf):
        fn = getattr(tf.math, name)
        a, b = tf.constant(x), tf.constant(y)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([a, b])
            z = fn(a, b)
        # Second order away from the poles (y = 0 or -1), where torch's and TF's
        # infinities and NaNs of the second derivatives differ.
        c, d = tf.constant([2.0, -1.5]), tf.constant([3.0, 0.5])
        with tf.GradientTape(persistent=True) as outer:
            outer.watch([c, d])
            with tf.GradientTape(persistent=True) as inner:
                inner.watch([c, d])
                w = fn(c, d)
            first = inner.gradient(w, [c, d])
        return {
            "z": z, "first": tape.gradient(z, [a, b]),
            "second_x": outer.gradient(first[0], [c, d]),
            "second_y": outer.gradient(first[1], [c, d]),
            "broadcast": fn(tf.constant([[1.0], [2.0]]), tf.constant([1.0, 2.0])),
            "float64": fn(tf.constant([2.0], tf.float64), tf.constant([3.0], tf.float64)),
            "ints": _raises(lambda: fn(tf.constant([1]), tf.constant([2]))),
            "mixed": _raises(lambda: fn(tf.constant([1.0]), tf.constant([1.0], tf.float64))),
        }

    return case


case_ew_xlogy = _x_op_case("xlogy", [0.0, 0.0, 2.0, 1.0, -1.5], [0.0, 2.0, 3.0, 0.0, 0.5])
case_ew_xdivy = _x_op_case("xdivy", [0.0, 0.0, 2.0, 1.0, -1.5], [0.0, 2.0, 4.0, 0.0, 0.5])
case_ew_xlog1py = _x_op_case("xlog1py", [0.0, 0.0, 2.0, 1.0], [-1.0, 2.0, 3.0, 0.5])


def _no_nan_case(name):
    def case(tf):
        fn = getattr(tf.math, name)
        x = tf.constant([1.0, -2.0, 0.0, 3.0, float("inf")])
        y = tf.constant([2.0, 0.0, 0.0, -4.0, 0.0])
        z_inf = fn(x, y)
        # Second order on finite values: at x = inf, y = 0 TF's chain multiplies inf by
        # a masked 0 (NaN) where ours masks after the product (0).
        x, y = x[:4], y[:4]
        with tf.GradientTape(persistent=True) as outer:
            outer.watch([x, y])
            with tf.GradientTape(persistent=True) as inner:
                inner.watch([x, y])
                z = fn(x, y)
                w = fn(x * x, y) * 2.0
            first = inner.gradient(z, [x, y])
            dw = inner.gradient(w, [x, y])
        column = tf.constant([[1.0], [2.0]])
        v = tf.Variable([0.0, 2.0])
        with tf.GradientTape() as tape:
            broadcast = fn(column, v)
        return {
            "z_inf": z_inf, "z": z, "first": first,
            "second": outer.gradient(dw[0], [x, y]),
            "broadcast": broadcast, "grad_variable": tape.gradient(broadcast, v),
            "ints": _raises(lambda: fn(tf.constant([1, 2]), tf.constant([0, 1]))),
            "int_values": fn(tf.constant([1, 2]), tf.constant([0, 1]))
            if name == "divide_no_nan" else None,
            "python": fn(tf.constant([1.0, 2.0]), 0.0),
            "float64": fn(tf.constant([1.0], tf.float64), tf.constant([0.5], tf.float64)),
            "mixed": _raises(lambda: fn(tf.constant([1.0]), tf.constant([1.0], tf.float64))),
            "complex": fn(tf.constant([1 + 1j]), tf.constant([0j])),
        }

    return case


case_ew_divide_no_nan = _no_nan_case("divide_no_nan")
case_ew_multiply_no_nan = _no_nan_case("multiply_no_nan")


def _complex_part_case(name):
    def case(tf):
        fn = getattr(tf.math, name)
        z = tf.constant([3 + 4j, -1 - 2j, 0.5 + 0j], dtype=tf.complex64)
        x = tf.constant([1.5, -2.0, 0.0])
        v = tf.Variable([1.5, -2.0])
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([z, x])
            on_complex = fn(z)
            y = on_complex * tf.cast(on_complex, on_complex.dtype)
            on_real = fn(x)
            on_variable = fn(v)
        out = {"complex": on_complex, "real": on_real, "variable": on_variable,
               "int": _raises(lambda: fn(tf.constant([1, -2]))),
               "grad": tape.gradient(y, z), "grad_real": tape.gradient(on_real, x),
               "grad_variable": tape.gradient(on_variable, v),
               "watched": len(tape.watched_variables())}
        with tf.GradientTape() as outer:
            outer.watch(z)
            with tf.GradientTape() as inner:
                inner.watch(z)
                w = fn(z) * fn(z) * z
            dw = inner.gradient(w, z)
        out["second"] = outer.gradient(dw, z)
        return out

    return case


case_ew_complex_real = _complex_part_case("real")
case_ew_complex_imag = _complex_part_case("imag")
case_ew_complex_conj = _complex_part_case("conj")
case_ew_complex_angle = _complex_part_case("angle")


def case_ew_complex_from_parts(tf):
    a = tf.constant([1.0, 2.0])
    b = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        w = tf.complex(a, b)
        y = w * w
        u = tf.math.abs(w)
    return {
        "w": w, "grads": tape.gradient(y, [a, b]), "abs_grads": tape.gradient(u, [a, b]),
        "float64": tf.complex(tf.constant(1.0, tf.float64), tf.constant(2.0, tf.float64)),
        "python": tf.complex(1.0, 2.0),
        "dtypes": tf.dtypes.complex(a, a).dtype == tf.complex64,
        "mixed": _raises(lambda: tf.complex(tf.constant(1.0), tf.constant(2.0, tf.float64))),
        "ints": _raises(lambda: tf.complex(tf.constant(1), tf.constant(2))),
        "shapes": _raises(lambda: tf.complex(tf.ones([2]), tf.ones([3]))),
    }


def case_ew_float64_log1p(tf):
    return _grads(tf, tf.math.log1p, [0.5, 1e-10], dtype=tf.float64)


def case_ew_erf_second(tf):
    return _second(tf, tf.math.erf, 0.3)


def case_ew_log_sigmoid_second(tf):
    return _second(tf, tf.math.log_sigmoid, 0.5)


def case_ew_top_level_names(tf):
    return [
        tf.asin(0.5), tf.acos(0.5), tf.atan(0.5), tf.sinh(0.5), tf.cosh(0.5), tf.tan(0.5),
        tf.floor(1.5), tf.round(1.5), tf.sign(-2.0), tf.negative(3),
    ]


def case_ew_sign_int(tf):
    return tf.sign(tf.constant([-3, 0, 4]))


def case_ew_negative_int(tf):
    return tf.negative(tf.constant([1, -2], dtype=tf.int64))


def case_ew_round_int(tf):
    return tf.round(tf.constant([1, 2]))


def case_ew_reciprocal_int(tf):
    return tf.math.reciprocal(tf.constant([1, 2]))


def case_ew_log1p_int_error(tf):
    return tf.math.log1p(tf.constant([1, 2]))


def case_ew_erf_int_error(tf):
    return tf.math.erf(tf.constant(1))


def case_ew_floor_int_error(tf):
    return tf.floor(tf.constant([1, 2]))


def case_ew_python_list(tf):
    return [tf.math.expm1([0.0, 1.0]), tf.math.rsqrt(4.0)]


def case_ew_nan_inf(tf):
    x = tf.constant([1.0, float("nan"), float("inf"), -float("inf"), 0.0])
    return [tf.math.is_nan(x), tf.math.is_inf(x), tf.math.is_finite(x)]


def case_ew_is_nan_int_error(tf):
    return tf.math.is_nan(tf.constant([1, 2]))


def case_ew_is_finite_gradient(tf):
    return _grads(tf, lambda x: tf.reduce_sum(tf.where(tf.math.is_finite(x), x, 0.0)),
                  [1.0, float("inf")])


def case_ew_squared_difference(tf):
    return _grads(tf, tf.math.squared_difference, [1.0, 2.0, 5.0], [3.0])


def case_ew_squared_difference_int(tf):
    return tf.math.squared_difference(tf.constant([1, 5]), 2)


def case_ew_atan2(tf):
    return _grads(tf, tf.atan2, [1.0, -1.0, 0.5], [2.0, -1.0, -3.0])


def case_ew_atan2_int_error(tf):
    return tf.atan2(tf.constant(1), tf.constant(2))


def case_ew_truediv_int(tf):
    return tf.truediv(tf.constant([3, 4]), tf.constant([2, 8]))


def case_ew_truediv_int16(tf):
    return tf.truediv(tf.constant([3], tf.int16), tf.constant([2], tf.int16))


def case_ew_truediv_grad(tf):
    return _grads(tf, tf.truediv, [1.0, 2.0], [4.0, -2.0])


def case_ew_truediv_dtype_error(tf):
    return tf.truediv(tf.constant(1.0), tf.constant(2))


def case_ew_floordiv(tf):
    return [
        tf.math.floordiv(tf.constant([7, -7, 7, -7]), tf.constant([2, 2, -2, -2])),
        tf.math.floordiv(tf.constant([7.5, -7.5]), 2.0),
    ]


def case_ew_floordiv_gradient_none(tf):
    return _grads(tf, tf.math.floordiv, [7.0, 3.0], [2.0, 2.0])


def case_ew_floordiv_int_zero_error(tf):
    return tf.math.floordiv(tf.constant([1]), tf.constant([0]))


def case_ew_floormod(tf):
    return [
        tf.math.floormod(tf.constant([7, -7, 7, -7]), tf.constant([3, 3, -3, -3])),
        tf.math.floormod(tf.constant([7.5, -7.5]), 2.0),
        tf.math.mod(tf.constant([5]), 3),
    ]


def case_ew_floormod_grad(tf):
    return _grads(tf, tf.math.floormod, [7.5, -7.5], [2.0, 2.0])


def case_ew_floor_gradient_none(tf):
    return _grads(tf, lambda x: tf.floor(x) + tf.math.ceil(x) + tf.round(x), [1.5])


def case_ew_sign_gradient(tf):
    return _grads(tf, lambda x: tf.sign(x) * 3.0, [-1.0, 0.0, 2.0])


def case_ew_name_argument(tf):
    return tf.math.log1p(tf.constant(1.0), name="my_log1p")


# ---------------------------------------------------------------------------
# Comparisons and logic


def case_cmp_all(tf):
    a = tf.constant([1, 2, 3])
    return [tf.equal(a, 2), tf.not_equal(a, 2), tf.less(a, 2), tf.less_equal(a, 2),
            tf.greater(a, 2), tf.greater_equal(a, 2)]


def case_cmp_broadcast(tf):
    return tf.less(tf.constant([[1.0], [3.0]]), tf.constant([2.0, 0.0, 4.0]))


def case_cmp_python_first(tf):
    return [tf.equal(2, tf.constant([1, 2])), tf.greater(2.5, tf.constant([1.0, 3.0]))]


def case_cmp_equal_shape_error(tf):
    return tf.equal(tf.constant([1, 2]), tf.constant([1, 2, 3]))


def case_cmp_dtype_error(tf):
    return tf.equal(tf.constant([1, 2]), tf.constant([1.0, 2.0]))


def case_cmp_less_dtype_error(tf):
    return tf.less(tf.constant([1, 2]), tf.constant([1.0, 2.0]))


def case_cmp_equal_bool(tf):
    return tf.equal(tf.constant([True, False]), True)


def case_cmp_gradient_none(tf):
    return _grads(tf, lambda x: tf.cast(tf.greater(x, 0.0), tf.float32), [1.0, -1.0])


def case_cmp_logical(tf):
    a = tf.constant([True, True, False, False])
    b = tf.constant([True, False, True, False])
    return [tf.logical_and(a, b), tf.logical_or(a, b), tf.math.logical_xor(a, b),
            tf.logical_not(a), tf.math.logical_and(a, True)]


def case_cmp_logical_python(tf):
    return tf.logical_and([True, False], [True, True])


def case_cmp_logical_not_bool_error(tf):
    return tf.logical_and(tf.constant([1.0]), tf.constant([True]))


def case_cmp_logical_not_int_error(tf):
    return tf.logical_not(tf.constant([1]))


# ---------------------------------------------------------------------------
# Reductions


def case_red_logsumexp(tf):
    return _grads(tf, lambda x: tf.reduce_logsumexp(x, axis=1), [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])


def case_red_logsumexp_all_keepdims(tf):
    return [tf.reduce_logsumexp(tf.constant([[1.0, 2.0], [3.0, 4.0]])),
            tf.reduce_logsumexp(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=0, keepdims=True),
            tf.math.reduce_logsumexp([1000.0, 1000.0])]


def case_red_logsumexp_inf(tf):
    return [tf.reduce_logsumexp(tf.constant([-np.inf, -np.inf])),
            tf.reduce_logsumexp(tf.constant([np.inf, 1.0]))]


def case_red_logsumexp_int_error(tf):
    return tf.reduce_logsumexp(tf.constant([1, 2]))


def case_red_logsumexp_axis_error(tf):
    return tf.reduce_logsumexp(tf.constant([1.0, 2.0]), axis=3)


def case_red_any_all(tf):
    x = tf.constant([[True, False], [True, True]])
    return [tf.reduce_any(x), tf.reduce_all(x), tf.reduce_any(x, axis=0),
            tf.reduce_all(x, axis=1), tf.reduce_all(x, axis=1, keepdims=True),
            tf.math.reduce_any([False, False]), tf.reduce_all(tf.zeros([0], tf.bool))]


def case_red_any_float_error(tf):
    return tf.reduce_any(tf.constant([1.0, 0.0]))


def case_red_all_int_error(tf):
    return tf.reduce_all(tf.constant([1, 0]))


def case_red_variance_std(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 6.0]])
    return [tf.math.reduce_variance(x), tf.math.reduce_std(x),
            tf.math.reduce_variance(x, axis=0), tf.math.reduce_std(x, axis=1, keepdims=True)]


def case_red_variance_grad(tf):
    return _grads(tf, lambda x: tf.math.reduce_variance(x, axis=1),
                  [[1.0, 2.0, 6.0], [0.0, 1.0, 1.0]])


def case_red_std_grad(tf):
    return _grads(tf, lambda x: tf.math.reduce_std(x), [1.0, 2.0, 6.0])


def case_red_std_constant_grad(tf):
    return _grads(tf, lambda x: tf.math.reduce_std(x), [2.0, 2.0])


def case_red_variance_int_error(tf):
    return tf.math.reduce_variance(tf.constant([1, 2]))


def case_red_variance_float64(tf):
    return tf.math.reduce_variance(tf.constant([1.0, 2.0], tf.float64))


def case_red_euclidean_norm(tf):
    return _grads(tf, lambda x: tf.math.reduce_euclidean_norm(x, axis=1),
                  [[3.0, 4.0], [0.0, 0.0]])


def case_red_euclidean_norm_int(tf):
    return [tf.math.reduce_euclidean_norm(tf.constant([3, 4])),
            tf.math.reduce_euclidean_norm(tf.constant([[1.0, 2.0], [2.0, 4.0]]), keepdims=True)]


def case_red_count_nonzero(tf):
    x = tf.constant([[0, 1, 2], [0, 0, 3]])
    return [tf.math.count_nonzero(x), tf.math.count_nonzero(x, axis=1),
            tf.math.count_nonzero(x, axis=0, keepdims=True),
            tf.math.count_nonzero(tf.constant([0.0, 0.5]), dtype=tf.int32),
            tf.math.count_nonzero(tf.constant([True, False, True]))]


# ---------------------------------------------------------------------------
# Scans, sorting, segments, sums of many


def case_seq_cumsum(tf):
    x = tf.constant([[1, 2, 3], [4, 5, 6]])
    return [tf.cumsum(x), tf.cumsum(x, axis=1), tf.cumsum(x, axis=1, exclusive=True),
            tf.cumsum(x, axis=1, reverse=True), tf.cumsum(x, axis=-1, exclusive=True, reverse=True)]


def case_seq_cumsum_grad(tf):
    return _grads(tf, lambda x: tf.cumsum(x, exclusive=True) * tf.constant([1.0, 2.0, 3.0]),
                  [1.0, 2.0, 3.0])


def case_seq_cumsum_axis_error(tf):
    return tf.cumsum(tf.constant([1, 2]), axis=2)


def case_seq_cumprod(tf):
    x = tf.constant([1.0, 2.0, 3.0, 4.0])
    return [tf.math.cumprod(x), tf.math.cumprod(x, exclusive=True),
            tf.math.cumprod(x, reverse=True),
            tf.math.cumprod(tf.constant([[1, 2], [3, 4]]), axis=1)]


def case_seq_cumprod_grad(tf):
    return _grads(tf, lambda x: tf.math.cumprod(x, reverse=True), [1.0, 2.0, 3.0])


def _fwd(tf, f, primals, tangents):
    """`f(*primals)` and its JVP along `tangents` under a ForwardAccumulator."""
    with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:
        y = f(*primals) if isinstance(primals, tuple) else f(primals)
    return acc.jvp(y)


def case_seq_cumprod_grad_at_zeros(tf):
    """TF's Cumprod gradient is `div_no_nan(...)`: 0 wherever the input is 0 (the true
    derivative is not), in every layout; its JVP transposes that formula."""
    x = [2.0, 0.0, 3.0, 0.0, 5.0]
    weights = [1.0, 2.0, 3.0, 4.0, 5.0]
    out = {}
    for exclusive in (False, True):
        for reverse in (False, True):
            key = f"exclusive={exclusive},reverse={reverse}"
            def scan(v, exclusive=exclusive, reverse=reverse):
                return tf.math.cumprod(v, exclusive=exclusive, reverse=reverse)

            out[key] = _grads(tf, lambda v, scan=scan: scan(v) * weights, x)
            out[key + ",jvp"] = _fwd(tf, scan, tf.constant(x),
                                     tf.constant([1.0, 2.0, -1.0, 0.5, 3.0]))
    return out


_Z = [1 + 2j, 0.5 - 1j, 0j]
_W = [2 - 1j, 1 + 1j, 3 + 0j]


def case_seq_complex_gradients_tf_leaves_unconjugated(tf):
    """TF's gradients of Cumprod, MulNoNan, Xlogy and Xdivy do not conjugate complex
    derivatives (its Mul, Exp, ... do); their JVPs transpose those gradients."""
    z, w = tf.constant(_Z), tf.constant(_W)
    tz, tw = tf.constant([1 + 1j, -1 + 0.5j, 2 - 1j]), tf.constant([0.5j, 1 + 0j, -1 + 1j])
    out = {}
    for name in ("multiply_no_nan", "xlogy", "xdivy"):
        op = getattr(tf.math, name)
        with tf.GradientTape() as tape:
            tape.watch([z, w])
            y = tf.math.real(op(z, w) * tf.constant([1 + 1j, 2 - 1j, 0.5 + 0j]))
        out[name] = tape.gradient(y, [z, w])
        out[name + ",jvp"] = _fwd(tf, op, (z, w), (tz, tw))
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = tf.math.real(tf.math.cumprod(z) * tf.constant([1 + 1j, 2 - 1j, 0.5 + 0j]))
    out["cumprod"] = tape.gradient(y, z)
    out["cumprod,jvp"] = _fwd(tf, tf.math.cumprod, z, tz)
    return out


def case_seq_top_k(tf):
    r = tf.math.top_k(tf.constant([[1.0, 5.0, 3.0, 5.0], [2.0, 2.0, 2.0, 1.0]]), k=3)
    return {"values": r.values, "indices": r.indices, "type": type(r).__name__,
            "fields": list(r._fields)}


def case_seq_top_k_grad(tf):
    return _grads(tf, lambda x: tf.math.top_k(x, k=2).values * tf.constant([1.0, 10.0]),
                  [3.0, 1.0, 2.0, 3.0])


def case_seq_top_k_int_default_k(tf):
    r = tf.nn.top_k(tf.constant([4, 9, 1]))
    return [r.values, r.indices]


def case_seq_top_k_too_large_error(tf):
    return tf.math.top_k(tf.constant([1.0, 2.0]), k=3)


def case_seq_top_k_scalar_error(tf):
    return tf.math.top_k(tf.constant(1.0), k=1)


def case_seq_add_n(tf):
    return _grads(tf, lambda a, b: tf.add_n([a, b, a]), [1.0, 2.0], [3.0, 4.0])


def case_seq_add_n_int_single(tf):
    return [tf.add_n([tf.constant([1, 2])]), tf.math.add_n([[1, 2], tf.constant([3, 4])])]


def case_seq_add_n_shape_error(tf):
    return tf.add_n([tf.constant([1.0, 2.0]), tf.constant([1.0])])


def case_seq_add_n_empty_error(tf):
    return tf.add_n([])


def case_seq_add_n_dtype_error(tf):
    return tf.add_n([tf.constant([1.0]), tf.constant([1])])


def case_seq_segment_sum(tf):
    return _grads(tf, lambda d: tf.math.segment_sum(d, tf.constant([0, 0, 2])) * 2.0,
                  [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])


def case_seq_segment_sum_unsorted_error(tf):
    return tf.math.segment_sum(tf.constant([1.0, 2.0]), tf.constant([1, 0]))


def case_seq_unsorted_segment_sum(tf):
    return _grads(
        tf, lambda d: tf.math.unsorted_segment_sum(d, tf.constant([2, 0, 2, -1]), num_segments=4),
        [1.0, 2.0, 3.0, 4.0])


def case_seq_unsorted_segment_sum_int16_ids(tf):
    """int16 ids: TF's UnsortedSegmentSum takes them (and so its mean and sqrt_n)."""
    ids = tf.constant([2, 0, 2, -1], tf.int16)
    out = _grads(tf, lambda d: tf.math.unsorted_segment_sum(d, ids, num_segments=4) * 2.0,
                 [1.0, 2.0, 3.0, 4.0])
    data = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    pairs = tf.constant([0, 1, 0], tf.int16)
    out["mean"] = tf.math.unsorted_segment_mean(data, pairs, 2)
    out["sqrt_n"] = tf.math.unsorted_segment_sqrt_n(data, pairs, 2)
    return out


def case_seq_unsorted_segment_max_int16_ids_error(tf):
    return tf.math.unsorted_segment_max(tf.constant([1.0, 2.0]), tf.constant([0, 1], tf.int16), 2)


def case_seq_unsorted_segment_sum_2d_ids(tf):
    data = tf.constant([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
    return tf.math.unsorted_segment_sum(data, tf.constant([[0, 1], [1, 1]]), 2)


def case_seq_unsorted_segment_sum_range_error(tf):
    return tf.math.unsorted_segment_sum(tf.constant([1.0, 2.0]), tf.constant([0, 3]), 2)


def case_seq_bincount(tf):
    x = tf.constant([1, 1, 3, 0])
    return [tf.math.bincount(x), tf.math.bincount(x, minlength=6), tf.math.bincount(x, maxlength=2),
            tf.math.bincount(x, weights=tf.constant([0.5, 1.0, 2.0, 4.0])),
            tf.math.bincount(tf.constant([], tf.int32)),
            tf.math.bincount(x, dtype=tf.float32)]


def case_seq_bincount_negative_error(tf):
    return tf.math.bincount(tf.constant([1, -1]))


def case_seq_polyval(tf):
    return _grads(tf, lambda x: tf.math.polyval([1.0, -2.0, 3.0], x), [0.0, 2.0, -1.0])


def case_seq_polyval_empty(tf):
    return tf.math.polyval([], tf.constant([1.0, 2.0]))


def case_seq_polyval_tensor_coeffs(tf):
    return _grads(tf, lambda a, x: tf.math.polyval([a, tf.constant(1.0)], x), 2.0, 3.0)


# ---------------------------------------------------------------------------
# Clipping


def case_clip_by_value(tf):
    return _grads(tf, lambda x: tf.clip_by_value(x, -1.0, 1.0), [-2.0, -1.0, 0.5, 1.0, 3.0])


def case_clip_by_value_tensor_bounds(tf):
    return _grads(tf, lambda x, lo, hi: tf.clip_by_value(x, lo, hi),
                  [-2.0, 0.5, 3.0], [-1.0, 0.0, 0.0], 1.0)


def case_clip_by_value_int(tf):
    return tf.clip_by_value(tf.constant([[-1, 5], [3, 9]]), 0, 4)


def case_clip_by_value_broadcast_error(tf):
    return tf.clip_by_value(tf.constant([1.0]), tf.constant([0.0, 0.0]), 1.0)


def case_clip_by_value_dtype_error(tf):
    return tf.clip_by_value(tf.constant([1, 5]), 0.5, 4.5)


def case_clip_by_norm(tf):
    return _grads(tf, lambda x: tf.clip_by_norm(x, 1.0), [3.0, 4.0])


def case_clip_by_norm_small(tf):
    return _grads(tf, lambda x: tf.clip_by_norm(x, 10.0), [3.0, 4.0])


def case_clip_by_norm_zero(tf):
    return _grads(tf, lambda x: tf.clip_by_norm(x, 1.0), [0.0, 0.0])


def case_clip_by_norm_axes(tf):
    return _grads(tf, lambda x: tf.clip_by_norm(x, 2.0, axes=[1]), [[3.0, 4.0], [0.6, 0.8]])


def case_clip_by_norm_int_error(tf):
    return tf.clip_by_norm(tf.constant([3, 4]), 1.0)


def case_clip_by_global_norm(tf):
    a = tf.constant([3.0, 0.0])
    b = tf.constant([[4.0]])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        clipped, norm = tf.clip_by_global_norm([a, None, b], 2.5)
        y = tf.reduce_sum(clipped[0]) + tf.reduce_sum(clipped[2] * 3.0)
    return {"clipped": clipped, "norm": norm, "grads": tape.gradient(y, [a, b])}


def case_clip_by_global_norm_use_norm(tf):
    clipped, norm = tf.clip_by_global_norm([tf.constant([1.0, 1.0])], 1.0, use_norm=4.0)
    return [clipped, norm]


def case_clip_by_global_norm_inf(tf):
    clipped, norm = tf.clip_by_global_norm([tf.constant([np.inf, 1.0])], 1.0)
    return [clipped, norm]


def case_clip_by_global_norm_not_sequence_error(tf):
    return tf.clip_by_global_norm(tf.constant([1.0]), 1.0)


# ---------------------------------------------------------------------------
# tf.nn

ACT_POINTS = [-3.0, -0.5, 0.0, 0.5, 6.0, 7.0]


def _act_case(name, **kwargs):
    def case(tf):
        fn = getattr(tf.nn, name)
        return _grads(tf, lambda x: fn(x, **kwargs), ACT_POINTS)

    return case


case_nn_elu = _act_case("elu")
case_nn_selu = _act_case("selu")
case_nn_gelu = _act_case("gelu")
case_nn_gelu_approximate = _act_case("gelu", approximate=True)
case_nn_leaky_relu = _act_case("leaky_relu")
case_nn_leaky_relu_alpha = _act_case("leaky_relu", alpha=0.01)
case_nn_relu6 = _act_case("relu6")
case_nn_silu = _act_case("silu")
case_nn_swish = _act_case("swish")
case_nn_silu_beta = _act_case("silu", beta=2.0)


def case_nn_elu_second(tf):
    return _second(tf, tf.nn.elu, -0.5)


def case_nn_relu6_int(tf):
    return tf.nn.relu6(tf.constant([-2, 3, 8]))


def case_nn_leaky_relu_int(tf):
    return tf.nn.leaky_relu(tf.constant([-5, 3]))


def case_nn_elu_int_error(tf):
    return tf.nn.elu(tf.constant([1, 2]))


def case_nn_log_softmax(tf):
    return _grads(tf, lambda x: tf.nn.log_softmax(x) * tf.constant([1.0, 2.0, 3.0]),
                  [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])


def case_nn_log_softmax_axis(tf):
    return [tf.nn.log_softmax(tf.constant([[1.0, 2.0], [3.0, 5.0]]), axis=0),
            tf.math.log_softmax(tf.constant([1.0, 2.0]))]


def case_nn_log_softmax_axis_error(tf):
    return tf.nn.log_softmax(tf.constant([1.0, 2.0]), axis=1)


def case_nn_softmax_xent(tf):
    return _grads(tf, lambda y, x: tf.nn.softmax_cross_entropy_with_logits(y, x),
                  [[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], [[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]])


def case_nn_softmax_xent_unnormalized_labels(tf):
    return _grads(tf, lambda y, x: tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x),
                  [[1.0, 1.0, 0.5]], [[1.0, 2.0, 3.0]])


def case_nn_softmax_xent_axis(tf):
    return _grads(tf, lambda y, x: tf.nn.softmax_cross_entropy_with_logits(y, x, axis=0),
                  [[1.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [3.0, 5.0]])


def case_nn_softmax_xent_second(tf):
    labels = tf.constant([0.3, 0.7])
    return _second(tf, lambda x: tf.nn.softmax_cross_entropy_with_logits(labels, x * 2.0),
                   [1.0, -1.0])


def case_nn_softmax_xent_shape_error(tf):
    return tf.nn.softmax_cross_entropy_with_logits([[1.0, 0.0]], [[1.0, 2.0, 3.0]])


def case_nn_sparse_xent(tf):
    return _grads(tf, lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(
        tf.constant([2, 0]), x), [[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]])


def case_nn_sparse_xent_int64_labels_3d(tf):
    logits = tf.reshape(tf.range(12, dtype=tf.float32), [2, 2, 3])
    return tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant([[0, 1], [2, 2]], tf.int64), logits=logits)


def case_nn_sparse_xent_out_of_range_error(tf):
    return tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([3]),
                                                          tf.constant([[1.0, 2.0]]))


def case_nn_sparse_xent_rank_error(tf):
    return tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([[0]]),
                                                          tf.constant([[1.0, 2.0]]))


def case_nn_sigmoid_xent(tf):
    return _grads(tf, lambda y, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x),
                  [0.0, 1.0, 0.5, 1.0, 0.0], [-2.0, 0.0, 0.0, 3.0, 50.0])


def case_nn_sigmoid_xent_shape_error(tf):
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0, 0.0], logits=[1.0])


def case_nn_l2_loss(tf):
    return _grads(tf, tf.nn.l2_loss, [[1.0, 2.0], [3.0, -4.0]])


def case_nn_l2_loss_int_error(tf):
    return tf.nn.l2_loss(tf.constant([1, 2]))


def case_nn_moments(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 6.0]])
    mean, var = tf.nn.moments(x, axes=[0])
    mean_k, var_k = tf.nn.moments(x, axes=[0, 1], keepdims=True)
    return [mean, var, mean_k, var_k]


def case_nn_moments_grad(tf):
    x = tf.constant([1.0, 2.0, 6.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        mean, var = tf.nn.moments(x, axes=[0])
    return [tape.gradient(mean, x), tape.gradient(var, x)]


def case_nn_dropout_scaling(tf):
    tf.random.set_seed(5)
    x = tf.ones([1000])
    y = tf.nn.dropout(x, rate=0.25, seed=3)
    kept = y.numpy()[y.numpy() != 0]
    return {"float32": y.dtype == tf.float32, "shape": list(y.shape),
            "values": sorted(set(kept.tolist())),
            "fraction_ok": bool(0.65 < len(kept) / 1000 < 0.85)}


def case_nn_dropout_grad_matches_mask(tf):
    x = tf.ones([200])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.dropout(x, rate=0.5, seed=1)
    g = tape.gradient(y, x)
    return bool(np.array_equal(g.numpy(), y.numpy()))


def case_nn_dropout_noise_shape(tf):
    y = tf.nn.dropout(tf.ones([4, 50]), rate=0.5, noise_shape=[4, 1], seed=2)
    rows = y.numpy()
    return [bool(len(set(r.tolist())) == 1) for r in rows]


def case_nn_dropout_rate_error(tf):
    return tf.nn.dropout(tf.ones([2]), rate=1.0)


def case_nn_dropout_int_error(tf):
    return tf.nn.dropout(tf.constant([1, 2]), rate=0.5)


def case_nn_bias_add(tf):
    return _grads(tf, lambda v, b: tf.nn.bias_add(v, b), [[1.0, 2.0], [3.0, 4.0]], [10.0, 20.0])


def case_nn_bias_add_nchw(tf):
    v = tf.zeros([1, 2, 2, 2])
    return tf.nn.bias_add(v, tf.constant([1.0, 2.0]), data_format="NCHW")


def case_nn_bias_add_mismatch_error(tf):
    return tf.nn.bias_add(tf.zeros([2, 3]), tf.constant([1.0, 2.0]))


def case_nn_bias_add_rank_error(tf):
    return tf.nn.bias_add(tf.zeros([2, 3]), tf.constant([[1.0, 2.0, 3.0]]))


# ---------------------------------------------------------------------------
# Functional ops and control flow


def case_fn_map_fn(tf):
    return _grads(tf, lambda x: tf.map_fn(lambda r: tf.reduce_sum(r * r), x),
                  [[1.0, 2.0], [3.0, 4.0]])


def case_fn_map_fn_tuple_signature(tf):
    a = tf.constant([1, 2, 3])
    b = tf.constant([1.0, 2.0, 3.0])
    return tf.map_fn(lambda t: tf.cast(t[0], tf.float32) * t[1], (a, b),
                     fn_output_signature=tf.float32)


def case_fn_map_fn_structure_out(tf):
    x = tf.constant([1.0, 2.0])
    return tf.map_fn(lambda t: (t, t * 2.0), x, fn_output_signature=(tf.float32, tf.float32))


def case_fn_map_fn_dict(tf):
    elems = {"a": tf.constant([1, 2]), "b": tf.constant([10, 20])}
    return tf.map_fn(lambda d: d["a"] + d["b"], elems, fn_output_signature=tf.int32)


def case_fn_map_fn_tensorspec(tf):
    return tf.map_fn(lambda t: tf.stack([t, t]), tf.constant([1, 2]),
                     fn_output_signature=tf.TensorSpec([2], tf.int32))


def case_fn_map_fn_dtype_error(tf):
    return tf.map_fn(lambda t: tf.cast(t, tf.float32), tf.constant([1, 2]))


def case_fn_map_fn_scalar_error(tf):
    return tf.map_fn(lambda t: t, tf.constant(1.0))


def case_fn_vectorized_map(tf):
    return _grads(tf, lambda x: tf.vectorized_map(lambda r: tf.reduce_sum(r) * r, x),
                  [[1.0, 2.0], [3.0, 4.0]])


def case_fn_vectorized_map_tuple(tf):
    return tf.vectorized_map(lambda t: (t[0] + t[1], t[0] * 2),
                             (tf.constant([1, 2]), tf.constant([3, 4])))


def case_fn_tensor_array_basic(tf):
    ta = tf.TensorArray(tf.float32, size=3)
    ta = ta.write(0, 1.0).write(1, 2.0)
    ta = ta.write(2, tf.constant(3.0))
    return {"stack": ta.stack(), "size": ta.size(), "read": ta.read(1),
            "float32": ta.dtype == tf.float32}


def case_fn_tensor_array_dynamic(tf):
    ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    for i in range(4):
        ta = ta.write(i, i * i)
    return [ta.stack(), ta.size(), ta.gather([3, 1]), ta.dynamic_size]


def case_fn_tensor_array_unstack(tf):
    ta = tf.TensorArray(tf.float32, size=2).unstack(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    return [ta.read(0), ta.read(1), ta.size(), ta.element_shape.as_list()]


def case_fn_tensor_array_grad(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        ta = tf.TensorArray(tf.float32, size=2)
        ta = ta.write(0, x * 2.0)
        ta = ta.write(1, x * x)
        y = tf.reduce_sum(ta.stack())
    return tape.gradient(y, x)


def case_fn_tensor_array_concat(tf):
    ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)
    ta = ta.write(0, [1.0, 2.0]).write(1, [3.0])
    return ta.concat()


def case_fn_tensor_array_unwritten_zero(tf):
    ta = tf.TensorArray(tf.float32, size=3, element_shape=[2])
    ta = ta.write(1, [1.0, 2.0])
    return ta.stack()


def case_fn_tensor_array_read_twice(tf):
    ta = tf.TensorArray(tf.float32, size=1).write(0, 1.0)
    return [ta.read(0), ta.read(0)]


def case_fn_tensor_array_out_of_range_error(tf):
    ta = tf.TensorArray(tf.float32, size=1)
    return ta.write(1, 1.0)


def case_fn_tensor_array_dtype_error(tf):
    ta = tf.TensorArray(tf.float32, size=1)
    return ta.write(0, tf.constant(1))


def case_fn_tensor_array_shape_error(tf):
    ta = tf.TensorArray(tf.float32, size=2)
    ta = ta.write(0, [1.0, 2.0])
    return ta.write(1, [1.0])


def case_fn_tensor_array_read_out_of_range_error(tf):
    return tf.TensorArray(tf.float32, size=1).read(2)


def case_fn_tensor_array_empty_stack(tf):
    return tf.TensorArray(tf.float32, size=0, element_shape=[3]).stack()


def case_fn_py_function(tf):
    def f(a, b):
        return a * b + tf.constant(float(a.numpy()))

    return _grads(tf, lambda x: tf.py_function(f, [x, 3.0], Tout=tf.float32), 2.0)


def case_fn_py_function_list_tout(tf):
    out = tf.py_function(lambda x: (x + 1, x * 2), [tf.constant(1)], Tout=[tf.int32, tf.int32])
    return out


def case_fn_py_function_numpy_result(tf):
    return tf.py_function(lambda x: np.array([1.0, 2.0], np.float32) * x.numpy(),
                          [tf.constant(2.0)], Tout=tf.float32)


def case_fn_py_function_dtype_error(tf):
    return tf.py_function(lambda x: x, [tf.constant(1.0)], Tout=tf.int32)


def case_fn_cond(tf):
    def f(x):
        return tf.cond(x > 0.0, lambda: x * x, lambda: -x)

    return [_grads(tf, f, 3.0), _grads(tf, f, -2.0)]


def case_fn_cond_python_bool(tf):
    return tf.cond(True, lambda: tf.constant(1), lambda: tf.constant(2))


def case_fn_cond_singleton_unpacked(tf):
    return tf.cond(tf.constant(False), lambda: [tf.constant(1)], lambda: [tf.constant(2)])


def case_fn_cond_tuple(tf):
    return tf.cond(tf.constant(True), lambda: (1, 2.0), lambda: (3, 4.0))


def case_fn_cond_missing_branch_error(tf):
    return tf.cond(tf.constant(True), lambda: 1)


def case_fn_cond_not_scalar_error(tf):
    return tf.cond(tf.constant([True, False]), lambda: 1, lambda: 2)


def case_fn_while_loop(tf):
    i = tf.constant(0)
    c = lambda i: tf.less(i, 10)  # noqa: E731
    b = lambda i: (tf.add(i, 1),)  # noqa: E731
    r = tf.while_loop(c, b, [i])
    return {"r": r, "type": type(r).__name__}


def case_fn_while_loop_two_vars(tf):
    r = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + tf.cast(i, tf.float32)),
                      (tf.constant(0), tf.constant(0.0)))
    return {"r": r, "type": type(r).__name__}


def case_fn_while_loop_grad(tf):
    def f(x):
        _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x),
                             [tf.constant(0), tf.constant(1.0)])
        return y

    return _grads(tf, f, 2.0)


def case_fn_while_loop_maximum_iterations(tf):
    r = tf.while_loop(lambda i: True, lambda i: [i + 1], [tf.constant(0)], maximum_iterations=4)
    return {"r": r, "type": type(r).__name__}


def case_fn_while_loop_no_iterations(tf):
    r = tf.while_loop(lambda i: i < 0, lambda i: [i + 1], [tf.constant(5)])
    return {"r": r, "type": type(r).__name__}


def case_fn_while_loop_not_callable_error(tf):
    return tf.while_loop(1, lambda i: i, [tf.constant(0)])


def case_fn_while_loop_bare_tensor_body(tf):
    r = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)])
    return {"r": r, "type": type(r).__name__}


def case_fn_identity_n(tf):
    return _grads(tf, lambda a, b: tf.identity_n([a, b * 2.0]), 1.0, 2.0)


def case_fn_init_scope(tf):
    with tf.init_scope():
        v = tf.Variable(2.0)
    return v * 3.0


def case_fn_types_experimental(tf):
    f = tf.function(lambda x: x + 1)
    return [isinstance(f, tf.types.experimental.PolymorphicFunction),
            isinstance(f, tf.types.experimental.GenericFunction),
            isinstance(f.get_concrete_function(tf.constant(1.0)),
                       tf.types.experimental.ConcreteFunction)]


# ---------------------------------------------------------------------------
# Out of scope: each raises under tftape_torch; TF has them (recorded for the record)


def case_out_string_constant(tf):
    return tf.constant("text").dtype.name


def case_out_ragged(tf):
    return tf.ragged.constant([[1, 2], [3]]).shape.as_list()


def case_out_sparse(tf):
    return tf.sparse.to_dense(tf.sparse.SparseTensor([[0, 0]], [1.0], [2, 2]))


def case_out_strings(tf):
    return tf.strings.length(["ab"])


def case_out_image(tf):
    return tf.image.flip_left_right(tf.zeros([2, 2, 1]))


def case_out_saved_model(tf):
    return callable(tf.saved_model.save)


def case_out_summary(tf):
    return callable(tf.summary.scalar)


def case_out_profiler(tf):
    return callable(tf.profiler.experimental.start)


def case_fn_autograph_names(tf):
    """`tf.autograph`'s names run TF code unchanged (no conversion is compared)."""
    import contextlib
    import io

    @tf.autograph.experimental.do_not_convert
    def double(x):
        return x * 2

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tf.autograph.trace(1, tf.constant(2.0), "a")
    lam = tf.autograph.experimental.do_not_convert(lambda x: x + 1)
    return {
        "decorated": double(tf.constant(3)), "name": double.__name__, "lambda": lam(1),
        "factory": tf.autograph.experimental.do_not_convert()(double) is double,
        "trace": out.getvalue(),
        "to_code_type": type(tf.autograph.to_code(double)).__name__,
        "to_code_number": _raises(lambda: tf.autograph.to_code(3)),
        "features": [f.name for f in tf.autograph.experimental.Feature],
        "verbosity": tf.autograph.set_verbosity(1),
        "loop_options": tf.autograph.experimental.set_loop_options(maximum_iterations=3),
        "in_function": tf.function(double)(tf.constant(4)),
    }


# ---------------------------------------------------------------------------
# Convolution and pooling (TF's NHWC layout, SAME/VALID padding)


def _ramp(tf, shape):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float32).reshape(shape) % 7 - 3.0) / 4.0


def _conv_case(shape, fshape, strides, padding, dilations=None):
    def case(tf):
        x0, w0 = _ramp(tf, shape), _ramp(tf, fshape)
        return _grads(tf, lambda x, w: tf.nn.conv2d(x, w, strides, padding, dilations=dilations)
                      * 1.5, x0, w0)

    return case


case_nn_conv2d_same = _conv_case([1, 5, 5, 2], [3, 3, 2, 3], 1, "SAME")
case_nn_conv2d_valid = _conv_case([2, 5, 4, 1], [2, 3, 1, 2], 1, "VALID")
case_nn_conv2d_same_stride2 = _conv_case([1, 6, 5, 2], [3, 2, 2, 2], 2, "SAME")
case_nn_conv2d_strides_list = _conv_case([1, 5, 5, 1], [2, 2, 1, 1], [1, 2, 1, 1], "VALID")
case_nn_conv2d_dilated = _conv_case([1, 6, 6, 1], [2, 2, 1, 1], 1, "SAME", dilations=2)
case_nn_conv2d_explicit_padding = _conv_case([1, 4, 4, 1], [3, 3, 1, 1], 1,
                                             [[0, 0], [1, 0], [2, 1], [0, 0]])


def case_nn_conv2d_channel_error(tf):
    return tf.nn.conv2d(tf.ones([1, 3, 3, 2]), tf.ones([2, 2, 3, 1]), 1, "VALID")


def case_nn_conv2d_int(tf):
    return tf.nn.conv2d(tf.ones([1, 3, 3, 1], tf.int32), tf.ones([2, 2, 1, 1], tf.int32), 1,
                        "VALID")


def case_nn_conv1d(tf):
    return _grads(tf, lambda x, w: tf.nn.conv1d(x, w, 2, "SAME"),
                  _ramp(tf, [2, 7, 2]), _ramp(tf, [3, 2, 3]))


def case_nn_max_pool2d(tf):
    x0 = _ramp(tf, [1, 5, 5, 2])
    return [_grads(tf, lambda x: tf.nn.max_pool2d(x, 2, 2, "SAME"), x0),
            _grads(tf, lambda x: tf.nn.max_pool2d(x, [3, 2], [1, 2], "VALID"), x0)]


def case_nn_avg_pool2d(tf):
    x0 = _ramp(tf, [1, 5, 5, 2])
    return [_grads(tf, lambda x: tf.nn.avg_pool2d(x, 2, 2, "SAME"), x0),
            _grads(tf, lambda x: tf.nn.avg_pool2d(x, 3, [1, 2, 1, 1], "VALID"), x0)]


# ---------------------------------------------------------------------------
# tf.debugging


def case_debug_assertions(tf):
    x = tf.constant([1.0, 2.0])
    d = tf.debugging
    checks = {
        "equal": lambda: d.assert_equal(x, x),
        "equal_bad": lambda: d.assert_equal(x, x + 1),
        "equal_shapes": lambda: d.assert_equal(x, tf.constant([1.0, 2.0, 3.0])),
        "equal_broadcast": lambda: d.assert_equal(x, tf.constant([[1.0, 2.0]])),
        "none_equal": lambda: d.assert_none_equal(x, x + 1),
        "none_equal_bad": lambda: d.assert_none_equal(x, tf.constant([1.0, 5.0])),
        "less": lambda: d.assert_less(x, x + 1), "less_bad": lambda: d.assert_less(x, x),
        "less_equal": lambda: d.assert_less_equal(x, x),
        "greater_bad": lambda: d.assert_greater(x, x),
        "greater_equal": lambda: d.assert_greater_equal(x, x),
        "positive": lambda: d.assert_positive(x), "positive_bad": lambda: d.assert_positive(-x),
        "negative_bad": lambda: d.assert_negative(x),
        "non_negative": lambda: d.assert_non_negative(tf.constant([0, 3])),
        "non_positive_bad": lambda: d.assert_non_positive(x),
        "near": lambda: d.assert_near(x, x + 1e-7),
        "near_bad": lambda: d.assert_near(x, x + 1e-3),
        "near_tolerance": lambda: d.assert_near(x, x + 1e-3, atol=1e-2),
        "rank": lambda: d.assert_rank(x, 1), "rank_bad": lambda: d.assert_rank(x, 2),
        "rank_at_least_bad": lambda: d.assert_rank_at_least(x, 2),
        "rank_in": lambda: d.assert_rank_in(x, [0, 1]),
        "rank_in_bad": lambda: d.assert_rank_in(x, [0, 2]),
        "scalar_bad": lambda: d.assert_scalar(x),
        "shapes": lambda: d.assert_shapes([(x, ("N",)), (tf.ones([2, 3]), ("N", 3))]),
        "shapes_size": lambda: d.assert_shapes([(x, ("N",)), (tf.ones([3]), ("N",))]),
        "shapes_rank": lambda: d.assert_shapes([(x, ("N", 2))]),
        "type": lambda: d.assert_type(x, tf.float32),
        "type_bad": lambda: d.assert_type(x, tf.int32),
        "integer_bad": lambda: d.assert_integer(x),
        "integer": lambda: d.assert_integer(tf.constant([1])),
        "same_float": lambda: d.assert_same_float_dtype([x, x]) == tf.float32,
        "same_float_bad": lambda: d.assert_same_float_dtype([x, tf.constant([1.0], tf.float64)]),
        "iterable_bad": lambda: d.assert_proper_iterable(x),
        "iterable": lambda: d.assert_proper_iterable([1, 2]),
        "Assert": lambda: d.Assert(tf.constant(True), [x]),
        "Assert_bad": lambda: d.Assert(False, [x]),
        "numeric": lambda: [d.is_numeric_tensor(x), d.is_numeric_tensor(tf.constant(True)),
                            d.is_numeric_tensor(1.0)],
    }
    return {name: _raises(fn) for name, fn in checks.items()}


def case_debug_check_numerics(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.debugging.check_numerics(x * 3.0, "x") * 2.0
    return {
        "value": tf.debugging.check_numerics(x, "m"), "grad": tape.gradient(y, x),
        "inf": _raises(lambda: tf.debugging.check_numerics(x / 0.0, "m")),
        "nan": _raises(lambda: tf.debugging.check_numerics(x * float("nan"), "m")),
        "int": _raises(lambda: tf.debugging.check_numerics(tf.constant([1]), "m")),
        "all_finite": tf.debugging.assert_all_finite(x, "m"),
        "all_finite_bad": _raises(lambda: tf.debugging.assert_all_finite(x / 0.0, "m")),
    }


# ---------------------------------------------------------------------------
# scan, foldl, foldr, switch_case, case, numpy_function, segment max/min/mean/prod


def _values_and_grad(tf, fn, value):
    x = tf.constant(value)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_fn_scan_fold(tf):
    v = [1.0, 2.0, 3.0, 4.0]
    return {
        "scan": _values_and_grad(tf, lambda x: tf.scan(lambda a, e: a * e, x), v),
        "scan_init": _values_and_grad(
            tf, lambda x: tf.scan(lambda a, e: a + e, x, initializer=tf.constant(10.0)), v),
        "scan_reverse": tf.scan(lambda a, e: a + e, tf.constant(v), reverse=True),
        "scan_nested": tf.scan(lambda a, e: (a[0] + e, a[1] * e), tf.constant(v),
                               initializer=(tf.constant(0.0), tf.constant(1.0))),
        "scan_matrix": tf.scan(lambda a, e: a + e, tf.constant([[1.0, 2.0], [3.0, 4.0]])),
        "foldl": _values_and_grad(tf, lambda x: tf.foldl(lambda a, e: a * e, x), v),
        "foldr": _values_and_grad(
            tf, lambda x: tf.foldr(lambda a, e: a - e, x, initializer=tf.constant(0.0)), v),
        "foldl_tuple": tf.foldl(lambda a, e: a + e[0] * e[1],
                                (tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])),
                                initializer=tf.constant(0.0)),
        "foldl_empty": _raises(lambda: tf.foldl(lambda a, e: a + e, tf.constant([], tf.float32))),
    }


def case_fn_switch_case_and_case(tf):
    x = tf.constant([1.0, 2.0])
    branches = [lambda: x * 2.0, lambda: x * 3.0]
    return {
        "switch": _values_and_grad(
            tf, lambda v: tf.switch_case(tf.constant(1), [lambda: v * 2.0, lambda: v * 3.0]),
            [1.0, 2.0]),
        "switch_dict": tf.switch_case(tf.constant(0), {0: branches[0], 1: branches[1]}),
        "switch_default": tf.switch_case(tf.constant(7), branches, default=lambda: x * 0.0),
        "switch_out_of_range": tf.switch_case(tf.constant(-1), branches),
        "switch_python_index": _raises(lambda: tf.switch_case(1, branches)),
        "case": tf.case([(tf.constant(False), lambda: tf.constant(1)),
                         (tf.constant(True), lambda: tf.constant(2))],
                        default=lambda: tf.constant(3)),
        "case_default": tf.case([(tf.constant(False), lambda: tf.constant(1))],
                                default=lambda: tf.constant(3)),
        "case_none_true": _raises(lambda: tf.case([(tf.constant(False), lambda: tf.constant(1)),
                                                  (tf.constant(False), lambda: tf.constant(2))])),
    }


def case_fn_numpy_function(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.numpy_function(lambda a: a * 2, [x], tf.float32)
    return {"y": y, "grad": tape.gradient(y, x),
            "float64": tf.numpy_function(lambda a: a + 1.0, [x], tf.float64)}


def case_seq_segment_reductions(tf):
    data = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [5.0, 0.5]])
    ids = tf.constant([0, 0, 2, 2])
    unsorted_ids = tf.constant([3, 0, 3, -1])
    out = {}
    for name in ("segment_max", "segment_min", "segment_mean", "segment_prod"):
        fn = getattr(tf.math, name)
        out[name] = _values_and_grad(tf, lambda v, fn=fn: fn(v, ids), data.numpy())
    for name in ("unsorted_segment_max", "unsorted_segment_min", "unsorted_segment_mean",
                 "unsorted_segment_prod", "unsorted_segment_sqrt_n"):
        fn = getattr(tf.math, name)
        out[name] = _values_and_grad(tf, lambda v, fn=fn: fn(v, unsorted_ids, 5), data.numpy())
    out["int_max"] = tf.math.segment_max(tf.constant([1, 5, 2]), tf.constant([0, 0, 1]))
    out["int_unsorted_min"] = tf.math.unsorted_segment_min(tf.constant([1, 5]),
                                                          tf.constant([1, 1]), 3)
    out["not_sorted"] = _raises(lambda: tf.math.segment_max(data, tf.constant([1, 0, 1, 1])))
    out["out_of_range"] = _raises(lambda: tf.math.unsorted_segment_max(data, ids, 2))
    return out


def case_seq_segment_extremes_nan_inf_and_integer_means(tf):
    """Segment max/min give a segment whose result is NaN gradient 0 (TF selects by
    `where`; ours NaN); the unsorted ones fold from the dtype's lowest/highest, so a
    segment of -inf has maximum `lowest` and gradient 0 (ours -inf, 0.5 each); integer
    means are TF's: sorted truncated in the dtype, unsorted float64 (ours float32), and
    an integer `unsorted_segment_sqrt_n` fails in `Sqrt` (ours computed)."""
    data = tf.constant([1.0, np.nan, 3.0, 3.0, -np.inf, -np.inf, 2.0, np.inf])
    ids = tf.constant([0, 0, 1, 1, 2, 2, 3, 4])
    weights = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0])
    out = {}
    for name in ("segment_max", "segment_min", "unsorted_segment_max",
                 "unsorted_segment_min"):
        fn = getattr(tf.math, name)
        with tf.GradientTape() as tape:
            tape.watch(data)
            y = fn(data, ids) if name.startswith("segment") else fn(data, ids, 5)
            loss = tf.reduce_sum(y * weights)
        out[name] = {"y": y, "grad": tape.gradient(loss, data)}
    ints = tf.constant([7, -3, 2, 5, 4, -7, 2])
    int_ids = tf.constant([0, 0, 1, 1, 1, 2, 2])
    out["mean_int32"] = tf.math.segment_mean(ints, int_ids)
    out["mean_int64"] = tf.math.segment_mean(tf.cast(ints, tf.int64), int_ids)
    out["unsorted_mean_int32"] = tf.math.unsorted_segment_mean(ints, int_ids, 4)
    out["unsorted_sqrt_n_int32"] = _raises(
        lambda: tf.math.unsorted_segment_sqrt_n(ints, int_ids, 4))
    return out


def case_divide_no_nan_converts_python_operands(tf):
    """`divide_no_nan` converts a Python or NumPy operand to the tensor's dtype, then
    divides integers as floats (int8 by 3: float32; ours refused int8 against int32);
    dtypes that still differ raise TF's TypeError."""
    out = {}
    for name in ("int8", "int32", "int64", "uint8", "float16", "float64"):
        a = tf.constant([7, 0], getattr(tf, name))
        out[name] = [tf.math.divide_no_nan(a, 3), tf.math.divide_no_nan(a, np.int64(3)),
                            tf.math.divide_no_nan(a, [3, 0]), tf.math.divide_no_nan(3, a)]
    out["float_into_int"] = _raises(lambda: tf.math.divide_no_nan(tf.constant([7]), 2.5))
    out["tensors"] = _raises(lambda: tf.math.divide_no_nan(tf.constant([1.0]),
                                                           tf.constant([2])))
    out["python"] = [tf.math.divide_no_nan(3, 2), tf.math.divide_no_nan(3.0, 2)]
    return out


# ---------------------------------------------------------------------------
# Pooling by rank, batch_normalization, weighted and Poisson losses


def case_nn_pool_1d_and_by_rank(tf):
    x1 = tf.reshape(tf.range(10.0), [1, 5, 2])
    x2 = tf.reshape(tf.range(18.0), [1, 3, 3, 2])
    out = {}
    for name, fn in (("max1d", lambda v: tf.nn.max_pool1d(v, 2, 2, "SAME")),
                     ("avg1d", lambda v: tf.nn.avg_pool1d(v, 3, 1, "VALID")),
                     ("max_rank3", lambda v: tf.nn.max_pool(v, [2], [1], "VALID")),
                     ("avg_rank3", lambda v: tf.nn.avg_pool(v, 2, 2, "SAME"))):
        out[name] = _values_and_grad(tf, fn, x1.numpy())
    out["max_rank4"] = _values_and_grad(tf, lambda v: tf.nn.max_pool(v, 2, 1, "VALID"),
                                        x2.numpy())
    out["avg_rank4"] = _values_and_grad(tf, lambda v: tf.nn.avg_pool(v, 2, 2, "SAME"),
                                        x2.numpy())
    out["rank2"] = _raises(lambda: tf.nn.max_pool1d(tf.ones([2, 2]), 1, 1, "VALID"))
    return out


def case_nn_batch_normalization(tf):
    x = tf.constant([[1.0, 3.0], [2.0, 6.0]])
    mean, var = tf.nn.moments(x, axes=[0])
    scale, offset = tf.constant([2.0, 0.5]), tf.constant([0.1, -0.1])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, scale, offset])
        m, v = tf.nn.moments(x, axes=[0])
        y = tf.nn.batch_normalization(x, m, v, offset, scale, 1e-3)
        loss = tf.reduce_sum(y * tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    return {
        "y": y, "grads": tape.gradient(loss, [x, scale, offset]),
        "plain": tf.nn.batch_normalization(x, mean, var, None, None, 1e-3),
        "scalars": tf.nn.batch_normalization(x, 2.0, 1.0, None, None, 0.0),
    }


def case_nn_weighted_and_poisson_losses(tf):
    labels = tf.constant([1.0, 0.0, 0.5])
    logits = tf.constant([0.3, -2.0, 40.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logits)
        weighted = tf.nn.weighted_cross_entropy_with_logits(labels, logits, 3.0)
        poisson = tf.nn.log_poisson_loss(tf.constant([2.0, 0.5, 4.0]), logits)
    return {
        "weighted": weighted, "weighted_grad": tape.gradient(weighted, logits),
        "poisson": poisson, "poisson_grad": tape.gradient(poisson, logits),
        "full": tf.nn.log_poisson_loss(tf.constant([2.0, 0.5, 4.0]), logits,
                                       compute_full_loss=True),
        "shapes": _raises(lambda: tf.nn.weighted_cross_entropy_with_logits(
            tf.constant([1.0]), tf.constant([1.0, 2.0]), 2.0)),
    }


# ---------------------------------------------------------------------------
# cumulative_logsumexp, zero_fraction, in_top_k, invert_permutation, orderings,
# confusion_matrix; linalg pinv, matrix_rank, expm, cholesky_solve, set_diag


def case_seq_more_math(tf):
    x = [[1.0, 2.0, 0.5], [3.0, -1.0, 2.0]]
    predictions = tf.constant([[0.1, 0.9, 0.5], [0.3, 0.3, 0.2]])
    return {
        "cumulative_logsumexp": _values_and_grad(
            tf, lambda v: tf.math.cumulative_logsumexp(v, axis=1), x),
        "cumulative_flags": tf.math.cumulative_logsumexp(tf.constant(x), axis=1,
                                                         exclusive=True, reverse=True),
        "zero_fraction": tf.math.zero_fraction(tf.constant([0.0, 1.0, 0.0, 2.0])),
        "zero_fraction_int": tf.math.zero_fraction(tf.constant([[0, 1], [2, 3]])),
        "in_top_k": tf.math.in_top_k(tf.constant([2, 0]), predictions, 1),
        "in_top_k_ties": tf.math.in_top_k(tf.constant([1, 1]), predictions, 1),
        "invert_permutation": tf.math.invert_permutation(tf.constant([3, 4, 0, 2, 1])),
        "not_a_permutation": _raises(lambda: tf.math.invert_permutation(tf.constant([0, 0]))),
        "non_decreasing": [tf.math.is_non_decreasing([1, 1, 2]),
                           tf.math.is_non_decreasing([[1, 2], [0, 3]])],
        "strictly_increasing": [tf.math.is_strictly_increasing([1, 1, 2]),
                                tf.math.is_strictly_increasing([1.0, 2.5])],
        "confusion": tf.math.confusion_matrix([1, 2, 4], [2, 2, 4]),
        "confusion_weighted": tf.math.confusion_matrix([1, 0], [1, 1], num_classes=3,
                                                       weights=[2.0, 0.5], dtype=tf.float32),
    }


def case_linalg_more(tf):
    m = [[2.0, 1.0], [1.0, 3.0]]
    rotation = [[0.0, 1.0], [-1.0, 0.0]]
    return {
        "pinv": _values_and_grad(tf, tf.linalg.pinv, m),
        "pinv_wide": tf.linalg.pinv(tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])),
        "rank": tf.linalg.matrix_rank(tf.constant([[1.0, 2.0], [2.0, 4.0]])),
        "rank_batch": tf.linalg.matrix_rank(tf.eye(3, batch_shape=[2])),
        "expm": _values_and_grad(tf, tf.linalg.expm, rotation),
        "cholesky_solve": tf.linalg.cholesky_solve(tf.linalg.cholesky(tf.constant(m)),
                                                   tf.constant([[1.0], [2.0]])),
        "set_diag": _values_and_grad(
            tf, lambda v: tf.linalg.set_diag(v, tf.constant([9.0, 8.0])), m),
        "set_diag_bad": _raises(lambda: tf.linalg.set_diag(tf.constant(m),
                                                           tf.constant([1.0, 2.0, 3.0]))),
    }


def case_shape_values(tf):
    return {
        "unravel": tf.unravel_index(tf.constant([5, 7]), tf.constant([3, 4])),
        "unravel_scalar": tf.unravel_index(tf.constant(5), tf.constant([3, 4])),
        "unravel_bad": _raises(lambda: tf.unravel_index(tf.constant([12]), tf.constant([3, 4]))),
        "static": tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([3])),
        "static_bad": _raises(lambda: tf.broadcast_static_shape(tf.TensorShape([2]),
                                                                tf.TensorShape([3]))),
        "dynamic": tf.broadcast_dynamic_shape(tf.constant([2, 1]), tf.constant([3])),
        "dynamic_bad": _raises(lambda: tf.broadcast_dynamic_shape(tf.constant([2]),
                                                                  tf.constant([3]))),
        "shape_n": tf.shape_n([tf.ones([2, 3]), tf.constant([1.0])]),
        "shape_n_64": tf.shape_n([tf.ones([2])], out_type=tf.int64),
        "reverse_sequence": tf.reverse_sequence(tf.constant([[1, 2, 3], [4, 5, 6]]), [2, 3],
                                                seq_axis=1, batch_axis=0),
        "reverse_sequence_grad": _values_and_grad(
            tf, lambda v: tf.reverse_sequence(v, [1, 2], seq_axis=1) * tf.constant([1.0, 2.0]),
            [[1.0, 2.0], [3.0, 4.0]]),
        "reverse_sequence_bad": _raises(lambda: tf.reverse_sequence(
            tf.constant([[1, 2]]), [3], seq_axis=1)),
        "timestamp": tf.timestamp().dtype == tf.float64,
    }


def case_nn_conv_transpose(tf):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((1, 3, 3, 2)).astype(np.float32))
    w = tf.constant(rng.standard_normal((3, 3, 4, 2)).astype(np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        y = tf.nn.conv2d_transpose(x, w, [1, 6, 6, 4], strides=2, padding="SAME")
        loss = tf.reduce_sum(y * y)
    x1 = tf.constant(rng.standard_normal((2, 4, 2)).astype(np.float32))
    w1 = tf.constant(rng.standard_normal((3, 5, 2)).astype(np.float32))
    # (An output_shape the convolution cannot map back: TF's oneDNN kernel raises
    # AbortedError here, ours ValueError; not compared.)
    return {
        "same_s2": y, "grads": tape.gradient(loss, [x, w]),
        "same_odd": tf.nn.conv2d_transpose(x, w, [1, 5, 5, 4], strides=2, padding="SAME"),
        "valid_s2": tf.nn.conv2d_transpose(x, w, [1, 7, 7, 4], strides=2, padding="VALID"),
        "valid_s1": tf.nn.conv2d_transpose(x, w, [1, 5, 5, 4], strides=1, padding="VALID"),
        "one_d": tf.nn.conv1d_transpose(x1, w1, [2, 8, 5], strides=2, padding="SAME"),
        "generic": tf.nn.conv_transpose(x, w, [1, 6, 6, 4], strides=2, padding="SAME"),
    }


def case_nn_depthwise_and_separable(tf):
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((1, 5, 5, 2)).astype(np.float32))
    dw = tf.constant(rng.standard_normal((3, 3, 2, 3)).astype(np.float32))
    pw = tf.constant(rng.standard_normal((1, 1, 6, 4)).astype(np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, dw, pw])
        depth = tf.nn.depthwise_conv2d(x, dw, [1, 2, 2, 1], "SAME")
        separable = tf.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "VALID")
        loss = tf.reduce_sum(depth * depth) + tf.reduce_sum(separable)
    return {
        "depthwise": depth, "separable": separable,
        "grads": tape.gradient(loss, [x, dw, pw]),
        "dilated": tf.nn.depthwise_conv2d(x, dw, [1, 1, 1, 1], "VALID", dilations=[2, 2]),
    }


def case_nn_conv3d_and_pool3d(tf):
    rng = np.random.default_rng(3)
    x = tf.constant(rng.standard_normal((2, 4, 5, 3, 2)).astype(np.float32))
    w = tf.constant(rng.standard_normal((2, 3, 2, 2, 3)).astype(np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        conv = tf.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME")
        max_pooled = tf.nn.max_pool3d(x, [2, 2, 2], 2, "SAME")
        avg_pooled = tf.nn.avg_pool3d(x, [1, 2, 3, 2, 1], [1, 1, 2, 1, 1], "SAME")
        loss = (tf.reduce_sum(conv * conv) + tf.reduce_sum(max_pooled * max_pooled)
                + tf.reduce_sum(avg_pooled * avg_pooled))
    return {
        "conv": conv, "max": max_pooled, "avg": avg_pooled,
        "grads": tape.gradient(loss, [x, w]),
        "valid_dilated": tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "VALID", dilations=[1, 2, 1, 1, 1]),
        "by_rank_max": tf.nn.max_pool(x, 2, 2, "VALID"),
        "by_rank_avg": tf.nn.avg_pool(x, 2, 2, "VALID"),
        "short_strides": _raises(lambda: tf.nn.conv3d(x, w, [1, 1, 1], "SAME")),
        "batch_stride": _raises(lambda: tf.nn.conv3d(x, w, [2, 1, 1, 1, 1], "SAME")),
        "int_strides": _raises(lambda: tf.nn.conv3d(x, w, 1, "SAME")),
    }


def case_linalg_set_diag_bands(tf):
    x = tf.reshape(tf.range(12.0), [3, 4])
    tall = tf.reshape(tf.range(12.0), [4, 3])
    band = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 0.0]])
    upper = tf.constant([[1.0, 2.0, 0.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    out = {
        "super": tf.linalg.set_diag(x, tf.constant([10.0, 20.0, 30.0]), k=1),
        "sub": tf.linalg.set_diag(x, tf.constant([10.0, 20.0]), k=-1),
        "tall_band": tf.linalg.set_diag(
            tall, tf.constant([[9.0, 9.0, 9.0], [1.0, 2.0, 3.0], [5.0, 6.0, 0.0]]), k=(-2, 0)),
        "batched": tf.linalg.set_diag(tf.zeros([2, 2, 3]), tf.ones([2, 2, 2]), k=(0, 1)),
        "grads": _values_and_grad(
            tf, lambda v: tf.linalg.set_diag(v, tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
                                             k=(0, 1)) * tf.reshape(tf.range(12.0), [3, 4]),
            np.arange(12.0, dtype=np.float32).reshape(3, 4)),
        "short": _raises(lambda: tf.linalg.set_diag(x, tf.constant([1.0, 2.0]), k=1)),
        "reversed": _raises(lambda: tf.linalg.set_diag(x, tf.constant([1.0, 2.0, 3.0]),
                                                       k=(1, 0))),
        "align": _raises(lambda: tf.linalg.set_diag(x, tf.constant([1.0, 2.0, 3.0]), k=1,
                                                    align="MID")),
        "out_of_bound": _raises(lambda: tf.linalg.set_diag(x, tf.constant([1.0, 2.0]), k=5)),
    }
    for align in ("RIGHT_LEFT", "LEFT_RIGHT", "LEFT_LEFT", "RIGHT_RIGHT"):
        out[f"band_{align}"] = tf.linalg.set_diag(x, band, k=(-1, 1), align=align)
        out[f"upper_{align}"] = tf.linalg.set_diag(x, upper, k=(0, 2), align=align)
    d = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with tf.GradientTape() as tape:
        tape.watch(d)
        y = tf.linalg.set_diag(x, d, k=(0, 1), align="LEFT_RIGHT")
        loss = tf.reduce_sum(y * y * x)
    out["diagonal_grad"] = tape.gradient(loss, d)
    return out


def case_ew_bessel_jacobian_and_jvp(tf):
    x = tf.constant([0.5, 2.0, 0.0])
    out = []
    for kind in _BESSEL_KINDS:
        fn = getattr(tf.math.special, "bessel_" + kind)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, -2.0, 1.0])) as acc:
            z = fn(x)
        out.append({"jacobian": tape.jacobian(y, x), "jvp": acc.jvp(z)})
    return out


# polygamma, zeta, lbeta, nextafter: values (poles, orders that are not non-negative
# integers, negative q), TF's gradients (None for polygamma's order and zeta's x),
# second derivatives, float64, and the dtypes TF refuses.
_POLYGAMMA_A = [0.0, 1.0, 2.0, 1.5, -1.0, 0.0, 3.0, 0.0, 1.0]
_POLYGAMMA_X = [0.5, 2.0, 3.0, 1.0, 0.5, 0.0, -2.0, -1.5, 0.0]


def case_ew_polygamma(tf):
    return {
        "float32": _grads(tf, tf.math.polygamma, _POLYGAMMA_A, _POLYGAMMA_X),
        "float64": _grads(tf, tf.math.polygamma, _POLYGAMMA_A, _POLYGAMMA_X, dtype=tf.float64),
        "broadcast": _grads(tf, tf.math.polygamma, [[0.0], [2.0]], [0.5, 1.5, 4.0]),
        "second": [_second(tf, lambda x, n=n: tf.math.polygamma(tf.constant(n), x), 1.5)
                   for n in (0.0, 1.0, 3.0)],
    }


def case_ew_zeta(tf):
    x = [2.0, 3.0, 1.0, 0.5, 4.0, 2.0, 2.0, 1.0, -1.0]
    q = [1.0, 2.0, 0.5, 1.0, -1.5, 0.0, -2.0, -1.0, 1.0]
    return {
        "float32": _grads(tf, tf.math.zeta, x, q),
        "float64": _grads(tf, tf.math.zeta, x, q, dtype=tf.float64),
        "broadcast": _grads(tf, tf.math.zeta, [[2.0], [3.0]], [1.0, 2.5]),
        "second": _second(tf, lambda v: tf.math.zeta(tf.constant(3.0), v), 1.5),
    }


def case_ew_lbeta(tf):
    return {
        "matrix": _grads(tf, tf.math.lbeta, [[1.0, 2.0], [0.5, 3.0]]),
        "vector": _grads(tf, tf.math.lbeta, [1.0, 2.0, 3.0]),
        "rank3": _grads(tf, tf.math.lbeta, [[[0.5, 1.5, 2.0]], [[4.0, 0.25, 1.0]]]),
        "empty_last": tf.math.lbeta(tf.zeros([2, 0])),
        "second": _second(tf, lambda v: tf.math.lbeta(tf.stack([v, v * 2.0])), 1.5),
    }


def case_ew_nextafter(tf):
    return {
        "float32": _grads(tf, tf.math.nextafter, [1.0, 0.0, 1.0, -2.0], [2.0, -1.0, 1.0, -3.0]),
        "float64": _grads(tf, tf.math.nextafter, [1.0, 0.0], [0.0, 1.0], dtype=tf.float64),
        "broadcast": _grads(tf, tf.math.nextafter, [[1.0], [2.0]], [0.0, 3.0]),
    }


def case_ew_special_refused_dtypes(tf):
    ints = [tf.constant([1]), tf.constant([2])]
    halves = [tf.constant([1.0], tf.float16), tf.constant([2.0], tf.float16)]
    return {
        name: [_raises(lambda fn=fn: fn(*ints)), _raises(lambda fn=fn: fn(*halves))]
        for name, fn in (("polygamma", tf.math.polygamma), ("zeta", tf.math.zeta),
                         ("nextafter", tf.math.nextafter))
    } | {"lbeta": [_raises(lambda: tf.math.lbeta(tf.constant([1, 2]))),
                   _raises(lambda: tf.math.lbeta(tf.constant(3.0)))]}


def case_ew_special_jvps(tf):
    a, x = tf.constant([0.0, 1.0, 2.0]), tf.constant([0.5, 2.0, 3.0])
    out = {}
    tangents = [tf.ones([3]), tf.constant([1.0, -2.0, 0.5])]
    for name, fn in (("polygamma", tf.math.polygamma),
                     ("zeta", lambda u, v: tf.math.zeta(u + 2.0, v)),
                     ("nextafter", tf.math.nextafter)):
        with tf.autodiff.ForwardAccumulator([a, x], tangents) as acc:
            y = fn(a, x)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            z = fn(a, x)
        out[name] = {"jvp": acc.jvp(y), "jacobian": tape.jacobian(z, x)}
    return out


# tf.bitwise: every op on each integer dtype, the shifts' clamping of the amount to
# [0, bits - 1] (negative and too-large amounts), arithmetic right shifts, broadcasting,
# Python operands, no gradient, and the operands TF refuses.
_BITWISE = ["bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift"]


def case_bit_ops_by_dtype(tf):
    out = {}
    for key in ("int8", "int16", "int32", "int64", "uint8"):
        x = tf.constant([5, 100, 7, 0, 1], getattr(tf, key))
        y = tf.constant([1, 2, 9, 3, 0], getattr(tf, key))
        out[key] = [getattr(tf.bitwise, name)(x, y) for name in _BITWISE]
        out[key].append(tf.bitwise.invert(x))
    return out


def case_bit_signed_and_clamped_shifts(tf):
    x = tf.constant([5, -3, 7, 0, -128, 1], tf.int32)
    y = tf.constant([1, 2, 33, 32, -1, 31], tf.int32)
    small = tf.constant([-128, 1, 16, 64], tf.int8)
    amounts = tf.constant([9, -1, -1, 7], tf.int8)
    return {
        "int32": [getattr(tf.bitwise, name)(x, y) for name in _BITWISE] + [tf.bitwise.invert(x)],
        "int8": [tf.bitwise.left_shift(small, amounts), tf.bitwise.right_shift(small, amounts)],
    }


def case_bit_broadcast_and_python_operands(tf):
    return [
        tf.bitwise.bitwise_and(tf.constant([[1], [3]]), tf.constant([1, 2, 3])),
        tf.bitwise.bitwise_and(tf.constant([1, 3]), 1),
        tf.bitwise.left_shift(1, tf.constant([1, 3])),
        tf.bitwise.bitwise_xor(tf.constant([1, 3], tf.int64), 2),
    ]


def case_bit_no_gradient(tf):
    x = tf.constant([5, 6])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.bitwise.bitwise_and(x, 3)
    return tape.gradient(y, x)


def case_bit_refused_operands(tf):
    return [
        _raises(lambda: tf.bitwise.bitwise_and(tf.constant([1.0]), tf.constant([1.0]))),
        _raises(lambda: tf.bitwise.bitwise_or(tf.constant([True]), tf.constant([True]))),
        _raises(lambda: tf.bitwise.bitwise_and(tf.constant([1]), tf.constant([1], tf.int64))),
        _raises(lambda: tf.bitwise.invert(tf.constant([1.0]))),
        _raises(lambda: tf.bitwise.left_shift(tf.constant([1]), 1.5)),
    ]


# tf.bitcast: same size, to a smaller dtype (one more dimension), to a larger one (the
# last dimension goes), scalars, complex; no gradient; the refused ones.
def case_bit_bitcast(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.bitcast(x, tf.int32)
        back = tf.bitcast(y, tf.float32) * 2.0
    return {
        "same_size": y,
        "to_bytes": tf.bitcast(x, tf.uint8),
        "round_trip": tf.bitcast(tf.bitcast(x, tf.uint8), tf.float32),
        "scalar": tf.bitcast(tf.constant(1.0), tf.int16),
        "to_wider": tf.bitcast(tf.constant([[1, 2], [3, 4]], tf.int32), tf.int64),
        "complex": tf.bitcast(tf.constant([1.0], tf.float64), tf.complex64),
        "half": tf.bitcast(tf.constant([1.5, -2.0], tf.float16), tf.int16),
        "gradient": tape.gradient(back, x),
        "refused": [
            _raises(lambda: tf.bitcast(tf.constant([1, 2, 3], tf.uint8), tf.float32)),
            _raises(lambda: tf.bitcast(tf.constant([True]), tf.uint8)),
            _raises(lambda: tf.bitcast(tf.constant([1.0]), tf.bool)),
            _raises(lambda: tf.bitcast(tf.constant(1, tf.int8), tf.int16)),
        ],
    }


def case_histogram_fixed_width(tf):
    v = tf.constant([-1.0, 0.0, 1.5, 2.0, 5.0, 15.0, 4.999999, 0.1, float("inf"), -float("inf")])
    return {
        "float": tf.histogram_fixed_width(v, [0.0, 5.0], nbins=5),
        "edges": tf.histogram_fixed_width(tf.constant([0.6, 1.2, 1.8, 0.3]), [0.0, 3.0], nbins=5),
        "int64_counts": tf.histogram_fixed_width(tf.constant([1, 2, 3, 9]), [0, 10], nbins=3,
                                                 dtype=tf.int64),
        "int64_values": tf.histogram_fixed_width(tf.constant([1, 5], tf.int64), [0, 3], nbins=2),
        "matrix": tf.histogram_fixed_width(tf.constant([[1.0, 2.0], [3.0, 9.0]]), [0.0, 10.0],
                                           nbins=3),
        "empty": tf.histogram_fixed_width(tf.constant([], tf.float32), [0.0, 3.0], nbins=2),
        "tensor_args": tf.histogram_fixed_width(tf.constant([1.0]), tf.constant([0.0, 3.0]),
                                                nbins=tf.constant(2)),
        "refused": [
            _raises(lambda: tf.histogram_fixed_width(v, [5.0, 0.0], nbins=5)),
            _raises(lambda: tf.histogram_fixed_width(v, [0.0, 5.0], nbins=0)),
            _raises(lambda: tf.histogram_fixed_width(v, [0.0, 5.0, 6.0], nbins=3)),
            _raises(lambda: tf.histogram_fixed_width(v, [0.0, 5.0], nbins=2, dtype=tf.float32)),
            _raises(lambda: tf.histogram_fixed_width(tf.constant([float("nan")]), [0.0, 1.0])),
        ],
    }


def case_histogram_fixed_width_bins(tf):
    v = tf.constant([-1.0, 0.0, 1.5, 2.0, 5.0, 15.0, 4.999999, 0.1, float("inf"), -float("inf")])
    return {
        "float": tf.histogram_fixed_width_bins(v, [0.0, 5.0], nbins=5),
        "edges": tf.histogram_fixed_width_bins(tf.constant([0.6, 1.2, 1.8, 0.3]), [0.0, 3.0],
                                               nbins=5),
        "matrix": tf.histogram_fixed_width_bins(tf.constant([[1.0, 2.0], [3.0, 9.0]]),
                                                [0.0, 10.0], nbins=3),
        "reversed_range": tf.histogram_fixed_width_bins(tf.constant([1.0]), [1.0, 0.0], nbins=2),
        "float64": tf.histogram_fixed_width_bins(tf.constant([0.3, 0.9], tf.float64),
                                                 tf.constant([0.0, 1.0], tf.float64), nbins=2),
        "refused": [
            _raises(lambda: tf.histogram_fixed_width_bins(tf.constant([1, 2]), [0, 10], 3)),
            _raises(lambda: tf.histogram_fixed_width_bins(tf.constant([1.0]), [0.0, 1.0], 0)),
            _raises(lambda: tf.histogram_fixed_width_bins(tf.constant([1.0], tf.float64),
                                                          [0.0, 1.0], 2)),
        ],
    }


def case_python_round_of_a_tensor(tf):
    return round(tf.constant(1.5))


def case_python_round_of_an_int_tensor_with_digits(tf):
    return round(tf.constant([1, 2]), 1)


def case_python_round_of_a_variable(tf):
    return round(tf.Variable(1.5))
