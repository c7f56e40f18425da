"""`tf.nn.ctc_loss` with dense labels against TensorFlow 2.21: losses, their gradient
with respect to the logits (frames past `logit_length` get none), time-major and
batch-major logits, `blank_index` (default 0, last, negative), a batch jacobian of
the per-example losses, and float64. Answers live in `golden/cases_ctc.json`.

Error-class checks sit in `case_ctc_errors` (strings keep it out of function mode).
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises


def _logits(tf, frames=6, batch=2, classes=5, dtype=np.float32):
    n = frames * batch * classes
    values = np.sin(0.7 * np.arange(n) + 0.3).reshape(frames, batch, classes) * 2.0
    return tf.constant(values.astype(dtype))


def _labels(tf):
    return (tf.constant([[1, 2, 2, 0], [3, 1, 0, 0]], tf.int32), tf.constant([3, 2]),
            tf.constant([6, 5]))


def case_ctc_loss_values(tf):
    labels, label_length, logit_length = _labels(tf)
    return tf.nn.ctc_loss(labels, _logits(tf), label_length, logit_length)


def case_ctc_loss_gradient(tf):
    labels, label_length, logit_length = _labels(tf)
    logits = _logits(tf)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.reduce_sum(tf.nn.ctc_loss(labels, logits, label_length, logit_length))
    return {"loss": loss, "grad": tape.gradient(loss, logits)}


def case_ctc_loss_weighted_gradient(tf):
    labels, label_length, logit_length = _labels(tf)
    logits = _logits(tf)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.nn.ctc_loss(labels, logits, label_length, logit_length)
    return tape.gradient(loss, logits, output_gradients=tf.constant([2.0, -0.5]))


def case_ctc_loss_batch_major(tf):
    labels, label_length, logit_length = _labels(tf)
    logits = tf.transpose(_logits(tf), [1, 0, 2])
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.nn.ctc_loss(labels, logits, label_length, logit_length,
                              logits_time_major=False)
    return {"loss": loss, "grad": tape.gradient(loss, logits)}


def case_ctc_loss_blank_index(tf):
    labels, label_length, logit_length = _labels(tf)
    logits = _logits(tf)
    return {
        "last": tf.nn.ctc_loss(labels, logits, label_length, logit_length, blank_index=4),
        "minus_one": tf.nn.ctc_loss(labels, logits, label_length, logit_length,
                                    blank_index=-1),
        "zero": tf.nn.ctc_loss(labels, logits, label_length, logit_length, blank_index=0),
        "two": tf.nn.ctc_loss(tf.constant([[1, 3, 0], [4, 0, 0]]), logits,
                              tf.constant([2, 1]), logit_length, blank_index=2),
    }


def case_ctc_loss_jacobian(tf):
    labels, label_length, logit_length = _labels(tf)
    logits = _logits(tf, frames=4)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.nn.ctc_loss(labels, logits, label_length, tf.constant([4, 3]))
    return tape.jacobian(loss, logits)


def case_ctc_loss_int64_labels_and_lengths(tf):
    logits = _logits(tf)
    labels = tf.constant([[1, 2, 2, 0], [3, 1, 0, 0]], tf.int64)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.nn.ctc_loss(labels, logits, tf.constant([3, 2], tf.int64),
                              tf.constant([6, 5], tf.int64))
    return {"loss": loss, "grad": tape.gradient(loss, logits)}


def case_ctc_loss_float64(tf):
    # TF 2.21 fails inside its own dense CTC code (a float32 constant times the
    # float64 logits); see known_differences.md
    logits = _logits(tf, dtype=np.float64)
    labels, label_length, logit_length = _labels(tf)
    return tf.nn.ctc_loss(labels, logits, label_length, logit_length)


def case_ctc_loss_repeated_labels_need_blanks(tf):
    # "1 1" needs a blank between the two 1s: 3 frames are the fewest that work
    logits = tf.zeros([3, 1, 2])
    return tf.nn.ctc_loss(tf.constant([[1, 1]]), logits, tf.constant([2]), tf.constant([3]))


def case_ctc_loss_variable_logits(tf):
    labels, label_length, logit_length = _labels(tf)
    v = tf.Variable(_logits(tf))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.nn.ctc_loss(labels, v, label_length, logit_length))
    return tape.gradient(loss, v)


def case_ctc_errors(tf):
    labels, label_length, logit_length = _labels(tf)
    logits = _logits(tf)
    return {
        "float_labels": _raises(lambda: tf.nn.ctc_loss(tf.cast(labels, tf.float32), logits,
                                                       label_length, logit_length)),
        "int_logits": _raises(lambda: tf.nn.ctc_loss(labels, tf.cast(logits, tf.int32),
                                                     label_length, logit_length)),
    }


def case_ctc_loss_impossible_alignment(tf):
    # four labels cannot fit in three frames; see known_differences.md
    return tf.nn.ctc_loss(tf.constant([[1, 1, 1, 1]]), tf.zeros([3, 1, 3]),
                          tf.constant([4]), tf.constant([3]))


def case_collapse_repeated(tf):
    labels = tf.constant([[1, 1, 2, 2, 3], [4, 4, 4, 5, 5], [7, 7, 7, 7, 7]])
    return {
        "full": list(tf.nn.collapse_repeated(labels, [5, 5, 5])),
        "lengths": list(tf.nn.collapse_repeated(labels, [5, 3, 2])),
        "zero_length": list(tf.nn.collapse_repeated([[1, 1, 2], [3, 3, 3]], [0, 2])),
        "past_the_end": list(tf.nn.collapse_repeated([[1, 1, 2]], [5])),
        "float_labels": list(tf.nn.collapse_repeated(tf.constant([[1.0, 1.0, 2.0]]), [3])),
        "int64_lengths": list(tf.nn.collapse_repeated(labels, tf.constant([4, 4, 4], tf.int64))),
        "vector": _raises(lambda: tf.nn.collapse_repeated([1, 1, 2], [3])),
    }
