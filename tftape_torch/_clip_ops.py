"""TF's clipping ops: `clip_by_value`, `clip_by_norm`, `clip_by_global_norm`.

Each is written as TF writes it, from the package's own ops, so its values and its
gradients (the `where` guards against NaN, the ties of `minimum`/`maximum`) are TF's.

>>> import tftape_torch as tf
>>> print(tf.clip_by_value(tf.constant([-2.0, 0.5, 3.0]), -1.0, 1.0))
tf.Tensor([-1.   0.5  1. ], shape=(3,), dtype=float32)
"""

from __future__ import annotations

import collections.abc
import logging
from typing import Any, List, Optional, Tuple

import numpy as np
import torch

from tftape_torch._array_ops import cast, identity, ones_like, stack, where
from tftape_torch._complex_ops import complex as make_complex
from tftape_torch._complex_ops import real
from tftape_torch._dtypes import as_dtype, dtype_name
from tftape_torch._elementwise_ops import maximum, minimum
from tftape_torch._math_ops import reduce_sum, sqrt
from tftape_torch._nn_ops import l2_loss
from tftape_torch._op_call import as_tensor, call_inline, exact_number

__all__ = ["clip_by_global_norm", "clip_by_norm", "clip_by_value", "saturate_cast"]


def clip_by_value(
    t: Any, clip_value_min: Any, clip_value_max: Any, name: Optional[str] = None
) -> torch.Tensor:
    """`t` with values below `clip_value_min` or above `clip_value_max` set to them.

    The bounds broadcast against `t` but may not enlarge it. At a bound the gradient
    still flows to `t`, as in TF.

    >>> import tftape_torch as tf
    >>> print(tf.clip_by_value(tf.constant([[-1, 5], [3, 9]]), 0, 4))
    tf.Tensor(
    [[0 4]
     [3 4]], shape=(2, 2), dtype=int32)

    Raises:
      ValueError: if clipping would broadcast `t` to a larger shape.
    """
    values = as_tensor(t)
    clamped = _clamp_inline(values, clip_value_min, clip_value_max)
    if clamped is not None:
        return clamped
    t_min = minimum(values, clip_value_max)
    if list(t_min.shape) != list(values.shape):
        raise ValueError(
            f"Shapes {tuple(values.shape)} and {tuple(t_min.shape)} are incompatible"
        )
    t_max = maximum(t_min, clip_value_min)
    if list(t_max.shape) != list(values.shape):
        raise ValueError(
            f"Shapes {tuple(values.shape)} and {tuple(t_max.shape)} are incompatible"
        )
    return t_max


def _clamp_inline(values: torch.Tensor, low: Any, high: Any) -> Optional[torch.Tensor]:
    """`clip_by_value`'s common call as one `clamp`, or None for `clip_by_value`'s own.

    For a float32/float64 tensor and Python-number bounds, `low <= high` once converted
    to its dtype, `clamp` is TF's `maximum(minimum(t, high), low)`: the same values
    (NaN kept, ties and signed zeros taken from `t`) and the same gradient (to `t`
    at a bound, none at NaN). Bounds out of order, NaN or out of range, other dtypes
    and Variables take TF's two ops.
    """
    lo, hi = exact_number(low, values), exact_number(high, values)
    if lo is None or hi is None or not lo <= hi:
        return None
    return call_inline(torch.clamp, (values,), values, lo, hi)


def clip_by_norm(t: Any, clip_norm: Any, axes: Any = None, name: Optional[str] = None
                 ) -> torch.Tensor:
    """`t * clip_norm / max(l2norm(t, axes), clip_norm)`: at most `clip_norm` long.

    >>> import tftape_torch as tf
    >>> print(tf.clip_by_norm(tf.constant([3.0, 4.0]), 1.0))
    tf.Tensor([0.6 0.8], shape=(2,), dtype=float32)

    Raises:
      ValueError: if `clip_norm` would broadcast `t` to a larger shape.
    """
    values = as_tensor(t)
    # TF clamps a negative `clip_norm` to 0 (all zeros out), as of TF 2.21: a Python
    # or NumPy scalar in Python (it then takes the values' dtype), anything else with
    # `maximum` and a cast to the values' dtype.
    if isinstance(clip_norm, (int, float, np.number)):  # `np.isscalar` in TF
        clip_norm = 0 if clip_norm < 0 else clip_norm
    else:
        clip_norm = cast(maximum(clip_norm, 0), values.dtype)
    l2sum = reduce_sum(values * values, axes, keepdims=True)
    pred = l2sum > 0
    l2sum_safe = where(pred, l2sum, ones_like(l2sum))
    l2norm = where(pred, sqrt(l2sum_safe), l2sum)
    intermediate = values * clip_norm
    if list(intermediate.shape) != list(values.shape):
        raise ValueError(
            f"Shapes {tuple(values.shape)} and {tuple(intermediate.shape)} are incompatible"
        )
    return identity(intermediate / maximum(l2norm, clip_norm))


def _global_norm(values: List[Optional[torch.Tensor]]) -> torch.Tensor:
    half_squared = [l2_loss(v) for v in values if v is not None]
    half_squared_norm = reduce_sum(stack(half_squared))
    two = as_tensor(2.0, half_squared_norm.dtype)
    return sqrt(half_squared_norm * two)


def clip_by_global_norm(
    t_list: Any, clip_norm: Any, use_norm: Any = None, name: Optional[str] = None
) -> Tuple[List[Optional[torch.Tensor]], torch.Tensor]:
    """Scales the tensors of `t_list` so that their joint 2-norm is at most `clip_norm`.

    Returns the scaled list (`None` entries stay `None`) and the global norm (or
    `use_norm`) before clipping. An infinite or NaN norm makes every entry NaN, as in TF.

    >>> import tftape_torch as tf
    >>> clipped, norm = tf.clip_by_global_norm([tf.constant([3.0]), tf.constant([4.0])], 1.0)
    >>> print(clipped[0], clipped[1], norm)
    tf.Tensor([0.6], shape=(1,), dtype=float32) tf.Tensor([0.8], shape=(1,), dtype=float32)
    tf.Tensor(5.0, shape=(), dtype=float32)

    Raises:
      TypeError: if `t_list` is not a sequence.
      AttributeError: if `use_norm` is given but is not a tensor.
    """
    if not isinstance(t_list, collections.abc.Sequence) or isinstance(t_list, str):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    values = [None if v is None else as_tensor(v) for v in t_list]
    if use_norm is None:
        norm = _global_norm(values)
    elif isinstance(use_norm, torch.Tensor):
        norm = use_norm
    else:  # TF reads `use_norm.dtype`
        raise AttributeError(f"'{type(use_norm).__name__}' object has no attribute 'dtype'")
    one = as_tensor(1.0, norm.dtype)
    scale_for_finite = clip_norm * minimum(1.0 / norm, one / clip_norm)
    scale = scale_for_finite + (norm - norm)
    clipped: List[Optional[torch.Tensor]] = []
    for v in values:
        if v is None:
            clipped.append(None)
        else:
            clipped.append(identity(v * cast(scale, v.dtype)))
    return clipped, norm


def _limits(dtype: torch.dtype) -> Tuple[Any, Any]:
    if dtype.is_floating_point:
        info = torch.finfo(dtype)
        return info.min, info.max
    if dtype == torch.bool:
        return False, True
    info_i = torch.iinfo(dtype)
    return info_i.min, info_i.max


def _numpy_dtype(dtype: torch.dtype) -> Any:
    return np.dtype(np.float32) if dtype == torch.bfloat16 else np.dtype(dtype_name(dtype))


def _saturating_bounds(source: torch.dtype, target: torch.dtype) -> Tuple[Any, Any]:
    """TF's bounds, in `source`'s dtype, that cast into `target` without overflow: the
    tighter of both ranges, moved one step toward 0 where rounding to `source` would
    land outside `target`'s range (`saturate_cast` in TF's `math_ops`)."""
    in_np, out_np = _numpy_dtype(source), _numpy_dtype(target)
    (in_min, in_max), (out_min, out_max) = _limits(source), _limits(target)
    try:
        promoted = np.promote_types(in_np, out_np)
    except TypeError:
        promoted = np.dtype(float)
    low = in_np.type(np.maximum(in_min, out_min))
    if np.array([low, out_min], dtype=promoted)[0] < np.array([low, out_min], dtype=promoted)[1]:
        low = np.nextafter(low, in_np.type(0), dtype=in_np)
    high = in_np.type(np.minimum(float(in_max), float(out_max)))
    if np.array([high, out_max], dtype=promoted)[0] > np.array([high, out_max], dtype=promoted)[1]:
        high = np.nextafter(high, in_np.type(0), dtype=in_np)
    return low, high


def saturate_cast(value: Any, dtype: Any, name: Optional[str] = None) -> torch.Tensor:
    """`value` cast to `dtype`, first clipped to the range `dtype` can hold (where a
    plain `cast` would wrap around or be undefined).

    >>> import tftape_torch as tf
    >>> print(tf.saturate_cast(tf.constant([-300.0, 1.5, 300.0]), tf.int8))
    tf.Tensor([-128    1  127], shape=(3,), dtype=int8)

    Raises:
      TypeError: for a `bool` `dtype`, which has no range to clip to.
    """
    x = as_tensor(value)
    target = as_dtype(dtype)
    if target == torch.bool:
        raise TypeError("Cannot find minimum value of <dtype: 'bool'>.")
    if x.dtype.is_complex:
        if target.is_complex:
            source_real, target_real = x.dtype.to_real(), target.to_real()
            low, high = _limits(target_real)
            if _limits(source_real)[0] < low or _limits(source_real)[1] > high:
                x = clip_by_value(x, make_complex(low, low), make_complex(high, high))
            return cast(x, target)
        logging.getLogger("tensorflow").warning(
            "Casting complex to real discards imaginary part.")
        x = real(x)
    target_real = target.to_real()
    low, high = _saturating_bounds(x.dtype, target_real)
    return cast(clip_by_value(x, as_tensor(low, x.dtype), as_tensor(high, x.dtype)), target)
