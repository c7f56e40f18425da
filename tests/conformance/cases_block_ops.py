"""`tf.space_to_batch` (`tf.space_to_batch_nd`, `tf.nn.space_to_batch`) and
`tf.batch_to_space` against TensorFlow 2.21: values with and without padding or
cropping, one and two block dimensions, trailing dimensions, integer dtypes, tape
gradients (the inverse permutation, zero on the padding) and TF's errors. Answers live
in `golden/cases_block_ops.json`.

Error-class checks sit in `case_block_errors` (strings keep it out of function mode).
"""

from __future__ import annotations

from tests.conformance.harness import raises as _raises
from tests.conformance.harness import sin_array as _real
from tests.conformance.harness import weighted_sum as _mix


def case_space_to_batch_2d(tf):
    x = tf.reshape(tf.range(1.0, 17.0), [1, 4, 4, 1])
    return tf.space_to_batch(x, [2, 2], [[0, 0], [0, 0]])


def case_space_to_batch_padded(tf):
    x = tf.constant(_real([2, 3, 5, 2]), tf.float32)
    return tf.space_to_batch(x, [2, 3], [[1, 0], [0, 1]])


def case_space_to_batch_one_block_dim(tf):
    x = tf.reshape(tf.range(24), [2, 3, 4])
    return {"nd": tf.space_to_batch_nd(x, [2], [[1, 0]]),
            "nn": tf.nn.space_to_batch(x, [3], [[0, 0]])}


def case_space_to_batch_three_block_dims(tf):
    x = tf.constant(_real([1, 2, 4, 3, 2]), tf.float64)
    return tf.space_to_batch(x, [2, 2, 3], [[0, 0], [0, 0], [0, 0]])


def case_batch_to_space_roundtrip(tf):
    x = tf.constant(_real([2, 3, 5, 2]), tf.float32)
    y = tf.space_to_batch(x, [2, 3], [[1, 0], [0, 1]])
    return tf.batch_to_space(y, [2, 3], [[1, 0], [0, 1]])


def case_batch_to_space_cropped(tf):
    x = tf.constant(_real([8, 2, 3, 1]), tf.float32)
    return {"crop": tf.batch_to_space(x, [2, 4], [[1, 2], [3, 1]]),
            "none": tf.batch_to_space(x, [4, 2], [[0, 0], [0, 0]])}


def case_space_to_batch_gradient(tf):
    x = tf.constant(_real([2, 3, 5, 2]), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = _mix(tf, tf.space_to_batch(x, [2, 3], [[1, 0], [0, 1]]))
    return tape.gradient(loss, x)


def case_batch_to_space_gradient(tf):
    x = tf.constant(_real([8, 2, 3, 1]), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = _mix(tf, tf.batch_to_space(x, [2, 4], [[1, 2], [3, 1]]))
    return tape.gradient(loss, x)


def case_space_to_batch_jacobian(tf):
    x = tf.constant(_real([1, 2, 2, 1]), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.space_to_batch(x, [2, 1], [[0, 0], [0, 1]])
    return tape.jacobian(y, x)


def case_block_errors(tf):
    x = tf.reshape(tf.range(1.0, 17.0), [1, 4, 4, 1])
    y = tf.space_to_batch(x, [2, 2], [[0, 0], [0, 0]])
    return {
        "not_divisible": _raises(lambda: tf.space_to_batch(x, [2, 2], [[0, 1], [0, 0]])),
        "zero_block": _raises(lambda: tf.space_to_batch(x, [0, 2], [[0, 0], [0, 0]])),
        "negative_padding": _raises(lambda: tf.space_to_batch(x, [2, 2], [[-1, 0], [0, 0]])),
        "rank": _raises(lambda: tf.space_to_batch(x, [2, 2, 2, 2], [[0, 0]] * 4)),
        "paddings_shape": _raises(lambda: tf.space_to_batch(x, [2, 2], [[0, 0]])),
        "batch_not_divisible": _raises(lambda: tf.batch_to_space(y, [3, 2], [[0, 0], [0, 0]])),
        "crop_too_large": _raises(lambda: tf.batch_to_space(y, [2, 2], [[5, 0], [0, 0]])),
        "negative_crop": _raises(lambda: tf.batch_to_space(y, [2, 2], [[-1, 0], [0, 0]])),
        "scalar": _raises(lambda: tf.space_to_batch(tf.constant(1.0), [2], [[0, 0]])),
    }
