"""TF's scans, sorting, segment sums and sums of many: `cumsum`, `top_k`, `add_n`...

Public as `tf.math.*` and, for the names TF also exports there, at the top level.

>>> import tftape_torch as tf
>>> print(tf.cumsum(tf.constant([1, 2, 3])))
tf.Tensor([1 3 6], shape=(3,), dtype=int32)
"""

from __future__ import annotations

import builtins
import collections
from typing import Any, List, Optional, Sequence, Tuple

import torch

from tftape_torch import _kernels, _logsumexp_scan
from tftape_torch._array_ops import identity, zeros_like
from tftape_torch._dtypes import INTEGER, as_dtype, dtype_name, kernel_name
from tftape_torch._math_ops import add, multiply
from tftape_torch._op_call import as_tensor, call, disallowed, float_input, number_input
from tftape_torch._recorded_ops import unregistered_gradient
from tftape_torch._segment_extreme import segment_extreme
from tftape_torch._tensor import EagerTensor
from tftape_torch._topk_order import top_k_order
from tftape_torch._torch_internals import DisableTorchFunctionSubclass as _DisableSubclass
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "accumulate_n",
    "TopKV2",
    "add_n",
    "bincount",
    "confusion_matrix",
    "cumprod",
    "cumsum",
    "cumulative_logsumexp",
    "in_top_k",
    "invert_permutation",
    "is_non_decreasing",
    "is_strictly_increasing",
    "polyval",
    "segment_max",
    "segment_mean",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "top_k",
    "unsorted_segment_max",
    "unsorted_segment_mean",
    "unsorted_segment_min",
    "unsorted_segment_prod",
    "unsorted_segment_sqrt_n",
    "unsorted_segment_sum",
    "zero_fraction",
]

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])
TopKV2.__doc__ = "What `tf.math.top_k` returns: `values` and their `indices`."


def _axis_of(x: torch.Tensor, axis: Any, op: str) -> int:
    a = int(axis.item()) if isinstance(axis, torch.Tensor) else int(axis)
    rank = x.dim()
    if not -rank <= a < rank:
        raise InvalidArgumentError(
            None, None, f"Expected scan axis in the range [{-rank}, {rank}), but got {a} "
            f"[Op:{op}]"
        )
    return a % rank


def cumsum(
    x: Any,
    axis: Any = 0,
    exclusive: builtins.bool = False,
    reverse: builtins.bool = False,
    name: Optional[str] = None,
) -> torch.Tensor:
    """The cumulative sum of `x` along `axis`.

    `exclusive=True` leaves each element out of its own sum; `reverse=True` sums
    from the end.

    >>> import tftape_torch as tf
    >>> x = tf.constant([1.0, 2.0, 3.0])
    >>> print(tf.cumsum(x, exclusive=True), tf.cumsum(x, reverse=True))
    tf.Tensor([0. 1. 3.], shape=(3,), dtype=float32)
    tf.Tensor([6. 5. 3.], shape=(3,), dtype=float32)

    Raises:
      InvalidArgumentError: if `axis` is out of range.
    """
    t = number_input(x, "Cumsum")
    a = _axis_of(t, axis, "Cumsum")
    flags = (builtins.bool(exclusive), builtins.bool(reverse))
    return call("Cumsum", _kernels.scan, (t,), t, a, *flags, False)


def cumprod(
    x: Any,
    axis: Any = 0,
    exclusive: builtins.bool = False,
    reverse: builtins.bool = False,
    name: Optional[str] = None,
) -> torch.Tensor:
    """The cumulative product of `x` along `axis` (`exclusive`, `reverse` as in `cumsum`).

    >>> import tftape_torch as tf
    >>> print(tf.math.cumprod(tf.constant([1.0, 2.0, 3.0])))
    tf.Tensor([1. 2. 6.], shape=(3,), dtype=float32)
    """
    t = number_input(x, "Cumprod")
    a = _axis_of(t, axis, "Cumprod")
    flags = (builtins.bool(exclusive), builtins.bool(reverse))
    return call("Cumprod", _kernels.cumprod, (t,), t, a, *flags)


def _top_k(x: torch.Tensor, k: int, index_dtype: torch.dtype) -> Any:
    if (k > 1 and x.is_floating_point() and x.device.type == "cpu"
            and bool(torch.isnan(x).any())):
        # NOTE: [TF's top-k order with NaNs] in `_topk_order`.
        order = top_k_order(x.detach().reshape(-1, x.shape[-1]).tolist(), k, True)
        indices = torch.tensor(order, device=x.device).reshape(x.shape[:-1] + (k,))
        return torch.gather(x, -1, indices), indices.to(index_dtype)
    # A stable sort puts tied values in index order, as TF does.
    values, indices = torch.sort(x, dim=-1, descending=True, stable=True)
    values = torch.narrow(values, -1, 0, k)
    with torch.no_grad():
        indices = torch.narrow(indices, -1, 0, k).to(index_dtype)
    return values, indices


def top_k(
    input: Any,
    k: Any = 1,
    sorted: builtins.bool = True,
    index_type: Any = torch.int32,
    name: Optional[str] = None,
) -> Any:
    """The `k` largest entries of the last dimension and their indices, largest first.

    Of tied entries the one of lower index comes first, as in TF.

    >>> import tftape_torch as tf
    >>> result = tf.math.top_k(tf.constant([1.0, 3.0, 2.0]), k=2)
    >>> print(result.values, result.indices)
    tf.Tensor([3. 2.], shape=(2,), dtype=float32) tf.Tensor([1 2], shape=(2,), dtype=int32)

    Raises:
      InvalidArgumentError: for a scalar input, a negative `k` or one beyond the last
        dimension.
    """
    x = number_input(input, "TopKV2")
    if isinstance(k, torch.Tensor):
        if k.is_floating_point() or k.is_complex():
            raise InvalidArgumentError(
                None, None, f"Value for attr 'Tk' of {kernel_name(k.dtype)} is not in the list "
                "of allowed values: int16, int32, int64 [Op:TopKV2]")
        kk = int(k.item())
    elif isinstance(k, float):
        raise TypeError(f"Cannot convert {k!r} to EagerTensor of dtype int32")
    else:
        kk = int(k)
    if x.dim() == 0:
        raise InvalidArgumentError(None, None, "input must be >= 1-D, got shape [] [Op:TopKV2]")
    if kk < 0:
        raise InvalidArgumentError(None, None, f"Need k >= 0, got {kk} [Op:TopKV2]")
    if x.shape[-1] < kk:
        raise InvalidArgumentError(
            None, None, f"input must have at least k columns. Had {x.shape[-1]}, needed {kk} "
            "[Op:TopKV2]"
        )
    values, indices = call("TopKV2", _top_k, (x,), x, kk, as_dtype(index_type))
    return TopKV2(_retype(values), _retype(indices))


def _retype(t: torch.Tensor) -> torch.Tensor:
    if type(t) is not EagerTensor:
        t.__class__ = EagerTensor
    return t


def accumulate_n(inputs: Any, shape: Any = None, tensor_dtype: Any = None,
                 name: Optional[str] = None) -> torch.Tensor:
    """`add_n` (TF deprecated this name for it), checking `shape` and `tensor_dtype`
    when given.

    >>> import tftape_torch as tf
    >>> print(tf.math.accumulate_n([tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])]))
    tf.Tensor([4. 6.], shape=(2,), dtype=float32)

    Raises:
      ValueError: unless `inputs` is a non-empty list of tensors of one dtype and
        shape (and `shape`, if given).
      TypeError: for a `tensor_dtype` other than the inputs'.
    """
    problem = ValueError("inputs must be a list of at least one Tensor with the same dtype "
                         "and shape")
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise problem
    tensors = [as_tensor(v) for v in inputs]
    first = tensors[0]
    if any(t.dtype != first.dtype for t in tensors):
        raise problem
    wanted = None if shape is None else [int(d) for d in shape]
    for t in tensors:
        if wanted is not None and list(t.shape) != wanted:
            raise ValueError(f"Shapes {tuple(wanted)} and {tuple(t.shape)} are incompatible")
        wanted = list(t.shape)
    if tensor_dtype is not None and as_dtype(tensor_dtype) != first.dtype:
        raise TypeError(
            f"The `tensor_dtype` argument is {dtype_name(as_dtype(tensor_dtype))}, but `input` "
            f"is of type {dtype_name(first.dtype)}. These must be equal. Try casting the input "
            "to the desired type.")
    return tensors[0] if len(tensors) == 1 else add_n(tensors)


def add_n(inputs: Any, name: Optional[str] = None) -> torch.Tensor:
    """The elementwise sum of a list of tensors of one shape and dtype (no broadcasting).

    >>> import tftape_torch as tf
    >>> print(tf.add_n([tf.constant([1, 2]), tf.constant([3, 4]), [5, 6]]))
    tf.Tensor([ 9 12], shape=(2,), dtype=int32)

    Raises:
      ValueError: for an empty list.
      InvalidArgumentError: if the shapes or dtypes differ.
    """
    if isinstance(inputs, torch.Tensor) or not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError(
            "Inputs must be an iterable of at least one Tensor/IndexedSlices with the same "
            "dtype and shape."
        )
    first = as_tensor(inputs[0])
    tensors = [first] + [as_tensor(v, first.dtype) for v in inputs[1:]]
    if len(tensors) == 1:
        return identity(first)
    for t in tensors[1:]:
        if t.dtype != first.dtype:
            raise InvalidArgumentError(
                None,
                None,
                f"cannot compute AddN as input #1(zero-based) was expected to be a "
                f"{dtype_name(first.dtype)} tensor but is a {dtype_name(t.dtype)} tensor "
                "[Op:AddN]",
            )
        if t.shape != first.shape:
            raise InvalidArgumentError(
                None,
                None,
                "Inputs to operation AddN of type AddN must have the same size and shape.  "
                f"Input 0: {list(first.shape)} != input: {list(t.shape)} [Op:AddN]",
            )
    return call("AddN", _sum_all, tensors, tensors)


def _sum_all(tensors: List[torch.Tensor]) -> torch.Tensor:
    out = tensors[0]
    for t in tensors[1:]:
        out = torch.add(out, t)
    return out


def _ids(value: Any, op: str, int16: builtins.bool = False) -> torch.Tensor:
    """Index or segment ids: int32 or int64 (or int16, where TF's kernel takes them)."""
    ids = as_tensor(value)
    if ids.dtype not in (torch.int32, torch.int64) and not (int16 and ids.dtype == torch.int16):
        allowed = "int16, int32, int64" if int16 else "int32, int64"
        raise InvalidArgumentError(
            None, None, f"Value for attr 'Tindices' of {dtype_name(ids.dtype)} is not in the "
            f"list of allowed values: {allowed} [Op:{op}]"
        )
    return ids


def _segment_sum(data: torch.Tensor, ids: torch.Tensor, count: int) -> torch.Tensor:
    rest = list(data.shape[ids.dim():])
    flat = data.reshape([-1] + rest)
    flat_ids = ids.reshape(-1).to(torch.int64)
    keep = flat_ids >= 0  # TF drops negative ids of unsorted segment ops
    if not builtins.bool(torch.all(keep)):
        flat, flat_ids = flat[keep], flat_ids[keep]
    out = torch.zeros([count] + rest, dtype=data.dtype, device=data.device)
    return torch.index_add(out, 0, flat_ids, flat)


def segment_sum(data: Any, segment_ids: Any, name: Optional[str] = None) -> torch.Tensor:
    """Sums of the rows of `data` sharing a segment id (ids sorted, from 0).

    >>> import tftape_torch as tf
    >>> c = tf.constant([[1, 2], [5, 6], [3, 4]])
    >>> print(tf.math.segment_sum(c, tf.constant([0, 0, 1])))
    tf.Tensor(
    [[6 8]
     [3 4]], shape=(2, 2), dtype=int32)

    Raises:
      InvalidArgumentError: if the ids are not sorted, negative, or their count is not
        the first dimension of `data`.
    """
    x, ids, count = _sorted_segments(data, segment_ids, "SegmentSum")
    return call("SegmentSum", _segment_sum, (x, ids), x, ids, count)


def _sorted_segments(data: Any, segment_ids: Any, op: str
                     ) -> Tuple[torch.Tensor, torch.Tensor, int]:
    """`data`, its ids and the number of segments, checked as TF's sorted segment ops do."""
    x = number_input(data, op)
    ids = _ids(segment_ids, op)
    if ids.dim() != 1 or x.dim() == 0 or ids.shape[0] != x.shape[0]:
        raise InvalidArgumentError(
            None, None, f"segment_ids should be the same size as dimension 0 of input. "
            f"[Op:{op}]"
        )
    with _DisableSubclass():
        values = ids.tolist()
    for a, b in zip(values, values[1:]):
        if b < a:
            raise InvalidArgumentError(None, None, f"segment ids are not increasing [Op:{op}]")
    if values and values[0] < 0:
        raise InvalidArgumentError(None, None, f"segment ids must be >= 0 [Op:{op}]")
    return x, ids, int(values[-1]) + 1 if values else 0


def unsorted_segment_sum(
    data: Any, segment_ids: Any, num_segments: Any, name: Optional[str] = None
) -> torch.Tensor:
    """Sums of the entries of `data` sharing a segment id, ids in any order.

    `segment_ids` has the shape of a prefix of `data`'s; negative ids are dropped.

    >>> import tftape_torch as tf
    >>> c = tf.constant([1.0, 2.0, 3.0, 4.0])
    >>> print(tf.math.unsorted_segment_sum(c, tf.constant([1, 0, 1, 0]), num_segments=3))
    tf.Tensor([6. 4. 0.], shape=(3,), dtype=float32)

    Raises:
      InvalidArgumentError: for an id >= `num_segments`, or ids not shaped like a
        prefix of `data`.
    """
    x, ids, count = _unsorted_segments(data, segment_ids, num_segments, "UnsortedSegmentSum")
    return call("UnsortedSegmentSum", _segment_sum, (x, ids), x, ids, count)


_INT16_SEGMENT_OPS = frozenset(
    {"UnsortedSegmentSum", "UnsortedSegmentMean", "UnsortedSegmentSqrtN"}
)


def _unsorted_segments(data: Any, segment_ids: Any, num_segments: Any, op: str
                       ) -> Tuple[torch.Tensor, torch.Tensor, int]:
    """`data`, its ids and `num_segments`, checked as TF's unsorted segment ops do."""
    x = number_input(data, op)
    # TF's UnsortedSegmentSum (and the mean and sqrt_n it computes) take int16 ids too.
    ids = _ids(segment_ids, op, int16=op in _INT16_SEGMENT_OPS)
    count = _count(num_segments)
    if list(x.shape[: ids.dim()]) != list(ids.shape):
        raise InvalidArgumentError(
            None, None, f"data.shape = {list(x.shape)} does not start with segment_ids.shape = "
            f"{list(ids.shape)} [Op:{op}]"
        )
    with _DisableSubclass():
        values = ids.reshape(-1).tolist()
    for i, v in enumerate(values):
        if v >= count:
            raise InvalidArgumentError(
                None, None, f"segment_ids[{i}] = {v} is out of range [0, {count}) [Op:{op}]"
            )
    return x, ids, count


def _segment_reduce(data: torch.Tensor, ids: torch.Tensor, count: int, mode: str,
                    empty: Any, unsorted: builtins.bool) -> torch.Tensor:
    """The `mode` ("amax", "amin", "prod", "mean", "sqrt_n") of each segment; `empty`
    where a segment has no entries (None: the identity of the reduction)."""
    rest = list(data.shape[ids.dim():])
    flat = data.reshape([-1] + rest)
    flat_ids = ids.reshape(-1).to(torch.int64)
    keep = flat_ids >= 0  # TF drops negative ids of unsorted segment ops
    if not builtins.bool(torch.all(keep)):
        flat, flat_ids = flat[keep], flat_ids[keep]
    index = flat_ids.reshape([-1] + [1] * len(rest)).expand_as(flat)
    if mode in ("mean", "sqrt_n"):
        total = torch.zeros([count] + rest, dtype=data.dtype, device=data.device)
        total = torch.index_add(total, 0, flat_ids, flat)
        sizes = torch.bincount(flat_ids, minlength=count).to(data.dtype)
        sizes = sizes.reshape([count] + [1] * len(rest)).clamp(min=1)
        if data.is_floating_point() or data.is_complex():
            return total / (sizes if mode == "mean" else torch.sqrt(sizes))
        if unsorted:  # TF's Python `summed / N` of integers: a float64 true division
            return total.to(torch.float64) / sizes.to(torch.float64)
        return torch.div(total, sizes, rounding_mode="trunc")  # TF's integer kernel
    if mode in ("amax", "amin"):
        out = segment_extreme(flat, flat_ids, count, mode == "amax", unsorted)
    else:
        out = torch.ones([count] + rest, dtype=data.dtype, device=data.device)
        out = torch.scatter_reduce(out, 0, index, flat, mode, include_self=False)
    if empty is not None:
        present = torch.bincount(flat_ids, minlength=count) > 0
        present = present.reshape([count] + [1] * len(rest))
        out = torch.where(present, out, torch.full((), empty, dtype=data.dtype,
                                                   device=data.device))
    return out


def _segment_op(name: str, op: str, mode: str, empty: Any, sorted_ids: builtins.bool,
                doc: str) -> Any:
    if sorted_ids:
        def reduce(data: Any, segment_ids: Any, name: Optional[str] = None) -> torch.Tensor:
            x, ids, count = _sorted_segments(data, segment_ids, op)
            return call(op, _segment_reduce, (x, ids), x, ids, count, mode, empty, False)
    else:
        def reduce(data: Any, segment_ids: Any, num_segments: Any,  # type: ignore[misc]
                   name: Optional[str] = None) -> torch.Tensor:
            x, ids, count = _unsorted_segments(data, segment_ids, num_segments, op)
            if mode == "sqrt_n" and not (x.is_floating_point() or x.is_complex()):
                raise disallowed("Sqrt", x.dtype, "bfloat16, half, float, double, "
                                 "complex64, complex128")
            return call(op, _segment_reduce, (x, ids), x, ids, count, mode, empty, True)

    reduce.__name__ = reduce.__qualname__ = name
    reduce.__doc__ = doc
    return reduce


_SORTED = """The {what} of the rows of `data` sharing a segment id (ids sorted, from 0);
    {empty} for a segment with no rows. Ties of a max or min share its gradient.

    Raises:
      InvalidArgumentError: if the ids are not sorted, negative, or their count is not
        the first dimension of `data`.
    """
_UNSORTED = """The {what} of the entries of `data` sharing a segment id, ids in any
    order (negative ids dropped); {empty} for an empty segment.

    Raises:
      InvalidArgumentError: for an id >= `num_segments`, or ids not shaped like a
        prefix of `data`.
    """
segment_max = _segment_op("segment_max", "SegmentMax", "amax", 0, True,
                          _SORTED.format(what="maximum", empty="0"))
segment_min = _segment_op("segment_min", "SegmentMin", "amin", 0, True,
                          _SORTED.format(what="minimum", empty="0"))
segment_prod = _segment_op("segment_prod", "SegmentProd", "prod", None, True,
                           _SORTED.format(what="product", empty="1"))
segment_mean = _segment_op("segment_mean", "SegmentMean", "mean", None, True,
                           _SORTED.format(what="mean", empty="0"))
unsorted_segment_max = _segment_op(
    "unsorted_segment_max", "UnsortedSegmentMax", "amax", None, False,
    _UNSORTED.format(what="maximum", empty="the dtype's lowest value"))
unsorted_segment_min = _segment_op(
    "unsorted_segment_min", "UnsortedSegmentMin", "amin", None, False,
    _UNSORTED.format(what="minimum", empty="the dtype's highest value"))
unsorted_segment_prod = _segment_op(
    "unsorted_segment_prod", "UnsortedSegmentProd", "prod", None, False,
    _UNSORTED.format(what="product", empty="1"))
unsorted_segment_mean = _segment_op(
    "unsorted_segment_mean", "UnsortedSegmentMean", "mean", None, False,
    _UNSORTED.format(what="mean", empty="0"))
unsorted_segment_sqrt_n = _segment_op(
    "unsorted_segment_sqrt_n", "UnsortedSegmentSqrtN", "sqrt_n", None, False,
    _UNSORTED.format(what="sum divided by the square root of the count", empty="0"))


def _count(value: Any) -> int:
    return int(value.item()) if isinstance(value, torch.Tensor) else int(value)


def _bincount(
    arr: torch.Tensor, weights: Optional[torch.Tensor], length: int, dtype: torch.dtype,
    binary: builtins.bool, per_row: builtins.bool = False,
) -> torch.Tensor:
    """The counts (or weight sums) of each value below `length`; with `per_row`, one
    row of counts per row of the 2-D `arr` (TF's `axis=-1`)."""
    rows = arr.shape[0] if per_row else 1
    values = arr.reshape(-1).to(torch.int64)
    keep = values < length
    flat = values
    if per_row:  # row r's values count into bins r * length + value
        flat = values + torch.arange(rows, device=arr.device).repeat_interleave(
            arr.shape[1]) * length
    flat = flat[keep]
    if weights is None:
        out = torch.zeros([rows * length], dtype=dtype, device=arr.device)
        out = out.index_add(0, flat, torch.ones_like(flat, dtype=dtype))
    else:
        w = weights.reshape(-1)[keep]
        out = torch.zeros([rows * length], dtype=weights.dtype,
                          device=arr.device).index_add(0, flat, w)
    if binary:
        out = (out != 0).to(out.dtype)
    return out.reshape(rows, length) if per_row else out


def bincount(
    arr: Any,
    weights: Any = None,
    minlength: Any = None,
    maxlength: Any = None,
    dtype: Any = torch.int32,
    name: Optional[str] = None,
    axis: Any = None,
    binary_output: builtins.bool = False,
) -> torch.Tensor:
    """How many times each value 0, 1, 2... occurs in the int `arr` (or its `weights`' sum).

    >>> import tftape_torch as tf
    >>> print(tf.math.bincount(tf.constant([1, 1, 2, 4])))
    tf.Tensor([0 2 1 0 1], shape=(5,), dtype=int32)

    Raises:
      InvalidArgumentError: for a negative value in `arr`.
    """
    a = as_tensor(arr)
    if a.dtype not in INTEGER:  # TF casts other values to int32 (floats truncate)
        with _DisableSubclass():
            a = a.detach().to(torch.int32)
    if axis not in (None, 0, -1):
        raise ValueError(f"Unsupported axis value {axis}. Only 0 and -1 are currently supported.")
    with _DisableSubclass():
        values = a.reshape(-1).tolist()
    if values and min(values) < 0:
        raise InvalidArgumentError(None, None, "Input arr must be non-negative! [Op:Bincount]")
    length = max(values) + 1 if values else 0
    if minlength is not None:
        length = max(length, int(minlength))
    if maxlength is not None:
        length = min(length, int(maxlength))
    w = None
    if weights is not None:
        w = as_tensor(weights)
        if list(w.shape) != list(a.shape):
            raise InvalidArgumentError(
                None, None, "Arguments `arr` and `weights` must have the same shape [Op:Bincount]"
            )
    per_row = axis == -1 and a.dim() == 2
    if axis == -1 and a.dim() > 2:
        raise InvalidArgumentError(
            None, None, f"Shape must be at most rank 2 but is rank {a.dim()} [Op:DenseBincount]")
    tensors: Sequence[Any] = (a,) if w is None else (a, w)
    return call("Bincount", _BINCOUNT, tensors, a, w, length, as_dtype(dtype),
                builtins.bool(binary_output), per_row)


# TF records `DenseBincount` but registers no gradient for it (for its weights either).
_BINCOUNT = unregistered_gradient("DenseBincount", _bincount)


def polyval(coeffs: Any, x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The polynomial `coeffs[0] * x**(n-1) + ... + coeffs[n-1]` at `x` (Horner's scheme).

    >>> import tftape_torch as tf
    >>> print(tf.math.polyval([1.0, 2.0, 3.0], tf.constant(2.0)))
    tf.Tensor(11.0, shape=(), dtype=float32)

    Raises:
      ValueError: if `coeffs` is not a list.
    """
    if not isinstance(coeffs, list):
        raise ValueError(
            f"Argument coeffs must be list type. Received type {type(coeffs)}."
        )
    t = as_tensor(x)
    if not coeffs:
        return zeros_like(t)
    p = as_tensor(coeffs[0], t.dtype)
    for c in coeffs[1:]:
        p = add(as_tensor(c, t.dtype), multiply(p, t))
    return p


# ---------------------------------------------------------------------------
# Log-sum-exp scans, permutations, orderings, top-k membership, confusion matrices


def cumulative_logsumexp(x: Any, axis: Any = 0, exclusive: builtins.bool = False,
                         reverse: builtins.bool = False, name: Optional[str] = None
                         ) -> torch.Tensor:
    """`log(cumsum(exp(x)))` along `axis`, computed stably (flags as `cumsum`'s).

    >>> import tftape_torch as tf
    >>> print(tf.math.cumulative_logsumexp(tf.constant([0.0, 0.0])))
    tf.Tensor([0.        0.6931472], shape=(2,), dtype=float32)
    """
    t = float_input(x, "CumulativeLogsumexp", allow_complex=False)
    a = _axis_of(t, axis, "CumulativeLogsumexp")
    return call("CumulativeLogsumexp", _logsumexp_scan.cumulative_logsumexp, (t,), t, a,
                builtins.bool(exclusive), builtins.bool(reverse))


def zero_fraction(value: Any, name: Optional[str] = None) -> torch.Tensor:
    """The fraction of the elements of `value` that are zero, as float32.

    >>> import tftape_torch as tf
    >>> print(tf.math.zero_fraction(tf.constant([0.0, 1.0, 0.0, 2.0])))
    tf.Tensor(0.5, shape=(), dtype=float32)
    """
    t = as_tensor(value)
    with _DisableSubclass(), torch.no_grad():
        zeros = torch.count_nonzero(t == 0).to(torch.float32)
        total = torch.tensor(float(t.numel()), device=zeros.device)
    return _retype(zeros / total)  # NaN for an empty value, as TF's


def _invert_permutation(p: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(p)
    out[p.to(torch.int64)] = torch.arange(p.numel(), dtype=p.dtype, device=p.device)
    return out


def invert_permutation(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`y` with `y[x[i]] = i`: the inverse of the permutation `x`.

    >>> import tftape_torch as tf
    >>> print(tf.math.invert_permutation(tf.constant([3, 4, 0, 2, 1])))
    tf.Tensor([2 4 3 0 1], shape=(5,), dtype=int32)

    Raises:
      InvalidArgumentError: `x` is not a permutation of `0..n-1`.
    """
    p = _ids(x, "InvertPermutation")
    with _DisableSubclass():
        values = sorted(p.reshape(-1).tolist())
    if p.dim() != 1 or values != list(builtins.range(len(values))):
        raise InvalidArgumentError(None, None, f"{p.tolist()} is not a permutation "
                                   "[Op:InvertPermutation]")
    return call("InvertPermutation", _invert_permutation, (p,), p)


def _ordered(x: Any, strict: builtins.bool) -> torch.Tensor:
    t = number_input(x, "IsNonDecreasing")
    with _DisableSubclass(), torch.no_grad():
        flat = t.reshape(-1)
        step = flat[1:] - flat[:-1] if flat.numel() > 1 else flat[:0]
        holds = torch.all(step > 0) if strict else torch.all(step >= 0)
    return _retype(holds)


def is_non_decreasing(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """Whether the elements of `x`, flattened in row-major order, never decrease.

    >>> import tftape_torch as tf
    >>> print(tf.math.is_non_decreasing([1, 1, 2]))
    tf.Tensor(True, shape=(), dtype=bool)
    """
    return _ordered(x, strict=False)


def is_strictly_increasing(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """Whether the elements of `x`, flattened in row-major order, always increase.

    >>> import tftape_torch as tf
    >>> print(tf.math.is_strictly_increasing([1, 1, 2]))
    tf.Tensor(False, shape=(), dtype=bool)
    """
    return _ordered(x, strict=True)


def in_top_k(targets: Any, predictions: Any, k: int, name: Optional[str] = None
             ) -> torch.Tensor:
    """Whether each row's target class is among its `k` largest predictions (ties
    count in, as in TF; a target out of range, or a row with a non-finite score, is
    False).

    >>> import tftape_torch as tf
    >>> print(tf.math.in_top_k(tf.constant([1]), tf.constant([[0.1, 0.9, 0.5]]), 1))
    tf.Tensor([ True], shape=(1,), dtype=bool)
    """
    p = as_tensor(predictions)
    t = _ids(targets, "InTopKV2")
    if p.dtype != torch.float32:
        raise InvalidArgumentError(
            None, None, f"Value for attr 'T' of {kernel_name(p.dtype)} is not in the list of "
            "allowed values: float [Op:InTopKV2]")
    count = as_tensor(k, t.dtype) if not isinstance(k, torch.Tensor) else k
    if count.dtype != t.dtype or count.dim() != 0:
        raise InvalidArgumentError(
            None, None, f"k must be a scalar of the targets' dtype {dtype_name(t.dtype)}, got "
            f"{dtype_name(count.dtype)} of shape {list(count.shape)} [Op:InTopKV2]")
    if p.dim() != 2 or t.dim() != 1 or p.shape[0] != t.shape[0]:
        raise InvalidArgumentError(
            None, None, "predictions must be 2-dimensional and targets 1-dimensional with "
            f"one target per row, got shapes {list(p.shape)} and {list(t.shape)} [Op:InTopKV2]")
    with _DisableSubclass(), torch.no_grad():
        classes = p.shape[1]
        ids = t.to(torch.int64)
        valid = (ids >= 0) & (ids < classes)
        target_scores = torch.gather(p, 1, torch.where(valid, ids, 0).reshape(-1, 1))
        larger = torch.sum((p > target_scores).to(torch.int64), dim=1)
        # TF's kernel: no answer (False) for a target out of range or any non-finite score.
        finite = torch.isfinite(p).all(dim=1) if classes else valid
        found = (larger < int(count.item())) & valid & finite
    return _retype(found)


def confusion_matrix(labels: Any, predictions: Any, num_classes: Any = None,
                     weights: Any = None, dtype: Any = torch.int32,
                     name: Optional[str] = None) -> torch.Tensor:
    """`m[i, j]`: how many (or what weight of) examples of class `i` were predicted as
    `j`; `num_classes` defaults to one more than the largest label or prediction.

    >>> import tftape_torch as tf
    >>> print(tf.math.confusion_matrix([0, 1, 1], [0, 1, 0]))
    tf.Tensor(
    [[1 0]
     [1 1]], shape=(2, 2), dtype=int32)
    """
    lab = as_tensor(labels).to(torch.int64).reshape(-1)
    pred = as_tensor(predictions).to(torch.int64).reshape(-1)
    with _DisableSubclass():
        # TF's asserts, in its order (one host sync for the four bounds).
        lo_lab, lo_pred, hi_lab, hi_pred = (
            torch.stack([lab.min(), pred.min(), lab.max(), pred.max()]).tolist()
            if lab.numel() and pred.numel() else (0, 0, -1, -1))
        for what, low in (("labels", lo_lab), ("predictions", lo_pred)):
            if low < 0:
                raise InvalidArgumentError(None, None, f"`{what}` contains negative values.  "
                                           "Condition x >= 0 did not hold element-wise:")
        if num_classes is None:
            num = int(builtins.max(hi_lab, hi_pred)) + 1 if lab.numel() else 0
        else:
            num = int(num_classes)
            for what, high in (("labels", hi_lab), ("predictions", hi_pred)):
                if high >= num:
                    raise InvalidArgumentError(None, None, f"`{what}` out of bound  "
                                               "Condition x < y did not hold element-wise:")
        out_dtype = as_dtype(dtype)
        if weights is not None:
            w = as_tensor(weights)
            if w.numel() != pred.numel():
                raise ValueError(f"Shapes {tuple(as_tensor(predictions).shape)} and "
                                 f"{tuple(w.shape)} are incompatible")
        if lab.shape != pred.shape:
            raise InvalidArgumentError(
                None, None, f"Shapes of all inputs must match: values[0].shape = "
                f"[{lab.numel()}] != values[1].shape = [{pred.numel()}] [Op:Pack] name: stack")
        values = (torch.ones(lab.shape, dtype=out_dtype, device=lab.device) if weights is None
                  else as_tensor(weights).to(out_dtype).reshape(-1))
        flat = torch.zeros(num * num, dtype=out_dtype, device=lab.device)
        flat = flat.index_add(0, lab * num + pred, values)
    return _retype(flat.reshape(num, num))
