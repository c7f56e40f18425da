"""`tf.data.Dataset.save` and `Dataset.load` against TensorFlow 2.21 (eager only, as
the other tf.data modules): elements, order, element specs and cardinality after a
round trip, shards, compression, and errors. Each case writes to its own temporary
directory. Answers live in `golden/cases_data_files.json`.
"""

from __future__ import annotations

import os
import tempfile

from tests.conformance.harness import raises as _raises


def _path(name):
    return os.path.join(tempfile.mkdtemp(), name)


def _spec_text(spec):
    return repr(spec).replace("tf.", "")


def case_save_load_round_trip(tf):
    ds = tf.data.Dataset.from_tensor_slices(
        ({"a": [1, 2, 3]}, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    path = _path("pairs")
    ds.save(path)
    loaded = tf.data.Dataset.load(path)
    return {"elements": list(loaded), "cardinality": loaded.cardinality(),
            "spec_equal": loaded.element_spec == ds.element_spec,
            "again": list(loaded)}


def case_save_load_batched_and_mapped(tf):
    ds = tf.data.Dataset.range(10).map(lambda x: (x, tf.cast(x, tf.float32) ** 2)).batch(4)
    path = _path("batched")
    ds.save(path)
    loaded = tf.data.Dataset.load(path)
    return {"elements": list(loaded), "spec_equal": loaded.element_spec == ds.element_spec,
            "cardinality": loaded.cardinality()}


def case_load_with_element_spec(tf):
    ds = tf.data.Dataset.range(3)
    path = _path("spec")
    ds.save(path)
    loaded = tf.data.Dataset.load(path, element_spec=tf.TensorSpec(shape=(), dtype=tf.int64))
    return {"elements": [int(x) for x in loaded], "spec_equal": loaded.element_spec
            == tf.TensorSpec(shape=(), dtype=tf.int64)}


def case_save_gzip(tf):
    ds = tf.data.Dataset.range(5).map(lambda x: x * 3)
    path = _path("gzip")
    ds.save(path, compression="GZIP")
    return [int(x) for x in tf.data.Dataset.load(path, compression="GZIP")]


def case_save_shards_sorted_back(tf):
    ds = tf.data.Dataset.range(8)
    path = _path("shards")
    ds.save(path, shard_func=lambda x: x % 3)
    return sorted(int(x) for x in tf.data.Dataset.load(path))


def case_save_shards_with_reader(tf):
    ds = tf.data.Dataset.range(6)
    path = _path("reader")
    ds.save(path, shard_func=lambda x: tf.constant(0, tf.int64))
    loaded = tf.data.Dataset.load(
        path, reader_func=lambda shards: shards.interleave(lambda s: s, cycle_length=1))
    return [int(x) for x in loaded]


def case_save_overwrites(tf):
    path = _path("again")
    tf.data.Dataset.range(5).save(path)
    tf.data.Dataset.range(2).save(path)
    return [int(x) for x in tf.data.Dataset.load(path)]


def case_load_missing_path(tf):
    return _raises(lambda: tf.data.Dataset.load(_path("nothing here")))


def case_experimental_spellings(tf):
    path = _path("experimental")
    tf.data.experimental.save(tf.data.Dataset.range(3), path)
    return [int(x) for x in tf.data.experimental.load(path)]
