"""`UnconnectedGradients`, and the zeros that stand in for a missing gradient.

>>> import tftape_torch as tf
>>> x, y = tf.constant(1.0), tf.constant(2.0)
>>> with tf.GradientTape() as tape:
...     tape.watch([x, y])
...     z = x * 3.0
>>> print(tape.gradient(z, y, unconnected_gradients=tf.UnconnectedGradients.ZERO))
tf.Tensor(0.0, shape=(), dtype=float32)
"""

from __future__ import annotations

import enum
from typing import Any, Sequence, Tuple, Union

import torch

from tftape_torch._tensor import EagerTensor, as_eager
from tftape_torch._torch_internals import DisableTorchFunctionSubclass

__all__ = ["UnconnectedGradients", "as_unconnected", "zeros"]


class UnconnectedGradients(enum.Enum):
    """What `gradient` returns for a source the target does not depend on.

    `NONE` gives `None`; `ZERO` gives zeros shaped like the source. The strings
    `"none"` and `"zero"` are accepted wherever a value of this enum is.
    """

    NONE = "none"
    ZERO = "zero"


UnconnectedGradients.__module__ = "tftape_torch"


def as_unconnected(value: Union[UnconnectedGradients, str]) -> UnconnectedGradients:
    """`value` as an `UnconnectedGradients`; TF's `ValueError` for anything else."""
    if value is UnconnectedGradients.NONE:
        return value
    try:
        return UnconnectedGradients(value)
    except ValueError:
        raise ValueError(f"Unknown value for unconnected_gradients: {value!r}") from None


def zeros(
    shape: Union[Sequence[int], torch.Size, Tuple[int, ...]],
    dtype: torch.dtype,
    device: torch.device,
    *like: Any,
) -> torch.Tensor:
    """Zeros of `shape`: an `EagerTensor` if any of `like` is one, else a plain tensor."""
    with DisableTorchFunctionSubclass():
        result = torch.zeros(tuple(shape), dtype=dtype, device=device)
    if any(isinstance(item, EagerTensor) for item in like):
        result = as_eager(result)
    return result
