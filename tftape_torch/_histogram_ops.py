"""`tf.histogram_fixed_width` and `tf.histogram_fixed_width_bins`: counts (or bin
indices) of values in `nbins` equal bins over `value_range`.

Values below the range fall in the first bin, values above it in the last, as TF's.
The two compute the bin as TF does, each its own way: `histogram_fixed_width` as its
kernel (`(max(x, lo) - lo) / step` all in float64, `step = (hi - lo) / nbins`, truncated
and capped at `nbins - 1`; NaN values are an error), `histogram_fixed_width_bins` as
its Python (`floor(nbins * (x - lo) / (hi - lo))` in the values' dtype, clipped to
`[0, nbins - 1]`; NaN gives int32's minimum).

>>> import tftape_torch as tf
>>> print(tf.histogram_fixed_width(tf.constant([-1.0, 0.5, 2.0, 9.0]), [0.0, 4.0], nbins=4))
tf.Tensor([2 0 1 1], shape=(4,), dtype=int32)
"""

from __future__ import annotations

from typing import Any, Optional

import torch

from tftape_torch._dtypes import as_dtype, dtype_name
from tftape_torch._op_call import as_tensor, call, disallowed
from tftape_torch._recorded_ops import without_gradient
from tftape_torch.errors import InvalidArgumentError

__all__ = ["histogram_fixed_width", "histogram_fixed_width_bins"]


def _nbins(nbins: Any) -> int:
    count = int(torch.as_tensor(nbins).item()) if isinstance(nbins, torch.Tensor) else int(nbins)
    if count <= 0:
        raise InvalidArgumentError(
            None, None, f"nbins should be a positive number, but got '{count}' "
            "[Op:HistogramFixedWidth]"
        )
    return count


def _range(values: torch.Tensor, value_range: Any) -> torch.Tensor:
    bounds = as_tensor(value_range, values.dtype)
    if tuple(bounds.shape) != (2,):
        raise InvalidArgumentError(
            None, None, "value_range should be a vector of 2 elements, but got "
            f"{list(bounds.shape)} [Op:HistogramFixedWidth]"
        )
    return bounds


def _counts(values: torch.Tensor, bounds: torch.Tensor, nbins: int,
            dtype: torch.dtype) -> torch.Tensor:
    if values.is_floating_point() and bool(torch.isnan(values).any()):
        raise InvalidArgumentError(
            None, None, "Histogram values must not contain NaN [Op:HistogramFixedWidth]")
    lo, hi = bounds[0], bounds[1]
    if not bool(lo < hi):
        raise InvalidArgumentError(
            None, None, "value_range should satisfy value_range[0] < value_range[1], but got "
            f"'[{lo.item()}, {hi.item()}]' [Op:HistogramFixedWidth]"
        )
    lo, hi = lo.double(), hi.double()
    step = (hi - lo) / nbins
    index = ((torch.maximum(values.double(), lo) - lo) / step).clamp(max=nbins - 1)
    return torch.bincount(index.long().reshape(-1), minlength=nbins).to(dtype)


def histogram_fixed_width(values: Any, value_range: Any, nbins: Any = 100,
                          dtype: Any = torch.int32, name: Optional[str] = None) -> torch.Tensor:
    """How many of `values` fall in each of `nbins` equal bins over `value_range`
    (`[lo, hi]`); values outside it count in the first or last bin.

    >>> import tftape_torch as tf
    >>> print(tf.histogram_fixed_width(tf.constant([1, 2, 3, 9]), [0, 10], nbins=3))
    tf.Tensor([3 0 1], shape=(3,), dtype=int32)

    Raises:
      InvalidArgumentError: for `nbins <= 0`, a `value_range` that is not two
        increasing values, NaN values, or a `dtype` other than int32 and int64.
    """
    t = as_tensor(values)
    target = as_dtype(dtype)
    if target not in (torch.int32, torch.int64):
        raise disallowed("HistogramFixedWidth", target, "int32, int64")
    bounds = _range(t, value_range)
    count = _nbins(nbins)
    return call("HistogramFixedWidth", without_gradient(_counts), (t, bounds), t, bounds, count,
                target)


def _bins(values: torch.Tensor, bounds: torch.Tensor, nbins: int) -> torch.Tensor:
    scaled = (values - bounds[0]) / (bounds[1] - bounds[0])
    index = torch.floor(nbins * scaled).clamp(0, nbins - 1)
    nan = torch.isnan(index)
    out = torch.where(nan, torch.zeros_like(index), index).to(torch.int32)
    return torch.where(nan, torch.iinfo(torch.int32).min, out)


def histogram_fixed_width_bins(values: Any, value_range: Any, nbins: Any = 100,
                               dtype: Any = torch.int32,
                               name: Optional[str] = None) -> torch.Tensor:
    """The bin (of `nbins` equal bins over `value_range`) each of `values` falls in,
    shaped like `values`; values outside the range go to the first or last bin.

    >>> import tftape_torch as tf
    >>> print(tf.histogram_fixed_width_bins(tf.constant([-1.0, 0.5, 2.0, 9.0]), [0.0, 4.0],
    ...                                     nbins=4))
    tf.Tensor([0 0 2 3], shape=(4,), dtype=int32)

    Raises:
      InvalidArgumentError: for `nbins <= 0`, or values that are not floating point or
        not of `value_range`'s dtype.
    """
    t = as_tensor(values)
    bounds = as_tensor(value_range)  # TF's own dtype for it: float32 for Python floats
    if not t.is_floating_point() or bounds.dtype != t.dtype:
        raise InvalidArgumentError(
            None, None, f"cannot compute Sub as input #1(zero-based) was expected to be a "
            f"{dtype_name(t.dtype)} tensor but is a {dtype_name(bounds.dtype)} tensor [Op:Sub]"
        )
    count = int(torch.as_tensor(nbins).item()) if isinstance(nbins, torch.Tensor) else int(nbins)
    if count <= 0:
        raise InvalidArgumentError(None, None, f"nbins {count} must > 0")
    return call("HistogramFixedWidthBins", without_gradient(_bins), (t, bounds), t, bounds,
                count)
