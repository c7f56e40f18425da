"""`tf.strided_slice`: TF's slicing op spelled with begin/end/strides lists and bit
masks, read into the index TF's `__getitem__` takes (see `_indexing`), so both give
the same values, errors and gradients.

>>> import tftape_torch as tf
>>> x = tf.reshape(tf.range(12), [3, 4])
>>> print(tf.strided_slice(x, [0, 3], [3, 0], [2, -1]))
tf.Tensor(
[[ 3  2  1]
 [11 10  9]], shape=(2, 3), dtype=int32)
"""

from __future__ import annotations

from typing import Any, List, Optional

import torch

from tftape_torch._indexing import parse
from tftape_torch._op_call import as_tensor
from tftape_torch._tensor import sliced
from tftape_torch._torch_internals import DisableTorchFunctionSubclass as _DisableSubclass
from tftape_torch._variable import ResourceVariable
from tftape_torch.errors import InvalidArgumentError

__all__ = ["strided_slice"]


def _ints(value: Any, what: str) -> List[int]:
    """`begin`, `end` or `strides`: a vector of int32 or int64 (TF's `Index` type)."""
    t = as_tensor(value)
    with _DisableSubclass():
        if t.dtype not in (torch.int32, torch.int64) or t.dim() != 1:
            raise InvalidArgumentError(
                None, None, f"{what} must be a vector of int32 or int64, got "
                f"{list(t.shape)} of {t.dtype} [Op:StridedSlice]")
        return [int(v) for v in t.tolist()]


def strided_slice(input_: Any, begin: Any, end: Any, strides: Any = None,
                  begin_mask: int = 0, end_mask: int = 0, ellipsis_mask: int = 0,
                  new_axis_mask: int = 0, shrink_axis_mask: int = 0, var: Any = None,
                  name: Optional[str] = None) -> torch.Tensor:
    """`input_[begin:end:strides]`, one entry per dimension: bit `i` of `begin_mask`
    (`end_mask`) ignores `begin[i]` (`end[i]`), of `ellipsis_mask` makes entry `i` an
    `...`, of `new_axis_mask` a `tf.newaxis`, of `shrink_axis_mask` the single index
    `begin[i]` (dropping that dimension).

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(6), [2, 3])
    >>> print(tf.strided_slice(x, [0, 1], [0, 3], shrink_axis_mask=1))
    tf.Tensor([1 2], shape=(2,), dtype=int32)

    Raises:
      InvalidArgumentError: for `begin`, `end` and `strides` of different lengths, and
        as `__getitem__` (a zero stride, an index out of range...).
    """
    starts, stops = _ints(begin, "begin"), _ints(end, "end")
    steps = [1] * len(starts) if strides is None else _ints(strides, "strides")
    kinds = {as_tensor(v).dtype for v in (begin, end, strides) if v is not None}
    if len(kinds) > 1:
        raise InvalidArgumentError(
            None, None, "begin, end and strides must have one dtype [Op:StridedSlice]")
    if not len(starts) == len(stops) == len(steps):
        raise InvalidArgumentError(
            None, None, "Expected begin, end, and strides to be 1D equal size tensors, but "
            f"got shapes [{len(starts)}], [{len(stops)}], and [{len(steps)}] instead. "
            "[Op:StridedSlice]")
    spec: List[Any] = []
    for i, (start, stop, step) in enumerate(zip(starts, stops, steps)):
        bit = 1 << i
        if ellipsis_mask & bit:
            spec.append(Ellipsis)
        elif new_axis_mask & bit:
            spec.append(None)
        elif shrink_axis_mask & bit:
            spec.append(start)
        else:
            spec.append(slice(None if begin_mask & bit else start,
                              None if end_mask & bit else stop, step))
    if isinstance(input_, ResourceVariable):
        value = input_.read_for_op()
    else:
        value = as_tensor(input_)
    with _DisableSubclass():
        slicing = parse(tuple(spec), value.size())
    return sliced(value, slicing)
