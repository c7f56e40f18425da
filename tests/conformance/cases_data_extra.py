"""More `tf.data.Dataset` cases: `padded_batch`, `interleave`, `shard`,
`sample_from_datasets` / `choose_from_datasets`, `scan`, `take_while`, `unique`,
`get_single_element`, `counter`, `Options`, and the `tf.data.experimental` forms.

Random draws are compared only where they are deterministic (a weight of 0, a single
dataset) or as a multiset (sorted values). Answers live in
`golden/cases_data_extra.json`, recorded from TensorFlow 2.21.
"""

from __future__ import annotations

import re

from tests.conformance.harness import raises as _raises


def _message(fn):
    """The core text of the error `fn` raises, without TF's op-name decorations."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the answer
        text = getattr(e, "message", None) or str(e)
        text = re.sub(r"^\{\{function_node [^}]*\}\}\s*", "", text)
        text = re.sub(r"\s*\[Op:\w+\]( name: \S*)?\s*$", "", text)
        return f"{type(e).__name__}: {text}"
    return "returned"


def _ragged(tf):
    """Elements [1], [2, 2], [3, 3, 3], [4, 4, 4, 4] (int64, shape [None])."""
    return tf.data.Dataset.range(1, 5).map(lambda x: tf.fill([x], x))


# ---------------------------------------------------------------------------
# padded_batch


def case_data_padded_batch_basic(tf):
    ds = _ragged(tf).padded_batch(2)
    return {"elements": list(ds), "spec": repr(ds.element_spec),
            "cardinality": ds.cardinality()}


def case_data_padded_batch_remainder(tf):
    ds = _ragged(tf).padded_batch(3)
    dropped = _ragged(tf).padded_batch(3, drop_remainder=True)
    return {"elements": list(ds), "cardinality": int(ds.cardinality()),
            "dropped": list(dropped), "dropped_cardinality": int(dropped.cardinality()),
            "dropped_spec": repr(dropped.element_spec)}


def case_data_padded_batch_fixed_shape(tf):
    ds = _ragged(tf).padded_batch(2, padded_shapes=[5])
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_data_padded_batch_none_shape(tf):
    ds = _ragged(tf).padded_batch(2, padded_shapes=[None])
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_data_padded_batch_tensor_shape_arg(tf):
    ds = _ragged(tf).padded_batch(2, padded_shapes=tf.TensorShape([4]))
    return list(ds)


def case_data_padded_batch_scalar_padding_value(tf):
    ds = _ragged(tf).padded_batch(2, padding_values=tf.constant(-1, tf.int64))
    return list(ds)


def case_data_padded_batch_python_padding_value(tf):
    # A Python int becomes an int32 tensor: fine for int32 components, a TypeError
    # (at construction) for int64 or float32 ones.
    ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], tf.cast(x, tf.int32)))
    floats = ds.map(lambda v: tf.cast(v, tf.float32))
    return {"int32": list(ds.padded_batch(4, padded_shapes=[5], padding_values=9)),
            "int64": _raises(lambda: _ragged(tf).padded_batch(2, padding_values=9)),
            "float32": _raises(lambda: floats.padded_batch(2, padding_values=9))}


def case_data_padded_batch_float(tf):
    ds = tf.data.Dataset.range(1, 4).map(
        lambda x: tf.ones([x], tf.float32) * tf.cast(x, tf.float32))
    return {"elements": list(ds.padded_batch(2, padding_values=0.5)),
            "spec": repr(ds.padded_batch(2).element_spec)}


def case_data_padded_batch_2d(tf):
    ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x, 4 - x], tf.cast(x, tf.int32)))
    out = ds.padded_batch(3)
    fixed = ds.padded_batch(3, padded_shapes=[None, 4])
    return {"elements": list(out), "spec": repr(out.element_spec),
            "fixed": list(fixed), "fixed_spec": repr(fixed.element_spec)}


def case_data_padded_batch_scalars(tf):
    ds = tf.data.Dataset.range(5).padded_batch(2)
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_data_padded_batch_tuple(tf):
    ds = _ragged(tf).map(lambda v: (v, tf.size(v)))
    out = ds.padded_batch(2)
    return {"elements": list(out), "spec": repr(out.element_spec)}


def case_data_padded_batch_tuple_shapes_and_values(tf):
    ds = _ragged(tf).map(lambda v: (v, tf.cast(v, tf.float32)))
    out = ds.padded_batch(2, padded_shapes=([4], [None]),
                          padding_values=(tf.constant(-1, tf.int64), tf.constant(0.5)))
    return {"elements": list(out), "spec": repr(out.element_spec)}


def case_data_padded_batch_dict(tf):
    ds = _ragged(tf).map(lambda v: {"ids": v, "len": tf.size(v)})
    out = ds.padded_batch(2, padded_shapes={"ids": [5], "len": []},
                          padding_values={"ids": tf.constant(7, tf.int64), "len": 0})
    return {"elements": list(out), "spec": repr(out.element_spec)}


def case_data_padded_batch_dict_default(tf):
    ds = _ragged(tf).map(lambda v: {"ids": v, "len": tf.size(v)})
    return list(ds.padded_batch(3))


def case_data_padded_batch_shape_too_small(tf):
    return _raises(lambda: list(_ragged(tf).padded_batch(2, padded_shapes=[2])))


def case_data_padded_batch_shape_too_small_first_batch_ok(tf):
    # The first batch ([1], [2, 2]) fits in 2; the second does not.
    it = iter(_ragged(tf).padded_batch(2, padded_shapes=[2]))
    first = next(it)
    return {"first": first, "second": _raises(lambda: next(it))}


def case_data_padded_batch_shape_rank_mismatch(tf):
    return _raises(lambda: _ragged(tf).padded_batch(2, padded_shapes=[None, None]))


def case_data_padded_batch_wrong_padding_dtype(tf):
    return _raises(lambda: _ragged(tf).padded_batch(
        2, padding_values=tf.constant(1.0, tf.float32)))


def case_data_padded_batch_nonscalar_padding_value(tf):
    return _raises(lambda: _ragged(tf).padded_batch(
        2, padding_values=tf.constant([1, 2], tf.int64)))


def case_data_padded_batch_zero_batch(tf):
    # Raised when the dataset is built, not when it is iterated.
    return [_raises(lambda: _ragged(tf).padded_batch(0)),
            _raises(lambda: _ragged(tf).padded_batch(-1))]


def case_data_padded_batch_cardinality(tf):
    D = tf.data.Dataset
    return [int(D.range(10).padded_batch(3).cardinality()),
            int(D.range(10).padded_batch(3, drop_remainder=True).cardinality()),
            int(D.range(10).padded_batch(5).cardinality()),
            int(D.range(3).repeat().padded_batch(2).cardinality()),
            int(D.range(3).filter(lambda x: x > 0).padded_batch(2).cardinality()),
            int(D.range(0).padded_batch(2).cardinality())]


# ---------------------------------------------------------------------------
# interleave


def _inner(tf):
    # Element x gives a dataset of x copies of x: 1 -> [1], 2 -> [2, 2], ...
    return lambda x: tf.data.Dataset.from_tensors(x).repeat(x)


def case_data_interleave_cycle2_block1(tf):
    ds = tf.data.Dataset.range(1, 5).interleave(_inner(tf), cycle_length=2, block_length=1)
    return {"elements": [int(v) for v in ds], "cardinality": int(ds.cardinality()),
            "spec": repr(ds.element_spec)}


def case_data_interleave_cycle2_block2(tf):
    ds = tf.data.Dataset.range(1, 5).interleave(_inner(tf), cycle_length=2, block_length=2)
    return [int(v) for v in ds]


def case_data_interleave_cycle3_block1(tf):
    ds = tf.data.Dataset.range(1, 6).interleave(_inner(tf), cycle_length=3, block_length=1)
    return [int(v) for v in ds]


def case_data_interleave_cycle3_block2(tf):
    ds = tf.data.Dataset.range(1, 6).interleave(_inner(tf), cycle_length=3, block_length=2)
    return [int(v) for v in ds]


def case_data_interleave_ranges(tf):
    ds = tf.data.Dataset.from_tensor_slices([3, 1, 4, 2]).map(lambda x: tf.cast(x, tf.int64))
    ds = ds.interleave(lambda n: tf.data.Dataset.range(n * 10, n * 10 + n),
                       cycle_length=2, block_length=2)
    return [int(v) for v in ds]


def case_data_interleave_cycle1(tf):
    ds = tf.data.Dataset.range(1, 4).interleave(lambda x: tf.data.Dataset.range(x),
                                                cycle_length=1)
    return [int(v) for v in ds]


def case_data_interleave_cycle_larger_than_input(tf):
    ds = tf.data.Dataset.range(1, 4).interleave(lambda x: tf.data.Dataset.range(x),
                                                cycle_length=5, block_length=1)
    return [int(v) for v in ds]


def case_data_interleave_parallel_deterministic(tf):
    ds = tf.data.Dataset.range(1, 5).interleave(_inner(tf), cycle_length=2, block_length=1,
                                                num_parallel_calls=2, deterministic=True)
    return [int(v) for v in ds]


def case_data_interleave_parallel_autotune_deterministic(tf):
    ds = tf.data.Dataset.range(1, 5).interleave(_inner(tf), cycle_length=3, block_length=2,
                                                num_parallel_calls=tf.data.AUTOTUNE,
                                                deterministic=True)
    return [int(v) for v in ds]


def case_data_interleave_nondeterministic_multiset(tf):
    ds = tf.data.Dataset.range(1, 5).interleave(_inner(tf), cycle_length=2,
                                                num_parallel_calls=2, deterministic=False)
    return sorted(int(v) for v in ds)


def case_data_interleave_tuple_elements(tf):
    ds = tf.data.Dataset.range(1, 3).interleave(
        lambda x: tf.data.Dataset.range(x).map(lambda y: (x, y)), cycle_length=2)
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_data_interleave_from_tensor_slices(tf):
    ds = tf.data.Dataset.from_tensor_slices([[1, 2, 3], [4, 5, 6]])
    ds = ds.interleave(tf.data.Dataset.from_tensor_slices, cycle_length=2)
    return list(ds)


def case_data_interleave_cardinality(tf):
    D = tf.data.Dataset
    return [int(D.range(3).interleave(lambda x: D.range(2), cycle_length=2).cardinality()),
            int(D.range(0).interleave(lambda x: D.range(2), cycle_length=2).cardinality()),
            int(D.range(3).repeat().interleave(lambda x: D.range(2),
                                               cycle_length=2).cardinality())]


# ---------------------------------------------------------------------------
# shard


def case_data_shard_values(tf):
    D = tf.data.Dataset
    return {"0of3": [int(v) for v in D.range(10).shard(3, 0)],
            "1of3": [int(v) for v in D.range(10).shard(3, 1)],
            "2of3": [int(v) for v in D.range(10).shard(3, 2)],
            "1of1": [int(v) for v in D.range(4).shard(1, 0)],
            "more_shards": [int(v) for v in D.range(3).shard(5, 4)]}


def case_data_shard_cardinality(tf):
    D = tf.data.Dataset
    return [int(D.range(10).shard(3, 0).cardinality()),
            int(D.range(10).shard(3, 1).cardinality()),
            int(D.range(10).shard(3, 2).cardinality()),
            int(D.range(3).shard(5, 4).cardinality()),
            int(D.range(3).repeat().shard(2, 0).cardinality()),
            int(D.range(6).filter(lambda x: x > 0).shard(2, 0).cardinality())]


def case_data_shard_tuple(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3, 4], [1.0, 2.0, 3.0, 4.0])).shard(2, 1)
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_data_shard_index_too_large(tf):
    # Raised when the dataset is built.
    return _raises(lambda: tf.data.Dataset.range(10).shard(3, 3))


def case_data_shard_negative_index(tf):
    # Raised when the dataset is built.
    return _raises(lambda: tf.data.Dataset.range(10).shard(3, -1))


def case_data_shard_zero_shards(tf):
    # Raised when the dataset is built.
    return _raises(lambda: tf.data.Dataset.range(10).shard(0, 0))


# ---------------------------------------------------------------------------
# sample_from_datasets / choose_from_datasets


def case_data_sample_weight_zero(tf):
    D = tf.data.Dataset
    ds = D.sample_from_datasets([D.range(3), D.range(10, 15)], weights=[1.0, 0.0], seed=1)
    return {"elements": [int(v) for v in ds], "spec": repr(ds.element_spec),
            "cardinality": int(ds.cardinality())}


def case_data_sample_weight_zero_first(tf):
    D = tf.data.Dataset
    ds = D.sample_from_datasets([D.range(3), D.range(10, 14)], weights=[0.0, 1.0], seed=1)
    return [int(v) for v in ds]


def case_data_sample_single_dataset(tf):
    D = tf.data.Dataset
    ds = D.sample_from_datasets([D.range(4)], seed=5)
    return {"elements": [int(v) for v in ds], "cardinality": int(ds.cardinality())}


def case_data_sample_multiset(tf):
    D = tf.data.Dataset
    ds = D.sample_from_datasets([D.range(4), D.range(100, 103)], weights=[0.5, 0.5], seed=3)
    return sorted(int(v) for v in ds)


def case_data_sample_multiset_no_weights(tf):
    D = tf.data.Dataset
    ds = D.sample_from_datasets([D.range(3), D.range(10, 12), D.range(20, 21)], seed=3)
    return sorted(int(v) for v in ds)


def case_data_sample_stop_on_empty_weight_zero(tf):
    # Only the first dataset is drawn; it runs out after 3 values and the stop ends it.
    D = tf.data.Dataset
    ds = D.sample_from_datasets([D.range(3), D.range(10, 15)], weights=[1.0, 0.0], seed=1,
                                stop_on_empty_dataset=True)
    return [int(v) for v in ds]


def case_data_sample_cardinality(tf):
    D = tf.data.Dataset
    return [int(D.sample_from_datasets([D.range(3), D.range(4)], seed=1).cardinality()),
            int(D.sample_from_datasets([D.range(3).repeat(), D.range(4).repeat()],
                                       seed=1).cardinality()),
            int(D.sample_from_datasets([D.range(3), D.range(4)], seed=1,
                                       stop_on_empty_dataset=True).cardinality())]


def case_data_sample_tuple_elements(tf):
    D = tf.data.Dataset
    a = D.from_tensor_slices(([1, 2], [1.0, 2.0]))
    b = D.from_tensor_slices(([3], [3.0]))
    ds = D.sample_from_datasets([a, b], weights=[1.0, 0.0], seed=0)
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_data_sample_mismatched_structure(tf):
    D = tf.data.Dataset
    return _raises(lambda: D.sample_from_datasets(
        [D.range(3), D.from_tensor_slices([1.0, 2.0])], seed=0))


def case_data_sample_weights_wrong_length(tf):
    D = tf.data.Dataset
    return _raises(lambda: D.sample_from_datasets([D.range(3), D.range(3)],
                                                  weights=[1.0, 0.0, 0.0], seed=0))


def case_data_sample_int_weights(tf):
    D = tf.data.Dataset
    return _raises(lambda: D.sample_from_datasets([D.range(3), D.range(3)], weights=[1, 0]))


def case_data_sample_float64_tensor_weights(tf):
    # (A zero in a *tensor* of weights is not dropped: TF then loops forever once the
    # other inputs are exhausted, so no case does that.)
    D = tf.data.Dataset
    ds = D.sample_from_datasets([D.range(3), D.range(10, 13)],
                                weights=tf.constant([0.25, 0.75], tf.float64), seed=2)
    return {"sorted": sorted(int(v) for v in ds), "cardinality": int(ds.cardinality())}


def case_data_sample_list_weights_drop_nonpositive(tf):
    # A Python list of weights drops every dataset whose weight is not > 0; one left
    # is returned as is (exact cardinality); none left gives an empty dataset.
    D = tf.data.Dataset
    one = D.sample_from_datasets([D.range(3), D.range(10, 14)], weights=[-1.0, 1.0], seed=0)
    none = D.sample_from_datasets([D.range(3), D.range(10, 14)], weights=[0.0, 0.0], seed=0)
    three = D.sample_from_datasets([D.range(3), D.range(10, 12), D.range(20, 21)],
                                   weights=[0.5, 0.0, 0.5], seed=0)
    return {"one": [int(v) for v in one], "one_cardinality": int(one.cardinality()),
            "none": [int(v) for v in none], "none_cardinality": int(none.cardinality()),
            "three_sorted": sorted(int(v) for v in three),
            "three_cardinality": int(three.cardinality())}


def case_data_sample_empty_list(tf):
    return _raises(lambda: tf.data.Dataset.sample_from_datasets([]))


def case_data_experimental_sample_from_datasets(tf):
    D = tf.data.Dataset
    ds = tf.data.experimental.sample_from_datasets([D.range(3), D.range(10, 15)],
                                                   weights=[1.0, 0.0], seed=1)
    return [int(v) for v in ds]


def case_data_choose_basic(tf):
    D = tf.data.Dataset
    choice = D.from_tensor_slices(tf.constant([0, 1, 2, 0, 1, 2, 1], tf.int64))
    ds = D.choose_from_datasets([D.range(3), D.range(10, 13), D.range(20, 23)], choice)
    return {"elements": [int(v) for v in ds], "spec": repr(ds.element_spec),
            "cardinality": int(ds.cardinality())}


def case_data_choose_cycle(tf):
    D = tf.data.Dataset
    choice = D.range(3).repeat(2)
    ds = D.choose_from_datasets([D.range(2), D.range(10, 12), D.range(20, 22)], choice)
    return {"elements": [int(v) for v in ds], "cardinality": int(ds.cardinality())}


def case_data_choose_stop_on_empty_true(tf):
    # Dataset 0 has 2 values; the third choice of 0 ends the result.
    D = tf.data.Dataset
    choice = D.from_tensor_slices(tf.constant([0, 0, 1, 0, 1, 1], tf.int64))
    ds = D.choose_from_datasets([D.range(2), D.range(10, 20)], choice)
    return [int(v) for v in ds]


def case_data_choose_stop_on_empty_false(tf):
    # The exhausted dataset is skipped; the remaining choices go on.
    D = tf.data.Dataset
    choice = D.from_tensor_slices(tf.constant([0, 0, 1, 0, 1, 0, 1], tf.int64))
    ds = D.choose_from_datasets([D.range(2), D.range(10, 20)], choice,
                                stop_on_empty_dataset=False)
    return [int(v) for v in ds]


def case_data_choose_choice_runs_out(tf):
    D = tf.data.Dataset
    choice = D.from_tensor_slices(tf.constant([1, 0], tf.int64))
    ds = D.choose_from_datasets([D.range(5), D.range(10, 15)], choice)
    return [int(v) for v in ds]


def case_data_choose_out_of_range_index(tf):
    D = tf.data.Dataset
    choice = D.from_tensor_slices(tf.constant([0, 2], tf.int64))
    ds = D.choose_from_datasets([D.range(3), D.range(10, 13)], choice)
    return _raises(lambda: list(ds))


def case_data_choose_out_of_range_first_value(tf):
    D = tf.data.Dataset
    choice = D.from_tensor_slices(tf.constant([0, 2], tf.int64))
    it = iter(D.choose_from_datasets([D.range(3), D.range(10, 13)], choice))
    first = next(it)
    return {"first": first, "second": _raises(lambda: next(it))}


def case_data_choose_negative_index(tf):
    D = tf.data.Dataset
    choice = D.from_tensor_slices(tf.constant([-1], tf.int64))
    ds = D.choose_from_datasets([D.range(3), D.range(10, 13)], choice)
    return _raises(lambda: list(ds))


def case_data_choose_int32_choice(tf):
    D = tf.data.Dataset
    choice = D.from_tensor_slices(tf.constant([0, 1], tf.int32))
    return _raises(lambda: D.choose_from_datasets([D.range(3), D.range(10, 13)], choice))


def case_data_choose_float_choice(tf):
    D = tf.data.Dataset
    choice = D.from_tensor_slices([0.0, 1.0])
    return _raises(lambda: D.choose_from_datasets([D.range(3), D.range(10, 13)], choice))


def case_data_choose_nonscalar_choice(tf):
    D = tf.data.Dataset
    choice = D.from_tensor_slices(tf.constant([[0, 1]], tf.int64))
    return _raises(lambda: D.choose_from_datasets([D.range(3), D.range(10, 13)], choice))


def case_data_choose_empty_list(tf):
    choice = tf.data.Dataset.range(1)
    return _raises(lambda: tf.data.Dataset.choose_from_datasets([], choice))


def case_data_choose_mismatched_structure(tf):
    D = tf.data.Dataset
    return _raises(lambda: D.choose_from_datasets(
        [D.range(3), D.from_tensor_slices([1.0])], D.range(2)))


def case_data_experimental_choose_from_datasets(tf):
    D = tf.data.Dataset
    choice = D.from_tensor_slices(tf.constant([1, 0, 1], tf.int64))
    ds = tf.data.experimental.choose_from_datasets([D.range(3), D.range(10, 13)], choice)
    return [int(v) for v in ds]


def case_data_choose_cardinality(tf):
    D = tf.data.Dataset
    return [int(D.choose_from_datasets([D.range(3), D.range(4)], D.range(2)).cardinality()),
            int(D.choose_from_datasets([D.range(3), D.range(4)],
                                       D.range(2).repeat()).cardinality()),
            int(D.choose_from_datasets([D.range(3).repeat(), D.range(4).repeat()],
                                       D.range(2)).cardinality())]


# ---------------------------------------------------------------------------
# scan


def case_data_scan_running_sum(tf):
    ds = tf.data.Dataset.range(5).scan(tf.constant(0, tf.int64),
                                       lambda s, x: (s + x, s + x))
    return {"elements": list(ds), "cardinality": int(ds.cardinality()),
            "spec": repr(ds.element_spec)}


def case_data_scan_output_differs_from_state(tf):
    ds = tf.data.Dataset.range(1, 5).scan(tf.constant(1, tf.int64),
                                          lambda s, x: (s * x, tf.cast(s, tf.float32)))
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_data_scan_tuple_state(tf):
    # Fibonacci-like state (a, b) and a tuple output.
    ds = tf.data.Dataset.range(6).scan(
        (tf.constant(0, tf.int64), tf.constant(1, tf.int64)),
        lambda st, x: ((st[1], st[0] + st[1]), (x, st[0])))
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_data_scan_python_initial_state(tf):
    ds = tf.data.Dataset.from_tensor_slices([1.0, 2.0, 3.0]).scan(
        0.0, lambda s, x: (s + x, s * 10.0))
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_data_scan_tuple_element(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [10, 20, 30]))
    ds = ds.scan(tf.constant(0), lambda s, e: (s + e[0] * e[1], s))
    return list(ds)


def case_data_scan_state_dtype_change(tf):
    return _raises(lambda: tf.data.Dataset.range(3).scan(
        tf.constant(0, tf.int32), lambda s, x: (x, x)))


def case_data_scan_cardinality(tf):
    D = tf.data.Dataset
    f = lambda s, x: (s + x, x)  # noqa: E731
    zero = tf.constant(0, tf.int64)
    return [int(D.range(7).scan(zero, f).cardinality()),
            int(D.range(3).repeat().scan(zero, f).cardinality()),
            int(D.range(5).filter(lambda x: x > 1).scan(zero, f).cardinality())]


def case_data_experimental_scan(tf):
    ds = tf.data.Dataset.range(4).apply(
        tf.data.experimental.scan(tf.constant(0, tf.int64), lambda s, x: (s + x, s)))
    return list(ds)


# ---------------------------------------------------------------------------
# take_while


def case_data_take_while(tf):
    ds = tf.data.Dataset.range(10).take_while(lambda x: x < 4)
    return {"elements": list(ds), "cardinality": int(ds.cardinality()),
            "spec": repr(ds.element_spec)}


def case_data_take_while_stops_at_first_false(tf):
    ds = tf.data.Dataset.from_tensor_slices([1, 2, 5, 1, 2]).take_while(lambda x: x < 3)
    return list(ds)


def case_data_take_while_all_and_none(tf):
    D = tf.data.Dataset
    return [[int(v) for v in D.range(4).take_while(lambda x: x >= 0)],
            [int(v) for v in D.range(4).take_while(lambda x: x > 100)]]


def case_data_take_while_tuple(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [1.0, -1.0, 2.0]))
    return list(ds.take_while(lambda a, b: b > 0))


def case_data_take_while_infinite(tf):
    ds = tf.data.Dataset.range(3).repeat().take_while(lambda x: x < 2)
    return {"elements": [int(v) for v in ds], "cardinality": int(ds.cardinality())}


def case_data_take_while_non_bool(tf):
    return _raises(lambda: tf.data.Dataset.range(3).take_while(lambda x: x))


def case_data_take_while_nonscalar(tf):
    return _raises(lambda: tf.data.Dataset.range(3).take_while(lambda x: tf.stack([x > 0, x > 1])))


def case_data_take_while_cardinality(tf):
    D = tf.data.Dataset
    return [int(D.range(10).take_while(lambda x: x < 4).cardinality()),
            int(D.range(3).repeat().take_while(lambda x: x < 4).cardinality()),
            int(D.range(0).take_while(lambda x: x < 4).cardinality())]


def case_data_experimental_take_while(tf):
    ds = tf.data.Dataset.range(10).apply(tf.data.experimental.take_while(lambda x: x < 3))
    return list(ds)


# ---------------------------------------------------------------------------
# unique


def case_data_unique_int64(tf):
    ds = tf.data.Dataset.from_tensor_slices(tf.constant([3, 1, 3, 2, 1, 5, 2], tf.int64))
    out = ds.unique()
    return {"elements": list(out), "cardinality": int(out.cardinality()),
            "spec": repr(out.element_spec)}


def case_data_unique_int32(tf):
    ds = tf.data.Dataset.from_tensor_slices([4, 4, 0, -1, 0, 4]).unique()
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_data_unique_after_repeat(tf):
    ds = tf.data.Dataset.range(3).repeat(3).unique()
    return {"elements": list(ds), "cardinality": int(ds.cardinality())}


def case_data_unique_float32(tf):
    # Raised when the dataset is built.
    ds = tf.data.Dataset.from_tensor_slices([1.0, 1.0, 2.0])
    return _raises(lambda: ds.unique())


def case_data_unique_vector_elements(tf):
    # Whole vectors are compared.
    ds = tf.data.Dataset.from_tensor_slices([[1, 2], [1, 2], [3, 4], [1, 3]])
    return list(ds.unique())


def case_data_unique_other_dtypes(tf):
    D = tf.data.Dataset
    return {"bool": _raises(lambda: D.from_tensor_slices([True, False]).unique()),
            "int16": _raises(lambda: D.from_tensor_slices(tf.constant([1, 1], tf.int16)).unique()),
            "uint8": _raises(lambda: D.from_tensor_slices(tf.constant([1, 1], tf.uint8)).unique()),
            "float64": _raises(lambda: D.from_tensor_slices(tf.constant([1.0], tf.float64)
                                                            ).unique())}


def case_data_unique_tuple_elements(tf):
    # Raised when the dataset is built.
    ds = tf.data.Dataset.from_tensor_slices(([1, 1], [2, 2]))
    return _raises(lambda: ds.unique())


def case_data_unique_cardinality(tf):
    D = tf.data.Dataset
    return [int(D.range(5).unique().cardinality()),
            int(D.range(0).unique().cardinality()),
            int(D.range(3).repeat().unique().cardinality())]


def case_data_experimental_unique(tf):
    ds = tf.data.Dataset.from_tensor_slices(tf.constant([2, 2, 1], tf.int64))
    return list(ds.apply(tf.data.experimental.unique()))


# ---------------------------------------------------------------------------
# get_single_element


def case_data_get_single_element_tensor(tf):
    return tf.data.Dataset.from_tensors(tf.constant([1.0, 2.0])).get_single_element()


def case_data_get_single_element_scalar_range(tf):
    return tf.data.Dataset.range(5).skip(4).get_single_element()


def case_data_get_single_element_tuple(tf):
    return tf.data.Dataset.from_tensors((tf.constant(1), tf.constant([2.0, 3.0]))
                                        ).get_single_element()


def case_data_get_single_element_dict(tf):
    return tf.data.Dataset.from_tensors({"a": tf.constant(1), "b": tf.constant(2.0)}
                                        ).get_single_element()


def case_data_get_single_element_batched(tf):
    return tf.data.Dataset.range(4).batch(4).get_single_element()


def case_data_get_single_element_empty(tf):
    return _raises(lambda: tf.data.Dataset.range(0).get_single_element())


def case_data_get_single_element_two(tf):
    return _raises(lambda: tf.data.Dataset.range(2).get_single_element())


def case_data_get_single_element_filtered_to_one(tf):
    return tf.data.Dataset.range(10).filter(lambda x: x == 7).get_single_element()


def case_data_experimental_get_single_element(tf):
    return tf.data.experimental.get_single_element(tf.data.Dataset.from_tensors(3))


# ---------------------------------------------------------------------------
# counter


def case_data_counter_default(tf):
    ds = tf.data.Dataset.counter()
    return {"first": list(ds.take(4)), "cardinality": int(ds.cardinality()),
            "spec": repr(ds.element_spec)}


def case_data_counter_start_step(tf):
    D = tf.data.Dataset
    return [list(D.counter(start=5, step=3).take(3)),
            list(D.counter(10, -2).take(4)),
            list(D.counter(start=2, step=0).take(3))]


def case_data_counter_dtype(tf):
    ds = tf.data.Dataset.counter(start=1, step=2, dtype=tf.int32)
    return {"first": list(ds.take(3)), "spec": repr(ds.element_spec)}


def case_data_counter_zip_and_cardinality(tf):
    D = tf.data.Dataset
    ds = D.zip(D.counter(100), D.range(3))
    return {"elements": list(ds), "cardinality": int(ds.cardinality()),
            "take_cardinality": int(D.counter().take(6).cardinality())}


def case_data_experimental_counter(tf):
    return list(tf.data.experimental.Counter(start=3, step=2).take(3))


# ---------------------------------------------------------------------------
# Options


def case_data_options_defaults(tf):
    o = tf.data.Options()
    return {"deterministic": o.deterministic,
            "auto_shard_policy": int(o.experimental_distribute.auto_shard_policy),
            "auto_shard_name": o.experimental_distribute.auto_shard_policy.name,
            "num_devices": o.experimental_distribute.num_devices,
            "slack": o.experimental_slack,
            "threading_private": o.threading.private_threadpool_size,
            "threading_intra": o.threading.max_intra_op_parallelism,
            "autotune_enabled": o.autotune.enabled,
            "optimization_apply_default": o.experimental_optimization.apply_default_optimizations,
            "external_state_policy": o.experimental_external_state_policy}


def case_data_options_default_dataset(tf):
    o = tf.data.Dataset.range(3).options()
    return {"deterministic": o.deterministic,
            "auto_shard_name": o.experimental_distribute.auto_shard_policy.name,
            "type": type(o).__name__,
            "equal_to_fresh": o == tf.data.Options()}


def case_data_with_options(tf):
    o = tf.data.Options()
    o.deterministic = False
    o.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    ds = tf.data.Dataset.range(5).map(lambda x: x * 2)
    with_o = ds.with_options(o)
    got = with_o.options()
    return {"values": list(with_o), "original": list(ds),
            "deterministic": got.deterministic,
            "auto_shard_name": got.experimental_distribute.auto_shard_policy.name,
            "auto_shard_value": int(got.experimental_distribute.auto_shard_policy),
            "original_deterministic": ds.options().deterministic,
            "cardinality": int(with_o.cardinality()),
            "spec": repr(with_o.element_spec),
            "same_object": got is o}


def case_data_with_options_survives_transform(tf):
    o = tf.data.Options()
    o.deterministic = False
    ds = tf.data.Dataset.range(4).with_options(o).map(lambda x: x + 1).batch(2)
    return {"values": list(ds), "deterministic": ds.options().deterministic}


def case_data_with_options_merge(tf):
    a = tf.data.Options()
    a.deterministic = False
    b = tf.data.Options()
    b.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    ds = tf.data.Dataset.range(2).with_options(a).with_options(b)
    got = ds.options()
    return {"deterministic": got.deterministic,
            "auto_shard_name": got.experimental_distribute.auto_shard_policy.name}


def case_data_with_options_conflict(tf):
    a = tf.data.Options()
    a.deterministic = False
    b = tf.data.Options()
    b.deterministic = True
    ds = tf.data.Dataset.range(2).with_options(a).with_options(b)
    return ds.options().deterministic


def case_data_options_bad_attribute(tf):
    o = tf.data.Options()

    def set_bad():
        o.not_an_option = 1

    return _raises(set_bad)


def case_data_options_bad_type(tf):
    o = tf.data.Options()

    def set_bad():
        o.deterministic = "yes"

    return _raises(set_bad)


def case_data_auto_shard_policy_values(tf):
    P = tf.data.experimental.AutoShardPolicy
    return {p: int(getattr(P, p)) for p in ["OFF", "AUTO", "FILE", "DATA", "HINT"]}


# ---------------------------------------------------------------------------
# tf.data.experimental functions


def case_data_experimental_cardinality(tf):
    D = tf.data.Dataset
    c = tf.data.experimental.cardinality(D.range(6).batch(4))
    return {"value": c,
            "infinite": tf.data.experimental.cardinality(D.range(2).repeat()),
            "unknown": tf.data.experimental.cardinality(D.range(4).filter(lambda x: x > 1)),
            "constants": [tf.data.experimental.INFINITE_CARDINALITY,
                          tf.data.experimental.UNKNOWN_CARDINALITY]}


def case_data_assert_cardinality_ok(tf):
    ds = tf.data.Dataset.range(10).filter(lambda x: x % 2 == 0)
    before = int(ds.cardinality())
    ds = ds.apply(tf.data.experimental.assert_cardinality(5))
    return {"values": list(ds), "before": before, "cardinality": ds.cardinality()}


def case_data_assert_cardinality_too_few(tf):
    ds = tf.data.Dataset.range(3).apply(tf.data.experimental.assert_cardinality(5))
    return {"cardinality": int(ds.cardinality()), "iterate": _raises(lambda: list(ds))}


def case_data_assert_cardinality_too_many(tf):
    ds = tf.data.Dataset.range(7).apply(tf.data.experimental.assert_cardinality(5))
    it = iter(ds)
    firsts = [int(next(it)) for _ in range(5)]
    return {"cardinality": int(ds.cardinality()), "firsts": firsts,
            "iterate": _raises(lambda: next(it))}


def case_data_error_messages(tf):
    D = tf.data.Dataset
    ragged = _ragged(tf)
    choice = D.from_tensor_slices(tf.constant([2], tf.int64))
    return {
        "assert_too_few": _message(lambda: list(
            D.range(3).apply(tf.data.experimental.assert_cardinality(5)))),
        "assert_too_many": _message(lambda: list(
            D.range(7).apply(tf.data.experimental.assert_cardinality(5)))),
        "padded_too_small": _message(lambda: list(ragged.padded_batch(2, padded_shapes=[1]))),
        "padded_zero_batch": _message(lambda: ragged.padded_batch(0)),
        "shard_index": _message(lambda: D.range(10).shard(3, 3)),
        "shard_zero": _message(lambda: D.range(10).shard(0, 0)),
        "choose_out_of_range": _message(lambda: list(
            D.choose_from_datasets([D.range(3), D.range(3)], choice))),
        "choose_int32": _message(lambda: D.choose_from_datasets(
            [D.range(3)], D.from_tensor_slices(tf.constant([0], tf.int32)))),
        "single_empty": _message(lambda: D.range(0).get_single_element()),
        "single_two": _message(lambda: D.range(2).get_single_element()),
        "unique_float": _message(lambda: D.from_tensor_slices([1.0]).unique()),
        "unique_tuple": _message(lambda: D.from_tensor_slices(([1], [2])).unique()),
        "take_while_non_bool": _message(lambda: D.range(3).take_while(lambda x: x)),
        "scan_dtype": _message(lambda: D.range(3).scan(tf.constant(0, tf.int32),
                                                       lambda s, x: (x, x))),
    }


def case_data_assert_cardinality_infinite(tf):
    ds = tf.data.Dataset.range(3).repeat().apply(
        tf.data.experimental.assert_cardinality(tf.data.INFINITE_CARDINALITY))
    return {"cardinality": int(ds.cardinality()), "first": [int(v) for v in ds.take(4)]}


def case_data_experimental_unbatch(tf):
    ds = tf.data.Dataset.range(5).batch(2).apply(tf.data.experimental.unbatch())
    return {"values": list(ds), "spec": repr(ds.element_spec),
            "cardinality": int(ds.cardinality())}


def case_data_experimental_unbatch_tuple(tf):
    ds = tf.data.Dataset.from_tensors(([1, 2, 3], [[1.0], [2.0], [3.0]]))
    ds = ds.apply(tf.data.experimental.unbatch())
    return {"values": list(ds), "spec": repr(ds.element_spec)}


def case_data_unbatch_scalar_error(tf):
    return _raises(lambda: tf.data.Dataset.range(3).apply(tf.data.experimental.unbatch()))


def case_data_experimental_enumerate_dataset(tf):
    ds = tf.data.Dataset.from_tensor_slices([7, 8, 9])
    a = ds.apply(tf.data.experimental.enumerate_dataset())
    b = ds.apply(tf.data.experimental.enumerate_dataset(start=5))
    return {"default": list(a), "start5": list(b), "spec": repr(a.element_spec),
            "cardinality": int(b.cardinality())}


def case_experimental_functions(tf):
    ds = tf.data.Dataset.range(7)
    experimental = tf.data.experimental
    pairs = tf.data.Dataset.from_tensor_slices((tf.range(4), tf.range(4.0) * 2.0))
    return {
        "map_and_batch": list(ds.apply(experimental.map_and_batch(lambda x: x * 2, 3))),
        "map_and_batch_drop": list(ds.apply(experimental.map_and_batch(
            lambda x: x * 2, 3, drop_remainder=True))),
        "shuffle_and_repeat": sorted(int(x) for x in ds.apply(
            experimental.shuffle_and_repeat(7, count=2, seed=1))),
        "parallel_interleave": list(tf.data.Dataset.range(3).apply(
            experimental.parallel_interleave(lambda x: tf.data.Dataset.range(x * 10, x * 10 + 2),
                                             cycle_length=2))),
        "get_structure": [experimental.get_structure(ds) == ds.element_spec,
                          experimental.get_structure(iter(pairs)) == pairs.element_spec],
        "at": [experimental.at(ds, 3), experimental.at(pairs, 2)],
        "at_past_end": _raises(lambda: experimental.at(ds, 9)),
        "at_negative": _raises(lambda: experimental.at(ds, -1)),
        "get_next_as_optional": experimental.get_next_as_optional(iter(ds)).get_value(),
        "copy_to_device": list(pairs.apply(experimental.copy_to_device("/cpu:0"))),
        "prefetch_to_device": list(ds.apply(experimental.prefetch_to_device("/cpu:0", 2))),
        # (not `enable_debug_mode()`: in TF it switches the whole process, for good)
        "random": [repr(tf.data.Dataset.random(seed=4).element_spec),
                   tf.data.Dataset.random(seed=4).cardinality(),
                   repr(experimental.RandomDataset(seed=4).element_spec)],
    }
