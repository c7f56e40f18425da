"""`tf.nn` ops at their edges, against TensorFlow 2.21: float32 `softmax` of infinite
and NaN logits (TF's oneDNN kernel), dense-label `ctc_loss` where no alignment exists,
a label is the blank or outside the classes, or a logit is `-inf` (TF's own
forward-backward code and gradient), the gradients of the spectral norm at a zero
matrix, of `l2_normalize` (TF's zero-safe `rsqrt` and NaN-skipping `maximum`), of
`local_response_normalization` (TF's `LRNGrad`) and of `abs` at NaN, float64
`batch_normalization` and `clip_by_norm` given Python numbers, and the exception
classes of the cross-entropies, norms and `moments` for arguments TF refuses.

Found by sweeping `tf.nn` over special points against TF.
Answers live in `golden/cases_nn_edges.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import first_and_second, raises, tolerance

_ROWS = [[np.inf, 0.0, 1.0], [np.nan, 0.0, 1.0], [1.0, 2.0, np.inf], [0.0, np.inf, np.inf],
         [-np.inf, -np.inf, -np.inf], [-np.inf, -np.inf, 0.0], [1.0, 2.0, 3.0]]


def case_softmax_infinite_logits(tf):
    """Softmax and log-softmax of rows with infinities and NaN: float64 rows all NaN
    where one entry is NaN or +inf, log-softmax as TF's in both dtypes, and an empty
    class axis. (TF's float32 softmax, oneDNN, zeroes the rest of such a row instead:
    see `known_differences.md`, so its float32 rows here are the finite and -inf ones.)"""
    finite = [row for row in _ROWS if not any(np.isnan(v) or v == np.inf for v in row)]
    return {
        "float32": tf.nn.softmax(tf.constant(np.array(finite, "float32"))),
        "float64": tf.nn.softmax(tf.constant(np.array(_ROWS, "float64"))),
        "log": [tf.nn.log_softmax(tf.constant(np.array(_ROWS, dtype)))
                for dtype in ("float32", "float64")],
        "empty": tf.nn.softmax(tf.zeros([2, 0])),
    }


def case_softmax_scalar_errors(tf):
    """A scalar: float32 `softmax` aborts (oneDNN), the other dtypes and `log_softmax`
    raise InvalidArgumentError (ours aborted for all), `softmax_cross_entropy_with_logits`
    fails in TF's slicing (InvalidArgumentError, ours AbortedError)."""
    return {
        "softmax_f32": raises(lambda: tf.nn.softmax(tf.constant(2.0))),
        "softmax_f64": raises(lambda: tf.nn.softmax(tf.constant(2.0, tf.float64))),
        "log_softmax_f32": raises(lambda: tf.nn.log_softmax(tf.constant(2.0))),
        "xent": raises(lambda: tf.nn.softmax_cross_entropy_with_logits(tf.constant(1.0),
                                                                        tf.constant(2.0))),
    }


def _logits(frames=6, batch=1, classes=5):
    return np.random.RandomState(0).randn(frames, batch, classes).astype(np.float32)


def _ctc(tf, labels, logits, label_length, logit_length, **kwargs):
    z = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.nn.ctc_loss(tf.constant(labels), z, tf.constant(label_length),
                              tf.constant(logit_length), **kwargs)
    return {"loss": loss, "grad": tape.gradient(loss, z)}


@tolerance(rtol=1e-5, atol=1e-5)
def case_ctc_loss_without_alignment(tf):
    """No alignment can produce the labels: TF floors log(0) at log(1e-307), a large
    finite loss (710.77 for four 1s in three frames) with a finite gradient; ours was
    inf with a NaN gradient. Likewise no frames (706.89), a label length past the
    labels' width (ours raised) and a logit length past the frames (ours raised)."""
    z = _logits()
    return {
        "too_short": _ctc(tf, [[1, 1, 1, 1]], z[:3], [4], [3], blank_index=0),
        "no_frames": _ctc(tf, [[1, 0]], z, [1], [0], blank_index=0),
        "length_past_width": _ctc(tf, [[1, 2]], z, [3], [6], blank_index=0),
        "logit_length_past_frames": _ctc(tf, [[1, 0]], z, [1], [9], blank_index=0),
    }


@tolerance(rtol=1e-5, atol=1e-6)
def case_ctc_loss_blank_and_outside_labels(tf):
    """A label equal to the blank is observed as the blank but counts as no class in
    TF's gradient (ours gave another gradient); a label outside the classes is
    observed with probability 1 (TF's one-hot row of zeros; ours raised, and torch's
    kernel had corrupted the heap)."""
    z = _logits()
    return {
        "blank_0": _ctc(tf, [[1, 0]], z, [2], [6], blank_index=0),
        "blank_2": _ctc(tf, [[1, 2]], z, [2], [6], blank_index=2),
        "outside": _ctc(tf, [[7, 0]], z, [1], [6], blank_index=0),
        "negative": _ctc(tf, [[-1, 2]], z, [2], [6], blank_index=0),
    }


@tolerance(rtol=1e-5, atol=1e-6)
def case_ctc_loss_infinite_logit(tf):
    """A `-inf` logit makes TF's state observations NaN (`-inf * 0` in its one-hot
    sum): NaN loss and gradient for that sequence; ours gave a finite loss."""
    z = _logits(batch=2)
    z[1, 1, 2] = -np.inf
    labels = [[1, 2, 2, 0], [3, 1, 0, 0]]
    return {"tm": _ctc(tf, labels, z, [3, 2], [6, 5]),
            "half": _ctc(tf, labels, _logits(batch=2).astype(np.float16), [3, 2], [6, 5])}


def case_ctc_loss_float64_error(tf):
    """TF 2.21's dense CTC multiplies float64 logits by a float32 one-hot and fails
    (InvalidArgumentError); ours computed a loss."""
    z = tf.constant(_logits().astype(np.float64))
    return raises(lambda: tf.nn.ctc_loss(tf.constant([[1, 2]]), z, tf.constant([2]),
                                         tf.constant([6])))


def case_spectral_norm_gradient_at_zero(tf):
    """`norm(ord=2)` over a matrix is `reduce_max(abs(svd(x)))` in TF: `abs`' gradient
    0 at a zero singular value makes the gradient at a zero matrix 0 (ours 0.5 on the
    diagonal). Ties of nonzero singular values still share it."""
    out = {}
    for name, value in {"zero": np.zeros((2, 3)), "identity": np.eye(2)}.items():
        x = tf.constant(value.astype(np.float32))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.norm(x, ord=2, axis=(0, 1))
        out[name] = {"norm": y, "grad": tape.gradient(y, x)}
    return out


@tolerance(rtol=1e-5, atol=1e-30)
def case_l2_normalize_edge_gradients(tf):
    """With epsilon 0 (TF's composite): TF's `rsqrt` gradient is 0 where its incoming
    gradient is, so a zero row has gradient inf (ours NaN); its `maximum` gives a NaN
    sum no gradient, so a row with a NaN has second derivative [nan, 0, 0] (ours all
    NaN), and an overflowed float32 row's is NaN (ours 0). With epsilon > 0 the NaN and
    overflowed rows' second derivatives are torch's (NOTE: [l2_normalize's fast path]),
    so those rows are left out there."""
    rows = [[3.0, 4.0, 0.0], [0.0, 0.0, 0.0], [1e-30, 0.0, 0.0], [1e30, 1e30, 0.0],
            [np.nan, 1.0, 2.0]]
    out = {}
    for dtype in ("float32", "float64"):
        for eps in (1e-12, 0.0):
            x = tf.constant(np.array(rows if eps == 0.0 else rows[:3], dtype))
            weights = tf.constant([1.0, 2.0, 3.0], x.dtype)
            out[f"{dtype}_{eps}"] = first_and_second(
                tf, lambda v, eps=eps, w=weights: tf.nn.l2_normalize(v, axis=1, epsilon=eps) * w,
                x)
    return out


def case_rsqrt_and_abs_gradients(tf):
    """`rsqrt`'s gradient is 0 where the incoming gradient is 0 (ours NaN at 0).
    `abs`' and the 1-norm's, away from NaN (TF's is NaN there, torch's `sign(nan)` 0:
    see `known_differences.md`)."""
    x = tf.constant([0.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.rsqrt(x) * tf.constant([0.0, 1.0])
    out = {"rsqrt_grad": tape.gradient(y, x)}
    v = tf.constant([-np.inf, -1.0, 0.0, np.inf])
    out["abs"] = first_and_second(tf, lambda t: tf.abs(t) * tf.constant([1.0, 2.0, 3.0, 4.0]), v)
    out["norm_1"] = first_and_second(tf, lambda t: tf.norm(t, ord=1), v)
    return out


def case_lrn_gradient_skips_zero_upstream(tf):
    """TF's `LRNGrad` skips outputs whose incoming gradient is 0, so a NaN activation
    (x = 0, bias 0) that nothing flows through costs nothing (ours NaN)."""
    out = {}
    for radius, bias in ((0, 0.0), (1, 0.0), (0, 1.0)):
        x = tf.constant([[[[0.0, 1.0, 2.0]]]])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.nn.local_response_normalization(x, radius, bias, 1.0, 1.0)
            y = y * tf.constant([0.0, 1.0, 1.0])
        out[f"r{radius}_b{bias}"] = {"y": y, "grad": tape.gradient(y, x)}
    return out


def case_lrn_second_derivative_error(tf):
    """TF registers no gradient for `LRNGrad`: a second derivative raises LookupError
    (ours computed one)."""
    x = tf.constant([[[[0.5, 1.0, 2.0]]]])

    def second():
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.nn.local_response_normalization(x, 1, 1.0, 1.0, 0.5)
            g = inner.gradient(y, x)
        return outer.gradient(g, x)

    return raises(second)


def case_batch_normalization_python_floats(tf):
    """Python floats for `mean`/`variance`/`offset`/`scale` make TF's `inv` a float32
    `rsqrt`, cast to float64 afterwards (1.4138602 where ours computed 1.41386014 in
    float64); tensors of the input's dtype stay float64."""
    x = tf.constant([1.0, 2.0, 3.0, -6.0, 5.0], tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        floats = tf.nn.batch_normalization(x, 1.0, 2.0, 0.5, 2.0, 1e-3)
        f32_mean = tf.nn.batch_normalization(x, tf.constant(1.0), 2.0, None, None, 1e-3)
    return {"floats": floats, "floats_grad": tape.gradient(floats, x),
            "f32_mean": f32_mean, "f32_mean_grad": tape.gradient(f32_mean, x),
            "mismatch": raises(lambda: tf.nn.batch_normalization(
                x, tf.constant(1.0, tf.float64), 2.0, 0.5, 2.0, 1e-3))}


def case_clip_by_norm_float64(tf):
    """A Python `clip_norm` takes the values' dtype (ours failed for float64 values:
    a float32 `maximum` times float64); a negative one clips to zeros."""
    x = tf.constant([3.0, 4.0], tf.float64)
    return {"float": tf.clip_by_norm(x, 1.0), "int": tf.clip_by_norm(x, 1),
            "negative": tf.clip_by_norm(x, -1.0),
            "float32_tensor": tf.clip_by_norm(x, tf.constant(1.0))}


def case_norm_integer_and_complex(tf):
    """TF's 1- and infinity norms of int32 stay int32 (ours int64 for the 1-norm); the
    Euclidean norm of a complex tensor is complex (ours real)."""
    i = tf.constant([[3, -4], [1, 2]])
    c = tf.constant([3 + 4j, 1j], tf.complex64)
    return {"int_1": tf.norm(i, ord=1), "int_inf": tf.norm(i, ord=np.inf),
            "int_mat_1": tf.norm(i, ord=1, axis=[0, 1]),
            "complex": tf.norm(c), "complex_1": tf.norm(c, ord=1)}


def case_nn_argument_errors(tf):
    """Arguments TF refuses, each with TF's class (ours computed, or raised another)."""
    f32 = tf.ones([2, 3, 4])
    return {
        "sigmoid_xent_float64_labels": raises(lambda: tf.nn.sigmoid_cross_entropy_with_logits(
            labels=tf.zeros([2], tf.float64), logits=tf.zeros([2]))),
        "sigmoid_xent_int_list_labels": raises(lambda: tf.nn.sigmoid_cross_entropy_with_logits(
            labels=[1, 0], logits=tf.constant([0.5, -1.0]))),
        "sparse_xent_float_labels": raises(
            lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([1.0]),
                                                                   tf.ones([1, 3]))),
        "sparse_xent_uint8_labels": raises(
            lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(
                tf.constant([1], tf.uint8), tf.ones([1, 3]))),
        "xent_axis_minus_2": raises(
            lambda: tf.nn.softmax_cross_entropy_with_logits(f32, f32, axis=-2)),
        "xent_axis_past_rank": raises(
            lambda: tf.nn.softmax_cross_entropy_with_logits(f32, f32, axis=3)),
        "norm_int32": raises(lambda: tf.norm(tf.constant([3, 4]))),
        "norm_int32_ord_3": raises(lambda: tf.norm(tf.constant([3, 4]), ord=3)),
        "norm_int32_spectral": raises(lambda: tf.norm(tf.constant([[3, 4]]), ord=2,
                                                      axis=[0, 1])),
        "norm_tensor_axis": raises(lambda: tf.norm(tf.ones([2, 3]), axis=tf.constant(1))),
        "norm_numpy_axis": raises(lambda: tf.norm(tf.ones([2, 3]), axis=np.int64(1))),
        "global_norm_mixed": raises(lambda: tf.linalg.global_norm(
            [tf.constant([3.0]), tf.constant([4.0], tf.float64)])),
        "global_norm_int": raises(lambda: tf.linalg.global_norm([tf.constant([3])])),
        "moments_tensor_axes": raises(lambda: tf.nn.moments(tf.ones([2, 3]),
                                                            tf.constant([1]))),
        "l2_normalize_int32": raises(lambda: tf.nn.l2_normalize(tf.constant([3, 4]))),
        "l2_normalize_int32_eps_0": raises(lambda: tf.nn.l2_normalize(tf.constant([3, 4]),
                                                                      epsilon=0)),
        "lrn_bfloat16": raises(lambda: tf.nn.local_response_normalization(
            tf.ones([1, 1, 1, 3], tf.bfloat16))),
    }
