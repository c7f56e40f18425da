"""TF's eager `tf.TensorArray`: a Python list of tensors written and read by index.

Gradients flow through it as through the ops it runs (`stack`, `concat`, `split`,
indexing): nothing is recorded for the TensorArray itself.

>>> import tftape_torch as tf
>>> ta = tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0)
>>> print(ta.stack())
tf.Tensor([1. 2.], shape=(2,), dtype=float32)
"""

from __future__ import annotations

import builtins
from typing import Any, List, Optional

import torch

from tftape_torch._array_ops import concat, convert_to_tensor, stack, zeros
from tftape_torch._dtypes import as_dtype, dtype_name
from tftape_torch._op_call import as_tensor
from tftape_torch._shape_ops import split
from tftape_torch._tensor_shape import TensorShape
from tftape_torch.errors import InvalidArgumentError, OutOfRangeError

__all__ = ["TensorArray"]


def _index(value: Any) -> int:
    if isinstance(value, torch.Tensor):
        return int(value.item())
    return int(value)


class TensorArray:
    """TF's eager `TensorArray`: a list of tensors of one dtype, written and read by index.

    >>> import tftape_torch as tf
    >>> ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    >>> for i in range(3):
    ...     ta = ta.write(i, tf.constant(i * 10.0))
    >>> print(ta.stack(), ta.size())
    tf.Tensor([ 0. 10. 20.], shape=(3,), dtype=float32) tf.Tensor(3, shape=(), dtype=int32)
    """

    def __init__(
        self,
        dtype: Any,
        size: Any = None,
        dynamic_size: Optional[builtins.bool] = None,
        clear_after_read: Optional[builtins.bool] = None,
        tensor_array_name: Optional[str] = None,
        handle: Any = None,
        flow: Any = None,
        infer_shape: builtins.bool = True,
        element_shape: Any = None,
        colocate_with_first_write_call: builtins.bool = True,
        name: Optional[str] = None,
    ) -> None:
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        self._dtype = as_dtype(dtype)
        self._dynamic_size = builtins.bool(dynamic_size)
        self._clear_after_read = (
            True if clear_after_read is None else builtins.bool(clear_after_read)
        )
        self._infer_shape = infer_shape
        self._element_shape = TensorShape(None) if element_shape is None \
            else TensorShape(element_shape)
        self._items: List[Optional[torch.Tensor]] = [None] * _index(size)
        self._read: List[int] = []

    @property
    def dtype(self) -> torch.dtype:
        return self._dtype

    @property
    def dynamic_size(self) -> builtins.bool:
        return self._dynamic_size

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape

    def _zero(self, index: int) -> torch.Tensor:
        value = self._items[index]
        if value is None:
            if not self._element_shape.is_fully_defined():  # TF's zeros of that shape fail
                raise ValueError(
                    f"Cannot convert a partially known TensorShape {self._element_shape} to a "
                    "Tensor."
                )
            value = self._items[index] = zeros(self._element_shape.as_list(), self._dtype)
        return value

    def _check_dtype(self, t: torch.Tensor) -> None:
        if t.dtype != self._dtype:
            raise InvalidArgumentError(
                None, None, f"TensorArray dtype is {dtype_name(self._dtype)} but Op is trying to "
                f"write dtype {dtype_name(t.dtype)} "
            )

    def read(self, index: Any, name: Optional[str] = None) -> torch.Tensor:
        """The tensor at `index` (zeros of the element shape if never written)."""
        i = _index(index)
        if i < 0:
            raise OutOfRangeError(
                None, None, f"Reading from negative indices (index {i}) is not allowed."
            )
        if i >= len(self._items):
            raise OutOfRangeError(
                None, None, f"Tried to read from index {i} but array size is: {len(self._items)} "
            )
        value = self._items[i]
        if value is None:
            if i in self._read:
                raise InvalidArgumentError(
                    None, None, f"Could not read index {i} twice because it was cleared after a "
                    "previous read (perhaps try setting clear_after_read = false?)"
                )
            value = self._zero(i)
        if self._clear_after_read:
            self._items[i] = None
            self._read.append(i)
        return value

    def write(self, index: Any, value: Any, name: Optional[str] = None) -> TensorArray:
        """Writes `value` at `index`; returns this TensorArray (use the result, as in TF)."""
        i = _index(index)
        if i < 0:
            raise OutOfRangeError(
                None, None, f"Writing to negative indices (index {i}) is not allowed."
            )
        size = len(self._items)
        if i >= size:
            if not self._dynamic_size:
                raise OutOfRangeError(
                    None, None, f"Tried to write to index {i} but array is not resizeable and "
                    f"size is: {size} "
                )
            self._items.extend([None] * (i - size + 1))
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        self._check_dtype(t)
        shape = TensorShape(list(t.shape))
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError(
                f"Incompatible shape for value ({shape}), expected ({self._element_shape})"
            )
        if self._infer_shape:
            self._element_shape = self._element_shape.merge_with(shape)
        self._items[i] = t
        return self

    def stack(self, name: Optional[str] = None) -> torch.Tensor:
        """All the elements stacked along a new first dimension."""
        if not self._items:
            if self._element_shape.is_fully_defined():
                return zeros([0] + self._element_shape.as_list(), self._dtype)
            return zeros([0], self._dtype)
        return stack([self._zero(i) for i in builtins.range(len(self._items))])

    def gather(self, indices: Any, name: Optional[str] = None) -> torch.Tensor:
        """The elements at `indices`, stacked."""
        idx = as_tensor(indices)
        return stack([self._zero(int(i)) for i in idx.reshape(-1).tolist()])

    def concat(self, name: Optional[str] = None) -> torch.Tensor:
        """All the elements concatenated along their first dimension.

        Raises:
          InvalidArgumentError: an element is a scalar, or there is none.
        """
        values = [self._zero(i) for i in builtins.range(len(self._items))]
        if not values:  # TF's eager ConcatV2 of no tensors fails
            raise InvalidArgumentError(
                None, None, "OpKernel 'ConcatV2' has constraint on attr 'T' not in NodeDef "
                "'[N=0, Tidx=DT_INT32]'")
        for i, value in enumerate(values):
            if value.dim() == 0:
                raise InvalidArgumentError(
                    None, None,
                    f"Concat saw a scalar shape at index {i} but requires at least vectors.")
        return concat(values, 0)

    def split(self, value: Any, lengths: Any, name: Optional[str] = None) -> TensorArray:
        """Splits `value` along its first dimension into pieces of `lengths` and writes
        them as the elements; returns this TensorArray (use the result, as in TF).

        >>> import tftape_torch as tf
        >>> ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)
        >>> print(ta.split(tf.range(5.0), [2, 3]).read(1))
        tf.Tensor([2. 3. 4.], shape=(3,), dtype=float32)

        Raises:
          InvalidArgumentError: `lengths` is not a vector, `value` a scalar, the lengths
            do not add up to `value`'s first dimension, or (not `dynamic_size`) there
            are not `size` of them.
        """
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        self._check_dtype(t)
        sizes = as_tensor(lengths)
        if sizes.dim() != 1:
            raise InvalidArgumentError(
                None, None,
                f"Expected lengths to be a vector, received shape: {list(sizes.shape)} ")
        if t.dim() == 0:
            raise InvalidArgumentError(
                None, None, "Expected value to be at least a vector, but received shape: [] ")
        pieces = [int(n) for n in sizes.tolist()]
        if builtins.sum(pieces) != t.size(0):
            raise InvalidArgumentError(
                None, None, "Expected sum of lengths to be equal to values.shape[0], but sum "
                f"of lengths is {builtins.sum(pieces)} and value's shape is: "
                f"{list(t.size())} ")
        if not self._dynamic_size and len(pieces) != len(self._items):
            raise InvalidArgumentError(
                None, None, "TensorArray's size is not equal to the size of lengths "
                f"({len(self._items)} vs. {len(pieces)}), and the TensorArray is not marked "
                "as dynamically resizeable.")
        self._items = list(split(t, pieces))
        return self

    def unstack(self, value: Any, name: Optional[str] = None) -> TensorArray:
        """Writes the slices of `value` along its first dimension; returns this TensorArray."""
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        tensors = [t[i] for i in builtins.range(t.shape[0])]
        if len(tensors) > len(self._items) and not self._dynamic_size:
            raise ValueError(
                f"Cannot unstack {len(tensors)} tensors into a TensorArray of static size "
                f"{len(self._items)} "
            )
        self._items = list(tensors)
        return self

    def scatter(self, indices: Any, value: Any, name: Optional[str] = None) -> TensorArray:
        """Writes the slices of `value` at `indices`; returns this TensorArray."""
        t = as_tensor(value, self._dtype)
        for j, i in enumerate(as_tensor(indices).reshape(-1).tolist()):
            self.write(i, t[j])
        return self

    def size(self, name: Optional[str] = None) -> torch.Tensor:
        """The number of elements, an int32 scalar."""
        return convert_to_tensor(len(self._items), torch.int32)

    def identity(self) -> TensorArray:
        return self

    def close(self, name: Optional[str] = None) -> None:
        """Empties the TensorArray."""
        self._items = []
