"""Candidate samplers and sampled losses against TensorFlow 2.21: `tf.nn.nce_loss` and
`tf.nn.sampled_softmax_loss` with given `sampled_values` (values, gradients, the
accidental-hit mask, several true classes, dtype casts), `compute_accidental_hits`,
`all_candidate_sampler`, and what the random samplers fix for every draw (dtypes,
shapes, the expected counts of non-unique draws) and their exception classes; the
same for the stateless Gamma, Poisson, binomial and parameterized truncated normal
distributions. The draws themselves are torch's, not TF's
(`tftape_torch/_candidate_sampling.py`, `tftape_torch/random.py`).
Answers live in `golden/cases_sampled.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises
from tests.conformance.harness import tolerance

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _table(tf, rows, cols, k=0.0, dtype=None):
    values = np.sin(0.61 * np.arange(rows * cols) + k).reshape(rows, cols) * 0.8
    return tf.constant(values.astype(np.float32), dtype or tf.float32)


def _sampled(tf, ids, true_count, sampled_count):
    return (tf.constant(ids, tf.int64), tf.constant(true_count, tf.float32),
            tf.constant(sampled_count, tf.float32))


def _losses(tf, weights, biases, labels, inputs, sampled, num_true=1, **options):
    """Both losses and their gradients in weights, biases and inputs."""
    out = {}
    for name, fn in (("nce", tf.nn.nce_loss), ("softmax", tf.nn.sampled_softmax_loss)):
        with tf.GradientTape() as tape:
            tape.watch([weights, biases, inputs])
            loss = fn(weights, biases, labels, inputs, num_sampled=int(sampled[0].shape[0]),
                      num_classes=int(weights.shape[0]), num_true=num_true,
                      sampled_values=sampled, **options)
            total = tf.reduce_sum(loss * tf.range(1.0, loss.shape[0] + 1.0, dtype=loss.dtype))
        grads = tape.gradient(total, [weights, biases, inputs])
        out[name] = {"loss": loss, "d_weights": tf.convert_to_tensor(grads[0]),
                     "d_biases": tf.convert_to_tensor(grads[1]), "d_inputs": grads[2],
                     "weights_slices": type(grads[0]).__name__}
    return out


@tolerance(**TOL)
def case_sampled_losses(tf):
    weights, biases = _table(tf, 7, 3), tf.constant(np.linspace(-0.5, 0.5, 7), tf.float32)
    inputs = _table(tf, 4, 3, k=1.3)
    labels = tf.constant([[0], [2], [5], [6]], tf.int64)
    sampled = _sampled(tf, [3, 1, 4], [[0.4], [0.3], [0.2], [0.15]], [0.25, 0.5, 0.35])
    return _losses(tf, weights, biases, labels, inputs, sampled)


@tolerance(**TOL)
def case_sampled_losses_accidental_hits(tf):
    weights, biases = _table(tf, 6, 2), tf.zeros([6])
    inputs = _table(tf, 3, 2, k=0.4)
    labels = tf.constant([[1], [2], [4]], tf.int64)
    sampled = _sampled(tf, [2, 4, 0, 4], [[0.5], [0.5], [0.5]], [0.5, 0.4, 0.3, 0.4])
    return {
        "removed": _losses(tf, weights, biases, labels, inputs, sampled,
                           remove_accidental_hits=True),
        "kept": _losses(tf, weights, biases, labels, inputs, sampled,
                        remove_accidental_hits=False),
    }


@tolerance(**TOL)
def case_sampled_losses_num_true(tf):
    weights, biases = _table(tf, 8, 4), tf.constant(np.cos(np.arange(8.0)), tf.float32)
    inputs = _table(tf, 2, 4, k=2.0)
    labels = tf.constant([[1, 3], [7, 1]], tf.int64)
    sampled = _sampled(tf, [0, 5, 3], [[0.3, 0.2], [0.1, 0.3]], [0.6, 0.2, 0.2])
    return _losses(tf, weights, biases, labels, inputs, sampled, num_true=2)


@tolerance(**TOL)
def case_sampled_losses_variables_and_shards(tf):
    weights = tf.Variable(_table(tf, 6, 2))
    shards = [tf.Variable(_table(tf, 6, 2)[:3]), tf.Variable(_table(tf, 6, 2)[3:])]
    biases = tf.Variable(tf.constant(np.linspace(0.0, 1.0, 6), tf.float32))
    inputs = _table(tf, 2, 2, k=0.9)
    labels = tf.constant([[0], [4]])  # int32 labels are cast
    sampled = _sampled(tf, [1, 5], [[0.5], [0.25]], [0.5, 0.3])
    with tf.GradientTape(persistent=True) as tape:
        loss = tf.nn.sampled_softmax_loss(weights, biases, labels, inputs, 2, 6,
                                          sampled_values=sampled)
        sharded = tf.nn.nce_loss(shards, biases, labels, inputs, 2, 6, sampled_values=sampled)
    grads = tape.gradient(loss, [weights, biases])
    return {"loss": loss, "d_weights": tf.convert_to_tensor(grads[0]),
            "d_biases": tf.convert_to_tensor(grads[1]), "sharded": sharded,
            "d_shards": [tf.convert_to_tensor(g) for g in tape.gradient(sharded, shards)]}


def case_sampled_losses_errors(tf):
    weights, biases = _table(tf, 5, 2), tf.zeros([5])
    sampled = _sampled(tf, [1, 2], [[0.5]], [0.5, 0.5])
    labels = tf.constant([[0]], tf.int64)
    return {
        "float64_inputs": _raises(lambda: tf.nn.sampled_softmax_loss(
            weights, biases, labels, tf.ones([1, 2], tf.float64), 2, 5, sampled_values=sampled)),
        "list_labels": _raises(lambda: tf.nn.nce_loss(
            weights, biases, [[0]], tf.ones([1, 2]), 2, 5, sampled_values=sampled)),
        "list_inputs": _raises(lambda: tf.nn.nce_loss(
            weights, biases, labels, [[1.0, 1.0]], 2, 5, sampled_values=sampled)),
    }


def case_accidental_hits(tf):
    classes = tf.constant([[1, 2], [3, 4], [2, 9]], tf.int64)
    hits = tf.nn.compute_accidental_hits(classes, tf.constant([2, 5, 9, 2, 1], tf.int64), 2)
    none = tf.nn.compute_accidental_hits(classes, tf.constant([0, 5], tf.int64), 2)
    return {
        "hits": list(hits), "fields": list(hits._fields), "none": list(none),
        "lists": list(tf.nn.compute_accidental_hits([[1]], [1, 2], 1)),
        "int32": _raises(lambda: tf.nn.compute_accidental_hits(
            classes, tf.constant([2], tf.int32), 2)),
        "num_true": _raises(lambda: tf.nn.compute_accidental_hits(
            classes, tf.constant([2], tf.int64), 1)),
        "matrix": _raises(lambda: tf.nn.compute_accidental_hits(
            classes, tf.constant([[2]], tf.int64), 2)),
    }


def case_candidate_samplers(tf):
    classes = tf.constant([[1, 2], [3, 4], [2, 9]], tf.int64)
    log_uniform = tf.random.log_uniform_candidate_sampler(classes, 2, 5, False, 10, seed=3)
    uniform = tf.random.uniform_candidate_sampler(classes, 2, 4, True, 10, seed=3)
    fixed = tf.random.fixed_unigram_candidate_sampler(
        classes, 2, 6, False, 10, unigrams=[1.0, 2, 3, 4, 5, 6, 7, 8], num_reserved_ids=2,
        distortion=0.75)
    every = tf.random.all_candidate_sampler(classes, 2, 12, True)
    return {
        "fields": [type(log_uniform).__name__, list(log_uniform._fields),
                   type(uniform).__name__, type(fixed).__name__, type(every).__name__],
        "log_uniform_true": log_uniform.true_expected_count,
        "log_uniform_shapes": [log_uniform.sampled_candidates.shape.as_list(),
                               log_uniform.sampled_expected_count.shape.as_list()],
        "log_uniform_values": [log_uniform.sampled_candidates[:0],
                               log_uniform.sampled_expected_count[:0]],
        "fixed_true": fixed.true_expected_count,
        "uniform_distinct": len(set(uniform.sampled_candidates.numpy().tolist())) == 4,
        "all": list(every),
        "nn_aliases": [tf.nn.all_candidate_sampler is tf.random.all_candidate_sampler,
                       tf.nn.fixed_unigram_candidate_sampler
                       is tf.random.fixed_unigram_candidate_sampler],
    }


def case_candidate_sampler_errors(tf):
    classes = tf.constant([[1, 2], [3, 4]], tf.int64)
    uniform = tf.random.uniform_candidate_sampler
    return {
        "int32": _raises(lambda: uniform(tf.constant([[1]]), 1, 3, True, 10)),
        "num_true": _raises(lambda: uniform(classes, 1, 3, True, 10)),
        "range_small": _raises(lambda: uniform(classes, 2, 11, True, 10)),
        "rank1": _raises(lambda: uniform(tf.constant([1, 2], tf.int64), 1, 3, True, 10)),
        "num_sampled_0": _raises(lambda: uniform(classes, 2, 0, True, 10)),
        "out_of_range": _raises(lambda: tf.random.log_uniform_candidate_sampler(
            tf.constant([[50]], tf.int64), 1, 3, True, 10)),
        "all_out_of_range": _raises(lambda: tf.random.all_candidate_sampler(classes, 2, 4, True)),
        "fixed_no_unigrams": _raises(lambda: tf.random.fixed_unigram_candidate_sampler(
            classes, 2, 3, True, 10)),
        "fixed_size": _raises(lambda: tf.random.fixed_unigram_candidate_sampler(
            classes, 2, 3, True, 10, unigrams=[1.0, 2.0, 3.0])),
        "fixed_shards": _raises(lambda: tf.random.fixed_unigram_candidate_sampler(
            classes, 2, 3, True, 10, unigrams=[1.0] * 10, num_shards=2, shard=1)),
    }


# ---------------------------------------------------------------------------
# Stateless distributions: what holds for every draw (the draws are torch's).


def case_stateless_distributions(tf):
    alpha = tf.constant([0.5, 1.5])
    means, lows, highs = tf.constant([0.0, 1.0]), tf.constant(-1.0), tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([alpha, means, lows, highs])
        gamma = tf.random.stateless_gamma([4, 2], [1, 2], alpha=alpha)
        scaled = tf.random.stateless_gamma([3], [1, 2], alpha=2.0, beta=[1.0, 2.0, 4.0],
                                           dtype=tf.float64)
        poisson = tf.random.stateless_poisson([4, 2], [1, 2], lam=alpha)
        normal = tf.random.stateless_parameterized_truncated_normal(
            [3, 2], [1, 2], means=means, stddevs=alpha, minvals=lows, maxvals=highs)
    binomial = tf.random.stateless_binomial([3], [1, 2], counts=[10.0, 20.0, 5.0], probs=0.5,
                                            output_dtype=tf.float32)
    return {
        "empty_slices": [t[:0] for t in (gamma, scaled, poisson, normal, binomial)],
        "shapes": [t.shape.as_list() for t in (gamma, scaled, poisson, normal, binomial)],
        "repeatable": bool(tf.reduce_all(
            gamma == tf.random.stateless_gamma([4, 2], [1, 2], alpha=alpha))),
        "gamma_positive": bool(tf.reduce_all(gamma > 0)),
        "normal_in_bounds": bool(tf.reduce_all((normal >= -1.0) & (normal <= 2.0))),
        "binomial_in_range": bool(tf.reduce_all((binomial >= 0) &
                                                (binomial <= [10.0, 20.0, 5.0]))),
        "gamma_grad_shape": tape.gradient(gamma, alpha).shape.as_list(),
        "poisson_grad": tape.gradient(poisson, alpha),
        "normal_grad_means": tape.gradient(normal, means),
        "normal_grad_bounds_positive": [bool(tape.gradient(normal, b) > 0)
                                        for b in (lows, highs)],
        "defaults": [tf.random.stateless_poisson([2], [3, 4], lam=2.0)[:0],
                     tf.random.stateless_binomial([2], [3, 4], counts=4, probs=0.5)[:0],
                     tf.random.stateless_parameterized_truncated_normal([2], [3, 4])[:0]],
    }


def case_stateless_distribution_errors(tf):
    alpha = tf.constant([0.5, 1.5])
    return {
        "gamma_shape": _raises(lambda: tf.random.stateless_gamma([4, 3], [1, 2], alpha=alpha)),
        "gamma_int": _raises(lambda: tf.random.stateless_gamma([2], [1, 2], alpha=2.0,
                                                               dtype=tf.int32)),
        "poisson_bool": _raises(lambda: tf.random.stateless_poisson([2], [1, 2], lam=2.0,
                                                                    dtype=tf.bool)),
        "binomial_shape": _raises(lambda: tf.random.stateless_binomial(
            [3], [1, 2], counts=[10.0, 20.0], probs=0.5)),
        "seed": _raises(lambda: tf.random.stateless_gamma([2], [1, 2, 3], alpha=2.0)),
        "normal_shape": _raises(lambda: tf.random.stateless_parameterized_truncated_normal(
            [3], [1, 2], means=[0.0, 1.0])),
    }


def case_fixed_unigram_vocab_file(tf):
    import os
    import tempfile

    folder = tempfile.mkdtemp()
    counts, bad = os.path.join(folder, "vocab.csv"), os.path.join(folder, "bad.txt")
    with open(counts, "w") as handle:
        handle.write("a,1\nb,4\nc,9\nd,16\n")
    with open(bad, "w") as handle:
        handle.write("x 1 2\ny 3 4\n")
    classes = tf.constant([[0], [3]], tf.int64)
    sampler = tf.random.fixed_unigram_candidate_sampler
    return {
        "counts": sampler(classes, 1, 2, False, 4, vocab_file=counts).true_expected_count,
        "reserved_distorted": sampler(tf.constant([[2]], tf.int64), 1, 2, False, 6,
                                      vocab_file=counts, num_reserved_ids=2,
                                      distortion=0.5).true_expected_count,
        "range": _raises(lambda: sampler(classes[:1], 1, 1, False, 5, vocab_file=counts)),
        "missing": _raises(lambda: sampler(classes[:1], 1, 1, False, 4,
                                           vocab_file=os.path.join(folder, "none.csv"))),
        "format": _raises(lambda: sampler(classes[:1], 1, 1, False, 2, vocab_file=bad)),
    }
