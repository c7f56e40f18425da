"""TF's arg-extrema and sorting: `argmax`, `argmin`, `sort`, `argsort`.

Exported at the top level of the drop-in namespace (the arg-extrema also as
`tf.math.*`). As TF's CPU kernels: an arg-extremum never picks a NaN (the first
extreme of the other values, else index 0), and sorting is TF's `top_k` order, NaNs
where TF puts them.

>>> import tftape_torch as tf
>>> print(tf.argmax(tf.constant([1.0, float("nan"), 3.0])), tf.sort([3, 1, 2]))
tf.Tensor(2, shape=(), dtype=int64) tf.Tensor([1 2 3], shape=(3,), dtype=int32)
"""

from __future__ import annotations

import builtins
from typing import Any, Optional

import torch

from tftape_torch._dtypes import as_dtype, int64
from tftape_torch._op_call import as_tensor, axis_arg, call, disallowed
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._topk_order import top_k_order
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)

__all__ = ["argmax", "argmin", "argsort", "sort"]



def _arg_extreme(
    op: str, fn: Any, input: Any, axis: Any, output_type: Any
) -> torch.Tensor:
    x = as_tensor(input)
    with _DisableSubclass():  # plain reads, not the drop-in tensor's methods
        complex_input, sizes = x.is_complex(), x.size()
    rank_ = len(sizes)
    if complex_input:
        raise disallowed(op, x.dtype, "float, double, int32, uint8, int16, int8, int64, bool")
    dim = 0 if axis is None else axis_arg(axis)
    if not isinstance(dim, int) or not -rank_ <= dim < rank_:
        raise _error(f"Expected dimension in the range [{-rank_}, {rank_}), but got {dim}", op)
    if sizes[dim] == 0:
        raise _error(
            f"Reduction axis {dim % rank_} is empty in shape [{','.join(map(str, sizes))}]", op
        )
    out_dtype = as_dtype(output_type)
    return call(op, _arg_body, (x,), fn, x, dim, out_dtype)


_INF = float("inf")
#: What a NaN becomes before `torch.argmax`/`argmin`: a value never picked over another.
_NAN_FILL = {torch.argmax: -_INF, torch.argmin: _INF}


def _arg_body(fn: Any, x: torch.Tensor, dim: int, out_dtype: torch.dtype) -> torch.Tensor:
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    elif x.is_floating_point():
        # TF's kernels never pick a NaN (no comparison with it holds): the first
        # extreme of the other values, else index 0. torch's take NaN as the extreme.
        x = torch.nan_to_num(x, _NAN_FILL[fn], _INF, -_INF)  # (infinities kept)
    out = fn(x, dim)
    return out if out_dtype is torch.int64 else out.to(out_dtype)


def argmax(
    input: Any, axis: Any = None, output_type: Any = int64, name: Optional[str] = None
) -> torch.Tensor:
    """The index of the largest value along `axis` (0 by default); the first one at a tie.

    >>> import tftape_torch as tf
    >>> print(tf.argmax(tf.constant([[1, 9], [5, 2]]), axis=1))
    tf.Tensor([1 0], shape=(2,), dtype=int64)

    Raises:
      InvalidArgumentError: for an axis out of range or of size 0.
    """
    return _arg_extreme("ArgMax", torch.argmax, input, axis, output_type)


def argmin(
    input: Any, axis: Any = None, output_type: Any = int64, name: Optional[str] = None
) -> torch.Tensor:
    """The index of the smallest value along `axis` (0 by default); the first one at a tie.

    >>> import tftape_torch as tf
    >>> print(tf.argmin(tf.constant([3.0, 1.0, 1.0])))
    tf.Tensor(1, shape=(), dtype=int64)
    """
    return _arg_extreme("ArgMin", torch.argmin, input, axis, output_type)


def _direction(direction: str) -> builtins.bool:
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(
            "Argument `direction` should be one of ASCENDING, DESCENDING. Received: "
            f"direction={direction}"
        )
    return direction == "DESCENDING"


def _order(x: torch.Tensor, dim: int, descending: builtins.bool) -> torch.Tensor:
    size = x.shape[dim] if x.dim() else 1
    if not (x.is_floating_point() and size > 1 and x.device.type == "cpu"
            and bool(torch.isnan(x).any())):
        return torch.sort(x, dim=dim, descending=descending, stable=True).indices
    # TF sorts by `top_k` of `x` (ascending: of `-x`), which places NaNs its own way
    # (NOTE: [TF's top-k order with NaNs] in `_topk_order`).
    keys = (x if descending else -x).movedim(dim, -1)
    order = top_k_order(keys.reshape(-1, size).tolist(), size, True)
    return torch.tensor(order, device=x.device).reshape(keys.shape).movedim(-1, dim)


def _sort(x: torch.Tensor, dim: int, descending: builtins.bool) -> torch.Tensor:
    return torch.gather(x, dim, _order(x, dim, descending))


def _argsort(x: torch.Tensor, dim: int, descending: builtins.bool) -> torch.Tensor:
    return _order(x, dim, descending).to(torch.int32)


def _sortable(x: torch.Tensor, descending: builtins.bool) -> None:
    """TF sorts with `top_k`, ascending of the negated values: no bool."""
    if x.dtype == torch.bool:
        if descending:
            raise disallowed("TopKV2", x.dtype, "float, double, int32, uint8, int16, int8, "
                             "int64, bfloat16, uint16, half, uint32, uint64")
        raise disallowed("Neg", x.dtype, "bfloat16, half, float, double, int8, int16, int32, "
                         "int64, complex64, complex128")


def _sort_axis(x: torch.Tensor, axis: Any) -> int:
    rank_ = x.dim()
    dim = axis_arg(axis)
    if rank_ == 0:
        raise ValueError(f"axis {dim} is out of bounds for a tensor of rank {rank_}")
    if not -rank_ <= dim < rank_:  # TF reads `shape[axis]`, a strided slice
        raise _error(f"slice index {dim + rank_ if dim < 0 else dim} of dimension 0 out of "
                     "bounds.", "StridedSlice")
    return int(dim)


def sort(
    values: Any, axis: Any = -1, direction: str = "ASCENDING", name: Optional[str] = None
) -> torch.Tensor:
    """Sorts a tensor along `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.sort([3, 1, 2], direction="DESCENDING"))
    tf.Tensor([3 2 1], shape=(3,), dtype=int32)

    Raises:
      ValueError: for an unknown `direction`.
    """
    descending = _direction(direction)
    x = as_tensor(values)
    _sortable(x, descending)
    return call("Sort", _sort, (x,), x, _sort_axis(x, axis), descending)


def argsort(
    values: Any,
    axis: Any = -1,
    direction: str = "ASCENDING",
    stable: builtins.bool = False,
    name: Optional[str] = None,
) -> torch.Tensor:
    """The int32 indices that sort `values` along `axis` (equal values keep their order).

    >>> import tftape_torch as tf
    >>> print(tf.argsort([3.0, 1.0, 2.0]))
    tf.Tensor([1 2 0], shape=(3,), dtype=int32)
    """
    descending = _direction(direction)
    x = as_tensor(values)
    _sortable(x, descending)
    return call("ArgSort", _argsort, (x,), x, _sort_axis(x, axis), descending)
