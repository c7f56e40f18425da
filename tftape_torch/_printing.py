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

from typing import Any, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch import _state
from tftape_torch._dtypes import dtype_name
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)

__all__ = ["numpy_text", "numpy_value", "shape_text", "tensor_repr", "tensor_str", "variable_repr"]



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


def numpy_text(tensor: torch.Tensor, is_repr: bool = False) -> str:
    """The value part of TF's tensor text (`ops.numpy_text`)."""
    value = numpy_value(tensor)
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
    return f"tf.Tensor({numpy_text(tensor)}, shape={shape}, dtype={dtype})"


def tensor_repr(tensor: torch.Tensor) -> str:
    """`repr()` of a TF eager tensor: `<tf.Tensor: shape=(), dtype=float32, numpy=8.0>`."""
    trace = _state.tracing()
    if trace is not None:
        text = trace.symbolic_text(tensor, True)
        if text is not None:
            return text
    shape, dtype = _shape_and_dtype(tensor)
    return f"<tf.Tensor: shape={shape}, dtype={dtype}, numpy={numpy_text(tensor, is_repr=True)}>"


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
        f"numpy={numpy_text(variable, is_repr=True)}>"
    )
