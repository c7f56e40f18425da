"""`tf.data` regrouping and resampling cases: `Dataset.rebatch`,
`tf.data.experimental.group_by_reducer` with its `Reducer`, `from_list`,
`pad_to_cardinality`, and the deterministic forms of `Dataset.rejection_resample`
(a target equal to the input's distribution gives the input; a target that rejects a
class entirely filters it out). Element specs are compared by their reprs. Answers
live in `golden/cases_data_regroup.json`, recorded from TensorFlow 2.21.
"""

from __future__ import annotations

from tests.conformance.harness import raises as _raises


def _lists(ds):
    """Each element of `ds` as a plain (nested) Python list."""
    return [x.tolist() for x in ds.as_numpy_iterator()]


def _pairs(ds):
    """Each `(class, value)` element of `ds` as a pair of plain Python values."""
    return [[c.tolist(), v.tolist()] for c, v in ds.as_numpy_iterator()]


# ---------------------------------------------------------------------------
# rebatch


def case_rebatch_sizes_and_remainders(tf):
    ds = tf.data.Dataset.range(10)
    out = {}
    for label, base in (("unknown", ds.batch(4)), ("five", ds.batch(5, drop_remainder=True)),
                        ("four", ds.batch(4, drop_remainder=True)), ("three", ds.batch(3))):
        out[label] = {
            "two": _lists(base.rebatch(2)),
            "cycled": _lists(base.rebatch([2, 1, 1])),
            "three_drop": _lists(base.rebatch(3, drop_remainder=True)),
            "four": _lists(base.rebatch(4)),
            "four_two": _lists(base.rebatch([4, 2])),
        }
    return out


def case_rebatch_element_specs(tf):
    ds = tf.data.Dataset.range(10)
    return [repr(base.rebatch(*args).element_spec)
            for base in (ds.batch(4), ds.batch(5, drop_remainder=True),
                         ds.batch(4, drop_remainder=True))
            for args in ((2,), ([2, 1, 1],), (3, True), ([2, 2],))]


def case_rebatch_structured(tf):
    ds = tf.data.Dataset.from_tensor_slices(
        ({"a": tf.reshape(tf.range(12), [6, 2])}, tf.range(6.0))).batch(4)
    out = ds.rebatch(3)
    return {"elements": [[x["a"].tolist(), y.tolist()] for x, y in out.as_numpy_iterator()],
            "spec": repr(out.element_spec), "cardinality": int(out.cardinality())}


def case_rebatch_errors(tf):
    ds = tf.data.Dataset.range(10)
    return {"scalar_elements": _raises(lambda: ds.rebatch(2)),
            "rank_two_sizes": _raises(lambda: ds.batch(2).rebatch([[1]]))}


# ---------------------------------------------------------------------------
# group_by_reducer


def case_group_by_reducer_sums_in_key_order(tf):
    reducer = tf.data.experimental.Reducer(
        init_func=lambda key: tf.constant(0, tf.int64),
        reduce_func=lambda state, x: state + x,
        finalize_func=lambda state: state)
    ds = tf.data.Dataset.range(10).apply(
        tf.data.experimental.group_by_reducer(lambda x: x % 3, reducer))
    return {"sums": _lists(ds), "spec": repr(ds.element_spec)}


def case_group_by_reducer_tuple_state_to_dict(tf):
    # Keys first seen 0, 3, 2, 1: TF gives them in increasing order.
    reducer = tf.data.experimental.Reducer(
        init_func=lambda key: (key, tf.constant(0, tf.int64)),
        reduce_func=lambda state, x: (state[0], state[1] + x),
        finalize_func=lambda key, total: {"key": key, "total": total})
    ds = tf.data.Dataset.range(10).apply(
        tf.data.experimental.group_by_reducer(lambda x: (x * 7) % 4, reducer))
    return [{k: v.tolist() for k, v in x.items()} for x in ds.as_numpy_iterator()]


# ---------------------------------------------------------------------------
# from_list and pad_to_cardinality


def case_from_list_structures(tf):
    pairs = tf.data.experimental.from_list([(1, 2.0), (3, 4.0)])
    ragged = tf.data.experimental.from_list([[1, 2], [3]])
    dicts = tf.data.experimental.from_list([{"x": [1.0, 2.0]}, {"x": [3.0, 4.0]}])
    return {
        "pairs": [[a.tolist(), b.tolist()] for a, b in pairs.as_numpy_iterator()],
        "pairs_spec": repr(pairs.element_spec),
        "cardinality": int(pairs.cardinality()),
        "ragged": _lists(ragged), "ragged_spec": repr(ragged.element_spec),
        "dicts": [x["x"].tolist() for x in dicts.as_numpy_iterator()],
        "empty": _raises(lambda: tf.data.experimental.from_list([])),
    }


def case_pad_to_cardinality(tf):
    ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3], "b": [[1.0, 2.0]] * 3})
    padded = ds.apply(tf.data.experimental.pad_to_cardinality(5))
    masked = ds.apply(tf.data.experimental.pad_to_cardinality(4, mask_key="real"))
    return {
        "elements": [{k: v.tolist() for k, v in x.items()} for x in padded.as_numpy_iterator()],
        "spec": repr(padded.element_spec),
        "cardinality": int(padded.cardinality()),
        "mask_key": [bool(x["real"]) for x in masked.as_numpy_iterator()],
        "too_many": _raises(lambda: ds.apply(tf.data.experimental.pad_to_cardinality(2))),
        "not_dicts": _raises(lambda: tf.data.Dataset.range(2).apply(
            tf.data.experimental.pad_to_cardinality(3))),
        "unknown": _raises(lambda: ds.filter(lambda x: True).apply(
            tf.data.experimental.pad_to_cardinality(5))),
    }


# ---------------------------------------------------------------------------
# rejection_resample (its deterministic forms)


def case_rejection_resample_target_equals_initial(tf):
    ds = tf.data.Dataset.range(8).map(lambda x: x % 2)
    out = ds.rejection_resample(lambda x: tf.cast(x, tf.int32), [0.5, 0.5],
                                initial_dist=[0.5, 0.5], seed=1)
    return {"pairs": _pairs(out), "spec": repr(out.element_spec)}


def case_rejection_resample_rejects_a_class(tf):
    ds = tf.data.Dataset.range(8).map(lambda x: x % 2)
    out = ds.rejection_resample(lambda x: tf.cast(x, tf.int32), [0.0, 1.0],
                                initial_dist=[0.5, 0.5], seed=1)
    return {"pairs": _pairs(out), "spec": repr(out.element_spec)}


def case_rejection_resample_tuple_elements(tf):
    ds = tf.data.Dataset.from_tensor_slices(([0, 1, 1, 0], [5.0, 6.0, 7.0, 8.0]))
    out = ds.rejection_resample(lambda c, v: c, [0.5, 0.5], initial_dist=[0.5, 0.5])
    return {"elements": [[c.tolist(), [x.tolist() for x in v]]
                         for c, v in out.as_numpy_iterator()],
            "spec": repr(out.element_spec)}
