"""`tf.IndexedSlices`: a sparse slice-wise tensor, TF's gradient of a row gather.

TF's gradient of `tf.gather(params, indices)` (axis 0, no batch dims) with respect
to `params` is not a dense tensor but the rows it touched: `values[i]` belongs at
row `indices[i]` of a tensor of shape `dense_shape`. `tape.gradient` returns it as
TF does; converting it (`tf.convert_to_tensor`, or passing it to an op) sums the
rows into a dense tensor.

How the tape finds one (NOTE: [Sparse gradients]): torch computes the dense
gradient of `index_select` as usual; the gather op hooks its backward node and
notes, for the dense gradient it produced, the rows (`values`) and `indices` it
came from. When that very tensor (not a sum of it with another gradient, which
TF would densify too) is a source's gradient, `sparse_gradient` hands back the
`IndexedSlices` instead. torch's own backward stays in place, so higher-order
gradients, jacobians and forward mode are unaffected.

>>> import tftape_torch as tf
>>> s = tf.IndexedSlices(tf.constant([[1.0, 2.0]]), tf.constant([1]), tf.constant([2, 2]))
>>> print(tf.convert_to_tensor(s))
tf.Tensor(
[[0. 0.]
 [1. 2.]], shape=(2, 2), dtype=float32)
"""

from __future__ import annotations

import weakref
from typing import Any, Dict, List, Optional, Tuple

import torch

from tftape_torch._convert import convert_value
from tftape_torch._dtypes import dtype_name
from tftape_torch._printing import tensor_str
from tftape_torch._tensor import as_eager
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import version_of

__all__ = ["IndexedSlices", "note_sparse_gradient", "sparse_gradient"]


def _tensor_arg(value: Any) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return as_eager(value)
    return as_eager(convert_value(value))


class IndexedSlices:
    """A sparse representation of a set of tensor slices at given indices.

    `values[i]` is the slice at row `indices[i]` of a dense tensor of shape
    `dense_shape`; rows named twice add up when the slices are converted.

    >>> import tftape_torch as tf
    >>> params = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(params)
    ...     rows = tf.gather(params, [2, 0])
    >>> grad = tape.gradient(rows, params)
    >>> print(grad)
    IndexedSlices(indices=tf.Tensor([2 0], shape=(2,), dtype=int32), values=tf.Tensor(
    [[1. 1.]
     [1. 1.]], shape=(2, 2), dtype=float32), dense_shape=tf.Tensor([3 2], shape=(2,), dtype=int32))
    >>> print(tf.convert_to_tensor(grad))
    tf.Tensor(
    [[1. 1.]
     [0. 0.]
     [1. 1.]], shape=(3, 2), dtype=float32)
    """

    def __init__(self, values: Any, indices: Any, dense_shape: Any = None) -> None:
        self._values = _tensor_arg(values)
        self._indices = _tensor_arg(indices)
        self._dense_shape = None if dense_shape is None else _tensor_arg(dense_shape)

    @property
    def values(self) -> torch.Tensor:
        """The slices, one per index (first dimension), as a tensor."""
        return self._values

    @property
    def indices(self) -> torch.Tensor:
        """The 1-D row index of each slice."""
        return self._indices

    @property
    def dense_shape(self) -> Optional[torch.Tensor]:
        """The shape of the dense tensor the slices belong to, or None."""
        return self._dense_shape

    @property
    def dtype(self) -> torch.dtype:
        """The dtype of `values`."""
        return self._values.dtype

    @property
    def shape(self) -> TensorShape:
        """The dense shape, as a `TensorShape` (first dimension unknown without one)."""
        if self._dense_shape is None:
            with _DisableSubclass():
                rest = list(self._values.shape[1:])
            return TensorShape([None, *rest])
        with _DisableSubclass():
            return TensorShape(self._dense_shape.tolist())

    @property
    def device(self) -> str:
        """The device of `values`, as TF names it."""
        with _DisableSubclass():
            dev = self._values.device
        index = 0 if dev.index is None else dev.index
        kind = "GPU" if dev.type == "cuda" else dev.type.upper()
        return f"/job:localhost/replica:0/task:0/device:{kind}:{index}"

    @property
    def name(self) -> str:
        return "IndexedSlices:0"

    def __tf_tensor__(self, dtype: Any = None, name: Any = None) -> torch.Tensor:
        """The dense tensor: each slice added at its row of zeros of `dense_shape`."""
        if self._dense_shape is None:
            raise ValueError(
                "Tensor conversion requested for IndexedSlices without dense_shape: "
                f"{self!s}"
            )
        with _DisableSubclass():
            dims = [int(d) for d in self._dense_shape.tolist()]
            values = self._values
            index = self._indices.reshape(-1).to(torch.int64)
            zeros = torch.zeros(dims, dtype=values.dtype, device=values.device)
            dense = torch.index_add(zeros, 0, index, values.reshape([index.numel(), *dims[1:]]))
        out = as_eager(dense)
        if dtype is not None and out.dtype != dtype:
            raise ValueError(
                f"Incompatible tensor conversion requested to `dtype` {dtype_name(dtype)} for "
                f"IndexedSlices ({self}) with dtype {dtype_name(out.dtype)}")
        return out

    def __neg__(self) -> IndexedSlices:
        with _DisableSubclass():
            values = torch.neg(self._values)
        return IndexedSlices(as_eager(values), self._indices, self._dense_shape)

    def __str__(self) -> str:
        dense = self._dense_shape
        shape = "" if dense is None else f", dense_shape={tensor_str(dense)}"
        return (
            f"IndexedSlices(indices={tensor_str(self._indices)}, "
            f"values={tensor_str(self._values)}{shape})"
        )


# ---------------------------------------------------------------------------
# NOTE: [Sparse gradients]: dense gradients that are really row slices.
# Keyed by the dense gradient's data pointer; an entry lives as long as that tensor.

# (An in-place accumulation of another gradient into it bumps its version: no match.)

# A view of it with the same data pointer but another layout (a transposed square
# matrix; `.real` of a complex gradient; a lazy `conj`) holds other values: no match.

# shape, strides, dtype, conjugate bit, negative bit
_Layout = Tuple[Tuple[int, ...], Tuple[int, ...], torch.dtype, bool, bool]
# (weak dense, its layout, its version, values, indices, dense shape, the shape's dtype)
_Entry = Tuple[Any, _Layout, int, torch.Tensor, torch.Tensor, List[int], torch.dtype]
_NOTED: Dict[int, _Entry] = {}


def _forget(key: int, ref: Any) -> None:
    entry = _NOTED.get(key)
    if entry is not None and entry[0] is ref:
        del _NOTED[key]


def note_sparse_gradient(
    dense: torch.Tensor,
    values: torch.Tensor,
    indices: torch.Tensor,
    dims: List[int],
    shape_dtype: torch.dtype,
) -> None:
    """Remember that gradient tensor `dense` (of shape `dims`) is the sum of slices
    `values` at `indices`; its dense shape becomes a tensor of `shape_dtype`."""
    with _DisableSubclass():
        try:
            key = dense.data_ptr()
        except RuntimeError:  # a batched gradient (a vectorized jacobian) has no storage
            return
        if key == 0:
            return
        layout = (tuple(dense.shape), dense.stride(), dense.dtype, dense.is_conj(),
                  dense.is_neg())
        version = version_of(dense)
    ref = weakref.ref(dense, lambda r: _forget(key, r))
    # (the dense shape becomes a tensor only if the gradient is handed out as slices)
    _NOTED[key] = (ref, layout, version, values, indices, dims, shape_dtype)


def sparse_gradient(grad: Any) -> Any:
    """`grad` as the `IndexedSlices` it was noted as, else `grad` itself."""
    if not _NOTED or not isinstance(grad, torch.Tensor):
        return grad
    with _DisableSubclass():
        try:
            key = grad.data_ptr()
        except RuntimeError:  # a batched gradient has no storage: never noted
            return grad
        layout = (tuple(grad.shape), grad.stride(), grad.dtype, grad.is_conj(), grad.is_neg())
        version = version_of(grad)
    entry = _NOTED.get(key)
    if entry is None or entry[0]() is None or entry[1] != layout or entry[2] != version:
        return grad
    _, _, _, values, indices, dims, shape_dtype = entry
    with _DisableSubclass():
        dense_shape = torch.tensor(dims, dtype=shape_dtype, device=indices.device)
    return IndexedSlices(as_eager(values), as_eager(indices), as_eager(dense_shape))
