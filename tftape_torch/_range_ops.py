"""Evenly spaced values: `tf.range` and `tf.linspace` (TF's `math_ops` pair).

`range` infers TF's dtype from its arguments (the widest of int32, int64, float32,
float64) and counts its length in that dtype, as TF's kernel does; `linspace` keeps
both ends exact and is differentiable in them (TF's `linspace_nd`).

>>> import tftape_torch as tf
>>> print(tf.range(1, 10, 3))
tf.Tensor([1 4 7], shape=(3,), dtype=int32)
>>> print(tf.linspace(0.0, 1.0, 5))
tf.Tensor([0.   0.25 0.5  0.75 1.  ], shape=(5,), dtype=float32)
"""

from __future__ import annotations

import builtins
from typing import Any, Optional, Sequence

import numpy as np
import torch

from tftape_torch._array_ops import cast
from tftape_torch._convert import convert_value
from tftape_torch._device import current_device
from tftape_torch._dtypes import INTEGER, as_dtype, dtype_name, float64, kernel_name
from tftape_torch._op_call import call, match_operands
from tftape_torch._tensor import fresh
from tftape_torch._torch_internals import DisableTorchFunctionSubclass as _DisableSubclass
from tftape_torch.errors import InvalidArgumentError, NotFoundError

__all__ = ["linspace", "range"]

_Tensor = torch.Tensor


_INT32_LIMIT = 2**31
#: Types TF's `Range` op allows but registers no CPU kernel for.
_NO_CPU_KERNEL = frozenset({torch.int8, torch.int16, torch.uint16, torch.uint32, torch.uint64})


def _range_dtype(values: Sequence[Any]) -> torch.dtype:
    # TF infers the widest of int32 < int64 < float32 < float64 among the arguments.
    order = [torch.int32, torch.int64, torch.float32, torch.float64]
    best = torch.int32
    for value in values:
        if isinstance(value, _Tensor):
            found = value.dtype
        elif isinstance(value, (np.ndarray, np.generic)):
            found = convert_value(value).dtype
        elif isinstance(value, float):
            found = torch.float32
        elif type(value) is int and -_INT32_LIMIT <= value < _INT32_LIMIT:
            found = torch.int32  # (as `convert_value` would say, without a tensor)
        else:
            found = convert_value(value).dtype
        if found in order and order.index(found) > order.index(best):
            best = found
    return best


def range(
    start: Any,
    limit: Any = None,
    delta: Any = 1,
    dtype: Any = None,
    name: str = "range",
) -> torch.Tensor:
    """A 1-D tensor of numbers from `start` up to (not including) `limit` by `delta`.

    >>> import tftape_torch as tf
    >>> print(tf.range(1, 10, 3))
    tf.Tensor([1 4 7], shape=(3,), dtype=int32)
    >>> print(tf.range(3.0))
    tf.Tensor([0. 1. 2.], shape=(3,), dtype=float32)

    Raises:
      InvalidArgumentError: if `delta` is 0 or points away from `limit`.
    """
    if limit is None:
        start, limit = 0, start
    resolved = as_dtype(dtype) if dtype is not None else _range_dtype((start, limit, delta))
    if resolved == torch.bool:
        raise TypeError(f"Cannot convert {start} to EagerTensor of dtype bool")
    if resolved in _NO_CPU_KERNEL:
        raise NotFoundError(
            None, None, "Could not find device for node: {{node Range}} = Range"
            f"[Tidx=DT_{dtype_name(resolved).upper()}] [Op:Range]")
    if resolved.is_complex or resolved == torch.uint8:
        raise InvalidArgumentError(
            None, None, f"Value for attr 'Tidx' of {kernel_name(resolved)} is not in the list of "
            "allowed values: bfloat16, half, float, double, int8, int16, int32, int64, uint16, "
            "uint32, uint64 [Op:Range]")
    numbers = []
    for value in (start, limit, delta):
        if isinstance(value, _Tensor):
            with _DisableSubclass():
                value = value.item()
        numbers.append(value.item() if isinstance(value, np.generic) else value)
    first, last, step = numbers
    if step == 0:
        raise InvalidArgumentError(None, None, f"Requires delta != 0: {step} [Op:Range]")
    if step > 0 and first > last:
        raise InvalidArgumentError(
            None, None, f"Requires start <= limit when delta > 0: {first}/{last} [Op:Range]"
        )
    if step < 0 and first < last:
        raise InvalidArgumentError(
            None, None, f"Requires start >= limit when delta < 0: {first}/{last} [Op:Range]"
        )
    if resolved in INTEGER:
        first, last, step = int(first), int(last), int(step)
        count = (builtins.abs(last - first) + builtins.abs(step) - 1) // builtins.abs(step)
    else:
        # TF computes the length in the output dtype.
        np_dtype = np.float32 if resolved != torch.float64 else np.float64
        span = np.abs((np_dtype(last) - np_dtype(first)) / np_dtype(step))
        count = int(np.ceil(span))
    dev = current_device()
    if resolved in INTEGER:  # exact in integers: torch's own arange
        return fresh(torch.arange(first, first + count * step, step, dtype=resolved, device=dev))
    steps = torch.arange(count, dtype=resolved, device=dev)
    return fresh(steps * step + first if count else steps)


def _linspace(a: torch.Tensor, b: torch.Tensor, count: int, axis: int) -> torch.Tensor:
    # TF's formulation (math_ops.linspace_nd): start and stop kept exact, differentiable.
    a, b = torch.broadcast_tensors(a, b)
    ax = axis if axis >= 0 else a.dim() + 1 + axis
    a, b = a.unsqueeze(ax), b.unsqueeze(ax)
    delta = (b - a) / builtins.max(count - 1, 1)
    steps = [1] * a.dim()
    steps[ax] = builtins.max(count - 2, 0)
    middle = torch.arange(1, 1 + steps[ax], dtype=a.dtype, device=a.device).reshape(steps)
    joined = torch.cat([a, a + delta * middle, b], dim=ax)
    return torch.narrow(joined, ax, 0, count)


def linspace(
    start: Any, stop: Any, num: Any, name: Optional[str] = None, axis: int = 0
) -> torch.Tensor:
    """`num` evenly spaced values from `start` to `stop` (both included), along `axis`.

    `start` and `stop` may be tensors: the values then run along the new `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.linspace(0.0, 1.0, 5))
    tf.Tensor([0.   0.25 0.5  0.75 1.  ], shape=(5,), dtype=float32)
    """
    first, last = match_operands(start, stop, "LinSpace")
    if not (first.is_floating_point() or first.is_complex()):
        first, last = cast(first, float64), cast(last, float64)
    if isinstance(num, _Tensor):
        with _DisableSubclass():
            num = num.item()
    count = int(num)
    if count < 0:
        raise InvalidArgumentError(None, None, f"Requires num > 0: {count} [Op:LinSpace]")

    return call("LinSpace", _linspace, (first, last), first, last, count, int(axis))
