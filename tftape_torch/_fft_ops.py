"""TF's fast Fourier transforms (`tf.signal.fft` ... `irfft3d`, `fftnd` ...,
`fftshift`), computed by `torch.fft`.

Each transform runs over the innermost 1, 2 or 3 dimensions, as TF's. The complex
ones (`fft`, `ifft` and their 2-D and 3-D forms) take complex64 or complex128 only;
`rfft*` takes float32 or float64 (Python values convert to float32) and gives the
complex dtype of that precision, `irfft*` the reverse (Python values convert to
complex64). An `fft_length` longer than the input pads it with zeros, a shorter one
crops it. By default `irfft*` gives `2 * (n - 1)` values from `n`.

Gradients are TF's registered ones, which are the adjoint transforms (torch's
backward computes the same), except for a cropped input:
* `rfft`/`rfft2d` of a cropped input (`fft_length` shorter than the input) and
  `irfft`/`irfft2d` of a cropped input (more than `fft_length // 2 + 1` values):
  TF's formulas broadcast only where the last `fft_length` is 1 (and any other is
  the input's size), giving what `_cropped_gradient` computes; elsewhere TF's
  gradient raises `InvalidArgumentError` (incompatible shapes);
* `rfft3d`/`irfft3d` and the `*fftnd` ops: TF registers no gradient
  (`LookupError`).
The `*fftnd` ops have no CPU kernel in TF 2.21 (`NotFoundError` there); here they
run on every device, with `torch.fft.fftn`'s meaning of `fft_length` and `axes`.

>>> import tftape_torch as tf
>>> print(tf.signal.rfft(tf.constant([1.0, 2.0, 3.0, 4.0])))
tf.Tensor([10.+0.j -2.+2.j -2.+0.j], shape=(3,), dtype=complex64)
"""

from __future__ import annotations

import math
from typing import Any, Callable, List, Optional, Sequence

import torch

from tftape_torch._array_ops import convert_to_tensor
from tftape_torch._dtypes import COMPLEX, dtype_name
from tftape_torch._op_call import as_tensor, axis_arg, call
from tftape_torch._recorded_ops import (
    failing_gradient,
    replaced_gradient,
    unregistered_gradient,
)
from tftape_torch._shape_ops import roll
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "fft", "fft2d", "fft3d", "fftnd", "fftshift", "ifft", "ifft2d", "ifft3d", "ifftnd",
    "ifftshift", "irfft", "irfft2d", "irfft3d", "irfftnd", "rfft", "rfft2d", "rfft3d",
    "rfftnd",
]

_REAL_TO_COMPLEX = {torch.float32: torch.complex64, torch.float64: torch.complex128}
_COMPLEX_TO_REAL = {torch.complex64: torch.float32, torch.complex128: torch.float64}


def _inner_dims(rank: int) -> List[int]:
    return list(range(-rank, 0))


def _check_rank(x: torch.Tensor, rank: int, exception: type, op: str) -> None:
    if x.dim() < rank:
        if exception is ValueError:
            raise ValueError(f"Shape {tuple(x.shape)} must have rank at least {rank}")
        raise InvalidArgumentError(
            None, None,
            f"Input must have rank of at least {rank} but got: {list(x.shape)} [Op:{op}]")


def _lengths(fft_length: Any) -> List[int]:
    if isinstance(fft_length, torch.Tensor):
        lengths = axis_arg(fft_length)
        return [lengths] if isinstance(lengths, int) else lengths
    if isinstance(fft_length, (int,)):
        raise TypeError(f"'{type(fft_length).__name__}' object is not iterable")
    return [int(n) for n in fft_length]


# ---------------------------------------------------------------------- complex to complex


def _complex(name: str, op: str, rank: int, fn: Callable[..., torch.Tensor],
             doc: str) -> Callable[..., torch.Tensor]:
    def transform(input: Any, name: Optional[str] = None) -> torch.Tensor:
        x = as_tensor(input)
        if x.dtype not in COMPLEX:
            raise InvalidArgumentError(
                None, None, f"Value for attr 'Tcomplex' of {dtype_name(x.dtype)} is not in "
                f"the list of allowed values: complex64, complex128 [Op:{op}]")
        _check_rank(x, rank, InvalidArgumentError, op)
        return call(op, _empty_safe(fn), (x,), x, dim=_inner_dims(rank))

    transform.__name__ = transform.__qualname__ = name
    transform.__doc__ = doc + f"""
    Raises:
      InvalidArgumentError: for an input that is not complex64 or complex128, or of
        rank below {rank}.
    """
    return transform


fft = _complex("fft", "FFT", 1, torch.fft.fftn, """The discrete Fourier transform of
    `input`'s innermost dimension.

    >>> import tftape_torch as tf
    >>> print(tf.signal.fft(tf.constant([1 + 0j, 1j, -1 + 0j, -1j], tf.complex64)))
    tf.Tensor([0.+0.j 4.+0.j 0.+0.j 0.+0.j], shape=(4,), dtype=complex64)
""")
ifft = _complex("ifft", "IFFT", 1, torch.fft.ifftn, """The inverse discrete Fourier
    transform of `input`'s innermost dimension (scaled by `1 / n`).

    >>> import tftape_torch as tf
    >>> print(tf.signal.ifft(tf.constant([0j, 4 + 0j, 0j, 0j], tf.complex64)))
    tf.Tensor([ 1.+0.j  0.+1.j -1.+0.j  0.-1.j], shape=(4,), dtype=complex64)
""")
fft2d = _complex("fft2d", "FFT2D", 2, torch.fft.fftn, """The 2-D discrete Fourier
    transform of `input`'s two innermost dimensions.

    >>> import tftape_torch as tf
    >>> print(tf.signal.fft2d(tf.ones([2, 2], tf.complex64)))
    tf.Tensor(
    [[4.+0.j 0.+0.j]
     [0.+0.j 0.+0.j]], shape=(2, 2), dtype=complex64)
""")
ifft2d = _complex("ifft2d", "IFFT2D", 2, torch.fft.ifftn, """The inverse 2-D discrete
    Fourier transform of `input`'s two innermost dimensions.

    >>> import tftape_torch as tf
    >>> print(tf.signal.ifft2d(tf.ones([2, 2], tf.complex64)))
    tf.Tensor(
    [[1.+0.j 0.+0.j]
     [0.+0.j 0.+0.j]], shape=(2, 2), dtype=complex64)
""")
fft3d = _complex("fft3d", "FFT3D", 3, torch.fft.fftn, """The 3-D discrete Fourier
    transform of `input`'s three innermost dimensions.

    >>> import tftape_torch as tf
    >>> print(tf.signal.fft3d(tf.ones([1, 2, 2], tf.complex64))[0, 0])
    tf.Tensor([4.+0.j 0.+0.j], shape=(2,), dtype=complex64)
""")
ifft3d = _complex("ifft3d", "IFFT3D", 3, torch.fft.ifftn, """The inverse 3-D discrete
    Fourier transform of `input`'s three innermost dimensions.

    >>> import tftape_torch as tf
    >>> print(tf.signal.ifft3d(tf.ones([1, 2, 2], tf.complex64))[0, 0])
    tf.Tensor([1.+0.j 0.+0.j], shape=(2,), dtype=complex64)
""")


# ---------------------------------------------------------------------- real to complex


def _crops(sizes: Sequence[int], lengths: Sequence[int]) -> bool:
    return any(size > length for size, length in zip(sizes, lengths))


def _shape_error(op: str) -> Callable[[], Exception]:
    return lambda: InvalidArgumentError(
        None, None, f"Incompatible shapes in the gradient of {op}: TF's gradient needs "
        "the input's size to match fft_length [Op:Mul]")


def _empty_safe(fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """`fn` (a `torch.fft` transform) also for empty inputs, which torch's backends refuse
    and TF transforms: an empty batch gets one row of zeros for the transform (so a
    gradient flows), a zero size or length gives zeros of the result's shape."""

    def run(x: torch.Tensor, s: Optional[List[int]] = None, dim: Sequence[int] = ()
            ) -> torch.Tensor:
        rank = len(dim)
        inner = list(x.shape[-rank:])
        lengths = inner if s is None else list(s)
        if x.numel() and all(lengths):
            return fn(x, s=s, dim=dim)
        batch = tuple(x.shape[:-rank])
        if all(inner) and all(lengths):  # only the batch is empty
            flat = x.reshape((-1,) + tuple(inner))
            out = fn(torch.cat([flat, flat.new_zeros((1,) + flat.shape[1:])]), s=s, dim=dim)[:0]
            return out.reshape(batch + tuple(out.shape[1:]))
        dtype = x.dtype
        if fn is torch.fft.rfftn:
            lengths = lengths[:-1] + [lengths[-1] // 2 + 1 if lengths[-1] else 0]
            dtype = _REAL_TO_COMPLEX[x.dtype]
        elif fn is torch.fft.irfftn:
            dtype = _COMPLEX_TO_REAL[x.dtype]
        return torch.zeros(batch + tuple(lengths), dtype=dtype, device=x.device)

    return run


def _cropped_gradient(op: str, sizes: List[int], lengths: List[int]
                      ) -> Optional[Callable[[torch.Tensor], torch.Tensor]]:
    """TF's gradient of `RFFT`/`IRFFT` (1-D, 2-D) of a cropped input, where it broadcasts:
    the last `fft_length` is 1 and any other is the input's size. None elsewhere.

    NOTE: TF's formulas, written for an uncropped input, then give each input value
    `(irfft(grad) * size + real(twiddles @ conj(grad[..., :1]))) / 2` (`RFFT`; the 1-D
    twiddle is 1), or `rfft(grad) * [1, 2, ..., 2] / prod(fft_length)` (`IRFFT`).
    """
    if lengths[-1] != 1 or sizes[:-1] != lengths[:-1]:
        return None
    dims, count = _inner_dims(len(sizes)), sizes[-1]

    def grad_fn(grad: torch.Tensor) -> torch.Tensor:
        if op.startswith("I"):
            mask = torch.full((count,), 2.0, dtype=grad.dtype, device=grad.device)
            mask[0] = 1.0
            spectrum = torch.fft.rfftn(grad, s=lengths, dim=dims)
            return spectrum * (mask / math.prod(lengths)).to(spectrum.dtype)
        back = torch.fft.irfftn(grad, s=lengths, dim=dims) * math.prod(sizes)
        first = grad[..., :1]
        if len(sizes) == 2:
            k = torch.arange(sizes[0], device=grad.device).to(grad.dtype)
            first = torch.exp(-2j * math.pi * torch.outer(k, k) / sizes[0]) @ first.conj()
        return (0.5 * (back + first.real)).expand(tuple(grad.shape[:-1]) + (count,))

    return grad_fn


def _transform_fn(op: str, fn: Callable[..., torch.Tensor], sizes: List[int],
                  lengths: List[int], kept: List[int]) -> Callable[..., torch.Tensor]:
    """`fn`, recorded with TF's gradient behaviour (module docstring); `kept` is the
    part of the input the transform reads."""
    fn = _empty_safe(fn)
    if len(sizes) == 3:
        return unregistered_gradient(op, fn)
    if not _crops(sizes, kept):
        return fn
    grad_fn = _cropped_gradient(op, sizes, lengths)
    if grad_fn is None:
        return failing_gradient(_shape_error(op), fn)
    return replaced_gradient(grad_fn, fn)


def _check_lengths(lengths: List[int]) -> None:
    for n in lengths:
        if n < 0:
            raise ValueError(f"Dimension {n} must be >= 0")


def _real(name: str, op: str, rank: int, doc: str) -> Callable[..., torch.Tensor]:
    def transform(input_tensor: Any, fft_length: Any = None,
                  name: Optional[str] = None) -> torch.Tensor:
        x = convert_to_tensor(input_tensor, dtype_hint=torch.float32)
        if x.dtype not in _REAL_TO_COMPLEX:
            raise ValueError(f"RFFT requires tf.float32 or tf.float64 inputs, got: {x}")
        _check_rank(x, rank, ValueError, op)
        sizes = list(x.shape[-rank:])
        lengths = sizes if fft_length is None else _lengths(fft_length)
        _check_lengths(lengths)
        fn = _transform_fn(op, torch.fft.rfftn, sizes, lengths, lengths)
        return call(op, fn, (x,), x, s=lengths, dim=_inner_dims(rank))

    transform.__name__ = transform.__qualname__ = name
    transform.__doc__ = doc + f"""
    Args:
      input_tensor: float32 or float64 values, of rank {rank} or more.
      fft_length: the transform's {rank} length(s); the input is padded with zeros or
        cropped to it. Defaults to the input's innermost size(s).

    Raises:
      ValueError: for an input that is not float32 or float64, or of rank below {rank}.
    """
    return transform


def _inverse_real(name: str, op: str, rank: int, doc: str) -> Callable[..., torch.Tensor]:
    def transform(input_tensor: Any, fft_length: Any = None,
                  name: Optional[str] = None) -> torch.Tensor:
        x = convert_to_tensor(input_tensor, dtype_hint=torch.complex64)
        _check_rank(x, rank, ValueError, op)
        if x.dtype not in _COMPLEX_TO_REAL:
            raise ValueError(f"IRFFT requires tf.complex64 or tf.complex128 inputs, got: {x}")
        sizes = list(x.shape[-rank:])
        if fft_length is None:
            lengths = sizes[:-1] + [max(0, 2 * (sizes[-1] - 1))] if sizes else []
        else:
            lengths = _lengths(fft_length)
        _check_lengths(lengths)
        kept = lengths[:-1] + [lengths[-1] // 2 + 1] if lengths else []
        fn = _transform_fn(op, torch.fft.irfftn, sizes, lengths, kept)
        return call(op, fn, (x,), x, s=lengths, dim=_inner_dims(rank))

    transform.__name__ = transform.__qualname__ = name
    transform.__doc__ = doc + f"""
    Args:
      input_tensor: complex64 or complex128 values (the non-negative frequencies), of
        rank {rank} or more.
      fft_length: the output's {rank} length(s). Defaults to the input's innermost
        size(s), the last as `2 * (n - 1)`.

    Raises:
      ValueError: for an input that is not complex64 or complex128, or of rank below
        {rank}.
    """
    return transform


rfft = _real("rfft", "RFFT", 1, """The discrete Fourier transform of real values over
    the innermost dimension: its `fft_length // 2 + 1` non-negative frequencies.

    >>> import tftape_torch as tf
    >>> print(tf.signal.rfft(tf.constant([1.0, 0.0, -1.0, 0.0])))
    tf.Tensor([0.+0.j 2.+0.j 0.+0.j], shape=(3,), dtype=complex64)
""")
irfft = _inverse_real("irfft", "IRFFT", 1, """The real values whose `rfft` is `input_tensor`,
    over the innermost dimension.

    >>> import tftape_torch as tf
    >>> print(tf.signal.irfft(tf.constant([0j, 2 + 0j, 0j], tf.complex64)))
    tf.Tensor([ 1.  0. -1.  0.], shape=(4,), dtype=float32)
""")
rfft2d = _real("rfft2d", "RFFT2D", 2, """The 2-D discrete Fourier transform of real values
    over the two innermost dimensions (the last one's non-negative frequencies).

    >>> import tftape_torch as tf
    >>> print(tf.signal.rfft2d(tf.ones([2, 2])))
    tf.Tensor(
    [[4.+0.j 0.+0.j]
     [0.+0.j 0.+0.j]], shape=(2, 2), dtype=complex64)
""")
irfft2d = _inverse_real("irfft2d", "IRFFT2D", 2, """The real values whose `rfft2d` is
    `input_tensor`.

    >>> import tftape_torch as tf
    >>> print(tf.signal.irfft2d(tf.constant([[4 + 0j, 0j], [0j, 0j]], tf.complex64)))
    tf.Tensor(
    [[1. 1.]
     [1. 1.]], shape=(2, 2), dtype=float32)
""")
rfft3d = _real("rfft3d", "RFFT3D", 3, """The 3-D discrete Fourier transform of real values
    over the three innermost dimensions. TF registers no gradient for it.

    >>> import tftape_torch as tf
    >>> print(tf.signal.rfft3d(tf.ones([1, 2, 2])).shape)
    (1, 2, 2)
""")
irfft3d = _inverse_real("irfft3d", "IRFFT3D", 3, """The real values whose `rfft3d` is
    `input_tensor`. TF registers no gradient for it.

    >>> import tftape_torch as tf
    >>> print(tf.signal.irfft3d(tf.ones([1, 2, 2], tf.complex64)).shape)
    (1, 2, 2)
""")


# ---------------------------------------------------------------------- n-dimensional

_NORMS = ("backward", "forward", "ortho")


def _nd(name: str, op: str, fn: Callable[..., torch.Tensor], input_dtypes: Any,
        doc: str) -> Callable[..., torch.Tensor]:
    inverse_real = fn is torch.fft.irfftn

    def transform(input_tensor: Any, fft_length: Any = None, axes: Any = None,
                  norm: Optional[str] = None, name: Optional[str] = None) -> torch.Tensor:
        x = convert_to_tensor(input_tensor, dtype_hint=input_dtypes[0])
        if x.dtype not in input_dtypes:
            names = " or ".join(f"tf.{dtype_name(d)}" for d in input_dtypes)
            raise ValueError(f"{op[:-2]} requires {names} inputs, got: {x}")
        dims = list(range(x.dim())) if axes is None else _lengths(axes)
        if len(dims) > x.dim():
            raise ValueError(f"Shape {tuple(x.shape)} must have rank at least {len(dims)}")
        norm = "backward" if norm is None else norm
        if norm not in _NORMS:
            raise ValueError(f"Invalid norm value {norm}; should be 'backward', 'ortho' or "
                             "'forward'.")
        if fft_length is None:
            lengths = [x.shape[d] for d in dims]
            if inverse_real and lengths:
                lengths[-1] = max(0, 2 * (lengths[-1] - 1))
        else:
            lengths = _lengths(fft_length)
        return call(op, unregistered_gradient(op, fn), (x,), x, s=lengths, dim=dims,
                    norm=norm)

    transform.__name__ = transform.__qualname__ = name
    transform.__doc__ = doc + """
    Args:
      input_tensor: the values.
      fft_length: the transform's length along each of `axes` (the input is padded
        with zeros or cropped to it); defaults to the input's sizes there.
      axes: the dimensions to transform; defaults to all.
      norm: `"backward"` (the default: the inverse scales by `1 / n`), `"ortho"`
        (both by `1 / sqrt(n)`) or `"forward"` (the forward transform scales).

    TF 2.21 has no CPU kernel for these ops, nor a gradient (asking for one raises
    `LookupError`).
    """
    return transform


_COMPLEX_DTYPES = (torch.complex64, torch.complex128)
_REAL_DTYPES = (torch.float32, torch.float64)

fftnd = _nd("fftnd", "FFTND", torch.fft.fftn, _COMPLEX_DTYPES, """The n-dimensional
    discrete Fourier transform over `axes`.

    >>> import tftape_torch as tf
    >>> print(tf.signal.fftnd(tf.ones([2, 2], tf.complex64), axes=[1]))
    tf.Tensor(
    [[2.+0.j 0.+0.j]
     [2.+0.j 0.+0.j]], shape=(2, 2), dtype=complex64)
""")
ifftnd = _nd("ifftnd", "IFFTND", torch.fft.ifftn, _COMPLEX_DTYPES, """The n-dimensional
    inverse discrete Fourier transform over `axes`.

    >>> import tftape_torch as tf
    >>> print(tf.signal.ifftnd(tf.ones([2], tf.complex64)))
    tf.Tensor([1.+0.j 0.+0.j], shape=(2,), dtype=complex64)
""")
rfftnd = _nd("rfftnd", "RFFTND", torch.fft.rfftn, _REAL_DTYPES, """The n-dimensional
    discrete Fourier transform of real values over `axes` (the last one's non-negative
    frequencies).

    >>> import tftape_torch as tf
    >>> print(tf.signal.rfftnd(tf.ones([4])))
    tf.Tensor([4.+0.j 0.+0.j 0.+0.j], shape=(3,), dtype=complex64)
""")
irfftnd = _nd("irfftnd", "IRFFTND", torch.fft.irfftn, _COMPLEX_DTYPES, """The real values
    whose `rfftnd` over `axes` is `input_tensor`.

    >>> import tftape_torch as tf
    >>> print(tf.signal.irfftnd(tf.constant([4 + 0j, 0j, 0j], tf.complex64)))
    tf.Tensor([1. 1. 1. 1.], shape=(4,), dtype=float32)
""")


# ---------------------------------------------------------------------- shifts


def _shift(x: Any, axes: Any, sign: int) -> torch.Tensor:
    t = as_tensor(x)
    if axes is None:
        dims = list(range(t.dim()))
    elif isinstance(axes, int):
        dims = [axes]
    else:
        dims = [int(a) + t.dim() if int(a) < 0 else int(a) for a in axes]
    shifts = [sign * (t.shape[d] // 2) for d in dims]
    return roll(t, shifts, dims)


def fftshift(x: Any, axes: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """Moves the zero frequency to the middle: rolls each of `axes` (default: all) by
    half its size, as `numpy.fft.fftshift`.

    >>> import tftape_torch as tf
    >>> print(tf.signal.fftshift(tf.constant([0, 1, 2, -2, -1])))
    tf.Tensor([-2 -1  0  1  2], shape=(5,), dtype=int32)
    """
    return _shift(x, axes, 1)


def ifftshift(x: Any, axes: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """The inverse of `fftshift` (they differ by one place for odd sizes).

    >>> import tftape_torch as tf
    >>> print(tf.signal.ifftshift(tf.constant([-2, -1, 0, 1, 2])))
    tf.Tensor([ 0  1  2 -2 -1], shape=(5,), dtype=int32)
    """
    return _shift(x, axes, -1)
