"""`tf.random.experimental` and `tf.nn.experimental`'s seeded ops: the same seed gives
the same answer, another seed another, and the draws have the statistics they promise
(the values differ from TF's, whose generators the package does not reproduce)."""

from __future__ import annotations

import numpy as np

import tftape_torch as tf


def test_stateless_shuffle_is_a_permutation_decided_by_the_seed() -> None:
    x = tf.range(50)
    a = tf.random.experimental.stateless_shuffle(x, seed=[1, 2])
    b = tf.random.experimental.stateless_shuffle(x, seed=[1, 2])
    c = tf.random.experimental.stateless_shuffle(x, seed=[2, 1])
    assert a.dtype == tf.int32 and a.shape == (50,)
    assert sorted(a.numpy().tolist()) == list(range(50))
    assert np.array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(a.numpy(), c.numpy())
    rows = tf.random.experimental.stateless_shuffle(tf.reshape(tf.range(12), [4, 3]), [3, 4])
    assert sorted(rows.numpy()[:, 0].tolist()) == [0, 3, 6, 9]
    assert np.array_equal(rows.numpy() % 3, np.tile([0, 1, 2], (4, 1)))


def test_stateless_dropout_repeats_for_a_seed_and_keeps_the_expected_share() -> None:
    x = tf.ones([200, 100])
    a = tf.nn.experimental.stateless_dropout(x, 0.3, seed=[5, 6])
    b = tf.nn.experimental.stateless_dropout(x, 0.3, seed=[5, 6])
    assert np.array_equal(a.numpy(), b.numpy())
    values = set(np.unique(a.numpy()).tolist())
    assert values <= {0.0, np.float32(1 / 0.7)}
    kept = float(np.mean(a.numpy() > 0))
    assert abs(kept - 0.7) < 0.01  # 20,000 draws: 3.1 standard deviations is 0.0102


def test_experimental_aliases_are_the_stable_functions() -> None:
    assert tf.random.experimental.stateless_fold_in is tf.random.fold_in
    assert tf.random.experimental.stateless_split is tf.random.split
    assert tf.random.experimental.Generator is tf.random.Generator
    assert tf.random.experimental.get_global_generator is tf.random.get_global_generator
    folded = tf.random.experimental.stateless_fold_in([1, 2], 3)
    assert folded.dtype == tf.int32 and folded.shape == (2,)
