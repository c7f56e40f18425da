"""TensorFlow's dtype names, as `tf.float32`, `tf.int32`, ... and `tf.dtypes`.

The dtypes *are* torch's (`tf.float32 is torch.float32`), so `x.dtype == tf.float32`
holds for every tensor and any dtype can be passed straight to torch. What differs
from torch is only how they print in a tensor's `str()`/`repr()`: by TF's name
(`dtype=float32`), which `dtype_name` gives.

>>> import tftape_torch as tf
>>> tf.constant(1.0).dtype == tf.float32
True
>>> tf.dtypes.as_dtype("float64") is tf.float64
True
"""

from __future__ import annotations

import builtins
from typing import Any, Dict

import numpy as np
import torch

__all__ = [
    "DType",
    "as_dtype",
    "bfloat16",
    "bool",
    "complex64",
    "complex128",
    "double",
    "float16",
    "float32",
    "float64",
    "half",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
]

DType = torch.dtype

float16 = torch.float16
half = torch.float16
bfloat16 = torch.bfloat16
float32 = torch.float32
float64 = torch.float64
double = torch.float64
int8 = torch.int8
int16 = torch.int16
int32 = torch.int32
int64 = torch.int64
uint8 = torch.uint8
complex64 = torch.complex64
complex128 = torch.complex128
bool = torch.bool

# TF's `DType.name` of every dtype it shares with torch.
_NAMES: Dict[torch.dtype, str] = {
    torch.float16: "float16",
    torch.bfloat16: "bfloat16",
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int8: "int8",
    torch.int16: "int16",
    torch.int32: "int32",
    torch.int64: "int64",
    torch.uint8: "uint8",
    torch.uint16: "uint16",
    torch.uint32: "uint32",
    torch.uint64: "uint64",
    torch.complex64: "complex64",
    torch.complex128: "complex128",
    torch.bool: "bool",
}

# The names TF's kernels use in their error messages ("expected a float tensor").
_KERNEL_NAMES: Dict[torch.dtype, str] = {
    torch.float16: "half",
    torch.float32: "float",
    torch.float64: "double",
}

_BY_NAME: Dict[str, torch.dtype] = {name: dtype for dtype, name in _NAMES.items()}
_BY_NAME.update({"half": torch.float16, "double": torch.float64, "float": torch.float32})

FLOATING = frozenset({torch.float16, torch.bfloat16, torch.float32, torch.float64})
COMPLEX = frozenset({torch.complex64, torch.complex128})
INTEGER = frozenset(
    {torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.uint16,
     torch.uint32, torch.uint64}
)
INEXACT = FLOATING | COMPLEX


def dtype_name(dtype: torch.dtype) -> str:
    """TF's name of a dtype: `float32`, `int32`, `bool`, ...

    >>> dtype_name(torch.float64)
    'float64'
    """
    name = _NAMES.get(dtype)
    return name if name is not None else str(dtype).replace("torch.", "")


def dtype_repr(dtype: Any) -> str:
    """A dtype as TF's `repr` shows it, in messages: `<dtype: 'float32'>`.

    >>> dtype_repr(torch.float32)
    "<dtype: 'float32'>"
    """
    return f"<dtype: '{dtype_name(dtype)}'>"


def kernel_name(dtype: torch.dtype) -> str:
    """The name TF's kernels give a dtype in error messages (`float` for float32)."""
    return _KERNEL_NAMES.get(dtype) or dtype_name(dtype)


def as_dtype(type_value: Any) -> torch.dtype:
    """Converts a dtype, a NumPy dtype or type, or a TF dtype name to a dtype.

    >>> import numpy as np
    >>> as_dtype(np.float64), as_dtype("int32"), as_dtype(float)
    (torch.float64, torch.int32, torch.float32)

    Raises:
      TypeError: if `type_value` names no dtype.
    """
    if isinstance(type_value, torch.dtype):
        return type_value
    if isinstance(type_value, str):
        found = _BY_NAME.get(type_value)
        if found is not None:
            return found
    elif type_value is builtins.bool:
        return torch.bool
    elif type_value is builtins.float:
        return torch.float32
    elif type_value is builtins.int or type_value is None:
        pass  # TF refuses `int` (it could mean int32 or int64); NumPy reads None as float64
    else:
        name = getattr(type_value, "name", None)
        if isinstance(name, str) and name in _BY_NAME:  # a TF DType or a numpy dtype
            return _BY_NAME[name]
        try:
            numpy_name = np.dtype(type_value).name
        except TypeError:
            numpy_name = None
        if numpy_name in _BY_NAME:
            return _BY_NAME[numpy_name]
    raise TypeError(
        f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow DType."
    )
