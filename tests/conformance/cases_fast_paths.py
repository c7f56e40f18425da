"""The drop-in ops' common calls, taken by shorter paths, against TensorFlow 2.21.

`maximum`/`minimum` of a tensor and a Python number (one `clamp_min`/`clamp_max`),
`clip_by_value` with Python-number bounds (one `clamp`), `where` with a Python
number, `pow` with a Python exponent, `sparse_softmax_cross_entropy_with_logits`,
`argmax`/`argmin` over NaN, `range` of integers, `one_hot` with its default values,
`moments` over a list of axes, `concat`'s shape checks, the pools that need no
padding, and `conv1d`/`conv2d` with one int stride and `"SAME"`/`"VALID"`: each at the edges
where the short path could part from TF's (NaN, infinities, ties, bounds out of
order or out of range, dtypes, labels out of range), with gradients, second
derivatives (nested tapes) and forward-mode JVPs. Answers live in
`golden/cases_fast_paths.json`.

A tie of signed zeros is left out: which zero TF's (and torch's) `maximum` returns
there depends on the vector width its kernel takes for the input's length. So are
two convolutions TF 2.21's CPU kernel gets wrong: an empty batch (it returns the
input's shape, `[0, 4, 2]` for 1 output channel) and a "VALID" filter wider than the
input (an output of the input's shape, uninitialized memory); ours raise or give the
right shape.
"""

from __future__ import annotations

import math

from tests.conformance.harness import raises as _raises
from tests.conformance.harness import tolerance

_EDGES = [float("nan"), 1.0, -1.0, 0.5, float("inf"), -float("inf"), 3e38, 2.0, 0.0]


def _derivatives(tf, f, values, dtype=None):
    """`f(x)`, its gradient, its Hessian (nested tapes) and its JVP along ones."""
    x = tf.constant(values, dtype=dtype)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
            total = tf.reduce_sum(y * y)
        g = inner.gradient(total, x)
    hessian = outer.jacobian(g, x)
    with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
        y2 = f(x)
    return {"y": y, "grad": g, "hessian": hessian, "jvp": acc.jvp(y2)}


# ---------------------------------------------------------------------------
# maximum / minimum with a Python number


def case_maximum_number_edges(tf):
    return _derivatives(tf, lambda x: tf.maximum(x, 0.5), _EDGES)


def case_minimum_number_edges(tf):
    return _derivatives(tf, lambda x: tf.minimum(x, 1.0), _EDGES)


def case_maximum_number_first(tf):
    """The number first: a tie's gradient goes to it, not to the tensor."""
    return _derivatives(tf, lambda x: tf.maximum(0.5, x), _EDGES)


def case_maximum_number_infinite_bounds(tf):
    return [_derivatives(tf, lambda x: tf.maximum(x, -float("inf")), _EDGES),
            _derivatives(tf, lambda x: tf.minimum(x, float("inf")), _EDGES)]


def case_maximum_number_nan_bound(tf):
    return [_derivatives(tf, lambda x: tf.maximum(x, float("nan")), [1.0, -2.0]),
            _derivatives(tf, lambda x: tf.minimum(x, float("nan")), [1.0, -2.0])]


def case_maximum_number_dtypes(tf):
    x64 = tf.constant([1.0, 3.0, 2.0], tf.float64)
    ints = tf.constant([1, 5, -3])
    return {
        "float64_int": tf.maximum(x64, 2),
        "float64_float": tf.minimum(x64, 2.5),
        "float32_big_int": tf.maximum(tf.constant([1.0]), 2**40),
        "float32_overflow": _raises(lambda: tf.maximum(tf.constant([1.0]), 1e40)),
        "int32": tf.maximum(ints, 0),
        "int32_float": _raises(lambda: tf.maximum(ints, 0.5)),
        "float16": tf.minimum(tf.constant([1.0, 3.0], tf.float16), 2.0),
        "bool_number": _raises(lambda: tf.maximum(tf.constant([1.0]), True)),
        "broadcast_rank2": tf.maximum(tf.constant([[1.0, -2.0], [0.5, 3.0]]), 0.75),
    }


def case_maximum_number_variable(tf):
    v = tf.Variable([1.0, -2.0, 0.5])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.maximum(v, 0.5) * tf.minimum(v, 0.75))
    return {"y": y, "grad": tape.gradient(y, v)}


# ---------------------------------------------------------------------------
# clip_by_value with Python-number bounds


def case_clip_number_bounds_edges(tf):
    return _derivatives(tf, lambda x: tf.clip_by_value(x, -1.0, 1.0), _EDGES)


def case_clip_number_bounds_equal(tf):
    return _derivatives(tf, lambda x: tf.clip_by_value(x, 0.5, 0.5), _EDGES)


def case_clip_number_bounds_reversed(tf):
    """`low > high`: TF's two ops give `low` everywhere, with no gradient to `t`."""
    return _derivatives(tf, lambda x: tf.clip_by_value(x, 1.0, -1.0), _EDGES)


def case_clip_number_bounds_infinite_and_nan(tf):
    return [
        _derivatives(tf, lambda x: tf.clip_by_value(x, -float("inf"), float("inf")), _EDGES),
        _derivatives(tf, lambda x: tf.clip_by_value(x, float("nan"), 1.0), [0.5, 2.0]),
        _derivatives(tf, lambda x: tf.clip_by_value(x, -1.0, float("nan")), [0.5, -2.0]),
    ]


def case_clip_number_bounds_dtypes(tf):
    x64 = tf.constant([-3.0, 0.25, 7.0], tf.float64)
    return {
        "float64": tf.clip_by_value(x64, -1, 2.5),
        "int_bounds": tf.clip_by_value(tf.constant([-3.0, 0.25, 7.0]), -1, 2),
        "int32": tf.clip_by_value(tf.constant([-3, 1, 7]), -1, 2),
        "float16": tf.clip_by_value(tf.constant([-3.0, 0.25, 7.0], tf.float16), -1.0, 2.0),
        "bound_rounds": tf.clip_by_value(tf.constant([0.1, 0.2]), 0.1, 0.15),
        "overflow": _raises(lambda: tf.clip_by_value(tf.constant([1.0]), -1e40, 1e40)),
        "big_int": tf.clip_by_value(tf.constant([1.0]), -(2**70), 2**70),
    }


def case_clip_number_bounds_gradient_at_bound(tf):
    """Values exactly at a bound (after rounding to float32): the gradient goes to `t`."""
    return _derivatives(tf, lambda x: tf.clip_by_value(x, 0.1, 0.3), [0.1, 0.3, 0.2, 0.0])


# ---------------------------------------------------------------------------
# where with a Python number


def case_where_number_other(tf):
    x = tf.constant([1.0, -2.0, 3.0, float("nan")])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.where(x > 0, x, 0.1)
        total = tf.reduce_sum(y * y)
    ints = tf.constant([1, 2])
    return {
        "y": y, "grad": tape.gradient(total, x),
        "broadcast": tf.where([[True, False, True], [False, False, True]],
                              tf.constant([1.0, 2.0, 3.0]), -1),
        "int": tf.where([True, False], ints, 7),
        "int_float": _raises(lambda: tf.where([True, False], ints, 0.5)),
        "int_big": _raises(lambda: tf.where([True, False], ints, 2**70)),
        "float16": tf.where([True, False], tf.constant([1.0, 2.0], tf.float16), 0.1),
        "float64": tf.where([False, True], tf.constant([1.0, 2.0], tf.float64), 0.1),
        "bool": tf.where([True, False], tf.constant([True, True]), False),
        "bool_int": _raises(lambda: tf.where([True, False], tf.constant([True, True]), 1)),
        "number_first": tf.where([True, False], 0.5, tf.constant([1.0, 2.0])),
    }


# ---------------------------------------------------------------------------
# pow with a Python exponent


def case_pow_number_exponents(tf):
    values = [0.0, 2.0, -1.0, 0.5, float("inf"), -float("inf"), float("nan"), -0.0]
    return {str(e): _derivatives(tf, lambda x, e=e: tf.pow(x, e), values)
            for e in (2.0, 3, 0.5, -0.5, 1.5, 0.0, 0, -1, -2.0, 1)}


def _three_derivatives(tf, f, values):
    """The first three derivatives of elementwise `f` at `values` (three nested tapes)."""
    x = tf.constant(values)
    with tf.GradientTape() as third:
        third.watch(x)
        with tf.GradientTape() as second:
            second.watch(x)
            with tf.GradientTape() as first:
                first.watch(x)
                y = f(x)
            g1 = first.gradient(y, x)
        g2 = second.gradient(g1, x)
    return {"g1": g1, "g2": g2, "g3": third.gradient(g2, x)}


def case_pow_number_third_derivative_at_zero(tf):
    """Known difference (README, "Differences"): torch's zero term past the n-th
    derivative of `x ** n`, where TF's is `0 * x ** -1` (NaN at 0)."""
    return _three_derivatives(tf, lambda x: tf.pow(x, 2.0), [0.0, 2.0])


def case_pow_number_exponent_one_second_derivative(tf):
    """`x ** 1` takes TF's formula: its second derivative is TF's NaN at 0."""
    return {"operator": _three_derivatives(tf, lambda x: x ** 1, [0.0, 2.0, -1.0]),
            "pow": _three_derivatives(tf, lambda x: tf.pow(x, 1.0), [0.0, 2.0, -1.0])}


def case_pow_number_dtypes(tf):
    return {
        "int32_int": tf.pow(tf.constant([2, 3, -2]), 3),
        "int32_zero": tf.pow(tf.constant([2, 0]), 0),
        "int32_negative": _raises(lambda: tf.pow(tf.constant([2, 3]), -1)),
        "int32_float": _raises(lambda: tf.pow(tf.constant([2, 3]), 0.5)),
        "float64": tf.pow(tf.constant([2.0, 9.0], tf.float64), 0.5),
        "float16": tf.pow(tf.constant([2.0, 9.0], tf.float16), 2),
        "complex64": tf.pow(tf.constant([1 + 1j, -2.0 + 0j], tf.complex64), 2.0),
        "number_base": tf.pow(2, 3),
        "number_base_float": _raises(lambda: tf.pow(2, 0.5)),
        "bool_exponent": _raises(lambda: tf.pow(tf.constant([2.0]), True)),
        "float32_huge": tf.pow(tf.constant([2.0, 0.5]), 1e39),
        "float32_huge_negative": tf.pow(tf.constant([2.0, 0.5]), -1e39),
        "float16_huge": tf.pow(tf.constant([2.0, 0.5], tf.float16), 70000.0),
        "float16_huge_operator": tf.constant([2.0, 0.5], tf.float16) ** 70000.0,
        "bfloat16_operator": tf.constant([2.0, 0.5], tf.bfloat16) ** 2.0,
    }


# ---------------------------------------------------------------------------
# sparse_softmax_cross_entropy_with_logits


def case_sparse_xent_rank2_derivatives(tf):
    logits = tf.constant([[2.0, -1.0, 0.5], [0.0, 0.0, 0.0], [10.0, -10.0, 3.0]])
    labels = tf.constant([0, 2, 1])
    with tf.GradientTape() as outer:
        outer.watch(logits)
        with tf.GradientTape() as inner:
            inner.watch(logits)
            loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            total = tf.reduce_sum(loss)
        g = inner.gradient(total, logits)
    return {"loss": loss, "grad": g, "hessian": outer.jacobian(g, logits)}


def case_sparse_xent_shapes_and_dtypes(tf):
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits
    logits3 = tf.reshape(tf.range(12.0) * 0.25, [2, 2, 3])
    return {
        "rank3": xent(labels=tf.constant([[0, 2], [1, 1]]), logits=logits3),
        "rank1": xent(labels=tf.constant(1), logits=tf.constant([0.5, 2.0, -1.0])),
        "int64_labels": xent(labels=tf.constant([2, 0], tf.int64),
                             logits=tf.constant([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])),
        "float64": xent(labels=[1], logits=tf.constant([[0.5, 1.5]], tf.float64)),
        "empty": xent(labels=tf.zeros([0], tf.int32), logits=tf.zeros([0, 3])),
        "nan_logit": xent(labels=[0, 1], logits=tf.constant([[float("nan"), 1.0],
                                                             [0.0, float("inf")]])),
    }


def case_sparse_xent_bad_labels(tf):
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits
    logits = tf.zeros([3, 4])
    return {
        "too_big": _raises(lambda: xent(labels=[0, 4, 1], logits=logits)),
        "negative": _raises(lambda: xent(labels=[0, -1, 1], logits=logits)),
        "float_labels": _raises(lambda: xent(labels=tf.constant([0.0, 1.0, 2.0]), logits=logits)),
        "rank": _raises(lambda: xent(labels=tf.constant([[0, 1, 2]]), logits=logits)),
        "shape": _raises(lambda: xent(labels=[0, 1], logits=logits)),
        "int_logits": _raises(lambda: xent(labels=[0, 1, 2], logits=tf.zeros([3, 4], tf.int32))),
    }


# ---------------------------------------------------------------------------
# argmax / argmin


def case_arg_extrema_nan_and_infinities(tf):
    nan, inf = float("nan"), float("inf")
    x = tf.constant([[nan, 1.0, 3.0, 3.0], [nan, nan, nan, nan], [-inf, nan, -inf, -1.0],
                     [inf, inf, nan, 2.0], [1.0, -inf, -inf, nan]])
    return {
        "argmax1": tf.argmax(x, axis=1), "argmin1": tf.argmin(x, axis=1),
        "argmax0": tf.argmax(x, axis=0), "argmin0": tf.argmin(x, axis=0),
        "int32_out": tf.argmax(x, axis=1, output_type=tf.int32),
        "float16": tf.argmax(tf.cast(x, tf.float16), axis=1),
        "float64": tf.argmin(tf.cast(x, tf.float64), axis=-1),
        "ints": tf.argmax(tf.constant([[1, 7, 7], [-2, -5, -2]]), axis=1),
        "bools": tf.argmin(tf.constant([[True, False, False], [True, True, True]]), axis=1),
        "empty_axis": _raises(lambda: tf.argmax(tf.zeros([2, 0]), axis=1)),
        "axis_range": _raises(lambda: tf.argmax(x, axis=2)),
    }


# ---------------------------------------------------------------------------
# range


def case_range_integers(tf):
    return {
        "limit": tf.range(7), "start_limit": tf.range(-3, 4), "step": tf.range(1, 10, 3),
        "negative_step": tf.range(10, -4, -4), "empty": tf.range(5, 5),
        "int64": tf.range(2**31 - 2, 2**31 + 2), "big_step": tf.range(0, 2**33, 2**31),
        "dtype_int64": tf.range(4, dtype=tf.int64),
        "dtype_int16": _raises(lambda: tf.range(-7, 8, 5, tf.int16)),
        "dtype_uint8": _raises(lambda: tf.range(3, dtype=tf.uint8)),
        "dtype_half": tf.range(3, dtype=tf.float16),
        "dtype_float": tf.range(1, 4, dtype=tf.float32),
        "tensor_limit": tf.range(tf.constant(4)),
        "floats": tf.range(0.5, 2.0, 0.25),
        "zero_step": _raises(lambda: tf.range(0, 5, 0)),
        "wrong_way": _raises(lambda: tf.range(5, 0, 1)),
    }


# ---------------------------------------------------------------------------
# one_hot


def case_one_hot_default_values(tf):
    return {
        "int32": tf.one_hot([0, 2, -1, 3], 3),
        "int64": tf.one_hot(tf.constant([[1, 0], [5, 2]], tf.int64), 4),
        "uint8_deep": tf.one_hot(tf.constant([255, 3], tf.uint8), 300)[:, 250:],
        "int8": tf.one_hot(tf.constant([-1, 1], tf.int8), 2),
        "depth0": tf.one_hot([0, 1], 0),
        "axis0": tf.one_hot([0, 2], 3, axis=0),
        "axis1": tf.one_hot([[0, 2], [1, 1]], 3, axis=1),
        "dtype_int32": tf.one_hot([1], 2, dtype=tf.int32),
        "dtype_bool": _raises(lambda: tf.one_hot([1], 2, dtype=tf.bool)),
        "dtype_bool_on": _raises(lambda: tf.one_hot([1], 2, on_value=True, dtype=tf.bool)),
        "dtype_bool_both": tf.one_hot([1], 2, on_value=True, off_value=False, dtype=tf.bool),
        "dtype_float64": tf.one_hot([1, 0], 2, dtype=tf.float64),
        "on_only": tf.one_hot([1, 0], 2, on_value=5.0),
        "off_only": tf.one_hot([1, 0], 2, off_value=-1.0),
        "float_indices": _raises(lambda: tf.one_hot([0.0, 1.0], 2)),
        "bad_axis": _raises(lambda: tf.one_hot([0, 1], 2, axis=3)),
    }


# ---------------------------------------------------------------------------
# moments


def case_moments_axes_lists(tf):
    x = tf.reshape(tf.range(24.0) * 0.37 - 2.0, [2, 3, 4])
    out = {}
    for label, axes in (("0", [0]), ("01", [0, 1]), ("neg", [-1]), ("tuple", (1, 2)),
                        ("all", [0, 1, 2]), ("mixed", [2, -3])):
        for keep in (False, True):
            with tf.GradientTape(persistent=True) as tape:
                tape.watch(x)
                mean, variance = tf.nn.moments(x, axes, keepdims=keep)
            out[f"{label}_{keep}"] = {
                "mean": mean, "variance": variance,
                "d_mean": tape.gradient(mean, x), "d_variance": tape.gradient(variance, x),
            }
    return out


def case_moments_dtypes_and_errors(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 5.0]])
    return {
        "float64": tf.nn.moments(tf.cast(x, tf.float64), [0]),
        "float16": tf.nn.moments(tf.cast(x, tf.float16), [1]),
        "int_axis_tensor": tf.nn.moments(x, tf.constant([0]), keepdims=True),
        "axis_range": _raises(lambda: tf.nn.moments(x, [2])),
        "nan": tf.nn.moments(tf.constant([[1.0, float("nan")], [3.0, 5.0]]), [1]),
    }


def case_moments_second_order(tf):
    x = tf.constant([0.5, -1.0, 2.0, 0.25])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            mean, variance = tf.nn.moments(x, [0])
            y = variance + mean * mean
        g = inner.gradient(y, x)
    return {"grad": g, "hessian": outer.jacobian(g, x)}


# ---------------------------------------------------------------------------
# concat's shape checks


def case_concat_checks(tf):
    a, b = tf.ones([2, 3]), tf.zeros([1, 3])
    return {
        "axis0": tf.concat([a, b], 0), "axis_neg": tf.concat([a, tf.ones([2, 1])], -1),
        "one": tf.concat([a], 1), "three": tf.concat([b, b, b], 0),
        "ints": tf.concat([tf.constant([1, 2]), tf.constant([3])], 0),
        "rank": _raises(lambda: tf.concat([a, tf.ones([3])], 0)),
        "dim": _raises(lambda: tf.concat([a, b], 1)),
        "axis_range": _raises(lambda: tf.concat([a, b], 2)),
        "scalars": _raises(lambda: tf.concat([tf.constant(1.0), tf.constant(2.0)], 0)),
        "dtypes": _raises(lambda: tf.concat([a, tf.ones([1, 3], tf.float64)], 0)),
    }


# ---------------------------------------------------------------------------
# Pools with no padding


def case_pools_without_padding(tf):
    x = tf.reshape(tf.sin(tf.range(2 * 4 * 4 * 2, dtype=tf.float32)), [2, 4, 4, 2])
    out = {}
    for label, fn, padding in (("avg_valid", tf.nn.avg_pool2d, "VALID"),
                               ("avg_same_fits", tf.nn.avg_pool2d, "SAME"),
                               ("max_valid", tf.nn.max_pool2d, "VALID"),
                               ("max_same_fits", tf.nn.max_pool2d, "SAME"),
                               ("avg_same_pads", tf.nn.avg_pool2d, "SAME_3")):
        window = 3 if padding.endswith("3") else 2
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x, window, 2, padding[:4] if padding != "VALID" else padding)
            total = tf.reduce_sum(y * y)
        out[label] = {"y": y, "grad": tape.gradient(total, x)}
    return out


def case_dropout_rate_zero_and_scaling(tf):
    x = tf.constant([[1.0, -2.0], [3.0, 0.5]])
    y = tf.nn.dropout(x, rate=0.0)
    kept = tf.nn.dropout(tf.ones([4, 100]), rate=0.5, seed=3)
    return {"rate0": y, "largest": tf.reduce_max(kept), "smallest": tf.reduce_min(kept)}


# ---------------------------------------------------------------------------
# conv1d / conv2d: channels last, one int stride, "SAME" or "VALID"


def _conv_derivatives(tf, conv, x_shape, w_shape, dtype=None, hessian=True):
    """`conv(x, w)`, gradients with respect to both, and `x`'s Hessian (nested tapes)."""
    x = tf.sin(tf.reshape(tf.range(1, 1 + math.prod(x_shape), dtype=tf.float32), x_shape) * 0.7)
    w = tf.cos(tf.reshape(tf.range(1, 1 + math.prod(w_shape), dtype=tf.float32), w_shape) * 0.3)
    if dtype is not None:
        x, w = tf.cast(x, dtype), tf.cast(w, dtype)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape(persistent=True) as inner:
            inner.watch([x, w])
            y = conv(x, w)
            total = tf.reduce_sum(tf.tanh(y) * y)
        gx, gw = inner.gradient(total, [x, w])
    out = {"y": y, "gx": gx, "gw": gw}
    if hessian:
        out["hessian"] = outer.jacobian(gx, x)
    return out


# A convolution's float32 Hessian sums a few dozen products of entries up to ~3 in
# size, so an entry near zero carries a few of their ulps (2.4e-7 each) whichever order
# the CPU's kernels sum in: for conv2d's SAME_1_(3, 3)_1, against the float64 Hessian,
# TF 2.21's golden is 1.6e-6 off and ours 5.1e-7 (an Intel Xeon; on an AMD EPYC ours
# fell within 1e-6 of TF's). Hence the absolute part of the tolerance.
CONV_HESSIAN = {"rtol": 1e-5, "atol": 4e-6}


@tolerance(**CONV_HESSIAN)
def case_conv1d_common_calls(tf):
    return {
        f"{padding}_{stride}_{width}_{cin}": _conv_derivatives(
            tf, lambda x, w, s=stride, p=padding: tf.nn.conv1d(x, w, s, p),
            [2, 5, cin], [width, cin, 3], hessian=stride != 3)
        for padding in ("SAME", "VALID") for stride in (1, 2, 3)
        for width, cin in ((3, 1), (2, 1), (3, 2), (1, 2))
    }


@tolerance(**CONV_HESSIAN)
def case_conv2d_common_calls(tf):
    return {
        f"{padding}_{stride}_{kernel}_{cin}": _conv_derivatives(
            tf, lambda x, w, s=stride, p=padding: tf.nn.conv2d(x, w, s, p),
            [1, 4, 3, cin], list(kernel) + [cin, 2], hessian=cin == 1)
        for padding in ("SAME", "VALID") for stride in (1, 2)
        for kernel, cin in (((3, 3), 1), ((2, 3), 1), ((3, 1), 2), ((1, 1), 3))
    }


def case_conv_common_call_dtypes(tf):
    conv1 = lambda x, w: tf.nn.conv1d(x, w, 1, "SAME")  # noqa: E731
    conv2 = lambda x, w: tf.nn.conv2d(x, w, 1, "SAME", data_format="NHWC")  # noqa: E731
    return {
        "float64": _conv_derivatives(tf, conv1, [1, 5, 1], [3, 1, 2], tf.float64),
        "float16": tf.nn.conv1d(tf.ones([1, 4, 1], tf.float16), tf.ones([3, 1, 1], tf.float16),
                                1, "SAME"),
        "nhwc_named": _conv_derivatives(tf, conv2, [1, 3, 3, 1], [3, 3, 1, 1]),
        "grouped": tf.nn.conv1d(tf.ones([1, 4, 4]), tf.ones([3, 2, 2]), 1, "SAME"),
        "int32": tf.nn.conv1d(tf.ones([1, 4, 1], tf.int32), tf.ones([3, 1, 1], tf.int32),
                              1, "VALID"),
    }


def case_conv_common_call_errors(tf):
    x, w = tf.ones([1, 4, 2]), tf.ones([3, 2, 1])
    return {
        "lowercase_padding": _raises(lambda: tf.nn.conv1d(x, w, 1, "same")),
        "stride_zero": _raises(lambda: tf.nn.conv1d(x, w, 0, "SAME")),
        "stride_negative": _raises(lambda: tf.nn.conv1d(x, w, -1, "VALID")),
        "kernel_wider_same": tf.nn.conv1d(x, tf.ones([5, 2, 1]), 1, "SAME"),
        "channels": _raises(lambda: tf.nn.conv1d(x, tf.ones([3, 3, 1]), 1, "SAME")),
        "dtypes": _raises(lambda: tf.nn.conv1d(x, tf.ones([3, 2, 1], tf.float64), 1, "SAME")),
        "filter_rank": _raises(lambda: tf.nn.conv2d(tf.ones([1, 4, 4, 2]), w, 1, "SAME")),
        "nchw": tf.nn.conv2d(tf.ones([1, 2, 4, 4]), tf.ones([3, 3, 2, 1]), 1, "SAME",
                             data_format="NCHW"),
    }


def case_conv_common_call_variables(tf):
    """Variable filters (read once, watched by the tape) and a list input."""
    w = tf.Variable(tf.ones([3, 1, 2]) * 0.5)
    with tf.GradientTape() as tape:
        y = tf.nn.conv1d([[[1.0], [2.0], [3.0], [4.0]]], w, 1, "SAME")
        total = tf.reduce_sum(y * y)
    return {"y": y, "gw": tape.gradient(total, w)}
