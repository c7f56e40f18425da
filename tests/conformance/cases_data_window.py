"""`tf.data.Dataset` windowing cases: `window`, `group_by_window`,
`bucket_by_sequence_length`, and their `tf.data.experimental` spellings used with `apply`.

The contents of a window are compared as lists of numpy values (one per element) or as
the batches that `flat_map(lambda w: w.batch(n))` makes; element specs are compared by
their parts (types, shapes, dtypes), never by their reprs. Variable-length sequences come
from `from_generator`. Answers live in `golden/cases_data_window.json`, recorded from
TensorFlow 2.21.
"""

from __future__ import annotations

from tests.conformance.harness import raises as _raises


def _windows(ds):
    """The contents of each window of a dataset of scalar-element windows."""
    return [list(w.as_numpy_iterator()) for w in ds]


def _tuple_windows(ds):
    """The contents of each window of a dataset of tuple-element windows."""
    return [[list(part.as_numpy_iterator()) for part in w] for w in ds]


def _lists(ds):
    """Each element of `ds` as a plain (nested) Python list."""
    return [x.tolist() for x in ds.as_numpy_iterator()]


def _until_error(ds):
    """Each element of `ds` as a plain list, then `"stop"` or the class of the error that
    ends the iteration (`"raised <class>"`)."""
    it = iter(ds)
    out = []
    while True:
        try:
            out.append(next(it).numpy().tolist())
        except StopIteration:
            return out + ["stop"]
        except Exception as e:  # noqa: BLE001 - the class is the answer
            return out + [f"raised {type(e).__name__}"]


def _int64s(tf, values):
    return tf.data.Dataset.from_tensor_slices(tf.constant(values, tf.int64))


def _grouped(tf, values, k, window_size):
    """`values` grouped by `x % k` into windows of `window_size`, each batched whole."""
    ds = _int64s(tf, values)
    return _lists(ds.group_by_window(lambda x: x % k, lambda key, w: w.batch(window_size),
                                     window_size=window_size))


def _sequences(tf, lengths):
    """Element i (from 0) is a vector of `lengths[i]` copies of i + 1 (int32, shape [None])."""

    def gen():
        for i, n in enumerate(lengths):
            yield [i + 1] * n

    return tf.data.Dataset.from_generator(
        gen, output_signature=tf.TensorSpec([None], tf.int32))


def _length(tf):
    return lambda x: tf.shape(x)[0]


_LENGTHS = [1, 4, 2, 6, 3, 5, 2, 7, 1]


# ---------------------------------------------------------------------------
# window


def case_window_scalar_default_shift(tf):
    ds = tf.data.Dataset.range(7)
    return {"default": _windows(ds.window(3)),
            "shift_equal_size": _windows(ds.window(3, shift=3))}


def case_window_shift_less_than_size(tf):
    ds = tf.data.Dataset.range(7)
    return {"keep": _windows(ds.window(3, shift=1)),
            "drop": _windows(ds.window(3, shift=1, drop_remainder=True))}


def case_window_shift_greater_than_size(tf):
    ds = tf.data.Dataset.range(7)
    return {"keep": _windows(ds.window(2, shift=3)),
            "drop": _windows(ds.window(2, shift=3, drop_remainder=True))}


def case_window_stride(tf):
    ds = tf.data.Dataset.range(10)
    return {"keep": _windows(ds.window(3, shift=2, stride=2)),
            "drop": _windows(ds.window(3, shift=2, stride=2, drop_remainder=True))}


def case_window_stride_greater_than_size(tf):
    return _windows(tf.data.Dataset.range(8).window(2, shift=1, stride=3))


def case_window_drop_remainder_exact_fit(tf):
    # 6 elements in windows of 3: no partial window either way.
    ds = tf.data.Dataset.range(6)
    return {"keep": _windows(ds.window(3)),
            "drop": _windows(ds.window(3, drop_remainder=True))}


def case_window_larger_than_input(tf):
    ds = tf.data.Dataset.range(4)
    return {"keep": _windows(ds.window(10)),
            "drop": _windows(ds.window(10, drop_remainder=True))}


def case_window_empty_input(tf):
    ds = tf.data.Dataset.range(0).window(2)
    return {"windows": _windows(ds), "cardinality": int(ds.cardinality())}


def case_window_cardinality(tf):
    D = tf.data.Dataset
    configs = [(3,), (3, 1), (3, 1, 1, True), (2, 3), (2, 3, 1, True), (3, 2, 2),
               (3, 2, 2, True), (10,), (10, None, 1, True)]
    return [[int(D.range(7).window(*c).cardinality()), len(list(D.range(7).window(*c)))]
            for c in configs]


def case_window_cardinality_by_length(tf):
    # window(3, shift=2) of range(n) for n = 0..7, without and with drop_remainder.
    D = tf.data.Dataset
    return [[int(D.range(n).window(3, 2, 1, drop).cardinality()) for drop in (False, True)]
            for n in range(8)]


def case_window_cardinality_stride_drop(tf):
    # window(3, shift=1, stride=2, drop_remainder=True): a window spans 5 elements.
    D = tf.data.Dataset
    return [[int(D.range(n).window(3, 1, 2, True).cardinality()),
             len(list(D.range(n).window(3, 1, 2, True)))] for n in range(9)]


def case_window_cardinality_infinite_and_unknown(tf):
    D = tf.data.Dataset
    return {"infinite": int(D.range(3).repeat().window(2).cardinality()),
            "infinite_drop": int(D.range(3).repeat().window(2, drop_remainder=True)
                                 .cardinality()),
            "unknown": int(D.range(7).filter(lambda x: x > 0).window(2).cardinality())}


def case_window_inner_cardinality(tf):
    return [int(w.cardinality()) for w in tf.data.Dataset.range(7).window(3)]


def case_window_reiterate(tf):
    # A window can be iterated more than once and gives the same values.
    return [[list(w.as_numpy_iterator()), list(w.as_numpy_iterator())]
            for w in tf.data.Dataset.range(5).window(2)]


def case_window_element_spec(tf):
    ds = tf.data.Dataset.range(5).window(2)
    inner = ds.element_spec.element_spec
    return {"is_dataset_spec": isinstance(ds.element_spec, tf.data.DatasetSpec),
            "inner_shape": inner.shape, "inner_dtype": inner.dtype,
            "window_is_dataset": all(isinstance(w, tf.data.Dataset) for w in ds)}


def case_window_flat_map_batch(tf):
    ds = tf.data.Dataset.range(7)
    sliding = ds.window(3, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(3))
    tiled = ds.window(3).flat_map(lambda w: w.batch(3))
    return {"sliding": list(sliding), "tiled": list(tiled)}


def case_window_vector_elements(tf):
    ds = tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4], [5, 6]]).window(2)
    return {"windows": _windows(ds), "batched": list(ds.flat_map(lambda w: w.batch(2)))}


def case_window_tuple_elements(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3, 4, 5], [1.0, 2.0, 3.0, 4.0, 5.0]))
    windows = ds.window(2)
    return {"windows": _tuple_windows(windows),
            "is_tuple": [isinstance(w, tuple) for w in windows],
            "spec_is_tuple_of_dataset_specs": (
                isinstance(windows.element_spec, tuple)
                and all(isinstance(s, tf.data.DatasetSpec) for s in windows.element_spec))}


def case_window_tuple_flat_map_zip(tf):
    D = tf.data.Dataset
    ds = D.from_tensor_slices(([1, 2, 3, 4, 5], [1.0, 2.0, 3.0, 4.0, 5.0]))
    out = ds.window(2).flat_map(lambda a, b: D.zip((a.batch(2), b.batch(2))))
    return list(out)


def case_window_tuple_shift_drop(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3, 4, 5], [10, 20, 30, 40, 50]))
    return _tuple_windows(ds.window(3, shift=1, drop_remainder=True))


def case_window_dict_elements(tf):
    ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3], "b": [4.0, 5.0, 6.0]}).window(2)
    return {"windows": [{k: list(v.as_numpy_iterator()) for k, v in w.items()} for w in ds],
            "is_dict": [isinstance(w, dict) for w in ds],
            "keys": [sorted(w) for w in ds]}


def case_window_dict_flat_map(tf):
    D = tf.data.Dataset
    ds = D.from_tensor_slices({"a": [1, 2, 3], "b": [4.0, 5.0, 6.0]}).window(2)
    out = ds.flat_map(lambda w: D.zip({"a": w["a"].batch(2), "b": w["b"].batch(2)}))
    return list(out)


def case_window_nested_tuple_dict(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], {"x": [4, 5, 6]})).window(2)
    return [[list(a.as_numpy_iterator()), {k: list(v.as_numpy_iterator()) for k, v in b.items()}]
            for a, b in ds]


def case_window_tensor_arguments(tf):
    ds = tf.data.Dataset.range(5)
    return {"int64_size": _windows(ds.window(tf.constant(2, tf.int64))),
            "int32_size": _raises(lambda: ds.window(tf.constant(2)))}


def case_window_bad_arguments(tf):
    # Raised when the dataset is built.
    ds = tf.data.Dataset.range(5)
    return {"size_0": _raises(lambda: ds.window(0)),
            "size_negative": _raises(lambda: ds.window(-1)),
            "shift_0": _raises(lambda: ds.window(2, shift=0)),
            "stride_0": _raises(lambda: ds.window(2, stride=0))}


# ---------------------------------------------------------------------------
# group_by_window


def case_group_by_window_basic(tf):
    return {"size2": _grouped(tf, list(range(10)), 3, 2),
            "size4": _grouped(tf, list(range(10)), 3, 4),
            "size1": _grouped(tf, list(range(5)), 3, 1)}


def case_group_by_window_flush_order_210(tf):
    # Keys appear in the order 2, 1, 0; the leftover groups come out by key.
    return {"leftovers": _grouped(tf, [2, 1, 0], 3, 5),
            "some_full": _grouped(tf, [2, 1, 0, 5, 4, 3, 8], 3, 2)}


def case_group_by_window_flush_order_120(tf):
    return {"leftovers": _grouped(tf, [1, 2, 0, 4, 5, 3], 3, 5),
            "some_full": _grouped(tf, [1, 2, 0, 4, 5, 3, 7], 3, 3)}


def case_group_by_window_flush_order_021(tf):
    return {"leftovers": _grouped(tf, [0, 2, 1, 3, 5], 3, 5),
            "some_full": _grouped(tf, [0, 2, 1, 3, 5, 4, 6, 8], 3, 3)}


def case_group_by_window_flush_order_large_and_negative_keys(tf):
    ds = _int64s(tf, [5, -3, 0, -1, 7, 100, 50])
    out = ds.group_by_window(lambda x: x, lambda k, w: w.batch(9), window_size=9)
    return _lists(out)


def case_group_by_window_several_batches_per_window(tf):
    ds = tf.data.Dataset.range(10)
    out = ds.group_by_window(lambda x: x % 2, lambda k, w: w.batch(2), window_size=4)
    return _lists(out)


def case_group_by_window_reduce_uses_key(tf):
    ds = tf.data.Dataset.range(10)
    mapped = ds.group_by_window(lambda x: x % 3, lambda k, w: w.map(lambda x: x * 10 + k),
                                window_size=2)
    keyed = ds.group_by_window(lambda x: x % 3,
                               lambda k, w: w.batch(2).map(lambda b: (k, b)), window_size=4)
    return {"mapped": [int(v) for v in mapped], "keyed": list(keyed)}


def case_group_by_window_size_func(tf):
    ds = tf.data.Dataset.range(10)
    out = ds.group_by_window(lambda x: x % 3, lambda k, w: w.batch(5),
                             window_size_func=lambda k: k + 1)
    return _lists(out)


def case_group_by_window_size_func_constant(tf):
    ds = tf.data.Dataset.range(7)
    out = ds.group_by_window(lambda x: x % 2, lambda k, w: w.batch(5),
                             window_size_func=lambda k: tf.constant(3, tf.int64))
    return _lists(out)


def case_group_by_window_size_arguments_errors(tf):
    ds = tf.data.Dataset.range(10)
    key, reduce = (lambda x: x % 3), (lambda k, w: w.batch(5))
    return {"both": _raises(lambda: ds.group_by_window(
                key, reduce, window_size=2, window_size_func=lambda k: k + 1)),
            "neither": _raises(lambda: ds.group_by_window(key, reduce)),
            "size_func_int32": _raises(lambda: ds.group_by_window(
                key, reduce, window_size_func=lambda k: tf.constant(2)))}


def case_group_by_window_nonpositive_size(tf):
    # Accepted when the dataset is built; raised when it is iterated.
    ds = tf.data.Dataset.range(10)
    key, reduce = (lambda x: x % 3), (lambda k, w: w.batch(5))
    zero = ds.group_by_window(key, reduce, window_size=0)
    from_func = ds.group_by_window(key, reduce, window_size_func=lambda k: k - 1)
    return {"zero_iterated": _raises(lambda: list(zero)),
            "func_negative_iterated": _raises(lambda: list(from_func))}


def case_group_by_window_key_dtype_errors(tf):
    ds = tf.data.Dataset.range(10)
    reduce = lambda k, w: w.batch(5)  # noqa: E731
    return {"int32": _raises(lambda: ds.group_by_window(
                lambda x: tf.cast(x % 3, tf.int32), reduce, window_size=2)),
            "float32": _raises(lambda: ds.group_by_window(
                lambda x: tf.cast(x % 3, tf.float32), reduce, window_size=2)),
            "vector": _raises(lambda: ds.group_by_window(
                lambda x: tf.stack([x, x]), reduce, window_size=2))}


def case_group_by_window_reduce_not_dataset(tf):
    ds = tf.data.Dataset.range(10)
    return _raises(lambda: ds.group_by_window(
        lambda x: x % 3, lambda k, w: w.reduce(tf.constant(0, tf.int64), lambda a, b: a + b),
        window_size=2))


def case_group_by_window_reduce_func_errors(tf):
    # An error while reduce_func builds its dataset (batch size 0, a failed assertion
    # on the key) comes out as InternalError; one raised inside the window's elements
    # (integer division by zero) keeps its class.
    ds = tf.data.Dataset.range(8)

    def assert_key(k, w):
        with tf.control_dependencies([tf.debugging.assert_less(k, tf.constant(2, tf.int64))]):
            k = tf.identity(k)
        return w.batch(3).map(lambda b: b + k)

    return {
        "batch_zero": _until_error(ds.group_by_window(
            lambda x: x % 3, lambda k, w: w.batch(3 - 2 * k), window_size=2)),
        "assert_key": _until_error(ds.group_by_window(lambda x: x % 3, assert_key,
                                                      window_size=2)),
        "element_error": _until_error(ds.group_by_window(
            lambda x: x % 3, lambda k, w: w.map(lambda x: x // (x - 4)).batch(3),
            window_size=2)),
    }


def case_group_by_window_tuple_elements(tf):
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3, 4, 5, 6], [10.0, 20.0, 30.0, 40.0,
                                                                  50.0, 60.0]))
    batched = ds.group_by_window(lambda a, b: tf.cast(a % 2, tf.int64),
                                 lambda k, w: w.batch(2), window_size=2)
    summed = ds.group_by_window(
        lambda a, b: tf.cast(a % 2, tf.int64),
        lambda k, w: w.map(lambda a, b: a + tf.cast(b, tf.int32)).batch(3), window_size=3)
    return {"batched": list(batched), "summed": _lists(summed)}


def case_group_by_window_dict_elements(tf):
    ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3, 4, 5], "b": [5, 6, 7, 8, 9]})
    out = ds.group_by_window(lambda d: tf.cast(d["a"] % 2, tf.int64),
                             lambda k, w: w.batch(2), window_size=2)
    return list(out)


def case_group_by_window_cardinality(tf):
    D = tf.data.Dataset
    return int(D.range(10).group_by_window(lambda x: x % 3, lambda k, w: w.batch(5),
                                           window_size=2).cardinality())


def case_group_by_window_experimental(tf):
    ds = tf.data.Dataset.range(10)
    exp = tf.data.experimental
    fixed = ds.apply(exp.group_by_window(lambda x: x % 3, lambda k, w: w.batch(5),
                                         window_size=2))
    by_func = ds.apply(exp.group_by_window(lambda x: x % 3, lambda k, w: w.batch(5),
                                           window_size_func=lambda k: k + 2))
    return {"fixed": _lists(fixed), "by_func": _lists(by_func),
            "neither": _raises(lambda: ds.apply(exp.group_by_window(
                lambda x: x % 3, lambda k, w: w.batch(5))))}


# ---------------------------------------------------------------------------
# bucket_by_sequence_length


def case_bucket_basic(tf):
    ds = _sequences(tf, _LENGTHS).bucket_by_sequence_length(_length(tf), [3, 5], [2, 2, 2])
    return _lists(ds)


def case_bucket_batch_dtype_and_shape(tf):
    ds = _sequences(tf, _LENGTHS).bucket_by_sequence_length(_length(tf), [3, 5], [2, 2, 2])
    return list(ds)


def case_bucket_different_batch_sizes(tf):
    ds = _sequences(tf, _LENGTHS).bucket_by_sequence_length(_length(tf), [3, 5], [1, 2, 3])
    return _lists(ds)


def case_bucket_length_on_boundary(tf):
    # A length equal to a boundary goes to the bucket above it.
    ds = _sequences(tf, [3, 2, 5, 4, 3, 5]).bucket_by_sequence_length(
        _length(tf), [3, 5], [2, 2, 2])
    return _lists(ds)


def case_bucket_pad_to_bucket_boundary(tf):
    ds = _sequences(tf, [1, 4, 2, 3, 2]).bucket_by_sequence_length(
        _length(tf), [3, 5], [2, 2, 2], pad_to_bucket_boundary=True)
    return _lists(ds)


def case_bucket_pad_to_bucket_boundary_too_long(tf):
    # The check (length < max boundary) runs when the last bucket's window is reduced:
    # at the end of input (after the leftovers of the lower buckets) or when it is full.
    def run(lengths):
        return _until_error(_sequences(tf, lengths).bucket_by_sequence_length(
            _length(tf), [3, 5], [2, 2, 2], pad_to_bucket_boundary=True))

    return {"flushed": run([1, 4, 2, 6]), "full": run([1, 2, 4, 5, 6]),
            "alone": run([6])}


def case_bucket_padding_values(tf):
    seqs = _sequences(tf, _LENGTHS)
    return {"python_int": _lists(seqs.bucket_by_sequence_length(
                _length(tf), [3, 5], [2, 2, 2], padding_values=-1)),
            "tensor": _lists(seqs.bucket_by_sequence_length(
                _length(tf), [3, 5], [2, 2, 2], padding_values=tf.constant(-7)))}


def case_bucket_padded_shapes(tf):
    ds = _sequences(tf, _LENGTHS).bucket_by_sequence_length(
        _length(tf), [3, 5], [2, 2, 2], padded_shapes=[8])
    return _lists(ds)


def case_bucket_drop_remainder(tf):
    ds = _sequences(tf, _LENGTHS).bucket_by_sequence_length(
        _length(tf), [3, 5], [2, 2, 2], drop_remainder=True)
    return _lists(ds)


def case_bucket_no_padding(tf):
    ds = _sequences(tf, [2, 2, 4, 4, 2, 4, 2]).bucket_by_sequence_length(
        _length(tf), [3, 5], [2, 2, 2], no_padding=True)
    return _lists(ds)


def case_bucket_no_padding_unequal_lengths(tf):
    ds = _sequences(tf, [2, 1, 4, 4]).bucket_by_sequence_length(
        _length(tf), [3, 5], [2, 2, 2], no_padding=True)
    return _raises(lambda: list(ds))


def case_bucket_single_bucket(tf):
    ds = _sequences(tf, _LENGTHS).bucket_by_sequence_length(_length(tf), [], [4])
    return _lists(ds)


def case_bucket_empty_sequences(tf):
    ds = _sequences(tf, [0, 1, 0]).bucket_by_sequence_length(_length(tf), [3, 5], [2, 2, 2])
    return list(ds)


def case_bucket_tuple_elements(tf):
    def gen():
        for i, n in enumerate([1, 4, 2, 3]):
            yield [i + 1] * n, float(i)

    ds = tf.data.Dataset.from_generator(
        gen, output_signature=(tf.TensorSpec([None], tf.int32), tf.TensorSpec([], tf.float32)))
    length = lambda a, b: tf.shape(a)[0]  # noqa: E731
    return {"default": list(ds.bucket_by_sequence_length(length, [3], [2, 2])),
            "padding_values": list(ds.bucket_by_sequence_length(
                length, [3], [2, 2], padding_values=(-1, 0.5)))}


def case_bucket_wrong_number_of_batch_sizes(tf):
    seqs = _sequences(tf, _LENGTHS)
    return {"too_few": _raises(lambda: seqs.bucket_by_sequence_length(
                _length(tf), [3, 5], [2, 2])),
            "too_many": _raises(lambda: seqs.bucket_by_sequence_length(
                _length(tf), [3, 5], [2, 2, 2, 2]))}


def case_bucket_int64_length_func(tf):
    seqs = _sequences(tf, _LENGTHS)
    return _raises(lambda: seqs.bucket_by_sequence_length(
        lambda x: tf.cast(tf.shape(x)[0], tf.int64), [3, 5], [2, 2, 2]))


def case_bucket_cardinality(tf):
    ds = _sequences(tf, _LENGTHS).bucket_by_sequence_length(_length(tf), [3, 5], [2, 2, 2])
    return int(ds.cardinality())


def case_bucket_experimental(tf):
    seqs = _sequences(tf, _LENGTHS)
    exp = tf.data.experimental
    return {"basic": _lists(seqs.apply(exp.bucket_by_sequence_length(
                _length(tf), [3, 5], [2, 2, 2]))),
            "padded": _lists(seqs.apply(exp.bucket_by_sequence_length(
                _length(tf), [3, 5], [2, 2, 2], padding_values=-1,
                pad_to_bucket_boundary=False, drop_remainder=True))),
            "wrong_sizes": _raises(lambda: seqs.apply(exp.bucket_by_sequence_length(
                _length(tf), [3, 5], [2, 2])))}
