"""What a torch function does to a tensor argument: read its value, inspect it, or write it.

A Variable reads its value for ops that read it, and a ForwardAccumulator dualizes
the tensors such ops read; both ask `kind_of(func)`.

>>> import torch
>>> kind_of(torch.Tensor.add) == READ, kind_of(torch.Tensor.add_) == IN_PLACE
(True, True)
>>> kind_of(torch.Tensor.size) == ON_SELF
True
"""

from __future__ import annotations

import functools
from typing import Any, Callable

__all__ = ["IN_PLACE", "ON_SELF", "READ", "SETTERS", "kind_of"]

#: The op computes from the tensor's value.
READ = 0
#: The op only inspects the tensor (its size, storage, hooks): nothing is read.
ON_SELF = 1
#: The op writes the tensor in place (`add_`, `x[i] = v`, `.data = v`).
IN_PLACE = 2

#: Names of the descriptor calls that set an attribute (`.data =`, `.grad =`).
SETTERS = frozenset({"__set__", "__delete__"})

# Properties that compute a new, differentiable tensor from the value.
_VALUE_PROPERTIES = frozenset({"T", "mT", "H", "mH", "real", "imag"})
# Methods that only inspect: no read, nothing to record.
_INSPECTIONS = frozenset(
    {
        "size", "dim", "numel", "nelement", "element_size", "stride", "storage_offset",
        "is_contiguous", "is_floating_point", "is_complex", "data_ptr", "untyped_storage",
        "get_device", "__len__", "__array__", "__reduce_ex__", "__deepcopy__",
        "__format__", "is_shared", "is_pinned", "ndimension", "type", "_is_view",
        "register_hook", "register_post_accumulate_grad_hook", "__dlpack__",
        "__dlpack_device__", "_typed_storage", "storage",
    }
)
_IN_PLACE_DUNDERS = frozenset(
    {
        "__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__",
        "__ipow__", "__imatmul__", "__iand__", "__ior__", "__ixor__", "__ilshift__",
        "__irshift__", "__setitem__",
    }
)


@functools.cache
def kind_of(func: Callable[..., Any]) -> int:
    """`READ`, `ON_SELF` or `IN_PLACE`: what `func` does to its tensor arguments."""
    name = getattr(func, "__name__", "")
    if name == "__get__":
        owner = getattr(getattr(func, "__self__", None), "__name__", "")
        return READ if owner in _VALUE_PROPERTIES else ON_SELF
    if name in SETTERS:
        return IN_PLACE
    if name in _INSPECTIONS:
        return ON_SELF
    if name in _IN_PLACE_DUNDERS or (name.endswith("_") and not name.endswith("__")):
        return IN_PLACE
    return READ
