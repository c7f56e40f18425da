"""`tf.random`'s argument checks and the draws that do not hang on the stream, and the
ops TF has no unsigned (or small-integer) kernels for, against TensorFlow 2.21.

The generators are torch's, so the values are not TF's; each case answers with what
holds for every draw: dtypes, shapes and ranges, TF's errors (class and message), the
Gamma sampler's NaN for a negative concentration and its floor at the smallest normal
number, and the dtype of `stateless_split`'s seeds. Found by sweeping `tf.random` and
`tf.image` against TF. Answers live in `golden/cases_random_checks.json`.
"""

from __future__ import annotations

import numpy as np


def _message(fn):
    """The class and message `fn` raises (TF's node prefix and `name:` suffix cut)."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are the answer
        text = str(e).split("}} ")[-1].split(" name:")[0].split("\n")[0].split(" [Op:")[0]
        return f"{type(e).__name__}: {text}"
    return "returned"


def _dtype_and_shape(y):
    return [str(y.dtype).replace("torch.", "").replace("<dtype: '", "").rstrip("'>"),
            [int(d) for d in y.shape]]


def case_parameterized_truncated_normal_checks(tf):
    """TF refuses bounds out of order, a deviation that is not positive, two infinite
    bounds and NaN, and does not mix a float mean with integer bounds."""
    draw = tf.random.stateless_parameterized_truncated_normal
    seed = (1, 2)
    return {
        "min_above_max": _message(lambda: draw([2], seed, 0.0, 1.0, 2.0, 1.0)),
        "equal_bounds": _message(lambda: draw([2], seed, 0.0, 1.0, 1.0, 1.0)),
        "zero_stddev": _message(lambda: draw([2], seed, 0.5, 0.0, 0.0, 1.0)),
        "negative_stddev": _message(lambda: draw([2], seed, 0.5, -1.0, 0.0, 1.0)),
        "both_infinite": _message(lambda: draw([2], seed, 0.0, 1.0, -np.inf, np.inf)),
        "nan_bound": _message(lambda: draw([2], seed, 0.0, 1.0, np.nan, 1.0)),
        "int_bounds": _message(lambda: draw([2], seed, 0.0, 1.0, -1, 1)),
    }


def case_parameterized_truncated_normal_far_tails(tf):
    """Far from the mean every sample lies inside its bounds and is finite (ours fell on
    a bound or was `inf` past about 7 deviations)."""
    draw = tf.random.stateless_parameterized_truncated_normal
    out = {}
    for low, high in ((10.0, 11.0), (-11.0, -10.0), (8.0, np.inf), (-np.inf, -8.0),
                      (40.0, 41.0), (5.0, 5.5)):
        x = draw([200], (3, 4), 0.0, 1.0, low, high)
        inside = tf.logical_and(x > low, x < high)
        out[f"{low}..{high}"] = bool(tf.reduce_all(inside))
    return out


def case_gamma_edges(tf):
    """A negative or NaN concentration draws NaN; 0 the smallest normal float32; a
    negative rate is floored there too, and a zero rate is infinite."""
    out = {}
    for name, alpha in (("negative", -1.0), ("zero", 0.0), ("nan", np.nan),
                        ("minus_inf", -np.inf), ("inf", np.inf)):
        out[f"stateless_{name}"] = tf.random.stateless_gamma([2], (1, 2), alpha=alpha)
        out[f"stateful_{name}"] = tf.random.gamma([2], alpha=alpha)
    out["negative_rate"] = tf.random.stateless_gamma([2], (1, 2), alpha=1.0, beta=-1.0)
    out["zero_rate"] = tf.random.stateless_gamma([2], (1, 2), alpha=1.0, beta=0.0)
    return out


def case_uniform_integers_over_the_whole_dtype(tf):
    """`minval=None, maxval=None` with an integer dtype draws over every value of it
    (ours raised); exactly one of them None raises TF's `ValueError`."""
    out = {}
    for dtype in (tf.int32, tf.int64):
        y = tf.random.stateless_uniform([4000], (1, 2), minval=None, maxval=None, dtype=dtype)
        name = "int32" if dtype == tf.int32 else "int64"
        out[name] = _dtype_and_shape(y)
        # Both halves of the range are drawn from.
        out[f"{name}_signs"] = [bool(tf.reduce_any(y < 0)), bool(tf.reduce_any(y > 0))]
        g = tf.random.Generator.from_seed(1).uniform([3], minval=None, maxval=None, dtype=dtype)
        out[f"generator_{name}"] = _dtype_and_shape(g)
    out["generator_full_int32"] = _dtype_and_shape(
        tf.random.Generator.from_seed(1).uniform_full_int([2, 3], tf.int32))
    out["only_minval"] = _message(lambda: tf.random.stateless_uniform(
        [2], (1, 2), minval=0, maxval=None, dtype=tf.int32))
    out["only_maxval"] = _message(lambda: tf.random.stateless_uniform(
        [2], (1, 2), minval=None, maxval=5, dtype=tf.int32))
    out["generator_only_maxval"] = _message(lambda: tf.random.Generator.from_seed(1).uniform(
        [2], minval=None, maxval=5, dtype=tf.int32))
    return out


def case_uniform_argument_checks(tf):
    """Empty ranges, non-scalar integer bounds, unknown algorithms, dtypes TF draws no
    uniform numbers of, and float seeds."""
    uniform = tf.random.stateless_uniform
    g = tf.random.Generator.from_seed(1)
    return {
        "stateless_empty": _message(lambda: uniform([2], (1, 2), 5, 5, dtype=tf.int32)),
        "stateful_empty": _message(lambda: tf.random.uniform([2], 5, 5, dtype=tf.int32)),
        "generator_empty": _message(lambda: g.uniform([2], 5, 5, dtype=tf.int32)),
        "stateless_vector_minval": _message(lambda: uniform(
            [2], (1, 2), tf.constant([0, 1]), tf.constant([3, 4]), dtype=tf.int32)),
        "stateful_vector_minval": _message(lambda: tf.random.uniform(
            [2], tf.constant([0, 1]), 5, dtype=tf.int32)),
        "unknown_alg": _message(lambda: uniform([2], (1, 2), alg="foo")),
        "unknown_alg_number": _message(lambda: uniform([2], (1, 2), alg=5)),
        "alg_spelling": _dtype_and_shape(uniform([2], (1, 2), alg="Auto-Select")),
        "uint8": _message(lambda: uniform([2], (1, 2), dtype=tf.uint8)),
        "float_seed": _message(lambda: uniform([2], tf.constant([1.0, 2.0]))),
        "normal_unknown_alg": _message(lambda: tf.random.stateless_normal(
            [2], (1, 2), alg="foo")),
        "generator_algorithms": [tf.random.Generator.from_seed(1).algorithm,
                                 tf.random.Generator.from_seed(1, "threefry").algorithm,
                                 tf.random.Generator.from_seed(1, "auto_select").algorithm],
    }


def case_split_keeps_the_seed_dtype(tf):
    split = tf.random.experimental.stateless_split
    return {
        "int32": _dtype_and_shape(split((1, 2), 3)),
        "int64": _dtype_and_shape(split(tf.constant([1, 2], tf.int64), 2)),
        "wide_python_ints": _dtype_and_shape(split((1, 2**40), 2)),
        "fold_in_int64": _dtype_and_shape(
            tf.random.experimental.stateless_fold_in(tf.constant([1, 2], tf.int64), 2)),
    }


def case_ops_without_unsigned_kernels(tf):
    """TF registers `Abs`, `Neg`, `Sign`, `Pow` and `Reciprocal` for signed numbers only,
    `SquaredDifference` and `TruncateMod` not for int8/int16/uint8: ours computed
    (wrapping around: `total_variation` of a uint8 image was 20 where the total is 480)."""
    u8 = tf.constant(np.array([1, 2], np.uint8))
    i8 = tf.constant(np.array([3, -2], np.int8))
    image = tf.constant(np.array([[[0], [200]], [[50], [10]]], np.uint8))
    return {
        "abs": _message(lambda: tf.abs(u8)),
        "abs_operator": _message(lambda: abs(u8)),
        "neg": _message(lambda: tf.negative(u8)),
        "neg_operator": _message(lambda: -u8),
        "sign": _message(lambda: tf.sign(u8)),
        "pow": _message(lambda: u8 ** 2),
        "reciprocal": _message(lambda: tf.math.reciprocal(u8)),
        "squared_difference_uint8": _message(lambda: tf.math.squared_difference(u8, u8)),
        "squared_difference_int8": _message(lambda: tf.math.squared_difference(i8, i8)),
        "truncatemod_int8": _message(lambda: tf.truncatemod(i8, i8)),
        "total_variation_uint8": _message(lambda: tf.image.total_variation(image)),
        "total_variation_int16": tf.image.total_variation(tf.cast(image, tf.int16)),
        "square_uint8": tf.square(u8),
        "abs_int8": tf.abs(i8),
        "neg_int8": -i8,
    }


def case_categorical_ignores_non_finite_logits(tf):
    """TF's kernel weighs finite logits only: an infinite or NaN logit is never drawn,
    and a row without finite logits draws `num_classes` (ours raised in torch)."""
    return {
        "plus_inf": tf.random.categorical([[np.inf, 0.0]], 3),
        "no_finite_row": tf.random.categorical([[-np.inf, -np.inf], [0.0, -np.inf]], 3),
        "nan": tf.random.stateless_categorical([[np.nan, 0.0]], 3, (1, 2)),
        "int32": tf.random.categorical([[-np.inf, 0.0]], 2, dtype=tf.int32),
    }


def case_bad_input_random(tf):
    """`categorical` with a negative count raises TF's `InvalidArgumentError` (was
    torch's `RuntimeError`), and a zero count gives `[batch, 0]`; `uniform` of a dtype
    outside TF's six raises its `ValueError` (was `TypeError`, or int8 accepted)."""
    return {
        "categorical_negative": _message(lambda: tf.random.categorical(tf.zeros([1, 3]), -1)),
        "categorical_zero": tf.random.categorical(tf.zeros([2, 3]), 0),
        "uniform_bool": _message(lambda: tf.random.uniform([2], dtype=tf.bool)),
        "uniform_int8": _message(lambda: tf.random.uniform([2], maxval=3, dtype=tf.int8)),
        "uniform_complex": _message(lambda: tf.random.uniform([2], dtype=tf.complex64)),
    }
