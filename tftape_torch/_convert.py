"""Python and NumPy values to tensors, with TF's dtype rules.

A Python float becomes float32, a Python int int32 (int64 when it does not fit), a
bool bool, a complex complex128; NumPy arrays keep their dtype; nested lists must be
uniform, as in TF. Values that do not fit the requested dtype raise TF's errors.

>>> import torch
>>> convert_value([1, 2]).dtype, convert_value(1.5).dtype
(torch.int32, torch.float32)
"""

from __future__ import annotations

import math
from typing import Any, Dict, Optional

import numpy as np
import torch

from tftape_torch._device import current_device
from tftape_torch._dtypes import COMPLEX, INEXACT, dtype_name, kernel_name
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch.errors import InvalidArgumentError

__all__ = ["cannot_convert", "convert_value"]

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_FLOAT32_MAX = float(np.finfo(np.float32).max)



def _unsupported(value: Any) -> Exception:
    if value is None or not isinstance(value, (str, bytes)):
        return ValueError(
            f"Attempt to convert a value ({value!r}) with an unsupported type "
            f"({type(value)!r}) to a Tensor."
        )
    return TypeError(
        f"tftape_torch has no string tensors: cannot convert {value!r} to a Tensor; in torch, "
        "keep text as Python `str` values, or tokenize it to integer tensors."
    )


def cannot_convert(value: Any, dtype: torch.dtype) -> TypeError:
    return TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype_name(dtype)}")


def _scan(value: Any, found: Dict[str, Any]) -> None:
    """Record what kinds of leaves a nested list holds (for dtype inference)."""
    kind = type(value)
    if kind is bool:
        found["bool"] = True
    elif kind is int:
        found["int"] = True
        if not _INT32_MIN <= value <= _INT32_MAX:
            found["big"] = True
    elif kind is float:
        found["float"] = True
    elif kind is complex:
        found["complex"] = True
    elif isinstance(value, (list, tuple)):
        for item in value:
            _scan(item, found)
    elif isinstance(value, torch.Tensor):
        found.setdefault("tensor", value.dtype)
    elif isinstance(value, (np.ndarray, np.generic)):
        found.setdefault("numpy", value.dtype)
    elif isinstance(value, bool):  # a subclass of bool
        found["bool"] = True
    elif isinstance(value, int):
        found["int"] = True
    elif isinstance(value, float):
        found["float"] = True
    else:
        raise _unsupported(value)


def _python_dtype(found: Dict[str, Any]) -> torch.dtype:
    if "tensor" in found:
        return found["tensor"]
    if "numpy" in found:
        return torch.from_numpy(np.empty(0, dtype=found["numpy"])).dtype
    if found.get("complex"):
        return torch.complex128
    if found.get("float"):
        return torch.float32
    if found.get("int"):
        return torch.int64 if found.get("big") else torch.int32
    if found.get("bool"):
        return torch.bool
    return torch.float32  # [] is float32 in TF


def _check_python(value: Any, found: Dict[str, Any], dtype: torch.dtype) -> None:
    """TF refuses to convert a Python float into an int/bool tensor, an int into bool."""
    if dtype in INEXACT:
        if found.get("complex") and dtype not in COMPLEX:
            raise cannot_convert(value, dtype)
        return
    if found.get("float") or found.get("complex"):
        raise cannot_convert(value, dtype)
    if dtype == torch.bool and found.get("int"):
        raise cannot_convert(value, dtype)


def _pack(
    value: Any, dtype: torch.dtype, device: Optional[torch.device], inferred: bool, index: int = 0
) -> torch.Tensor:
    """A nested list holding tensors, stacked (differentiably) into one tensor.

    TF packs such a list with a `Pack` op, which reads each Variable in it the way
    every op does: a tensor that has a `read_value()` (a Variable) is packed through
    that read, which the tapes watching it record. With `inferred` (`dtype` is the
    first tensor's), a tensor of another dtype is `Pack`'s error, as in TF.
    """
    if isinstance(value, torch.Tensor):
        read_value = getattr(type(value), "read_value", None)
        if read_value is not None:
            value = read_value(value)
        with _DisableSubclass():
            if value.dtype != dtype:
                if inferred:
                    raise InvalidArgumentError(
                        None, None,
                        f"cannot compute Pack as input #{index}(zero-based) was expected to be "
                        f"a {kernel_name(dtype)} tensor but is a {kernel_name(value.dtype)} "
                        "tensor [Op:Pack] name: packed",
                    )
                raise cannot_convert(value, dtype)
            return value if device is None else value.to(device)
    if isinstance(value, (list, tuple)):
        parts = [
            _pack(item, dtype, device, inferred, position) for position, item in enumerate(value)
        ]
        with _DisableSubclass():
            try:
                return torch.stack(parts)
            except RuntimeError as e:
                raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from e
    return convert_value(value, dtype, device)


def convert_value(
    value: Any, dtype: Optional[torch.dtype] = None, device: Optional[torch.device] = None
) -> torch.Tensor:
    """A new plain tensor holding a Python or NumPy value, with TF's dtype rules.

    A Python float becomes float32, an int int32 (int64 when it does not fit), a bool
    bool; NumPy values keep their dtype; nested lists take the widest of their leaves.
    With `dtype`, Python values convert only where TF converts them (a float never
    into an int tensor). `device` defaults to the current `tf.device`.

    >>> convert_value(1.0).dtype, convert_value(1).dtype, convert_value([1, 2.5]).dtype
    (torch.float32, torch.int32, torch.float32)
    >>> convert_value(1.5, torch.int32)
    Traceback (most recent call last):
    ...
    TypeError: Cannot convert 1.5 to EagerTensor of dtype int32

    Raises:
      TypeError: if TF refuses to convert the value to `dtype`.
      ValueError: for ragged lists, out-of-range numbers and unsupported objects.
    """
    if device is None:
        device = current_device()
    kind = type(value)
    if kind is float:
        if dtype is None:
            dtype = torch.float32
        elif dtype not in INEXACT:
            raise cannot_convert(value, dtype)
        if (dtype == torch.float32 or dtype == torch.float16) and abs(value) > _FLOAT32_MAX:
            if not math.isinf(value):
                raise ValueError(
                    "Can't convert Python sequence with a value out of range for a "
                    "double-precision float."
                )
        return torch.tensor(value, dtype=dtype, device=device)
    if kind is int:
        if dtype is None:
            if _INT32_MIN <= value <= _INT32_MAX:
                dtype = torch.int32
            elif _INT64_MIN <= value <= _INT64_MAX:
                dtype = torch.int64
            else:
                raise ValueError(
                    "Can't convert Python sequence with out-of-range integer to Tensor."
                )
        elif dtype == torch.bool:
            raise cannot_convert(value, dtype)
        try:
            return torch.tensor(value, dtype=dtype, device=device)
        except RuntimeError as e:
            raise ValueError(
                f"Can't convert Python sequence with out-of-range integer to {dtype_name(dtype)} "
                "Tensor."
            ) from e
    if kind is bool:
        return torch.tensor(value, dtype=torch.bool if dtype is None else dtype, device=device)
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind in "OSUV":
            raise _unsupported(value)
        if any(stride < 0 for stride in array.strides):  # `x[::-1]`: torch takes no such view
            array = np.ascontiguousarray(array)
        return torch.tensor(array, dtype=dtype, device=device)
    if isinstance(value, torch.Tensor):
        with _DisableSubclass():
            if dtype is not None and value.dtype != dtype:
                raise cannot_convert(value, dtype)
            return value if device is None else value.to(device)
    if isinstance(value, (list, tuple)):
        found: Dict[str, Any] = {}
        _scan(value, found)
        if "tensor" in found:
            if dtype is None:
                return _pack(value, found["tensor"], device, inferred=True)
            return _pack(value, dtype, device, inferred=False)
        if dtype is None:
            dtype = _python_dtype(found)
        elif "numpy" not in found:
            _check_python(value, found, dtype)
        try:
            array = np.array(value)
        except ValueError as e:
            raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from e
        if array.dtype.kind in "OSUV":
            raise ValueError("Can't convert non-rectangular Python sequence to Tensor.")
        return torch.tensor(array, dtype=dtype, device=device)
    if isinstance(value, bool):  # subclasses of the Python number types
        return convert_value(bool(value), dtype, device)
    if isinstance(value, int):
        return convert_value(int(value), dtype, device)
    if isinstance(value, float):
        return convert_value(float(value), dtype, device)
    if isinstance(value, complex):
        return torch.tensor(
            value, dtype=torch.complex128 if dtype is None else dtype, device=device
        )
    convert = getattr(type(value), "__tf_tensor__", None)
    if convert is not None:  # TF's conversion protocol: `tf.IndexedSlices` densifies
        out: torch.Tensor = convert(value, dtype)
        return out
    if hasattr(value, "__array__"):
        return convert_value(np.asarray(value), dtype, device)
    raise _unsupported(value)


# ---------------------------------------------------------------------------
# Operator rules (TF's dtype checks, integer true division, TF's gradients)
