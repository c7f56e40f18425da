"""tf.signal against TensorFlow 2.21: values, dtypes, shapes, tape gradients and
exception classes.

The FFTs (`fft`... `ifft3d`, the real `rfft`... `irfft3d`, the n-dimensional
`fftnd`... `irfftnd`), `fftshift`/`ifftshift`, `frame` and `overlap_and_add`, the
windows (`hann_window`, `hamming_window`, `kaiser_window`,
`kaiser_bessel_derived_window`, `vorbis_window`), `stft`, `inverse_stft` and
`inverse_stft_window_fn`, `dct`/`idct` (types 1-4, `norm`, `n`), `mdct`/`inverse_mdct`,
`linear_to_mel_weight_matrix` and `mfccs_from_log_mel_spectrograms`. Answers live in
`golden/cases_signal.json`.

TF's own gradient of `rfft` raises InvalidArgumentError when `fft_length` differs from
the input's inner size, and `irfft`'s when the input's inner size is not
`fft_length // 2 + 1` (unless `fft_length` pads): the gradient cases stay where TF
answers. TF 2.21 has no CPU kernel for the n-dimensional FFT ops (`FFTND`, `IFFTND`,
`RFFTND`, `IRFFTND`): on CPU they raise NotFoundError, which is what the golden files
hold for `case_signal_fftnd*`. Error-class checks sit in `case_signal_*_errors` cases
(their strings keep them out of function mode) so that the value cases run there too.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises
from tests.conformance.harness import sin_array as _real
from tests.conformance.harness import tolerance

FFT_TOL = {"rtol": 1e-4, "atol": 1e-5}



def _cplx(shape, k=0.0):
    """A deterministic complex128 array of `shape`."""
    n = int(np.prod(shape))
    im = np.cos(0.45 * np.arange(n) + k).reshape(shape)
    return _real(shape, k) + 1j * im


def _mix(tf, y, k=1.0):
    """A real number depending on every entry of complex `y` (not a symmetric one)."""
    n = int(np.prod(y.shape.as_list()))
    c = (np.cos(0.3 * np.arange(n) + k) + 1j * np.sin(0.5 * np.arange(n))).reshape(
        y.shape.as_list())
    return tf.reduce_sum(tf.math.real(y * tf.constant(c, y.dtype)))


def _power(tf, y):
    return tf.reduce_sum(tf.abs(y) ** 2)


# ---------------------------------------------------------------------------
# Complex FFTs


@tolerance(**FFT_TOL)
def case_signal_fft_ifft_values(tf):
    x64 = tf.constant(_cplx([8]), tf.complex64)
    x128 = tf.constant(_cplx([7]), tf.complex128)
    batch = tf.constant(_cplx([2, 3, 5], 0.4), tf.complex64)
    return {
        "fft64": tf.signal.fft(x64),
        "ifft64": tf.signal.ifft(x64),
        "fft128": tf.signal.fft(x128),
        "ifft128": tf.signal.ifft(x128),
        "round_trip": tf.signal.ifft(tf.signal.fft(x128)),
        "batch_fft": tf.signal.fft(batch),
        "batch_ifft": tf.signal.ifft(batch),
        "length1": tf.signal.fft(tf.constant([2.0 + 1.0j], tf.complex64)),
    }


@tolerance(**FFT_TOL)
def case_signal_fft_gradients(tf):
    x = tf.constant(_cplx([6]), tf.complex64)
    a = tf.constant(_real([2, 5]), tf.float32)
    b = tf.constant(_real([2, 5], 2.0), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, a, b])
        fx = _mix(tf, tf.signal.fft(x))
        ix = _mix(tf, tf.signal.ifft(x), 2.0)
        px = _power(tf, tf.signal.fft(x))
        z = tf.complex(a, b)
        pz = _power(tf, tf.signal.fft(z)) + _mix(tf, tf.signal.ifft(z))
    return {
        "fft": [fx, tape.gradient(fx, x)],
        "ifft": [ix, tape.gradient(ix, x)],
        "fft_power": [px, tape.gradient(px, x)],
        "through_complex": [pz, tape.gradient(pz, [a, b])],
    }


@tolerance(**FFT_TOL)
def case_signal_fft_complex128_gradient(tf):
    x = tf.constant(_cplx([2, 4]), tf.complex128)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = _mix(tf, tf.signal.fft(x)) + _power(tf, tf.signal.ifft(x))
    return {"y": y, "grad": tape.gradient(y, x)}


def case_signal_fft_errors(tf):
    real = tf.constant([1.0, 2.0, 3.0])
    scalar = tf.constant(1.0 + 2.0j, tf.complex64)
    c1 = tf.constant([1.0 + 0j, 2.0], tf.complex64)
    c2 = tf.constant([[1.0 + 0j, 2.0]], tf.complex64)
    return {
        "fft_float32": _raises(lambda: tf.signal.fft(real)),
        "ifft_float32": _raises(lambda: tf.signal.ifft(real)),
        "fft_int32": _raises(lambda: tf.signal.fft(tf.constant([1, 2]))),
        "fft_rank0": _raises(lambda: tf.signal.fft(scalar)),
        "ifft_rank0": _raises(lambda: tf.signal.ifft(scalar)),
        "fft2d_rank1": _raises(lambda: tf.signal.fft2d(c1)),
        "fft3d_rank2": _raises(lambda: tf.signal.fft3d(c2)),
        "ifft3d_float64": _raises(
            lambda: tf.signal.ifft3d(tf.zeros([2, 2, 2], tf.float64))),
    }


@tolerance(**FFT_TOL)
def case_signal_fft2d_values(tf):
    x = tf.constant(_cplx([3, 4]), tf.complex64)
    x128 = tf.constant(_cplx([4, 5], 0.3), tf.complex128)
    batch = tf.constant(_cplx([2, 3, 4], 1.1), tf.complex64)
    return {
        "fft2d": tf.signal.fft2d(x),
        "ifft2d": tf.signal.ifft2d(x),
        "fft2d_128": tf.signal.fft2d(x128),
        "ifft2d_128": tf.signal.ifft2d(x128),
        "batch_fft2d": tf.signal.fft2d(batch),
        "batch_ifft2d": tf.signal.ifft2d(batch),
    }


@tolerance(**FFT_TOL)
def case_signal_fft3d_values(tf):
    x = tf.constant(_cplx([2, 3, 4]), tf.complex64)
    x128 = tf.constant(_cplx([2, 2, 3], 0.3), tf.complex128)
    batch = tf.constant(_cplx([2, 2, 3, 2], 1.1), tf.complex64)
    return {
        "fft3d": tf.signal.fft3d(x),
        "ifft3d": tf.signal.ifft3d(x),
        "fft3d_128": tf.signal.fft3d(x128),
        "ifft3d_128": tf.signal.ifft3d(x128),
        "batch_fft3d": tf.signal.fft3d(batch),
        "batch_ifft3d": tf.signal.ifft3d(batch),
    }


@tolerance(**FFT_TOL)
def case_signal_fft2d_fft3d_gradients(tf):
    x2 = tf.constant(_cplx([3, 4]), tf.complex64)
    x3 = tf.constant(_cplx([2, 2, 3]), tf.complex64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x2, x3])
        f2 = _mix(tf, tf.signal.fft2d(x2))
        i2 = _power(tf, tf.signal.ifft2d(x2)) + _mix(tf, tf.signal.ifft2d(x2), 0.5)
        f3 = _mix(tf, tf.signal.fft3d(x3))
        i3 = _mix(tf, tf.signal.ifft3d(x3), 0.5)
    return {
        "fft2d": [f2, tape.gradient(f2, x2)],
        "ifft2d": [i2, tape.gradient(i2, x2)],
        "fft3d": [f3, tape.gradient(f3, x3)],
        "ifft3d": [i3, tape.gradient(i3, x3)],
    }


# ---------------------------------------------------------------------------
# n-dimensional FFTs (no CPU kernel in TF 2.21: NotFoundError on CPU)


@tolerance(**FFT_TOL)
def case_signal_fftnd(tf):
    x = tf.constant(_cplx([3, 4]), tf.complex64)
    return {
        "default": tf.signal.fftnd(x),
        "axes_length": tf.signal.fftnd(x, fft_length=[6], axes=[0]),
        "crop": tf.signal.fftnd(x, fft_length=[2, 3], axes=[-2, -1]),
    }


@tolerance(**FFT_TOL)
def case_signal_ifftnd(tf):
    x = tf.constant(_cplx([3, 4]), tf.complex64)
    return {
        "default": tf.signal.ifftnd(x),
        "axes_length": tf.signal.ifftnd(x, fft_length=[5], axes=[-1]),
    }


@tolerance(**FFT_TOL)
def case_signal_rfftnd(tf):
    x = tf.constant(_real([3, 4]), tf.float32)
    return {
        "default": tf.signal.rfftnd(x),
        "axes_length": tf.signal.rfftnd(x, fft_length=[3, 6], axes=[-2, -1]),
    }


@tolerance(**FFT_TOL)
def case_signal_irfftnd(tf):
    x = tf.constant(_cplx([3, 3]), tf.complex64)
    return {
        "default": tf.signal.irfftnd(x),
        "axes_length": tf.signal.irfftnd(x, fft_length=[3, 4], axes=[0, 1]),
    }


def case_signal_fftnd_errors(tf):
    c = tf.constant(_cplx([3, 4]), tf.complex64)
    # Only the checks TF makes in Python, before it looks for a kernel.
    return {
        "rfftnd_int": _raises(lambda: tf.signal.rfftnd(tf.constant([[1, 2], [3, 4]]))),
        "rfftnd_complex": _raises(lambda: tf.signal.rfftnd(c)),
        "rfftnd_float16": _raises(lambda: tf.signal.rfftnd(tf.ones([2, 2], tf.float16))),
        "fftnd_rank_below_axes": _raises(lambda: tf.signal.fftnd(c, axes=[0, 1, 2])),
    }


# ---------------------------------------------------------------------------
# Real FFTs


@tolerance(**FFT_TOL)
def case_signal_rfft_values(tf):
    x32 = tf.constant(_real([8]), tf.float32)
    x64 = tf.constant(_real([7]), tf.float64)
    batch = tf.constant(_real([2, 3, 6], 0.7), tf.float32)
    return {
        "float32": tf.signal.rfft(x32),
        "float64": tf.signal.rfft(x64),
        "batch": tf.signal.rfft(batch),
        "pad": tf.signal.rfft(x32, fft_length=[12]),
        "pad_odd": tf.signal.rfft(x64, fft_length=[11]),
        "crop": tf.signal.rfft(x32, fft_length=[5]),
        "crop_batch": tf.signal.rfft(batch, fft_length=[4]),
        "length1": tf.signal.rfft(tf.constant([3.0])),
    }


@tolerance(**FFT_TOL)
def case_signal_rfft_gradients(tf):
    x = tf.constant(_real([8]), tf.float32)
    xd = tf.constant(_real([2, 7], 0.2), tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, xd])
        y = _mix(tf, tf.signal.rfft(x))
        p = _power(tf, tf.signal.rfft(x))
        yd = _mix(tf, tf.signal.rfft(xd)) + _power(tf, tf.signal.rfft(xd))
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            q = _power(tf, tf.signal.rfft(x)) + _mix(tf, tf.signal.rfft(x)) ** 2
        dq = inner.gradient(q, x)
    return {
        "mix": [y, tape.gradient(y, x)],
        "power": [p, tape.gradient(p, x)],
        "float64": [yd, tape.gradient(yd, xd)],
        "second": {"y": q, "dy": dq, "d2y": outer.gradient(dq, x)},
    }


@tolerance(**FFT_TOL)
def case_signal_irfft_values(tf):
    x = tf.constant(_cplx([5]), tf.complex64)
    x128 = tf.constant(_cplx([2, 4], 0.5), tf.complex128)
    return {
        "default": tf.signal.irfft(x),
        "odd_length": tf.signal.irfft(x, fft_length=[9]),
        "complex128": tf.signal.irfft(x128),
        "pad": tf.signal.irfft(x, fft_length=[14]),
        "crop": tf.signal.irfft(x, fft_length=[4]),
        "crop_odd": tf.signal.irfft(x128, fft_length=[3]),
        "round_trip": tf.signal.irfft(tf.signal.rfft(tf.constant(_real([6]), tf.float64))),
        "round_trip_odd": tf.signal.irfft(
            tf.signal.rfft(tf.constant(_real([7]), tf.float32)), fft_length=[7]),
    }


@tolerance(**FFT_TOL)
def case_signal_irfft_gradients(tf):
    x = tf.constant(_cplx([5]), tf.complex64)
    x128 = tf.constant(_cplx([2, 4], 0.5), tf.complex128)
    w = tf.constant(np.cos(0.9 * np.arange(8)), tf.float32)
    w9 = tf.constant(np.cos(0.9 * np.arange(9)), tf.float32)
    w14 = tf.constant(np.cos(0.9 * np.arange(14)), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, x128])
        even = tf.reduce_sum(tf.signal.irfft(x) * w)
        odd = tf.reduce_sum(tf.signal.irfft(x, fft_length=[9]) * w9)
        pad = tf.reduce_sum(tf.signal.irfft(x, fft_length=[14]) * w14)
        sq = tf.reduce_sum(tf.signal.irfft(x128) ** 2)
    return {
        "even": [even, tape.gradient(even, x)],
        "odd": [odd, tape.gradient(odd, x)],
        "pad": [pad, tape.gradient(pad, x)],
        "complex128": [sq, tape.gradient(sq, x128)],
    }


@tolerance(**FFT_TOL)
def case_signal_rfft2d_irfft2d(tf):
    x = tf.constant(_real([3, 4]), tf.float32)
    xd = tf.constant(_real([2, 3, 5], 0.4), tf.float64)
    c = tf.constant(_cplx([3, 3]), tf.complex64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, c])
        f = _mix(tf, tf.signal.rfft2d(x))
        i = tf.reduce_sum(tf.signal.irfft2d(c) * tf.constant(_real([3, 4], 1.5), tf.float32))
    return {
        "rfft2d": tf.signal.rfft2d(x),
        "rfft2d_float64_batch": tf.signal.rfft2d(xd),
        "rfft2d_pad_crop": tf.signal.rfft2d(x, fft_length=[5, 3]),
        "irfft2d": tf.signal.irfft2d(c),
        "irfft2d_lengths": tf.signal.irfft2d(c, fft_length=[4, 5]),
        "round_trip": tf.signal.irfft2d(tf.signal.rfft2d(xd), fft_length=[3, 5]),
        "grad_rfft2d": [f, tape.gradient(f, x)],
        "grad_irfft2d": [i, tape.gradient(i, c)],
    }


@tolerance(**FFT_TOL)
def case_signal_rfft3d_irfft3d(tf):
    x = tf.constant(_real([2, 3, 4]), tf.float32)
    xd = tf.constant(_real([2, 2, 3], 0.4), tf.float64)
    c = tf.constant(_cplx([2, 2, 3]), tf.complex64)
    return {
        "rfft3d": tf.signal.rfft3d(x),
        "rfft3d_float64": tf.signal.rfft3d(xd),
        "rfft3d_pad_crop": tf.signal.rfft3d(x, fft_length=[3, 2, 6]),
        "irfft3d": tf.signal.irfft3d(c),
        "irfft3d_lengths": tf.signal.irfft3d(c, fft_length=[2, 3, 5]),
        "round_trip": tf.signal.irfft3d(tf.signal.rfft3d(xd), fft_length=[2, 2, 3]),
    }


def case_signal_rfft3d_irfft3d_no_gradient(tf):
    # TF registers no gradient for RFFT3D / IRFFT3D: tape.gradient raises LookupError.
    x = tf.constant(_real([2, 2, 4]), tf.float32)
    c = tf.constant(_cplx([2, 2, 3]), tf.complex64)

    def grad(fn, v):
        with tf.GradientTape() as tape:
            tape.watch(v)
            y = tf.reduce_sum(tf.abs(fn(v)))
        return tape.gradient(y, v)

    return {
        "rfft3d": _raises(lambda: grad(tf.signal.rfft3d, x)),
        "irfft3d": _raises(lambda: grad(tf.signal.irfft3d, c)),
    }


def case_signal_rfft_errors(tf):
    ints = tf.constant([1, 2, 3, 4])
    half = tf.constant([1.0, 2.0, 3.0, 4.0], tf.float16)
    cplx = tf.constant([1.0 + 0j, 2.0], tf.complex64)
    return {
        "rfft_int32": _raises(lambda: tf.signal.rfft(ints)),
        "rfft_float16": _raises(lambda: tf.signal.rfft(half)),
        "rfft_complex": _raises(lambda: tf.signal.rfft(cplx)),
        "irfft_float32": _raises(lambda: tf.signal.irfft(tf.constant([1.0, 2.0]))),
        "rfft2d_int32": _raises(lambda: tf.signal.rfft2d(tf.constant([[1, 2]]))),
        "rfft2d_rank1": _raises(lambda: tf.signal.rfft2d(tf.constant([1.0, 2.0]))),
        "rfft_rank0": _raises(lambda: tf.signal.rfft(tf.constant(1.0))),
        "irfft3d_float16": _raises(lambda: tf.signal.irfft3d(tf.zeros([2, 2, 2], tf.float16))),
    }


# ---------------------------------------------------------------------------
# fftshift / ifftshift


def case_signal_fftshift(tf):
    x = tf.constant(_real([3, 5]), tf.float32)
    i = tf.reshape(tf.range(10), [2, 5])
    v = tf.constant(_real([2, 3, 4], 0.5), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.signal.fftshift(x) * tf.constant(_real([3, 5], 1.0), tf.float32))
    return {
        "default": tf.signal.fftshift(x),
        "inverse_default": tf.signal.ifftshift(x),
        "axis_int": tf.signal.fftshift(x, axes=1),
        "inverse_axis_int": tf.signal.ifftshift(x, axes=-1),
        "axes_tuple": tf.signal.fftshift(v, axes=(0, 2)),
        "inverse_axes_tuple": tf.signal.ifftshift(v, axes=(-1, 1)),
        "int32": tf.signal.fftshift(i),
        "inverse_int32": tf.signal.ifftshift(i, axes=0),
        "range7": tf.signal.fftshift(tf.range(7)),
        "inverse_range7": tf.signal.ifftshift(tf.range(7)),
        "complex": tf.signal.fftshift(tf.constant(_cplx([4]), tf.complex64)),
        "round_trip": tf.signal.ifftshift(tf.signal.fftshift(v)),
        "grad": [y, tape.gradient(y, x)],
    }


# ---------------------------------------------------------------------------
# frame / overlap_and_add


def case_signal_frame_basic(tf):
    s = tf.constant(_real([10]), tf.float32)
    b = tf.constant(_real([2, 9], 0.3), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(s)
        f = tf.signal.frame(s, 4, 3, pad_end=True)
        y = tf.reduce_sum(f * tf.constant(_real([4, 4], 2.0), tf.float32))
    return {
        "no_pad": tf.signal.frame(s, 4, 2),
        "pad_end": tf.signal.frame(s, 4, 3, pad_end=True),
        "pad_value": tf.signal.frame(s, 4, 3, pad_end=True, pad_value=-1.5),
        "batch": tf.signal.frame(b, 3, 2),
        "batch_pad": tf.signal.frame(b, 4, 4, pad_end=True, pad_value=9.0),
        "int32": tf.signal.frame(tf.range(7), 3, 2, pad_end=True, pad_value=-1),
        "float64": tf.signal.frame(tf.constant(_real([6]), tf.float64), 2, 2),
        "grad": [y, tape.gradient(y, s)],
    }


def case_signal_frame_axes_and_edges(tf):
    m = tf.constant(_real([7, 2]), tf.float32)
    t = tf.constant(_real([2, 6, 3], 0.2), tf.float32)
    s = tf.constant(_real([9]), tf.float32)
    short = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = tf.reduce_sum(tf.signal.frame(t, 3, 2, axis=1, pad_end=True) ** 2)
    return {
        "axis0": tf.signal.frame(m, 3, 2, axis=0),
        "axis0_pad": tf.signal.frame(m, 3, 2, axis=0, pad_end=True, pad_value=7.0),
        "inner_axis": tf.signal.frame(t, 4, 1, axis=1),
        "inner_axis_pad": tf.signal.frame(t, 3, 2, axis=1, pad_end=True),
        "negative_inner_axis": tf.signal.frame(t, 2, 2, axis=-2),
        "step_larger": tf.signal.frame(s, 2, 3),
        "step_larger_pad": tf.signal.frame(s, 2, 4, pad_end=True),
        "short": tf.signal.frame(short, 5, 2),
        "short_pad": tf.signal.frame(short, 5, 2, pad_end=True),
        "exact": tf.signal.frame(short, 3, 1),
        "grad_inner_axis": [y, tape.gradient(y, t)],
    }


def case_signal_frame_errors(tf):
    s = tf.constant([1.0, 2.0, 3.0])
    return {
        "scalar_signal": _raises(lambda: tf.signal.frame(tf.constant(1.0), 2, 1)),
        "frame_length_matrix": _raises(lambda: tf.signal.frame(s, [[2]], 1)),
        "oa_rank1": _raises(lambda: tf.signal.overlap_and_add(s, 1)),
        "oa_step_matrix": _raises(
            lambda: tf.signal.overlap_and_add(tf.ones([2, 3]), [[1]])),
    }


def case_signal_overlap_and_add(tf):
    f = tf.constant(_real([4, 3]), tf.float32)
    b = tf.constant(_real([2, 3, 4], 0.3), tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([f, b])
        y = tf.signal.overlap_and_add(f, 2)
        ly = tf.reduce_sum(y * tf.constant(_real([9], 1.0), tf.float32))
        z = tf.signal.overlap_and_add(b, 1)
        lz = tf.reduce_sum(z ** 2)
    return {
        "step2": y,
        "step_equal": tf.signal.overlap_and_add(f, 3),
        "step_larger": tf.signal.overlap_and_add(f, 5),
        "batch_step1": z,
        "int32": tf.signal.overlap_and_add(tf.reshape(tf.range(12), [3, 4]), 2),
        "round_trip": tf.signal.overlap_and_add(
            tf.signal.frame(tf.constant(_real([8]), tf.float32), 2, 2), 2),
        "grad": [ly, tape.gradient(ly, f)],
        "grad_batch": [lz, tape.gradient(lz, b)],
    }


# ---------------------------------------------------------------------------
# Windows


def case_signal_hann_hamming_windows(tf):
    out = {}
    for name in ("hann_window", "hamming_window"):
        fn = getattr(tf.signal, name)
        out[name] = {
            "periodic8": fn(8),
            "symmetric8": fn(8, periodic=False),
            "periodic7": fn(7),
            "symmetric7": fn(7, periodic=False),
            "length1": fn(1),
            "length1_symmetric": fn(1, periodic=False),
            "length0": fn(0),
            "float64": fn(6, dtype=tf.float64),
            "float64_symmetric": fn(5, periodic=False, dtype=tf.float64),
            "tensor_length": fn(tf.constant(4)),
        }
    return out


def case_signal_kaiser_vorbis_windows(tf):
    return {
        "kaiser_default": tf.signal.kaiser_window(8),
        "kaiser_beta": tf.signal.kaiser_window(7, beta=2.5),
        "kaiser_beta0": tf.signal.kaiser_window(5, beta=0.0),
        "kaiser_float64": tf.signal.kaiser_window(6, beta=5.0, dtype=tf.float64),
        "kaiser_length1": tf.signal.kaiser_window(1),
        "kaiser_length2": tf.signal.kaiser_window(2),
        "kbd_default": tf.signal.kaiser_bessel_derived_window(8),
        "kbd_odd": tf.signal.kaiser_bessel_derived_window(7),
        "kbd_length2": tf.signal.kaiser_bessel_derived_window(2, beta=1.0),
        "kbd_length1": tf.signal.kaiser_bessel_derived_window(1),
        "kbd_length0": tf.signal.kaiser_bessel_derived_window(0),
        "kbd_beta": tf.signal.kaiser_bessel_derived_window(6, beta=3.0),
        "kbd_float64": tf.signal.kaiser_bessel_derived_window(10, beta=4.0, dtype=tf.float64),
        "vorbis8": tf.signal.vorbis_window(8),
        "vorbis5": tf.signal.vorbis_window(5),
        "vorbis_float64": tf.signal.vorbis_window(6, dtype=tf.float64),
        "vorbis_length1": tf.signal.vorbis_window(1),
        "vorbis_length0": tf.signal.vorbis_window(0),
    }


def case_signal_window_errors(tf):
    return {
        "hann_int_dtype": _raises(lambda: tf.signal.hann_window(4, dtype=tf.int32)),
        "hamming_int_dtype": _raises(lambda: tf.signal.hamming_window(4, dtype=tf.int32)),
        "kaiser_int_dtype": _raises(lambda: tf.signal.kaiser_window(4, dtype=tf.int32)),
        "vorbis_int_dtype": _raises(lambda: tf.signal.vorbis_window(4, dtype=tf.int32)),
        "hann_length_matrix": _raises(lambda: tf.signal.hann_window([[4]])),
        "hann_half": _raises(lambda: tf.signal.hann_window(4, dtype=tf.float16)),
    }


def case_signal_kaiser_window_length0(tf):
    # A TF quirk: kaiser_window(0) fails inside its `tf.range` (InvalidArgumentError),
    # where the other windows return an empty tensor.
    return tf.signal.kaiser_window(0)


# ---------------------------------------------------------------------------
# STFT


@tolerance(**FFT_TOL)
def case_signal_stft_values(tf):
    s = tf.constant(_real([16]), tf.float32)
    b = tf.constant(_real([2, 12], 0.4), tf.float64)
    return {
        "default": tf.signal.stft(s, 8, 4),
        "fft_length_larger": tf.signal.stft(s, 6, 3, fft_length=8),
        "pad_end": tf.signal.stft(s, 6, 4, pad_end=True),
        "no_window": tf.signal.stft(s, 4, 4, window_fn=None),
        "hamming": tf.signal.stft(s, 5, 2, window_fn=tf.signal.hamming_window),
        "float64_batch": tf.signal.stft(b, 4, 2),
    }


@tolerance(**FFT_TOL)
def case_signal_stft_gradients(tf):
    s = tf.constant(_real([12]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(s)
        y = _mix(tf, tf.signal.stft(s, 6, 3, fft_length=8))
        p = _power(tf, tf.signal.stft(s, 4, 2, pad_end=True))
    with tf.GradientTape() as outer:
        outer.watch(s)
        with tf.GradientTape() as inner:
            inner.watch(s)
            q = _power(tf, tf.signal.stft(s, 4, 2)) + _mix(tf, tf.signal.stft(s, 4, 2)) ** 2
        dq = inner.gradient(q, s)
    return {
        "mix": [y, tape.gradient(y, s)],
        "power_pad_end": [p, tape.gradient(p, s)],
        "second": {"y": q, "dy": dq, "d2y": outer.gradient(dq, s)},
    }


@tolerance(**FFT_TOL)
def case_signal_inverse_stft(tf):
    s = tf.constant(_real([16]), tf.float32)
    st = tf.signal.stft(s, 8, 2)
    win = tf.signal.inverse_stft_window_fn(2)
    c = tf.constant(_cplx([3, 5]), tf.complex64)
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = tf.reduce_sum(tf.signal.inverse_stft(c, 8, 4, window_fn=win) ** 2)
    return {
        "round_trip": tf.signal.inverse_stft(st, 8, 2, window_fn=win),
        "default_window": tf.signal.inverse_stft(st, 8, 2),
        "no_window": tf.signal.inverse_stft(c, 8, 4, window_fn=None),
        "fft_length_larger": tf.signal.inverse_stft(
            tf.constant(_cplx([3, 6]), tf.complex64), 8, 4, fft_length=10),
        "float64": tf.signal.inverse_stft(
            tf.signal.stft(tf.constant(_real([12]), tf.float64), 4, 1), 4, 1,
            window_fn=tf.signal.inverse_stft_window_fn(1)),
        "grad": [y, tape.gradient(y, c)],
    }


@tolerance(**FFT_TOL)
def case_signal_inverse_stft_grad_through_round_trip(tf):
    s = tf.constant(_real([12], 0.8), tf.float32)
    w = tf.constant(_real([12], 2.0), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(s)
        st = tf.signal.stft(s, 4, 2)
        r = tf.signal.inverse_stft(st, 4, 2, window_fn=tf.signal.inverse_stft_window_fn(2))
        y = tf.reduce_sum(r * w)
    return {"r": r, "y": y, "grad": tape.gradient(y, s)}


def case_signal_inverse_stft_window_fn(tf):
    return {
        "hann_step2": tf.signal.inverse_stft_window_fn(2)(8, tf.float32),
        "hann_step3": tf.signal.inverse_stft_window_fn(3)(6, dtype=tf.float32),
        "hamming": tf.signal.inverse_stft_window_fn(
            2, forward_window_fn=tf.signal.hamming_window)(4, tf.float32),
        "vorbis_float64": tf.signal.inverse_stft_window_fn(
            4, forward_window_fn=tf.signal.vorbis_window)(8, dtype=tf.float64),
        "step_equal": tf.signal.inverse_stft_window_fn(5)(5, tf.float32),
    }


# ---------------------------------------------------------------------------
# DCT / MDCT


@tolerance(**FFT_TOL)
def case_signal_dct_types(tf):
    x = tf.constant(_real([2, 6]), tf.float32)
    xd = tf.constant(_real([5], 0.5), tf.float64)
    out = {}
    for t in (1, 2, 3, 4):
        norms = [None] if t == 1 else [None, "ortho"]
        for norm in norms:
            key = f"type{t}_{norm}"
            out[key] = {
                "dct": tf.signal.dct(x, type=t, norm=norm),
                "idct": tf.signal.idct(x, type=t, norm=norm),
                "float64": tf.signal.dct(xd, type=t, norm=norm),
            }
    out["ortho_round_trip"] = tf.signal.idct(tf.signal.dct(x, norm="ortho"), norm="ortho")
    out["type4_ortho_round_trip"] = tf.signal.idct(
        tf.signal.dct(xd, type=4, norm="ortho"), type=4, norm="ortho")
    return out


@tolerance(**FFT_TOL)
def case_signal_dct_n(tf):
    x = tf.constant(_real([7]), tf.float32)
    out = {}
    for t in (1, 2, 3, 4):
        out[f"type{t}"] = {
            "truncate": tf.signal.dct(x, type=t, n=4),
            "pad": tf.signal.dct(x, type=t, n=10),
            "idct_truncate": tf.signal.idct(x, type=t, n=5),
        }
    out["ortho_pad"] = tf.signal.dct(x, type=2, n=9, norm="ortho")
    out["batch_truncate"] = tf.signal.dct(tf.constant(_real([2, 5]), tf.float32), n=3)
    return out


@tolerance(**FFT_TOL)
def case_signal_dct_gradients(tf):
    x = tf.constant(_real([6]), tf.float32)
    w = tf.constant(_real([6], 1.3), tf.float32)
    w4 = tf.constant(_real([4], 1.3), tf.float32)
    w9 = tf.constant(_real([9], 1.3), tf.float32)
    out = {}
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ys = {}
        for t in (1, 2, 3, 4):
            for norm in ([None] if t == 1 else [None, "ortho"]):
                ys[f"dct{t}_{norm}"] = tf.reduce_sum(tf.signal.dct(x, type=t, norm=norm) * w)
                ys[f"idct{t}_{norm}"] = tf.reduce_sum(tf.signal.idct(x, type=t, norm=norm) * w)
        ys["n_truncate"] = tf.reduce_sum(tf.signal.dct(x, n=4) * w4)
        ys["n_pad"] = tf.reduce_sum(tf.signal.dct(x, type=3, n=9) ** 2 * w9)
    for key, y in ys.items():
        out[key] = [y, tape.gradient(y, x)]
    return out


def case_signal_dct_errors(tf):
    x = tf.constant([1.0, 2.0, 3.0, 4.0])
    return {
        "type1_ortho": _raises(lambda: tf.signal.dct(x, type=1, norm="ortho")),
        "type5": _raises(lambda: tf.signal.dct(x, type=5)),
        "idct_type0": _raises(lambda: tf.signal.idct(x, type=0)),
        "bad_norm": _raises(lambda: tf.signal.dct(x, norm="forward")),
        "axis0": _raises(lambda: tf.signal.dct(tf.ones([3, 3]), axis=0)),
        "n_zero": _raises(lambda: tf.signal.dct(x, n=0)),
        "type1_length1": _raises(lambda: tf.signal.dct(tf.constant([1.0]), type=1)),
        "int32": _raises(lambda: tf.signal.dct(tf.constant([1, 2, 3]))),
    }


@tolerance(**FFT_TOL)
def case_signal_mdct(tf):
    s = tf.constant(_real([16]), tf.float32)
    b = tf.constant(_real([2, 12], 0.5), tf.float64)
    m = tf.signal.mdct(s, 8)
    mo = tf.signal.mdct(s, 8, norm="ortho")
    return {
        "mdct": m,
        "mdct_ortho": mo,
        "mdct_pad_end": tf.signal.mdct(s[:14], 8, pad_end=True),
        "mdct_kbd": tf.signal.mdct(s, 4, window_fn=tf.signal.kaiser_bessel_derived_window),
        "mdct_no_window": tf.signal.mdct(s, 4, window_fn=None),
        "mdct_float64_batch": tf.signal.mdct(b, 4),
        "inverse": tf.signal.inverse_mdct(m),
        "inverse_ortho": tf.signal.inverse_mdct(mo, norm="ortho"),
        "inverse_no_window": tf.signal.inverse_mdct(m, window_fn=None),
        "inverse_float64": tf.signal.inverse_mdct(tf.signal.mdct(b, 4)),
    }


@tolerance(**FFT_TOL)
def case_signal_mdct_gradients(tf):
    s = tf.constant(_real([12]), tf.float32)
    c = tf.constant(_real([3, 4], 0.6), tf.float32)
    w = tf.constant(_real([2, 4], 1.0), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([s, c])
        y = tf.reduce_sum(tf.signal.mdct(s, 8) * tf.constant(_real([2, 4], 1.0), tf.float32))
        yo = tf.reduce_sum(tf.signal.mdct(s, 8, norm="ortho") ** 2 * w)
        i = tf.reduce_sum(tf.signal.inverse_mdct(c) * tf.constant(_real([16], 2.0), tf.float32))
        io = tf.reduce_sum(tf.signal.inverse_mdct(c, norm="ortho") ** 2)
    return {
        "mdct": [y, tape.gradient(y, s)],
        "mdct_ortho": [yo, tape.gradient(yo, s)],
        "inverse": [i, tape.gradient(i, c)],
        "inverse_ortho": [io, tape.gradient(io, c)],
    }


def case_signal_mdct_errors(tf):
    s = tf.constant(_real([12]), tf.float32)
    return {
        "odd_frame_length": _raises(lambda: tf.signal.mdct(s, 5)),
        "frame_length_6": _raises(lambda: tf.signal.mdct(s, 6)),
        "bad_norm": _raises(lambda: tf.signal.mdct(s, 4, norm="forward")),
        "int32": _raises(lambda: tf.signal.mdct(tf.range(8), 4)),
    }


def case_signal_inverse_mdct_bad_norm(tf):
    # A TF quirk: inverse_mdct checks `norm` with an if/elif that leaves a local unset,
    # so a bad norm raises UnboundLocalError (mdct raises ValueError).
    return tf.signal.inverse_mdct(tf.ones([2, 2]), norm="forward")


# ---------------------------------------------------------------------------
# Mel / MFCC


# float32 logs differ by an ulp between TF's kernel and torch's (7 of the 128 bin
# frequencies); divided by a band's width, that is up to 1.4e-6 on a weight.
@tolerance(atol=1e-5)
def case_signal_linear_to_mel_weight_matrix(tf):
    return {
        "defaults": tf.signal.linear_to_mel_weight_matrix(),
        "small": tf.signal.linear_to_mel_weight_matrix(
            num_mel_bins=4, num_spectrogram_bins=9, sample_rate=16000,
            lower_edge_hertz=300.0, upper_edge_hertz=6000.0),
        "float64": tf.signal.linear_to_mel_weight_matrix(
            num_mel_bins=5, num_spectrogram_bins=12, sample_rate=8000,
            lower_edge_hertz=0.0, upper_edge_hertz=4000.0, dtype=tf.float64),
        "one_mel_bin": tf.signal.linear_to_mel_weight_matrix(
            num_mel_bins=1, num_spectrogram_bins=6, sample_rate=1000,
            lower_edge_hertz=50.0, upper_edge_hertz=400.0),
    }


def case_signal_linear_to_mel_errors(tf):
    fn = tf.signal.linear_to_mel_weight_matrix
    return {
        "zero_mel_bins": _raises(lambda: fn(num_mel_bins=0)),
        "negative_lower": _raises(lambda: fn(lower_edge_hertz=-1.0)),
        "lower_above_upper": _raises(lambda: fn(lower_edge_hertz=500.0, upper_edge_hertz=400.0)),
        "upper_above_nyquist": _raises(lambda: fn(sample_rate=4000, upper_edge_hertz=3000.0)),
        "zero_sample_rate": _raises(lambda: fn(sample_rate=0)),
        "int_dtype": _raises(lambda: fn(dtype=tf.int32)),
    }


@tolerance(**FFT_TOL)
def case_signal_mfccs(tf):
    x = tf.constant(_real([3, 8]), tf.float32)
    xd = tf.constant(_real([2, 5], 0.4), tf.float64)
    w = tf.constant(_real([3, 8], 1.7), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.signal.mfccs_from_log_mel_spectrograms(x) * w)
    return {
        "float32": tf.signal.mfccs_from_log_mel_spectrograms(x),
        "float64": tf.signal.mfccs_from_log_mel_spectrograms(xd),
        "rank1": tf.signal.mfccs_from_log_mel_spectrograms(tf.constant([1.0, -0.5, 2.0])),
        "grad": [y, tape.gradient(y, x)],
    }


@tolerance(**FFT_TOL)
def case_signal_spectrogram_pipeline(tf):
    s = tf.constant(_real([32]), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(s)
        spec = tf.abs(tf.signal.stft(s, 8, 4, fft_length=16))
        mel = tf.tensordot(spec, tf.signal.linear_to_mel_weight_matrix(
            num_mel_bins=6, num_spectrogram_bins=9, sample_rate=4000,
            lower_edge_hertz=100.0, upper_edge_hertz=1800.0), 1)
        mfcc = tf.signal.mfccs_from_log_mel_spectrograms(tf.math.log(mel + 1e-3))
        y = tf.reduce_sum(mfcc[:, :4] * tf.constant(_real([7, 4], 0.9), tf.float32))
    return {"mel": mel, "mfcc": mfcc, "grad": tape.gradient(y, s)}


def case_signal_mfccs_errors(tf):
    return {
        "int32": _raises(lambda: tf.signal.mfccs_from_log_mel_spectrograms(
            tf.constant([[1, 2, 3]]))),
        "scalar": _raises(lambda: tf.signal.mfccs_from_log_mel_spectrograms(
            tf.constant(1.0))),
    }


def case_signal_bad_frame_step(tf):
    """A zero `frame_step` raises TF's `InvalidArgumentError` (its FloorDiv by zero;
    was a Python `ZeroDivisionError`); `overlap_and_add`/`inverse_stft` with a step
    <= 0 raise its negative-padding `InvalidArgumentError` (were accepted)."""
    return {
        "frame": _raises(lambda: tf.signal.frame(tf.zeros([10]), 3, 0)),
        "frame_pad_end": _raises(lambda: tf.signal.frame(tf.zeros([10]), 3, 0, pad_end=True)),
        "stft": _raises(lambda: tf.signal.stft(tf.zeros([64]), 16, 0)),
        "overlap_and_add": _raises(lambda: tf.signal.overlap_and_add(tf.zeros([3, 4]), 0)),
        "overlap_and_add_negative": _raises(
            lambda: tf.signal.overlap_and_add(tf.zeros([3, 4]), -1)),
        "inverse_stft": _raises(
            lambda: tf.signal.inverse_stft(tf.zeros([5, 9], tf.complex64), 16, 0)),
        "frame_negative_step": tf.signal.frame(tf.range(10), 3, -1),
    }
