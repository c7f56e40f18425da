"""`tf.data.Dataset` cases: sources, transformations, element structure, dtypes,
cardinality, `len`, `element_spec` text, iteration and its errors.

Shuffled output is compared as a permutation (sorted): TF's random stream cannot be
reproduced. Answers live in `golden/cases_data.json`, recorded from TensorFlow 2.21.
"""

from __future__ import annotations

import collections

import numpy as np

Point = collections.namedtuple("Point", ["x", "y"])


def case_data_from_tensor_slices_list(tf):
    return list(tf.data.Dataset.from_tensor_slices([1, 2, 3]))


def case_data_from_tensor_slices_float_matrix(tf):
    return list(tf.data.Dataset.from_tensor_slices([[1.0, 2.0], [3.0, 4.0]]))


def case_data_from_tensor_slices_numpy_float64(tf):
    return list(tf.data.Dataset.from_tensor_slices(np.arange(4.0).reshape(2, 2)))


def case_data_from_tensor_slices_tuple(tf):
    return list(tf.data.Dataset.from_tensor_slices(([1.0, 2.0], [3, 4])))


def case_data_from_tensor_slices_dict(tf):
    ds = tf.data.Dataset.from_tensor_slices({"b": [1, 2], "a": [[1.0], [2.0]]})
    return {"elements": list(ds), "keys": [list(e) for e in ds]}


def case_data_from_tensor_slices_namedtuple(tf):
    ds = tf.data.Dataset.from_tensor_slices(Point(x=[1, 2], y=[3.0, 4.0]))
    return list(ds)


def case_data_from_tensor_slices_tensor(tf):
    return list(tf.data.Dataset.from_tensor_slices(tf.constant([[1, 2], [3, 4]], tf.int64)))


def case_data_from_tensor_slices_mismatch(tf):
    tf.data.Dataset.from_tensor_slices(([1, 2], [1, 2, 3]))


def case_data_from_tensors(tf):
    ds = tf.data.Dataset.from_tensors(([1, 2], 3.0))
    return {"elements": list(ds), "len": len(ds)}


def case_data_range_forms(tf):
    D = tf.data.Dataset
    return [list(D.range(3)), list(D.range(2, 5)), list(D.range(5, 0, -2)),
            list(D.range(3, output_type=tf.int32)), list(D.range(0))]


def case_data_batch(tf):
    return list(tf.data.Dataset.range(7).batch(3))


def case_data_batch_drop_remainder(tf):
    ds = tf.data.Dataset.range(7).batch(3, drop_remainder=True)
    return {"elements": list(ds), "len": len(ds)}


def case_data_batch_structure(tf):
    ds = tf.data.Dataset.from_tensor_slices(({"x": [1.0, 2.0, 3.0]}, [1, 0, 1])).batch(2)
    return list(ds)


def case_data_batch_zero(tf):
    tf.data.Dataset.range(3).batch(0)


def case_data_map_unpacks_tuple(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1.0, 2.0], [3.0, 4.0]))
    return list(ds.map(lambda x, y: x + y))


def case_data_map_dict_argument(tf):
    ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [10, 20]})
    return list(ds.map(lambda d: d["a"] * d["b"]))


def case_data_map_returns_list_as_tuple(tf):
    return list(tf.data.Dataset.range(2).map(lambda x: [x, x * 2]))


def case_data_map_python_constant(tf):
    return list(tf.data.Dataset.range(2).map(lambda x: 1.5))


def case_data_map_cast(tf):
    return list(tf.data.Dataset.range(3).map(lambda x: tf.cast(x, tf.float32) / 2))


def case_data_filter(tf):
    ds = tf.data.Dataset.range(10).filter(lambda x: x % 3 == 0)
    return {"elements": list(ds), "cardinality": ds.cardinality()}


def case_data_filter_non_bool(tf):
    tf.data.Dataset.range(3).filter(lambda x: x)


def case_data_filter_non_bool_message(tf):
    try:
        tf.data.Dataset.range(3).filter(lambda x: x)
    except ValueError as e:
        return str(e)


def case_data_take_skip(tf):
    D = tf.data.Dataset
    return [list(D.range(5).take(2)), list(D.range(5).skip(3)), list(D.range(5).take(-1)),
            list(D.range(5).skip(-1)), list(D.range(5).take(10))]


def case_data_repeat(tf):
    return [list(tf.data.Dataset.range(2).repeat(3)),
            list(tf.data.Dataset.range(2).repeat().take(5))]


def case_data_shuffle_is_permutation(tf):
    ds = tf.data.Dataset.range(20).shuffle(5, seed=3)
    first = sorted(int(x) for x in ds)
    second = sorted(int(x) for x in ds)
    return {"first": first, "second": second, "len": len(ds)}


def case_data_shuffle_buffer_one_keeps_order(tf):
    return list(tf.data.Dataset.range(5).shuffle(1))


def case_data_shuffle_fixed_seed_no_reshuffle_repeats(tf):
    ds = tf.data.Dataset.range(10).shuffle(10, seed=7, reshuffle_each_iteration=False)
    a = [int(x) for x in ds]
    b = [int(x) for x in ds]
    return {"same": a == b, "sorted": sorted(a)}


def case_data_prefetch_cache(tf):
    ds = tf.data.Dataset.range(4).map(lambda x: x * x).cache().prefetch(tf.data.AUTOTUNE)
    return [list(ds), list(ds)]


def case_data_zip(tf):
    a = tf.data.Dataset.range(3)
    b = tf.data.Dataset.from_tensor_slices([10.0, 20.0])
    return [list(tf.data.Dataset.zip((a, b))), list(tf.data.Dataset.zip(a, b)),
            list(tf.data.Dataset.zip({"a": a, "b": b}))]


def case_data_enumerate(tf):
    return list(tf.data.Dataset.from_tensor_slices([5, 6]).enumerate(start=3))


def case_data_concatenate_unbatch_reduce(tf):
    D = tf.data.Dataset
    return {
        "concat": list(D.range(2).concatenate(D.range(5, 7))),
        "unbatch": list(D.range(5).batch(2).unbatch()),
        "reduce": D.range(5).reduce(tf.constant(0, tf.int64), lambda s, x: s + x),
    }


def case_data_cardinality(tf):
    D = tf.data.Dataset
    datasets = [D.range(10), D.range(10).batch(3), D.range(10).batch(3, drop_remainder=True),
                D.range(3).repeat(), D.range(3).repeat(2), D.range(3).repeat().take(4),
                D.range(3).filter(lambda x: x > 0), D.range(3).filter(lambda x: x > 0).take(2),
                D.range(10).skip(20), D.range(3).repeat(0), D.range(0).repeat(),
                D.zip((D.range(3).repeat(), D.range(4))), D.range(3).concatenate(D.range(2)),
                D.range(3).shuffle(2), D.range(3).map(lambda x: x), D.range(3).enumerate()]
    return [int(d.cardinality()) for d in datasets]


def case_data_cardinality_tensor(tf):
    return tf.data.Dataset.range(4).cardinality()


def case_data_len_infinite(tf):
    try:
        len(tf.data.Dataset.range(3).repeat())
    except TypeError as e:
        return str(e)


def case_data_len_unknown(tf):
    try:
        len(tf.data.Dataset.range(3).filter(lambda x: x > 0))
    except TypeError as e:
        return str(e)


def case_data_constants(tf):
    return [tf.data.AUTOTUNE, tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY,
            tf.data.experimental.AUTOTUNE]


def case_data_as_numpy_iterator(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2], [[1.0, 2.0], [3.0, 4.0]]))
    out = list(ds.as_numpy_iterator())
    return {"values": out, "types": [[type(a).__name__ for a in e] for e in out],
            "repr": repr(list(tf.data.Dataset.range(2).as_numpy_iterator()))}


def case_data_element_spec_text(tf):
    D = tf.data.Dataset
    return [repr(D.from_tensor_slices([1, 2]).element_spec),
            repr(D.range(5).batch(2).element_spec),
            repr(D.range(5).batch(2, drop_remainder=True).element_spec),
            repr(D.from_tensor_slices(({"a": [1.0]}, [[1, 2]])).element_spec),
            repr(D.from_tensor_slices(np.ones((2, 3))).element_spec),
            repr(D.zip(D.range(2), D.range(3)).element_spec)]


def case_data_dataset_repr(tf):
    D = tf.data.Dataset
    return [repr(D.from_tensor_slices([1, 2])), repr(D.from_tensors(1.0)), repr(D.range(3)),
            repr(D.range(3).batch(2)), repr(D.range(3).shuffle(2)), repr(D.range(3).take(1)),
            repr(D.range(3).skip(1)), repr(D.range(3).repeat()), repr(D.range(3).prefetch(1)),
            repr(D.range(3).cache()), repr(D.zip(D.range(2), D.range(2))),
            repr(D.range(3).map(lambda x: x + 1))]


def case_data_iterator_get_next(tf):
    it = iter(tf.data.Dataset.range(2))
    first = it.get_next()
    second = next(it)
    try:
        it.get_next()
    except tf.errors.OutOfRangeError:
        end = "OutOfRangeError"
    return [first, second, end, next(it, "exhausted")]


def case_data_reiterable(tf):
    ds = tf.data.Dataset.range(3).map(lambda x: x + 1)
    return [list(ds), list(ds)]


def case_data_training_loop_with_tape(tf):
    xs = tf.constant([[0.0], [1.0], [2.0], [3.0]])
    ys = 2.0 * xs + 1.0
    ds = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(2)
    w = tf.Variable([[0.5]])
    b = tf.Variable([0.0])
    losses = []
    for _ in range(3):
        for x, y in ds:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
            dw, db = tape.gradient(loss, [w, b])
            w.assign_sub(0.1 * dw)
            b.assign_sub(0.1 * db)
            losses.append(loss)
    return {"w": w, "b": b, "losses": losses}


def case_data_get_next_as_optional(tf):
    it = iter(tf.data.Dataset.from_tensor_slices(([1, 2], [3.0, 4.0])).batch(2))
    first = it.get_next_as_optional()
    last = it.get_next_as_optional()
    try:
        last.get_value()
        empty_get = "returned"
    except Exception as e:  # noqa: BLE001 - the class is the answer
        empty_get = type(e).__name__
    return {"has": first.has_value(), "value": first.get_value(), "empty": last.has_value(),
            "empty_get": empty_get, "spec": str(last.element_spec)}
