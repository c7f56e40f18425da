"""Drop-in namespace cases: every op of SPEC section 1 against TensorFlow 2.21.

Values, dtypes, shapes and exception classes of the ops (`constant` ... `where`,
`math.`, `nn.`, `random.`, `config.`), TF's dtype rules for Python values and mixed
operands, the operators, `str()`/`repr()` text (returned as strings, compared
exactly), and the gradients where torch's conventions differ from TF's (ties of
`maximum`/`reduce_max`, kinks of `abs`/`relu`/`sqrt`, `pow` at 0, `where` with NaN in
the branch it does not pick). Answers live in `golden/cases_namespace.json`.

Naming: `case_make_*` constructors, `case_shape_*` shape ops, `case_cast_*`,
`case_reduce_*`, `case_math_*` elementwise ops, `case_op_*` Python operators,
`case_grad_*` gradients, `case_print_*` text, `case_ns_*` the namespace itself.
"""

from __future__ import annotations

import numpy as np


def _grads(tf, f, *values, dtype=None):
    """Gradients of `f(*xs)` with respect to each watched constant made from `values`."""
    xs = [tf.constant(v, dtype=dtype) for v in values]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = f(*xs)
    return {"y": y, "grads": tape.gradient(y, xs)}


def _second(tf, f, value):
    """First and second derivative of `f` at `value`, by nested tapes."""
    x = tf.constant(value)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        dy = inner.gradient(y, x)
    return {"dy": dy, "d2y": outer.gradient(dy, x)}


# ---------------------------------------------------------------------------
# Making tensors: constant, convert_to_tensor and TF's dtype rules


def case_make_python_float_is_float32(tf):
    return tf.constant(3.0)


def case_make_python_int_is_int32(tf):
    return tf.constant(3)


def case_make_python_bool(tf):
    return tf.constant([True, False])


def case_make_nested_mixed_list_is_float32(tf):
    return tf.constant([[1, 2.5], [3, 4]])


def case_make_big_int_is_int64(tf):
    return tf.constant([1, 2**33])


def case_make_int_out_of_int64_range(tf):
    return tf.constant(2**63)


def case_make_float_out_of_float32_range(tf):
    return tf.constant(1e300)


def case_make_numpy_keeps_dtype(tf):
    return [
        tf.constant(np.array([1.5, 2.5])),
        tf.constant(np.array([1, 2], dtype=np.int64)),
        tf.constant(np.float32(2.0)),
        tf.constant(np.float64(2.0)),
        tf.constant(np.bool_(True)),
        tf.constant(np.array(2)),
    ]


def case_make_list_of_numpy_scalars(tf):
    return [tf.constant([np.float64(2.0)]), tf.constant([np.float32(2.0), 1.0])]


def case_make_empty(tf):
    return [tf.constant([]), tf.constant([[]])]


def case_make_with_dtype(tf):
    return [
        tf.constant([1, 2], dtype=tf.float32),
        tf.constant(3, dtype=tf.float16),
        tf.constant(True, dtype=tf.int32),
        tf.constant(0.1, dtype=tf.float64),
        tf.constant([[1, 2], [3, 4]], dtype=tf.int64),
        tf.constant(np.array([1.5, -2.5]), dtype=tf.int32),
        tf.constant(np.array([1, 2], np.int32), dtype=tf.float32),
    ]


def case_make_float_into_int_dtype(tf):
    return tf.constant(1.5, dtype=tf.int32)


def case_make_float_into_bool_dtype(tf):
    return tf.constant(1.0, dtype=tf.bool)


def case_make_ints_into_bool_dtype(tf):
    return tf.constant([1, 2], dtype=tf.bool)


def case_make_ragged_list(tf):
    return tf.constant([[1.0], [2.0, 3.0]])


def case_make_none(tf):
    return tf.constant(None)


def case_make_shape_broadcasts_a_scalar(tf):
    return [tf.constant(3.0, shape=(2, 2)), tf.constant(7, shape=[3]), tf.constant(1.0, shape=[])]


def case_make_shape_reshapes(tf):
    return [tf.constant([1.0, 2.0, 3.0, 4.0], shape=(2, 2)), tf.constant([1.0], shape=[])]


def case_make_shape_mismatch(tf):
    return tf.constant([1.0, 2.0], shape=(2, 2))


def case_make_constant_of_tensor_same_dtype_is_same_object(tf):
    a = tf.constant(1.0)
    return [
        tf.constant(a) is a,
        tf.convert_to_tensor(a) is a,
        tf.convert_to_tensor(a, tf.float32) is a,
    ]


def case_make_constant_of_tensor_other_dtype(tf):
    return tf.constant(tf.constant(1.0), dtype=tf.float64)


def case_make_convert_tensor_other_dtype(tf):
    return tf.convert_to_tensor(tf.constant(1.0), dtype=tf.float64)


def case_make_convert_values(tf):
    return [
        tf.convert_to_tensor(2.0),
        tf.convert_to_tensor((1, 2)),
        tf.convert_to_tensor(np.array([1.5], np.float32), dtype=tf.float64),
        tf.convert_to_tensor(np.array(1.5), dtype=tf.float32),
        tf.convert_to_tensor([[1, 2], [3, 4]]),
    ]


def case_make_convert_float_into_int(tf):
    return tf.convert_to_tensor(1.5, dtype=tf.int32)


def case_make_convert_dtype_hint(tf):
    a = tf.constant(1.0)
    return [
        tf.convert_to_tensor(3.0, dtype_hint=tf.float64),
        tf.convert_to_tensor(3, dtype_hint=tf.float64),
        tf.convert_to_tensor(a, dtype_hint=tf.float64),
        tf.convert_to_tensor(3.5, dtype_hint=tf.int32),
    ]


def case_make_convert_list_of_tensors(tf):
    a = tf.constant(1.0)
    b = tf.constant([1.0, 2.0])
    return [tf.convert_to_tensor([a, a]), tf.convert_to_tensor([a, 2.0]),
            tf.convert_to_tensor([b, b * 2.0]), tf.stack([a, 2.0])]


def case_make_constant_of_list_of_tensors(tf):
    a = tf.constant(1.0)
    return tf.constant([a, a])


def case_make_convert_list_tensor_int_and_float(tf):
    return tf.convert_to_tensor([tf.constant(1), 2.0])


def case_make_convert_variable(tf):
    v = tf.Variable([1.0, 2.0])
    t = tf.convert_to_tensor(v)
    v.assign([5.0, 6.0])
    return t


def case_make_ones_zeros(tf):
    return [
        tf.ones((2, 3)),
        tf.zeros([2]),
        tf.ones(3),
        tf.zeros(()),
        tf.ones([2, 3], tf.int32),
        tf.zeros([2], dtype=tf.bool),
        tf.ones([2], dtype="float64"),
        tf.ones([2], dtype=np.float64),
        tf.zeros(tf.constant([2, 2])),
        tf.ones((2, 0)),
    ]


def case_make_zeros_negative_dim(tf):
    return tf.zeros(-1)


def case_make_ones_zeros_like(tf):
    return [
        tf.ones_like(tf.constant([[1.0, 2.0]])),
        tf.zeros_like(tf.constant(1)),
        tf.ones_like(tf.ones((2, 3)), dtype=tf.int64),
        tf.zeros_like(3.0),
        tf.zeros_like([1, 2]),
        tf.ones_like([True]),
    ]


def case_make_fill(tf):
    return [
        tf.fill((2, 2), 3),
        tf.fill([2, 2], 3.0),
        tf.fill([2], True),
        tf.fill([], 1.0),
        tf.fill(tf.constant([2, 1]), 1.0),
        tf.fill([2], tf.constant(2.5)),
    ]


def case_make_range(tf):
    return [
        tf.range(5),
        tf.range(1, 5, 2),
        tf.range(5.0),
        tf.range(0, 1, 0.25),
        tf.range(5, dtype=tf.float32),
        tf.range(5, 0, -2),
        tf.range(0, 1.5, 0.5, dtype=tf.float64),
        tf.range(3, dtype=tf.int64),
        tf.range(tf.constant(3)),
        tf.range(2, 5.0),
        tf.range(0, 1, 0.1),
        tf.range(3, 3),
        tf.range(tf.constant(4, tf.int64)),
    ]


def case_make_range_zero_delta(tf):
    return tf.range(0, 5, 0)


def case_make_range_wrong_direction(tf):
    return tf.range(0, 5, -1)


def case_make_linspace(tf):
    return [
        tf.linspace(0.0, 1.0, 5),
        tf.linspace(0, 1, 5),
        tf.linspace(0.0, 1.0, 1),
        tf.linspace(0.0, 1.0, 0),
        tf.linspace(-1.0, 1.0, 4),
        tf.linspace(tf.constant([0.0, 1.0]), tf.constant([1.0, 2.0]), 3),
        tf.linspace(tf.constant([0.0, 1.0]), tf.constant([1.0, 2.0]), 3, axis=1),
        tf.linspace(tf.constant(0.0, tf.float64), 1.0, 3),
    ]


def case_make_eye(tf):
    return [
        tf.eye(2),
        tf.eye(2, 3, dtype=tf.int32),
        tf.eye(2, batch_shape=[3]),
        tf.eye(0),
        tf.eye(3, num_columns=2, dtype=tf.float64),
    ]


def case_make_is_tensor(tf):
    return [tf.is_tensor(tf.constant(1.0)), tf.is_tensor(1.0), tf.is_tensor(np.ones(2))]


def case_make_tensor_isinstance(tf):
    return [isinstance(tf.constant(1.0), tf.Tensor), isinstance(tf.ones((2,)) * 2, tf.Tensor)]


# ---------------------------------------------------------------------------
# Shape ops


def case_shape_reshape(tf):
    x = tf.range(6)
    return [
        tf.reshape(x, [-1, 2]),
        tf.reshape(x, tf.constant([3, 2])),
        tf.reshape([1, 2], (2, 1)),
        tf.reshape(tf.constant(5.0), [1, 1]),
        tf.reshape(tf.ones((2, 3)), [6]),
        tf.reshape(tf.ones((1, 1)), []),
    ]


def case_shape_reshape_size_mismatch(tf):
    return tf.reshape(tf.ones((2, 3)), (4,))


def case_shape_reshape_two_unknowns(tf):
    return tf.reshape(tf.range(6), [-1, -1])


def case_shape_transpose(tf):
    x = tf.reshape(tf.range(24), (2, 3, 4))
    return [
        tf.transpose(tf.reshape(tf.range(6), (2, 3))),
        tf.transpose(x).shape,
        tf.transpose(x, perm=[1, 0, 2]),
        tf.transpose([[1, 2]]),
        tf.transpose(tf.constant(1.0)),
    ]


def case_shape_transpose_bad_perm(tf):
    return tf.transpose(tf.ones((2, 3)), perm=[0])


def case_shape_concat(tf):
    a = tf.ones((2, 3))
    return [
        tf.concat([a, tf.zeros((1, 3))], 0),
        tf.concat([a, a], -1),
        tf.concat([a, a], axis=1),
        tf.concat([[1.0], [2.0]], 0),
        tf.concat(a, 0),
        tf.concat([tf.constant([1, 2]), [3]], 0),
        tf.concat([a, a], tf.constant(0)),
    ]


def case_shape_concat_scalars(tf):
    a = tf.constant(1.0)
    return tf.concat([a, a], 0)


def case_shape_concat_dtypes(tf):
    return tf.concat([tf.ones(2), tf.ones(2, tf.float64)], 0)


def case_shape_concat_shapes(tf):
    return tf.concat([tf.ones((2, 3)), tf.ones((3, 2))], 0)


def case_shape_stack(tf):
    a = tf.constant(1.0)
    return [
        tf.stack([a, a]),
        tf.stack([tf.ones(2), tf.zeros(2)], axis=1),
        tf.stack([tf.ones(2), tf.zeros(2)], axis=-1),
        tf.stack([1, 2.0]),
        tf.stack([[1, 2], [3, 4]], axis=1),
        tf.stack([]),
        tf.stack([tf.constant([1, 2]), [3, 4]]),
    ]


def case_shape_stack_shapes(tf):
    return tf.stack([tf.ones(2), tf.ones(3)])


def case_shape_stack_dtypes(tf):
    return tf.stack([tf.constant(1.0), tf.constant(1.0, tf.float64)])


def case_shape_squeeze(tf):
    x = tf.ones((1, 2, 1))
    return [
        tf.squeeze(x).shape,
        tf.squeeze(x, axis=[0]).shape,
        tf.squeeze(x, [0, 2]).shape,
        tf.squeeze(x, -1).shape,
        tf.squeeze(tf.ones((1, 1))),
    ]


def case_shape_squeeze_not_one(tf):
    return tf.squeeze(tf.ones((1, 2, 1)), axis=1)


def case_shape_expand_dims(tf):
    a = tf.constant(1.0)
    return [
        tf.expand_dims(a, 0).shape,
        tf.expand_dims(a, -1).shape,
        tf.expand_dims(tf.ones((2,)), -1).shape,
        tf.expand_dims(tf.ones((2, 3)), 1).shape,
        tf.expand_dims([1, 2], 0),
    ]


def case_shape_expand_dims_out_of_range(tf):
    return tf.expand_dims(tf.constant(1.0), 2)


def case_shape_expand_dims_too_negative(tf):
    return tf.expand_dims(tf.ones(2), axis=-3)


def case_shape_shape_rank_size(tf):
    x = tf.ones((2, 3))
    return [tf.shape(x), tf.rank(x), tf.size(x), tf.shape(tf.constant(1.0)), tf.size([1, 2, 3])]


def case_shape_tensor_shape_api(tf):
    s = tf.ones((2, 3)).shape
    return {
        "shape": s,
        "as_list": s.as_list(),
        "rank": s.rank,
        "ndims": s.ndims,
        "num_elements": s.num_elements(),
        "eq_tuple": s == (2, 3),
        "eq_list": s == [2, 3],
        "ne": s != (3, 2),
        "len": len(s),
        "first": s[0],
        "slice": s[1:],
        "concatenate": s.concatenate([4]),
        "fully_defined": s.is_fully_defined(),
        "compatible": s.is_compatible_with([2, 3]),
        "str": str(s),
        "repr": repr(s),
        "str_scalar": str(tf.constant(1.0).shape),
        "str_vector": str(tf.ones(3).shape),
        "repr_scalar": repr(tf.constant(1.0).shape),
        "get_shape": tf.ones((2,)).get_shape(),
        "ndim": tf.ones((2, 3)).ndim,
    }


def case_shape_tensor_shape_class(tf):
    s = tf.TensorShape([2, 3])
    return [s, str(s), repr(s), s.as_list(), str(tf.TensorShape([])), repr(tf.TensorShape([4]))]


# ---------------------------------------------------------------------------
# Casts, identity, stop_gradient


def case_cast_values(tf):
    return [
        tf.cast(tf.constant([1.7, -1.7, 2.5, -0.5]), tf.int32),
        tf.cast(tf.constant([1.7, 0.0]), tf.bool),
        tf.cast(tf.constant([1, 0, -3]), tf.bool),
        tf.cast(tf.constant([True, False]), tf.float32),
        tf.cast([1, 2], tf.float32),
        tf.cast(1.7, tf.int32),
        tf.cast(tf.constant(1.0), tf.float64),
        tf.cast(tf.constant(1.5, tf.float64), tf.float16),
        tf.cast(tf.constant(3), tf.int64),
        tf.cast(tf.constant(1.0), "float64"),
    ]


def case_cast_same_dtype_is_same_object(tf):
    a = tf.constant([1.0])
    return tf.cast(a, tf.float32) is a


def case_cast_identity_stop_gradient_values(tf):
    a = tf.constant([1.0, 2.0])
    return [tf.identity(a), tf.identity([1, 2]), tf.identity(1.0), tf.stop_gradient(a),
            tf.stop_gradient([1, 2])]


def case_cast_identity_of_variable_is_a_snapshot(tf):
    v = tf.Variable([1.0, 2.0])
    snap = tf.identity(v)
    v.assign_add([1.0, 1.0])
    return [snap, v]


# ---------------------------------------------------------------------------
# Reductions


def case_reduce_sum(tf):
    x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return [
        tf.reduce_sum(x),
        tf.reduce_sum(x, 0),
        tf.reduce_sum(x, axis=1),
        tf.reduce_sum(x, -1),
        tf.reduce_sum(x, [0, 1]),
        tf.reduce_sum(x, axis=[0, 1], keepdims=True),
        tf.reduce_sum(x, 1, True),
        tf.reduce_sum(x, axis=tf.constant(1)),
        tf.reduce_sum(x, axis=[]),
        tf.reduce_sum(tf.constant([1, 2])),
        tf.reduce_sum([1, 2]),
        tf.reduce_sum(1.0),
        tf.reduce_sum(tf.zeros((0,))),
        tf.reduce_sum(tf.constant(5.0), axis=[]),
    ]


def case_reduce_scalar_axis_zero(tf):
    return tf.reduce_sum(tf.constant(5.0), axis=0)


def case_reduce_mean(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 5.0]])
    return [
        tf.reduce_mean(x),
        tf.reduce_mean(x, 0),
        tf.reduce_mean(x, axis=1, keepdims=True),
        tf.reduce_mean(tf.constant([1, 2])),
        tf.reduce_mean(tf.constant([-1, -2])),
        tf.reduce_mean(tf.constant([[1, 2], [4, 8]]), axis=1),
        tf.reduce_mean(tf.constant([1.0, 2.0]), axis=()),
        tf.reduce_mean(tf.constant([1.0, 2.0], tf.float64)),
    ]


def case_reduce_max_min(tf):
    x = tf.constant([[1, 5], [3, 2]])
    y = tf.constant([[1.0, -5.0], [3.0, 2.0]])
    return [
        tf.reduce_max(x),
        tf.reduce_max(x, 1),
        tf.reduce_min(x, 0),
        tf.reduce_max(y, axis=0, keepdims=True),
        tf.reduce_min(y),
        tf.reduce_min(y, axis=[0, 1]),
        tf.reduce_max(tf.zeros((0,))),
        tf.reduce_min(tf.zeros((0,))),
        tf.reduce_max(tf.zeros((0,), tf.int32)),
        tf.reduce_max(tf.zeros((2, 0)), axis=1),
    ]


def case_reduce_prod(tf):
    x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return [
        tf.reduce_prod(x),
        tf.reduce_prod(x, 0),
        tf.reduce_prod(x, axis=1, keepdims=True),
        tf.reduce_prod(x, [0, 1]),
        tf.reduce_prod(tf.constant([2, 3])),
        tf.reduce_prod(tf.zeros((0,))),
        tf.reduce_prod(tf.ones((2, 3, 4)), axis=[0, 2]),
    ]


def case_reduce_sum_bool(tf):
    return tf.reduce_sum(tf.constant([True, True]))


def case_reduce_max_bool(tf):
    return tf.reduce_max(tf.constant([True, False]))


def case_reduce_axis_out_of_range(tf):
    return tf.reduce_sum(tf.ones((2, 3)), axis=2)


def case_reduce_axis_duplicate(tf):
    return tf.reduce_sum(tf.ones((2, 3)), axis=[0, 0])


def case_reduce_axis_of_scalar(tf):
    return tf.reduce_sum(tf.constant(1.0), axis=1)


# ---------------------------------------------------------------------------
# Elementwise math and TF's dtype rules for mixed operands


def case_math_binary_functions(tf):
    a = tf.constant([1.0, 2.0, 3.0])
    b = tf.constant([2.0, 2.0, 2.0])
    return [
        tf.add(a, b),
        tf.subtract(a, b),
        tf.multiply(a, b),
        tf.divide(a, b),
        tf.pow(a, b),
        tf.maximum(a, b),
        tf.minimum(a, b),
        tf.math.add(a, 1.0),
        tf.math.subtract(1.0, a),
        tf.math.multiply(2, a),
        tf.math.divide(a, 2),
        tf.math.pow(2.0, a),
        tf.math.maximum(a, 2.0),
        tf.math.minimum(2.0, a),
    ]


def case_math_python_operands(tf):
    b = tf.constant(1.0, tf.float64)
    i = tf.constant(1)
    return [
        tf.add(1, 2),
        tf.add(1.0, 2),
        tf.add(b, 1.0),
        tf.add(b, 1),
        tf.add(i, True),
        tf.multiply(1.0, b),
        tf.multiply(b, 1.0),
        tf.subtract(1.0, b),
        tf.divide(1.0, b),
        tf.pow(2.0, b),
        tf.pow(b, 2),
        tf.maximum(1.0, b),
        tf.maximum(i, 2),
        tf.maximum([1, 5], [3, 2]),
        tf.add([1, 2], 3),
        tf.add(tf.constant(1.0), np.array([1.0])),
    ]


def case_math_add_float_into_int(tf):
    return tf.add(tf.constant(1), 1.0)


def case_math_add_python_int_then_float(tf):
    return tf.add(1, 2.0)


def case_math_add_python_float_then_double_tensor(tf):
    return tf.add(1.0, tf.constant(1.0, tf.float64))


def case_math_add_numpy_double_then_float_tensor(tf):
    return tf.add(np.float64(1.0), tf.constant(1.0))


def case_math_multiply_float_into_int(tf):
    return tf.multiply(tf.constant(1), 1.5)


def case_math_multiply_float_double(tf):
    return tf.multiply(tf.constant(1.0), tf.constant(1.0, tf.float64))


def case_math_pow_float_exponent_int_base(tf):
    return tf.pow(tf.constant(2), 2.0)


def case_math_pow_int_negative_exponent(tf):
    return tf.pow(2, -1)


def case_math_maximum_python_int_then_float(tf):
    return tf.maximum(1, 2.5)


def case_math_maximum_float_double(tf):
    return tf.maximum(tf.constant(1.0), tf.constant(1.0, tf.float64))


def case_math_divide_dtypes(tf):
    return [
        tf.divide(1, 2),
        tf.divide(tf.constant(7), tf.constant(2)),
        tf.divide(tf.constant(7, tf.int64), 2),
        tf.divide(tf.constant(7, tf.float16), 2),
        tf.divide(1.0, 0.0),
        tf.divide(1, 0),
        tf.divide(tf.constant([7, -7], tf.int16), 2),
    ]


def case_math_broadcasting(tf):
    return [
        tf.add(tf.ones((2, 1)), tf.ones((1, 3))),
        tf.maximum(tf.ones((2, 1)), tf.zeros((1, 3))),
        tf.multiply(tf.ones((3,)), tf.constant(2.0)),
    ]


def case_math_broadcast_mismatch(tf):
    return tf.add(tf.ones((2, 3)), tf.ones((3, 2)))


def case_math_unary(tf):
    x = tf.constant([0.5, 1.0, 2.0])
    return [
        tf.square(x),
        tf.sqrt(x),
        tf.exp(x),
        tf.sin(x),
        tf.cos(x),
        tf.tanh(x),
        tf.abs(-x),
        tf.sigmoid(x),
        tf.math.log(x),
        tf.math.square(2),
        tf.math.abs(-2),
        tf.math.sqrt(4.0),
        tf.math.exp(1.0),
        tf.math.sin(1.0),
        tf.math.cos(1.0),
        tf.math.tanh(1.0),
        tf.math.sigmoid(0.0),
        tf.math.softplus(1.0),
        tf.square(tf.constant(3, tf.int64)),
        tf.abs(tf.constant([-1.5, 0.0, 2.0], tf.float64)),
    ]


def case_math_special_values(tf):
    return [
        tf.math.log(0.0),
        tf.sqrt(-1.0),
        tf.pow(0.0, 0.0),
        tf.pow(-8.0, 1.0 / 3),
        tf.exp(100.0),
        tf.sigmoid(tf.constant([-100.0, 100.0])),
        tf.abs(-0.0),
    ]


def case_math_sqrt_of_int(tf):
    return tf.sqrt(4)


def case_math_exp_of_int(tf):
    return tf.exp(tf.constant(1))


def case_math_log_of_int(tf):
    return tf.math.log(tf.constant(1))


def case_math_sigmoid_of_int(tf):
    return tf.sigmoid(1)


def case_math_tanh_of_int(tf):
    return tf.tanh(tf.constant(1))


def case_math_sin_of_int(tf):
    return tf.sin(1)


def case_math_square_of_bool(tf):
    return tf.square(tf.constant(True))


def case_math_matmul(tf):
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    return [
        tf.matmul(a, a),
        tf.matmul([[1.0, 2.0]], [[3.0], [4.0]]),
        tf.matmul(a, a, transpose_a=True),
        tf.matmul(a, a, transpose_b=True),
        tf.matmul(a, a, adjoint_a=True, transpose_b=True),
        tf.matmul(tf.ones((3, 2, 2)), tf.ones((2, 2))).shape,
        tf.matmul(tf.ones((1, 2, 3)), tf.ones((4, 3, 2))).shape,
        tf.matmul(tf.ones((2, 2), tf.int32), tf.ones((2, 2), tf.int32)),
        tf.matmul(tf.ones((2, 3), tf.float64), tf.ones((3, 1), tf.float64)),
        tf.ones((2, 3)) @ tf.ones((3, 1)),
    ]


def case_math_matmul_vector(tf):
    return tf.matmul(tf.ones((2,)), tf.ones((2, 2)))


def case_math_matmul_inner_mismatch(tf):
    return tf.matmul(tf.ones((2, 3)), tf.ones((2, 3)))


def case_math_matmul_dtypes(tf):
    return tf.matmul(tf.ones((1, 1)), tf.ones((1, 1), tf.float64))


def case_math_matmul_bool(tf):
    return tf.matmul(tf.ones((2, 2), tf.bool), tf.ones((2, 2), tf.bool))


def case_math_matmul_operator_vector(tf):
    return tf.ones((2,)) @ tf.ones((2, 2))


def case_math_where(tf):
    c = tf.constant([True, False, True])
    return [
        tf.where(c, tf.constant([1.0, 2.0, 3.0]), tf.constant([4.0, 5.0, 6.0])),
        tf.where(c, 1.0, 0.0),
        tf.where([True, False], [1.0, 2.0], [3.0, 4.0]),
        tf.where(tf.constant(True), 1.0, tf.constant(2.0, tf.float64)),
        tf.where(tf.constant(True), tf.constant(2.0, tf.float64), 1),
        tf.where(tf.constant(True), 1, 2),
        tf.where(True, tf.constant(1.0), tf.constant(2.0)),
        tf.where(tf.constant([[True], [False]]), tf.ones((2, 3)), tf.zeros((1, 3))),
        tf.where(c),
        tf.where(tf.constant([[True, False], [False, True]])),
    ]


def case_math_where_condition_not_bool(tf):
    a = tf.constant(1.0)
    return tf.where(tf.constant(1), a, a)


def case_math_where_condition_int_list(tf):
    return tf.where([1, 0], 1.0, 2.0)


def case_math_where_branch_dtypes(tf):
    return tf.where(tf.constant([True, False]), tf.constant(1.0), tf.constant(1.0, tf.float64))


def case_math_where_python_int_then_float(tf):
    return tf.where(tf.constant([True, False]), 1, 2.5)


def case_math_where_one_branch(tf):
    return tf.where(tf.constant([True]), tf.constant([1.0]))


def case_math_nn(tf):
    x = tf.constant([[-1.0, 0.0, 2.0], [3.0, -4.0, 0.5]])
    return [
        tf.nn.relu(x),
        tf.nn.relu(tf.constant([-3, 0, 3])),
        tf.nn.sigmoid(x),
        tf.nn.tanh(x),
        tf.nn.softplus(x),
        tf.nn.softmax(x),
        tf.nn.softmax(x, axis=0),
        tf.nn.softmax(x, axis=-1),
        tf.nn.softmax([1.0, 2.0]),
        tf.nn.softplus(tf.constant([30.0, 15.0, -30.0, -100.0, 0.0])),
        tf.nn.relu(-1.0),
    ]


def case_math_softmax_of_int(tf):
    return tf.nn.softmax(tf.constant([1, 2]))


def case_math_softplus_of_int(tf):
    return tf.nn.softplus(1)


def case_math_softmax_of_scalar(tf):
    return tf.nn.softmax(tf.constant(1.0))


def case_math_softmax_axis_out_of_range(tf):
    return tf.nn.softmax(tf.ones((2, 2)), axis=2)


# ---------------------------------------------------------------------------
# Python operators on tensors


def case_op_arithmetic(tf):
    a = tf.constant([1.0, -2.0, 3.5])
    b = tf.constant([2.0, 2.0, -2.0])
    return [a + b, a - b, a * b, a / b, a // b, a % b, a**2, 2.0**a, -a, abs(a), a**b,
            1 - a, 2 / a, 7 // b, 7 % b, 1.5 * a, a + 1]


def case_op_int_arithmetic(tf):
    i = tf.constant([7, -7, 2])
    return [i + 1, i - 1, i * 2, i // 2, i % 3, i / 2, i / i, -i, i**2, 2 * i, 10 - i, abs(i)]


def case_op_float16(tf):
    h = tf.constant([1.0, 2.5], tf.float16)
    return [h + 1.5, h * 2, h / 2, h**2]


def case_op_comparisons(tf):
    a = tf.constant([1.0, 2.0, 3.0])
    b = tf.constant([3.0, 2.0, 1.0])
    i = tf.constant([1, 2])
    return [a < b, a <= b, a > b, a >= b, a == b, a != b, a < 2, 2 < a, i == 1, i != 2,
            a == None, a != None]


def case_op_comparisons_with_lists(tf):
    a = tf.constant([1.0, 2.0, 3.0])
    i = tf.constant([1, 2])
    v = tf.Variable([1.0, 5.0, 2.0])
    limits = [2.0, 2.0, 2.0]
    return [a < limits, a <= limits, a > limits, a >= limits, a == [1.0, 0.0, 3.0],
            a != [1.0, 0.0, 3.0], a < (1.5, 2.5, 2.5), limits < a, (2.0, 2.0, 2.0) >= a,
            i < [2, 2], i != [1, 1], v > limits, a == [1.0, 2.0], a != [1.0, 2.0],
            a < np.array([2.0, 2.0, 2.0], np.float32)]


def case_op_equal_incompatible_shapes(tf):
    return [tf.ones((2,)) == tf.ones((3,)), tf.ones((2,)) != tf.ones((3,))]


def case_op_add_double(tf):
    return tf.constant(1.0) + tf.constant(1.0, tf.float64)


def case_op_mul_int_by_float_tensor(tf):
    return tf.constant(1.0) * tf.constant(1)


def case_op_add_float_to_int(tf):
    return tf.constant(1) + 1.5


def case_op_sub_float_from_int(tf):
    return tf.constant(1) - 1.5


def case_op_mul_int_by_float(tf):
    return tf.constant(1) * 1.5


def case_op_rsub_float_from_int(tf):
    return 1.5 - tf.constant(1)


def case_op_radd_float_to_int(tf):
    return 1.5 + tf.constant(1)


def case_op_rmul_float_by_int(tf):
    return 1.5 * tf.constant(1)


def case_op_int_pow_negative(tf):
    return tf.constant(2) ** -1


def case_op_int_floordiv_zero(tf):
    return tf.constant(1) // 0


def case_op_int_mod_zero(tf):
    return tf.constant(7) % tf.constant(0)


def case_op_less_int_float(tf):
    return tf.constant(1) < 1.5


def case_op_less_float_double(tf):
    return tf.constant(1.0) < tf.constant(1.0, tf.float64)


def case_op_equal_float_double(tf):
    return tf.constant(1.0) == tf.constant(1.0, tf.float64)


def case_op_half_times_float(tf):
    return tf.constant(1.0, tf.float16) * tf.constant(1.0)


def case_op_python_scalars_keep_tensor_dtype(tf):
    b = tf.constant(1.0, tf.float64)
    h = tf.constant(1.0, tf.float16)
    i = tf.constant(1)
    return [
        b * 1.0, 1.0 * b, b + 1, h + 1.5, i + True, tf.constant(1.0) + True, 2**tf.constant(1.0)
    ]


def case_op_numpy_operands(tf):
    a = tf.constant(1.0)
    return [a + np.float64(1.0), a + np.array([1.0]), a + np.array(1), np.ones(2) + a,
            np.float32(2.0) * a, np.array([3.0]) - a]


def case_op_list_operands(tf):
    a = tf.constant([1.0, 2.0])
    return [a + [1, 2], [1.0, 2.0] + a, a - (1.0, 1.0), (1.0, 1.0) - a, a * [3.0, 4.0],
            a / [2.0, 2.0], [2.0, 2.0] / a, a ** [2.0, 2.0], [2.0, 3.0] ** a,
            tf.ones((1, 2)) @ [[1.0], [2.0]]]


def case_op_list_operand_float_into_int(tf):
    return tf.constant([1, 2]) * [1.5, 2.0]


def case_op_list_times_tensor(tf):
    return [2.0, 2.0] * tf.constant([1.0, 2.0])


def case_op_numpy_functions_see_values(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    return [np.mean(x, axis=0), np.sum(x), np.concatenate([x, x]), np.sin(x), np.maximum(x, 2.0)]


def case_op_augmented_assignment_makes_a_new_tensor(tf):
    x = tf.constant([1.0, 2.0])
    y = x
    y += 1.0
    y *= 2.0
    z = tf.constant(3)
    z -= 1
    return [x, y, z]


def case_op_indexing_and_iteration(tf):
    x = tf.reshape(tf.range(6.0), (2, 3))
    rows = [row for row in x]
    return [x[0], x[1][2], x[:, 1], x[-1, ::2], rows, len(x), x[0, 0].numpy(), float(x[1, 1]),
            int(tf.constant(3)), bool(tf.constant(0.0))]


def case_op_format(tf):
    return [f"{tf.constant(3.5):.2f}", f"{tf.constant([1.0, 2.0])}", format(tf.constant(3.0)),
            f"{tf.constant(7):d}"]


def case_op_numpy_values(tf):
    x = tf.constant([[1.0, 2.0]])
    return [tf.constant(3.0).numpy(), x.numpy(), tf.constant(True).numpy(), tf.constant(2).numpy(),
            np.asarray(x), np.array(tf.constant(1.5, tf.float64))]


def case_op_dtype_attribute(tf):
    return [tf.constant(1.0).dtype, tf.constant(1).dtype, tf.constant(1.0).dtype == tf.float32,
            tf.ones((2,), tf.float64).dtype == tf.float64, tf.constant(True).dtype == tf.bool,
            tf.constant(1, tf.int64).dtype == tf.int64, tf.constant(1.0, tf.float16).dtype]


# ---------------------------------------------------------------------------
# Gradients, where torch's conventions differ from TF's


def case_grad_maximum_minimum_ties(tf):
    x = [1.0, 2.0, 3.0]
    y = [1.0, 1.0, 3.0]
    return [_grads(tf, tf.maximum, x, y), _grads(tf, tf.minimum, x, y)]


def case_grad_maximum_with_scalar_at_tie(tf):
    return [_grads(tf, lambda x: tf.maximum(x, 0.0), [0.0, -1.0, 1.0]),
            _grads(tf, lambda x: tf.minimum(0.0, x), [0.0, -1.0, 1.0])]


def case_grad_maximum_broadcast(tf):
    return _grads(tf, tf.maximum, [[1.0, 2.0], [0.0, 5.0]], [1.0, 2.0])


def case_grad_maximum_self(tf):
    return _grads(tf, lambda x: tf.maximum(x, x), [1.0])


def case_grad_clip_by_maximum_minimum(tf):
    return _grads(tf, lambda x: tf.minimum(tf.maximum(x, 0.0), 1.0), [0.0, 1.0, 0.5, -1.0, 2.0])


def case_grad_reduce_max_min_ties(tf):
    return [
        _grads(tf, tf.reduce_max, [1.0, 3.0, 3.0]),
        _grads(tf, lambda x: tf.reduce_max(x, axis=1), [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]),
        _grads(tf, tf.reduce_min, [1.0, 1.0, 3.0]),
        _grads(tf, lambda x: tf.reduce_min(x, axis=0, keepdims=True), [[1.0, 2.0], [1.0, 0.0]]),
        _grads(tf, tf.reduce_max, [float("inf"), float("inf")]),
    ]


def case_grad_abs_relu_at_zero(tf):
    return [_grads(tf, tf.abs, [0.0, -1.0, 2.0, -0.0]), _grads(tf, tf.nn.relu, [0.0, -1.0, 2.0])]


def case_grad_sqrt_at_zero(tf):
    return [_grads(tf, tf.sqrt, [0.0, 4.0]), _grads(tf, lambda x: tf.sqrt(x) * 0.0, [0.0, 4.0])]


def case_grad_sqrt_nan_and_positive_inputs(tf):
    # sqrt runs torch's own node only where every input is > 0 (NaN is not): TF's
    # masked gradient wherever one is NaN, 0 or negative; nothing to check when empty.
    return [
        _grads(tf, lambda x: tf.where(x > 0, tf.sqrt(x), tf.zeros_like(x)),
               [float("nan"), 4.0]),
        _grads(tf, lambda x: tf.sqrt(x) * 0.0, [float("nan"), 4.0]),
        _grads(tf, lambda x: tf.sqrt(x) * 0.0, [1.0, 4.0]),
        _grads(tf, tf.sqrt, [[], []]),
        _second(tf, tf.sqrt, [0.25, 4.0]),
    ]


def case_grad_where_nan_in_unselected_branch(tf):
    return [
        _grads(tf, lambda x: tf.where(x > 0, tf.sqrt(x), tf.zeros_like(x)), [-1.0, 4.0]),
        _grads(tf, lambda x: tf.where(x > 0, tf.math.log(x), x), [0.0, 2.0]),
        _grads(tf, lambda x: tf.where(x > 0, 1.0 / x, x), [0.0, 2.0]),
    ]


def case_grad_where_branches(tf):
    return _grads(tf, lambda c, a: tf.where(c > 1.0, a * 2.0, a * a), [0.0, 2.0], [3.0, 4.0])


def case_grad_pow_edges(tf):
    return [
        _grads(tf, tf.pow, [0.0, 0.0, 2.0, -2.0], [0.0, 2.0, 0.5, 2.0]),
        _grads(tf, tf.pow, [0.0], [-1.0]),
        _grads(tf, lambda x: x**2, [0.0, -3.0]),
        _grads(tf, lambda x: x**0.5, [0.0, 4.0]),
        _grads(tf, lambda x: x**0.0, [0.0, 4.0]),
        _grads(tf, lambda x: 2.0**x, [0.0, -3.0]),
        _grads(tf, lambda x: (-2.0) ** x, [2.0]),
        _grads(tf, lambda x, y: x**y, [0.0, -2.0, 3.0], [0.0, 2.0, 1.0]),
    ]


def case_grad_reduce_prod_with_zeros(tf):
    return [_grads(tf, tf.reduce_prod, [0.0, 2.0, 3.0]),
            _grads(tf, tf.reduce_prod, [0.0, 0.0, 3.0]),
            _grads(tf, lambda x: tf.reduce_prod(x, axis=1), [[1.0, 2.0], [0.0, 3.0]])]


def case_grad_division_by_zero(tf):
    return _grads(tf, lambda x, y: x / y, [1.0, 0.0], [0.0, 0.0])


def case_grad_log_at_zero(tf):
    return _grads(tf, tf.math.log, [0.0, 1.0])


def case_grad_elementwise(tf):
    return [
        _grads(tf, tf.square, [3.0]),
        _grads(tf, tf.exp, [1.0]),
        _grads(tf, lambda x: tf.sin(x) * tf.cos(x), [1.0]),
        _grads(tf, tf.tanh, [0.5]),
        _grads(tf, tf.sigmoid, [-100.0, 0.0, 100.0]),
        _grads(tf, tf.nn.softplus, [-100.0, 0.0, 100.0]),
        _grads(tf, lambda x: tf.nn.softmax(x) * tf.constant([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0]),
        _grads(tf, lambda x: tf.nn.softmax(x, axis=0)[0, 0], [[1.0, 2.0], [3.0, 4.0]]),
        _grads(tf, tf.subtract, [1.0], [2.0]),
        _grads(tf, lambda x, y: x % y, [3.0, -3.0], [2.0, 2.0]),
        _grads(tf, lambda x, y: tf.divide(x, y), [3.0], [2.0]),
    ]


def case_grad_floordiv_has_none(tf):
    return _grads(tf, lambda x, y: x // y, [3.0], [2.0])


def case_grad_floordiv_in_a_sum(tf):
    return _grads(tf, lambda x: x // 2.0 + x, [3.0])


def case_grad_matmul(tf):
    return [_grads(tf, tf.matmul, [[1.0, 2.0]], [[3.0], [4.0]]),
            _grads(tf, lambda a, b: tf.matmul(a, b, transpose_b=True), [[1.0, 2.0]], [[3.0, 4.0]]),
            _grads(tf, lambda a, b: a @ b, [[1.0, 2.0], [3.0, 4.0]], [[1.0], [1.0]])]


def case_grad_reductions(tf):
    x = [[1.0, 2.0], [3.0, 4.0]]
    return [
        _grads(tf, tf.reduce_sum, x),
        _grads(tf, lambda v: tf.reduce_mean(v, axis=0), x),
        _grads(
            tf, lambda v: tf.reduce_sum(v, axis=1, keepdims=True) * tf.constant([[1.0], [2.0]]), x
        ),
    ]


def case_grad_casts(tf):
    return [
        _grads(tf, lambda x: tf.cast(x, tf.float64) * 2.0, [1.0, 2.0]),
        _grads(tf, lambda x: tf.cast(x, tf.int32), [1.0, 2.0]),
        _grads(tf, lambda x: tf.cast(tf.cast(x, tf.float16), tf.float32) * x, [1.5]),
    ]


def case_grad_identity_and_stop_gradient(tf):
    return [_grads(tf, lambda x: tf.stop_gradient(x) * x, [3.0]),
            _grads(tf, lambda x: tf.identity(x) * x, [3.0]),
            _grads(tf, tf.stop_gradient, [3.0])]


def case_grad_shape_ops(tf):
    w = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return [
        _grads(tf, lambda x: tf.reduce_sum(tf.reshape(x, [3, 2]) * tf.reshape(w, [3, 2])), w),
        _grads(tf, lambda x: tf.reduce_sum(tf.transpose(x) * tf.transpose(w)), w),
        _grads(tf, lambda x, y: tf.reduce_sum(tf.concat([x, y], 0) * tf.constant([1.0, 2.0, 3.0])),
               [1.0], [2.0, 3.0]),
        _grads(tf, lambda x, y: tf.reduce_sum(tf.stack([x, y], axis=1) * w[:, :2]), [1.0, 2.0],
               [3.0, 4.0]),
        _grads(tf, lambda x: tf.reduce_sum(tf.squeeze(tf.expand_dims(x, 0)) * w), w),
        _grads(tf, lambda x: x[0, 1] * 3.0 + x[1, 2], w),
    ]


def case_grad_broadcasting(tf):
    return [_grads(tf, lambda x, y: x * y, [[1.0], [2.0]], [3.0, 4.0, 5.0]),
            _grads(tf, tf.add, [[1.0, 2.0]], 3.0),
            _grads(tf, lambda x, y: x - y, [1.0, 2.0], [[1.0], [2.0]])]


def case_grad_of_list_conversion(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.convert_to_tensor([x, x * x, 3.0]) * tf.constant([1.0, 2.0, 3.0]))
    return tape.gradient(y, x)


def case_grad_fill_and_linspace(tf):
    return [_grads(tf, lambda v: tf.reduce_sum(tf.fill([2, 3], v)), 2.0),
            _grads(tf, lambda a, b: tf.linspace(a, b, 5) * tf.constant([1.0, 2.0, 3.0, 4.0, 5.0]),
                   0.0, 1.0)]


def case_grad_second_derivatives(tf):
    return [
        _second(tf, tf.sqrt, [0.0, 4.0]),
        _second(tf, lambda x: tf.maximum(x, 1.0) ** 2, [1.0, 2.0]),
        _second(tf, lambda x: tf.pow(x, tf.constant([2.0, 3.0])), [0.0, 2.0]),
        _second(tf, lambda x: tf.pow(tf.constant([2.0, -2.0]), x), [0.0, 2.0]),
        _second(tf, lambda x: tf.reduce_max(x**2), [1.0, -1.0]),
        _second(tf, lambda x: tf.abs(x) ** 3, [0.0, -2.0]),
        _second(tf, lambda x: tf.sigmoid(x) * tf.tanh(x), [0.3]),
        _second(tf, lambda x: tf.minimum(x * x, 4.0), [2.0, 1.0]),
    ]


def case_grad_float64(tf):
    return _grads(tf, lambda x: tf.reduce_sum(tf.sqrt(x) * tf.exp(x)), [1.0, 2.0], dtype=tf.float64)


def case_grad_variable_through_namespace_ops(tf):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.maximum(tf.matmul(v, v), 10.0) + tf.sqrt(v) + tf.pow(v, 2.0))
    return tape.gradient(y, v)


def case_grad_variable_ops_before_the_tape(tf):
    v = tf.Variable(2.0)
    early = tf.square(v)
    with tf.GradientTape() as tape:
        y = early * tf.square(v)
    return tape.gradient(y, v)


# Variables as operands: the operators and ops read them once, then run on the read.


def case_variable_operand_dtype_mismatch(tf):
    return tf.Variable([1.0, 2.0]) + tf.constant([1, 2])


def case_variable_int_times_python_float(tf):
    return tf.Variable([1, 2]) * 1.5


def case_variable_python_float_times_int(tf):
    return 1.5 * tf.Variable([1, 2])


def case_variable_matmul_dtype_mismatch(tf):
    return tf.matmul(tf.Variable([[1.0]]), tf.constant([[1]]))


def case_variable_minus_list(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum((v - [1.0, 0.5]) * v)
    return {"y": y, "grad": tape.gradient(y, v)}


def case_variable_both_operands(tf):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    w = tf.Variable([[0.5], [2.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum((v @ w) * v - w / v + tf.matmul(v, w))
    return {"y": y, "grads": tape.gradient(y, [v, w])}


def case_variable_in_stack_and_concat(tf):
    v = tf.Variable([1.0, 2.0])
    x = tf.constant([3.0, 4.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.stack([v, x, v]) * tf.concat([v, x, v], 0)[:2])
    return {"y": y, "grad": tape.gradient(y, v)}


def case_variable_untrainable_operand(tf):
    v = tf.Variable(2.0, trainable=False)
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = v * x + x * v - tf.square(v)
    return {"y": y, "grads": tape.gradient(y, [x, v])}


def case_variable_negate_and_reflected(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(1.0 - v * 3 + (-v) / 2.0 + 2.0 ** v)
    return {"y": y, "grad": tape.gradient(y, v)}


def case_variable_assign_sub_scalar_delta(tf):
    v = tf.Variable([1.0, 2.0])
    v.assign_sub(tf.constant(0.5))
    return v.read_value()


def case_variable_assign_sub_dtype_mismatch(tf):
    v = tf.Variable([1.0, 2.0])
    v.assign_sub(tf.constant([1, 1]))
    return v.read_value()


def case_variable_updates_keep_recorded_reads(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(v * v * v)
    v.assign_sub(tf.constant([1.0, 1.0]))
    first = tape.gradient(y, v)
    v.assign_add([0.5, 0.5])
    return {"first": first, "value": v.read_value(), "second": tape.gradient(y, v)}


# ---------------------------------------------------------------------------
# Text: str() and repr(), exactly as TF prints them


def _texts(tensors):
    return [[str(t), repr(t)] for t in tensors]


def case_print_scalars(tf):
    return _texts([tf.constant(108.0), tf.constant(0.1), tf.constant(3), tf.constant(True),
                   tf.constant(0.1, tf.float64), tf.constant(0.1, tf.float16),
                   tf.constant(1.123456789), tf.constant(1e-8),
                   tf.constant(2**40), tf.constant(float("nan")), tf.constant(float("-inf"))])


def case_print_vectors(tf):
    return _texts([tf.constant([1, 2, 3]), tf.constant([1.5, 2.0]), tf.constant([True, False]),
                   tf.constant([1.5], tf.float64), tf.constant([1.5], tf.float16),
                   tf.constant([1e-8, 1e8]), tf.constant([np.inf, -np.inf, 1.0]),
                   tf.constant([1], tf.int64), tf.range(0, 1, 0.1)])


def case_print_matrices(tf):
    return _texts([tf.ones((2, 2)), tf.constant([[1, 2], [3, 4]]), tf.ones((2, 2, 2)),
                   tf.constant([[True], [False]]), tf.constant([[0.5, -1.25]], tf.float64),
                   tf.zeros((0, 3)), tf.constant([[]]), tf.ones((2, 0))])


def case_print_large(tf):
    return _texts([tf.range(2000), tf.range(2000.0), tf.reshape(tf.range(10000.0), (100, 100)),
                   tf.zeros((3, 400)), tf.reshape(tf.range(2000), (2, 1000))])


def case_print_results_of_ops(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * x)
    return _texts([y, tape.gradient(y, x), x * 2, x[0], tf.reduce_mean(x, axis=0)])


def case_print_variables(tf):
    return [
        [str(v), repr(v)]
        for v in [tf.Variable(1.0), tf.Variable([[1.0, 2.0], [3.0, 4.0]]), tf.Variable(3),
                  tf.Variable([True]), tf.Variable(1.0, name="weight"),
                  tf.Variable(np.array([0.1]))]
    ]


def case_print_variable_float64_from_python_float(tf):
    v = tf.Variable(0.1, dtype=tf.float64)
    return [str(v), repr(v), v]


def case_print_variable_after_assign(tf):
    v = tf.Variable([1.0, 2.0])
    v.assign([3.0, 4.0])
    return [str(v), repr(v)]


# ---------------------------------------------------------------------------
# Devices, config, errors, random, function, the namespace


def case_ns_device_strings(tf):
    out = []
    for spec in ["/cpu:0", "cpu:0", "/device:CPU:0", "/job:localhost/replica:0/task:0/device:CPU:0",
                 "CPU", "/CPU:1", "", None, "/device:XYZ:0"]:
        with tf.device(spec):
            out.append(float(tf.constant(1.0) + 1.0))
    return out


def case_ns_device_unknown_attribute(tf):
    with tf.device("/XYZ:0"):
        return tf.constant(1.0)


def case_ns_device_garbage(tf):
    with tf.device("foo"):
        return tf.constant(1.0)


def case_ns_device_bad_index(tf):
    with tf.device("CPU:x"):
        return tf.constant(1.0)


def case_ns_device_two_types(tf):
    with tf.device("/cpu:0/gpu:0"):
        return tf.constant(1.0)


def case_ns_list_physical_devices(tf):
    return [tf.config.list_physical_devices("CPU"), len(tf.config.list_physical_devices("CPU")),
            tf.config.list_physical_devices("CPU")[0].device_type]


def case_ns_errors_hierarchy(tf):
    e = tf.errors
    return {
        "invalid_is_op_error": issubclass(e.InvalidArgumentError, e.OpError),
        "op_error_is_exception": issubclass(e.OpError, Exception),
        "op_error_is_runtime_error": issubclass(e.OpError, RuntimeError),
        "invalid_is_value_error": issubclass(e.InvalidArgumentError, ValueError),
        "codes": [e.OK, e.CANCELLED, e.UNKNOWN, e.INVALID_ARGUMENT, e.NOT_FOUND, e.INTERNAL,
                  e.UNIMPLEMENTED, e.RESOURCE_EXHAUSTED, e.UNAUTHENTICATED],
        "error_code": e.InvalidArgumentError(None, None, "m").error_code,
        "message": e.InvalidArgumentError(None, None, "msg").message,
        "str": str(e.NotFoundError(None, None, "nothing here")),
        "classes": [c.__name__ for c in (e.OutOfRangeError, e.ResourceExhaustedError,
                                         e.FailedPreconditionError, e.UnimplementedError)],
    }


def case_ns_errors_caught_as_tf_errors(tf):
    caught = []
    for f in (lambda: tf.constant(1.0) + tf.constant(1.0, tf.float64),
              lambda: tf.reshape(tf.ones(6), (4,)),
              lambda: tf.reduce_sum(tf.ones(2), axis=3),
              lambda: tf.matmul(tf.ones((2, 3)), tf.ones((2, 3)))):
        try:
            f()
        except tf.errors.OpError as err:
            caught.append([type(err).__name__, err.error_code])
    return caught


def case_ns_random_shapes_and_dtypes(tf):
    out = [
        tf.random.normal((2, 3)).shape,
        tf.random.normal([4], dtype=tf.float64).dtype,
        tf.random.normal((), mean=2.0, stddev=0.0),
        tf.random.uniform((2,)).dtype,
        tf.random.uniform((5,), maxval=10, dtype=tf.int32).dtype,
        tf.random.uniform((2,), maxval=5.0, dtype=tf.float64).dtype,
        tf.random.uniform((3,), minval=1.0, maxval=1.0),
        tf.random.uniform((), minval=3, maxval=4, dtype=tf.int64),
    ]
    u = tf.random.uniform((100,), minval=-1.0, maxval=2.0)
    out.append(bool(tf.reduce_min(u) >= -1.0) and bool(tf.reduce_max(u) < 2.0))
    return out


def case_ns_random_uniform_int_needs_maxval(tf):
    return tf.random.uniform((2,), dtype=tf.int32)


def case_ns_random_normal_int(tf):
    return tf.random.normal((2,), dtype=tf.int32)


def case_ns_random_set_seed_repeats(tf):
    tf.random.set_seed(5)
    a = tf.random.normal((4,))
    b = tf.random.uniform((3,), seed=7)
    tf.random.set_seed(5)
    c = tf.random.normal((4,))
    d = tf.random.uniform((3,), seed=7)
    e = tf.random.normal((4,))
    return [bool(np.all(a.numpy() == c.numpy())), bool(np.all(b.numpy() == d.numpy())),
            bool(np.all(a.numpy() == e.numpy()))]


def case_ns_function_runs(tf):
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x * x + 1.0

    @tf.function(input_signature=None)
    def g(x, y=2.0):
        return x * y

    h = tf.function(lambda x: x - 1.0)
    return [f(tf.constant(3.0)), g(tf.constant(2.0)), g(tf.constant(2.0), y=4.0),
            h(tf.constant(1.0)), len(calls) >= 1]


def case_ns_function_under_tape(tf):
    @tf.function
    def f(x):
        return tf.reduce_sum(x * x)

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def case_ns_dtypes(tf):
    return [tf.float16, tf.float32, tf.float64, tf.int32, tf.int64, tf.bool, tf.double, tf.half,
            tf.dtypes.float32, tf.dtypes.as_dtype("float64"), tf.as_dtype(np.int32),
            tf.as_dtype(float), tf.as_dtype(bool), tf.float32 == tf.dtypes.float32]


def case_ns_as_dtype_int_type(tf):
    return tf.as_dtype(int)


def case_ns_names_exist_where_tf_has_them(tf):
    names = {
        "": ["constant", "convert_to_tensor", "ones", "zeros", "ones_like", "zeros_like", "fill",
             "range", "linspace", "eye", "reshape", "transpose", "concat", "stack", "squeeze",
             "expand_dims", "cast", "identity", "stop_gradient", "reduce_sum", "reduce_mean",
             "reduce_max", "reduce_min", "reduce_prod", "add", "subtract", "multiply", "divide",
             "pow", "square", "sqrt", "exp", "sin", "cos", "tanh", "abs", "maximum", "minimum",
             "matmul", "where", "sigmoid", "log", "float16", "float32", "float64", "int32", "int64",
             "bool", "device", "function", "GradientTape", "Variable", "Tensor", "TensorShape",
             "UnconnectedGradients", "shape", "rank", "size", "is_tensor", "newaxis", "softmax",
             "relu", "softplus", "math", "nn", "random", "config", "errors", "dtypes"],
        "math": ["log", "add", "abs", "sqrt", "reduce_sum", "sigmoid", "softplus", "matmul",
                 "where", "tanh", "pow", "maximum", "relu", "softmax", "square"],
        "nn": ["relu", "sigmoid", "softmax", "softplus", "tanh", "log", "exp"],
        "random": ["normal", "uniform", "set_seed"],
        "config": ["list_physical_devices", "run_functions_eagerly", "functions_run_eagerly",
                   "experimental"],
        "errors": ["OpError", "InvalidArgumentError", "NotFoundError", "UnimplementedError"],
    }
    out = {}
    for module, attrs in names.items():
        namespace = tf if not module else getattr(tf, module)
        out[module or "top"] = {a: hasattr(namespace, a) for a in attrs}
    return out


def case_ns_matmul_int8_output_type_int32(tf):
    a = tf.constant([[100, -3]], dtype=tf.int8)
    b = tf.constant([[2], [50]], dtype=tf.int8)
    return tf.matmul(a, b, output_type=tf.int32)


def case_ns_matmul_float_output_type_int32_has_no_kernel(tf):
    return tf.matmul(tf.constant([[1.0]]), tf.constant([[1.0]]), output_type=tf.int32)


# ---------------------------------------------------------------------------
# tf.nest, tf.executing_eagerly, tf.debugging


def _raised(fn):
    """The class name of what `fn()` raises, or its result."""
    try:
        return {"result": fn()}
    except Exception as e:  # noqa: BLE001 - the class is the answer
        return {"error": type(e).__name__}


def case_nest_flatten_pack_map(tf):
    import collections

    pair = collections.namedtuple("Pair", ["a", "b"])
    structure = {"b": [1, 2], "a": (3, pair(4, 5))}
    packed = tf.nest.pack_sequence_as({"b": [0, 0], "a": (0, pair(0, 0))}, [1, 2, 3, 4, 5])
    return {
        "flatten": tf.nest.flatten(structure),
        "none": tf.nest.flatten(None), "scalar": tf.nest.flatten(3), "text": tf.nest.flatten("ab"),
        "packed_keys": list(packed), "packed": [packed["b"], list(packed["a"][:1]),
                                               list(packed["a"][1])],
        "packed_namedtuple": type(packed["a"][1]).__name__,
        "pack_scalar": tf.nest.pack_sequence_as(0, [7]),
        "pack_count": _raised(lambda: tf.nest.pack_sequence_as([0, 0], [1])),
        "map_two": tf.nest.map_structure(lambda x, y: x + y, [1, (2, 3)], [10, (20, 30)]),
        "map_dict": tf.nest.map_structure(lambda x: x * 2, {"b": 1, "a": 2}),
        "map_none": tf.nest.map_structure(lambda x: x, [None, 1]),
        "map_length": _raised(lambda: tf.nest.map_structure(lambda x, y: x, [1, 2], [1, 2, 3])),
        "map_types": _raised(lambda: tf.nest.map_structure(lambda x, y: x, [1, 2], (1, 2))),
        "map_unchecked": tf.nest.map_structure(lambda x, y: x + y, [1, 2], (1, 2),
                                               check_types=False),
        "same": tf.nest.assert_same_structure([1, (2,)], [3, (4,)]),
        "same_nesting": _raised(lambda: tf.nest.assert_same_structure([1, (2,)], [3, 4])),
        "same_types": _raised(lambda: tf.nest.assert_same_structure([1], (1,))),
        "same_keys": _raised(lambda: tf.nest.assert_same_structure({"a": 1}, {"b": 1})),
        "is_nested": [tf.nest.is_nested(x) for x in
                      ([1], (1,), {"a": 1}, 1, "s", None, tf.constant([1]))],
        "tensors": len(tf.nest.flatten([tf.constant([1, 2]), tf.Variable(1.0)])),
        "map_tensors": tf.nest.map_structure(lambda t: t * 2, {"x": tf.constant([1.0])}),
    }


def case_executing_eagerly(tf):
    seen = []

    @tf.function
    def f(x):
        seen.append((tf.executing_eagerly(), tf.inside_function()))
        return x * 2

    f(tf.constant(1.0))
    return {"eager": tf.executing_eagerly(), "inside": tf.inside_function(), "traced": seen}


def case_ns_random_more(tf):
    tn = tf.random.truncated_normal((2000,), mean=1.0, stddev=2.0, seed=3)
    draws = tf.random.categorical(tf.math.log([[0.5, 0.5], [1e-9, 1.0]]), 50, seed=4)
    shuffled = tf.random.shuffle(tf.constant([[1, 2], [3, 4], [5, 6]]))
    return {
        "tn_dtype": tn.dtype == tf.float32, "tn_shape": tn.shape,
        "tn_in_two_sigma": bool(tf.reduce_max(tf.abs(tn - 1.0)) <= 4.0),
        "tn_float64": tf.random.truncated_normal([2], dtype=tf.float64).dtype == tf.float64,
        "tn_int": _raised(lambda: tf.random.truncated_normal([3], dtype=tf.int32)),
        "cat_dtype": draws.dtype == tf.int64, "cat_shape": draws.shape,
        "cat_second_row_is_one": bool(tf.reduce_all(draws[1] == 1)),
        "cat_in_range": bool(tf.reduce_all((draws[0] >= 0) & (draws[0] <= 1))),
        "cat_int32": tf.random.categorical([[0.0, 0.0]], 2, dtype=tf.int32).dtype == tf.int32,
        "cat_vector": _raised(lambda: tf.random.categorical([0.0, 0.0], 2)),
        "shuffle_shape": shuffled.shape,
        "shuffle_rows": sorted(shuffled.numpy().tolist()),
        "shuffle_scalar": tf.random.shuffle(tf.constant(1)),
    }


def case_ns_initializers(tf):
    normal = tf.random_normal_initializer(0.0, 2.0, seed=1)
    uniform = tf.random_uniform_initializer(-1.0, 1.0)
    u = uniform([500])
    return {
        "zeros": tf.zeros_initializer()([2, 2]),
        "zeros_int": tf.zeros_initializer()([2], dtype=tf.int32),
        "ones": tf.ones_initializer()(shape=[2]),
        "constant": tf.constant_initializer(3.0)([2]),
        "constant_list": tf.constant_initializer([1.0, 2.0, 3.0, 4.0])([2, 2]),
        "constant_bad": _raised(lambda: tf.constant_initializer([1.0, 2.0, 3.0])([2, 2])),
        "normal_shape": normal([3]).shape, "normal_config": normal.get_config(),
        "normal_int": _raised(lambda: tf.random_normal_initializer()([3], dtype=tf.int32)),
        "uniform_range": bool(tf.reduce_all((u >= -1.0) & (u < 1.0))),
        "uniform_int": tf.random_uniform_initializer(0, 5)([3], dtype=tf.int32).dtype
        == tf.int32,
        "constant_config": tf.constant_initializer(3.0).get_config(),
        "names": [type(tf.zeros_initializer()).__name__, type(tf.ones_initializer()).__name__,
                  type(tf.constant_initializer()).__name__,
                  type(tf.random_normal_initializer()).__name__,
                  type(tf.random_uniform_initializer()).__name__],
        "variable": tf.Variable(tf.ones_initializer()([2])),
    }


def case_ns_random_stateless_and_generator(tf):
    same = tf.random.stateless_normal([3], seed=[1, 2])
    g = tf.random.Generator.from_seed(1)
    first, second = g.normal([4]), g.normal([4])
    return {
        "stateless_repeats": bool(tf.reduce_all(same == tf.random.stateless_normal([3],
                                                                                 seed=[1, 2]))),
        "stateless_differs": bool(tf.reduce_all(same == tf.random.stateless_normal([3],
                                                                                 seed=[1, 3]))),
        "stateless_bad_seed": _raised(lambda: tf.random.stateless_normal([3], seed=[1])),
        "stateless_scalar_seed": _raised(lambda: tf.random.stateless_normal([3], seed=1)),
        "stateless_uniform_int": tf.random.stateless_uniform(
            [3], seed=[1, 2], minval=0, maxval=10, dtype=tf.int32).dtype == tf.int32,
        "stateless_uniform_int_no_max": _raised(lambda: tf.random.stateless_uniform(
            [3], seed=[1, 2], dtype=tf.int32)),
        "stateless_categorical": tf.random.stateless_categorical([[0.0, 0.0]], 4,
                                                                 seed=[1, 2]).shape,
        "stateless_truncated": tf.random.stateless_truncated_normal([3], seed=[1, 2]).shape,
        "generator_shape": first.shape,
        "generator_advances": bool(tf.reduce_all(first == second)),
        "generator_repeats": bool(tf.reduce_all(
            tf.random.Generator.from_seed(5).normal([4])
            == tf.random.Generator.from_seed(5).normal([4]))),
        "generator_uniform_int": g.uniform([2], maxval=5, dtype=tf.int64).dtype == tf.int64,
        "generator_split": [type(x).__name__ for x in g.split(2)],
        "generator_truncated": g.truncated_normal([2]).dtype == tf.float32,
        "global": type(tf.random.get_global_generator()).__name__,
        "fold_in": tf.random.fold_in([1, 2], 3).shape,
        "split": tf.random.split([1, 2], 3).shape,
    }


def case_ns_random_gamma_poisson(tf):
    alpha = tf.constant([0.5, 2.0, 9.0])
    beta = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([alpha, beta])
        g = tf.random.gamma([4000], alpha, beta, seed=1)
        lam = tf.constant([3.0, 30.0])
        tape.watch(lam)
        p = tf.random.poisson([4000], lam, seed=2)
    d_alpha, d_beta = tape.gradient(g, [alpha, beta])
    mean_g = tf.reduce_mean(g, axis=0)  # alpha / beta = [0.25, 1, 4.5]
    mean_p = tf.reduce_mean(p, axis=0)
    return {
        "gamma_shape": g.shape, "gamma_dtype": g.dtype == tf.float32,
        "gamma_positive": bool(tf.reduce_all(g > 0)),
        "gamma_mean_close": bool(tf.reduce_all(tf.abs(mean_g / (alpha / beta) - 1.0) < 0.1)),
        # d(sum of samples)/d beta = -sum(samples) / beta exactly (samples = standard / beta)
        "gamma_d_beta": bool(tf.abs(d_beta + tf.reduce_sum(g) / beta) <= 1e-3 * tf.abs(d_beta)),
        # E[d sample / d alpha] = 1 / beta for each alpha: 4000 samples each
        "gamma_d_alpha_close": bool(tf.reduce_all(tf.abs(d_alpha / 4000.0 * beta - 1.0) < 0.1)),
        "gamma_d_alpha_shape": d_alpha.shape,
        "gamma_broadcast": tf.random.gamma([3], 1.0, beta=[1.0, 2.0]).shape,
        "gamma_float64": tf.random.gamma([2], 1.0, dtype=tf.float64).dtype == tf.float64,
        "gamma_int_alpha": _raised(lambda: tf.random.gamma([2], tf.constant([1, 2]))),
        "poisson_shape": p.shape, "poisson_dtype": p.dtype == tf.float32,
        "poisson_integral": bool(tf.reduce_all(p == tf.round(p))),
        "poisson_mean_close": bool(tf.reduce_all(tf.abs(mean_p / lam - 1.0) < 0.1)),
        "poisson_int32": tf.random.poisson([2], 3.0, dtype=tf.int32).dtype == tf.int32,
        "poisson_grad": _raised(lambda: tape.gradient(p, lam)),
        "poisson_string": _raised(lambda: tf.random.poisson([2], [1.0], dtype=tf.bool)),
    }


def case_ns_linalg_lu(tf):
    a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]])
    batch = tf.constant(np.random.default_rng(5).standard_normal((2, 4, 4)))
    lower_upper, perm = tf.linalg.lu(a)
    b_lu, b_perm = tf.linalg.lu(batch)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, lower_upper])
        again = tf.linalg.lu(a)[0]
        rebuilt = tf.linalg.lu_reconstruct(lower_upper, perm)
        solved = tf.linalg.lu_solve(lower_upper, perm, tf.constant([[1.0, 0.5], [2.0, 1.0],
                                                                    [3.0, -1.0]]))
        inverse = tf.linalg.lu_matrix_inverse(lower_upper, perm)
        loss = (tf.reduce_sum(rebuilt * rebuilt) + tf.reduce_sum(solved)
                + tf.reduce_sum(inverse * inverse))
    return {
        "lu": lower_upper, "perm": perm, "rebuilt": rebuilt, "solved": solved,
        "inverse": inverse, "grad_lu": tape.gradient(loss, lower_upper),
        "lu_grad": _raised(lambda: tape.gradient(again, a)),
        "perm64": tf.linalg.lu(a, output_idx_type=tf.int64)[1].dtype == tf.int64,
        "batch_lu": b_lu, "batch_perm": b_perm,
        "batch_rebuilt": tf.linalg.lu_reconstruct(b_lu, b_perm),
        "batch_solve": tf.linalg.lu_solve(b_lu, b_perm, tf.ones([2, 4, 1], tf.float64)),
        "not_square": _raised(lambda: tf.linalg.lu(tf.ones([2, 3]))),
        "int": _raised(lambda: tf.linalg.lu(tf.constant([[1, 2], [3, 4]]))),
        "singular": _raised(lambda: tf.linalg.lu(tf.zeros([2, 2]))),
    }


def case_ns_random_global_generator(tf):
    old = tf.random.get_global_generator()
    mine = tf.random.Generator.from_seed(7)
    tf.random.set_global_generator(mine)
    try:
        return {
            "same_object": tf.random.get_global_generator() is mine,
            "stable": tf.random.get_global_generator() is tf.random.get_global_generator(),
            "draws": tf.random.get_global_generator().normal([2]).shape,
        }
    finally:
        tf.random.set_global_generator(old)


def case_variable_synchronization_and_aggregation(tf):
    on_read = tf.Variable(0.0, synchronization=tf.VariableSynchronization.ON_READ,
                          aggregation=tf.VariableAggregation.SUM)
    by_value = tf.Variable(0.0, synchronization=2, aggregation=2)
    default = tf.Variable(0.0)
    return {
        "on_read": [on_read.trainable, on_read.synchronization.name, on_read.aggregation.name],
        "on_read_trainable": tf.Variable(0.0, trainable=True,
                                         synchronization=tf.VariableSynchronization.ON_READ
                                         ).trainable,
        "by_value": [by_value.trainable, by_value.synchronization.name,
                     by_value.aggregation.name, repr(by_value.aggregation)],
        "default": [default.trainable, default.synchronization.name, default.aggregation.name],
        "members": [[m.name, m.value] for m in tf.VariableSynchronization]
        + [[m.name, m.value] for m in tf.VariableAggregation],
        "bad_aggregation": _raised(lambda: tf.Variable(0.0, aggregation="mean")),
        "bad_synchronization": _raised(lambda: tf.Variable(0.0, synchronization=7)),
    }
