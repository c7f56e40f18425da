"""TF's initializers (`tf.zeros_initializer`, `tf.random_normal_initializer`...): callables
that make a tensor of a given shape and dtype, for `tf.Variable(init(shape))`.

>>> import tftape_torch as tf
>>> init = tf.constant_initializer([1.0, 2.0, 3.0, 4.0])
>>> print(tf.Variable(init([2, 2])).numpy())
[[1. 2.]
 [3. 4.]]
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np
import torch

from tftape_torch import random
from tftape_torch._array_ops import constant, fill, zeros
from tftape_torch._dtypes import FLOATING, INTEGER, as_dtype, dtype_name

__all__ = [
    "constant_initializer",
    "ones_initializer",
    "random_normal_initializer",
    "random_uniform_initializer",
    "zeros_initializer",
]


class Initializer:
    """The base of TF's initializers: `init(shape, dtype)` makes a tensor."""

    def __call__(self, shape: Any, dtype: Any = torch.float32, **kwargs: Any) -> torch.Tensor:
        raise NotImplementedError

    def get_config(self) -> Dict[str, Any]:
        """The constructor arguments, for `from_config`."""
        return {}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> Initializer:
        return cls(**config)


class Zeros(Initializer):
    """Makes tensors of zeros (`tf.zeros_initializer`)."""

    def __call__(self, shape: Any, dtype: Any = torch.float32, **kwargs: Any) -> torch.Tensor:
        return zeros(shape, dtype=as_dtype(dtype))


class Ones(Initializer):
    """Makes tensors of ones (`tf.ones_initializer`)."""

    def __call__(self, shape: Any, dtype: Any = torch.float32, **kwargs: Any) -> torch.Tensor:
        return fill(shape, constant(1, dtype=as_dtype(dtype)))


class Constant(Initializer):
    """Makes tensors holding `value`: a scalar fills the shape; a list or array is laid
    out in it, and must have exactly as many elements (`tf.constant_initializer`)."""

    def __init__(self, value: Any = 0) -> None:
        self.value = value

    def __call__(self, shape: Any, dtype: Any = torch.float32, **kwargs: Any) -> torch.Tensor:
        return constant(self.value, dtype=as_dtype(dtype), shape=shape)

    def get_config(self) -> Dict[str, Any]:
        return {"value": self.value}


def _floating(dtype: Any) -> torch.dtype:
    resolved = as_dtype(dtype)
    if resolved not in FLOATING:
        raise ValueError(f"Argument `dtype` is expected to be floating point. Received: "
                         f"<dtype: '{dtype_name(resolved)}'>.")
    return resolved


class RandomNormal(Initializer):
    """Makes tensors of normal samples (`tf.random_normal_initializer`)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Optional[int] = None
                 ) -> None:
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: Any, dtype: Any = torch.float32, **kwargs: Any) -> torch.Tensor:
        return random.normal(shape, self.mean, self.stddev, _floating(dtype), self.seed)

    def get_config(self) -> Dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """Makes tensors of uniform samples in `[minval, maxval)`, floating or integer
    (`tf.random_uniform_initializer`)."""

    def __init__(self, minval: Any = -0.05, maxval: Any = 0.05, seed: Optional[int] = None
                 ) -> None:
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape: Any, dtype: Any = torch.float32, **kwargs: Any) -> torch.Tensor:
        resolved = as_dtype(dtype)
        if resolved not in FLOATING and resolved not in INTEGER:
            raise ValueError(f"Argument `dtype` is expected to be floating point or integer. "
                             f"Received: <dtype: '{dtype_name(resolved)}'>.")
        low, high = self.minval, self.maxval
        if resolved in INTEGER:
            low, high = int(np.floor(low)), int(np.floor(high))
        return random.uniform(shape, low, high, resolved, self.seed)

    def get_config(self) -> Dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_normal_initializer = RandomNormal
random_uniform_initializer = RandomUniform
