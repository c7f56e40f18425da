"""TF's array ops: making tensors, shapes, casts and selection (TF's `array_ops`).

Exported at the top level of the drop-in namespace (`tf.constant`, `tf.reshape`, ...).

>>> import tftape_torch as tf
>>> print(tf.reshape(tf.range(4), (2, 2)))
tf.Tensor(
[[0 1]
 [2 3]], shape=(2, 2), dtype=int32)
"""

from __future__ import annotations

import builtins
import math as _math
from typing import Any, List, Optional, Sequence

import numpy as np
import torch

from tftape_torch._convert import convert_value
from tftape_torch._device import current_device
from tftape_torch._dtypes import (
    COMPLEX,
    as_dtype,
    dtype_name,
    float32,
    int32,
    kernel_name,
)
from tftape_torch._indexed_slices import IndexedSlices
from tftape_torch._op_call import (
    as_tensor,
    axis_arg,
    call,
    call_inline,
    dtype_arg,
    exact_number,
    index_dtype_error,
    match_operands,
    not_an_index,
    same_dtype,
    shape_arg,
    shape_entry,
)
from tftape_torch._recorded_ops import without_gradient
from tftape_torch._tensor import (
    EagerTensor,
    as_eager,
    dtype_mismatch,
    fresh,
)
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._variable import Variable
from tftape_torch.errors import InvalidArgumentError, UnimplementedError

_Tensor = torch.Tensor

#: Every tensor is a `tf.Tensor`: plain torch tensors, drop-in tensors, Variables.
Tensor = torch.Tensor

#: `x[tf.newaxis]` inserts a dimension, as `None` does.
newaxis = None

__all__ = [
    "cast", "concat", "constant", "convert_to_tensor", "ensure_shape", "expand_dims",
    "eye", "fill", "get_static_value", "identity", "is_tensor", "newaxis",
    "ones", "ones_like", "rank", "reshape", "shape", "size", "squeeze",
    "stack", "stop_gradient", "Tensor", "transpose", "where", "zeros", "zeros_like",
]


# ---------------------------------------------------------------------------
# Making tensors


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str = "Const") -> torch.Tensor:
    """Creates a constant tensor from a tensor-like object.

    >>> import tftape_torch as tf
    >>> print(tf.constant([1, 2, 3]))
    tf.Tensor([1 2 3], shape=(3,), dtype=int32)
    >>> print(tf.constant(0.0, shape=(2,)))
    tf.Tensor([0. 0.], shape=(2,), dtype=float32)

    Args:
      value: a Python number or (nested) list, a NumPy value or a tensor.
      dtype: the dtype of the result; a Python float becomes float32, an int int32.
      shape: optional shape; a single value is broadcast to it.
      name: ignored.

    Raises:
      TypeError: if `value` cannot take `dtype`, or does not fit `shape`.
    """
    dtype = dtype_arg(dtype)
    if isinstance(value, _Tensor):
        kind = type(value)
        if kind is EagerTensor or kind is _Tensor:
            if dtype is not None and value.dtype != dtype:
                raise TypeError(
                    f"Expected tensor {value!r} with dtype {dtype_name(dtype)}, but got dtype "
                    f"{dtype_name(value.dtype)}."
                )
            result = as_eager(value)
        elif not isinstance(value, Variable):
            result = convert_to_tensor(value, dtype)
        else:
            # A Variable: TF's constant holds a snapshot of its value (converted to
            # `dtype`), through which no gradient flows; the read still counts as an
            # access for the tapes that watch it.
            read = value.read_value()
            with _DisableSubclass():
                snapshot = torch.Tensor.detach(read)
                snapshot = snapshot.clone() if dtype is None else snapshot.to(dtype, copy=True)
            result = fresh(snapshot)
    else:
        if isinstance(value, (list, tuple)) and _holds_tensor(value):
            raise ValueError(
                "tf.constant does not pack tensors (TF raises too): use tf.convert_to_tensor or "
                "tf.stack to make one tensor of a list of tensors."
            )
        result = fresh(convert_value(value, dtype))
    if shape is None:
        return result
    dims = shape_arg(shape, "Const", int32_converted=True)
    count = _math.prod(dims)
    numel = result.numel()
    if numel == count:
        return reshape(result, dims)
    if numel == 1:
        return fill(dims, reshape(result, []))
    raise TypeError(
        f"Eager execution of tf.constant with unsupported shape. Tensor {result} (converted "
        f"from {value!r}) has {numel} elements, but got `shape` {tuple(dims)} with {count} "
        "elements)."
    )


def _holds_tensor(value: Any) -> builtins.bool:
    if isinstance(value, _Tensor):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_tensor(item) for item in value)
    return False


def convert_to_tensor(
    value: Any, dtype: Any = None, dtype_hint: Any = None, name: Optional[str] = None
) -> torch.Tensor:
    """Converts a value (tensor, Variable, NumPy value, Python value) to a tensor.

    A drop-in tensor comes back as it is; a plain torch tensor as a drop-in view of it
    (same storage and autograd history); a Variable as a snapshot of its value.

    >>> import tftape_torch as tf
    >>> tf.convert_to_tensor(2.0)
    <tf.Tensor: shape=(), dtype=float32, numpy=2.0>
    >>> tf.convert_to_tensor(3, dtype_hint=tf.float64)
    <tf.Tensor: shape=(), dtype=float64, numpy=3.0>

    Args:
      value: the value to convert.
      dtype: the dtype the result must have.
      dtype_hint: a preferred dtype for Python values, used when they convert to it.
      name: ignored.

    Raises:
      ValueError: if a tensor's dtype is not `dtype`.
      TypeError: if a Python value cannot take `dtype`.
    """
    dtype = dtype_arg(dtype)
    if isinstance(value, _Tensor):
        with _DisableSubclass():
            value_dtype = value.dtype
        if dtype is not None and value_dtype != dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dtype_name(dtype)} for Tensor with dtype "
                f"{dtype_name(value_dtype)}: {value!r}"
            )
        kind = type(value)
        if kind is EagerTensor:
            return value
        if kind is _Tensor:
            return as_eager(value)
        return call("Identity", torch.clone, (value,), value)  # a Variable: read it
    if dtype is None and dtype_hint is not None:
        try:
            return fresh(convert_value(value, as_dtype(dtype_hint)))
        except (TypeError, ValueError):
            pass
    return fresh(convert_value(value, dtype))


def is_tensor(x: Any) -> builtins.bool:
    """True for tensors (drop-in, Variable or plain torch).

    >>> import tftape_torch as tf
    >>> tf.is_tensor(tf.constant(1.0)), tf.is_tensor(1.0)
    (True, False)
    """
    return isinstance(x, _Tensor)


def zeros(
    shape: Any, dtype: Any = float32, name: Optional[str] = None, layout: Any = None
) -> torch.Tensor:
    """Creates a tensor with all elements set to zero.

    >>> import tftape_torch as tf
    >>> print(tf.zeros((2,), dtype=tf.int32))
    tf.Tensor([0 0], shape=(2,), dtype=int32)
    """
    dims = shape_arg(shape, "Fill", int32_converted=True)
    return fresh(torch.zeros(dims, dtype=as_dtype(dtype), device=current_device()))


def ones(
    shape: Any, dtype: Any = float32, name: Optional[str] = None, layout: Any = None
) -> torch.Tensor:
    """Creates a tensor with all elements set to one.

    >>> import tftape_torch as tf
    >>> print(tf.ones((2, 2)))
    tf.Tensor(
    [[1. 1.]
     [1. 1.]], shape=(2, 2), dtype=float32)
    """
    dims = shape_arg(shape, "Fill", int32_converted=True)
    return fresh(torch.ones(dims, dtype=as_dtype(dtype), device=current_device()))


def _shape_source(input: Any) -> torch.Tensor:
    """`input` as a tensor for an op that reads only its shape or dtype.

    TF converts a Variable argument to a tensor first, a read that recording tapes
    see (the Variable joins `watched_variables()`), even though no gradient flows.
    """
    x = as_tensor(input)
    if isinstance(x, Variable):
        x.read_for_op()
    return x


def zeros_like(
    input: Any, dtype: Any = None, name: Optional[str] = None, layout: Any = None
) -> torch.Tensor:
    """A tensor of zeros with the shape (and, by default, dtype) of `input`.

    >>> import tftape_torch as tf
    >>> print(tf.zeros_like([1, 2]))
    tf.Tensor([0 0], shape=(2,), dtype=int32)
    """
    x = as_tensor(input)  # a Variable is read (TF converts it), and the op recorded
    return call("ZerosLike", without_gradient(torch.zeros_like), (x,), x, dtype=dtype_arg(dtype))


def ones_like(
    input: Any, dtype: Any = None, name: Optional[str] = None, layout: Any = None
) -> torch.Tensor:
    """A tensor of ones with the shape (and, by default, dtype) of `input`.

    >>> import tftape_torch as tf
    >>> print(tf.ones_like(tf.constant([1.0, 2.0])))
    tf.Tensor([1. 1.], shape=(2,), dtype=float32)
    """
    x = as_tensor(input)  # a Variable is read (TF converts it), and the op recorded
    return call("OnesLike", without_gradient(torch.ones_like), (x,), x, dtype=dtype_arg(dtype))


def _broadcast_copy(value: torch.Tensor, dims: Sequence[int]) -> torch.Tensor:
    return torch.broadcast_to(value, tuple(dims)).clone(memory_format=torch.contiguous_format)


def fill(dims: Any, value: Any, name: Optional[str] = None, layout: Any = None) -> torch.Tensor:
    """Creates a tensor of shape `dims` filled with the scalar `value`.

    >>> import tftape_torch as tf
    >>> print(tf.fill([2, 2], 9))
    tf.Tensor(
    [[9 9]
     [9 9]], shape=(2, 2), dtype=int32)
    """
    shape_ = shape_arg(dims, "Fill")
    if isinstance(value, _Tensor):
        if value.dim() != 0:
            raise InvalidArgumentError(
                None, None, f"value must be a scalar, got a tensor of shape {value.shape} [Op:Fill]"
            )
        return call("Fill", _broadcast_copy, (value,), value, shape_)
    scalar = convert_value(value)
    if scalar.dim() != 0:
        raise InvalidArgumentError(
            None, None, f"value must represent a scalar, got shape "
            f"[{','.join(map(str, scalar.shape))}] [Op:Fill]")
    return fresh(_broadcast_copy(scalar, shape_))


def eye(
    num_rows: int,
    num_columns: Optional[int] = None,
    batch_shape: Any = None,
    dtype: Any = float32,
    name: Optional[str] = None,
) -> torch.Tensor:
    """An identity matrix (or a batch of them).

    >>> import tftape_torch as tf
    >>> print(tf.eye(2))
    tf.Tensor(
    [[1. 0.]
     [0. 1.]], shape=(2, 2), dtype=float32)
    """
    if isinstance(num_rows, (float, np.floating)) or isinstance(num_columns, (float, np.floating)):
        shown = num_rows if num_columns is None else num_columns
        raise TypeError("Arguments `num_rows` and `num_columns` must be positive integer values. "
                        f"Received: num_rows={num_rows}, num_columns={shown}")
    rows = int(num_rows)
    cols = rows if num_columns is None else int(num_columns)
    if rows < 0 or cols < 0:
        raise InvalidArgumentError(
            None, None, f"Dimension {builtins.min(rows, cols)} must be >= 0 [Op:Fill]")
    out = torch.eye(rows, cols, dtype=as_dtype(dtype), device=current_device())
    if batch_shape is not None:
        batch = shape_arg(batch_shape, "MatrixDiag")
        out = _broadcast_copy(out, batch + [rows, cols])
    return fresh(out)


# ---------------------------------------------------------------------------
# Shapes


def reshape(tensor: Any, shape: Any, name: Optional[str] = None) -> torch.Tensor:
    """Reshapes a tensor (one dimension may be -1, inferred).

    >>> import tftape_torch as tf
    >>> tf.reshape(tf.range(6), [3, -1]).shape
    TensorShape([3, 2])

    Raises:
      InvalidArgumentError: if the sizes do not match.
    """
    x = tensor if isinstance(tensor, _Tensor) else convert_value(tensor)
    kind = type(shape)
    if kind is list or kind is tuple:
        dims = shape  # the common case: ints (a loop, not a comprehension: no new function)
        for d in shape:
            if type(d) is not int:
                dims = [d if type(d) is int else shape_entry(d, shape, "Reshape") for d in shape]
                break
    elif isinstance(shape, _Tensor):
        with _DisableSubclass():
            if not_an_index(shape):
                raise index_dtype_error(kernel_name(shape.dtype), "Reshape")
            dims = shape.reshape(-1).tolist()
    elif isinstance(shape, (int, np.integer)):
        dims = [int(shape)]
    else:
        dims = [d if type(d) is int else shape_entry(d, shape, "Reshape") for d in shape]
    return call("Reshape", torch.reshape, (x,), x, dims)


def _permute(value: torch.Tensor, order: Any, conjugate: builtins.bool) -> torch.Tensor:
    """`transpose`'s body (torch functions off: the rank is a plain read)."""
    rank = torch.Tensor.dim(value)
    if order is None:
        order = list(builtins.range(rank - 1, -1, -1))
    elif isinstance(order, int) or len(order) != rank:
        raise InvalidArgumentError(
            None,
            None,
            f"transpose expects a vector of size {rank}. But input(1) is a vector of size "
            f"{1 if isinstance(order, int) else len(order)} [Op:Transpose]",
        )
    if conjugate and torch.Tensor.is_complex(value):
        return torch.permute(value, order).conj()
    return torch.permute(value, order)


def transpose(
    a: Any, perm: Any = None, conjugate: builtins.bool = False, name: str = "transpose"
) -> torch.Tensor:
    """Permutes the dimensions of `a` (reverses them by default).

    >>> import tftape_torch as tf
    >>> print(tf.transpose(tf.constant([[1, 2, 3]])))
    tf.Tensor(
    [[1]
     [2]
     [3]], shape=(3, 1), dtype=int32)
    """
    x = a if isinstance(a, _Tensor) else convert_value(a)
    if perm is None:  # TF's default: the dimensions reversed
        with _DisableSubclass():
            order: Any = list(builtins.range(torch.Tensor.dim(x) - 1, -1, -1))
    else:
        order = axis_arg(perm)
    if type(order) is list:  # inline (`_op_call.call_inline`): a real floating tensor
        result = call_inline(torch.permute, (x,), x, order)
        if result is not None:
            return result
    op = "ConjugateTranspose" if conjugate and x.dtype.is_complex else "Transpose"
    return call(op, _permute, (x,), x, order, conjugate)


def concat(values: Any, axis: Any, name: str = "concat") -> torch.Tensor:
    """Concatenates tensors along one dimension.

    >>> import tftape_torch as tf
    >>> tf.concat([tf.ones((2, 3)), tf.zeros((1, 3))], axis=0).shape
    TensorShape([3, 3])

    Raises:
      InvalidArgumentError: for mismatched dtypes or shapes, or scalars.
    """
    items = [values] if isinstance(values, _Tensor) else list(values)
    tensors = same_dtype(items, "ConcatV2")
    dim = axis_arg(axis)
    if not tensors:
        raise InvalidArgumentError(
            None, None, "OpKernel 'ConcatV2' has constraint on attr 'T' not in NodeDef "
            "'[N=0, Tidx=DT_INT32]' [Op:ConcatV2]")
    with _DisableSubclass():  # (raw sizes: no `TensorShape` per read)
        sizes = [t.size() for t in tensors]
    for size in sizes:
        if not size:
            raise InvalidArgumentError(
                None,
                None,
                "ConcatOp : Can't concatenate scalars (use tf.stack instead) [Op:ConcatV2]",
            )
    _check_concat_shapes(sizes, dim)
    if len(tensors) == 1:
        return identity(tensors[0])
    return call("ConcatV2", torch.cat, tensors, tensors, dim)


def _check_concat_shapes(sizes: List[torch.Size], dim: int) -> None:
    """TF's ConcatOp checks and messages: axis in range, equal ranks, equal other dims."""
    first, rank = sizes[0], len(sizes[0])
    if -rank <= dim < rank:
        axis = dim % rank
        head, tail = first[:axis], first[axis + 1:]
        for size in sizes:
            if len(size) != rank or size[:axis] != head or size[axis + 1:] != tail:
                break
        else:
            return  # (the common case, without building TF's messages)
    detail = ""
    if not -rank <= dim < rank:
        detail = f"Expected concatenating dimensions in the range [{-rank}, {rank}), but got {dim}"
    for i, size in enumerate(sizes[1:], start=1):
        pair = "shape[0] = [{}] vs. shape[{}] = [{}]".format(
            ",".join(map(str, first)), i, ",".join(map(str, size)))
        bad = [d for d in range(rank)
               if d != dim % rank and size[d:d + 1] != first[d:d + 1]]
        if detail or not (len(size) != rank or bad):
            continue
        detail = (f"Ranks of all input tensors should match: {pair}" if len(size) != rank
                  else f"Dimension {bad[0]} in both shapes must be equal: {pair}")
    if detail:
        raise InvalidArgumentError(None, None, f"ConcatOp : {detail} [Op:ConcatV2]")


def stack(values: Any, axis: int = 0, name: str = "stack") -> torch.Tensor:
    """Stacks a list of rank-R tensors into one rank-(R+1) tensor.

    >>> import tftape_torch as tf
    >>> print(tf.stack([tf.constant(1.0), tf.constant(2.0)]))
    tf.Tensor([1. 2.], shape=(2,), dtype=float32)
    """
    items = list(values)
    dim = axis_arg(axis)
    if dim != 0 and items:
        expanded = (items[0].dim() if isinstance(items[0], _Tensor) else np.ndim(items[0])) + 1
        if not -expanded <= dim < expanded:
            raise ValueError(f"Argument `axis` = {dim} not in range [{-expanded}, {expanded})")
    if not any(isinstance(v, _Tensor) for v in items):
        packed = convert_value(items)
        if dim != 0 and packed.dim() > 0:
            packed = torch.movedim(packed, 0, dim)
        return fresh(packed)
    tensors = same_dtype(items, "Pack")
    return call("Pack", torch.stack, tensors, tensors, dim)


def squeeze(input: Any, axis: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """Removes dimensions of size 1 (all of them, or those in `axis`).

    >>> import tftape_torch as tf
    >>> tf.squeeze(tf.ones((1, 2, 1))).shape
    TensorShape([2])

    Raises:
      InvalidArgumentError: if a dimension in `axis` is not of size 1.
    """
    x = as_tensor(input)
    if axis is None:
        return call("Squeeze", torch.squeeze, (x,), x)
    axes = axis_arg(axis)
    axes = [axes] if isinstance(axes, int) else axes
    with _DisableSubclass():  # the value's size (a Variable's `shape` is its declared one)
        sizes = torch.Tensor.size(x)
    rank_ = len(sizes)
    for a in axes:
        if not -rank_ <= a < rank_:
            raise InvalidArgumentError(
                None,
                None,
                f"Tried to squeeze dim index {a} for tensor with {rank_} dimensions. [Op:Squeeze]",
            )
        if sizes[a] != 1:
            raise InvalidArgumentError(
                None,
                None,
                f"Can not squeeze dim[{a % rank_}], expected a dimension of 1, got {sizes[a]} "
                "[Op:Squeeze]",
            )
    return call("Squeeze", torch.squeeze, (x,), x, tuple(axes))


def expand_dims(input: Any, axis: Any, name: Optional[str] = None) -> torch.Tensor:
    """Inserts a dimension of size 1 at `axis`.

    >>> import tftape_torch as tf
    >>> tf.expand_dims(tf.ones((2,)), -1).shape
    TensorShape([2, 1])
    """
    x = as_tensor(input)
    dim = axis_arg(axis)
    if not isinstance(dim, int):  # a list or a tensor: TF takes one value of any shape
        if np.size(dim) != 1:
            raise InvalidArgumentError(
                None, None, "'dim' must be a tensor with a single value [Op:ExpandDims]")
        dim = int(np.reshape(dim, -1)[0])
    rank_ = x.dim()
    if not -rank_ - 1 <= dim <= rank_:
        raise InvalidArgumentError(
            None,
            None,
            f"Tried to expand dim index {dim} for tensor with {rank_} dimensions. [Op:ExpandDims]",
        )
    return call("ExpandDims", torch.unsqueeze, (x,), x, dim)


def shape(input: Any, out_type: Any = int32, name: Optional[str] = None) -> torch.Tensor:
    """The shape of a tensor, as a 1-D int32 tensor.

    >>> import tftape_torch as tf
    >>> print(tf.shape(tf.ones((2, 3))))
    tf.Tensor([2 3], shape=(2,), dtype=int32)
    """
    x = _shape_source(input)
    # NOTE: the value's size, not `x.shape`: a Variable made with `shape=` reports its
    # declared shape there, `None` dimensions (or an unknown rank) included.
    with _DisableSubclass():
        dims = list(torch.Tensor.size(x))
    dev = x.device
    return fresh(torch.tensor(dims, dtype=as_dtype(out_type), device=dev))


def rank(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The number of dimensions of a tensor, as a 0-d int32 tensor.

    >>> import tftape_torch as tf
    >>> print(tf.rank(tf.ones((2, 3))))
    tf.Tensor(2, shape=(), dtype=int32)
    """
    x = _shape_source(input)
    return fresh(torch.tensor(x.dim(), dtype=torch.int32, device=x.device))


def size(input: Any, out_type: Any = int32, name: Optional[str] = None) -> torch.Tensor:
    """The number of elements of a tensor, as a 0-d int32 tensor.

    >>> import tftape_torch as tf
    >>> print(tf.size(tf.ones((2, 3))))
    tf.Tensor(6, shape=(), dtype=int32)
    """
    x = _shape_source(input)
    with _DisableSubclass():  # plain reads, not the drop-in tensor's methods
        count, device = x.numel(), x.device
    return fresh(torch.tensor(count, dtype=as_dtype(out_type), device=device))


# ---------------------------------------------------------------------------
# Casts and identities


def _real_to(value: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    return value.real.to(dtype)


def cast(x: Any, dtype: Any, name: Optional[str] = None) -> torch.Tensor:
    """Casts a tensor to a new dtype (floats to ints truncate toward zero).

    The gradient flows through casts between floating dtypes; a cast to an integer
    dtype has none, as in TF.

    >>> import tftape_torch as tf
    >>> print(tf.cast(tf.constant([1.7, -1.7]), tf.int32))
    tf.Tensor([ 1 -1], shape=(2,), dtype=int32)
    """
    target = as_dtype(dtype)
    t = as_tensor(x)
    if t.dtype == target:
        kind = type(t)
        if kind is EagerTensor:
            return t
        if kind is _Tensor:
            return as_eager(t)
        return identity(t)
    with _DisableSubclass():  # a plain read, not the drop-in tensor's method
        complex_input = t.is_complex()
    if complex_input and target not in COMPLEX:
        return call("Cast", _real_to, (t,), t, target)
    return call("Cast", torch.Tensor.to, (t,), t, target)


def identity(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """A tensor with the same value as `input` (for a Variable: a snapshot of it).

    An `IndexedSlices` stays one, of the identities of its components, as in TF.

    >>> import tftape_torch as tf
    >>> print(tf.identity([1, 2]))
    tf.Tensor([1 2], shape=(2,), dtype=int32)
    """
    if isinstance(input, IndexedSlices):
        shape = input.dense_shape
        return IndexedSlices(  # type: ignore[return-value]
            identity(input.values), identity(input.indices),
            None if shape is None else identity(shape))
    x = as_tensor(input)
    kind = type(x)
    if kind is EagerTensor or kind is _Tensor:
        return call("Identity", torch.Tensor.view_as, (x,), x, x)
    return call("Identity", torch.clone, (x,), x)


def stop_gradient(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The value of `input`, through which no gradient flows.

    >>> import tftape_torch as tf
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as t:
    ...     t.watch(x)
    ...     y = tf.stop_gradient(x) * x
    >>> print(t.gradient(y, x))
    tf.Tensor(3.0, shape=(), dtype=float32)
    """
    x = as_tensor(input)
    if isinstance(x, Variable):  # TF reads it unseen by tapes: nothing is watched
        with _DisableSubclass():
            return fresh(torch.Tensor.detach(x).clone())
    return call("StopGradient", torch.Tensor.detach, (x,), x)


# ---------------------------------------------------------------------------
# Selection


def where(condition: Any, x: Any = None, y: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """Elements of `x` where `condition` holds, else of `y` (all three broadcast).

    With only `condition` (of any dtype but float16, and rank 1 or more), the int64
    indices of its true (non-zero) elements.

    >>> import tftape_torch as tf
    >>> print(tf.where([True, False], [1.0, 2.0], [3.0, 4.0]))
    tf.Tensor([1. 4.], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: if `condition` is not bool, or `x`/`y` dtypes differ.
      ValueError: if only one of `x` and `y` is given.
    """
    if x is None and y is None:
        cond = as_tensor(condition)
        if cond.dim() == 0:
            raise InvalidArgumentError(None, None, "WhereOp : Unhandled input dimensions: 0 "
                                       "[Op:Where]")
        if cond.dtype == torch.float16:
            raise UnimplementedError(None, None, "No WhereOp available for float16/half type "
                                     "on CPU [Op:Where]")
        return call("Where", torch.nonzero, (cond,), cond)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    cond = as_tensor(condition, torch.bool)
    if cond.dtype != torch.bool:
        raise dtype_mismatch("SelectV2", torch.bool, cond.dtype, 0)
    number = exact_number(y, x) if isinstance(x, torch.Tensor) else None
    if number is not None:
        # `where(c, x, 0.0)` of a float32/64 `x`: the number, as TF converts it, stays
        # a number for torch's `where`, without a tensor made for it.
        return call("SelectV2", torch.where, (cond, x), cond, x, number)
    a, b = match_operands(x, y, "SelectV2")
    return call("SelectV2", torch.where, (cond, a, b), cond, a, b)


def get_static_value(tensor: Any, partial: builtins.bool = False) -> Any:
    """`tensor`'s value as a NumPy array (eager tensors always have one); a Variable has
    none (`None`, as TF says), and other values come back as they are.

    >>> import tftape_torch as tf
    >>> tf.get_static_value(tf.constant([1, 2]))
    array([1, 2], dtype=int32)
    """
    if isinstance(tensor, Variable):
        return None
    if isinstance(tensor, torch.Tensor):
        return as_eager(tensor).numpy()
    return tensor


def _ensured(x: torch.Tensor) -> torch.Tensor:
    return x.clone()


def ensure_shape(x: Any, shape: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x`, after checking that its shape fits `shape` (`None` entries match anything).

    >>> import tftape_torch as tf
    >>> print(tf.ensure_shape(tf.constant([1.0, 2.0]), [None]))
    tf.Tensor([1. 2.], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: the shapes are incompatible.
    """
    t = as_tensor(x)
    if shape is not None:
        wanted = TensorShape(shape)
        if not wanted.is_compatible_with(TensorShape(list(t.shape))):
            raise InvalidArgumentError(
                None, None, f"Shape of tensor input {list(t.shape)} is not compatible with "
                f"expected shape {wanted}. [Op:EnsureShape]"
            )
    return call("EnsureShape", _ensured, (t,), t)
