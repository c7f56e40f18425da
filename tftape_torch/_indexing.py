"""TF's `__getitem__`: strided slices, with TF's index rules, errors and gradients.

TF reads `x[spec]` as one `StridedSlice` (or, for a boolean mask, `boolean_mask`):

* a Python list means what a tuple means (`x[[0, 1]]` is `x[0, 1]`, not rows 0 and 1);
* an entry is an integer (a Python or NumPy int, a 0-d int32/int64 tensor), a slice
  (whose start, stop and step are such integers or `None`), `...` or `tf.newaxis`;
  anything else is a `TypeError`;
* slices may step backwards (`x[::-1]`) and clamp to the dimension as Python's do;
* an integer out of range, a zero step, more indices than dimensions, or indexing a
  scalar are TF's `InvalidArgumentError`s.

`parse` checks a spec against a shape and returns the `Slicing` that `apply` runs on a
tensor with torch's own (differentiable) ops: a `flip` for the dimensions that step
backwards, then torch's basic indexing with forward steps only. Its gradient is TF's
(the incoming gradient scattered into zeros). `positions` gives the flat positions a
slice covers, which is what a Variable's sliced `assign` writes.

>>> import torch
>>> slicing = parse((slice(None), slice(None, None, -1)), (2, 3))
>>> apply(torch.arange(6).reshape(2, 3), slicing).tolist()
[[2, 1, 0], [5, 4, 3]]
>>> parse([0, 1], (2, 3)).index
(0, 1)
"""

from __future__ import annotations

import numbers
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    TensorBase as _Base,
)
from tftape_torch.errors import InvalidArgumentError

__all__ = ["Slicing", "apply", "parse", "positions"]

_INDEX_DTYPES = (torch.int32, torch.int64)
_NUMPY_INDEX_KINDS = "iu"


class Slicing:
    """A checked index spec: the dimensions to flip, then a torch basic index.

    `mask` is set instead for a boolean-mask spec (TF's `boolean_mask`).
    """

    __slots__ = ("flips", "index", "mask")

    def __init__(
        self,
        flips: List[int],
        index: Tuple[Any, ...] = (),
        mask: Optional[torch.Tensor] = None,
    ) -> None:
        self.flips = flips
        self.index = index
        self.mask = mask


def _type_error(item: Any) -> TypeError:
    return TypeError(
        "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
        f"tf.int32/tf.int64 tensors are valid indices, got {item!r}"
    )


def _op_error(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(None, None, f"{message} [Op:StridedSlice] name: strided_slice/")


def _integer(item: Any) -> int:
    """An index entry (or slice bound) as a Python int, checked as TF's `_check_index`."""
    if type(item) is int:
        return item
    if isinstance(item, numbers.Integral):  # Python and NumPy ints (and bools)
        return int(item)
    if isinstance(item, torch.Tensor):
        with _DisableSubclass():
            dtype, rank = item.dtype, item.dim()
            if dtype in _INDEX_DTYPES and rank != 1:
                if rank != 0:
                    raise _op_error(
                        "Expected begin, end, and strides to be 1D equal size tensors, but got "
                        f"shapes {list(item.shape)}, {list(item.shape)}, and [1] instead."
                    )
                return int(item.item())
    elif isinstance(item, np.ndarray) and item.dtype.kind in _NUMPY_INDEX_KINDS and item.ndim == 0:
        return int(item)
    raise _type_error(item)


def _is_mask(spec: Any) -> bool:
    if isinstance(spec, bool):
        return True
    if isinstance(spec, torch.Tensor):
        with _DisableSubclass():
            return spec.dtype == torch.bool
    return isinstance(spec, np.ndarray) and spec.dtype == np.bool_


def _mask(spec: Any, shape: Sequence[int]) -> Slicing:
    """TF's `boolean_mask` spec, checked against `shape`."""
    if isinstance(spec, bool):
        raise ValueError("mask cannot be scalar.")
    with _DisableSubclass():
        mask = spec.detach() if isinstance(spec, torch.Tensor) else torch.from_numpy(spec)
        rank = mask.dim()
    if rank == 0:
        raise ValueError("mask cannot be scalar.")
    if len(shape) < rank or list(shape[:rank]) != list(mask.shape):
        raise ValueError(
            f"Shapes {tuple(shape[:rank])} and {tuple(mask.shape)} are incompatible"
        )
    return Slicing([], mask=mask)


def parse(spec: Any, shape: Sequence[int]) -> Slicing:
    """Check `spec` (what `x[spec]` was given) against `shape`, as TF does.

    Raises:
      TypeError: for an entry that is no valid index (a float, a string, a list, a
        1-D tensor).
      InvalidArgumentError: for an index out of range, a zero step, more indices than
        dimensions, several ellipses, or any index into a scalar.
      ValueError: for a scalar boolean mask or one of the wrong shape.
    """
    kind = type(spec)
    rank = len(shape)
    if kind is int:  # the common `x[i]`
        if rank == 0:
            raise _op_error("Attempting to slice scalar input.")
        size = shape[0]
        if not -size <= spec < size:
            raise _op_error(f"slice index {spec} of dimension 0 out of bounds.")
        return Slicing(_NO_FLIPS, (spec % size,))
    if kind is slice and rank:  # the common `x[1:]`, `x[:-1]`, `x[::2]`: torch's own
        start, stop, step = spec.start, spec.stop, spec.step
        if ((start is None or type(start) is int) and (stop is None or type(stop) is int)
                and (step is None or (type(step) is int and step > 0))):
            return Slicing(_NO_FLIPS, (spec,))
    if kind is tuple or kind is list:
        items = spec
    elif _is_mask(spec):
        return _mask(spec, shape)
    else:
        items = (spec,)
    # Check every entry's type first, as TF's Python layer does before running the op.
    entries: List[Any] = []
    used = 0  # entries that consume a dimension
    ellipses = 0
    for item in items:
        kind = type(item)
        if kind is int:
            used += 1
        elif kind is slice:
            if not (
                (item.start is None or type(item.start) is int)
                and (item.stop is None or type(item.stop) is int)
                and (item.step is None or type(item.step) is int)
            ):
                item = slice(*(None if c is None else _integer(c)
                               for c in (item.start, item.stop, item.step)))
            used += 1
        elif item is Ellipsis:
            ellipses += 1
        elif item is not None:
            item = _integer(item)
            used += 1
        entries.append(item)
    if ellipses > 1:
        raise _op_error("Multiple ellipses in slice spec not allowed")
    if used and rank == 0:
        raise _op_error("Attempting to slice scalar input.")
    if used > rank:
        raise _op_error(f"Index out of range using input dim {rank}; input has only {rank} dims")
    flips: List[int] = _NO_FLIPS
    index: List[Any] = []
    dim = 0
    for position, item in enumerate(entries):
        kind = type(item)
        if kind is int:
            size = shape[dim]
            if not -size <= item < size:
                raise _op_error(f"slice index {item} of dimension {dim} out of bounds.")
            index.append(item % size)
            dim += 1
        elif kind is slice:
            step = item.step
            if step is None or step > 0:
                index.append(item)  # torch clamps forward slices as Python and TF do
            elif step == 0:
                raise _op_error(f"strides[{position}] must be non-zero")
            else:
                size = shape[dim]
                start, stop, step = item.indices(size)
                if flips is _NO_FLIPS:
                    flips = []
                flips.append(dim)
                start, stop = size - 1 - start, size - 1 - stop
                index.append(slice(start, max(start, stop), -step))
            dim += 1
        elif item is Ellipsis:
            index.append(Ellipsis)
            dim = rank - (used - dim)  # skip the dimensions the ellipsis stands for
        else:
            index.append(None)
    return Slicing(flips, tuple(index))


_NO_FLIPS: List[int] = []  # shared, never changed


def apply(tensor: torch.Tensor, slicing: Slicing) -> torch.Tensor:
    """`tensor` sliced as `slicing` says, with torch's own differentiable ops.

    Runs with torch functions disabled: `tensor` is what the op reads (for a Variable,
    its read).
    """
    with _DisableSubclass():
        if slicing.mask is not None:
            return _Base.__getitem__(tensor, slicing.mask.to(tensor.device))
        if slicing.flips:
            tensor = torch.flip(tensor, slicing.flips)
        return _Base.__getitem__(tensor, slicing.index)


def positions(shape: Sequence[int], slicing: Slicing, device: torch.device) -> torch.Tensor:
    """The flat positions (in a tensor of `shape`) that `slicing` selects, in its order."""
    with _DisableSubclass():
        numel = 1
        for size in shape:
            numel *= size
        flat = torch.arange(numel, device=device).reshape(tuple(shape))
        return apply(flat, slicing)
