"""`tf.Variable`'s sparse updates against TensorFlow 2.21: `scatter_update/add/sub/mul/
div/max/min` with repeated rows, on vectors and matrices, `scatter_nd_update/add/sub`,
their errors (not an `IndexedSlices`, an index out of range, another dtype), and a
tape across a scatter (reads before it keep their value). Answers live in
`golden/cases_variable_scatter.json`.
"""

from __future__ import annotations

import numpy as np


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are the answer
        text = str(e).split("}} ")[-1].split(" name:")[0]
        return f"{type(e).__name__}: {text}"
    return "returned"


def case_scatter_sequence(tf):
    v = tf.Variable(np.arange(6, dtype=np.float32))
    steps = {}

    def delta(values, indices):
        return tf.IndexedSlices(tf.constant(values), tf.constant(indices))

    steps["add"] = tf.identity(v.scatter_add(delta([1.0, 2.0, 3.0], [1, 1, 4])))
    steps["mul"] = tf.identity(v.scatter_mul(delta([2.0, 3.0], [1, 1])))
    steps["div"] = tf.identity(v.scatter_div(delta([2.0, 4.0], [2, 2])))
    steps["max"] = tf.identity(v.scatter_max(delta([10.0, -1.0, 3.0], [0, 5, 0])))
    steps["min"] = tf.identity(v.scatter_min(delta([-10.0], [3])))
    steps["update"] = tf.identity(v.scatter_update(delta([7.0], [2])))
    steps["sub"] = tf.identity(v.scatter_sub(delta([1.0, 1.0], [4, 4])))
    steps["nd_update"] = tf.identity(v.scatter_nd_update([[0], [5]], [0.5, 0.25]))
    steps["nd_add"] = tf.identity(v.scatter_nd_add([[1], [1]], [1.0, 2.0]))
    steps["nd_sub"] = tf.identity(v.scatter_nd_sub([[2]], [1.0]))
    return steps


def case_scatter_matrix(tf):
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2))
    rows = tf.identity(w.scatter_update(tf.IndexedSlices(tf.constant([[9.0, 9.0]]),
                                                         tf.constant([1]))))
    element = tf.identity(w.scatter_nd_update([[0, 1]], [5.0]))
    added = tf.identity(w.scatter_add(tf.IndexedSlices(tf.ones([2, 2]), tf.constant([2, 2]))))
    return {"rows": rows, "element": element, "added": added}


def case_scatter_errors(tf):
    v = tf.Variable(np.arange(6, dtype=np.float32))
    return {
        "not_indexed_slices": _error(lambda: v.scatter_add([1.0])),
        "out_of_range": _error(lambda: v.scatter_add(
            tf.IndexedSlices(tf.constant([1.0]), tf.constant([7])))),
        "nd_out_of_range": _error(lambda: v.scatter_nd_add([[9]], [1.0])),
        "dtype": _error(lambda: v.scatter_add(
            tf.IndexedSlices(tf.constant([1], tf.int32), tf.constant([0])))).split(":")[0],
        "unchanged": tf.identity(v),
    }


def case_scatter_inside_a_tape(tf):
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = x * 2.0
        x.scatter_add(tf.IndexedSlices(tf.constant([1.0]), tf.constant([0])))
        z = tf.reduce_sum(x * y)
    return {"z": z, "grad": tape.gradient(z, x)}
