"""`tf.nn.max_pool_with_argmax`, `dilation2d`, `erosion2d`, `atrous_conv2d` and
`atrous_conv2d_transpose` against TensorFlow 2.21: values, argmax indices, tape
gradients (ties go to the first maximum), shapes and exception classes. Answers live
in `golden/cases_window_max.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises


def _pixels(shape, k=0.0):
    n = int(np.prod(shape))
    return (np.sin(0.77 * np.arange(n) + k) * 3.0).astype(np.float32).reshape(shape)


def _grads(tf, fn, *args):
    values = [tf.constant(a) for a in args]
    with tf.GradientTape() as tape:
        tape.watch(values)
        y = fn(*values)
        loss = tf.reduce_sum(y * y)
    return {"y": y, "grads": tape.gradient(loss, values)}


def case_max_pool_with_argmax_values(tf):
    x = tf.constant(_pixels([2, 5, 6, 3]))
    out = {}
    for name, args in (("valid", (2, 2, "VALID")), ("same", (3, 2, "SAME")),
                       ("strided", ([1, 2, 3, 1], [1, 1, 2, 1], "SAME")),
                       ("overlap", (3, 1, "VALID"))):
        pooled, argmax = tf.nn.max_pool_with_argmax(x, *args)
        out[name] = {"output": pooled, "argmax": argmax}
    pooled, argmax = tf.nn.max_pool_with_argmax(x, 2, 2, "SAME", include_batch_in_index=True,
                                                output_dtype=tf.int32)
    out["batch_int32"] = {"output": pooled, "argmax": argmax}
    out["fields"] = list(tf.nn.max_pool_with_argmax(x, 2, 2, "VALID")._fields)
    return out


def case_max_pool_with_argmax_ties_and_gradient(tf):
    x = tf.constant(np.array([[1.0, 1.0, 2.0], [1.0, 0.0, 2.0], [3.0, 3.0, 3.0]],
                             np.float32).reshape(1, 3, 3, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        pooled, argmax = tf.nn.max_pool_with_argmax(x, 2, 1, "SAME")
        loss = tf.reduce_sum(pooled * tf.reshape(tf.range(9.0), [1, 3, 3, 1]))
    return {"output": pooled, "argmax": argmax, "grad": tape.gradient(loss, x)}


def case_max_pool_with_argmax_errors(tf):
    x = tf.ones([1, 4, 4, 1])
    return {
        "nchw": _raises(lambda: tf.nn.max_pool_with_argmax(x, 2, 2, "VALID", "NCHW")),
        "rank3": _raises(lambda: tf.nn.max_pool_with_argmax(tf.ones([4, 4, 1]), 2, 2, "VALID")),
    }


def case_dilation2d(tf):
    x = _pixels([2, 5, 6, 2])
    f = _pixels([2, 3, 2], 1.0)
    out = {}
    for name, strides, padding, rates in (("valid", [1, 1, 1, 1], "VALID", [1, 1, 1, 1]),
                                          ("same", [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
                                          ("strided", [1, 2, 2, 1], "SAME", [1, 1, 1, 1]),
                                          ("rate", [1, 1, 1, 1], "VALID", [1, 2, 1, 1]),
                                          ("both", [1, 2, 1, 1], "SAME", [1, 1, 2, 1])):
        out[name] = _grads(tf, lambda a, b, s=strides, p=padding, r=rates: tf.nn.dilation2d(
            a, b, s, p, "NHWC", r), x, f)
    return out


def case_erosion2d(tf):
    x = _pixels([1, 5, 5, 2], 0.5)
    f = _pixels([3, 2, 2], 2.0)
    return {
        "valid": _grads(tf, lambda a, b: tf.nn.erosion2d(a, b, [1, 1, 1, 1], "VALID", "NHWC",
                                                         [1, 1, 1, 1]), x, f),
        "same": _grads(tf, lambda a, b: tf.nn.erosion2d(a, b, [1, 2, 1, 1], "SAME", "NHWC",
                                                        [1, 1, 2, 1]), x, f),
    }


def case_dilation2d_ties(tf):
    x = np.ones([1, 3, 3, 1], np.float32)
    f = np.zeros([2, 2, 1], np.float32)
    return _grads(tf, lambda a, b: tf.nn.dilation2d(a, b, [1, 1, 1, 1], "VALID", "NHWC",
                                                    [1, 1, 1, 1]), x, f)


def case_morphology_errors(tf):
    x, f = tf.ones([1, 4, 4, 2]), tf.ones([2, 2, 2])
    return {
        "nchw": _raises(lambda: tf.nn.dilation2d(x, f, [1, 1, 1, 1], "SAME", "NCHW",
                                                 [1, 1, 1, 1])),
        "erosion_nchw": _raises(lambda: tf.nn.erosion2d(x, f, [1, 1, 1, 1], "SAME", "NCHW",
                                                        [1, 1, 1, 1])),
        "depth": _raises(lambda: tf.nn.dilation2d(x, tf.ones([2, 2, 3]), [1, 1, 1, 1], "SAME",
                                                  "NHWC", [1, 1, 1, 1])),
        "filter_rank": _raises(lambda: tf.nn.dilation2d(x, tf.ones([2, 2]), [1, 1, 1, 1],
                                                        "SAME", "NHWC", [1, 1, 1, 1])),
    }


def case_atrous_conv2d(tf):
    x = _pixels([2, 7, 6, 2])
    w = _pixels([3, 2, 2, 3], 1.0)
    return {
        "valid": _grads(tf, lambda a, b: tf.nn.atrous_conv2d(a, b, 2, "VALID"), x, w),
        "same": _grads(tf, lambda a, b: tf.nn.atrous_conv2d(a, b, 3, "SAME"), x, w),
        "rate1": _grads(tf, lambda a, b: tf.nn.atrous_conv2d(a, b, 1, "SAME"), x, w),
    }


def case_atrous_conv2d_transpose(tf):
    x = _pixels([2, 3, 4, 3])
    w = _pixels([2, 2, 2, 3], 1.0)
    return {
        "valid": _grads(tf, lambda a, b: tf.nn.atrous_conv2d_transpose(
            a, b, [2, 5, 6, 2], 2, "VALID"), x, w),
        "same": _grads(tf, lambda a, b: tf.nn.atrous_conv2d_transpose(
            a, b, [2, 3, 4, 2], 2, "SAME"), x, w),
    }


def case_atrous_errors(tf):
    x, w = tf.ones([1, 5, 5, 1]), tf.ones([2, 2, 1, 1])
    return {
        "rate0": _raises(lambda: tf.nn.atrous_conv2d(x, w, 0, "SAME")),
        "padding": _raises(lambda: tf.nn.atrous_conv2d(x, w, 2, "FULL")),
        "transpose_rate0": _raises(lambda: tf.nn.atrous_conv2d_transpose(
            x, w, [1, 5, 5, 1], 0, "SAME")),
    }
