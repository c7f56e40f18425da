"""TF names added in session 11 against TensorFlow 2.21: values, dtypes, shapes, tape
gradients and exception classes.

Top-level aliases `tf.assert_equal`, `tf.assert_less`, `tf.assert_greater`,
`tf.assert_rank`, `tf.Assert`, `tf.fftnd`/`tf.ifftnd`/`tf.rfftnd`/`tf.irfftnd` (only
that they exist: TF 2.21 has no CPU kernel for them, and they are not the very objects
of `tf.signal`), `tf.strided_slice`, `tf.unique_with_counts`, `tf.saturate_cast` (and
`tf.dtypes.saturate_cast`), `tf.tuple`, `tf.parallel_stack`, `tf.get_logger`;
`tf.math.erfcinv`, `tf.math.accumulate_n`; `tf.nn.compute_average_loss`,
`tf.nn.scale_regularization_loss`, `tf.nn.weighted_moments`, `tf.nn.normalize_moments`,
`tf.nn.sufficient_statistics`, `tf.nn.zero_fraction`, `tf.nn.in_top_k`, `tf.nn.crelu`,
`tf.nn.space_to_depth`, `tf.nn.depth_to_space`, `tf.nn.local_response_normalization`
(`tf.nn.lrn`), `tf.nn.convolution`, `tf.nn.conv3d_transpose`;
`tf.config.threading.get_intra_op_parallelism_threads` and
`get_inter_op_parallelism_threads`. Answers live in `golden/cases_ops_extra.json`.

Error-class checks sit in `case_*_errors` cases (their strings keep them out of
function mode) so that the value cases run there too. `tf.parallel_stack` raises
RuntimeError in eager mode (it works only in a graph), so `case_parallel_stack` is an
error in `golden/` and values in `golden_function/`.
"""

from __future__ import annotations

import logging

import numpy as np

from tests.conformance.harness import raises as _raises
from tests.conformance.harness import sin_array as _real
from tests.conformance.harness import tolerance
from tests.conformance.harness import weighted_sum as _mix

CONV_TOL = {"rtol": 1e-4, "atol": 1e-5}



# ---------------------------------------------------------------------------
# Assertions, aliases, misc


def case_assert_aliases_pass(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    y = tf.constant([2.0, 3.0, 4.0])
    tf.assert_equal(x, tf.constant([1.0, 2.0, 3.0]))
    tf.assert_equal(1, 1)
    tf.assert_equal(x, 1.0 + tf.constant([0.0, 1.0, 2.0]), message="m", summarize=2)
    tf.assert_less(x, y)
    tf.assert_less(x, 5.0)
    tf.assert_greater(y, x)
    tf.assert_greater(y, 0.0)
    tf.assert_rank(x, 1)
    tf.assert_rank(tf.zeros([2, 3]), 2)
    tf.assert_rank(tf.constant(1.0), 0)
    tf.assert_rank(x, tf.constant(1))
    tf.Assert(True, ["fine"])
    tf.Assert(tf.reduce_all(x < y), ["x", x, "y", y])
    return {"after": x + y}


def case_assert_aliases_errors(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    y = tf.constant([1.0, 3.0, 3.0])
    return {
        "equal_values": _raises(lambda: tf.assert_equal(x, y)),
        "equal_scalar": _raises(lambda: tf.assert_equal(1, 2)),
        "equal_shapes": _raises(lambda: tf.assert_equal(x, tf.constant([1.0, 2.0]))),
        "equal_dtypes": _raises(lambda: tf.assert_equal(x, tf.constant([1, 2, 3]))),
        "less_equal_elems": _raises(lambda: tf.assert_less(x, y)),
        "less_values": _raises(lambda: tf.assert_less(y, x)),
        "greater_equal_elems": _raises(lambda: tf.assert_greater(y, x)),
        "greater_values": _raises(lambda: tf.assert_greater(x, 2.0)),
        "rank_static": _raises(lambda: tf.assert_rank(x, 2)),
        "rank_scalar": _raises(lambda: tf.assert_rank(tf.constant(1.0), 1)),
        "rank_tensor_rank": _raises(lambda: tf.assert_rank(x, tf.constant(2))),
        "rank_not_int": _raises(lambda: tf.assert_rank(x, 1.5)),
        "assert_false_bool": _raises(lambda: tf.Assert(False, ["bad"])),
        "assert_false_tensor": _raises(
            lambda: tf.Assert(tf.reduce_all(x > 2.0), ["x", x])),
        "assert_not_scalar": _raises(lambda: tf.Assert(tf.constant([True, True]), ["x"])),
    }


def case_fftnd_aliases_exist(tf):
    return {
        "fftnd": callable(tf.fftnd),
        "ifftnd": callable(tf.ifftnd),
        "rfftnd": callable(tf.rfftnd),
        "irfftnd": callable(tf.irfftnd),
    }


def case_get_logger(tf):
    logger = tf.get_logger()
    return {
        "name": logger.name,
        "level_is_int": isinstance(logger.level, int),
        "is_logging_logger": isinstance(logger, logging.Logger),
        "same_each_call": tf.get_logger() is logger,
    }


def case_threading_getters(tf):
    return {
        "intra": isinstance(tf.config.threading.get_intra_op_parallelism_threads(), int),
        "inter": isinstance(tf.config.threading.get_inter_op_parallelism_threads(), int),
    }


def case_tuple_values(tf):
    a = tf.constant([1.0, 2.0])
    b = tf.constant([[1, 2], [3, 4]])
    out = tf.tuple([a, b])
    with_none = tf.tuple([a * 2.0, None, b + 1])
    with_deps = tf.tuple([a], control_inputs=[tf.constant(0.0)])
    return {
        "pair": out,
        "is_list": isinstance(out, list),
        "with_none": with_none,
        "with_deps": with_deps,
        "from_tuple": tf.tuple((a, a + 1.0)),
    }


def case_tuple_gradient(tf):
    a = tf.constant([1.0, 2.0])
    b = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        u, v = tf.tuple([a * b, b * b])
        y = tf.reduce_sum(u) + v
    return {"y": y, "grad": tape.gradient(y, [a, b])}


def case_parallel_stack(tf):
    a = tf.constant([1.0, 2.0, 3.0])
    b = tf.constant([4.0, 5.0, 6.0])
    m = tf.constant([[1, 2], [3, 4]])
    return {
        "floats": tf.parallel_stack([a, b]),
        "ints": tf.parallel_stack([m, m * 2, m * 3]),
        "scalars": tf.parallel_stack([tf.constant(1.0), tf.constant(2.0)]),
        "one": tf.parallel_stack([a]),
    }


def case_parallel_stack_gradient(tf):
    a = tf.constant([1.0, 2.0])
    b = tf.constant([3.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = tf.reduce_sum(tf.parallel_stack([a, b]) * tf.constant([[1.0], [2.0]]))
    return {"y": y, "grad": tape.gradient(y, [a, b])}


# ---------------------------------------------------------------------------
# strided_slice


def case_strided_slice_basic(tf):
    x = tf.reshape(tf.range(24.0), [2, 3, 4])
    v = tf.range(10)
    return {
        "plain": tf.strided_slice(x, [0, 1, 0], [2, 3, 4], [1, 1, 2]),
        "default_strides": tf.strided_slice(x, [1, 0, 1], [2, 2, 3]),
        "step3": tf.strided_slice(v, [1], [10], [3]),
        "negative_idx": tf.strided_slice(v, [-4], [-1], [1]),
        "clamped": tf.strided_slice(v, [-20], [20], [2]),
        "empty": tf.strided_slice(v, [5], [2], [1]),
        "empty_2d": tf.strided_slice(x, [0, 2, 0], [2, 1, 4], [1, 1, 1]),
        "fewer_dims": tf.strided_slice(x, [1], [2]),
        "int64_bounds": tf.strided_slice(
            v, tf.constant([2], tf.int64), tf.constant([8], tf.int64),
            tf.constant([2], tf.int64)),
        "tensor_bounds": tf.strided_slice(
            x, tf.constant([0, 0, 1]), tf.constant([1, 3, 4]), tf.constant([1, 2, 1])),
        "int_input": tf.strided_slice(tf.constant([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 3]),
        "bool_input": tf.strided_slice(tf.constant([True, False, True, False]), [1], [4], [2]),
    }


def case_strided_slice_negative_strides(tf):
    v = tf.range(10.0)
    x = tf.reshape(tf.range(12), [3, 4])
    return {
        "rev_step2": tf.strided_slice(v, [8], [1], [-2]),
        "rev_full_masks": tf.strided_slice(v, [0], [0], [-1], begin_mask=1, end_mask=1),
        "rev_begin_mask": tf.strided_slice(v, [0], [3], [-1], begin_mask=1),
        "rev_end_mask": tf.strided_slice(v, [4], [0], [-1], end_mask=1),
        "rev_negative_idx": tf.strided_slice(v, [-2], [-8], [-3]),
        "rev_clamped": tf.strided_slice(v, [20], [-20], [-4]),
        "rev_empty": tf.strided_slice(v, [2], [5], [-1]),
        "rev_2d": tf.strided_slice(x, [2, 3], [0, 0], [-1, -2], end_mask=1),
        "rev_cols": tf.strided_slice(x, [0, -1], [3, 0], [1, -1], end_mask=2),
    }


def case_strided_slice_masks(tf):
    x = tf.reshape(tf.range(24.0), [2, 3, 4])
    return {
        # x[:, 1:, :2]
        "begin_end_masks": tf.strided_slice(
            x, [1, 1, 3], [1, 0, 2], [1, 1, 1], begin_mask=0b101, end_mask=0b011),
        # x[..., 1:3]
        "ellipsis_first": tf.strided_slice(x, [0, 1], [0, 3], [1, 1], ellipsis_mask=1),
        # x[1, ...]
        "ellipsis_last": tf.strided_slice(
            x, [1, 0], [2, 0], [1, 1], ellipsis_mask=2, shrink_axis_mask=1),
        # x[0, ..., 2]
        "ellipsis_middle_shrink": tf.strided_slice(
            x, [0, 0, 2], [1, 0, 3], [1, 1, 1], ellipsis_mask=2, shrink_axis_mask=0b101),
        # x[:, tf.newaxis, 1]
        "new_axis_shrink": tf.strided_slice(
            x, [0, 0, 1], [0, 0, 2], [1, 1, 1], begin_mask=1, end_mask=1,
            new_axis_mask=2, shrink_axis_mask=4),
        # x[tf.newaxis, ...]
        "new_axis_ellipsis": tf.strided_slice(
            x, [0, 0], [1, 0], [1, 1], new_axis_mask=1, ellipsis_mask=2),
        # x[..., tf.newaxis]
        "ellipsis_new_axis_last": tf.strided_slice(
            x, [0, 0], [0, 1], [1, 1], ellipsis_mask=1, new_axis_mask=2),
        # x[-1, -2]
        "shrink_negative": tf.strided_slice(
            x, [-1, -2], [0, 0], [1, 1], shrink_axis_mask=0b11),
        # x[1, 2, 3] -> scalar
        "shrink_all": tf.strided_slice(x, [1, 2, 3], [2, 3, 4], [1, 1, 1],
                                       shrink_axis_mask=0b111),
        # x[0, ::-1, 1]
        "shrink_and_reverse": tf.strided_slice(
            x, [0, 0, 1], [1, 0, 2], [1, -1, 1], begin_mask=2, end_mask=2,
            shrink_axis_mask=0b101),
        # a new axis bit beyond begin's length is ignored; an ellipsis and a new axis
        "two_new_axes": tf.strided_slice(
            x, [0, 0, 0], [0, 0, 2], [1, 1, 1], new_axis_mask=0b011, end_mask=0),
        # shrink bit ignored where the entry is a new axis
        "new_axis_and_shrink_same_bit": tf.strided_slice(
            x, [0, 1], [0, 2], [1, 1], new_axis_mask=1, shrink_axis_mask=1),
        # masks set beyond the spec length
        "mask_bits_past_spec": tf.strided_slice(x, [1], [2], [1], begin_mask=0b110,
                                                end_mask=0b110),
    }


def case_strided_slice_gradient(tf):
    x = tf.constant(_real([3, 4, 5]), tf.float32)
    v = tf.constant(_real([7], 1.0), tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, v])
        a = _mix(tf, tf.strided_slice(x, [0, 1, 4], [3, 4, 0], [2, 2, -2]))
        b = _mix(tf, tf.strided_slice(x, [1, 0], [2, 0], [1, 1], ellipsis_mask=2,
                                      shrink_axis_mask=1))
        c = _mix(tf, tf.strided_slice(x, [0, 0, 2], [0, 0, 3], [1, 1, 1], begin_mask=1,
                                      end_mask=1, new_axis_mask=2, shrink_axis_mask=4))
        d = _mix(tf, tf.strided_slice(v, [0], [0], [-1], begin_mask=1, end_mask=1))
        e = tf.strided_slice(v, [3], [4], [1], shrink_axis_mask=1) * 2.0
    return {
        "a": [a, tape.gradient(a, x)],
        "b": [b, tape.gradient(b, x)],
        "c": [c, tape.gradient(c, x)],
        "d": [d, tape.gradient(d, v)],
        "e": [e, tape.gradient(e, v)],
        "unconnected": tape.gradient(e, x),
    }


def case_strided_slice_errors(tf):
    x = tf.reshape(tf.range(24.0), [2, 3, 4])
    v = tf.range(5)
    return {
        "zero_stride": _raises(lambda: tf.strided_slice(v, [0], [3], [0])),
        "length_mismatch": _raises(lambda: tf.strided_slice(v, [0, 1], [3], [1])),
        "shrink_out_of_range": _raises(
            lambda: tf.strided_slice(v, [7], [8], [1], shrink_axis_mask=1)),
        "shrink_negative_out_of_range": _raises(
            lambda: tf.strided_slice(v, [-6], [0], [1], shrink_axis_mask=1)),
        "two_ellipses": _raises(
            lambda: tf.strided_slice(x, [0, 0], [0, 0], [1, 1], ellipsis_mask=3)),
        "too_many_dims": _raises(
            lambda: tf.strided_slice(v, [0, 0], [1, 1], [1, 1])),
        "float_begin": _raises(lambda: tf.strided_slice(v, [0.5], [3.0], [1.0])),
        "mixed_int_types": _raises(
            lambda: tf.strided_slice(v, tf.constant([0], tf.int64), tf.constant([3]),
                                     tf.constant([1]))),
        "begin_2d": _raises(lambda: tf.strided_slice(v, [[0]], [[3]], [[1]])),
        "scalar_input": _raises(lambda: tf.strided_slice(tf.constant(1.0), [0], [1], [1])),
    }


# ---------------------------------------------------------------------------
# unique_with_counts


def case_unique_with_counts_int(tf):
    x = tf.constant([1, 1, 2, 4, 4, 4, 7, 8, 8])
    y = tf.constant([5, 3, 5, -1, 3, 3, 0], tf.int64)
    return {
        "default": tf.unique_with_counts(x),
        "int64_idx": tf.unique_with_counts(x, out_idx=tf.int64),
        "int64_input": tf.unique_with_counts(y),
        "single": tf.unique_with_counts(tf.constant([9])),
        "empty": tf.unique_with_counts(tf.constant([], tf.int32)),
        "uint8": tf.unique_with_counts(tf.constant([3, 3, 250, 0], tf.uint8)),
    }


def case_unique_with_counts_float(tf):
    x = tf.constant([2.5, -1.0, 2.5, 0.0, 7.25, -1.0, 2.5])
    d = tf.constant([0.1, 0.2, 0.1], tf.float64)
    y, idx, count = tf.unique_with_counts(x, out_idx=tf.int64)
    return {
        "y": y,
        "idx": idx,
        "count": count,
        "fields": list(tf.unique_with_counts(x)._fields),
        "float64": tf.unique_with_counts(d),
        "bool": tf.unique_with_counts(tf.constant([True, False, True])),
        "gather_back": tf.gather(y, idx),
    }


def case_unique_with_counts_errors(tf):
    return {
        "rank2": _raises(lambda: tf.unique_with_counts(tf.constant([[1, 2], [2, 1]]))),
        "scalar": _raises(lambda: tf.unique_with_counts(tf.constant(1))),
        "float_out_idx": _raises(
            lambda: tf.unique_with_counts(tf.constant([1, 2]), out_idx=tf.float32)),
        "int16_out_idx": _raises(
            lambda: tf.unique_with_counts(tf.constant([1, 2]), out_idx=tf.int16)),
    }


# ---------------------------------------------------------------------------
# saturate_cast


def case_saturate_cast_values(tf):
    f = tf.constant([-300.0, -128.5, -1.5, -0.5, 0.4, 127.6, 200.0, 255.7, 300.0])
    big = tf.constant([-3e10, -2147483648.0, -1.5, 2.5, 2147483520.0, 3e9])
    big64 = tf.constant([-3e10, -2147483648.0, -1.5, 2.5, 2147483647.0, 3e9], tf.float64)
    i64 = tf.constant([-(2 ** 40), -5, 0, 7, 2 ** 33], tf.int64)
    return {
        "to_int8": tf.saturate_cast(f, tf.int8),
        "to_uint8": tf.saturate_cast(f, tf.uint8),
        "to_int16": tf.saturate_cast(f * 1000.0, tf.int16),
        "f32_to_int32": tf.saturate_cast(big, tf.int32),
        "f64_to_int32": tf.saturate_cast(big64, tf.int32),
        "int64_to_int32": tf.saturate_cast(i64, tf.int32),
        "int64_to_uint8": tf.saturate_cast(i64, tf.uint8),
        "int32_to_uint8": tf.saturate_cast(tf.constant([-5, 0, 128, 300]), tf.uint8),
        "int32_to_float": tf.saturate_cast(tf.constant([3, -2]), tf.float32),
        "uint8_to_int8": tf.saturate_cast(tf.constant([0, 127, 128, 255], tf.uint8), tf.int8),
        "f64_to_f32": tf.saturate_cast(
            tf.constant([1e39, -1e39, 1.5, 3.0e38], tf.float64), tf.float32),
        "f32_to_f16": tf.saturate_cast(tf.constant([1e5, -1e5, 1.5, 65504.0]), tf.float16),
        "f32_to_f64_inf": tf.saturate_cast(tf.constant([np.inf, -np.inf, 2.0]), tf.float64),
        "inf_to_int8": tf.saturate_cast(tf.constant([np.inf, -np.inf]), tf.int8),
        "nan_to_f16": tf.saturate_cast(tf.constant([np.nan, 1.0]), tf.float16),
        "list_input": tf.saturate_cast([1.5, 2.7, -3.9], tf.int32),
        "string_dtype_name": tf.saturate_cast(tf.constant([1.5, 1e10]), "int32"),
        "dtypes_alias": tf.dtypes.saturate_cast(f, tf.int8),
        "scalar": tf.saturate_cast(tf.constant(1000.0), tf.int8),
        "same_dtype": tf.saturate_cast(tf.constant([1.0, -2.0]), tf.float32),
        "complex_to_float": tf.saturate_cast(tf.constant([1.5 + 2.0j, -3.0 + 0j]), tf.float32),
        "complex_to_int8": tf.saturate_cast(tf.constant([300.0 + 2.0j]), tf.int8),
        "float_to_complex": tf.saturate_cast(tf.constant([1e39, 2.0], tf.float64),
                                             tf.complex64),
        "to_bfloat16": tf.saturate_cast(tf.constant([1.0, -2.5]), tf.bfloat16),
        "shape_2d": tf.saturate_cast(tf.constant([[1.0, 500.0], [-500.0, 2.0]]), tf.int8),
    }


def case_saturate_cast_gradient(tf):
    x = tf.constant([1.0, -2.0, 3.0])
    d = tf.constant([1.0, 1e39, -1e39, 3.4028234663852886e38], tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, d])
        y64 = tf.saturate_cast(x, tf.float64)
        a = tf.reduce_sum(y64 * y64)
        b = tf.reduce_sum(tf.cast(tf.saturate_cast(x, tf.int32), tf.float32))
        s32 = tf.saturate_cast(d, tf.float32)
        c = tf.reduce_sum(s32 * tf.constant([1.0, 2.0, 3.0, 1e-38]))
        f16 = tf.saturate_cast(x * 3e4, tf.float16)
        e = tf.reduce_sum(tf.cast(f16, tf.float32))
    return {
        "to_f64": [y64, a, tape.gradient(a, x)],
        "to_int32": [b, tape.gradient(b, x)],
        "clamped_f64_to_f32": [s32, tape.gradient(c, d)],
        "clamped_f16": [f16, tape.gradient(e, x)],
    }


def case_saturate_cast_errors(tf):
    return {
        "to_bool": _raises(lambda: tf.saturate_cast(tf.constant([1.5]), tf.bool)),
        "to_string": _raises(lambda: tf.saturate_cast(tf.constant([1.5]), tf.string)),
        "from_string": _raises(lambda: tf.saturate_cast(tf.constant(["a"]), tf.int32)),
        "bad_dtype": _raises(lambda: tf.saturate_cast(tf.constant([1.5]), "nonsense")),
    }


# ---------------------------------------------------------------------------
# erfcinv, accumulate_n


def case_erfcinv_values(tf):
    x = tf.constant([0.0, 1e-10, 0.1, 0.5, 1.0, 1.5, 1.9, 2.0, -0.1, 2.1])
    d = tf.constant([1e-300, 0.01, 0.3, 1.0, 1.7, 1.99, 2.0, 0.0, 2.5], tf.float64)
    return {
        "float32": tf.math.erfcinv(x),
        "float64": tf.math.erfcinv(d),
        "python_scalar": tf.math.erfcinv(0.25),
        "list": tf.math.erfcinv([0.5, 1.5]),
        "round_trip": tf.math.erfc(tf.math.erfcinv(tf.constant([0.2, 0.9, 1.3, 1.8]))),
        "shape_2d": tf.math.erfcinv(tf.constant([[0.5, 1.0], [1.5, 0.25]])),
    }


def case_erfcinv_gradient(tf):
    x = tf.constant([0.1, 0.5, 1.0, 1.5, 1.9])
    d = tf.constant([0.3, 1.0, 1.6], tf.float64)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch([x, d])
        with tf.GradientTape(persistent=True) as inner:
            inner.watch([x, d])
            y = tf.reduce_sum(tf.math.erfcinv(x))
            yd = tf.reduce_sum(tf.math.erfcinv(d))
        gx = inner.gradient(y, x)
        gd = inner.gradient(yd, d)
    return {
        "y": y,
        "grad": gx,
        "second": outer.gradient(gx, x),
        "float64": [yd, gd, outer.gradient(gd, d)],
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_erfcinv_gradient_edges(tf):
    x = tf.constant([0.0, 2.0, 1e-6])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.erfcinv(x)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_erfcinv_errors(tf):
    return {
        "int": _raises(lambda: tf.math.erfcinv(tf.constant([1, 2]))),
        "complex": _raises(lambda: tf.math.erfcinv(tf.constant([1.0 + 0j]))),
    }


def case_accumulate_n_values(tf):
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    b = tf.constant([[0.5, -1.0], [2.0, 0.0]])
    c = tf.constant([[10.0, 20.0], [30.0, 40.0]])
    return {
        "three": tf.math.accumulate_n([a, b, c]),
        "one": tf.math.accumulate_n([a]),
        "with_shape": tf.math.accumulate_n([a, b], shape=[2, 2]),
        "with_dtype": tf.math.accumulate_n([a, b], tensor_dtype=tf.float32),
        "ints": tf.math.accumulate_n([tf.constant([1, 2, 3]), tf.constant([4, 5, 6])]),
        "float64": tf.math.accumulate_n(
            [tf.constant([1.5], tf.float64), tf.constant([2.25], tf.float64)]),
        "python_lists": tf.math.accumulate_n([[1.0, 2.0], [3.0, 4.0]]),
        "tuple_input": tf.math.accumulate_n((a, c)),
        "scalars": tf.math.accumulate_n([tf.constant(1.0), tf.constant(2.0)]),
    }


def case_accumulate_n_gradient(tf):
    a = tf.constant([1.0, 2.0, 3.0])
    b = tf.constant([0.5, -1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        s = tf.math.accumulate_n([a, b, a * b])
        y = _mix(tf, s * s)
    return {"s": s, "y": y, "grad": tape.gradient(y, [a, b])}


def case_accumulate_n_errors(tf):
    a = tf.constant([1.0, 2.0])
    return {
        "shape_mismatch": _raises(
            lambda: tf.math.accumulate_n([a, tf.constant([1.0, 2.0, 3.0])])),
        "rank_mismatch": _raises(lambda: tf.math.accumulate_n([a, tf.constant([[1.0, 2.0]])])),
        "dtype_mismatch": _raises(lambda: tf.math.accumulate_n([a, tf.constant([1, 2])])),
        "empty": _raises(lambda: tf.math.accumulate_n([])),
        "bad_shape_arg": _raises(lambda: tf.math.accumulate_n([a], shape=[3])),
        "bad_tensor_dtype": _raises(lambda: tf.math.accumulate_n([a], tensor_dtype=tf.float64)),
        "not_a_list": _raises(lambda: tf.math.accumulate_n(a)),
    }


# ---------------------------------------------------------------------------
# compute_average_loss, scale_regularization_loss


def case_compute_average_loss_values(tf):
    loss = tf.constant([1.0, 2.0, 3.0, 4.0])
    return {
        "plain": tf.nn.compute_average_loss(loss),
        "global_batch": tf.nn.compute_average_loss(loss, global_batch_size=8),
        "global_batch_tensor": tf.nn.compute_average_loss(
            loss, global_batch_size=tf.constant(5)),
        "global_batch_int64": tf.nn.compute_average_loss(
            loss, global_batch_size=tf.constant(2, tf.int64)),
        "global_batch_zero": tf.nn.compute_average_loss(loss, global_batch_size=0),
        "scalar_weight": tf.nn.compute_average_loss(loss, sample_weight=2.0),
        "vector_weight": tf.nn.compute_average_loss(loss, sample_weight=[1.0, 0.0, 2.0, 1.0]),
        "int_weight": tf.nn.compute_average_loss(
            loss, sample_weight=tf.constant([1, 0, 2, 1])),
        "weight_and_batch": tf.nn.compute_average_loss(
            loss, sample_weight=[1.0, 0.0, 2.0, 1.0], global_batch_size=10),
        "rank2": tf.nn.compute_average_loss(tf.constant([[1.0, 2.0], [3.0, 4.0]])),
        "rank2_row_weight": tf.nn.compute_average_loss(
            tf.constant([[1.0, 2.0], [3.0, 4.0]]), sample_weight=tf.constant([1.0, 3.0])),
        "rank2_full_weight": tf.nn.compute_average_loss(
            tf.constant([[1.0, 2.0], [3.0, 4.0]]),
            sample_weight=tf.constant([[1.0, 0.0], [2.0, 1.0]])),
        "float64": tf.nn.compute_average_loss(tf.constant([1.0, 2.0], tf.float64)),
        "float16": tf.nn.compute_average_loss(tf.constant([1.0, 2.0], tf.float16)),
        "int32_loss": tf.nn.compute_average_loss(tf.constant([1, 2, 4])),
        "int64_loss": tf.nn.compute_average_loss(tf.constant([1, 2], tf.int64)),
        "int8_loss": tf.nn.compute_average_loss(tf.constant([1, 2], tf.int8)),
        "list_loss": tf.nn.compute_average_loss([1.0, 2.0]),
        "empty": tf.nn.compute_average_loss(tf.zeros([0])),
    }


def case_compute_average_loss_gradient(tf):
    loss = tf.constant([1.0, 2.0, 3.0, 4.0])
    w = tf.constant([1.0, 0.0, 2.0, 1.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([loss, w])
        a = tf.nn.compute_average_loss(loss * loss)
        b = tf.nn.compute_average_loss(loss, sample_weight=w, global_batch_size=8)
        z = tf.nn.compute_average_loss(loss, global_batch_size=0)
    return {
        "a": [a, tape.gradient(a, loss)],
        "b": [b, tape.gradient(b, [loss, w])],
        "zero_batch": [z, tape.gradient(z, loss)],
    }


def case_compute_average_loss_errors(tf):
    loss = tf.constant([1.0, 2.0, 3.0, 4.0])
    return {
        "scalar_loss": _raises(lambda: tf.nn.compute_average_loss(tf.constant(5.0))),
        "negative_batch": _raises(
            lambda: tf.nn.compute_average_loss(loss, global_batch_size=-1)),
        "float_batch": _raises(lambda: tf.nn.compute_average_loss(loss, global_batch_size=2.5)),
        "float_tensor_batch": _raises(
            lambda: tf.nn.compute_average_loss(loss, global_batch_size=tf.constant(8.0))),
        "vector_batch": _raises(
            lambda: tf.nn.compute_average_loss(loss, global_batch_size=tf.constant([4, 4]))),
        "weight_mismatch": _raises(
            lambda: tf.nn.compute_average_loss(loss, sample_weight=[1.0, 2.0])),
        "string_loss": _raises(lambda: tf.nn.compute_average_loss(tf.constant(["a"]))),
    }


def case_scale_regularization_loss(tf):
    x = tf.constant([3.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.scale_regularization_loss(x * x)
    return {
        "python_float": tf.nn.scale_regularization_loss(3.0),
        "scalar": tf.nn.scale_regularization_loss(tf.constant(2.5)),
        "vector": tf.nn.scale_regularization_loss(x),
        "matrix": tf.nn.scale_regularization_loss(tf.constant([[1.0, 2.0], [3.0, 4.0]])),
        "int32": tf.nn.scale_regularization_loss(tf.constant(3)),
        "float64": tf.nn.scale_regularization_loss(tf.constant(3.0, tf.float64)),
        "float16": tf.nn.scale_regularization_loss(tf.constant(3.0, tf.float16)),
        "grad": [y, tape.gradient(y, x)],
    }


# ---------------------------------------------------------------------------
# moments


def case_weighted_moments(tf):
    x = tf.constant(_real([3, 4]), tf.float32)
    w_rows = tf.constant([[1.0], [2.0], [0.5]])
    w_full = tf.constant(np.abs(_real([3, 4], 2.0)), tf.float32)
    return {
        "axis0_rows": tf.nn.weighted_moments(x, [0], w_rows),
        "axis1_full": tf.nn.weighted_moments(x, [1], w_full),
        "all_axes": tf.nn.weighted_moments(x, [0, 1], w_full),
        "keepdims": tf.nn.weighted_moments(x, [0], w_rows, keepdims=True),
        "scalar_weight": tf.nn.weighted_moments(x, [1], 2.0),
        "negative_axis": tf.nn.weighted_moments(x, [-1], w_full),
        "zero_weights": tf.nn.weighted_moments(x, [1], tf.zeros([3, 1])),
        "int_weights": tf.nn.weighted_moments(x, [0], tf.constant([[1], [2], [0]])),
        "float64": tf.nn.weighted_moments(tf.constant(_real([2, 3]), tf.float64), [0],
                                          tf.constant([1.0, 3.0, 2.0], tf.float64)),
        "float16": tf.nn.weighted_moments(tf.constant(_real([2, 3]), tf.float16), [1],
                                          tf.constant([1.0, 3.0, 2.0], tf.float16)),
    }


def case_weighted_moments_gradient(tf):
    x = tf.constant(_real([3, 4]), tf.float32)
    w = tf.constant(np.abs(_real([3, 4], 2.0)) + 0.1, tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        mean, var = tf.nn.weighted_moments(x, [1], w)
        y = _mix(tf, mean) + _mix(tf, var, 2.0)
    return {"y": y, "grad": tape.gradient(y, [x, w])}


def case_normalize_moments(tf):
    x = tf.constant(_real([4, 3]), tf.float32)
    counts, mean_ss, var_ss, _ = tf.nn.sufficient_statistics(x, [0])
    shift = tf.constant([0.1, -0.2, 0.3])
    counts_s, mean_s, var_s, shift_s = tf.nn.sufficient_statistics(x, [0], shift=shift)
    return {
        "no_shift": tf.nn.normalize_moments(counts, mean_ss, var_ss, None),
        "with_shift": tf.nn.normalize_moments(counts_s, mean_s, var_s, shift_s),
        "matches_moments": tf.nn.moments(x, [0]),
        "python_numbers": tf.nn.normalize_moments(4.0, tf.constant([2.0]),
                                                  tf.constant([6.0]), None),
        "float64": tf.nn.normalize_moments(tf.constant(2.0, tf.float64),
                                           tf.constant([3.0, 1.0], tf.float64),
                                           tf.constant([5.0, 1.0], tf.float64),
                                           tf.constant(0.5, tf.float64)),
    }


def case_normalize_moments_gradient(tf):
    c = tf.constant(4.0)
    m = tf.constant([2.0, -1.0])
    v = tf.constant([6.0, 3.0])
    s = tf.constant([0.5, 0.25])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([c, m, v, s])
        mean, var = tf.nn.normalize_moments(c, m, v, s)
        y = _mix(tf, mean) + _mix(tf, var, 3.0)
        mean0, var0 = tf.nn.normalize_moments(c, m, v, None)
        y0 = _mix(tf, mean0) + _mix(tf, var0, 3.0)
    return {
        "shift": [y, tape.gradient(y, [c, m, v, s])],
        "no_shift": [y0, tape.gradient(y0, [c, m, v, s])],
    }


def case_sufficient_statistics(tf):
    x = tf.constant(_real([2, 3, 4]), tf.float32)
    return {
        "axis0": tf.nn.sufficient_statistics(x, [0]),
        "axes01": tf.nn.sufficient_statistics(x, [0, 1]),
        "negative_axis": tf.nn.sufficient_statistics(x, [-1]),
        "duplicate_axes": tf.nn.sufficient_statistics(x, [1, 1]),
        "keepdims": tf.nn.sufficient_statistics(x, [0, 2], keepdims=True),
        "shift_scalar": tf.nn.sufficient_statistics(x, [1], shift=0.5),
        "shift_tensor": tf.nn.sufficient_statistics(
            x, [2], shift=tf.constant([[0.1], [0.2], [0.3]])),
        "float64": tf.nn.sufficient_statistics(tf.constant(_real([3, 2]), tf.float64), [0]),
        "int": tf.nn.sufficient_statistics(tf.constant([[1, 2], [3, 4]]), [0]),
        "list_input": tf.nn.sufficient_statistics([[1.0, 2.0], [3.0, 5.0]], [1]),
    }


def case_sufficient_statistics_gradient(tf):
    x = tf.constant(_real([3, 4]), tf.float32)
    s = tf.constant([0.5, -0.5, 0.25, 0.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, s])
        c, m, v, _ = tf.nn.sufficient_statistics(x, [0], shift=s)
        y = _mix(tf, m) + _mix(tf, v, 2.0) + c
    return {"y": y, "grad": tape.gradient(y, [x, s])}


# ---------------------------------------------------------------------------
# zero_fraction, in_top_k, crelu


def case_zero_fraction(tf):
    x = tf.constant([0.0, 1.0, 0.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = tf.nn.zero_fraction(x * 3.0)
    return {
        "float": tf.nn.zero_fraction(x),
        "int_2d": tf.nn.zero_fraction(tf.constant([[0, 1], [0, 0]])),
        "all_zero": tf.nn.zero_fraction(tf.zeros([3, 2], tf.float64)),
        "none_zero": tf.nn.zero_fraction(tf.ones([5])),
        "scalar_zero": tf.nn.zero_fraction(tf.constant(0.0)),
        "bool": tf.nn.zero_fraction(tf.constant([True, False, False])),
        "negative_zero_and_nan": tf.nn.zero_fraction(tf.constant([-0.0, np.nan, 1.0])),
        "complex": tf.nn.zero_fraction(tf.constant([1.0 + 0j, 0j, 1j, 0j])),
        "list": tf.nn.zero_fraction([0, 1, 2]),
        "empty": tf.nn.zero_fraction(tf.zeros([0])),
        "grad": [z, tape.gradient(z, x)],
    }


def case_in_top_k(tf):
    p = tf.constant([[0.1, 0.3, 0.3, 0.2],
                     [0.5, 0.5, 0.5, 0.1],
                     [0.9, 0.05, 0.03, 0.02],
                     [0.2, np.nan, 0.1, 0.0],
                     [0.2, np.inf, 0.1, 0.0]])
    t = tf.constant([1, 2, 0, 0, 1])
    return {
        "k1": tf.nn.in_top_k(t, p, 1),
        "k1_tie_other": tf.nn.in_top_k(tf.constant([2, 0, 1, 2, 0]), p, 1),
        "k2": tf.nn.in_top_k(tf.constant([3, 3, 1, 0, 0]), p, 2),
        "k3": tf.nn.in_top_k(tf.constant([0, 3, 2, 2, 2]), p, 3),
        "k4": tf.nn.in_top_k(tf.constant([0, 3, 3, 1, 3]), p, 4),
        "k_big": tf.nn.in_top_k(t, p, 10),
        "k0": tf.nn.in_top_k(t, p, 0),
        "k_negative": tf.nn.in_top_k(t, p, -1),
        "target_out_of_range": tf.nn.in_top_k(tf.constant([4, -1, 7, 0, 0]), p, 3),
        "int64_targets": tf.nn.in_top_k(tf.constant([1, 2, 0, 0, 1], tf.int64), p, 1),
        "k_tensor": tf.nn.in_top_k(t, p, tf.constant(2)),
        "k_tensor_int64": tf.nn.in_top_k(tf.constant([0, 1, 2, 3, 0], tf.int64), p,
                                         tf.constant(2, tf.int64)),
        "lists": tf.nn.in_top_k([0, 1], [[0.5, 0.25], [0.5, 0.25]], 1),
        "neg_inf_row": tf.nn.in_top_k(tf.constant([0]),
                                      tf.constant([[1.0, -np.inf, 0.0]]), 1),
        "empty_batch": tf.nn.in_top_k(tf.zeros([0], tf.int32), tf.zeros([0, 3]), 1),
    }


def case_in_top_k_errors(tf):
    p = tf.constant([[0.1, 0.3, 0.3, 0.2], [0.5, 0.5, 0.5, 0.1]])
    return {
        "float64_predictions": _raises(
            lambda: tf.nn.in_top_k(tf.constant([0, 0]), tf.cast(p, tf.float64), 1)),
        "int_predictions": _raises(
            lambda: tf.nn.in_top_k(tf.constant([0, 1]), tf.constant([[1, 2], [3, 3]]), 1)),
        "float_targets": _raises(lambda: tf.nn.in_top_k(tf.constant([0.0, 1.0]), p, 1)),
        "batch_mismatch": _raises(lambda: tf.nn.in_top_k(tf.constant([0, 0, 0]), p, 1)),
        "predictions_1d": _raises(
            lambda: tf.nn.in_top_k(tf.constant([0]), tf.constant([1.0, 2.0]), 1)),
        "targets_2d": _raises(lambda: tf.nn.in_top_k(tf.constant([[0], [1]]), p, 1)),
        "k_int64_targets_int32": _raises(
            lambda: tf.nn.in_top_k(tf.constant([0, 1]), p, tf.constant(1, tf.int64))),
        "k_vector": _raises(lambda: tf.nn.in_top_k(tf.constant([0, 1]), p, [1, 2])),
    }


def case_crelu(tf):
    x = tf.constant([[-1.5, 0.0, 2.0], [3.0, -0.5, 0.25]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = tf.nn.crelu(x)
        b = tf.nn.crelu(x, axis=0)
        ya = _mix(tf, a)
        yb = _mix(tf, b, 2.0)
    return {
        "last_axis": a,
        "axis0": b,
        "axis_negative2": tf.nn.crelu(x, axis=-2),
        "vector": tf.nn.crelu(tf.constant([1.0, -2.0])),
        "float64": tf.nn.crelu(tf.constant([[1.0, -2.0]], tf.float64)),
        "int": tf.nn.crelu(tf.constant([[1, -2]])),
        "grad_last": [ya, tape.gradient(ya, x)],
        "grad_axis0": [yb, tape.gradient(yb, x)],
    }


def case_crelu_errors(tf):
    return {
        "scalar": _raises(lambda: tf.nn.crelu(tf.constant(1.0))),
        "bad_axis": _raises(lambda: tf.nn.crelu(tf.constant([[1.0, 2.0]]), axis=2)),
        "bool": _raises(lambda: tf.nn.crelu(tf.constant([True]))),
    }


# ---------------------------------------------------------------------------
# space_to_depth, depth_to_space


def case_space_to_depth(tf):
    x = tf.reshape(tf.range(32.0), [1, 4, 4, 2])
    xi = tf.reshape(tf.range(2 * 6 * 4), [2, 6, 4, 1])
    y = tf.nn.space_to_depth(x, 2)
    return {
        "block2": y,
        "int_block3_batch2": tf.nn.space_to_depth(xi, 2),
        "block3": tf.nn.space_to_depth(tf.reshape(tf.range(36.0), [1, 6, 6, 1]), 3),
        "round_trip": tf.nn.depth_to_space(y, 2),
        "depth_to_space": tf.nn.depth_to_space(tf.reshape(tf.range(24.0), [1, 2, 3, 4]), 2),
        "depth_to_space_block3": tf.nn.depth_to_space(
            tf.reshape(tf.range(18), [2, 1, 1, 9]), 3),
        "float64": tf.nn.space_to_depth(tf.constant(_real([1, 2, 2, 1]), tf.float64), 2),
        "data_format_nhwc": tf.nn.depth_to_space(
            tf.reshape(tf.range(8.0), [1, 1, 2, 4]), 2, data_format="NHWC"),
    }


def case_space_depth_gradient(tf):
    x = tf.constant(_real([1, 4, 2, 3]), tf.float32)
    z = tf.constant(_real([1, 2, 1, 8]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, z])
        a = _mix(tf, tf.nn.space_to_depth(x, 2))
        b = _mix(tf, tf.nn.depth_to_space(z, 2), 0.5)
    return {"s2d": [a, tape.gradient(a, x)], "d2s": [b, tape.gradient(b, z)]}


def case_space_depth_errors(tf):
    # (data_format="NCHW": TF has no CPU kernel for it (NotFoundError), a GPU one only;
    # not recorded.)
    x = tf.reshape(tf.range(32.0), [1, 4, 4, 2])
    return {
        "s2d_block1": _raises(lambda: tf.nn.space_to_depth(x, 1)),
        "s2d_block_not_dividing": _raises(lambda: tf.nn.space_to_depth(x, 3)),
        "s2d_rank3": _raises(lambda: tf.nn.space_to_depth(tf.zeros([4, 4, 2]), 2)),
        "s2d_bad_format": _raises(lambda: tf.nn.space_to_depth(x, 2, data_format="XYZW")),
        "d2s_block1": _raises(lambda: tf.nn.depth_to_space(x, 1)),
        "d2s_depth_not_dividing": _raises(lambda: tf.nn.depth_to_space(x, 2)),
        "d2s_block0": _raises(lambda: tf.nn.depth_to_space(x, 0)),
    }


# ---------------------------------------------------------------------------
# local_response_normalization


@tolerance(rtol=1e-4, atol=1e-5)
def case_lrn_values(tf):
    x = tf.constant(_real([1, 2, 2, 7]), tf.float32)
    return {
        "defaults": tf.nn.local_response_normalization(x),
        "alias_lrn": tf.nn.lrn(x),
        "custom": tf.nn.local_response_normalization(
            x, depth_radius=2, bias=2.0, alpha=0.5, beta=0.75),
        "radius0": tf.nn.lrn(x, depth_radius=0, bias=1.0, alpha=1.0, beta=1.0),
        "radius1": tf.nn.lrn(x, 1, 0.5, 0.1, 0.5),
        "float16": tf.nn.lrn(tf.constant(_real([1, 1, 2, 4]), tf.float16), depth_radius=1),
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_lrn_gradient(tf):
    x = tf.constant(_real([2, 1, 2, 5]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = _mix(tf, tf.nn.local_response_normalization(x))
        b = _mix(tf, tf.nn.lrn(x, depth_radius=1, bias=2.0, alpha=0.5, beta=0.75), 2.0)
    return {"defaults": [a, tape.gradient(a, x)], "custom": [b, tape.gradient(b, x)]}


def case_lrn_errors(tf):
    return {
        "rank3": _raises(lambda: tf.nn.lrn(tf.zeros([2, 2, 3]))),
        "float64": _raises(lambda: tf.nn.lrn(tf.zeros([1, 1, 1, 3], tf.float64))),
        "int": _raises(lambda: tf.nn.lrn(tf.zeros([1, 1, 1, 3], tf.int32))),
        "negative_radius": _raises(lambda: tf.nn.lrn(tf.zeros([1, 1, 1, 3]), depth_radius=-1)),
    }


# ---------------------------------------------------------------------------
# convolution, conv3d_transpose


@tolerance(**CONV_TOL)
def case_convolution_1d(tf):
    x = tf.constant(_real([2, 7, 3]), tf.float32)
    w = tf.constant(_real([3, 3, 2], 1.0), tf.float32)
    return {
        "valid": tf.nn.convolution(x, w),
        "same": tf.nn.convolution(x, w, padding="SAME"),
        "stride2": tf.nn.convolution(x, w, strides=2, padding="VALID"),
        "stride2_same": tf.nn.convolution(x, w, strides=[2], padding="SAME"),
        "dilation2": tf.nn.convolution(x, w, dilations=2),
        "dilation2_same": tf.nn.convolution(x, w, padding="SAME", dilations=[2]),
        "nwc": tf.nn.convolution(x, w, data_format="NWC"),
        "ncw": tf.nn.convolution(tf.transpose(x, [0, 2, 1]), w, data_format="NCW",
                                 dilations=2),
        "nhwc_alias_1d": tf.nn.convolution(x, w, data_format="NHWC"),
        "float64": tf.nn.convolution(tf.constant(_real([1, 4, 1]), tf.float64),
                                     tf.constant(_real([2, 1, 1], 2.0), tf.float64)),
    }


@tolerance(**CONV_TOL)
def case_convolution_2d(tf):
    x = tf.constant(_real([2, 5, 6, 2]), tf.float32)
    w = tf.constant(_real([3, 2, 2, 3], 1.0), tf.float32)
    return {
        "valid": tf.nn.convolution(x, w),
        "same": tf.nn.convolution(x, w, padding="SAME"),
        "stride2": tf.nn.convolution(x, w, strides=2),
        "stride_2_1_same": tf.nn.convolution(x, w, strides=[2, 1], padding="SAME"),
        "dilation": tf.nn.convolution(x, w, dilations=[2, 1]),
        "dilation_same": tf.nn.convolution(x, w, padding="SAME", dilations=2),
        "nhwc": tf.nn.convolution(x, w, data_format="NHWC"),
        "nchw": tf.nn.convolution(tf.transpose(x, [0, 3, 1, 2]), w, padding="SAME",
                                  data_format="NCHW"),
    }


@tolerance(**CONV_TOL)
def case_convolution_gradient(tf):
    x1 = tf.constant(_real([1, 6, 2]), tf.float32)
    w1 = tf.constant(_real([3, 2, 2], 1.0), tf.float32)
    x2 = tf.constant(_real([1, 5, 4, 2]), tf.float32)
    w2 = tf.constant(_real([2, 3, 2, 2], 1.5), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x1, w1, x2, w2])
        a = _mix(tf, tf.nn.convolution(x1, w1, padding="SAME", strides=2))
        b = _mix(tf, tf.nn.convolution(x1, w1, dilations=2), 2.0)
        c = _mix(tf, tf.nn.convolution(x2, w2, padding="VALID", strides=[1, 2]))
        d = _mix(tf, tf.nn.convolution(x2, w2, padding="SAME", dilations=[2, 1]), 0.3)
    return {
        "1d_same_stride": [a, tape.gradient(a, [x1, w1])],
        "1d_dilated": [b, tape.gradient(b, [x1, w1])],
        "2d_valid_stride": [c, tape.gradient(c, [x2, w2])],
        "2d_same_dilated": [d, tape.gradient(d, [x2, w2])],
    }


def case_convolution_errors(tf):
    x = tf.zeros([1, 5, 2])
    w = tf.zeros([3, 2, 4])
    return {
        "channel_mismatch": _raises(lambda: tf.nn.convolution(x, tf.zeros([3, 3, 4]))),
        "stride_and_dilation": _raises(
            lambda: tf.nn.convolution(x, w, strides=2, dilations=2)),
        "bad_padding": _raises(lambda: tf.nn.convolution(x, w, padding="FULL")),
        "filter_too_big": _raises(lambda: tf.nn.convolution(x, tf.zeros([7, 2, 4]))),
        "bad_data_format": _raises(lambda: tf.nn.convolution(x, w, data_format="XYZ")),
        "explicit_padding_list": _raises(
            lambda: tf.nn.convolution(x, w, padding=[[0, 0], [1, 1], [0, 0]])),
        "dtype_mismatch": _raises(
            lambda: tf.nn.convolution(x, tf.zeros([3, 2, 4], tf.float64))),
    }


@tolerance(**CONV_TOL)
def case_conv3d_transpose(tf):
    x = tf.constant(_real([1, 2, 2, 2, 2]), tf.float32)
    w = tf.constant(_real([2, 2, 2, 3, 2], 1.0), tf.float32)
    w3 = tf.constant(_real([3, 3, 3, 1, 2], 0.5), tf.float32)
    return {
        "stride2_same": tf.nn.conv3d_transpose(x, w, [1, 4, 4, 4, 3], strides=2),
        "stride1_valid": tf.nn.conv3d_transpose(x, w, [1, 3, 3, 3, 3], strides=1,
                                                padding="VALID"),
        "stride1_same_k3": tf.nn.conv3d_transpose(x, w3, [1, 2, 2, 2, 1], strides=[1, 1, 1],
                                                  padding="SAME"),
        "stride_5_list": tf.nn.conv3d_transpose(x, w, [1, 4, 2, 4, 3],
                                                strides=[1, 2, 1, 2, 1], padding="SAME"),
        "stride_3_list": tf.nn.conv3d_transpose(x, w, [1, 4, 2, 4, 3], strides=[2, 1, 2]),
        "dilated": tf.nn.conv3d_transpose(x, w, [1, 4, 4, 4, 3], strides=1, padding="VALID",
                                          dilations=2),
        "tensor_output_shape": tf.nn.conv3d_transpose(
            x, w, tf.constant([1, 4, 4, 4, 3]), strides=2),
    }


@tolerance(**CONV_TOL)
def case_conv3d_transpose_gradient(tf):
    x = tf.constant(_real([1, 2, 2, 1, 2]), tf.float32)
    w = tf.constant(_real([2, 2, 2, 2, 2], 1.0), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        a = _mix(tf, tf.nn.conv3d_transpose(x, w, [1, 4, 4, 2, 2], strides=2))
        b = _mix(tf, tf.nn.conv3d_transpose(x, w, [1, 3, 3, 2, 2], strides=1,
                                            padding="VALID"), 2.0)
    return {"same": [a, tape.gradient(a, [x, w])], "valid": [b, tape.gradient(b, [x, w])]}


def case_conv3d_transpose_errors(tf):
    x = tf.zeros([1, 2, 2, 2, 2])
    w = tf.zeros([2, 2, 2, 3, 2])
    # (An output_shape the convolution cannot map back, in_channels differing from the
    # filter's or a rank-4 input: TF's oneDNN kernel raises AbortedError there, its
    # plain kernel (TF_ENABLE_ONEDNN_OPTS=0) InvalidArgumentError; not recorded.)
    return {
        "output_channels_mismatch": _raises(
            lambda: tf.nn.conv3d_transpose(x, w, [1, 4, 4, 4, 2], strides=2)),
        "bad_padding": _raises(
            lambda: tf.nn.conv3d_transpose(x, w, [1, 4, 4, 4, 3], strides=2, padding="FULL")),
        "short_output_shape": _raises(
            lambda: tf.nn.conv3d_transpose(x, w, [1, 4, 4, 4], strides=2)),
    }


# ---------------------------------------------------------------------------
# tf.train.ExponentialMovingAverage


def case_exponential_moving_average(tf):
    v = tf.Variable([1.0, 2.0])
    w = tf.Variable(3.0, dtype=tf.float64)
    step = tf.Variable(0)
    plain = tf.train.ExponentialMovingAverage(0.9)
    capped = tf.train.ExponentialMovingAverage(0.99, num_updates=step, name="Capped")
    plain.apply([v])
    capped.apply([v, w])
    first = plain.average(v).read_value()
    for _ in range(3):
        v.assign_add([1.0, -1.0])
        w.assign(w * 2.0)
        step.assign_add(1)
        plain.apply([v])
        capped.apply([v, w])
    return {
        "first": first,
        "plain": plain.average(v).read_value(),
        "capped_v": capped.average(v).read_value(),
        "capped_w": capped.average(w).read_value(),
        "trainable": plain.average(v).trainable,
        "unknown": plain.average(w),
        "names": [plain.name, capped.name],
    }


def case_exponential_moving_average_errors(tf):
    ema = tf.train.ExponentialMovingAverage(0.9)
    return {
        "tensor": _raises(lambda: ema.apply([tf.constant(1.0)])),
        "int_variable": _raises(lambda: ema.apply([tf.Variable(1)])),
    }


# ---------------------------------------------------------------------------
# approx_max_k / approx_min_k / approx_top_k (exact answers; TF's eager CPU kernel
# covers only the largest entries of the last dimension)


def case_approx_max_k_last_dimension(tf):
    x = tf.constant([[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0],
                     [1.0, 1.0, 1.0, 2.0, 2.0, 0.0, 0.0, 5.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        values, indices = tf.math.approx_max_k(x, 3)
        loss = tf.reduce_sum(values * tf.constant([1.0, 2.0, 3.0]))
    return {
        "values": values, "indices": indices, "grad": tape.gradient(loss, x),
        "ties": list(tf.math.approx_max_k(x[1], 4)),
        "top_k": list(tf.approx_top_k(x, 2, recall_target=0.5, aggregate_to_topk=False)),
        "nan": list(tf.math.approx_max_k(tf.constant([1.0, float("nan"), 3.0]), 2)),
        "half": list(tf.math.approx_max_k(tf.constant([3.0, 1.0, 4.0], tf.float16), 2)),
        "k0": list(tf.math.approx_max_k(x, 0)),
        "fields": list(tf.math.approx_max_k(x, 1)._fields),
    }


def case_approx_top_k_errors(tf):
    x = tf.ones([2, 8])
    return {
        "k_too_big": _raises(lambda: tf.math.approx_max_k(x, 9)),
        "int": _raises(lambda: tf.math.approx_max_k(tf.constant([3, 1, 4]), 2)),
        "float64": _raises(lambda: tf.math.approx_max_k(tf.ones([3], tf.float64), 2)),
    }


def case_approx_top_k_beyond_the_cpu_kernel(tf):
    x = tf.constant([[3.0, 1.0, 4.0, 1.0], [5.0, 9.0, 2.0, 6.0]])
    return {
        "min_k": list(tf.math.approx_min_k(x, 2)),
        "dimension_0": list(tf.math.approx_max_k(x, 1, reduction_dimension=0)),
    }


# ---------------------------------------------------------------------------
# isotonic_regression


def case_isotonic_regression(tf):
    x = tf.constant([[1.0, 3.0, 2.0, 4.0], [5.0, 4.0, 6.0, 1.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        fit = tf.nn.isotonic_regression(x)
        rising = tf.nn.isotonic_regression(x, decreasing=False)
        loss = tf.reduce_sum(fit.output * tf.reshape(tf.range(1.0, 9.0), [2, 4]))
        rising_loss = tf.reduce_sum(rising[0] ** 2)
    return {
        "fit": list(fit), "type": type(fit).__name__, "rising_type": type(rising).__name__,
        "rising": list(rising), "axis0": list(tf.nn.isotonic_regression(x, axis=0)),
        "grad": tape.gradient(loss, x), "rising_grad": tape.gradient(rising_loss, x),
        "int": list(tf.nn.isotonic_regression(tf.constant([[1, 3, 2]]))),
        "vector": list(tf.nn.isotonic_regression([1.0, 3.0, 2.0])),
        "rank3": list(tf.nn.isotonic_regression(tf.reshape(tf.range(8.0), [2, 2, 2]))),
        "ties": list(tf.nn.isotonic_regression([[2.0, 2.0, 1.0, 3.0, 3.0]])),
        "empty": list(tf.nn.isotonic_regression(tf.zeros([2, 0]))),
        "scalar": list(tf.nn.isotonic_regression(tf.constant(1.0))),
        "half": list(tf.nn.isotonic_regression(tf.constant([1.0, 3.0, 2.0], tf.float16))),
        "nan": list(tf.nn.isotonic_regression([[1.0, float("nan"), 2.0]])),
        "float64": list(tf.nn.isotonic_regression(
            tf.constant([[0.1, 0.7, 0.3, 0.9, 0.2]], tf.float64), decreasing=False)),
    }


# ---------------------------------------------------------------------------
# tf.nn.pool (N-D, dilated windows)


def case_nn_pool(tf):
    x1 = tf.constant(np.sin(np.arange(16.0) * 1.3).reshape(2, 8, 1).astype(np.float32))
    x2 = tf.constant(np.round(np.cos(np.arange(50.0) * 0.9) * 4).reshape(1, 5, 5, 2)
                     .astype(np.float32))
    x3 = tf.reshape(tf.range(1.0, 28.0), [1, 3, 3, 3, 1])
    out = {}
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x1, x2, x3])
        cases = {
            "avg_dilated_1d": tf.nn.pool(x1, [3], "AVG", dilations=[2]),
            "max_dilated_1d": tf.nn.pool(x1, [2], "MAX", dilations=[3]),
            "max_dilated_2d": tf.nn.pool(x2, [2, 2], "MAX", dilations=[2, 1]),
            "avg_dilated_2d": tf.nn.pool(x2, [2, 3], "AVG", dilations=[2, 2]),
            "max_same_strided": tf.nn.pool(x2, [3, 3], "MAX", strides=[2, 2], padding="SAME"),
            "avg_same": tf.nn.pool(x2, [2, 2], "AVG", padding="SAME"),
            "avg_3d": tf.nn.pool(x3, [2, 2, 2], "AVG"),
        }
        losses = {k: tf.reduce_sum(v * v) for k, v in cases.items()}
    for key, value in cases.items():
        source = x1 if "1d" in key else (x3 if "3d" in key else x2)
        out[key] = {"value": value, "grad": tape.gradient(losses[key], source)}
    # (TF's CPU kernels have no gradient of channels-first max pooling: values only.)
    out["max_nchw"] = tf.nn.pool(tf.transpose(x2, [0, 3, 1, 2]), [2, 2], "MAX",
                                 data_format="NCHW", dilations=[2, 2])
    out["avg_ncw"] = tf.nn.pool(tf.transpose(x1, [0, 2, 1]), [3], "AVG", data_format="NCW",
                                strides=[2], padding="SAME")
    return out


def case_nn_pool_errors(tf):
    x = tf.ones([1, 8, 1])
    return {
        "same_dilated": _raises(lambda: tf.nn.pool(x, [2], "AVG", padding="SAME",
                                                   dilations=[2])),
        "strided_dilated": _raises(lambda: tf.nn.pool(x, [2], "MAX", strides=[2],
                                                      dilations=[2])),
        "min": _raises(lambda: tf.nn.pool(x, [2], "MIN")),
        "rank": _raises(lambda: tf.nn.pool(tf.ones([1, 4, 4, 1]), [2], "MAX")),
        "window_rank": _raises(lambda: tf.nn.pool(tf.ones([1, 2, 2, 2, 2, 1]), [1, 1, 1, 1],
                                                  "MAX")),
    }


# ---------------------------------------------------------------------------
# fractional_max_pool / fractional_avg_pool: divisible ratios have one pooling
# sequence (the values and gradients are then TF's); other ratios are random draws,
# checked by what holds for every draw.


def case_fractional_pool_divisible(tf):
    x = tf.constant(np.sin(np.arange(96.0) * 0.7).reshape(2, 4, 6, 2).astype(np.float32))
    out = {}
    for op in ("fractional_max_pool", "fractional_avg_pool"):
        for overlapping in (False, True):
            with tf.GradientTape() as tape:
                tape.watch(x)
                result = getattr(tf.nn, op)(x, [1.0, 2.0, 3.0, 1.0], overlapping=overlapping,
                                            seed=7)
                loss = tf.reduce_sum(result[0] * result[0])
            out[f"{op}_{overlapping}"] = {"result": list(result),
                                          "grad": tape.gradient(loss, x)}
    out["pseudo_random"] = list(tf.nn.fractional_max_pool(x, [1.0, 2.0, 2.0, 1.0],
                                                          pseudo_random=True, seed=3))
    out["scalar_ratio"] = list(tf.nn.fractional_max_pool(x, 2.0, seed=3))
    out["int"] = list(tf.nn.fractional_avg_pool(tf.cast(x * 10, tf.int32), [1.0, 2.0, 2.0, 1.0],
                                                seed=3))
    out["fields"] = list(tf.nn.fractional_max_pool(x, 2.0)._fields)
    return out


def case_fractional_pool_random_ratios(tf):
    x = tf.reshape(tf.range(1.0, 51.0), [1, 5, 10, 1])
    out = {}
    for pseudo in (False, True):
        for overlapping in (False, True):
            pooled, rows, cols = tf.nn.fractional_max_pool(
                x, [1.0, 1.5, 2.5, 1.0], pseudo_random=pseudo, overlapping=overlapping)
            last_row = tf.minimum(rows[1:] - (0 if overlapping else 1), 4)
            last_col = tf.minimum(cols[1:] - (0 if overlapping else 1), 9)
            # x increases along both axes: each cell's max is its last row and column.
            expected = tf.gather(tf.gather(x[0, :, :, 0], last_row), last_col, axis=1)
            steps_r, steps_c = rows[1:] - rows[:-1], cols[1:] - cols[:-1]
            out[f"{pseudo}_{overlapping}"] = {
                "shape": pooled.shape.as_list(),
                "ends": [int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])],
                "steps_ok": bool(tf.reduce_all((steps_r >= 1) & (steps_r <= 2))
                                 and tf.reduce_all((steps_c >= 2) & (steps_c <= 3))),
                "values_ok": bool(tf.reduce_all(pooled[0, :, :, 0] == expected)),
                "dtypes": [rows[:0], cols[:0], pooled[:0]],
            }
    return out


def case_fractional_pool_errors(tf):
    x = tf.ones([1, 5, 10, 1])
    return {
        "two_ratios": _raises(lambda: tf.nn.fractional_max_pool(x, [1.5, 2.0])),
        "batch_ratio": _raises(lambda: tf.nn.fractional_max_pool(x, [2.0, 1.5, 1.5, 1.0])),
        "below_one": _raises(lambda: tf.nn.fractional_max_pool(x, [1.0, 0.5, 1.5, 1.0])),
        "rank3": _raises(lambda: tf.nn.fractional_max_pool(tf.ones([4, 4, 1]), 1.5)),
        "avg_scalar": _raises(lambda: tf.nn.fractional_avg_pool(x, 1.5)),
        "avg_short": _raises(lambda: tf.nn.fractional_avg_pool(x, [1.5, 2.0])),
        "avg_batch": _raises(lambda: tf.nn.fractional_avg_pool(x, [2.0, 1.5, 1.5, 1.0])),
        "avg_below": _raises(lambda: tf.nn.fractional_avg_pool(x, [1.0, 0.5, 1.5, 1.0])),
    }


def _message(fn):
    """The full message of what `fn()` raises (class first; without the ` name: ` TF's
    eager op errors end with), else `"returned"`."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the answer
        return f"{type(e).__name__}: {e}".removesuffix(" name: ")
    return "returned"


def case_debug_assertion_messages(tf):
    """Failed value assertions print what TF's eager mode prints: the differing indices
    and values, the first `summarize` entries, TF's prefixes (and its quirks)."""
    d = tf.debugging
    m = tf.constant([[1, 2], [3, 4]])
    x = tf.constant([1.0, -1.0, 2.0, 3.0, 4.0])
    return {
        "equal": _message(lambda: d.assert_equal(m, tf.constant([[1, 0], [3, 0]]))),
        "equal_summarize": _message(lambda: d.assert_equal(tf.constant([1, 2]), 3, summarize=1)),
        "equal_bool": _message(lambda: d.assert_equal(tf.constant([True, False]), True)),
        "less_scalar": _message(lambda: d.assert_less(tf.constant(2.0), 1.0, message="m")),
        "less_dtype": _message(lambda: d.assert_less(tf.constant(1.5, tf.float64), 1)),
        "greater_all": _message(lambda: d.assert_greater(
            tf.constant([1.0, 2.0, 3.0, 4.0]), tf.constant([0.0, 5.0, 0.0, 6.0]),
            message="g", summarize=-1)),
        "none_equal": _message(lambda: d.assert_none_equal(
            tf.constant([1, 2]), tf.constant([[1, 2], [3, 2]]))),
        "positive": _message(lambda: d.assert_positive(x)),
        "negative": _message(lambda: d.assert_negative(x, message="neg")),
        "non_negative_all": _message(lambda: d.assert_non_negative(
            tf.constant([[-1]]), summarize=-1)),
        "non_positive": _message(lambda: d.assert_non_positive(tf.constant([1, 2]), message="m")),
        "near": _message(lambda: d.assert_near(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.5]))),
        "near_exact_zero_tol": _message(lambda: d.assert_near(
            tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0]), rtol=0.0, atol=0.0, message="z")),
        "Assert": _message(lambda: d.Assert(tf.constant(False), [
            "hi", tf.constant([1, 2, 3, 4, 5]), 3.5, tf.constant([[1.5, 2.0], [3.0, 4.0]])])),
        "Assert_summarize": _message(lambda: d.Assert(False, ["a", 0.1, [1, 2]], summarize=0)),
        "Assert_all": _message(lambda: d.Assert(False, [tf.range(5)], summarize=-1)),
    }


def case_dtype_messages(tf):
    """Errors that name a dtype print it as TF does (`<dtype: 'float32'>`, `tf.float32`,
    `float64`), not as torch does."""
    slices = tf.IndexedSlices(tf.ones([1, 2]), tf.constant([0]), tf.constant([3, 2]))
    return {
        "one_hot_pair": _message(lambda: tf.one_hot([0, 1], 3, on_value=1.0,
                                                    off_value=tf.constant(0))),
        "one_hot_dtype": _message(lambda: tf.one_hot([0, 1], 3, on_value=tf.constant(1.0),
                                                     dtype=tf.int32)),
        "assert_rank": _message(lambda: tf.debugging.assert_rank(tf.ones([2]),
                                                                 tf.constant(1.0))),
        "indexed_slices": _message(lambda: tf.convert_to_tensor(slices, dtype=tf.float64)),
        "dropout": _message(lambda: tf.nn.dropout(tf.ones([2], tf.int32), 0.5)),
        # TF's attr errors go on with the op's definition; the first line is the message.
        "attr": _message(lambda: tf.debugging.check_numerics(
            tf.ones([2], tf.int64), "x")).split("\n")[0].split(" [Op:")[0],
    }
