"""More of `tf.nn` and the top level against TensorFlow 2.21:
`depthwise_conv2d_backprop_input`/`_filter` (TF's CPU kernels ignore `dilations`),
`with_space_to_batch` (dilated convolutions and pools, `"SAME"` with a filter
shape, other spatial dimensions), `required_space_to_batch_paddings`,
`batch_norm_with_global_normalization` and `extract_volume_patches`: values, tape
gradients and errors. Answers live in `golden/cases_nn_more.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import tolerance

TOL = {"rtol": 1e-4, "atol": 1e-4}


def _rhs(tf, shape, dtype=None, k=0.0):
    n = int(np.prod(shape))
    return tf.constant((np.sin(0.7 * np.arange(n) + k) + 0.25).reshape(shape), dtype or tf.float32)


def _error(fn):
    """Class and first message line (without TF's `{{function_node ...}}` prefix and
    ` name: ` tail) of what `fn()` raises, else `"returned"`."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are the answer
        text = str(e).split("\n")[0].split("}} ")[-1].removesuffix(" name: ")
        return f"{type(e).__name__}: {text}"
    return "returned"


@tolerance(**TOL)
def case_depthwise_backprops(tf):
    x, w = _rhs(tf, [2, 7, 6, 3]), _rhs(tf, [3, 2, 3, 2], k=1.0)
    out = {}
    for key, padding, strides, dilations in (
            ("valid", "VALID", [1, 1, 1, 1], [1, 1, 1, 1]),
            ("same_strided", "SAME", [1, 2, 2, 1], [1, 1, 1, 1]),
            ("dilations_ignored", "SAME", [1, 1, 1, 1], [1, 2, 2, 1]),
            ("rows_strided", "VALID", [1, 2, 1, 1], [1, 1, 1, 1])):
        y = tf.nn.depthwise_conv2d(x, w, strides, padding, dilations=dilations[1:3])
        dy = _rhs(tf, y.shape, k=2.0)
        out[key] = [
            tf.nn.depthwise_conv2d_backprop_input([2, 7, 6, 3], w, dy, strides, padding,
                                                  dilations=dilations),
            tf.nn.depthwise_conv2d_backprop_filter(x, [3, 2, 3, 2], dy, strides, padding,
                                                   dilations=dilations)]
    return out


@tolerance(**TOL)
def case_depthwise_backprops_gradient(tf):
    x = tf.Variable(_rhs(tf, [1, 5, 5, 2]))
    w = tf.Variable(_rhs(tf, [2, 2, 2, 2], k=1.0))
    dy = tf.Variable(_rhs(tf, [1, 4, 4, 4], k=2.0))
    with tf.GradientTape(persistent=True) as tape:
        a = tf.reduce_sum(tf.nn.depthwise_conv2d_backprop_input(
            [1, 5, 5, 2], w, dy, [1, 1, 1, 1], "VALID") ** 2)
        b = tf.reduce_sum(tf.nn.depthwise_conv2d_backprop_filter(
            x, [2, 2, 2, 2], dy, [1, 1, 1, 1], "VALID") ** 2)
    return {"input": tape.gradient(a, [w, dy]), "filter": tape.gradient(b, [x, dy])}


def case_required_space_to_batch_paddings(tf):
    return {
        "plain": list(tf.required_space_to_batch_paddings([5, 4], [2, 3])),
        "base": list(tf.required_space_to_batch_paddings([7], [3], [[1, 2]])),
        "tensor": list(tf.required_space_to_batch_paddings(tf.constant([6, 6]), [2, 2],
                                                           [[1, 1], [0, 3]])),
        "none": list(tf.required_space_to_batch_paddings([], [])),
    }


@tolerance(**TOL)
def case_with_space_to_batch(tf):
    x, w = _rhs(tf, [2, 9, 8, 3]), _rhs(tf, [3, 3, 3, 4], k=1.0)

    def conv(inp, n, padding):
        return tf.nn.convolution(inp, w, padding=padding)

    x1, w1 = _rhs(tf, [2, 11, 3]), _rhs(tf, [3, 3, 2], k=2.0)
    x2 = _rhs(tf, [2, 3, 9, 8])
    return {
        "valid": tf.nn.with_space_to_batch(x, [2, 2], "VALID", conv),
        "same": tf.nn.with_space_to_batch(x, [2, 3], "SAME", conv, filter_shape=[3, 3]),
        "rate_one": tf.nn.with_space_to_batch(x, [1, 1], "SAME", conv),
        "pool": tf.nn.with_space_to_batch(
            x, [3, 2], "VALID", lambda inp, n, padding: tf.nn.max_pool2d(inp, 2, 1, padding)),
        "one_d": tf.nn.with_space_to_batch(
            x1, [2], "SAME", lambda inp, n, padding: tf.nn.convolution(inp, w1, padding=padding),
            filter_shape=[3]),
        "last_dim": tf.nn.with_space_to_batch(x2, [2], "VALID", lambda i, n, p: i * 2.0,
                                              spatial_dims=[3]),
        "gap": tf.nn.with_space_to_batch(x2, [2, 2], "VALID", lambda i, n, p: i + 1.0,
                                         spatial_dims=[1, 3]),
    }


def case_with_space_to_batch_errors(tf):
    x, w = _rhs(tf, [2, 9, 8, 3]), _rhs(tf, [3, 3, 3, 4], k=1.0)

    def conv(inp, n, padding):
        return tf.nn.convolution(inp, w, padding=padding)

    return {
        "no_filter_shape": _error(lambda: tf.nn.with_space_to_batch(x, [2, 2], "SAME", conv)),
        "rate": _error(lambda: tf.nn.with_space_to_batch(x, [0, 2], "VALID", conv)),
        "padding": _error(lambda: tf.nn.with_space_to_batch(x, [2, 2], "FOO", conv)),
        "dims": _error(lambda: tf.nn.with_space_to_batch(x, [2, 2], "VALID", conv,
                                                         spatial_dims=[2, 1])),
    }


@tolerance(**TOL)
def case_with_space_to_batch_gradient(tf):
    x, w = tf.Variable(_rhs(tf, [1, 9, 8, 2])), tf.Variable(_rhs(tf, [3, 3, 2, 2], k=1.0))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.with_space_to_batch(
            x, [2, 2], "SAME", lambda i, n, p: tf.nn.convolution(i, w, padding=p),
            filter_shape=[3, 3]) ** 2)
    return {"gradient": tape.gradient(y, [x, w])}


@tolerance(**TOL)
def case_batch_norm_with_global_normalization(tf):
    x, m, b, g = (_rhs(tf, s, k=k) for s, k in (([2, 3], 0.0), ([3], 1.0), ([3], 3.0),
                                                ([3], 4.0)))
    v = _rhs(tf, [3], k=2.0) ** 2 + 0.1
    return {
        "scaled": tf.nn.batch_norm_with_global_normalization(x, m, v, b, g, 1e-3, True),
        "unscaled": tf.nn.batch_norm_with_global_normalization(x, m, v, b, g, 1e-3, False),
    }


def case_extract_volume_patches(tf):
    x = tf.reshape(tf.range(2 * 4 * 5 * 6 * 2.0), [2, 4, 5, 6, 2])
    evp = tf.extract_volume_patches
    return {
        "same": evp(x, [1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "SAME"),
        "valid": evp(x, [1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "VALID"),
        "int": evp(tf.cast(x, tf.int32), [1, 3, 1, 2, 1], [1, 2, 3, 1, 1], "SAME"),
        "ones": evp(x, [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], "VALID"),
        "errors": [_error(f) for f in (
            lambda: evp(x, [1, 2, 2, 3, 2], [1, 1, 2, 2, 1], "SAME"),
            lambda: evp(x, [1, 2, 2, 1], [1, 1, 2, 2, 1], "SAME"),
            lambda: evp(x[0], [1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "SAME"),
            lambda: evp(x, [1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "FOO"),
            lambda: evp(x, [1, 0, 2, 3, 1], [1, 1, 2, 2, 1], "SAME"),
            lambda: evp(x, [1, 9, 2, 3, 1], [1, 1, 2, 2, 1], "VALID"))],
    }


@tolerance(**TOL)
def case_extract_volume_patches_gradient(tf):
    x = tf.Variable(tf.reshape(tf.sin(tf.range(3 * 4 * 5 * 2.0)), [1, 3, 4, 5, 2]))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.extract_volume_patches(x, [1, 2, 3, 2, 1], [1, 1, 2, 1, 1],
                                                    "SAME") ** 2)
    return {"gradient": tape.gradient(y, x)}


def _sampler(tf, values):
    """A `uniform_sampler` that returns fixed uniforms (of the asked shape)."""
    return lambda shape, dtype: tf.reshape(tf.constant(values, dtype), shape)


@tolerance(**TOL)
def case_general_dropout(tf):
    x = _rhs(tf, [2, 3])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.experimental.general_dropout(
            x, 0.4, _sampler(tf, [0.1, 0.5, 0.9, 0.4, 0.3, 0.7]))
    return {
        "values": y,
        "gradient": tape.gradient(y, x),
        "noise_shape": tf.nn.experimental.general_dropout(
            x, 0.5, _sampler(tf, [0.2, 0.8]), noise_shape=[None, 1]),
        "noise_row": tf.nn.experimental.general_dropout(
            x, 0.5, _sampler(tf, [0.2, 0.8, 0.6]), noise_shape=[1, 3]),
        "rate_zero": tf.nn.experimental.general_dropout(x, 0.0, _sampler(tf, [0.0] * 6)),
        "tensor_rate": tf.nn.experimental.general_dropout(
            x, tf.constant(0.25), _sampler(tf, [0.1, 0.5, 0.9, 0.4, 0.3, 0.7])),
    }


def case_dropout_errors(tf):
    x = tf.ones([2, 3])
    return {
        "stateless_rate": _error(lambda: tf.nn.experimental.stateless_dropout(
            x, 1.0, seed=[1, 2])),
        "stateless_int": _error(lambda: tf.nn.experimental.stateless_dropout(
            tf.ones([2], tf.int32), 0.5, seed=[1, 2])),
        "dropout_int": _error(lambda: tf.nn.dropout(tf.ones([2], tf.int32), 0.5)),
        "rate_zero_is_x": bool(tf.reduce_all(
            tf.nn.experimental.stateless_dropout(x, 0.0, seed=[1, 2]) == x)),
        "scalar_shuffle": tf.random.experimental.stateless_shuffle(tf.constant(3), seed=[1, 2]),
    }


def case_gelu_of_non_floats(tf):
    """`gelu` of an integer, bool or complex tensor raises TF's Python `ValueError`
    (was the kernel's `InvalidArgumentError`)."""
    return {
        "int32": _error(lambda: tf.nn.gelu(tf.constant([1, 2]))),
        "approximate_int32": _error(lambda: tf.nn.gelu(tf.constant([1, 2]), approximate=True)),
        "bool": _error(lambda: tf.nn.gelu(tf.constant([True]))),
        "complex": _error(lambda: tf.nn.gelu(tf.constant([1j]))),
    }


def case_convolution_and_pooling_bad_arguments(tf):
    """TF's kernels' errors for a padding other than "SAME"/"VALID" (case-sensitive),
    a stride of 0, a filter or pooled input of the wrong rank; an average pool whose
    window is larger than the input gives an empty result."""
    x, w = tf.ones([1, 4, 4, 2]), tf.ones([3, 3, 2, 5])
    return {
        "conv2d_padding": _error(lambda: tf.nn.conv2d(x, w, 1, "FOO")),
        "conv2d_lowercase": _error(lambda: tf.nn.conv2d(x, w, 1, "same")),
        "conv1d_padding": _error(lambda: tf.nn.conv1d(tf.ones([1, 4, 2]), tf.ones([3, 2, 1]),
                                                      1, "FOO")),
        "conv3d_padding": _error(lambda: tf.nn.conv3d(
            tf.ones([1, 3, 3, 3, 1]), tf.ones([2, 2, 2, 1, 1]), [1, 1, 1, 1, 1], "FOO")),
        "max_pool_padding": _error(lambda: tf.nn.max_pool2d(x, 2, 2, "FOO")),
        "avg_pool_lowercase": _error(lambda: tf.nn.avg_pool2d(x, 2, 2, "same")),
        "conv2d_stride_0": _error(lambda: tf.nn.conv2d(x, w, 0, "SAME")),
        "conv1d_stride_0": _error(lambda: tf.nn.conv1d(tf.ones([1, 4, 2]), tf.ones([3, 2, 1]),
                                                       0, "SAME")),
        "max_pool_stride_0": _error(lambda: tf.nn.max_pool2d(x, 2, 0, "VALID")),
        "conv2d_filter_rank": _error(lambda: tf.nn.conv2d(x, tf.ones([3, 2, 5]), 1, "SAME")),
        "conv1d_filter_rank": _error(lambda: tf.nn.conv1d(tf.ones([1, 4, 2]), tf.ones([3, 2]),
                                                          1, "SAME")),
        "max_pool_rank": _error(lambda: tf.nn.max_pool2d(tf.ones([4, 4, 2]), 2, 2, "VALID")),
        "avg_pool_rank": _error(lambda: tf.nn.avg_pool2d(tf.ones([4, 4, 2]), 2, 2, "VALID")),
        "avg_pool_window_larger": tf.nn.avg_pool2d(x, [5, 1], 1, "VALID"),
        "avg_pool_window_larger_same": tf.nn.avg_pool2d(x, 5, 1, "SAME"),
    }
