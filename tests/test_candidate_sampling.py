"""The candidate samplers' draws (torch's, not TF's: `tftape_torch/_candidate_sampling.py`)
follow TF's distributions, `unique` draws are distinct with TF's expected counts for
the number of tries, seeds repeat, and the sampled losses run on the samplers' draws.
What does not depend on the draw is checked against TF in `cases_sampled`."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tftape_torch as tf

CLASSES = tf.constant([[1], [3]], tf.int64)


def _frequencies(sampler, range_max: int, draws: int = 200_000, **options) -> np.ndarray:
    out = sampler(CLASSES, 1, draws, False, range_max, seed=11, **options)
    counts = np.bincount(out.sampled_candidates.numpy(), minlength=range_max)
    return counts / draws


def test_log_uniform_frequencies_are_zipfian() -> None:
    p = np.array([math.log((k + 2) / (k + 1)) / math.log(21) for k in range(20)])
    freq = _frequencies(tf.random.log_uniform_candidate_sampler, 20)
    np.testing.assert_allclose(freq, p, atol=4e-3)
    assert math.isclose(p.sum(), 1.0)


def test_uniform_frequencies_are_flat() -> None:
    np.testing.assert_allclose(_frequencies(tf.random.uniform_candidate_sampler, 8), 1 / 8,
                               atol=4e-3)


def test_fixed_unigram_frequencies_reserved_ids_and_shards() -> None:
    unigrams = [1.0, 4.0, 9.0, 16.0]
    freq = _frequencies(tf.random.fixed_unigram_candidate_sampler, 6, unigrams=unigrams,
                        num_reserved_ids=2, distortion=0.5)
    np.testing.assert_allclose(freq, [0, 0, 0.1, 0.2, 0.3, 0.4], atol=4e-3)
    assert freq[0] == 0 and freq[1] == 0  # reserved: weight 0, never drawn
    # Shard 1 of 2 keeps classes 1, 3, 5 (weights 0 (reserved), 4**0.5, 16**0.5).
    out = tf.random.fixed_unigram_candidate_sampler(
        tf.constant([[0]], tf.int64), 1, 5000, False, 3, unigrams=unigrams, num_reserved_ids=2,
        distortion=0.5, num_shards=2, shard=1)
    freq = np.bincount(out.sampled_candidates.numpy(), minlength=3) / 5000
    np.testing.assert_allclose(freq, [0, 1 / 3, 2 / 3], atol=3e-2)


@pytest.mark.parametrize("sampler", [tf.random.log_uniform_candidate_sampler,
                                     tf.random.uniform_candidate_sampler])
def test_unique_draws_are_distinct_with_tf_expected_counts(sampler) -> None:
    out = sampler(CLASSES, 1, 15, True, 20, seed=5)
    sampled = out.sampled_candidates.numpy()
    assert len(set(sampled.tolist())) == 15 and sampled.min() >= 0 and sampled.max() < 20
    assert out.sampled_candidates.dtype == tf.int64
    assert out.true_expected_count.dtype == tf.float32
    assert tuple(out.true_expected_count.shape) == (2, 1)
    if sampler is tf.random.uniform_candidate_sampler:
        p_sampled, p_true = np.full(15, 1 / 20), np.full((2, 1), 1 / 20)
    else:
        def zipf(k: np.ndarray) -> np.ndarray:
            return np.log((k + 2.0) / (k + 1.0)) / math.log(21)

        p_sampled, p_true = zipf(sampled.astype(float)), zipf(np.array([[1.0], [3.0]]))
    counts = out.sampled_expected_count.numpy()
    # One number of tries explains every count: 1 - (1 - p)^tries (TF's helper).
    tries = math.log1p(-float(counts[0])) / math.log1p(-float(p_sampled[0]))
    assert tries >= 15 - 1e-3
    tries = round(tries)
    np.testing.assert_allclose(counts, -np.expm1(tries * np.log1p(-p_sampled)), rtol=1e-5)
    np.testing.assert_allclose(out.true_expected_count.numpy(),
                               -np.expm1(tries * np.log1p(-p_true)), rtol=1e-5)


def test_seeds_repeat() -> None:
    tf.random.set_seed(7)
    a = tf.random.uniform_candidate_sampler(CLASSES, 1, 6, False, 1000)
    tf.random.set_seed(7)
    b = tf.random.uniform_candidate_sampler(CLASSES, 1, 6, False, 1000)
    tf.random.set_seed(None)
    np.testing.assert_array_equal(a.sampled_candidates.numpy(), b.sampled_candidates.numpy())


def test_sampled_losses_with_the_default_sampler() -> None:
    tf.random.set_seed(2)
    weights = tf.Variable(np.sin(np.arange(40.0)).reshape(20, 2).astype(np.float32))
    biases = tf.Variable(tf.zeros([20]))
    labels = tf.constant([[0], [7], [19]], tf.int64)
    inputs = tf.constant(np.cos(np.arange(6.0)).reshape(3, 2).astype(np.float32))
    for loss_fn in (tf.nn.nce_loss, tf.nn.sampled_softmax_loss):
        with tf.GradientTape() as tape:
            loss = loss_fn(weights, biases, labels, inputs, num_sampled=5, num_classes=20)
        assert tuple(loss.shape) == (3,) and loss.dtype == tf.float32
        assert np.all(np.isfinite(loss.numpy())) and np.all(loss.numpy() > 0)
        d_weights, d_biases = tape.gradient(loss, [weights, biases])
        assert type(d_weights).__name__ == "IndexedSlices"
        assert tuple(d_weights.values.shape) == (3 + 5, 2)  # true rows, then sampled rows
        assert np.count_nonzero(tf.convert_to_tensor(d_biases).numpy()) <= 8
    tf.random.set_seed(None)


def test_sampled_softmax_with_every_class_is_the_full_softmax() -> None:
    """With all classes sampled (each expected once: log Q = 0) and the true ones
    masked, the sampled loss is the softmax cross-entropy over all classes."""
    weights = tf.constant(np.sin(np.arange(12.0)).reshape(6, 2).astype(np.float32))
    biases = tf.constant(np.linspace(-1, 1, 6).astype(np.float32))
    inputs = tf.constant([[0.3, -1.2], [2.0, 0.5]])
    labels = tf.constant([[2], [5]], tf.int64)
    every = tf.random.all_candidate_sampler(labels, 1, 6, True)
    loss = tf.nn.sampled_softmax_loss(weights, biases, labels, inputs, 6, 6,
                                      sampled_values=every, remove_accidental_hits=True)
    logits = tf.matmul(inputs, weights, transpose_b=True) + biases
    full = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels[:, 0], logits=logits)
    np.testing.assert_allclose(loss.numpy(), full.numpy(), rtol=1e-6)
