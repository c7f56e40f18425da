"""`tf.math.igamma` and `tf.math.igammac` against TensorFlow 2.21: values (edges
included), gradients in both operands, broadcasting, second derivatives and errors.
Answers live in `golden/cases_igamma.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises

_A = [0.1, 0.5, 1.0, 2.5, 7.0, 30.0, 0.7, 12.0, 3.0]
_X = [0.05, 0.4, 2.0, 1.5, 9.0, 25.0, 0.0, 14.0, 60.0]


def _both(tf, dtype):
    a, x = tf.constant(_A, dtype), tf.constant(_X, dtype)
    out = {}
    for name, op in (("igamma", tf.math.igamma), ("igammac", tf.math.igammac)):
        with tf.GradientTape() as tape:
            tape.watch([a, x])
            y = op(a, x)
        da, dx = tape.gradient(y, [a, x])
        out[name] = {"y": y, "da": da, "dx": dx}
    return out


def case_igamma_float32(tf):
    return _both(tf, tf.float32)


def case_igamma_float64(tf):
    return _both(tf, tf.float64)


def case_igamma_edges(tf):
    a = tf.constant([1.0, -1.0, 0.0, 2.0, np.nan, 1.0, 2.0, np.inf, 1e-3])
    x = tf.constant([-1.0, 1.0, 1.0, np.inf, 1.0, np.nan, 0.0, 3.0, 1e-3])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, x])
        p, q = tf.math.igamma(a, x), tf.math.igammac(a, x)
    return {"p": p, "q": q, "dp": tape.gradient(p, [a, x]), "dq": tape.gradient(q, [a, x])}


def case_igamma_broadcast_gradients(tf):
    a = tf.constant([[0.5], [2.0], [6.0]])
    x = tf.constant([0.3, 1.0, 4.0, 10.0])
    with tf.GradientTape() as tape:
        tape.watch([a, x])
        y = tf.reduce_sum(tf.math.igamma(a, x) * tf.constant([1.0, 2.0, 3.0, 4.0]))
    return tape.gradient(y, [a, x])


def case_igamma_second_derivative_in_x(tf):
    a, x = tf.constant([0.5, 2.0, 5.0]), tf.constant([0.7, 2.0, 3.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.math.igamma(a, x)
        dx = inner.gradient(y, x)
    return {"dx": dx, "dxx": outer.gradient(dx, x)}


def case_igamma_second_derivative_in_a_has_no_gradient(tf):
    a, x = tf.constant([0.5, 2.0]), tf.constant([0.7, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(a)
        with tf.GradientTape() as inner:
            inner.watch(a)
            y = tf.math.igamma(a, x)
        da = inner.gradient(y, a)
    return {"da": da, "daa": _raises(lambda: outer.gradient(da, a))}


def case_igamma_errors(tf):
    return {
        "int": _raises(lambda: tf.math.igamma(tf.constant([1, 2]), tf.constant([1, 2]))),
        "mixed": _raises(lambda: tf.math.igammac(tf.constant([1.0]),
                                                 tf.constant([1.0], tf.float64))),
        "python": tf.math.igamma(2.0, 3.0),
    }


def _betainc_grid(tf, dtype):
    a = tf.constant([0.5, 1.0, 2.0, 5.0, 0.2, 30.0, 3.0, 1e-3, 2.0], dtype)
    b = tf.constant([0.5, 1.0, 3.0, 2.0, 0.7, 20.0, 8.0, 1e-3, 2.0], dtype)
    x = tf.constant([0.3, 0.5, 0.1, 0.9, 0.99, 0.55, 0.2, 0.5, 0.999], dtype)
    with tf.GradientTape() as tape:
        tape.watch([a, b, x])
        y = tf.math.betainc(a, b, x)
    return {"y": y, "grads": tape.gradient(y, [a, b, x])}


def case_betainc_float32(tf):
    return _betainc_grid(tf, tf.float32)


def case_betainc_float64(tf):
    return _betainc_grid(tf, tf.float64)


def case_betainc_large_parameters_float32(tf):
    return tf.math.betainc(tf.constant([500.0]), tf.constant([300.0]), tf.constant([0.6]))


def case_betainc_large_parameters_float64(tf):
    return tf.math.betainc(tf.constant([500.0], tf.float64), tf.constant([300.0], tf.float64),
                           tf.constant([0.6], tf.float64))


def case_betainc_edges_and_scalars(tf):
    a = tf.constant([1.0, 0.0, -1.0, 2.0, 2.0, 2.0, 2.0, 2.0, np.nan])
    b = tf.constant([1.0, 1.0, 1.0, 0.0, 3.0, 3.0, 3.0, 3.0, 1.0])
    x = tf.constant([0.5, 0.5, 0.5, 0.5, -0.1, 0.0, 1.0, 1.1, 0.5])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.betainc(a, b, x)
    return {"y": y, "dx": tape.gradient(y, x),
            "scalars": tf.math.betainc(2.0, 3.0, tf.constant([0.25, 0.5])),
            "scalar_x": tf.math.betainc(tf.constant([2.0, 3.0]), tf.constant([1.0, 2.0]), 0.4)}


def case_betainc_second_derivative(tf):
    a, b, x = tf.constant([2.0, 0.5]), tf.constant([3.0, 4.0]), tf.constant([0.3, 0.6])
    with tf.GradientTape(persistent=True) as outer:
        outer.watch([a, x])
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.math.betainc(a, b, x)
        dx = inner.gradient(y, x)
    return {"dx": dx, "dxx": outer.gradient(dx, x), "dxa": outer.gradient(dx, a)}


def case_betainc_errors(tf):
    return {
        "shapes": _raises(lambda: tf.math.betainc(tf.constant([1.0]), tf.constant([1.0, 2.0]),
                                                  tf.constant([0.5, 0.5]))),
        "shapes_x": _raises(lambda: tf.math.betainc(tf.constant([[1.0], [2.0]]), 2.0,
                                                    tf.constant([0.25, 0.5]))),
        "int": _raises(lambda: tf.math.betainc(tf.constant([1]), tf.constant([1]),
                                               tf.constant([1]))),
    }
