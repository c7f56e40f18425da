"""The drop-in op namespace: `import tftape_torch as tf` runs TF tutorials unchanged.

Each op is a thin map onto a torch op with TF's argument names and defaults (`axis`,
`keepdims`; `name` is accepted and ignored), TF's dtype rules for Python values and
mixed operands, TF's exception classes (`tf.errors.InvalidArgumentError` for a bad
axis, shape or dtype) and TF's gradients where torch's differ (NOTE: [TF's gradient
conventions] in `_kernels`). Results are `EagerTensor`s; inputs may be drop-in tensors,
Variables, plain torch tensors, NumPy arrays or Python values.

>>> import tftape_torch as tf
>>> x = tf.ones((2, 2))
>>> with tf.GradientTape() as t:
...     t.watch(x)
...     z = tf.square(tf.reduce_sum(x))
>>> print(t.gradient(z, x))
tf.Tensor(
[[8. 8.]
 [8. 8.]], shape=(2, 2), dtype=float32)
"""

from __future__ import annotations

import builtins
import functools
import math as _math
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch.overrides import handle_torch_function

from tftape_torch import _dtypes, _kernels
from tftape_torch._device import current_device, device
from tftape_torch._dtypes import (
    COMPLEX,
    FLOATING,
    INEXACT,
    INTEGER,
    DType,
    as_dtype,
    bfloat16,
    bool,
    complex64,
    complex128,
    double,
    dtype_name,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from tftape_torch._tensor import (
    _DTYPE_GET,
    _Base,
    EagerTensor,
    own_leaf,
    TensorShape,
    _matmul,
    _mismatch,
    _other,
    _pow,
    _truediv,
    as_eager,
    convert_value,
    fresh,
)
from tftape_torch._torch_internals import DisableTorchFunctionSubclass as _DisableSubclass
from tftape_torch._variable import Variable
from tftape_torch.errors import NotFoundError, InvalidArgumentError

__all__ = [
    "DType",
    "Tensor",
    "TensorShape",
    "abs",
    "add",
    "as_dtype",
    "bfloat16",
    "bool",
    "cast",
    "complex64",
    "complex128",
    "concat",
    "constant",
    "convert_to_tensor",
    "cos",
    "device",
    "divide",
    "double",
    "dtypes",
    "exp",
    "expand_dims",
    "eye",
    "fill",
    "float16",
    "float32",
    "float64",
    "function",
    "half",
    "identity",
    "int8",
    "int16",
    "int32",
    "int64",
    "is_tensor",
    "linspace",
    "matmul",
    "maximum",
    "minimum",
    "multiply",
    "newaxis",
    "ones",
    "ones_like",
    "pow",
    "range",
    "rank",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_sum",
    "reshape",
    "shape",
    "sigmoid",
    "sin",
    "size",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "stop_gradient",
    "subtract",
    "tanh",
    "transpose",
    "uint8",
    "where",
    "zeros",
    "zeros_like",
]

_Tensor = torch.Tensor

#: Every tensor is a `tf.Tensor`: plain torch tensors, drop-in tensors, Variables.
Tensor = torch.Tensor

#: `tf.dtypes`: the dtype names and `as_dtype`.
dtypes = _dtypes

#: `x[tf.newaxis]` inserts a dimension, as `None` does.
newaxis = None


# ---------------------------------------------------------------------------
# Running ops


def _tensor(value: Any, dtype: Optional[torch.dtype] = None) -> torch.Tensor:
    """An op input as a tensor: tensors pass as they are, values convert with TF's rules."""
    if isinstance(value, _Tensor):
        return value
    return convert_value(value, dtype)


def _result(out: Any) -> Any:
    if type(out) is _Tensor:
        return out.as_subclass(EagerTensor)
    return out


def _call(op: str, fn: Callable[..., Any], tensors: Sequence[Any], *args: Any, **kwargs: Any) -> Any:
    """Run `fn(*args, **kwargs)`, the body of TF op `op`, and return an `EagerTensor`.

    Drop-in and plain tensors run with torch functions disabled and the fresh result
    is re-typed in place (NOTE: [Fresh results] in `_tensor`). A Variable among
    `tensors` is read once, the way every tape expects, and the op runs on the read.
    Another tensor subclass gets `fn` dispatched through its `__torch_function__`.
    torch's `RuntimeError`s and `IndexError`s become TF's `InvalidArgumentError`.
    """
    try:
        reads = None
        for item in tensors:
            kind = type(item)
            if kind is EagerTensor or kind is _Tensor:
                continue
            if kind is Variable:
                if reads is None:
                    reads = {}
                if id(item) not in reads:
                    reads[id(item)] = item._read()
            elif isinstance(item, _Tensor):
                return _result(handle_torch_function(fn, tensors, *args, **kwargs))
        if reads is not None:
            tensors = list(reads.values())
            args = _substitute(args, reads)
            if kwargs:
                kwargs = {key: _substitute(value, reads) for key, value in kwargs.items()}
        with _DisableSubclass():
            out = fn(*args, **kwargs)
    except (RuntimeError, IndexError) as e:
        raise InvalidArgumentError(None, None, f"{e} [Op:{op}]") from e
    if type(out) is _Tensor:
        for item in tensors:
            if out is item:
                return out.as_subclass(EagerTensor)
        out = own_leaf(out)
        out.__class__ = EagerTensor
    return out


def _substitute(value: Any, reads: Dict[int, torch.Tensor]) -> Any:
    """`value` with each Variable in `reads` (also inside lists and tuples) replaced."""
    kind = type(value)
    if kind is Variable:
        read = reads.get(id(value))
        return value._read() if read is None else read
    if kind is tuple or kind is list:
        return kind([_substitute(item, reads) if type(item) in _NESTING else item
                     for item in value])
    return value


_NESTING = frozenset({Variable, tuple, list})


def _same_dtype_plain(a: torch.Tensor, b: torch.Tensor) -> builtins.bool:
    """Whether tensors `a` and `b` have one dtype (read without torch functions)."""
    with _DisableSubclass():
        return _DTYPE_GET(a) is _DTYPE_GET(b)  # type: ignore[no-any-return]


def _disallowed(op: str, dtype: torch.dtype, allowed: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        None,
        None,
        f"Value for attr 'T' of {dtype_name(dtype)} is not in the list of allowed values: "
        f"{allowed} [Op:{op}]",
    )


_FLOAT_NAMES = "bfloat16, half, float, double, complex64, complex128"
_REAL_FLOAT_NAMES = "half, bfloat16, float, double"
_NUMBER_NAMES = "bfloat16, half, float, double, int8, int16, int32, int64, complex64, complex128"


def _float_input(value: Any, op: str, allow_complex: builtins.bool = True) -> torch.Tensor:
    x = _tensor(value)
    dtype = x.dtype
    if dtype in FLOATING or (allow_complex and dtype in COMPLEX):
        return x
    raise _disallowed(op, dtype, _FLOAT_NAMES if allow_complex else _REAL_FLOAT_NAMES)


def _number_input(value: Any, op: str) -> torch.Tensor:
    x = _tensor(value)
    if x.dtype == torch.bool:
        raise _disallowed(op, x.dtype, _NUMBER_NAMES)
    return x


def _match(x: Any, y: Any, op: str) -> Tuple[torch.Tensor, Any]:
    """TF's operand matching: the first tensor's dtype wins, Python values follow it."""
    if not isinstance(x, _Tensor):
        if isinstance(y, _Tensor):
            x = convert_value(x, y.dtype, y.device)
        else:
            x = convert_value(x)
    with _DisableSubclass():
        y = _other(x, y, op, TypeError)
        if not isinstance(y, _Tensor):
            y = convert_value(y, x.dtype, x.device)
    return x, y


def _shape_arg(shape: Any, op: str) -> List[int]:
    """A shape argument (int, list, tuple, TensorShape, tensor) as a list of ints."""
    if isinstance(shape, _Tensor):
        with _DisableSubclass():
            dims = shape.reshape(-1).tolist()
    elif isinstance(shape, (int, np.integer)):
        dims = [int(shape)]
    else:
        dims = [int(d) for d in shape]
    for d in dims:
        if d < 0:
            raise InvalidArgumentError(None, None, f"Dimension {d} must be >= 0 [Op:{op}]")
    return dims


def _axis_arg(axis: Any) -> Any:
    """An axis argument (int, list, tensor) as an int or a list of ints."""
    if isinstance(axis, _Tensor):
        with _DisableSubclass():
            value = axis.tolist()
        return value
    if isinstance(axis, np.ndarray):
        return axis.tolist()
    if isinstance(axis, (list, tuple)):
        return [int(a) for a in axis]
    return int(axis)


def _dtype_arg(dtype: Any) -> Optional[torch.dtype]:
    return None if dtype is None else as_dtype(dtype)


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
    dtype = _dtype_arg(dtype)
    if isinstance(value, _Tensor):
        kind = type(value)
        if kind is EagerTensor or kind is _Tensor:
            if dtype is not None and value.dtype != dtype:
                raise TypeError(
                    f"Expected tensor {value!r} with dtype {dtype_name(dtype)}, but got dtype "
                    f"{dtype_name(value.dtype)}."
                )
            result = as_eager(value)
        else:
            result = convert_to_tensor(value, dtype)
    else:
        if isinstance(value, (list, tuple)) and _holds_tensor(value):
            raise ValueError(
                "tf.constant does not pack tensors (TF raises too): use tf.convert_to_tensor or "
                "tf.stack to make one tensor of a list of tensors."
            )
        result = fresh(convert_value(value, dtype))
    if shape is None:
        return result
    dims = _shape_arg(shape, "Const")
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
    dtype = _dtype_arg(dtype)
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
        return _call("Identity", torch.clone, (value,), value)  # a Variable: read it
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


def zeros(shape: Any, dtype: Any = float32, name: Optional[str] = None, layout: Any = None) -> torch.Tensor:
    """Creates a tensor with all elements set to zero.

    >>> import tftape_torch as tf
    >>> print(tf.zeros((2,), dtype=tf.int32))
    tf.Tensor([0 0], shape=(2,), dtype=int32)
    """
    dims = _shape_arg(shape, "Fill")
    return fresh(torch.zeros(dims, dtype=as_dtype(dtype), device=current_device()))


def ones(shape: Any, dtype: Any = float32, name: Optional[str] = None, layout: Any = None) -> torch.Tensor:
    """Creates a tensor with all elements set to one.

    >>> import tftape_torch as tf
    >>> print(tf.ones((2, 2)))
    tf.Tensor(
    [[1. 1.]
     [1. 1.]], shape=(2, 2), dtype=float32)
    """
    dims = _shape_arg(shape, "Fill")
    return fresh(torch.ones(dims, dtype=as_dtype(dtype), device=current_device()))


def zeros_like(input: Any, dtype: Any = None, name: Optional[str] = None, layout: Any = None) -> torch.Tensor:
    """A tensor of zeros with the shape (and, by default, dtype) of `input`.

    >>> import tftape_torch as tf
    >>> print(tf.zeros_like([1, 2]))
    tf.Tensor([0 0], shape=(2,), dtype=int32)
    """
    x = _tensor(input)
    with _DisableSubclass():
        return fresh(torch.zeros_like(x, dtype=_dtype_arg(dtype)))


def ones_like(input: Any, dtype: Any = None, name: Optional[str] = None, layout: Any = None) -> torch.Tensor:
    """A tensor of ones with the shape (and, by default, dtype) of `input`.

    >>> import tftape_torch as tf
    >>> print(tf.ones_like(tf.constant([1.0, 2.0])))
    tf.Tensor([1. 1.], shape=(2,), dtype=float32)
    """
    x = _tensor(input)
    with _DisableSubclass():
        return fresh(torch.ones_like(x, dtype=_dtype_arg(dtype)))


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
    shape_ = _shape_arg(dims, "Fill")
    if isinstance(value, _Tensor):
        if value.dim() != 0:
            raise InvalidArgumentError(
                None, None, f"value must be a scalar, got a tensor of shape {value.shape} [Op:Fill]"
            )
        return _call("Fill", _broadcast_copy, (value,), value, shape_)
    scalar = convert_value(value)
    return fresh(_broadcast_copy(scalar, shape_))


def _range_dtype(values: Sequence[Any]) -> torch.dtype:
    # TF infers the widest of int32 < int64 < float32 < float64 among the arguments.
    order = [torch.int32, torch.int64, torch.float32, torch.float64]
    best = torch.int32
    for value in values:
        if isinstance(value, _Tensor):
            found = value.dtype
        elif isinstance(value, (np.ndarray, np.generic)):
            found = convert_value(value).dtype
        elif isinstance(value, float):
            found = torch.float32
        else:
            found = convert_value(value).dtype
        if found in order and order.index(found) > order.index(best):
            best = found
    return best


def range(
    start: Any,
    limit: Any = None,
    delta: Any = 1,
    dtype: Any = None,
    name: str = "range",
) -> torch.Tensor:
    """A 1-D tensor of numbers from `start` up to (not including) `limit` by `delta`.

    >>> import tftape_torch as tf
    >>> print(tf.range(1, 10, 3))
    tf.Tensor([1 4 7], shape=(3,), dtype=int32)
    >>> print(tf.range(3.0))
    tf.Tensor([0. 1. 2.], shape=(3,), dtype=float32)

    Raises:
      InvalidArgumentError: if `delta` is 0 or points away from `limit`.
    """
    if limit is None:
        start, limit = 0, start
    resolved = as_dtype(dtype) if dtype is not None else _range_dtype((start, limit, delta))
    numbers = []
    for value in (start, limit, delta):
        if isinstance(value, _Tensor):
            with _DisableSubclass():
                value = value.item()
        numbers.append(value.item() if isinstance(value, np.generic) else value)
    first, last, step = numbers
    if step == 0:
        raise InvalidArgumentError(None, None, f"Requires delta != 0: {step} [Op:Range]")
    if step > 0 and first > last:
        raise InvalidArgumentError(
            None, None, f"Requires start <= limit when delta > 0: {first}/{last} [Op:Range]"
        )
    if step < 0 and first < last:
        raise InvalidArgumentError(
            None, None, f"Requires start >= limit when delta < 0: {first}/{last} [Op:Range]"
        )
    if resolved in INTEGER:
        first, last, step = int(first), int(last), int(step)
        count = (builtins.abs(last - first) + builtins.abs(step) - 1) // builtins.abs(step)
    else:
        # TF computes the length in the output dtype.
        np_dtype = np.float32 if resolved != torch.float64 else np.float64
        span = np.abs((np_dtype(last) - np_dtype(first)) / np_dtype(step))
        count = int(np.ceil(span))
    dev = current_device()
    steps = torch.arange(count, dtype=resolved, device=dev)
    return fresh(steps * step + first if count else steps)


def _linspace(a: torch.Tensor, b: torch.Tensor, count: int, axis: int) -> torch.Tensor:
    # TF's formulation (math_ops.linspace_nd): start and stop kept exact, differentiable.
    a, b = torch.broadcast_tensors(a, b)
    ax = axis if axis >= 0 else a.dim() + 1 + axis
    a, b = a.unsqueeze(ax), b.unsqueeze(ax)
    delta = (b - a) / builtins.max(count - 1, 1)
    steps = [1] * a.dim()
    steps[ax] = builtins.max(count - 2, 0)
    middle = torch.arange(1, 1 + steps[ax], dtype=a.dtype, device=a.device).reshape(steps)
    joined = torch.cat([a, a + delta * middle, b], dim=ax)
    return torch.narrow(joined, ax, 0, count)


def linspace(start: Any, stop: Any, num: Any, name: Optional[str] = None, axis: int = 0) -> torch.Tensor:
    """`num` evenly spaced values from `start` to `stop` (both included), along `axis`.

    `start` and `stop` may be tensors: the values then run along the new `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.linspace(0.0, 1.0, 5))
    tf.Tensor([0.   0.25 0.5  0.75 1.  ], shape=(5,), dtype=float32)
    """
    first, last = _match(start, stop, "LinSpace")
    if not (first.is_floating_point() or first.is_complex()):
        first, last = cast(first, float64), cast(last, float64)
    if isinstance(num, _Tensor):
        with _DisableSubclass():
            num = num.item()
    count = int(num)
    if count < 0:
        raise InvalidArgumentError(None, None, f"Requires num > 0: {count} [Op:LinSpace]")

    return _call("LinSpace", _linspace, (first, last), first, last, count, int(axis))


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
    rows = int(num_rows)
    cols = rows if num_columns is None else int(num_columns)
    out = torch.eye(rows, cols, dtype=as_dtype(dtype), device=current_device())
    if batch_shape is not None:
        batch = _shape_arg(batch_shape, "MatrixDiag")
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
    x = _tensor(tensor)
    if isinstance(shape, _Tensor):
        with _DisableSubclass():
            dims = shape.reshape(-1).tolist()
    elif isinstance(shape, (int, np.integer)):
        dims = [int(shape)]
    else:
        dims = [int(d) for d in shape]
    return _call("Reshape", torch.reshape, (x,), x, dims)


def _conj_permute(value: torch.Tensor, order: List[int]) -> torch.Tensor:
    return torch.permute(value, order).conj()


def transpose(a: Any, perm: Any = None, conjugate: builtins.bool = False, name: str = "transpose") -> torch.Tensor:
    """Permutes the dimensions of `a` (reverses them by default).

    >>> import tftape_torch as tf
    >>> print(tf.transpose(tf.constant([[1, 2, 3]])))
    tf.Tensor(
    [[1]
     [2]
     [3]], shape=(3, 1), dtype=int32)
    """
    x = _tensor(a)
    order = list(builtins.range(x.dim() - 1, -1, -1)) if perm is None else _axis_arg(perm)
    if isinstance(order, int) or len(order) != x.dim():
        raise InvalidArgumentError(
            None,
            None,
            f"transpose expects a vector of size {x.dim()}. But input(1) is a vector of size "
            f"{1 if isinstance(order, int) else len(order)} [Op:Transpose]",
        )
    if conjugate and x.is_complex():
        return _call("ConjugateTranspose", _conj_permute, (x,), x, order)
    return _call("Transpose", torch.permute, (x,), x, order)


def _same_dtype(values: Sequence[Any], op: str) -> List[torch.Tensor]:
    """Convert a list of op inputs to tensors of one dtype (the first tensor's)."""
    first = next((v for v in values if isinstance(v, _Tensor)), None)
    if first is None:
        converted = [convert_value(v) for v in values]
        dtype = converted[0].dtype if converted else torch.float32
    else:
        dtype = first.dtype
        converted = [v if isinstance(v, _Tensor) else convert_value(v, dtype, first.device) for v in values]
    for index, item in enumerate(converted):
        if item.dtype != dtype:
            raise _mismatch(op, dtype, item.dtype, index)
    return converted


def concat(values: Any, axis: Any, name: str = "concat") -> torch.Tensor:
    """Concatenates tensors along one dimension.

    >>> import tftape_torch as tf
    >>> tf.concat([tf.ones((2, 3)), tf.zeros((1, 3))], axis=0).shape
    TensorShape([3, 3])

    Raises:
      InvalidArgumentError: for mismatched dtypes or shapes, or scalars.
    """
    items = [values] if isinstance(values, _Tensor) else list(values)
    tensors = _same_dtype(items, "ConcatV2")
    dim = _axis_arg(axis)
    for t in tensors:
        if t.dim() == 0:
            raise InvalidArgumentError(
                None, None, "ConcatOp : Can't concatenate scalars (use tf.stack instead) [Op:ConcatV2]"
            )
    if len(tensors) == 1:
        return identity(tensors[0])
    return _call("ConcatV2", torch.cat, tensors, tensors, dim)


def stack(values: Any, axis: int = 0, name: str = "stack") -> torch.Tensor:
    """Stacks a list of rank-R tensors into one rank-(R+1) tensor.

    >>> import tftape_torch as tf
    >>> print(tf.stack([tf.constant(1.0), tf.constant(2.0)]))
    tf.Tensor([1. 2.], shape=(2,), dtype=float32)
    """
    items = list(values)
    dim = _axis_arg(axis)
    if not any(isinstance(v, _Tensor) for v in items):
        packed = convert_value(items)
        if dim != 0 and packed.dim() > 0:
            packed = torch.movedim(packed, 0, dim)
        return fresh(packed)
    tensors = _same_dtype(items, "Pack")
    return _call("Pack", torch.stack, tensors, tensors, dim)


def squeeze(input: Any, axis: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """Removes dimensions of size 1 (all of them, or those in `axis`).

    >>> import tftape_torch as tf
    >>> tf.squeeze(tf.ones((1, 2, 1))).shape
    TensorShape([2])

    Raises:
      InvalidArgumentError: if a dimension in `axis` is not of size 1.
    """
    x = _tensor(input)
    if axis is None:
        return _call("Squeeze", torch.squeeze, (x,), x)
    axes = _axis_arg(axis)
    axes = [axes] if isinstance(axes, int) else axes
    sizes = x.shape
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
    return _call("Squeeze", torch.squeeze, (x,), x, tuple(axes))


def expand_dims(input: Any, axis: Any, name: Optional[str] = None) -> torch.Tensor:
    """Inserts a dimension of size 1 at `axis`.

    >>> import tftape_torch as tf
    >>> tf.expand_dims(tf.ones((2,)), -1).shape
    TensorShape([2, 1])
    """
    x = _tensor(input)
    dim = _axis_arg(axis)
    rank_ = x.dim()
    if not -rank_ - 1 <= dim <= rank_:
        raise InvalidArgumentError(
            None,
            None,
            f"Tried to expand dim index {dim} for tensor with {rank_} dimensions. [Op:ExpandDims]",
        )
    return _call("ExpandDims", torch.unsqueeze, (x,), x, dim)


def shape(input: Any, out_type: Any = int32, name: Optional[str] = None) -> torch.Tensor:
    """The shape of a tensor, as a 1-D int32 tensor.

    >>> import tftape_torch as tf
    >>> print(tf.shape(tf.ones((2, 3))))
    tf.Tensor([2 3], shape=(2,), dtype=int32)
    """
    x = _tensor(input)
    dims = list(x.shape)
    dev = x.device
    return fresh(torch.tensor(dims, dtype=as_dtype(out_type), device=dev))


def rank(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The number of dimensions of a tensor, as a 0-d int32 tensor.

    >>> import tftape_torch as tf
    >>> print(tf.rank(tf.ones((2, 3))))
    tf.Tensor(2, shape=(), dtype=int32)
    """
    x = _tensor(input)
    return fresh(torch.tensor(x.dim(), dtype=torch.int32, device=x.device))


def size(input: Any, out_type: Any = int32, name: Optional[str] = None) -> torch.Tensor:
    """The number of elements of a tensor, as a 0-d int32 tensor.

    >>> import tftape_torch as tf
    >>> print(tf.size(tf.ones((2, 3))))
    tf.Tensor(6, shape=(), dtype=int32)
    """
    x = _tensor(input)
    return fresh(torch.tensor(x.numel(), dtype=as_dtype(out_type), device=x.device))


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
    t = _tensor(x)
    if t.dtype == target:
        kind = type(t)
        if kind is EagerTensor:
            return t
        if kind is _Tensor:
            return as_eager(t)
        return identity(t)
    if t.is_complex() and not (target in COMPLEX):
        return _call("Cast", _real_to, (t,), t, target)
    return _call("Cast", torch.Tensor.to, (t,), t, target)


def identity(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """A tensor with the same value as `input` (for a Variable: a snapshot of it).

    >>> import tftape_torch as tf
    >>> print(tf.identity([1, 2]))
    tf.Tensor([1 2], shape=(2,), dtype=int32)
    """
    x = _tensor(input)
    kind = type(x)
    if kind is EagerTensor or kind is _Tensor:
        return _call("Identity", torch.Tensor.view_as, (x,), x, x)
    return _call("Identity", torch.clone, (x,), x)


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
    x = _tensor(input)
    return _call("StopGradient", torch.Tensor.detach, (x,), x)


# ---------------------------------------------------------------------------
# Reductions


def _reduction_axes(rank_: int, axis: Any, op: str) -> List[int]:
    """The axes to reduce, checked as TF checks them, sorted and non-negative."""
    axes = _axis_arg(axis)
    axes = [axes] if isinstance(axes, int) else list(axes)
    seen = set()
    for a in axes:
        if not -rank_ <= a < rank_:
            raise InvalidArgumentError(
                None,
                None,
                f"Invalid reduction dimension ({a} for input with {rank_} dimension(s) [Op:{op}]",
            )
        canon = a % rank_
        if canon in seen:
            raise InvalidArgumentError(
                None,
                None,
                f"Invalid reduction arguments: Axes contains duplicate dimension: {canon} [Op:{op}]",
            )
        seen.add(canon)
    return sorted(seen)


def _reduce(
    op: str,
    body: Callable[[torch.Tensor, Optional[List[int]], builtins.bool], torch.Tensor],
    input_tensor: Any,
    axis: Any,
    keepdims: builtins.bool,
    allowed: Callable[[torch.dtype], builtins.bool],
) -> torch.Tensor:
    x = _tensor(input_tensor)
    with _DisableSubclass():
        dtype, rank_ = _DTYPE_GET(x), _Base.dim(x)
    if not allowed(dtype):
        raise _disallowed(op, dtype, "float, double, int32, uint8, int16, int8, complex64, int64")
    axes = None
    if axis is not None:
        axes = _reduction_axes(rank_, axis, op)
        if not axes:
            return identity(x)
    return _call(op, body, (x,), x, axes, builtins.bool(keepdims))


def _is_number(dtype: torch.dtype) -> builtins.bool:
    return dtype != torch.bool


def _is_real(dtype: torch.dtype) -> builtins.bool:
    return dtype != torch.bool and dtype not in COMPLEX


def _all_axes(x: torch.Tensor, axes: Optional[List[int]]) -> List[int]:
    return list(builtins.range(x.dim())) if axes is None else axes


def _sum(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool) -> torch.Tensor:
    if axes is None and not keepdims:
        if _DTYPE_GET(x) in INEXACT:
            return torch.sum(x)
        return torch.sum(x, dtype=_DTYPE_GET(x))
    return torch.sum(x, dim=_all_axes(x, axes), keepdim=keepdims, dtype=_DTYPE_GET(x))


def _mean(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool) -> torch.Tensor:
    if axes is None and not keepdims and _DTYPE_GET(x) in INEXACT:
        return torch.mean(x)
    dims = _all_axes(x, axes)
    if _DTYPE_GET(x) in INEXACT:
        return torch.mean(x, dim=dims, keepdim=keepdims)
    count = _math.prod(x.shape[a] for a in dims)
    total = torch.sum(x, dim=dims, keepdim=keepdims, dtype=_DTYPE_GET(x))
    return torch.div(total, count, rounding_mode="trunc")


def _prod(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool) -> torch.Tensor:
    dims = _all_axes(x, axes)
    out = x
    for a in sorted(dims, reverse=True):
        out = torch.prod(out, dim=a, keepdim=True, dtype=_DTYPE_GET(x))
    if not dims:
        out = out.clone()
    if not keepdims:
        out = out.reshape([d for i, d in enumerate(x.shape) if i not in dims])
    return out


def _empty_extreme(
    x: torch.Tensor, axes: List[int], keepdims: builtins.bool, largest: builtins.bool
) -> torch.Tensor:
    """TF's max/min of nothing: -inf/+inf, or the dtype's lowest/highest integer."""
    dtype = _DTYPE_GET(x)
    if dtype in FLOATING:
        value: Any = -_math.inf if largest else _math.inf
    else:
        info = torch.iinfo(dtype)
        value = info.min if largest else info.max
    if keepdims:
        dims = [1 if i in axes else d for i, d in enumerate(x.shape)]
    else:
        dims = [d for i, d in enumerate(x.shape) if i not in axes]
    return torch.full(dims, value, dtype=dtype, device=x.device)


def _max(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool) -> torch.Tensor:
    dims = _all_axes(x, axes)
    if x.numel() == 0:
        return _empty_extreme(x, dims, keepdims, True)
    return torch.amax(x, dim=dims, keepdim=keepdims)


def _min(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool) -> torch.Tensor:
    dims = _all_axes(x, axes)
    if x.numel() == 0:
        return _empty_extreme(x, dims, keepdims, False)
    return torch.amin(x, dim=dims, keepdim=keepdims)


def reduce_sum(input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None) -> torch.Tensor:
    """Sum of elements across the dimensions in `axis` (all of them by default).

    >>> import tftape_torch as tf
    >>> x = tf.constant([[1, 1, 1], [1, 1, 1]])
    >>> print(tf.reduce_sum(x)), print(tf.reduce_sum(x, axis=1, keepdims=True))
    tf.Tensor(6, shape=(), dtype=int32)
    tf.Tensor(
    [[3]
     [3]], shape=(2, 1), dtype=int32)
    (None, None)

    Raises:
      InvalidArgumentError: for an axis out of range or repeated, or a bool tensor.
    """
    return _reduce("Sum", _sum, input_tensor, axis, keepdims, _is_number)


def reduce_mean(input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None) -> torch.Tensor:
    """Mean of elements across the dimensions in `axis` (integer tensors: truncated).

    >>> import tftape_torch as tf
    >>> print(tf.reduce_mean(tf.constant([1.0, 2.0])), tf.reduce_mean(tf.constant([1, 2])))
    tf.Tensor(1.5, shape=(), dtype=float32) tf.Tensor(1, shape=(), dtype=int32)
    """
    return _reduce("Mean", _mean, input_tensor, axis, keepdims, _is_number)


def reduce_prod(input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None) -> torch.Tensor:
    """Product of elements across the dimensions in `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.reduce_prod(tf.constant([1.0, 2.0, 3.0])))
    tf.Tensor(6.0, shape=(), dtype=float32)
    """
    return _reduce("Prod", _prod, input_tensor, axis, keepdims, _is_number)


def reduce_max(input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None) -> torch.Tensor:
    """Maximum of elements across the dimensions in `axis`.

    The gradient is shared equally among tied maxima, as in TF.

    >>> import tftape_torch as tf
    >>> print(tf.reduce_max(tf.constant([[1, 5], [3, 2]]), axis=1))
    tf.Tensor([5 3], shape=(2,), dtype=int32)
    """
    return _reduce("Max", _max, input_tensor, axis, keepdims, _is_real)


def reduce_min(input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None) -> torch.Tensor:
    """Minimum of elements across the dimensions in `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.reduce_min(tf.constant([3.0, 1.0, 2.0])))
    tf.Tensor(1.0, shape=(), dtype=float32)
    """
    return _reduce("Min", _min, input_tensor, axis, keepdims, _is_real)


# ---------------------------------------------------------------------------
# Elementwise arithmetic


def add(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x + y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.add([1, 2], 3))
    tf.Tensor([4 5], shape=(2,), dtype=int32)

    Raises:
      InvalidArgumentError: if `x` and `y` have different dtypes.
    """
    a = _tensor(x)
    with _DisableSubclass():
        b = _other(a, y, "AddV2", InvalidArgumentError)
    return _call("AddV2", torch.add, (a, b), a, b)


def subtract(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x - y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.subtract(tf.constant([5.0, 3.0]), 1.0))
    tf.Tensor([4. 2.], shape=(2,), dtype=float32)
    """
    a, b = _match(x, y, "Sub")
    return _call("Sub", torch.sub, (a, b), a, b)


def multiply(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x * y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.multiply(tf.constant(4.0), tf.constant(4.0)))
    tf.Tensor(16.0, shape=(), dtype=float32)

    Raises:
      InvalidArgumentError: if `x` and `y` are tensors of different dtypes.
      TypeError: if a Python value cannot take the tensor's dtype.
    """
    a, b = _match(x, y, "Mul")
    return _call("Mul", torch.mul, (a, b), a, b)


def divide(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x / y`, elementwise; integers are divided as float64 (int8/int16: float32).

    >>> import tftape_torch as tf
    >>> print(tf.divide(tf.constant(7), tf.constant(2)))
    tf.Tensor(3.5, shape=(), dtype=float64)
    """
    a, b = _match(x, y, "RealDiv")
    return _call("RealDiv", _truediv, (a, b), a, b)


def pow(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x ** y`, elementwise, with TF's gradient at `x <= 0`.

    >>> import tftape_torch as tf
    >>> print(tf.pow(tf.constant([2.0, 3.0]), 2.0))
    tf.Tensor([4. 9.], shape=(2,), dtype=float32)
    """
    a, b = _match(x, y, "Pow")
    return _call("Pow", _pow, (a, b), a, b)


def maximum(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """The larger of `x` and `y`, elementwise; at a tie the gradient goes to `x`.

    >>> import tftape_torch as tf
    >>> print(tf.maximum(tf.constant([1.0, 5.0]), 3.0))
    tf.Tensor([3. 5.], shape=(2,), dtype=float32)
    """
    a, b = _match(x, y, "Maximum")
    return _call("Maximum", _kernels.maximum, (a, b), a, b)


def minimum(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """The smaller of `x` and `y`, elementwise; at a tie the gradient goes to `x`.

    >>> import tftape_torch as tf
    >>> print(tf.minimum(tf.constant([1.0, 5.0]), 3.0))
    tf.Tensor([1. 3.], shape=(2,), dtype=float32)
    """
    a, b = _match(x, y, "Minimum")
    return _call("Minimum", _kernels.minimum, (a, b), a, b)


def square(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x * x`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.square(tf.constant(4.0)))
    tf.Tensor(16.0, shape=(), dtype=float32)
    """
    t = _number_input(x, "Square")
    return _call("Square", torch.square, (t,), t)


def abs(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The absolute value, elementwise (gradient 0 at 0, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.abs(tf.constant([-2, 3])))
    tf.Tensor([2 3], shape=(2,), dtype=int32)
    """
    t = _number_input(x, "Abs")
    return _call("Abs", torch.abs, (t,), t)


def _float_unary(
    name: str, op: str, fn: Callable[[torch.Tensor], torch.Tensor], doc: str
) -> Callable[..., torch.Tensor]:
    """`tf.<name>`: TF's elementwise op `op` on a floating tensor, computed by `fn`."""

    def unary(x: Any, name: Optional[str] = None) -> torch.Tensor:
        t = _float_input(x, op)
        return _call(op, fn, (t,), t)

    unary.__name__ = unary.__qualname__ = name
    unary.__doc__ = doc
    return unary


sqrt = _float_unary(
    "sqrt",
    "Sqrt",
    _kernels.sqrt,
    """The square root, elementwise; its gradient is 0 where the incoming one is 0.

    >>> import tftape_torch as tf
    >>> print(tf.sqrt(tf.constant([4.0, 9.0])))
    tf.Tensor([2. 3.], shape=(2,), dtype=float32)
    """,
)


exp = _float_unary(
    "exp",
    "Exp",
    torch.exp,
    """`e ** x`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.exp(tf.constant(0.0)))
    tf.Tensor(1.0, shape=(), dtype=float32)
    """,
)


sin = _float_unary(
    "sin",
    "Sin",
    torch.sin,
    """The sine, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.sin(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)


cos = _float_unary(
    "cos",
    "Cos",
    torch.cos,
    """The cosine, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.cos(tf.constant(0.0)))
    tf.Tensor(1.0, shape=(), dtype=float32)
    """,
)


tanh = _float_unary(
    "tanh",
    "Tanh",
    torch.tanh,
    """The hyperbolic tangent, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.tanh(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)


sigmoid = _float_unary(
    "sigmoid",
    "Sigmoid",
    torch.sigmoid,
    """`1 / (1 + exp(-x))`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.sigmoid(tf.constant(0.0)))
    tf.Tensor(0.5, shape=(), dtype=float32)
    """,
)


log = _float_unary(
    "log",
    "Log",
    torch.log,
    """The natural logarithm, elementwise (`tf.math.log`; TF has no top-level `tf.log`).

    >>> import tftape_torch as tf
    >>> print(tf.math.log(tf.constant(1.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)


def _cast_plain(tensor: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    with _DisableSubclass():
        out = tensor.to(dtype)
    out.__class__ = EagerTensor
    return out


def _matmul_body(
    p: torch.Tensor,
    q: torch.Tensor,
    transpose_a: builtins.bool,
    transpose_b: builtins.bool,
    adjoint_a: builtins.bool,
    adjoint_b: builtins.bool,
) -> torch.Tensor:
    if p.dim() >= 2 and (transpose_a or adjoint_a):
        p = p.mT.conj() if adjoint_a else p.mT
    if q.dim() >= 2 and (transpose_b or adjoint_b):
        q = q.mT.conj() if adjoint_b else q.mT
    return _matmul(p, q)


def matmul(
    a: Any,
    b: Any,
    transpose_a: builtins.bool = False,
    transpose_b: builtins.bool = False,
    adjoint_a: builtins.bool = False,
    adjoint_b: builtins.bool = False,
    a_is_sparse: builtins.bool = False,
    b_is_sparse: builtins.bool = False,
    output_type: Any = None,
    grad_a: builtins.bool = False,
    grad_b: builtins.bool = False,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Matrix product of `a` and `b` (rank >= 2; leading dimensions broadcast).

    >>> import tftape_torch as tf
    >>> print(tf.matmul([[1.0, 2.0]], [[3.0], [4.0]]))
    tf.Tensor([[11.]], shape=(1, 1), dtype=float32)

    Raises:
      InvalidArgumentError: for rank < 2, mismatched inner dimensions or dtypes.
    """
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    if (
        output_type is None
        and not (transpose_a or transpose_b or adjoint_a or adjoint_b)
        and isinstance(a, _Tensor)
        and isinstance(b, _Tensor)
        and _same_dtype_plain(a, b)
    ):
        return _call("MatMul", _matmul, (a, b), a, b)  # the common case, checked
    left, right = _match(a, b, "MatMul")
    if output_type is not None and as_dtype(output_type) != left.dtype:
        # TF accumulates (u)int8 products in the wider `output_type` (int32).
        if left.dtype not in (torch.int8, torch.uint8) or as_dtype(output_type) != torch.int32:
            raise NotFoundError(  # TF: no MatMul kernel for that pair of dtypes
                None, None,
                f"Argument `output_type` of matmul must be the inputs' dtype, or int32 for "
                f"int8/uint8 inputs; got {dtype_name(as_dtype(output_type))} for "
                f"{dtype_name(left.dtype)} inputs.",
            )
        left, right = _cast_plain(left, torch.int32), _cast_plain(right, torch.int32)

    flags = (builtins.bool(transpose_a), builtins.bool(transpose_b), builtins.bool(adjoint_a),
             builtins.bool(adjoint_b))
    return _call("MatMul", _matmul_body, (left, right), left, right, *flags)


def where(condition: Any, x: Any = None, y: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """Elements of `x` where `condition` holds, else of `y` (all three broadcast).

    With only `condition`, the int64 indices of its true elements.

    >>> import tftape_torch as tf
    >>> print(tf.where([True, False], [1.0, 2.0], [3.0, 4.0]))
    tf.Tensor([1. 4.], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: if `condition` is not bool, or `x`/`y` dtypes differ.
      ValueError: if only one of `x` and `y` is given.
    """
    cond = _tensor(condition, torch.bool)
    if cond.dtype != torch.bool:
        raise _mismatch("SelectV2", torch.bool, cond.dtype, 0)
    if x is None and y is None:
        return _call("Where", torch.nonzero, (cond,), cond)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    a, b = _match(x, y, "SelectV2")
    return _call("SelectV2", torch.where, (cond, a, b), cond, a, b)


# ---------------------------------------------------------------------------
# Functions


def function(
    func: Optional[Callable[..., Any]] = None,
    input_signature: Any = None,
    autograph: builtins.bool = True,
    jit_compile: Any = None,
    reduce_retracing: builtins.bool = False,
    experimental_implements: Any = None,
    experimental_autograph_options: Any = None,
    experimental_attributes: Any = None,
    experimental_relax_shapes: Any = None,
    experimental_compile: Any = None,
    experimental_follow_type_hints: Any = None,
) -> Any:
    """`tf.function`, which here runs the Python function eagerly, every call.

    There is no graph to trace: the decorated function behaves exactly like the
    undecorated one (Python side effects happen on every call), which is what TF does
    under `tf.config.run_functions_eagerly(True)`.

    >>> import tftape_torch as tf
    >>> @tf.function
    ... def f(x):
    ...     return x * x
    >>> print(f(tf.constant(3.0)))
    tf.Tensor(9.0, shape=(), dtype=float32)
    """

    def decorate(python_function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(python_function)
        def run(*args: Any, **kwargs: Any) -> Any:
            return python_function(*args, **kwargs)

        run.python_function = python_function  # type: ignore[attr-defined]
        return run

    if func is None:
        return decorate
    return decorate(func)



