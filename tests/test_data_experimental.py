"""`tf.data.Dataset.random` (torch's draws): repeatable per seed, each iteration the
same unless `rerandomize_each_iteration`, fresh without seeds, spread over int64."""

from __future__ import annotations

import numpy as np

import tftape_torch as tf


def _take(ds, n: int = 6):
    return [int(x) for x in ds.take(n)]


def test_seeded_iterations_repeat_unless_rerandomized() -> None:
    ds = tf.data.Dataset.random(seed=5)
    assert _take(ds) == _take(ds)
    assert _take(tf.data.Dataset.random(seed=5)) == _take(ds)
    again = tf.data.Dataset.random(seed=5, rerandomize_each_iteration=True)
    assert _take(again) != _take(again)
    assert _take(tf.data.Dataset.random(seed=6)) != _take(ds)


def test_unseeded_draws_vary_and_cover_int64() -> None:
    tf.random.set_seed(None)
    ds = tf.data.Dataset.random()
    assert _take(ds) != _take(ds)
    values = np.array(_take(ds, 2000), dtype=np.int64)
    assert values.min() < -(2**61) and values.max() > 2**61  # both signs, full range
    assert tf.data.Dataset.random().element_spec.dtype == tf.int64


def test_enable_debug_mode_changes_nothing() -> None:
    """TF's switch is global and irreversible (so no conformance case calls it); here
    pipelines run eagerly already and it returns None."""
    assert tf.data.experimental.enable_debug_mode() is None
    assert [int(x) for x in tf.data.Dataset.range(3).map(lambda x: x + 1)] == [1, 2, 3]
