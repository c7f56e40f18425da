"""TF's array ops that build, repeat, cut and rearrange tensors (TF's `array_ops`).

`broadcast_to`, `tile`, `split`, `unstack`, `pad`, `reverse`, `meshgrid`,
`one_hot`, `sequence_mask` and `einsum`, exported at the top level of the drop-in
namespace. Each runs through `_op_call.call`: torch errors become TF's
`InvalidArgumentError`, and the checks TF makes before its kernel runs (in
Python) raise TF's `ValueError`/`TypeError`.

>>> import tftape_torch as tf
>>> print(tf.tile(tf.constant([1, 2]), [2]))
tf.Tensor([1 2 1 2], shape=(4,), dtype=int32)
"""

from __future__ import annotations

import builtins
from typing import Any, List, Optional

import torch
import torch.nn.functional as F

from tftape_torch._dtypes import as_dtype, dtype_name, dtype_repr, float32
from tftape_torch._op_call import (
    as_tensor,
    axis_arg,
    call,
    call_inline,
    disallowed,
    same_dtype,
    shape_arg,
)
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._tensor import EagerTensor, as_eager, dtype_mismatch, fresh
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._torch_internals import DisableTorchFunctionSubclass as _DisableSubclass
from tftape_torch.errors import InvalidArgumentError

_Tensor = torch.Tensor

__all__ = [
    "broadcast_dynamic_shape",
    "broadcast_static_shape",
    "broadcast_to",
    "einsum",
    "meshgrid",
    "one_hot",
    "pad",
    "repeat",
    "reverse",
    "reverse_sequence",
    "roll",
    "sequence_mask",
    "shape_n",
    "slice",
    "split",
    "tile",
    "unravel_index",
    "unstack",
]


def _as_list(out: Any) -> List[torch.Tensor]:
    """An op's several outputs as a list of fresh `EagerTensor`s."""
    items = list(out)
    for item in items:
        if type(item) is _Tensor:
            item.__class__ = EagerTensor
    return items


def _int_list(value: Any) -> List[int]:
    if isinstance(value, _Tensor):
        with _DisableSubclass():
            listed = value.reshape(-1).tolist()
        return [int(v) for v in listed]
    if hasattr(value, "__index__") and getattr(value, "ndim", 0) == 0:
        return [int(value)]
    if hasattr(value, "ndim"):  # a NumPy array
        value = value.reshape(-1).tolist()
    return [int(v) for v in value]


# ---------------------------------------------------------------------------
# Repeating


def _broadcast_to(x: torch.Tensor, dims: List[int]) -> torch.Tensor:
    return torch.broadcast_to(x, dims).clone()


def broadcast_to(input: Any, shape: Any, name: Optional[str] = None) -> torch.Tensor:
    """Broadcasts `input` to a compatible `shape` (sizes 1 are repeated).

    >>> import tftape_torch as tf
    >>> print(tf.broadcast_to(tf.constant([1, 2, 3]), [2, 3]))
    tf.Tensor(
    [[1 2 3]
     [1 2 3]], shape=(2, 3), dtype=int32)

    Raises:
      InvalidArgumentError: if the shapes are not compatible.
    """
    x = as_tensor(input)
    dims = shape_arg(shape, "BroadcastTo")
    sizes = list(x.shape)
    ok = len(sizes) <= len(dims) and all(
        s == d or s == 1 for s, d in zip(reversed(sizes), reversed(dims))
    )
    if not ok:
        raise _error(f"Incompatible shapes: {sizes} vs. {dims}", "BroadcastTo")
    return call("BroadcastTo", _broadcast_to, (x,), x, dims)


def tile(input: Any, multiples: Any, name: Optional[str] = None) -> torch.Tensor:
    """Repeats `input` `multiples[i]` times along each dimension `i`.

    >>> import tftape_torch as tf
    >>> print(tf.tile(tf.constant([[1, 2]]), [2, 2]))
    tf.Tensor(
    [[1 2 1 2]
     [1 2 1 2]], shape=(2, 4), dtype=int32)

    Raises:
      InvalidArgumentError: if `multiples` does not have one entry per dimension, or
        has a negative one.
    """
    x = as_tensor(input)
    if (multiples.is_floating_point() if isinstance(multiples, _Tensor) else
            isinstance(multiples, (list, tuple)) and any(isinstance(m, float) for m in multiples)):
        raise _error("Value for attr 'Tmultiples' of float is not in the list of allowed values: "
                     "int32, int64", "Tile")
    reps = _int_list(multiples)
    if len(reps) != x.dim():
        raise _error(
            f"Expected multiples argument to be a vector of length {x.dim()} but got length "
            f"{len(reps)}",
            "Tile",
        )
    for index, r in enumerate(reps):
        if r < 0:
            raise _error(f"Expected multiples[{index}] >= 0, but got {r}", "Tile")
    return call("Tile", torch.tile, (x,), x, reps)


# ---------------------------------------------------------------------------
# Cutting


def _axis_in(axis: Any, rank: int, op: str) -> int:
    dim = axis_arg(axis)
    if not isinstance(dim, int) or not -rank <= dim < rank:
        raise _error(f"axis = {dim} not in [{-rank}, {rank})", op)
    return dim % rank


def _split(x: torch.Tensor, sizes: List[int], dim: int) -> List[torch.Tensor]:
    return [part.clone() for part in torch.split(x, sizes, dim)]


def split(
    value: Any,
    num_or_size_splits: Any,
    axis: Any = 0,
    num: Optional[int] = None,
    name: str = "split",
) -> List[torch.Tensor]:
    """Splits a tensor into sub-tensors along `axis`.

    An int splits into that many equal parts; a list gives the size of each part
    (one size may be -1: the rest).

    >>> import tftape_torch as tf
    >>> a, b = tf.split(tf.range(6), [2, -1])
    >>> print(a, b)
    tf.Tensor([0 1], shape=(2,), dtype=int32) tf.Tensor([2 3 4 5], shape=(4,), dtype=int32)

    Raises:
      InvalidArgumentError: if the parts do not add up to the size along `axis`.
    """
    x = as_tensor(value)
    by_count = isinstance(num_or_size_splits, int) or (
        isinstance(num_or_size_splits, _Tensor) and num_or_size_splits.dim() == 0
    )
    op = "Split" if by_count else "SplitV"
    dim = _axis_in(axis, x.dim(), op)
    length = x.shape[dim]
    if by_count:
        count = _int_list(num_or_size_splits)[0]
        if count <= 0 or length % count:
            raise _error(
                "Number of ways to split should evenly divide the split dimension, but got "
                f"split_dim {dim} (size = {length}) and num_split {count}",
                op,
            )
        sizes = [length // count] * count
    else:
        sizes = _int_list(num_or_size_splits)
        unknown = [i for i, s in enumerate(sizes) if s == -1]
        known = builtins.sum(s for s in sizes if s != -1)
        if len(unknown) == 1 and known <= length:
            sizes[unknown[0]] = length - known
        if len(unknown) > 1 or builtins.sum(sizes) != length or builtins.min(sizes) < 0:
            raise _error(
                "Determined shape must either match input shape along split_dim exactly if "
                f"fully specified, or be less than the size of the input along split_dim if "
                f"not fully specified.  Got: {builtins.sum(sizes)}",
                op,
            )
    return _as_list(call(op, _split, (x,), x, sizes, dim))


def _unbind(x: torch.Tensor, dim: int) -> List[torch.Tensor]:
    return [part.clone() for part in torch.unbind(x, dim)]


def unstack(value: Any, num: Optional[int] = None, axis: int = 0, name: str = "unstack") -> Any:
    """Unpacks the dimension `axis` of a rank-R tensor into a list of rank-(R-1) tensors.

    >>> import tftape_torch as tf
    >>> a, b = tf.unstack(tf.constant([[1, 2], [3, 4]]), axis=1)
    >>> print(a, b)
    tf.Tensor([1 3], shape=(2,), dtype=int32) tf.Tensor([2 4], shape=(2,), dtype=int32)

    Raises:
      ValueError: if `axis` is out of range, or `num` is not the size along it.
    """
    x = as_tensor(value)
    rank_ = x.dim()
    dim = int(axis)
    if not -rank_ <= dim < rank_:
        raise ValueError(f"Argument `axis` = {dim} not in range [{-rank_}, {rank_})")
    if num is not None and int(num) != x.shape[dim]:
        raise InvalidArgumentError(
            None, None, f"Input shape axis {dim % rank_} must equal {int(num)}, got shape "
            f"[{','.join(map(str, x.shape))}] [Op:Unpack]")
    return _as_list(call("Unpack", _unbind, (x,), x, dim % rank_))


def _reverse(x: torch.Tensor, dims: List[int]) -> torch.Tensor:
    return torch.flip(x, dims)


def reverse(tensor: Any, axis: Any, name: Optional[str] = None) -> torch.Tensor:
    """Reverses the dimensions listed in `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.reverse(tf.constant([[1, 2], [3, 4]]), [1]))
    tf.Tensor(
    [[2 1]
     [4 3]], shape=(2, 2), dtype=int32)

    Raises:
      InvalidArgumentError: for an axis out of range or given twice.
    """
    x = as_tensor(tensor)
    axes = axis_arg(axis)
    axes = [axes] if isinstance(axes, int) else axes
    rank_ = x.dim()
    seen = set()
    for index, a in enumerate(axes):
        if not -rank_ <= a < rank_:
            raise _error(
                f"'axis'[{index}] = {a} is out of valid range [0, {rank_ - 1}", "ReverseV2"
            )
        if a % rank_ in seen:
            raise _error(f"axis {a % rank_} specified more than once.", "ReverseV2")
        seen.add(a % rank_)
    return call("ReverseV2", _reverse, (x,), x, sorted(seen))


def _roll(x: torch.Tensor, shifts: List[int], dims: List[int]) -> torch.Tensor:
    return torch.roll(x, shifts, dims)


def roll(input: Any, shift: Any, axis: Any, name: Optional[str] = None) -> torch.Tensor:
    """Shifts the elements of `input` by `shift` along `axis`, wrapping around.

    >>> import tftape_torch as tf
    >>> print(tf.roll(tf.constant([1, 2, 3, 4]), shift=1, axis=0))
    tf.Tensor([4 1 2 3], shape=(4,), dtype=int32)

    Raises:
      InvalidArgumentError: for an axis out of range, or `shift` and `axis` of
        different lengths.
    """
    x = as_tensor(input)
    shifts, axes = _int_list(shift), _int_list(axis)
    if len(shifts) != len(axes):
        raise _error("shift and axis must have the same size", "Roll")
    for a in axes:
        if not -x.dim() <= a < builtins.max(x.dim(), 1):
            raise _error(f"axis {a} is out of range", "Roll")
    return call("Roll", _roll, (x,), x, shifts, axes)


def _repeat(x: torch.Tensor, counts: Any, dim: Optional[int]) -> torch.Tensor:
    return torch.repeat_interleave(x, counts, dim=dim)


def repeat(input: Any, repeats: Any, axis: Any = None, name: Optional[str] = None
           ) -> torch.Tensor:
    """Repeats each element (or each slice along `axis`) `repeats` times; without `axis`
    the input is flattened first.

    >>> import tftape_torch as tf
    >>> print(tf.repeat(tf.constant([1, 2]), 2))
    tf.Tensor([1 1 2 2], shape=(4,), dtype=int32)

    Raises:
      ValueError: `repeats` has neither one entry nor one per slice.
    """
    x = as_tensor(input)
    counts = _int_list(repeats)
    dim, rank_ = None if axis is None else axis_arg(axis), builtins.max(x.dim(), 1)
    if isinstance(dim, int) and not -rank_ <= dim < rank_:  # TF's Python check
        raise ValueError(f"axis={dim} out of bounds: expected {-rank_}<=axis<{rank_}")
    dim = None if dim is None else _axis_in(dim, rank_, "Repeat")
    length = x.numel() if dim is None else x.shape[dim]
    if len(counts) not in (1, length):
        raise ValueError(f"repeats has {len(counts)} entries where the input has {length} "
                         "slices to repeat (or give one count)")
    amount: Any = counts[0] if len(counts) == 1 else torch.tensor(counts, device=x.device)
    return call("Repeat", _repeat, (x,), x, amount, dim)


def _slice(x: torch.Tensor, begin: List[int], size: List[int]) -> torch.Tensor:
    index = tuple(builtins.slice(b, b + n) for b, n in zip(begin, size))
    return x[index].clone()


def slice(input_: Any, begin: Any, size: Any, name: Optional[str] = None) -> torch.Tensor:
    """The block of `input_` that starts at `begin` and has `size` (-1: to the end).

    >>> import tftape_torch as tf
    >>> print(tf.slice(tf.constant([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, -1]))
    tf.Tensor(
    [[2 3]
     [5 6]], shape=(2, 2), dtype=int32)

    Raises:
      InvalidArgumentError: for a block outside `input_` or lengths that differ from
        its rank.
    """
    x = as_tensor(input_)
    starts, sizes = _int_list(begin), _int_list(size)
    if len(starts) != x.dim() or len(sizes) != x.dim():
        raise _error(f"Expected begin and size arguments to be 1-D tensors of size "
                     f"{x.dim()}, but got shapes [{len(starts)}] and [{len(sizes)}] instead.",
                     "Slice")
    sizes = [x.shape[d] - b if n == -1 else n for d, (b, n) in enumerate(zip(starts, sizes))]
    for d, (b, n) in enumerate(zip(starts, sizes)):
        if b < 0 or n < 0 or b + n > x.shape[d]:
            raise _error(f"Expected size[{d}] in [0, {x.shape[d] - b}], but got {n}", "Slice")
    return call("Slice", _slice, (x,), x, starts, sizes)


# ---------------------------------------------------------------------------
# Padding


def _mirror_index(n: int, before: int, after: int, reflect: builtins.bool, dev: Any) -> Any:
    if reflect:
        left = list(builtins.range(before, 0, -1))
        right = list(builtins.range(n - 2, n - 2 - after, -1))
    else:
        left = list(builtins.range(before - 1, -1, -1))
        right = list(builtins.range(n - 1, n - 1 - after, -1))
    order = left + list(builtins.range(n)) + right
    return torch.tensor(order, dtype=torch.int64, device=dev)


def _mirror_pad(x: torch.Tensor, pads: List[List[int]], reflect: builtins.bool) -> torch.Tensor:
    out = x
    for dim, (before, after) in enumerate(pads):
        if before or after:
            index = _mirror_index(x.shape[dim], before, after, reflect, x.device)
            out = torch.index_select(out, dim, index)
    return out if out is not x else x.clone()


def _constant_pad(x: torch.Tensor, pads: List[List[int]], value: torch.Tensor) -> torch.Tensor:
    flat: List[int] = []
    for before, after in reversed(pads):
        flat.extend((before, after))
    if not flat:
        return x.clone()
    if not x.is_complex() and value.device.type == "cpu":
        return F.pad(x, flat, value=value.item())  # (torch pads only by a real number)
    out = F.pad(x, flat, value=0)
    mask = F.pad(torch.zeros_like(x, dtype=torch.bool), flat, value=True)
    return torch.where(mask, value.detach().to(x.dtype), out)


def pad(
    tensor: Any,
    paddings: Any,
    mode: str = "CONSTANT",
    constant_values: Any = 0,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Pads a tensor: `paddings[d] = [before, after]` entries around dimension `d`.

    `mode` is "CONSTANT" (with `constant_values`), "REFLECT" (mirrors without the edge)
    or "SYMMETRIC" (mirrors with it), in any case.

    >>> import tftape_torch as tf
    >>> print(tf.pad(tf.constant([1, 2, 3]), [[2, 2]], "REFLECT"))
    tf.Tensor([3 2 1 2 3 2 1], shape=(7,), dtype=int32)

    Raises:
      InvalidArgumentError: for `paddings` not of shape `[rank, 2]`, negative, or (for
        the mirror modes) too large for the dimension.
      ValueError: for an unknown `mode`.
    """
    x = as_tensor(tensor)
    kind = str(mode).upper()
    if kind not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(f"Value of argument `mode` expected to be one of \"CONSTANT\", "
                         f"\"REFLECT\", or \"SYMMETRIC\". Received `mode` = {mode}")
    op = "PadV2" if kind == "CONSTANT" else "MirrorPad"
    p = as_tensor(paddings)
    rank_ = x.dim()
    if p.dim() != 2 or p.shape[0] != rank_ or p.shape[1] != 2:
        raise _error(
            f"The first dimension of paddings must be the rank of inputs{list(p.shape)} "
            f"{list(x.shape)}",
            op,
        )
    with _DisableSubclass():
        pads = [[int(a), int(b)] for a, b in p.tolist()]
    for dim, (before, after) in enumerate(pads):
        if before < 0 or after < 0:
            raise _error(f"Paddings must be non-negative: {before} {after}", op)
        if kind != "CONSTANT":
            limit = x.shape[dim] - (1 if kind == "REFLECT" else 0)
            if before > limit or after > limit:
                raise _error(
                    f"paddings must be less than the dimension size: {before}, {after} not less "
                    f"than {x.shape[dim]}" if kind == "REFLECT" else
                    f"paddings must be no greater than the dimension size: {before}, {after} "
                    f"greater than {x.shape[dim]}",
                    op,
                )
    if kind == "CONSTANT":
        # NOTE: TF's PadV2 has no gradient for `constant_values` (None); a Python or
        # NumPy zero pads by op Pad, which takes every dtype (bool too).
        zero = not isinstance(constant_values, (_Tensor, list, tuple)) and getattr(
            constant_values, "ndim", 0) == 0 and constant_values == 0
        value = (fresh(torch.zeros((), dtype=x.dtype)) if zero
                 else as_tensor(constant_values, x.dtype))
        if value.dtype != x.dtype:
            raise dtype_mismatch("PadV2", x.dtype, value.dtype, 2)
        return call(op, _constant_pad, (x, value), x, pads, value)
    return call(op, _mirror_pad, (x,), x, pads, kind == "REFLECT")


# ---------------------------------------------------------------------------
# Grids, encodings and contractions


def _meshgrid(tensors: List[torch.Tensor], indexing: str) -> List[torch.Tensor]:
    return [t.clone() for t in torch.meshgrid(*tensors, indexing=indexing)]


def meshgrid(*args: Any, **kwargs: Any) -> List[torch.Tensor]:
    """N-D coordinate arrays from 1-D coordinate vectors.

    With `indexing="xy"` (the default, Cartesian) the first two outputs have their
    first two dimensions swapped relative to `indexing="ij"` (matrix).

    >>> import tftape_torch as tf
    >>> X, Y = tf.meshgrid([1, 2, 3], [4, 5])
    >>> print(X)
    tf.Tensor(
    [[1 2 3]
     [1 2 3]], shape=(2, 3), dtype=int32)

    Raises:
      TypeError: for an unknown keyword argument.
      ValueError: for an `indexing` other than "xy" or "ij".
      InvalidArgumentError: if the inputs have different dtypes.
    """
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        key = next(iter(kwargs))
        raise TypeError(f"'{key}' is an invalid keyword argument for this function")
    if indexing not in ("xy", "ij"):
        raise ValueError(
            f"Argument `indexing` parameter must be either 'xy' or 'ij', got '{indexing}'"
        )
    if not args:
        return []
    tensors = [as_tensor(a) for a in args]
    dtype = tensors[0].dtype
    for index, t in enumerate(tensors):
        if t.dtype != dtype:
            raise dtype_mismatch("Mul", dtype, t.dtype, 1 if index else 0)
    flat = [_flatten(t) for t in tensors]
    return _as_list(call("Meshgrid", _meshgrid, flat, flat, indexing))


def _flatten(t: torch.Tensor) -> torch.Tensor:
    return t if t.dim() == 1 else call("Reshape", torch.reshape, (t,), t, [-1])


def _one_hot(
    idx: torch.Tensor, depth: int, on: Optional[torch.Tensor], off: Any, axis: int
) -> torch.Tensor:
    """`one_hot`'s body; `on` None for the default values (then `off` is the dtype)."""
    hits = idx.unsqueeze(-1) == torch.arange(depth, device=idx.device)  # (int64 compare)
    if on is None:  # the default values, 1 and 0: the hits themselves
        out = hits.to(off)
    else:
        out = torch.where(hits, on.detach(), off.detach())  # (TF: no gradient for either)
    if axis != -1 and axis != idx.dim():
        out = torch.movedim(out, -1, axis)
    return out


def one_hot(
    indices: Any,
    depth: Any,
    on_value: Any = None,
    off_value: Any = None,
    axis: Any = None,
    dtype: Any = None,
    name: Optional[str] = None,
) -> torch.Tensor:
    """A one-hot tensor: `on_value` at each index's position along a new axis, else `off_value`.

    Indices outside `[0, depth)` give a row of `off_value`. The dtype is `dtype`, else
    that of `on_value` or `off_value`, else float32.

    >>> import tftape_torch as tf
    >>> print(tf.one_hot([0, 2, -1], 3))
    tf.Tensor(
    [[1. 0. 0.]
     [0. 0. 1.]
     [0. 0. 0.]], shape=(3, 3), dtype=float32)

    Raises:
      TypeError: if `on_value` and `off_value` have different dtypes, or not `dtype`.
      InvalidArgumentError: for non-integer `indices`, or an `axis` out of range.
    """
    idx = as_tensor(indices)
    if idx.dtype not in (torch.uint8, torch.int8, torch.int32, torch.int64):
        raise InvalidArgumentError(
            None,
            None,
            f"Value for attr 'TI' of {dtype_name(idx.dtype)} is not in the list of allowed "
            "values: uint8, int8, int32, int64 [Op:OneHot]",
        )
    on_t = None if on_value is None else as_tensor(on_value, _dtype_or_none(dtype))
    off_t = None if off_value is None else as_tensor(off_value, _dtype_or_none(dtype))
    if on_t is not None and off_t is not None and on_t.dtype != off_t.dtype:
        raise TypeError(
            f"dtype {dtype_repr(on_t.dtype)} of on_value does not match dtype "
            f"{dtype_repr(off_t.dtype)} of off_value"
        )
    resolved = (
        as_dtype(dtype) if dtype is not None
        else on_t.dtype if on_t is not None
        else off_t.dtype if off_t is not None
        else float32
    )
    for label, value in (("on_value", on_t), ("off_value", off_t)):
        if value is not None and value.dtype != resolved:
            raise TypeError(
                f"dtype {dtype_repr(value.dtype)} of {label} does not match dtype parameter "
                f"{dtype_repr(resolved)}"
            )
    if resolved == torch.bool and (on_t is None or off_t is None):
        # TF converts the default values 1 and 0 to `dtype`: not to bool.
        raise TypeError(f"Cannot convert {1 if on_t is None else 0} to EagerTensor of dtype bool")
    if on_t is not None or off_t is not None:
        dev = idx.device
        if on_t is None:
            on_t = fresh(torch.ones((), dtype=resolved, device=dev))
        if off_t is None:
            off_t = fresh(torch.zeros((), dtype=resolved, device=dev))
    count = _int_list(depth)[0]
    if count < 0:
        raise _error(f"depth must be non-negative, got: {count}", "OneHot")
    dim = -1 if axis is None else int(axis)
    rank_ = idx.dim()
    if not -1 <= dim <= rank_:
        raise _error(f"Expected axis to be -1 or between [0, {rank_ + 1}).  But received: "
                     f"{dim}", "OneHot")
    if on_t is None:
        return call("OneHot", _one_hot, (idx,), idx, count, None, resolved, dim)
    return call("OneHot", _one_hot, (idx, on_t, off_t), idx, count, on_t, off_t, dim)


def _dtype_or_none(dtype: Any) -> Optional[torch.dtype]:
    return None if dtype is None else as_dtype(dtype)


def _sequence_mask(lengths: torch.Tensor, maxlen: int, dtype: torch.dtype) -> torch.Tensor:
    steps = torch.arange(maxlen, device=lengths.device, dtype=lengths.dtype)
    return (steps < lengths.unsqueeze(-1)).to(dtype)


def sequence_mask(
    lengths: Any, maxlen: Any = None, dtype: Any = torch.bool, name: Optional[str] = None
) -> torch.Tensor:
    """A mask of the first `lengths[i]` positions of each row (of `maxlen` positions).

    >>> import tftape_torch as tf
    >>> print(tf.sequence_mask([1, 3], 4))
    tf.Tensor(
    [[ True False False False]
     [ True  True  True False]], shape=(2, 4), dtype=bool)

    `maxlen` defaults to the largest length.
    """
    x = as_tensor(lengths)
    if x.dtype not in (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8):
        raise disallowed("Less", x.dtype, "int8, int16, int32, int64, uint8")
    if maxlen is None:
        with _DisableSubclass():
            width = int(x.max().item()) if x.numel() else 0
        width = builtins.max(width, 0)
    else:
        width = _int_list(maxlen)[0]
    return call("SequenceMask", _sequence_mask, (x,), x, width, as_dtype(dtype))


def einsum(equation: str, *inputs: Any, **kwargs: Any) -> torch.Tensor:
    """A tensor contraction given by an Einstein-summation `equation` ("ij,jk->ik").

    >>> import tftape_torch as tf
    >>> print(tf.einsum("ij,j->i", [[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0]))
    tf.Tensor([3. 7.], shape=(2,), dtype=float32)

    Raises:
      ValueError: if the number of inputs does not match `equation`.
      InvalidArgumentError: for mismatched dtypes or dimensions.
    """
    kwargs.pop("name", None)
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(f"Invalid keyword arguments for this function: {sorted(kwargs)}")
    text = str(equation).replace(" ", "")
    wanted = text.split("->")[0].count(",") + 1
    if wanted != len(inputs):
        raise ValueError(
            f'Got {len(inputs)} inputs for equation "{equation}", expecting {wanted}'
        )
    lhs, arrow, rhs = text.partition("->")
    for label in rhs if arrow else "":
        if label.isalpha() and label not in lhs:
            raise ValueError(f"Output subscripts contain the label {label} not present in the "
                             "input subscripts.")
    if inputs:  # inline (`_op_call.call_inline`): floating tensors of one dtype
        result = call_inline(torch.einsum, inputs, text, *inputs)
        if result is not None:
            return result
    tensors = same_dtype(inputs, "Einsum")
    return call("Einsum", _einsum, tensors, text, *tensors)


def _einsum(equation: str, *tensors: torch.Tensor) -> torch.Tensor:
    """`torch.einsum`, with integer products on CUDA (which has no integer `bmm`)
    made on the CPU, where TF runs integer einsums too."""
    first = tensors[0]
    if first.is_cpu or first.dtype.is_floating_point or first.dtype.is_complex:
        return torch.einsum(equation, *tensors)
    return torch.einsum(equation, *(t.cpu() for t in tensors)).to(first.device)


# ---------------------------------------------------------------------------
# Shapes as values: broadcasting, several shapes at once, flat indices


def broadcast_static_shape(shape_x: Any, shape_y: Any) -> TensorShape:
    """The `TensorShape` two shapes broadcast to.

    >>> import tftape_torch as tf
    >>> tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([3]))
    TensorShape([2, 3])

    Raises:
      ValueError: the shapes do not broadcast.
    """
    a, b = TensorShape(shape_x), TensorShape(shape_y)
    try:
        return TensorShape(list(torch.broadcast_shapes(tuple(a.as_list()), tuple(b.as_list()))))
    except RuntimeError:
        raise ValueError(f"Incompatible shapes for broadcasting. Two shapes are compatible "
                         f"if for each dimension pair they are either equal or one of them "
                         f"is 1. Received: {a} and {b}.") from None


def broadcast_dynamic_shape(shape_x: Any, shape_y: Any) -> torch.Tensor:
    """The shape (an int32 vector) two shapes given as vectors broadcast to.

    >>> import tftape_torch as tf
    >>> print(tf.broadcast_dynamic_shape(tf.constant([2, 1]), tf.constant([3])))
    tf.Tensor([2 3], shape=(2,), dtype=int32)

    Raises:
      InvalidArgumentError: the shapes do not broadcast.
    """
    x, y = as_tensor(shape_x), as_tensor(shape_y)
    try:
        dims = torch.broadcast_shapes(tuple(_int_list(x)), tuple(_int_list(y)))
    except RuntimeError:
        raise _error(f"Incompatible shapes: {_int_list(x)} vs. {_int_list(y)}",
                     "BroadcastArgs") from None
    return as_eager(torch.tensor(list(dims), dtype=x.dtype, device=x.device))


def shape_n(input: Any, out_type: Any = torch.int32, name: Optional[str] = None
            ) -> List[torch.Tensor]:
    """The shape of each tensor of `input`, as a list of vectors.

    >>> import tftape_torch as tf
    >>> print(tf.shape_n([tf.ones([2, 3]), tf.ones([1])])[0])
    tf.Tensor([2 3], shape=(2,), dtype=int32)
    """
    kind = as_dtype(out_type)
    tensors = [as_tensor(t) for t in input]
    return [as_eager(torch.tensor(list(t.shape), dtype=kind, device=t.device))
            for t in tensors]


def _unravel(indices: torch.Tensor, dims: List[int]) -> torch.Tensor:
    rows = []
    rest = indices.to(torch.int64)
    for size in reversed(dims):
        rows.append(torch.remainder(rest, size))
        rest = torch.div(rest, size, rounding_mode="floor")
    return torch.stack(rows[::-1]).to(indices.dtype)


def unravel_index(indices: Any, dims: Any, name: Optional[str] = None) -> torch.Tensor:
    """The coordinates of flat `indices` in an array of shape `dims`, one row per
    dimension.

    >>> import tftape_torch as tf
    >>> print(tf.unravel_index(tf.constant([5, 7]), tf.constant([3, 4])))
    tf.Tensor(
    [[1 1]
     [1 3]], shape=(2, 2), dtype=int32)

    Raises:
      InvalidArgumentError: an index is outside `prod(dims)`.
    """
    idx = as_tensor(indices)
    sizes = _int_list(dims)
    total = 1
    for size in sizes:
        total *= size
    with _DisableSubclass():
        flat = idx.reshape(-1).tolist()
    if any(not 0 <= int(v) < total for v in flat):
        raise _error("index is out of bound as with dims", "UnravelIndex")
    return call("UnravelIndex", _unravel, (idx,), idx, sizes)


def _reverse_sequence(x: torch.Tensor, lengths: List[int], seq_axis: int, batch_axis: int
                      ) -> torch.Tensor:
    pieces = []
    for b, n in enumerate(lengths):
        row = torch.select(x, batch_axis, b)
        axis = seq_axis - (1 if seq_axis > batch_axis else 0)
        head = torch.flip(torch.narrow(row, axis, 0, n), [axis])
        tail = torch.narrow(row, axis, n, row.shape[axis] - n)
        pieces.append(torch.cat([head, tail], axis))
    return torch.stack(pieces, batch_axis)


def reverse_sequence(input: Any, seq_lengths: Any, seq_axis: Any = None,
                     batch_axis: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """Reverses the first `seq_lengths[b]` entries along `seq_axis` of each slice `b`
    along `batch_axis` (default 0); the rest stays in place.

    >>> import tftape_torch as tf
    >>> print(tf.reverse_sequence(tf.constant([[1, 2, 3]]), [2], seq_axis=1))
    tf.Tensor([[2 1 3]], shape=(1, 3), dtype=int32)

    Raises:
      InvalidArgumentError: a length is negative or longer than the sequence axis.
    """
    x = as_tensor(input)
    lengths = _int_list(seq_lengths)
    seq = _axis_in(seq_axis if seq_axis is not None else 1, x.dim(), "ReverseSequence")
    batch = _axis_in(batch_axis if batch_axis is not None else 0, x.dim(), "ReverseSequence")
    if len(lengths) != x.shape[batch]:
        raise _error(f"Length of seq_lengths != input.dims({batch}), "
                     f"({len(lengths)} vs. {x.shape[batch]})", "ReverseSequence")
    for b, n in enumerate(lengths):
        if not 0 <= n <= x.shape[seq]:
            raise _error(f"seq_lengths[{b}] > input.dims({seq})", "ReverseSequence")
    return call("ReverseSequence", _reverse_sequence, (x,), x, lengths, seq, batch)
