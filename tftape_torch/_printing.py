"""TF's `str()` and `repr()` of tensors and Variables, character for character.

TF formats the NumPy value of a tensor (so NumPy's print options apply, and large
tensors are summarized with `...`), prefixed by a newline when it spans lines:

>>> import tftape_torch as tf
>>> print(tf.constant(108.0))
tf.Tensor(108.0, shape=(), dtype=float32)
>>> tf.constant([[1, 2], [3, 4]])
<tf.Tensor: shape=(2, 2), dtype=int32, numpy=
array([[1, 2],
       [3, 4]], dtype=int32)>
"""

from __future__ import annotations

import functools
from typing import Any, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch import _state
from tftape_torch._dtypes import dtype_name
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)

__all__ = [
    "numpy_text", "numpy_value", "shape_text", "tensor_format", "tensor_repr", "tensor_str",
    "variable_repr",
]



def numpy_value(tensor: torch.Tensor) -> Any:
    """A tensor's value as TF's `_numpy()` gives it: a NumPy scalar for a 0-d tensor,
    else an array (sharing memory with a CPU tensor: copy before handing it out).

    Works for tensors that require grad, carry a graph or live on CUDA. Inside a
    `tf.function` trace, reading a traced tensor's value stops the capture (the
    function then runs eagerly).
    """
    trace = _state.tracing()
    if trace is not None:
        trace.value_read(tensor, "its NumPy value")
    with _DisableSubclass():
        if tensor.dtype == torch.bfloat16:  # NumPy has no bfloat16
            tensor = tensor.float()
        array = torch.Tensor.numpy(tensor, force=True)
    if array.ndim == 0:
        return array[()]
    return array


@functools.cache
def _bfloat16_dtype() -> Optional[np.dtype]:
    """ml_dtypes' bfloat16 (TF's `numpy()` dtype for bfloat16), if installed."""
    try:
        import ml_dtypes
    except ImportError:  # pragma: no cover - ml_dtypes comes with TF and Keras
        return None
    return np.dtype(ml_dtypes.bfloat16)


def _bfloat16_value(tensor: torch.Tensor) -> Any:
    """A bfloat16 tensor's value as TF prints it: in `ml_dtypes.bfloat16` where
    ml_dtypes is installed (it comes with TF and Keras), else as float32."""
    bfloat16 = _bfloat16_dtype()
    if bfloat16 is None:  # pragma: no cover
        return numpy_value(tensor)
    trace = _state.tracing()
    if trace is not None:
        trace.value_read(tensor, "its NumPy value")
    with _DisableSubclass():
        array = torch.Tensor.numpy(tensor.view(torch.int16), force=True).view(bfloat16)
    return array[()] if array.ndim == 0 else array


def numpy_text(tensor: torch.Tensor, is_repr: bool = False, dtype: str = "") -> str:
    """The value part of TF's tensor text (`ops.numpy_text`); `dtype` is the
    tensor's dtype name where the caller has it."""
    value = _bfloat16_value(tensor) if dtype == "bfloat16" else numpy_value(tensor)
    if is_repr:
        if isinstance(value, np.generic):  # TF: numpy scalars print as Python values
            text = repr(value.item())
        else:
            text = repr(value)
    else:
        text = str(value)
    if "\n" in text:
        text = "\n" + text
    return text


def shape_text(shape: Sequence[Optional[int]]) -> str:
    """A shape as TF prints it: `()`, `(3,)`, `(2, 2)`, `(None,)`, `<unknown>`."""
    if getattr(shape, "rank", 0) is None:
        return "<unknown>"
    return str(tuple(None if dim is None else int(dim) for dim in shape))


def _shape_and_dtype(tensor: torch.Tensor) -> Tuple[str, str]:
    with _DisableSubclass():
        return shape_text(tensor.shape), dtype_name(tensor.dtype)


def tensor_str(tensor: torch.Tensor) -> str:
    """`str()` of a TF eager tensor: `tf.Tensor(108.0, shape=(), dtype=float32)`.

    A tensor a `tf.function` trace computes prints as TF's symbolic tensors do:
    `Tensor("x:0", shape=(), dtype=float32)`.
    """
    trace = _state.tracing()
    if trace is not None:
        text = trace.symbolic_text(tensor, False)
        if text is not None:
            return text
    shape, dtype = _shape_and_dtype(tensor)
    return f"tf.Tensor({numpy_text(tensor, False, dtype)}, shape={shape}, dtype={dtype})"


def tensor_repr(tensor: torch.Tensor) -> str:
    """`repr()` of a TF eager tensor: `<tf.Tensor: shape=(), dtype=float32, numpy=8.0>`."""
    trace = _state.tracing()
    if trace is not None:
        text = trace.symbolic_text(tensor, True)
        if text is not None:
            return text
    shape, dtype = _shape_and_dtype(tensor)
    value = numpy_text(tensor, True, dtype)
    return f"<tf.Tensor: shape={shape}, dtype={dtype}, numpy={value}>"


def tensor_format(tensor: torch.Tensor, format_spec: str) -> str:
    """`format()` of a TF eager tensor: its NumPy value formatted (`f"{x:.3f}"`).

    A tensor a `tf.function` trace computes formats as its symbolic text, and
    takes no format spec, as TF's symbolic tensors.

    >>> import tftape_torch as tf
    >>> f"{tf.constant(2.0):.3f} {tf.constant([1, 2])}"
    '2.000 [1 2]'
    """
    trace = _state.tracing()
    if trace is not None:
        text = trace.symbolic_text(tensor, False)
        if text is not None:
            if format_spec:
                raise TypeError("unsupported format string passed to SymbolicTensor.__format__")
            return text
    with _DisableSubclass():
        bfloat16 = tensor.dtype == torch.bfloat16
    return format(_bfloat16_value(tensor) if bfloat16 else numpy_value(tensor), format_spec)


def variable_repr(variable: Any) -> str:
    """`repr()` (and `str()`) of a TF Variable.

    >>> import tftape_torch as tf
    >>> variable_repr(tf.Variable(1.0))
    "<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=1.0>"
    """
    shape, dtype = _shape_and_dtype(variable)
    if _state.tracing() is not None:  # in a trace, TF shows no value
        return f"<tf.Variable '{variable.name}' shape={shape} dtype={dtype}>"
    return (
        f"<tf.Variable '{variable.name}' shape={shape} dtype={dtype}, "
        f"numpy={numpy_text(variable, True, dtype)}>"
    )
