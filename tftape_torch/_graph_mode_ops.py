"""TF ops that matter only to graph mode: `tf.tuple` (eagerly, its tensors as they
are) and `tf.parallel_stack` (refused eagerly, a `stack` while a `tf.function`
traces).

>>> import tftape_torch as tf
>>> print(tf.tuple([tf.constant(1), tf.constant(2)]))
[<tf.Tensor: shape=(), dtype=int32, numpy=1>, <tf.Tensor: shape=(), dtype=int32, numpy=2>]
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import torch

from tftape_torch import _state
from tftape_torch._array_ops import identity, stack

__all__ = ["parallel_stack", "tuple"]


def tuple(tensors: Any, control_inputs: Any = None, name: Optional[str] = None) -> Any:
    """Groups `tensors` so that each is ready only when all are (a graph-mode
    barrier). Eagerly every tensor is ready: `tensors` come back as they are; while a
    `tf.function` traces, as identities, as TF's graph gives them.

    >>> import tftape_torch as tf
    >>> a, b = tf.tuple([tf.constant(1.0), tf.constant(2.0)])
    >>> print(float(a + b))
    3.0
    """
    if _state.tracing() is None:
        return tensors
    return [None if t is None else identity(t) for t in tensors]


def parallel_stack(values: Sequence[Any], name: str = "parallel_stack") -> torch.Tensor:
    """`tf.stack(values)` for graph mode (TF copies the inputs in parallel as they
    become ready); eagerly TF refuses it.

    >>> import tftape_torch as tf
    >>> f = tf.function(lambda: tf.parallel_stack([tf.constant(1), tf.constant(2)]))
    >>> print(f())
    tf.Tensor([1 2], shape=(2,), dtype=int32)

    Raises:
      RuntimeError: when called eagerly, as in TF.
    """
    if _state.tracing() is None:
        raise RuntimeError("tf.parallel_stack() is not compatible with eager execution.")
    return stack(values)
