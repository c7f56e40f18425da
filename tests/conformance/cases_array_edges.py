"""Array and signal ops at their edges, against TensorFlow 2.21: gradients TF does not
register (`pad`'s `constant_values`, `one_hot`'s `on_value`/`off_value`), where NaNs
land (`sort`/`argsort`/`top_k`, `cumulative_logsumexp`, `tensor_scatter_nd_max`/`min`,
`searchsorted`), calls TF accepts (one-argument `where` of numbers, NumPy arrays as
`tile`/`roll`/`repeat`/`split`/`reverse_sequence` arguments, FFTs of empty batches,
exclusive scans over an empty axis, `pad` of bool, the `rfft`/`irfft` gradient of a
cropped input) and `histogram_fixed_width`'s float64 binning.

Found by sweeping the array and signal ops over edge inputs against TF.
Answers live in `golden/cases_array_edges.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises, tolerance

NAN = float("nan")


def _grads(tf, fn, *values):
    xs = [tf.constant(v) for v in values]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = fn(*xs)
    return {"y": y, "grads": tape.gradient(y, xs)}


def case_pad_constant_values_gradient(tf):
    """TF registers no gradient for `PadV2`'s `constant_values` (None; was the count
    of padded entries, 2.0). A zero pads a bool tensor (was a `TypeError`)."""
    real = _grads(tf, lambda x, c: tf.reduce_sum(tf.pad(x, [[1, 1]], constant_values=c) *
                                                 tf.constant([1.0, 2.0, 3.0, 4.0])),
                  [1.0, 2.0], 3.0)
    complex_ = _grads(tf, lambda x, c: tf.math.real(tf.reduce_sum(tf.pad(
        x, [[1, 0]], constant_values=c))), [1.0 + 1j, 2.0], 3.0 + 1j)
    flags = tf.constant([True, False])
    return {"real": real, "complex": complex_,
            "bool": tf.pad(flags, [[1, 2]]),
            "bool_true": tf.pad(flags, [[0, 1]], constant_values=True),
            "bool_numpy_zero": tf.pad(flags, [[1, 0]], constant_values=np.int32(0)),
            "bool_one": raises(lambda: tf.pad(flags, [[1, 0]], constant_values=1))}


def case_one_hot_value_gradients(tf):
    """TF's `OneHot` gradient is None for `on_value` and `off_value` (were 2.0 and
    4.0, the counts of each)."""
    return _grads(tf, lambda on, off: tf.reduce_sum(
        tf.one_hot([0, 2, 1], 3, on_value=on, off_value=off) * tf.reshape(tf.range(9.0), [3, 3])),
        2.0, -1.0)


def case_sort_with_nans(tf):
    """TF sorts by `top_k` (ascending: of `-x`), whose `std::sort` leaves NaNs where
    its comparisons put them: `sort([3, nan, 1, 2])` is `[1, 3, nan, 2]` (was NaN
    last), also along an inner axis and with the gradient through the order."""
    rng = np.random.RandomState(7)
    row = np.array([3.0, NAN, 1.0, 2.0], np.float32)
    long = rng.randint(0, 6, 40).astype(np.float32)
    long[[3, 11, 12, 30]] = NAN
    grid = rng.randint(0, 4, (3, 5, 2)).astype(np.float64)
    grid[1, 2, 0] = grid[0, 0, 1] = grid[2, 4, 1] = NAN
    out = {}
    for direction in ("ASCENDING", "DESCENDING"):
        out[direction] = {
            "sort": tf.sort(row, direction=direction),
            "argsort": tf.argsort(row, direction=direction),
            "long": tf.argsort(long, direction=direction),
            "axis1": tf.argsort(grid, axis=1, direction=direction),
            "grad": _grads(tf, lambda x, d=direction: tf.sort(x, direction=d) *
                           tf.constant([1.0, 2.0, 3.0, 4.0]), row)["grads"],
        }
    return out


def case_top_k_with_nans(tf):
    """`top_k` of every value of rows with NaNs follows TF's `std::sort` order (was
    NaN first), past 16 values too (introsort partitions)."""
    rng = np.random.RandomState(5)
    rows = rng.randint(0, 7, (3, 24)).astype(np.float32)
    rows[rng.rand(3, 24) < 0.3] = NAN
    short = tf.math.top_k(np.array([3.0, NAN, 1.0, 2.0, NAN, 5.0, 0.0, 2.0], np.float32), k=8)
    full = tf.math.top_k(rows, k=24)
    return {"short": [short.values, short.indices], "full": [full.values, full.indices]}


def case_cumulative_logsumexp_nans_and_infinities(tf):
    """TF's scan folds `max + log1p(exp(min - max))` with `std::min`/`std::max`: a NaN
    input adds log(2) (was NaN onwards), `-inf` stays, two `+inf` give NaN; its
    gradient is TF's formula (was NaN for an all `-inf` exclusive scan)."""
    out = {}
    for name, values in (("nan", [1.0, NAN, 2.0]), ("lead_nan", [NAN, 1.0, -1.0]),
                         ("neg_inf", [-np.inf, -np.inf, 0.5]), ("pos_inf", [np.inf, np.inf, 1.0])):
        for exclusive in (False, True):
            for reverse in (False, True):
                out[f"{name}_{exclusive}_{reverse}"] = _grads(
                    tf, lambda x, e=exclusive, r=reverse: tf.math.cumulative_logsumexp(
                        x, exclusive=e, reverse=r) * tf.constant([1.0, -2.0, 0.5]),
                    values)
    grid = tf.constant([[1.0, NAN, 3.0], [NAN, 2.0, 1.0]], tf.float64)
    out["axis0"] = tf.math.cumulative_logsumexp(grid, axis=0)
    out["empty"] = tf.math.cumulative_logsumexp(tf.zeros([2, 0]), axis=1, exclusive=True)
    return out


def case_exclusive_scans_over_empty_axis(tf):
    """An exclusive `cumsum`/`cumprod` over an axis of size 0 is empty (was an
    `InvalidArgumentError` from `narrow`)."""
    return {"cumsum": tf.math.cumsum(tf.zeros([2, 0]), axis=1, exclusive=True),
            "cumprod": tf.math.cumprod(tf.zeros([0, 3]), axis=0, exclusive=True, reverse=True),
            "int": tf.math.cumsum(tf.zeros([0], tf.int32), exclusive=True)}


def case_tensor_scatter_max_min_nans(tf):
    """TF's `std::max`/`std::min` keep a NaN already in the tensor and ignore a NaN
    update (was NaN either way); the gradient splits among the values equal to the
    result, NaN where none is."""
    out = {}
    for name, fn in (("max", tf.tensor_scatter_nd_max), ("min", tf.tensor_scatter_nd_min)):
        out[name] = _grads(tf, lambda x, u, fn=fn: fn(x, [[0], [1], [1], [3]], u) *
                           tf.constant([1.0, -2.0, 0.5, 3.0]),
                           [NAN, 2.0, 1.0, 0.0], [1.0, NAN, 3.0, 0.0])
        out[name + "_rows"] = fn(tf.constant([[1.0, NAN], [2.0, 3.0]]), [[1], [1]],
                                 tf.constant([[2.0, NAN], [NAN, 4.0]]))
    return out


def case_searchsorted_nans(tf):
    """TF's lower bound steps right only where `seq[mid] < value`, so a NaN value goes
    first and a NaN in the sequence stops no search (was `[2, 2]` for `[0, 1]`)."""
    seq = tf.constant([[1.0, NAN, 2.0, 3.0, NAN], [NAN, 0.0, 1.0, 2.0, 3.0]])
    values = tf.constant([[NAN, 2.0, 2.5, 9.0], [1.0, NAN, -1.0, 2.0]])
    return {"left": tf.searchsorted(seq, values),
            "right": tf.searchsorted(seq, values, side="right"),
            "pair": tf.searchsorted(tf.constant([1.0, NAN]), tf.constant([NAN, 2.0]))}


def case_where_of_numbers(tf):
    """One-argument `where` takes any dtype but float16 (its non-zero elements, NaN
    counting; was a `SelectV2` dtype error); a scalar raises TF's `InvalidArgumentError`."""
    out = {dtype: tf.where(tf.cast(tf.constant([[0, 2], [1, 0]]), dtype))
           for dtype in ("float32", "float64", "int8", "uint8", "int32", "int64", "complex64")}
    out["nan"] = tf.where([NAN, 0.0, -1.0])
    out["list"] = tf.where([0, 3, 0, 1])
    out["scalar"] = raises(lambda: tf.where(tf.constant(True)))
    out["float16"] = raises(lambda: tf.where(tf.constant([1.0], tf.float16)))
    return out


def case_numpy_array_arguments(tf):
    """NumPy arrays as `multiples`, `shift`/`axis`, `repeats`, size splits and
    sequence lengths (were `TypeError: only 0-dimensional arrays...`)."""
    x = tf.constant([[1, 2, 3], [4, 5, 6]])
    return {"tile": tf.tile(x, np.array([2, 1])),
            "roll": tf.roll(x, np.array([1, -1]), np.array([0, 1])),
            "repeat": tf.repeat(x, np.array([1, 3]), axis=0),
            "repeat_int64": tf.repeat(x, np.int64(2), axis=1),
            "split": tf.split(x, np.array([1, 2]), axis=1),
            "reverse_sequence": tf.reverse_sequence(x, np.array([2, 3]), seq_axis=1)}


def case_fft_of_empty_inputs(tf):
    """FFTs of an empty batch or an empty innermost dimension give empty results of
    TF's shapes (were MKL or "Invalid number of data points" errors)."""
    real, cplx = tf.zeros([0, 8]), tf.zeros([0, 8], tf.complex64)
    return {"rfft": tf.signal.rfft(real), "irfft": tf.signal.irfft(cplx),
            "fft": tf.signal.fft(cplx), "ifft": tf.signal.ifft(cplx),
            "rfft2d": tf.signal.rfft2d(tf.zeros([0, 3, 8])),
            "fft2d": tf.signal.fft2d(tf.zeros([2, 0, 4], tf.complex64)),
            "rfft_no_columns": tf.signal.rfft(tf.zeros([3, 0])),
            "irfft_no_columns": tf.signal.irfft(tf.zeros([3, 0], tf.complex64)),
            "stft_short": tf.signal.stft(tf.zeros([5]), 8, 2),
            "gradient": _grads(tf, lambda x: tf.math.real(tf.signal.rfft(x)),
                               np.zeros([0, 4], np.float32))["grads"],
            "negative_length": raises(lambda: tf.signal.rfft(tf.zeros([4]), [-2]))}


@tolerance(rtol=1e-5, atol=1e-6)
def case_rfft_gradient_of_cropped_input(tf):
    """TF's `RFFT`/`IRFFT` gradients, written for an uncropped input, still broadcast
    where the last `fft_length` is 1: `rfft(x, [1])` gives every input value
    `(n + 1) / 2 * grad[0]` (was an `InvalidArgumentError`); other crops raise."""
    w = tf.constant([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]])
    x = np.array([[1.0, 2.0, 3.0, -1.0], [0.5, -0.5, 2.0, 1.0]], np.float32)
    z = (x + 0.5j * x[:, ::-1]).astype(np.complex64)

    def loss(fn, length):
        return lambda v: tf.reduce_sum(tf.math.real(fn(v, length)) * w[:, :1])

    return {"rfft": _grads(tf, loss(tf.signal.rfft, [1]), x)["grads"],
            "irfft": _grads(tf, loss(tf.signal.irfft, [1]), z)["grads"],
            "rfft2d": _grads(tf, loss(tf.signal.rfft2d, [2, 1]), x)["grads"],
            "irfft2d": _grads(tf, loss(tf.signal.irfft2d, [2, 1]), z)["grads"],
            "rfft_crop_2": raises(lambda: _grads(tf, loss(tf.signal.rfft, [2]), x))}


def case_histogram_float32_bin_edges(tf):
    """TF bins float32 values in float64 throughout: -0.2 in `[-1, 1]` over 5 bins
    falls in bin 1 (was bin 2, from the float32 difference 0.8)."""
    edges = np.linspace(-1.0, 1.0, 6).astype(np.float32)
    values = np.concatenate([edges, edges + np.float32(1e-7), edges - np.float32(1e-7)])
    return {"edge": tf.histogram_fixed_width(tf.constant([-0.2]), [-1.0, 1.0], nbins=5),
            "edges": tf.histogram_fixed_width(tf.constant(values), [-1.0, 1.0], nbins=5),
            "tenths": tf.histogram_fixed_width(
                tf.constant(np.linspace(-7.0, -5.0, 21).astype(np.float32)), [-7.0, -5.0],
                nbins=10)}
