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
from tftape_torch._dtypes import COMPLEX, INEXACT, kernel_name
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch.errors import InvalidArgumentError

__all__ = ["cannot_convert", "convert_value"]

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
#: The smallest magnitude a double rounds up to float32's infinity from (halfway
#: between float32's largest value and 2**128): 3.4028235e38 is float32's largest.
_FLOAT32_OVERFLOW = float.fromhex("0x1.ffffffp+127")
#: dtypes TF's converters take a Python bool into (others: TypeError).
_FROM_BOOL = frozenset({torch.bool, torch.int32, torch.int64, torch.float16, torch.float32,
                        torch.float64, torch.complex128})
_OUT_OF_RANGE_INT = "Can't convert Python sequence with out-of-range integer to Tensor."
_MIXED = "Can't convert Python sequence with mixed types to Tensor."
_FLOAT_OUT_OF_RANGE = (
    "Can't convert Python sequence with a value out of range for a double-precision float.")


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
    return TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {kernel_name(dtype)}")


def _fits_int64(value: int) -> bool:
    return _INT64_MIN <= value <= _INT64_MAX


def _int_into(value: int, dtype: torch.dtype, device: Optional[torch.device]) -> torch.Tensor:
    """A Python int torch would not convert into `dtype` as TF converts it: an int64
    first (beyond it, TF's ValueError), then a C cast, which wraps (300 -> uint8 44);
    a floating dtype takes the nearest float."""
    if dtype.is_floating_point or dtype.is_complex:
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(_OUT_OF_RANGE_INT) from None
        return torch.tensor(number, dtype=dtype, device=device)
    if not _fits_int64(value):
        raise ValueError(_OUT_OF_RANGE_INT)
    return torch.tensor(value, dtype=torch.int64, device=device).to(dtype)


def _scan(value: Any, found: Dict[str, Any]) -> None:
    """Record what kinds of leaves a nested list holds (for dtype inference)."""
    kind = type(value)
    if kind is bool:
        found["bool"] = True
        found.setdefault("first", bool)
    elif kind is int:
        found["int"] = True
        found.setdefault("first", int)
        if not _INT32_MIN <= value <= _INT32_MAX:
            found["big"] = True
            if not _fits_int64(value):
                found["huge"] = True
    elif kind is float:
        found["float"] = True
        found.setdefault("first", float)
        if (value >= _FLOAT32_OVERFLOW or value <= -_FLOAT32_OVERFLOW) and not math.isinf(value):
            found["wide"] = True  # beyond float32 (NaN compares False)
    elif kind is complex:
        found["complex"] = True
        found.setdefault("first", complex)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _scan(item, found)
    elif isinstance(value, torch.Tensor):
        found.setdefault("tensor", value.dtype)
    elif isinstance(value, (np.ndarray, np.generic)):
        _scan_numpy(value, found)
    elif isinstance(value, bool):  # a subclass of bool
        found["bool"] = True
    elif isinstance(value, int):
        found["int"] = True
    elif isinstance(value, float):
        found["float"] = True
    else:
        raise _unsupported(value)


def _scan_numpy(value: Any, found: Dict[str, Any]) -> None:
    """A NumPy scalar or array inside a list, as TF's inference reads its leaves: an
    integer is an int (int32 when it fits), a NumPy bool a bool no number may join, a
    float a float that, first, keeps its own width (`[np.float64(1.0), 2]` is float64,
    `[1, np.float64(2.5)]` float32), a complex number a complex one (complex128)."""
    found["numpy"] = True
    array = np.asarray(value)
    if array.size == 0:
        return  # no leaves
    kind = array.dtype.kind
    if kind == "b":
        found["npbool"] = True
        found.setdefault("first", np.bool_)
    elif kind in "iu":
        found["int"] = True
        found.setdefault("first", int)
        low, high = int(array.min()), int(array.max())
        if low < _INT32_MIN or high > _INT32_MAX:
            found["big"] = True
    elif kind == "f":
        found["float"] = True
        found.setdefault("first", array.dtype)
    elif kind == "c":
        found["complex"] = True
        found.setdefault("first", complex)
    else:
        raise _unsupported(value)


def _python_dtype(found: Dict[str, Any]) -> torch.dtype:
    """The dtype TF infers for a list from the kinds of its leaves (`_scan`), widening
    from the first: ints become floats when a float follows."""
    if "tensor" in found:
        return found["tensor"]
    first = found.get("first")
    if first is complex or found.get("complex"):
        return torch.complex128
    if first is bool or first is np.bool_:
        return torch.bool
    if isinstance(first, np.dtype):  # a NumPy float first: its own width
        return torch.from_numpy(np.empty(0, dtype=first)).dtype
    if found.get("float"):
        return torch.float32
    if found.get("int"):
        return torch.int64 if found.get("big") else torch.int32
    return torch.float32  # [] is float32 in TF


def _check_mixed(found: Dict[str, Any]) -> None:
    """TF's error for a list of Python values whose dtype it cannot infer. TF's
    inference reads the leaves in order and widens from the first: after a bool only
    bools may follow, and a complex number only a complex first leaf admits
    (`[1j, 2.0]` is complex128, `[2.0, 1j]` and `[True, 2]` raise, `[2, True]` is int32)."""
    first = found.get("first")
    numbers = found.get("int") or found.get("float") or found.get("complex")
    if (first is bool or first is np.bool_) and numbers:
        raise ValueError(_MIXED)
    if found.get("npbool") and first is not bool and first is not np.bool_:
        raise ValueError(_MIXED)  # a NumPy bool is no int (a Python bool is)
    if found.get("complex") and first is not complex:
        raise ValueError(_MIXED)


def _big_ints(
    value: Any,
    found: Dict[str, Any],
    dtype: torch.dtype,
    device: Optional[torch.device],
    inferred: bool,
) -> torch.Tensor:
    """A list holding ints beyond int32, as TF converts it: into a requested floating
    dtype as floats; otherwise through int64 (beyond it, TF's ValueError), cast with
    wrapping."""
    floating = dtype.is_floating_point or dtype.is_complex
    # Inferring, TF widens from the first leaf: ints beyond int64 after a float first
    # leaf are floats (`[2.0, 2**70]`), before it out of range (`[2**70, 2.0]`).
    inferred_int = inferred and found.get("first") is not float
    if found.get("huge") and (inferred_int or not floating):
        raise ValueError(_OUT_OF_RANGE_INT)
    try:
        array = np.array(value, dtype=np.float64 if floating else np.int64)
    except OverflowError:
        raise ValueError(_OUT_OF_RANGE_INT) from None
    except ValueError as e:
        raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from e
    out = torch.tensor(array, device=device)
    return out if out.dtype == dtype else out.to(dtype)


def _holds(wanted: torch.dtype, inferred: torch.dtype) -> bool:
    """Whether TF casts a list inferred as `inferred` into `wanted` (its
    `IsCompatible`): integers into numbers, floats into floats and complex numbers,
    complex numbers and bools only into their own kind."""
    if wanted == inferred:
        return True
    if inferred == torch.bool or wanted == torch.bool:
        return False
    if inferred.is_complex:
        return wanted.is_complex
    if inferred.is_floating_point:
        return wanted.is_floating_point or wanted.is_complex
    return True  # an integer


def _check_python(value: Any, found: Dict[str, Any], dtype: torch.dtype) -> None:
    """TF refuses to convert a Python float into an int/bool tensor, an int into bool,
    a bool into the dtypes its converters lack (int8, uint8, int16, bfloat16,
    complex64), and, inferring a dtype, mixes bools or complex numbers with others."""
    if found.get("bool") and dtype not in _FROM_BOOL:
        raise cannot_convert(value, dtype)
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
    first tensor's), a tensor of another dtype is `Pack`'s error, as in TF; otherwise
    (another dtype was asked for) every tensor is cast to `dtype` first.
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
                # TF casts the tensors of a list converted to another dtype than its
                # first tensor's (`tf.cast`: a complex number's real part).
                if value.is_complex() and dtype not in COMPLEX:
                    value = torch.real(value)
                value = value.to(dtype)
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
            # An inferred float32 refuses what it cannot hold; a requested one rounds
            # to infinity, as TF's converter.
            if abs(value) >= _FLOAT32_OVERFLOW and not math.isinf(value):
                raise ValueError(_FLOAT_OUT_OF_RANGE)
            dtype = torch.float32
        elif dtype not in INEXACT:
            raise cannot_convert(value, dtype)
        return torch.tensor(value, dtype=dtype, device=device)
    if kind is int:
        if dtype is None:
            if _INT32_MIN <= value <= _INT32_MAX:
                dtype = torch.int32
            elif _INT64_MIN <= value <= _INT64_MAX:
                dtype = torch.int64
            else:
                raise ValueError(_OUT_OF_RANGE_INT)
        elif dtype == torch.bool:
            raise cannot_convert(value, dtype)
        try:
            return torch.tensor(value, dtype=dtype, device=device)
        except (RuntimeError, OverflowError, ValueError):
            return _int_into(value, dtype, device)
    if kind is bool:
        if dtype is None:
            dtype = torch.bool
        elif dtype not in _FROM_BOOL:
            raise cannot_convert(value, dtype)
        return torch.tensor(value, dtype=dtype, device=device)
    if kind is complex:
        if dtype is not None and dtype not in COMPLEX:
            raise cannot_convert(value, dtype)
        return torch.tensor(
            value, dtype=torch.complex128 if dtype is None else dtype, device=device
        )
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
            first = found["tensor"]
            if dtype is None or dtype == first:
                return _pack(value, first, device, inferred=True)
            return _pack(value, dtype, device, inferred=False)
        python = "numpy" not in found
        inferred = dtype is None
        if dtype is None:
            _check_mixed(found)
            dtype = _python_dtype(found)
        elif python:
            _check_python(value, found, dtype)
        else:
            # With NumPy leaves TF infers the list's dtype first, then casts it only
            # into a dtype that holds its kind (no float into an int, no bool into a
            # number).
            _check_mixed(found)
            if "first" in found and not _holds(dtype, _python_dtype(found)):
                raise cannot_convert(value, dtype)  # (a list of no leaves takes any)
        if python and found.get("big"):
            return _big_ints(value, found, dtype, device, inferred)
        try:
            array = np.array(value)
        except ValueError as e:
            raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from e
        if array.dtype.kind in "OSUV":
            raise ValueError("Can't convert non-rectangular Python sequence to Tensor.")
        if inferred and found.get("wide") and dtype == torch.float32:
            # An inferred float32 refuses what it cannot hold (asked for, it rounds).
            raise ValueError(_FLOAT_OUT_OF_RANGE)
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
