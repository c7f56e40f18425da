"""`Dataset.save`/`load`: what TF's conformance cases cannot show (errors of ours,
the files themselves, the current device)."""

from __future__ import annotations

import os

import pytest

import tftape_torch as tf


def test_save_rejects_unknown_compression_and_checkpoints(tmp_path) -> None:
    ds = tf.data.Dataset.range(3)
    with pytest.raises(ValueError, match="compression"):
        ds.save(str(tmp_path / "a"), compression="SNAPPY")
    with pytest.raises(ValueError, match="checkpoint_args"):
        ds.save(str(tmp_path / "b"), checkpoint_args={"checkpoint": None})
    assert not os.path.exists(tmp_path / "a") and not os.path.exists(tmp_path / "b")


def test_shard_func_must_give_a_non_negative_int64(tmp_path) -> None:
    ds = tf.data.Dataset.range(3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="int64"):
        ds.save(str(tmp_path / "a"), shard_func=lambda x: tf.cast(x, tf.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="negative"):
        ds.save(str(tmp_path / "b"), shard_func=lambda x: x - 5)


def test_shards_are_read_in_shard_order(tmp_path) -> None:
    path = str(tmp_path / "s")
    tf.data.Dataset.range(7).save(path, shard_func=lambda x: 2 - x % 3)
    assert sorted(os.listdir(path)) == ["dataset_spec.pt", "shard_00000.pt",
                                        "shard_00001.pt", "shard_00002.pt"]
    assert [int(x) for x in tf.data.Dataset.load(path)] == [2, 5, 1, 4, 0, 3, 6]
    loaded = tf.data.Dataset.load(path)
    assert int(loaded.cardinality()) == 7


def test_loaded_elements_are_drop_in_tensors_with_the_saved_dtypes(tmp_path) -> None:
    path = str(tmp_path / "d")
    ds = tf.data.Dataset.from_tensor_slices({"x": tf.constant([[1, 2], [3, 4]], tf.int16),
                                             "y": tf.constant([0.5, 1.5], tf.float64)})
    ds.save(path, compression="GZIP")
    first = next(iter(tf.data.Dataset.load(path)))
    assert isinstance(first["x"], tf.Tensor) and first["x"].dtype == tf.int16
    assert first["y"].dtype == tf.float64 and float(first["y"]) == 0.5
