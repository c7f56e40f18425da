"""TF's window functions (`tf.signal.hann_window` ... `vorbis_window`), computed in the
requested floating dtype step by step as TF's Python computes them.

>>> import tftape_torch as tf
>>> print(tf.signal.hann_window(4))
tf.Tensor([0.  0.5 1.  0.5], shape=(4,), dtype=float32)
"""

from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

import torch

from tftape_torch._device import current_device
from tftape_torch._dtypes import FLOATING, as_dtype, dtype_name
from tftape_torch._op_call import call, int_scalar_arg

__all__ = [
    "hamming_window", "hann_window", "kaiser_bessel_derived_window", "kaiser_window",
    "vorbis_window",
]


def _checked(window_length: Any, dtype: Any) -> Tuple[int, Dict[str, Any]]:
    """The length as an int, and the dtype (checked) and device of the window."""
    kind = as_dtype(dtype)
    if kind not in FLOATING:
        raise ValueError(f"dtype must be a floating point type. Found <dtype: "
                         f"'{dtype_name(kind)}'>")
    return int_scalar_arg(window_length), {"dtype": kind, "device": current_device()}


def _raised_cosine(length: int, periodic: bool, a: float, b: float, **where: Any
                   ) -> torch.Tensor:
    if length == 1:
        return torch.ones([1], **where)
    even = 1 - length % 2
    n = torch.tensor(length + int(periodic) * even - 1, **where)
    count = torch.arange(length, **where)
    cos_arg = torch.tensor(2 * math.pi, **where) * count / n
    return a - b * torch.cos(cos_arg)


def hann_window(window_length: Any, periodic: bool = True, dtype: Any = torch.float32,
                name: Optional[str] = None) -> torch.Tensor:
    """The Hann window, `0.5 - 0.5 * cos(2 pi n / N)`; `periodic` (the default) for
    spectral analysis (`N = window_length`), else symmetric (`N = window_length - 1`).

    >>> import tftape_torch as tf
    >>> print(tf.signal.hann_window(5, periodic=False))
    tf.Tensor([0.  0.5 1.  0.5 0. ], shape=(5,), dtype=float32)

    Raises:
      ValueError: for a `dtype` that is not floating.
    """
    length, where = _checked(window_length, dtype)
    return call("HannWindow", _raised_cosine, (), length, bool(periodic), 0.5, 0.5, **where)


def hamming_window(window_length: Any, periodic: bool = True, dtype: Any = torch.float32,
                   name: Optional[str] = None) -> torch.Tensor:
    """The Hamming window, `0.54 - 0.46 * cos(2 pi n / N)` (`periodic` as for
    `hann_window`).

    >>> import tftape_torch as tf
    >>> print(tf.signal.hamming_window(4))
    tf.Tensor([0.08000001 0.54       1.         0.54      ], shape=(4,), dtype=float32)

    Raises:
      ValueError: for a `dtype` that is not floating.
    """
    length, where = _checked(window_length, dtype)
    return call("HammingWindow", _raised_cosine, (), length, bool(periodic), 0.54, 0.46,
                **where)


def _kaiser(length: int, beta: float, **where: Any) -> torch.Tensor:
    if length == 1:
        return torch.ones([1], **where)
    half = (length - 1.0) / 2.0  # float32 in TF, exact here for any sane length
    arg = torch.arange(-half, half + 0.1, dtype=torch.float32, device=where["device"])
    arg = arg.to(where["dtype"])
    beta_t = torch.tensor(beta, **where)
    half_t = torch.tensor(half, **where)
    num = beta_t * torch.sqrt(torch.relu(1.0 - torch.square(arg / half_t)))
    return torch.exp(num - beta_t) * (torch.special.i0e(num) / torch.special.i0e(beta_t))


def kaiser_window(window_length: Any, beta: float = 12.0, dtype: Any = torch.float32,
                  name: Optional[str] = None) -> torch.Tensor:
    """The Kaiser window with shape parameter `beta`.

    >>> import tftape_torch as tf
    >>> print(tf.signal.kaiser_window(3, beta=0.0))
    tf.Tensor([1. 1. 1.], shape=(3,), dtype=float32)

    Raises:
      ValueError: for a `dtype` that is not floating.
    """
    length, where = _checked(window_length, dtype)
    return call("KaiserWindow", _kaiser, (), length, float(beta), **where)


def _kaiser_bessel_derived(length: int, beta: float, **where: Any) -> torch.Tensor:
    window = _kaiser(length // 2 + 1, beta, **where)
    total = torch.cumsum(window, 0)
    half = torch.sqrt(total[:-1] / total[-1])
    return torch.cat([half, torch.flip(half, [0])])


def kaiser_bessel_derived_window(window_length: Any, beta: float = 12.0,
                                 dtype: Any = torch.float32,
                                 name: Optional[str] = None) -> torch.Tensor:
    """The Kaiser-Bessel derived window (for the MDCT), of even `window_length`.

    >>> import tftape_torch as tf
    >>> w = tf.signal.kaiser_bessel_derived_window(4)
    >>> print(w.shape, round(float(w[0] ** 2 + w[2] ** 2), 6))
    (4,) 1.0

    Raises:
      ValueError: for a `dtype` that is not floating.
    """
    length, where = _checked(window_length, dtype)
    return call("KaiserBesselDerivedWindow", _kaiser_bessel_derived, (), length, float(beta),
                **where)


def _vorbis(length: int, **where: Any) -> torch.Tensor:
    arg = torch.arange(length, **where)
    step = torch.tensor(math.pi, **where) / torch.tensor(length, **where)
    return torch.sin(math.pi / 2.0 * torch.pow(torch.sin(step * (arg + 0.5)), 2.0))


def vorbis_window(window_length: Any, dtype: Any = torch.float32,
                  name: Optional[str] = None) -> torch.Tensor:
    """The Vorbis power-complementary window, `sin(pi / 2 * sin(pi (n + 0.5) / N) ** 2)`.

    >>> import tftape_torch as tf
    >>> w = tf.signal.vorbis_window(4)
    >>> print(round(float(w[0] ** 2 + w[2] ** 2), 6))
    1.0

    Raises:
      ValueError: for a `dtype` that is not floating.
    """
    length, where = _checked(window_length, dtype)
    return call("VorbisWindow", _vorbis, (), length, **where)
