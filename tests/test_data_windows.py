"""`tf.data`'s windows stream (an infinite input gives windows one at a time), and a
generator's lists are one tensor where its signature says so. TF's answers for the
finite cases are in `tests/conformance/cases_data_window.py`; the values here follow
from the definitions (and were checked against TensorFlow 2.21)."""

from __future__ import annotations

import numpy as np

import tftape_torch as tf


def test_windows_of_an_infinite_input_stream() -> None:
    ds = tf.data.Dataset.counter().window(3, shift=2, stride=2)
    windows = [[int(x) for x in w] for w in ds.take(3)]
    assert windows == [[0, 2, 4], [2, 4, 6], [4, 6, 8]]
    assert int(ds.cardinality()) == int(tf.data.INFINITE_CARDINALITY)


def test_group_by_window_of_an_infinite_input_streams() -> None:
    ds = tf.data.Dataset.counter().group_by_window(
        key_func=lambda x: x % 2, reduce_func=lambda key, w: w.batch(3), window_size=3
    )
    assert [x.numpy().tolist() for x in ds.take(3)] == [[0, 2, 4], [1, 3, 5], [6, 8, 10]]


def test_generator_lists_are_one_tensor_under_a_signature() -> None:
    def gen():  # lists of different lengths: one int32 vector each
        yield [1, 2, 3]
        yield [4]

    ds = tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec([None], tf.int32))
    assert [x.numpy().tolist() for x in ds] == [[1, 2, 3], [4]]
    assert ds.element_spec.shape == (None,) and ds.element_spec.dtype == tf.int32


def test_bucket_padding_keeps_fixed_dimensions() -> None:
    def gen():
        for n in (1, 2, 4):
            yield np.ones((n, 2), np.float32) * n

    ds = tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec([None, 2], tf.float32))
    buckets = ds.bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2], pad_to_bucket_boundary=True
    )
    # lengths 1 and 2 share the first bucket, padded to its boundary - 1 = 2 rows; 4
    # goes to the second, padded to 5 rows; the fixed dimension 2 stays (TF 2.21's)
    assert [tuple(x.shape) for x in buckets] == [(2, 2, 2), (1, 5, 2)]
