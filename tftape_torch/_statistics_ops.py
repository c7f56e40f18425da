"""TF's moment helpers beyond `tf.nn.moments`: `weighted_moments`,
`sufficient_statistics` and `normalize_moments`.

Each is TF's Python composite of drop-in ops, so values, dtypes and gradients are
TF's (`weighted_moments` divides with `div_no_nan`: all-zero weights give 0).

>>> import tftape_torch as tf
>>> mean, variance = tf.nn.weighted_moments(tf.constant([1.0, 2.0, 4.0]), [0],
...                                         tf.constant([1.0, 1.0, 2.0]))
>>> print(mean, variance)
tf.Tensor(2.75, shape=(), dtype=float32) tf.Tensor(1.6875, shape=(), dtype=float32)
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import torch

from tftape_torch._array_ops import cast, constant, convert_to_tensor, squeeze, zeros_like
from tftape_torch._elementwise_ops import reciprocal, squared_difference
from tftape_torch._math_ops import reduce_sum, square
from tftape_torch._op_call import as_tensor
from tftape_torch._special_ops import divide_no_nan

__all__ = ["normalize_moments", "sufficient_statistics", "weighted_moments"]


def _axes(axes: Any) -> List[int]:
    return [int(a) for a in axes]


def weighted_moments(x: Any, axes: Any, frequency_weights: Any, keepdims: bool = False,
                     name: Optional[str] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """The mean and variance of `x` over `axes`, each element counted
    `frequency_weights` times (broadcast against `x`); float16 computes in float32.

    >>> import tftape_torch as tf
    >>> m, v = tf.nn.weighted_moments(tf.constant([[1.0, 3.0]]), [1], tf.constant([3.0, 1.0]))
    >>> print(m, v)
    tf.Tensor([1.5], shape=(1,), dtype=float32) tf.Tensor([0.75], shape=(1,), dtype=float32)
    """
    dims = _axes(axes)
    values = as_tensor(x)
    weights = as_tensor(frequency_weights)
    half = values.dtype == torch.float16
    if half:
        values = cast(values, torch.float32)
    if weights.dtype != values.dtype:
        weights = cast(weights, values.dtype)
    weighted_sum = reduce_sum(weights * values, dims, keepdims=True)
    total_weight = reduce_sum(weights + zeros_like(values), dims, keepdims=True)
    mean = divide_no_nan(weighted_sum, total_weight)
    spread = reduce_sum(weights * squared_difference(values, mean), dims, keepdims=True)
    variance = divide_no_nan(spread, total_weight)
    if not keepdims:
        mean, variance = squeeze(mean, dims), squeeze(variance, dims)
    if half:
        mean, variance = cast(mean, torch.float16), cast(variance, torch.float16)
    return mean, variance


def sufficient_statistics(x: Any, axes: Any, shift: Any = None, keepdims: bool = False,
                          name: Optional[str] = None) -> Tuple[Any, ...]:
    """What `normalize_moments` needs: the count of elements over `axes`, the sum of
    `x - shift` and the sum of `(x - shift) ** 2`, and `shift` (`None`: no shift).

    >>> import tftape_torch as tf
    >>> count, total, squares, _ = tf.nn.sufficient_statistics(tf.constant([1.0, 3.0]), [0])
    >>> print(float(count), float(total), float(squares))
    2.0 4.0 10.0
    """
    dims = sorted(set(_axes(axes)))
    values = as_tensor(x)
    count = 1
    for d in dims:
        count *= values.shape[d]
    counts = constant(count, values.dtype)
    if shift is not None:
        shift = convert_to_tensor(shift)
        total, squares = values - shift, squared_difference(values, shift)
    else:
        total, squares = values, square(values)
    return (counts, reduce_sum(total, dims, keepdims=keepdims),
            reduce_sum(squares, dims, keepdims=keepdims), shift)


def normalize_moments(counts: Any, mean_ss: Any, variance_ss: Any, shift: Any,
                      name: Optional[str] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """The mean and variance from `sufficient_statistics`' sums.

    >>> import tftape_torch as tf
    >>> mean, variance = tf.nn.normalize_moments(2.0, tf.constant(4.0), tf.constant(10.0), None)
    >>> print(float(mean), float(variance))
    2.0 1.0
    """
    divisor = reciprocal(as_tensor(counts))
    shifted_mean = as_tensor(mean_ss) * divisor
    mean = shifted_mean + shift if shift is not None else shifted_mean
    variance = as_tensor(variance_ss) * divisor - square(shifted_mean)
    return mean, variance
