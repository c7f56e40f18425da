"""`tf.TensorSpec`: the type of a tensor argument of a `tf.function`.

>>> import tftape_torch as tf
>>> spec = tf.TensorSpec([None, 2], tf.float32)
>>> spec
TensorSpec(shape=(None, 2), dtype=tf.float32, name=None)
>>> spec.is_compatible_with(tf.zeros([5, 2]))
True
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

from tftape_torch._dtypes import as_dtype, dtype_name
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)

__all__ = ["TensorSpec", "join_shapes", "shape_fits", "shape_repr"]

#: A shape: a tuple of dimensions (`None` unknown), or `None` for an unknown rank.
Shape = Optional[Tuple[Optional[int], ...]]


def shape_repr(shape: Shape) -> str:
    """A shape as `TensorSpec` prints it: `(None, 2)`, `(3,)`, `<unknown>`."""
    if shape is None:
        return "<unknown>"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def shape_fits(shape: Tuple[int, ...], spec: Shape) -> bool:
    """Whether a concrete `shape` is one of the shapes `spec` allows."""
    if spec is None:
        return True
    return len(shape) == len(spec) and all(s is None or s == d for d, s in zip(shape, spec))


def join_shapes(a: Shape, b: Shape) -> Shape:
    """The most specific shape allowing both `a` and `b` (TF's relaxation)."""
    if a is None or b is None or len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


class TensorSpec:
    """Describes a tensor: its shape (dimensions may be `None`) and dtype.

    >>> import tftape_torch as tf
    >>> tf.TensorSpec(shape=[3], dtype=tf.int32, name='x')
    TensorSpec(shape=(3,), dtype=tf.int32, name='x')
    >>> tf.TensorSpec.from_tensor(tf.constant([1.0, 2.0]))
    TensorSpec(shape=(2,), dtype=tf.float32, name=None)

    Args:
      shape: the shape, a list whose entries may be `None`, or `None` (unknown rank).
      dtype: the dtype (default `tf.float32`).
      name: an optional name.
    """

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape: Any, dtype: Any = torch.float32, name: Optional[str] = None) -> None:
        if getattr(shape, "rank", 0) is None:  # `TensorShape(None)`
            shape = None
        if shape is not None:
            shape = tuple(None if d is None else int(d) for d in shape)
        self._shape: Shape = shape
        self._dtype: torch.dtype = as_dtype(dtype)
        self._name = name

    @classmethod
    def from_tensor(cls, tensor: Any, name: Optional[str] = None) -> TensorSpec:
        """The spec of `tensor`'s shape and dtype."""
        with _DisableSubclass():
            return cls(tuple(tensor.shape), tensor.dtype, name)

    @property
    def dims(self) -> Shape:
        """The dimensions as given (`None` for an unknown rank or dimension); package use."""
        return self._shape

    @property
    def shape(self) -> Any:
        """The shape (a `TensorShape`; `None` entries are unknown dimensions, and
        `TensorShape(None)` is an unknown rank)."""
        from tftape_torch._tensor_shape import TensorShape

        return TensorShape(self._shape)

    @property
    def dtype(self) -> torch.dtype:
        return self._dtype

    @property
    def name(self) -> Optional[str]:
        return self._name

    def is_compatible_with(self, spec_or_tensor: Any) -> bool:
        """Whether `spec_or_tensor` (a spec or a tensor) fits this spec."""
        if isinstance(spec_or_tensor, TensorSpec):
            other: Shape = spec_or_tensor._shape
            dtype = spec_or_tensor._dtype
        else:
            with _DisableSubclass():
                other, dtype = tuple(spec_or_tensor.shape), spec_or_tensor.dtype
        if dtype != self._dtype:
            return False
        if other is None or self._shape is None:
            return True
        return len(other) == len(self._shape) and all(
            a is None or b is None or a == b for a, b in zip(other, self._shape))

    def __eq__(self, other: Any) -> bool:
        return (isinstance(other, TensorSpec) and self._shape == other._shape
                and self._dtype == other._dtype and self._name == other._name)

    def __hash__(self) -> int:
        return hash((self._shape, self._dtype, self._name))

    def __repr__(self) -> str:
        name = "None" if self._name is None else repr(self._name)
        return (f"TensorSpec(shape={shape_repr(self._shape)}, dtype=tf.{dtype_name(self._dtype)}, "
                f"name={name})")


TensorSpec.__module__ = "tftape_torch"
