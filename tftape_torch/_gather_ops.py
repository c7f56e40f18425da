"""TF's selection ops: gathers, scatters, masks, `unique`, `searchsorted`.

`gather`, `gather_nd`, `scatter_nd`, `boolean_mask` and their kin, exported at the
top level of the drop-in namespace (the arg-extrema and sorting are `_sort_ops`).
Indices are checked as TF's CPU kernels check them (out of range,
negative: `InvalidArgumentError`), where torch would wrap or read out of bounds.

The gradient of a row `gather` (axis 0, no batch dimensions) with respect to its
`params` is a `tf.IndexedSlices`, as in TF (NOTE: [Sparse gradients] in
`_indexed_slices`).

>>> import tftape_torch as tf
>>> print(tf.gather(tf.constant([10, 20, 30]), [2, 0]))
tf.Tensor([30 10], shape=(2,), dtype=int32)
"""

from __future__ import annotations

import builtins
import collections
import math as _math
from typing import Any, List, Optional, Tuple

import torch

from tftape_torch._dtypes import as_dtype, dtype_name
from tftape_torch._indexed_slices import note_sparse_gradient
from tftape_torch._kernels import stitch
from tftape_torch._op_call import (
    as_tensor,
    axis_arg,
    call,
    call_inline,
    shape_arg,
)
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._recorded_ops import unregistered_gradient
from tftape_torch._scatter_extreme import scatter_extreme
from tftape_torch._tensor import EagerTensor, as_eager, dtype_mismatch
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    TensorBase as _Base,
)
from tftape_torch._torch_internals import (
    dtype_of as _DTYPE_GET,
)
from tftape_torch._torch_internals import functorch_transforms_active, is_cpu_of
from tftape_torch._variable_scatter import GATHER_OPS
from tftape_torch.errors import InvalidArgumentError

_Tensor = torch.Tensor

__all__ = [
    "boolean_mask",
    "dynamic_partition",
    "dynamic_stitch",
    "gather",
    "gather_nd",
    "scatter_nd",
    "searchsorted",
    "tensor_scatter_nd_add",
    "tensor_scatter_nd_max",
    "tensor_scatter_nd_min",
    "tensor_scatter_nd_sub",
    "tensor_scatter_nd_update",
    "unique",
    "unique_with_counts",
]

_INDEX_TYPES = (torch.int16, torch.int32, torch.int64)
_INLINE_INDEX_TYPES = frozenset({torch.int32, torch.int64})


def _index_input(indices: Any, op: str) -> torch.Tensor:
    idx = as_tensor(indices)
    if idx.dtype not in _INDEX_TYPES:
        raise InvalidArgumentError(
            None,
            None,
            f"Value for attr 'Tindices' of {dtype_name(idx.dtype)} is not in the list of allowed "
            f"values: int16, int32, int64 [Op:{op}]",
        )
    return idx


def _position(flat: int, shape: Tuple[int, ...]) -> str:
    coords = []
    for size in reversed(shape):
        coords.append(flat % size if size else 0)
        flat = flat // size if size else 0
    return ",".join(str(c) for c in reversed(coords))


def _check_range(idx: torch.Tensor, limit: int, op: str) -> None:
    """TF's CPU check: every index in `[0, limit)`."""
    with _DisableSubclass():
        if idx.numel() == 0:
            return
        low, high = torch.aminmax(idx)  # one pass over the indices
        if int(low) >= 0 and int(high) < limit:
            return
        bad = torch.logical_or(idx < 0, idx >= limit)
        flat = int(torch.nonzero(bad.reshape(-1))[0, 0])
        value = int(idx.reshape(-1)[flat])
        shape = tuple(idx.shape)
    raise _error(f"indices[{_position(flat, shape)}] = {value} is not in [0, {limit})", op)


# ---------------------------------------------------------------------------
# Gathers


def _note_rows(idx: torch.Tensor, dims: List[int], shape_dtype: torch.dtype) -> Any:
    """A backward hook noting the gradient of a row gather as slices (see module doc).

    A jacobian's batched pass (a functorch transform) skips it: its gradients are
    never handed back as slices.
    """

    def hook(grad_inputs: Any, grad_outputs: Any) -> None:
        dense, values = grad_inputs[0], grad_outputs[0]
        if dense is not None and values is not None and not functorch_transforms_active():
            note_sparse_gradient(dense, values, idx, dims, shape_dtype)

    return hook


def _gather_rows(
    params: torch.Tensor, idx: torch.Tensor, axis: int, sparse: bool,
    shape_dtype: torch.dtype = torch.int32
) -> torch.Tensor:
    """`params` at `idx` along `axis` (in range); with `sparse`, the gradient with
    respect to `params` is TF's `IndexedSlices` (NOTE: [Sparse gradients]): TF's
    `GatherV2` gradient is sparse only where the axis it was given is 0 itself, not
    a negative axis naming the same dimension."""
    # (torch functions are off here: `size()` is torch's, not the `TensorShape` property)
    vector = idx.dim() == 1
    flat = idx if vector else idx.reshape(-1)
    # torch selects by int32 or int64 indices; TF's int16 ones keep their dtype in
    # the gradient's slices.
    picked = torch.index_select(
        params, axis, flat if flat.dtype != torch.int16 else flat.to(torch.int32)
    )
    sizes = params.size()
    if sparse and picked.grad_fn is not None:
        picked.grad_fn.register_hook(_note_rows(flat, list(sizes), shape_dtype))
    if vector:
        return picked  # already `sizes[:axis] + idx.shape + sizes[axis + 1:]`
    return picked.reshape(list(sizes[:axis]) + list(idx.size()) + list(sizes[axis + 1:]))


def _gather_inline(params: torch.Tensor, idx: torch.Tensor, axis: int) -> Optional[torch.Tensor]:
    """`gather`'s common call (`_op_call.call_inline`): int32/int64 indices on the CPU,
    whose range torch's kernel checks (`call` turns its error into TF's), something to
    gather from."""
    rank_ = _Base.dim(params)  # (torch functions are off here)
    if (-rank_ <= axis < rank_ and _DTYPE_GET(idx) in _INLINE_INDEX_TYPES and is_cpu_of(idx)
            and _Base.numel(params)):
        return _gather_rows(params, idx, axis % rank_, axis == 0)
    return None


def _nothing_gathered(params: torch.Tensor, shape: List[int]) -> torch.Tensor:
    """An empty gather result of `shape`, differentiable in `params` (zeros)."""
    return params.reshape(-1)[:0].reshape(shape)


def _gather_batched(
    params: torch.Tensor, idx: torch.Tensor, axis: int, batch_dims: int
) -> torch.Tensor:
    lead = list(params.shape[:axis])
    batch = _math.prod(params.shape[:batch_dims])
    middle = _math.prod(params.shape[batch_dims:axis])
    rest = list(params.shape[axis + 1:])
    width = _math.prod(rest)
    count = _math.prod(idx.shape[batch_dims:])
    source = params.reshape(batch, middle, params.shape[axis], width)
    where = idx.to(torch.int64).reshape(batch, 1, count, 1).expand(batch, middle, count, width)
    out = torch.gather(source, 2, where)
    return out.reshape(lead + list(idx.shape[batch_dims:]) + rest)


def gather(
    params: Any,
    indices: Any,
    validate_indices: Any = None,
    axis: Any = None,
    batch_dims: int = 0,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Gathers slices of `params` along `axis` at `indices`.

    The result has shape `params.shape[:axis] + indices.shape[batch_dims:] +
    params.shape[axis + 1:]`. The gradient of a gather along axis 0 (no batch
    dimensions) with respect to `params` is a `tf.IndexedSlices`, as in TF.

    >>> import tftape_torch as tf
    >>> params = tf.constant([[1, 2, 3], [4, 5, 6]])
    >>> print(tf.gather(params, [2, 0], axis=1))
    tf.Tensor(
    [[3 1]
     [6 4]], shape=(2, 2), dtype=int32)

    Raises:
      InvalidArgumentError: for non-integer or out-of-range `indices`, or an `axis`
        or `batch_dims` out of range.
    """
    kind = type(indices)
    if ((kind is EagerTensor or kind is _Tensor) and (axis is None or type(axis) is int)
            and type(batch_dims) is int and not batch_dims):  # (`_op_call.call_inline`)
        result = call_inline(_gather_inline, (params,), params, indices,
                             0 if axis is None else axis)
        if result is not None:
            return result
    x = as_tensor(params)
    idx = _index_input(indices, "GatherV2")
    with _DisableSubclass():
        sizes, idx_sizes, idx_on_cpu = x.size(), idx.size(), idx.is_cpu
    rank_, idx_rank = len(sizes), len(idx_sizes)
    batch = int(batch_dims)
    # TF's `axis` defaults to `batch_dims` as given: -1 is the params' last axis.
    dim = batch if axis is None else axis_arg(axis)
    if batch < 0:
        batch += idx_rank
    if rank_ == 0:
        raise _error("params must be at least 1 dimensional", "GatherV2")
    if not isinstance(dim, int) or not -rank_ <= dim < builtins.max(rank_, 1):
        raise _error(f"Expected axis in the range [{-rank_}, {rank_}), but got {dim}", "GatherV2")
    sparse = dim == 0  # (as given: TF's gradient of axis -rank is dense)
    dim %= builtins.max(rank_, 1)
    if not 0 <= batch <= idx_rank or batch > dim:
        raise _error(
            f"batch_dims ({batch}) must be less than or equal to rank(indices) ({idx_rank}) "
            f"and to axis ({dim})",
            "GatherV2",
        )
    for d in builtins.range(batch):
        if sizes[d] != idx_sizes[d]:
            raise _error(
                f"params.shape[{d}]: {sizes[d]} should be equal to indices.shape[{d}]: "
                f"{idx_sizes[d]}",
                "GatherV2",
            )
    if _math.prod(idx_sizes[batch:]) and not (_math.prod(sizes[:dim]) and
                                              _math.prod(sizes[dim + 1:])):
        # Nothing to gather (an empty outer or inner part): TF checks no index.
        shape = list(sizes[:dim]) + list(idx_sizes[batch:]) + list(sizes[dim + 1:])
        return call("GatherV2", _nothing_gathered, (x,), x, shape)
    if not idx_on_cpu:
        _check_range(idx, sizes[dim], "GatherV2")
    try:
        if batch == 0:
            return call("GatherV2", _gather_rows, (x, idx), x, idx, dim, sparse)
        return call("GatherV2", _gather_batched, (x, idx), x, idx, dim, batch)
    except InvalidArgumentError as error:
        failure = error
    # On CPU torch's kernels check the range (TF's CPU kernel raises too): TF's
    # message names the first index out of it.
    _check_range(idx, sizes[dim], "GatherV2")
    raise failure


def _gather_nd(params: torch.Tensor, idx: torch.Tensor, batch: int) -> torch.Tensor:
    depth = idx.shape[-1]
    points = idx.shape[:-1]
    keys: List[torch.Tensor] = []
    for d in builtins.range(batch):
        shape = [1] * len(points)
        shape[d] = params.shape[d]
        keys.append(torch.arange(params.shape[d], device=idx.device).reshape(shape))
    keys.extend(idx[..., k].to(torch.int64) for k in builtins.range(depth))
    if not keys:
        return params.clone()
    return params[tuple(keys)]


def gather_nd(
    params: Any, indices: Any, batch_dims: int = 0, name: Optional[str] = None
) -> torch.Tensor:
    """Gathers slices of `params` at the N-dimensional `indices` (last axis: coordinates).

    >>> import tftape_torch as tf
    >>> print(tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[1, 0], [0, 1]]))
    tf.Tensor([3 2], shape=(2,), dtype=int32)

    For 2-D `indices` of single coordinates (whole rows), the gradient with respect to
    `params` is a `tf.IndexedSlices`, as in TF.

    Raises:
      InvalidArgumentError: for non-integer indices, or coordinates outside `params`.
    """
    x = as_tensor(params)
    idx = _index_input(indices, "GatherNd")
    batch = int(batch_dims)
    if idx.dim() == 0:
        raise _error("indices must be at least a vector", "GatherNd")
    depth = idx.shape[-1]
    if depth > x.dim() - batch:
        raise _error(
            f"index innermost dimension length must be <= params rank; saw: {depth} vs. "
            f"{x.dim() - batch}",
            "GatherNd",
        )
    _check_coordinates(idx, list(x.shape[batch:batch + depth]), list(x.shape), "GatherNd")
    if batch == 0 and idx.dim() == 2 and depth == 1:
        # Rows: TF's gradient is then IndexedSlices (with a dense shape of idx's dtype).
        rows = call("Squeeze", torch.squeeze, (idx,), idx, -1)
        return call("GatherNd", _gather_rows, (x, rows), x, rows, 0, True, rows.dtype)
    return call("GatherNd", _gather_nd, (x, idx), x, idx, batch)


def _check_coordinates(idx: torch.Tensor, limits: List[int], shape: List[int], op: str) -> None:
    if not limits:
        return
    with _DisableSubclass():
        top = torch.tensor(limits, dtype=idx.dtype, device=idx.device)
        bad = torch.logical_or(idx < 0, idx >= top).any(-1).reshape(-1)
        if not builtins.bool(bad.any()):
            return
        first = int(torch.nonzero(bad)[0, 0])
        point = idx.reshape(-1, len(limits))[first].tolist()
    where = ", ".join(str(p) for p in point)
    dims = ",".join(str(s) for s in shape)
    what = "params shape" if op == "GatherNd" else "shape"
    raise _error(f"indices[{first}] = [{where}] does not index into {what} [{dims}]", op)


def _scatter_nd(idx: torch.Tensor, updates: torch.Tensor, dims: List[int]) -> torch.Tensor:
    out = torch.zeros(dims, dtype=updates.dtype, device=updates.device)
    keys = tuple(idx[..., k].to(torch.int64) for k in builtins.range(idx.shape[-1]))
    return torch.index_put(out, keys, updates, accumulate=True)


def scatter_nd(indices: Any, updates: Any, shape: Any, name: Optional[str] = None) -> torch.Tensor:
    """A tensor of zeros of `shape` with `updates` added at `indices` (repeats add up).

    >>> import tftape_torch as tf
    >>> print(tf.scatter_nd([[1], [3], [1]], [1.0, 2.0, 3.0], [4]))
    tf.Tensor([0. 4. 0. 2.], shape=(4,), dtype=float32)

    Raises:
      InvalidArgumentError: for out-of-range indices or mismatched shapes.
    """
    idx = _index_input(indices, "ScatterNd")
    values = as_tensor(updates)
    dims = shape_arg(shape, "ScatterNd")
    _check_scatter(idx, values, dims, "ScatterNd")
    return call("ScatterNd", _scatter_nd, (idx, values), idx, values, dims)


def _check_scatter(idx: torch.Tensor, values: torch.Tensor, dims: List[int], op: str) -> None:
    """TF's checks of a scatter into `dims`: `updates` shaped by `indices`, in range."""
    if idx.dim() == 0:
        raise _error("Indices must be at least a vector", op)
    depth = idx.shape[-1]
    expected = list(idx.shape[:-1]) + dims[depth:]
    if depth > len(dims) or list(values.shape) != expected:
        raise _error(
            f"Dimensions [0,{idx.dim() - 1}) of indices[shape={list(idx.shape)}] = "
            f"{list(idx.shape[:-1])} must match dimensions [0,{idx.dim() - 1}) of "
            f"updates[shape={list(values.shape)}]", op,
        )
    _check_coordinates(idx, dims[:depth], dims, op)


def _scatter_into(tensor: torch.Tensor, idx: torch.Tensor, updates: torch.Tensor,
                  mode: str) -> torch.Tensor:
    keys = tuple(idx[..., k].to(torch.int64) for k in builtins.range(idx.shape[-1]))
    if mode == "update":
        return torch.index_put(tensor, keys, updates)
    if mode == "add":
        return torch.index_put(tensor, keys, updates, accumulate=True)
    if mode == "sub":
        return torch.index_put(tensor, keys, -updates, accumulate=True)
    flat_keys = torch.zeros(idx.shape[:-1], dtype=torch.int64, device=idx.device)
    for k, key in enumerate(keys):  # row-major position of each indexed slice
        flat_keys = flat_keys * tensor.shape[k] + key
    depth = idx.shape[-1]
    rows = tensor.reshape((-1,) + tuple(tensor.shape[depth:]))
    values = updates.reshape((-1,) + tuple(tensor.shape[depth:]))
    index = flat_keys.reshape(-1).reshape((-1,) + (1,) * (rows.dim() - 1)).expand_as(values)
    return scatter_extreme(rows, index, values, mode == "max").reshape(tensor.shape)


def _tensor_scatter(mode: str, op: str) -> Any:
    def scatter(tensor: Any, indices: Any, updates: Any, name: Optional[str] = None
                ) -> torch.Tensor:
        x = as_tensor(tensor)
        idx = _index_input(indices, op)
        values = as_tensor(updates, x.dtype)
        _check_scatter(idx, values, list(x.shape), op)
        return call(op, _scatter_into, (x, idx, values), x, idx, values, mode)

    return scatter


tensor_scatter_nd_update = _tensor_scatter("update", "TensorScatterUpdate")
tensor_scatter_nd_add = _tensor_scatter("add", "TensorScatterAdd")
tensor_scatter_nd_sub = _tensor_scatter("sub", "TensorScatterSub")
tensor_scatter_nd_max = _tensor_scatter("max", "TensorScatterMax")
tensor_scatter_nd_min = _tensor_scatter("min", "TensorScatterMin")
for _fn, _name, _what in (
    (tensor_scatter_nd_update, "tensor_scatter_nd_update", "replaced by"),
    (tensor_scatter_nd_add, "tensor_scatter_nd_add", "plus"),
    (tensor_scatter_nd_sub, "tensor_scatter_nd_sub", "minus"),
    (tensor_scatter_nd_max, "tensor_scatter_nd_max", "the larger of it and"),
    (tensor_scatter_nd_min, "tensor_scatter_nd_min", "the smaller of it and"),
):
    _fn.__name__ = _fn.__qualname__ = _name
    _fn.__doc__ = (
        f"A copy of `tensor` with each slice at `indices` {_what} `updates` (TF's\n"
        "    `tensor_scatter_nd_*`; repeated indices accumulate for add and sub).\n\n"
        "    Raises:\n      InvalidArgumentError: for out-of-range indices or mismatched "
        "shapes.\n    "
    )


def _searchsorted(sorted_sequence: torch.Tensor, values: torch.Tensor, right: builtins.bool,
                  out_dtype: torch.dtype) -> torch.Tensor:
    seq, vals = sorted_sequence.contiguous(), values.contiguous()
    if right or seq.device.type != "cpu" or not (torch.isnan(seq).any()
                                                  or torch.isnan(vals).any()):
        return torch.searchsorted(seq, vals, right=right).to(out_dtype)
    # NOTE: TF's `std::lower_bound` goes right where `seq[mid] < value`; torch's where
    # `!(seq[mid] >= value)`: they probe alike but part at NaNs. (Upper bounds agree.)
    first = torch.zeros(vals.shape, dtype=torch.int64, device=vals.device)
    length = torch.full_like(first, seq.shape[-1])
    for _ in builtins.range(seq.shape[-1].bit_length()):
        half = length // 2
        probe = torch.gather(seq, -1, (first + half).clamp(max=seq.shape[-1] - 1))
        step = (probe < vals) & (length > 0)
        first = torch.where(step, first + half + 1, first)
        length = torch.where(step, length - half - 1, half)
    return first.to(out_dtype)


def searchsorted(sorted_sequence: Any, values: Any, side: str = "left",
                 out_type: Any = torch.int32, name: Optional[str] = None) -> torch.Tensor:
    """Where each of `values` would go in the innermost dimension of `sorted_sequence`.

    >>> import tftape_torch as tf
    >>> print(tf.searchsorted(tf.constant([1.0, 3.0, 5.0]), tf.constant([2.0, 5.0])))
    tf.Tensor([1 2], shape=(2,), dtype=int32)

    Raises:
      ValueError: `side` is neither "left" nor "right".
      InvalidArgumentError: for `values` of another dtype than `sorted_sequence`.
    """
    if side not in ("left", "right"):
        raise ValueError(f"side must be either 'right' or 'left'.  Saw: {side}.")
    seq, vals = as_tensor(sorted_sequence), as_tensor(values)
    op = "LowerBound" if side == "left" else "UpperBound"
    if vals.dtype != seq.dtype:  # TF converts each on its own and then compares
        raise dtype_mismatch(op, seq.dtype, vals.dtype)
    return call(op, _searchsorted, (seq, vals), seq, vals, side == "right", as_dtype(out_type))


Unique = collections.namedtuple("Unique", ["y", "idx"])
Unique.__doc__ = "What `tf.unique` returns: the distinct values `y` and `idx`."


def _unique(x: torch.Tensor, out_dtype: torch.dtype) -> Tuple[torch.Tensor, torch.Tensor]:
    values, inverse = torch.unique(x, sorted=True, return_inverse=True)
    positions = torch.arange(x.numel(), device=x.device)
    first = torch.full((values.numel(),), x.numel(), dtype=torch.int64, device=x.device)
    first = first.scatter_reduce(0, inverse, positions, "amin")
    order = torch.argsort(first)  # unique values by first occurrence, as TF lists them
    rank = torch.empty_like(order)
    rank[order] = torch.arange(order.numel(), device=x.device)
    return values[order], rank[inverse].to(out_dtype)


def unique(x: Any, out_idx: Any = torch.int32, name: Optional[str] = None) -> Any:
    """The distinct values of a vector `x` in order of first appearance, and for each
    element of `x` the index of its value among them: `(y, idx)`, as TF's `Unique`.

    >>> import tftape_torch as tf
    >>> y, idx = tf.unique(tf.constant([3, 1, 3, 2, 1]))
    >>> print(y, idx)
    tf.Tensor([3 1 2], shape=(3,), dtype=int32) tf.Tensor([0 1 0 2 1], shape=(5,), dtype=int32)

    Raises:
      InvalidArgumentError: `x` is not a vector.
    """
    t = as_tensor(x)
    if t.dim() != 1:
        raise _error("unique expects a 1D vector.", "Unique")
    with _DisableSubclass():
        with torch.no_grad():
            y, idx = _unique(t, as_dtype(out_idx))
        # TF records `Unique` but has no gradient for it: asking raises LookupError.
        y = unregistered_gradient("Unique", _values_of)(y, t)
    return Unique(as_eager(y), as_eager(idx))


def _values_of(values: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
    return values


UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])
UniqueWithCounts.__doc__ = ("What `tf.unique_with_counts` returns: the distinct values `y`, "
                            "`idx`, and how often each value occurs, `count`.")


def unique_with_counts(x: Any, out_idx: Any = torch.int32, name: Optional[str] = None) -> Any:
    """`tf.unique`, and how many times each distinct value occurs in `x` (`count`, of
    dtype `out_idx`).

    >>> import tftape_torch as tf
    >>> y, idx, count = tf.unique_with_counts(tf.constant([3, 1, 3, 2, 1, 3]))
    >>> print(y, count)
    tf.Tensor([3 1 2], shape=(3,), dtype=int32) tf.Tensor([3 2 1], shape=(3,), dtype=int32)

    Raises:
      InvalidArgumentError: `x` is not a vector.
    """
    t = as_tensor(x)
    if t.dim() != 1:
        raise _error("unique expects a 1D vector.", "UniqueWithCounts")
    if as_dtype(out_idx) not in (torch.int32, torch.int64):
        raise _error(f"Value for attr 'out_idx' of {dtype_name(as_dtype(out_idx))} is not in "
                     "the list of allowed values: int32, int64", "UniqueWithCounts")
    y, idx = unique(t, out_idx)
    with _DisableSubclass():
        count = torch.bincount(idx.long(), minlength=y.shape[0]).to(idx.dtype)
    return UniqueWithCounts(y, idx, as_eager(count))


def _partition(x: torch.Tensor, flat: torch.Tensor, rank: int, part: int) -> torch.Tensor:
    rows = x.reshape((-1,) + tuple(x.shape[rank:]))
    return rows[flat == part]


def dynamic_partition(data: Any, partitions: Any, num_partitions: int,
                      name: Optional[str] = None) -> List[torch.Tensor]:
    """Splits `data` into `num_partitions` tensors: output `i` holds, in order, the
    entries whose `partitions` value is `i` (`partitions` shaped like a prefix of
    `data`'s shape).

    >>> import tftape_torch as tf
    >>> parts = tf.dynamic_partition(tf.constant([10, 20, 30, 40]), [1, 0, 1, 1], 2)
    >>> print(parts[0], parts[1])
    tf.Tensor([20], shape=(1,), dtype=int32) tf.Tensor([10 30 40], shape=(3,), dtype=int32)

    Raises:
      InvalidArgumentError: for `partitions` not int32, not a prefix of `data`'s shape,
        or with a value outside `[0, num_partitions)`.
    """
    x = as_tensor(data)
    p = as_tensor(partitions)
    if p.dtype != torch.int32:
        raise _error(f"cannot compute DynamicPartition as input #1(zero-based) was expected "
                     f"to be a int32 tensor but is a {dtype_name(p.dtype)} tensor",
                     "DynamicPartition")
    count = int(num_partitions)
    with _DisableSubclass():
        sizes, p_sizes = x.size(), p.size()
    if tuple(sizes[:len(p_sizes)]) != tuple(p_sizes):
        raise _error(f"data.shape must start with partitions.shape, got data.shape = "
                     f"{list(sizes)}, partitions.shape = {list(p_sizes)}", "DynamicPartition")
    with _DisableSubclass():
        flat = p.reshape(-1)
        bad = torch.nonzero((flat < 0) | (flat >= count)).reshape(-1)
        if bad.numel():
            first = int(bad[0])
            raise _error(f"partitions[{_position(first, tuple(p_sizes))}] = {int(flat[first])} "
                         f"is not in [0, {count})", "DynamicPartition")
    return [call("DynamicPartition", _partition, (x,), x, flat, len(p_sizes), part)
            for part in builtins.range(count)]


def dynamic_stitch(indices: Any, data: Any, name: Optional[str] = None) -> torch.Tensor:
    """Interleaves `data` into one tensor: `merged[indices[m][i]] = data[m][i]`, a later
    `m` winning a repeated index, rows no index names left 0. TF's gradient reaches
    every value, the overridden ones too.

    >>> import tftape_torch as tf
    >>> print(tf.dynamic_stitch([[0, 2], [1]], [[1.0, 3.0], [2.0]]))
    tf.Tensor([1. 2. 3.], shape=(3,), dtype=float32)

    Raises:
      InvalidArgumentError: for indices not int32 or negative, or data whose shapes do
        not extend their indices' by one common shape.
    """
    idx = [as_tensor(i) for i in indices]
    values = [as_tensor(d) for d in data]
    if len(idx) != len(values) or not values:
        raise ValueError(f"List argument 'indices' and 'data' to 'DynamicStitch' Op must have "
                         f"the same non-zero length; got {len(idx)} and {len(values)}")
    dtype = values[0].dtype
    for i, v in zip(idx, values):
        if i.dtype != torch.int32:
            raise _error(f"cannot compute DynamicStitch as input #0(zero-based) was expected "
                         f"to be a int32 tensor but is a {dtype_name(i.dtype)} tensor",
                         "DynamicStitch")
        if v.dtype != dtype:
            raise _error(f"cannot compute DynamicStitch as input #{len(idx)}(zero-based) was "
                         f"expected to be a {dtype_name(dtype)} tensor but is a "
                         f"{dtype_name(v.dtype)} tensor", "DynamicStitch")
    with _DisableSubclass():
        shapes = [(tuple(i.size()), tuple(v.size())) for i, v in zip(idx, values)]
        tail = shapes[0][1][len(shapes[0][0]):]
        for m, (i_shape, v_shape) in enumerate(shapes):
            if v_shape != i_shape + tail:
                raise _error(f"data[{m}].shape = {list(v_shape)} does not start with "
                             f"indices[{m}].shape = {list(i_shape)}, or its remainder is "
                             f"not {list(tail)}", "DynamicStitch")
        flat = torch.cat([i.reshape(-1) for i in idx]).to(torch.int64)
        low, high = (int(flat.min()), int(flat.max())) if flat.numel() else (0, -1)
    if low < 0:
        raise _error(f"indices contains a negative value: {low}", "DynamicStitch")
    counts = tuple(_math.prod(i_shape) for i_shape, _ in shapes)
    return call("DynamicStitch", stitch, tuple(values), flat, high + 1, tail, counts, *values)


def _boolean_mask(x: torch.Tensor, mask: torch.Tensor, axis: int) -> torch.Tensor:
    k = mask.dim()
    merged = list(x.shape[:axis]) + [mask.numel()] + list(x.shape[axis + k:])
    keep = torch.nonzero(mask.reshape(-1)).reshape(-1)
    return torch.index_select(x.reshape(merged), axis, keep)


def boolean_mask(
    tensor: Any, mask: Any, axis: Any = None, name: str = "boolean_mask"
) -> torch.Tensor:
    """The entries of `tensor` where the boolean `mask` (over dims `axis...`) is True.

    >>> import tftape_torch as tf
    >>> print(tf.boolean_mask(tf.constant([[1, 2], [3, 4], [5, 6]]), [True, False, True]))
    tf.Tensor(
    [[1 2]
     [5 6]], shape=(2, 2), dtype=int32)

    Raises:
      ValueError: if `mask` is a scalar, or its shape does not match `tensor`'s.
    """
    x = as_tensor(tensor)
    m = as_tensor(mask)  # any dtype, as TF's: its nonzero entries select
    if m.dim() == 0:
        raise ValueError("mask cannot be scalar.")
    dim = 0 if axis is None else axis_arg(axis)
    dim = dim % builtins.max(x.dim(), 1) if dim < 0 else dim
    piece = tuple(x.shape[dim:dim + m.dim()])
    if piece != tuple(m.shape):
        raise ValueError(f"Shapes {TensorShape(piece)} and {TensorShape(m.shape)} are incompatible")
    return call("BooleanMask", _boolean_mask, (x, m), x, m, dim)


GATHER_OPS.update(gather=gather, gather_nd=gather_nd)  # `Variable.sparse_read`, `gather_nd`
