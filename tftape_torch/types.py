"""`tf.types`: the abstract types TF's guides check against, as `tf.types.experimental`.

`tf.types.experimental.PolymorphicFunction` (and `GenericFunction`) is what
`tf.function` returns, `ConcreteFunction` what `get_concrete_function` returns, and
`TensorLike` the union of what converts to a tensor.

>>> import tftape_torch as tf
>>> f = tf.function(lambda x: x)
>>> isinstance(f, tf.types.experimental.PolymorphicFunction)
True
>>> isinstance(f.get_concrete_function(tf.constant(1.0)), tf.types.experimental.ConcreteFunction)
True
"""

from __future__ import annotations

import types as _types
from typing import Union

import numpy as np
import torch

from tftape_torch._function import ConcreteFunction, Function
from tftape_torch._trace_type import TraceType
from tftape_torch._variable import Variable

__all__ = ["experimental"]

experimental = _types.SimpleNamespace(
    ConcreteFunction=ConcreteFunction,
    GenericFunction=Function,
    PolymorphicFunction=Function,
    TensorLike=Union[torch.Tensor, Variable, np.ndarray, int, float, bool, list, tuple],
    TraceType=TraceType,
)
experimental.__doc__ = (
    "`tf.types.experimental`: the types of `tf.function` objects, TensorLike, TraceType."
)
