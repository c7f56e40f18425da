"""`tf.data` edge cases a TF-vs-tftape_torch sweep found: element specs of functions'
outputs and of joined datasets, cardinalities, `bucket_by_sequence_length` over
elements of growing length, and the error classes of `from_generator`, `zip`,
`concatenate`, `unbatch`, `reduce`, `apply` and `prefetch`.

Answers live in `golden/cases_data_edges.json`, recorded from TensorFlow 2.21.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises


def _filled(tf, x):
    return tf.fill([x], x)


def case_bucket_by_sequence_length_growing(tf):
    """`map` read its element spec off the first element (shape `(1,)`), so the
    buckets padded to length 1 and raised DataLossError; TF's spec is `(None,)`."""
    seqs = tf.data.Dataset.range(1, 8).map(lambda x: _filled(tf, x))
    out = {}
    for key, kwargs in {"plain": {}, "padding_value": {"padding_values": np.int64(-1)},
                        "drop": {"drop_remainder": True}}.items():
        ds = seqs.bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 5], [2, 2, 2],
                                            **kwargs)
        out[key] = {"elements": list(ds), "spec": repr(ds.element_spec)}
    return out


def case_bucket_by_sequence_length_tuple_spec(tf):
    """The spec of a bucketed dataset has an unknown batch size (TF traces the batching
    with a symbolic bucket); it showed the first batch's size."""
    ds = tf.data.Dataset.range(1, 6).map(lambda x: (_filled(tf, x), x))
    ds = ds.bucket_by_sequence_length(lambda a, b: tf.shape(a)[0], [3], [2, 2])
    return {"elements": list(ds), "spec": repr(ds.element_spec)}


def case_map_value_dependent_shape_spec(tf):
    """A `map` output whose length depends on the element showed the first element's
    length in `element_spec` (and in a later `batch`'s); TF's is unknown."""
    ds = tf.data.Dataset.range(3).map(lambda x: _filled(tf, x))
    return {"map": repr(ds.element_spec), "batch": repr(ds.batch(2).element_spec),
            "same_shape": repr(tf.data.Dataset.range(3).map(lambda x: (x, [x, x])).element_spec)}


def case_flat_map_spec_from_inner_dataset(tf):
    """`flat_map`/`interleave` read their spec off their first element: `(3,)` for
    windows batched by `batch(3)`, where TF's spec is the inner dataset's, `(None,)`."""
    windows = tf.data.Dataset.range(7).window(3)
    flat = windows.flat_map(lambda w: w.batch(3))
    inter = tf.data.Dataset.range(1, 4).interleave(
        lambda x: tf.data.Dataset.from_tensors(_filled(tf, x)), cycle_length=2)
    return {"flat_map": repr(flat.element_spec), "elements": list(flat),
            "interleave": repr(inter.element_spec)}


def case_group_by_window_spec(tf):
    """`group_by_window`'s spec was its first batch's shape, `(3,)`; TF's is that of
    `reduce_func`'s dataset, `(None,)`."""
    ds = tf.data.Dataset.range(10).group_by_window(lambda x: x % 2, lambda k, w: w.batch(3),
                                                   window_size=3)
    return {"spec": repr(ds.element_spec), "elements": list(ds)}


def case_concatenate_relaxes_spec(tf):
    """`concatenate`'s spec was the first dataset's; TF's is the most specific one
    both datasets' elements fit."""
    D = tf.data.Dataset
    a = D.from_tensors([1, 2]).concatenate(D.from_tensors([1, 2, 3]))
    b = D.from_tensors([[1, 2]]).concatenate(D.from_tensors([1, 2, 3]))
    return {"length": repr(a.element_spec), "rank": repr(b.element_spec),
            "elements": list(a) + list(b)}


def case_concatenate_incompatible(tf):
    """Datasets of other dtypes or structures were concatenated (elements of both
    kinds came out); TF raises TypeError when the dataset is made."""
    D = tf.data.Dataset
    r3 = D.range(3)
    return {"dtype": _raises(lambda: r3.concatenate(D.range(2, output_type=tf.int32))),
            "structure": _raises(lambda: r3.concatenate(D.zip((r3, r3)))),
            "keys": _raises(lambda: D.from_tensors({"a": 1}).concatenate(
                D.from_tensors({"b": 2})))}


def case_zip_single_dataset_and_list(tf):
    """`zip(ds)` raised TypeError (TF zips the one dataset: its elements), and
    `zip([a, b])` zipped a list, where TF raises TypeError."""
    D = tf.data.Dataset
    single = D.zip(D.range(3))
    return {"single": list(single), "spec": repr(single.element_spec),
            "list": _raises(lambda: D.zip([D.range(3), D.range(3)])),
            "named": list(D.zip(datasets=(D.range(2), D.range(2)))),
            "none": _raises(lambda: D.zip())}


def case_unbatch_cardinality(tf):
    """`unbatch` had an unknown cardinality even for elements of a known leading
    dimension; components of different leading dimensions were accepted."""
    D = tf.data.Dataset
    return {"batched": D.range(6).batch(2, drop_remainder=True).unbatch().cardinality(),
            "tensor": D.from_tensors([[1, 2], [3, 4]]).unbatch().cardinality(),
            "ragged_batch": D.range(6).batch(4).unbatch().cardinality(),
            "mismatch": _raises(lambda: D.from_tensors(([1, 2], [1, 2, 3])).unbatch())}


def case_cardinality_repeat_and_take(tf):
    """`repeat()` of a dataset of unknown length was unknown (TF: infinite); `take`
    with a count below -1 kept the input's cardinality (TF: the count)."""
    D = tf.data.Dataset
    unknown = D.range(3).filter(lambda x: x > 0)
    return {"repeat": unknown.repeat().cardinality(),
            "repeat_empty": D.range(0).repeat().cardinality(),
            "take_negative": D.range(5).take(-5).cardinality(),
            "take_infinite_negative": D.range(5).repeat().take(-3).cardinality(),
            "take_all": D.range(5).take(-1).cardinality()}


def case_reduce_state_dtype_change(tf):
    """A `reduce_func` returning a state of another dtype failed later in an add
    (InvalidArgumentError), and one of fewer components failed indexing it; TF raises
    TypeError for the dtype, InvalidArgumentError for the number of components."""
    D = tf.data.Dataset
    return {"dtype": _raises(lambda: D.range(3).reduce(
                np.int64(0), lambda s, x: tf.cast(s + x, tf.float32))),
            "components": _raises(lambda: D.range(3).reduce(
                (np.int64(0), np.int64(0)), lambda s, x: s[0] + x)),
            "shape_grows": D.range(3).reduce(tf.constant([0], tf.int64),
                                             lambda s, x: tf.concat([s, [x]], 0))}


def case_apply_prefetch_padded_batch_errors(tf):
    """`apply` returned a non-dataset as is, `prefetch(-5)` was accepted, and
    `padded_batch` of an unknown rank without `padded_shapes` raised a bare
    TypeError; TF raises TypeError, InvalidArgumentError and ValueError."""
    D = tf.data.Dataset

    def rows():
        yield [1]

    unknown = D.from_generator(rows, output_signature=tf.TensorSpec(None, tf.int32))
    return {"apply": _raises(lambda: D.range(5).apply(lambda d: 3)),
            "prefetch": _raises(lambda: D.range(3).prefetch(-5)),
            "prefetch_autotune": D.range(3).prefetch(-1).cardinality(),
            "padded_batch": _raises(lambda: unknown.padded_batch(2))}


def case_from_generator_errors(tf):
    """What a generator raises reached the caller as is (and `output_types` with
    `output_signature` was accepted); TF's `py_func` gives InvalidArgumentError for a
    ValueError or TypeError, UnimplementedError, UnknownError for most others."""
    D = tf.data.Dataset
    spec = tf.TensorSpec((), tf.int32)

    def failing(error):
        def gen():
            yield 1
            raise error
        return gen

    def ones():
        yield 1

    out = {name: _raises(lambda e=error: list(D.from_generator(failing(e),
                                                                output_signature=spec)))
           for name, error in {"value": ValueError("v"), "type": TypeError("t"),
                               "zero_division": ZeroDivisionError("z"),
                               "key": KeyError("k"),
                               "not_implemented": NotImplementedError("n")}.items()}
    out["structure"] = _raises(lambda: list(D.from_generator(ones, output_signature=(
        spec, spec))))
    out["not_iterable"] = _raises(lambda: list(D.from_generator(lambda: 5,
                                                                output_signature=spec)))
    out["both"] = _raises(lambda: D.from_generator(ones, output_types=tf.int32,
                                                   output_signature=spec))
    out["first"] = next(iter(D.from_generator(failing(ValueError()), output_signature=spec)))
    return out


def case_from_tensors_without_components(tf):
    """`from_tensors(())` made a dataset of one empty tuple, `from_tensors(None)`
    raised ValueError; TF raises InvalidArgumentError for both."""
    D = tf.data.Dataset
    return {"empty_tuple": _raises(lambda: D.from_tensors(())),
            "none": _raises(lambda: D.from_tensors(None))}


def case_parallel_batch_repr(tf):
    """`batch(num_parallel_calls=...)` printed as `_BatchDataset`; TF's class is
    `_ParallelBatchDataset`."""
    ds = tf.data.Dataset.range(3).batch(2, num_parallel_calls=2, deterministic=True)
    return {"repr": repr(ds), "elements": list(ds)}
