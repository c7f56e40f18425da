"""TF's framing and spectral ops (`tf.signal.frame`, `overlap_and_add`, `stft`,
`inverse_stft`, `dct`, `mdct`, the mel filter bank and MFCCs).

Each follows TF's Python step by step, in the input's dtype, with the transforms of
`_fft_ops` and the windows of `_window_ops` (a `window_fn` is any function of
`(length, dtype=...)`, as in TF). Gradients flow through every differentiable input.

>>> import tftape_torch as tf
>>> print(tf.signal.frame(tf.range(5), frame_length=2, frame_step=2))
tf.Tensor(
[[0 1]
 [2 3]], shape=(2, 2), dtype=int32)
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F

from tftape_torch._array_ops import convert_to_tensor
from tftape_torch._dtypes import FLOATING, as_dtype, dtype_name
from tftape_torch._fft_ops import irfft, rfft
from tftape_torch._op_call import as_tensor, call, int_scalar_arg
from tftape_torch._range_ops import linspace
from tftape_torch._window_ops import hann_window, vorbis_window
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "dct", "frame", "idct", "inverse_mdct", "inverse_stft", "inverse_stft_window_fn",
    "linear_to_mel_weight_matrix", "mdct", "mfccs_from_log_mel_spectrograms",
    "overlap_and_add", "stft",
]

WindowFn = Callable[..., torch.Tensor]


def _rank_at_least(x: torch.Tensor, rank: int) -> None:
    if x.dim() < rank:
        raise ValueError(f"Shape {tuple(x.shape)} must have rank at least {rank}")


# ---------------------------------------------------------------------- framing


def _frame(x: torch.Tensor, length: int, step: int, pad_end: bool, pad_value: Any,
           axis: int) -> torch.Tensor:
    size = x.shape[axis]
    if pad_end:
        count = -(-size // step)
        pad = max(0, length + step * (count - 1) - size)
        if pad:
            x = F.pad(x, [0, 0] * (x.dim() - 1 - axis) + [0, pad], value=pad_value)
    else:
        count = max(0, 1 + (size - length) // step)
    starts = torch.arange(count, device=x.device).unsqueeze(1) * step
    index = (starts + torch.arange(length, device=x.device)).reshape(-1)
    shape = list(x.shape[:axis]) + [count, length] + list(x.shape[axis + 1:])
    # A gather, as TF's: its batched gradient (jacobians) has a vmap rule, unfold's not.
    return torch.index_select(x, axis, index).reshape(shape)


def frame(signal: Any, frame_length: Any, frame_step: Any, pad_end: bool = False,
          pad_value: Any = 0, axis: Any = -1, name: Optional[str] = None) -> torch.Tensor:
    """Slices `signal`'s `axis` into frames of `frame_length` values, `frame_step`
    apart: that axis becomes two, `[frames, frame_length]`.

    With `pad_end`, the end is padded with `pad_value` so that every value starts
    part of a frame; without it, values after the last whole frame are dropped.

    >>> import tftape_torch as tf
    >>> print(tf.signal.frame(tf.constant([1, 2, 3, 4, 5]), 3, 2, pad_end=True))
    tf.Tensor(
    [[1 2 3]
     [3 4 5]
     [5 0 0]], shape=(3, 3), dtype=int32)

    Raises:
      ValueError: for a scalar `signal`.
    """
    x = as_tensor(signal)
    _rank_at_least(x, 1)
    dim = range(x.dim())[int_scalar_arg(axis)]
    value = pad_value.item() if isinstance(pad_value, torch.Tensor) else pad_value
    step = int_scalar_arg(frame_step)
    if step == 0:
        raise InvalidArgumentError(None, None, "Integer division by zero [Op:FloorDiv]")
    return call("Frame", _frame, (x,), x, int_scalar_arg(frame_length), step,
                bool(pad_end), value, dim)


def _overlap_and_add(x: torch.Tensor, step: int) -> torch.Tensor:
    """Frames summed into their places (an `index_add`, the transpose of `_frame`)."""
    frames, length = x.shape[-2], x.shape[-1]
    total = length + step * (frames - 1)
    outer = list(x.shape[:-2])
    if step == length:
        return x.reshape(outer + [total])
    starts = torch.arange(frames, device=x.device).unsqueeze(1) * step
    index = (starts + torch.arange(length, device=x.device)).reshape(-1)
    out = x.new_zeros(outer + [max(total, 0)])
    return out.index_add(-1, index, x.reshape(outer + [frames * length]))


def overlap_and_add(signal: Any, frame_step: Any, name: Optional[str] = None) -> torch.Tensor:
    """Adds `signal`'s frames (its last two axes, `[frames, frame_length]`) together,
    each `frame_step` after the previous one: the inverse of `frame` for
    non-overlapping frames.

    >>> import tftape_torch as tf
    >>> print(tf.signal.overlap_and_add(tf.ones([3, 2]), 1))
    tf.Tensor([1. 2. 2. 1.], shape=(4,), dtype=float32)

    Raises:
      ValueError: for a `signal` of rank below 2, or a `frame_step` that is not an
        integer.
    """
    x = as_tensor(signal)
    _rank_at_least(x, 2)
    step = as_tensor(frame_step)
    if step.is_floating_point() or step.is_complex() or step.dtype == torch.bool:
        raise ValueError(f"frame_step must be an integer. Got <dtype: '{dtype_name(step.dtype)}'>")
    hop = int_scalar_arg(step)
    if hop <= 0:
        # TF pads each frame to `segments * frame_step` values: a negative padding.
        length = x.shape[-1]
        segments = -(-length // hop) if hop else 0
        bad = segments if segments < 0 else segments * hop - length
        raise InvalidArgumentError(None, None, f"Paddings must be non-negative: 0 {bad} [Op:Pad]")
    return call("OverlapAndAdd", _overlap_and_add, (x,), x, hop)


# ---------------------------------------------------------------------- STFT


def _enclosing_power_of_two(value: int) -> int:
    return int(2 ** np.ceil(np.log(value) / np.log(2.0)))


def stft(signals: Any, frame_length: Any, frame_step: Any, fft_length: Any = None,
         window_fn: Optional[WindowFn] = hann_window, pad_end: bool = False,
         name: Optional[str] = None) -> torch.Tensor:
    """The short-time Fourier transform of `signals` (innermost axis): `rfft` of each
    windowed frame, `[..., frames, fft_length // 2 + 1]`.

    `fft_length` defaults to the smallest power of 2 at least `frame_length`;
    `window_fn(frame_length, dtype=...)` makes the window (`None`: no window).

    >>> import tftape_torch as tf
    >>> s = tf.signal.stft(tf.sin(tf.range(64.0)), frame_length=16, frame_step=8)
    >>> print(s.shape, s.dtype)
    (7, 9) torch.complex64
    """
    length = int_scalar_arg(frame_length)
    size = _enclosing_power_of_two(length) if fft_length is None else int_scalar_arg(fft_length)
    framed = frame(signals, length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        framed = framed * window_fn(length, dtype=framed.dtype)
    return rfft(framed, [size])


def inverse_stft_window_fn(frame_step: Any, forward_window_fn: WindowFn = hann_window,
                           name: Optional[str] = None) -> WindowFn:
    """The window for `inverse_stft` that inverts an `stft` made with
    `forward_window_fn` and `frame_step` (the forward window divided by the
    overlapping squared windows' sum).

    >>> import tftape_torch as tf
    >>> x = tf.sin(tf.range(32.0))
    >>> s = tf.signal.stft(x, 8, 2)
    >>> y = tf.signal.inverse_stft(s, 8, 2, window_fn=tf.signal.inverse_stft_window_fn(2))
    >>> print(float(tf.reduce_max(tf.abs(y[8:-8] - x[8:-8]))) < 1e-5)
    True
    """
    step = int_scalar_arg(frame_step)

    def window_fn(frame_length: Any, dtype: Any = torch.float32) -> torch.Tensor:
        length = int_scalar_arg(frame_length)
        forward = forward_window_fn(length, dtype=dtype)
        return call("InverseStftWindow", _inverse_window, (forward,), forward, length, step)

    return window_fn


def _inverse_window(forward: torch.Tensor, length: int, step: int) -> torch.Tensor:
    overlaps = -(-length // step)
    denom = F.pad(torch.square(forward), [0, overlaps * step - length])
    denom = denom.reshape(overlaps, step).sum(0, keepdim=True).tile(overlaps, 1)
    denom = denom.reshape(overlaps * step)[:length]
    return torch.where(denom == 0.0, torch.zeros_like(forward), forward / denom)


def inverse_stft(stfts: Any, frame_length: Any, frame_step: Any, fft_length: Any = None,
                 window_fn: Optional[WindowFn] = hann_window,
                 name: Optional[str] = None) -> torch.Tensor:
    """Signals from their short-time Fourier transforms: `irfft` of each frame, cut or
    padded to `frame_length`, windowed, then overlapped and added.

    For a perfect round trip pass `window_fn=inverse_stft_window_fn(frame_step)`.

    >>> import tftape_torch as tf
    >>> s = tf.signal.stft(tf.ones([32]), 8, 4)
    >>> print(tf.signal.inverse_stft(s, 8, 4).shape)
    (32,)

    Raises:
      ValueError: for `stfts` of rank below 2.
    """
    x = convert_to_tensor(stfts)
    _rank_at_least(x, 2)
    length = int_scalar_arg(frame_length)
    size = _enclosing_power_of_two(length) if fft_length is None else int_scalar_arg(fft_length)
    frames = irfft(x, [size])
    have = frames.shape[-1]
    if have != length:
        frames = call("Pad", _fit_last, (frames,), frames, length)
    if window_fn is not None:
        frames = frames * window_fn(length, dtype=frames.dtype)
    return overlap_and_add(frames, frame_step)


def _fit_last(x: torch.Tensor, length: int) -> torch.Tensor:
    """`x`'s last axis cut or zero-padded to `length`."""
    return x[..., :length] if x.shape[-1] > length else F.pad(x, [0, length - x.shape[-1]])


# ---------------------------------------------------------------------- DCT


def _check_dct(x: torch.Tensor, kind: int, n: Any, axis: int, norm: Optional[str]) -> None:
    if axis != -1:
        raise NotImplementedError(f"axis must be -1. Got: {axis}")
    if n is not None and n < 1:
        raise ValueError("n should be a positive integer or None")
    if kind not in (1, 2, 3, 4):
        raise ValueError("Types I, II, III and IV (I)DCT are supported.")
    if kind == 1:
        if norm == "ortho":
            raise ValueError("Normalization is not supported for the Type-I DCT.")
        if x.dim() and x.shape[-1] < 2:
            raise ValueError("Type-I DCT requires the dimension to be greater than one.")
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
    if not (x.is_floating_point() or x.is_complex()):
        raise TypeError(f"Cannot convert 0.0 to EagerTensor of dtype {dtype_name(x.dtype)}")
    if x.dtype not in (torch.float32, torch.float64):
        raise ValueError(f"RFFT requires tf.float32 or tf.float64 inputs, got: {x}")


def _phases(count: int, sign: float, x: torch.Tensor) -> torch.Tensor:
    """`2 * exp(sign * i * pi * k / (2 n))` for k < n, in `x`'s precision."""
    n = torch.tensor(count, dtype=x.dtype, device=x.device)
    angle = sign * torch.arange(count, dtype=x.dtype, device=x.device) * math.pi * 0.5 / n
    return 2.0 * torch.exp(torch.complex(torch.zeros_like(angle), angle))


def _weights(first: torch.Tensor, rest: torch.Tensor, count: int) -> torch.Tensor:
    return F.pad(first.reshape(1), [0, count - 1], value=float(rest))


def _dct(x: torch.Tensor, kind: int, n: Optional[int], norm: Optional[str]) -> torch.Tensor:
    if n is not None:
        x = _fit_last(x, n)
    count = x.shape[-1]
    size = torch.tensor(count, dtype=x.dtype, device=x.device)
    if kind == 1:
        mirrored = torch.cat([x, torch.flip(x[..., 1:count - 1], [-1])], -1)
        return torch.fft.rfft(mirrored).real
    if kind == 2:
        out = (torch.fft.rfft(x, 2 * count)[..., :count] * _phases(count, -1.0, x)).real
        if norm == "ortho":
            first = 0.5 * torch.rsqrt(size)
            out = out * _weights(first, first * math.sqrt(2.0), count)
        return out
    if kind == 3:
        if norm == "ortho":
            first = torch.sqrt(size)
            x = x * _weights(first, first * math.sqrt(0.5), count)
        else:
            x = x * size
        spectrum = _phases(count, 1.0, x) * torch.complex(x, torch.zeros_like(x))
        return torch.fft.irfft(spectrum, 2 * count)[..., :count]
    out = _dct(x, 2, 2 * count, None)[..., 1::2]
    if norm == "ortho":
        out = out * (math.sqrt(0.5) * torch.rsqrt(size))
    return out


def dct(input: Any, type: int = 2, n: Optional[int] = None, axis: int = -1,
        norm: Optional[str] = None, name: Optional[str] = None) -> torch.Tensor:
    """The discrete cosine transform (types I-IV, as `scipy.fftpack.dct`) of `input`'s
    innermost axis, cut or zero-padded to `n` values first if `n` is given.

    >>> import tftape_torch as tf
    >>> print(tf.signal.dct(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy().round(4))
    [20.     -6.3086  0.     -0.4483]

    Args:
      input: float32 or float64 values.
      type: 1, 2 (the default), 3 or 4.
      n: the transform's length.
      axis: must be -1.
      norm: `None`, or `"ortho"` for an orthonormal transform (not for type I).

    Raises:
      ValueError: for an unknown `type` or `norm`, `n < 1`, `norm="ortho"` with type
        I, or a type I input of fewer than 2 values.
      NotImplementedError: for an `axis` other than -1, as TF.
    """
    x = convert_to_tensor(input)
    _check_dct(x, type, n, axis, norm)
    return call("DCT", _dct, (x,), x, type, n, norm)


def idct(input: Any, type: int = 2, n: Optional[int] = None, axis: int = -1,
         norm: Optional[str] = None, name: Optional[str] = None) -> torch.Tensor:
    """The inverse of `dct` of the same `type` (a DCT of the inverse type; unscaled
    unless `norm="ortho"`, as TF's).

    >>> import tftape_torch as tf
    >>> print(tf.signal.idct(tf.constant([8.0, 0.0, 0.0, 0.0])))
    tf.Tensor([8. 8. 8. 8.], shape=(4,), dtype=float32)

    Raises:
      ValueError: as `dct`.
    """
    x = convert_to_tensor(input)
    _check_dct(x, type, n, axis, norm)
    return call("IDCT", _dct, (x,), x, {1: 1, 2: 3, 3: 2, 4: 4}[type], n, norm)


# ---------------------------------------------------------------------- MDCT


def _fold_frames(x: torch.Tensor) -> torch.Tensor:
    a, b, c, d = torch.chunk(x, 4, -1)
    return torch.cat([-torch.flip(c, [-1]) - d, a - torch.flip(b, [-1])], -1)


def _unfold_frames(x: torch.Tensor) -> torch.Tensor:
    first, second = torch.chunk(x, 2, -1)
    return torch.cat([second, -torch.flip(second, [-1]), -torch.flip(first, [-1]), -first], -1)


def _windowed(x: torch.Tensor, window_fn: Optional[WindowFn], length: int) -> torch.Tensor:
    if window_fn is None:
        return x * (1.0 / np.sqrt(2))
    return x * window_fn(length, dtype=x.dtype)


def mdct(signals: Any, frame_length: Any, window_fn: Optional[WindowFn] = vorbis_window,
         pad_end: bool = False, norm: Optional[str] = None,
         name: Optional[str] = None) -> torch.Tensor:
    """The modified discrete cosine transform of `signals` (innermost axis): frames of
    `frame_length` (a multiple of 4) half overlapping, each windowed and folded to
    `frame_length // 2` coefficients by a type-IV DCT.

    >>> import tftape_torch as tf
    >>> print(tf.signal.mdct(tf.ones([16]), 8).shape)
    (3, 4)

    Raises:
      ValueError: for a `frame_length` that is not a multiple of 4.
    """
    length = int_scalar_arg(frame_length)
    if length % 4 != 0:
        raise ValueError("The frame length must be a multiple of 4.")
    framed = _windowed(frame(signals, length, length // 2, pad_end=pad_end), window_fn, length)
    return dct(call("MDCTFold", _fold_frames, (framed,), framed), type=4, norm=norm)


def inverse_mdct(mdcts: Any, window_fn: Optional[WindowFn] = vorbis_window,
                 norm: Optional[str] = None, name: Optional[str] = None) -> torch.Tensor:
    """Signals from their MDCTs (`[..., frames, frame_length // 2]`): with the same
    window (a Princen-Bradley one, as the default), the frames overlap-add back to
    the signal, except the first and last half frame.

    >>> import tftape_torch as tf
    >>> x = tf.sin(tf.range(16.0))
    >>> y = tf.signal.inverse_mdct(tf.signal.mdct(x, 8))
    >>> print(float(tf.reduce_max(tf.abs(y[4:-4] - x[4:-4]))) < 1e-5)
    True

    Raises:
      ValueError: for `mdcts` of rank below 2, or an unknown `norm`.
    """
    x = convert_to_tensor(mdcts)
    _rank_at_least(x, 2)
    if norm not in (None, "ortho"):  # TF's own code fails here (UnboundLocalError)
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
    half = x.shape[-1]
    if norm is None:
        scale = call("RealDiv", torch.div, (), 0.5, torch.tensor(half, dtype=x.dtype))
        coefficients = scale * dct(x, type=4)
    else:
        coefficients = dct(x, type=4, norm="ortho")
    frames = _windowed(call("IMDCTUnfold", _unfold_frames, (coefficients,), coefficients),
                       window_fn, 2 * half)
    return overlap_and_add(frames, half)


# ---------------------------------------------------------------------- mel scale


def _hertz_to_mel(hertz: torch.Tensor) -> torch.Tensor:
    return 1127.0 * torch.log(1.0 + hertz / 700.0)


def _check_mel(num_mel_bins: int, sample_rate: Any, lower: float, upper: float,
               dtype: torch.dtype) -> None:
    if num_mel_bins <= 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {num_mel_bins}")
    if lower < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Got: {lower}")
    if lower >= upper:
        raise ValueError(f"lower_edge_hertz {lower:.1f} >= upper_edge_hertz {upper:.1f}")
    if not isinstance(sample_rate, torch.Tensor):
        if sample_rate <= 0.0:
            raise ValueError(f"sample_rate must be positive. Got: {sample_rate}")
        if upper > sample_rate / 2:
            raise ValueError(
                "upper_edge_hertz must not be larger than the Nyquist frequency "
                f"(sample_rate / 2). Got {upper} for sample_rate: {sample_rate}")
    if dtype not in FLOATING:
        raise ValueError(f"dtype must be a floating point type. Got: <dtype: "
                         f"'{dtype_name(dtype)}'>")


def _mel_matrix(frequencies: torch.Tensor, edges: torch.Tensor) -> torch.Tensor:
    bins_mel = _hertz_to_mel(frequencies[1:]).unsqueeze(1)
    bands = edges.unfold(0, 3, 1)
    lower, center, upper = (bands[:, i].reshape(1, -1) for i in range(3))
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = torch.clamp_min(torch.minimum(lower_slopes, upper_slopes), 0.0)
    return F.pad(weights, [0, 0, 1, 0])


def linear_to_mel_weight_matrix(num_mel_bins: int = 20, num_spectrogram_bins: int = 129,
                                sample_rate: Any = 8000, lower_edge_hertz: float = 125.0,
                                upper_edge_hertz: float = 3800.0, dtype: Any = torch.float32,
                                name: Optional[str] = None) -> torch.Tensor:
    """The `[num_spectrogram_bins, num_mel_bins]` matrix that maps a linear spectrogram
    (`rfft` bins up to `sample_rate / 2`) to triangular mel-scale bands between the
    edges (HTK's mel scale), as TF's.

    >>> import tftape_torch as tf
    >>> m = tf.signal.linear_to_mel_weight_matrix(4, 9, 8000, 100.0, 4000.0)
    >>> print(m.shape, float(tf.reduce_sum(m[0])))
    (9, 4) 0.0

    Raises:
      ValueError: for a non-positive `num_mel_bins` or `sample_rate`, edges out of
        order or above the Nyquist frequency, or a `dtype` that is not floating.
    """
    kind = as_dtype(dtype)
    rate = sample_rate.item() if isinstance(sample_rate, torch.Tensor) else sample_rate
    _check_mel(int(num_mel_bins), rate, float(lower_edge_hertz), float(upper_edge_hertz), kind)
    zero = as_tensor(0.0, kind)
    nyquist = as_tensor(rate, kind) / 2.0
    frequencies = linspace(zero, nyquist, int(num_spectrogram_bins))
    low, high = (_hertz_to_mel(as_tensor(float(edge), kind))
                 for edge in (lower_edge_hertz, upper_edge_hertz))
    edges = linspace(low, high, int(num_mel_bins) + 2)
    return call("LinearToMelWeightMatrix", _mel_matrix, (frequencies, edges), frequencies, edges)


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms: Any,
                                    name: Optional[str] = None) -> torch.Tensor:
    """Mel-frequency cepstral coefficients: the orthonormal type-II DCT of log-mel
    spectrograms (innermost axis), as TF (and HTK) scale it.

    >>> import tftape_torch as tf
    >>> mfccs = tf.signal.mfccs_from_log_mel_spectrograms(tf.constant([[1.0, 2.0, 0.5, 3.0]]))
    >>> print(mfccs.numpy().round(4))
    [[ 4.5962 -0.9007  0.75   -1.5211]]

    Raises:
      ValueError: for an innermost axis of size 0.
    """
    x = convert_to_tensor(log_mel_spectrograms)
    bins = x.shape[-1] if x.dim() else None
    if bins == 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {x}")
    coefficients = dct(x, type=2)
    count = torch.tensor(float(bins or 1), dtype=coefficients.dtype, device=coefficients.device)
    return call("Mul", torch.mul, (coefficients,), coefficients, torch.rsqrt(count * 2.0))
