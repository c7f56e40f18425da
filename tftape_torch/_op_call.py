"""How a drop-in op runs: TF's input conversion, one read per Variable, TF's errors.

Every op of the drop-in namespace is `call(tf_op_name, torch_fn, tensors, *args)`
after converting its inputs with `as_tensor`/`float_input`/`number_input`: drop-in
and plain tensors run with torch functions disabled and the fresh result is re-typed
in place (NOTE: [Fresh results] in `_tensor`); a Variable is read once, the way every
tape expects; torch's `RuntimeError`s become TF's `InvalidArgumentError`.

>>> import torch
>>> call("Mul", torch.mul, (), torch.ones(2), 3.0)
<tf.Tensor: shape=(2,), dtype=float32, numpy=array([3., 3.], dtype=float32)>
"""

from __future__ import annotations

import builtins
import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch.overrides import handle_torch_function

from tftape_torch._convert import convert_value
from tftape_torch._dtypes import (
    COMPLEX,
    FLOATING,
    INEXACT,
    as_dtype,
    kernel_name,
)
from tftape_torch._flips import FLIP_COUNT, FLIPS, HOLDER
from tftape_torch._state import THREAD
from tftape_torch._tensor import (
    EagerTensor,
    dtype_mismatch,
    has_history,
    op_error,
    other_operand,
    own_leaf,
    seen_here,
)
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    dtype_of as _DTYPE_GET,
)
from tftape_torch._torch_internals import (
    is_view,
    requires_grad_of,
)
from tftape_torch._variable import ResourceVariable
from tftape_torch.errors import InvalidArgumentError

_Tensor = torch.Tensor

__all__ = [
    "as_result",
    "as_tensor",
    "axis_arg",
    "call",
    "call_inline",
    "disallowed",
    "dtype_arg",
    "exact_number",
    "float_input",
    "float_unary",
    "index_dtype_error",
    "int_scalar_arg",
    "invalid_argument",
    "match_operands",
    "not_an_index",
    "number_input",
    "same_dtype",
    "shape_arg",
    "shape_entry",
]


# ---------------------------------------------------------------------------
# Running ops


def as_tensor(value: Any, dtype: Optional[torch.dtype] = None) -> torch.Tensor:
    """An op input as a tensor: tensors pass as they are, values convert with TF's rules."""
    if isinstance(value, _Tensor):
        return value
    return convert_value(value, dtype)


def as_result(out: Any) -> Any:
    if type(out) is _Tensor:
        return out.as_subclass(EagerTensor)
    return out


def call(
    op: str, fn: Callable[..., Any], tensors: Sequence[Any], *args: Any, **kwargs: Any
) -> torch.Tensor:
    """Run `fn(*args, **kwargs)`, the body of TF op `op`, and return an `EagerTensor`.

    Drop-in and plain tensors run with torch functions disabled and the fresh result
    is re-typed in place (NOTE: [Fresh results] in `as_tensor`). A Variable among
    `tensors` is read once, the way every tape expects, and the op runs on the read.
    Another tensor subclass gets `fn` dispatched through its `__torch_function__`.
    torch's `RuntimeError`s and `IndexError`s become TF's `InvalidArgumentError`.
    """
    # The common case inline (every drop-in op pays it): only drop-in and plain
    # tensors, no flip by another thread's tapes, none begun meanwhile.
    for item in tensors:
        kind = type(item)
        if kind is not EagerTensor and kind is not _Tensor:
            return _call_general(op, fn, tensors, args, kwargs)
    if FLIPS and HOLDER[0] is not THREAD.tapes:  # NOTE: [Ops beside other threads' tapes]
        return _call_general(op, fn, tensors, args, kwargs)
    count = FLIP_COUNT[0]
    try:
        with _DisableSubclass():
            out = fn(*args, **kwargs)
    except (RuntimeError, IndexError) as e:
        raise op_error(op, e, tensors) from e
    if type(out) is not _Tensor:
        if FLIP_COUNT[0] != count and has_history(out):
            return _call_general(op, fn, tensors, args, kwargs)
        return out
    if FLIP_COUNT[0] != count and requires_grad_of(out):
        return _call_general(op, fn, tensors, args, kwargs)
    for item in tensors:
        if out is item:
            return out.as_subclass(EagerTensor)
    if not requires_grad_of(out) and is_view(out):
        out = own_leaf(out)
    out.__class__ = EagerTensor
    return out


def call_inline(
    fn: Callable[..., Any], tensors: Sequence[Any], *args: Any
) -> Optional[torch.Tensor]:
    """`call`'s common case in one frame, or None where the op must go through `call`.

    For an op's common call, drop-in or plain tensors of one floating dtype
    (`tensors`, among `args`) whose other arguments the op checked: runs `fn(*args)`
    with torch functions disabled and returns its fresh result as a drop-in tensor
    (NOTE: [Fresh results]). Returns None where the caller must run `call`, which
    gives TF's result or error: a tensor of another type or dtype, a flip by another
    thread's tapes (NOTE: [Ops beside other threads' tapes]) or one begun meanwhile,
    `fn` raising or returning None (not its common case after all).

    >>> import torch
    >>> call_inline(torch.reshape, (torch.ones(4),), torch.ones(4), [2, 2])
    <tf.Tensor: shape=(2, 2), dtype=float32, numpy=
    array([[1., 1.],
           [1., 1.]], dtype=float32)>
    """
    if FLIPS and HOLDER[0] is not THREAD.tapes:
        return None
    dtype = None
    count = FLIP_COUNT[0]
    with _DisableSubclass():
        for item in tensors:
            kind = type(item)
            if kind is not EagerTensor and kind is not _Tensor:
                return None
            if dtype is None:
                dtype = _DTYPE_GET(item)
                if dtype not in FLOATING:
                    return None
            elif _DTYPE_GET(item) is not dtype:
                return None
        try:
            out = fn(*args)
        except (RuntimeError, IndexError):
            return None
    if type(out) is not _Tensor:
        return None
    for item in tensors:
        if out is item:
            return None
    if requires_grad_of(out):
        if FLIP_COUNT[0] != count:
            return None
    elif is_view(out):
        out = own_leaf(out)
    out.__class__ = EagerTensor
    return out


def _call_general(
    op: str, fn: Callable[..., Any], tensors: Sequence[Any], args: Tuple[Any, ...],
    kwargs: Dict[str, Any]
) -> torch.Tensor:
    """`call` for Variables, other tensor subclasses and flips by other threads' tapes."""
    count = FLIP_COUNT[0]
    try:
        reads = None
        for item in tensors:
            kind = type(item)
            if kind is EagerTensor or kind is _Tensor:
                continue
            if kind is ResourceVariable:
                if reads is None:
                    reads = {}
                if id(item) not in reads:
                    reads[id(item)] = item.read_for_op()
            elif isinstance(item, _Tensor):
                return as_result(handle_torch_function(fn, tensors, *args, **kwargs))
        if reads is not None:
            tensors = [reads.get(id(item), item) for item in tensors]
            args = _substitute(args, reads)
            if kwargs:
                kwargs = {key: _substitute(value, reads) for key, value in kwargs.items()}
        if FLIPS and HOLDER[0] is not THREAD.tapes:  # NOTE: [Ops beside other threads' tapes]
            tensors, args, kwargs = _seen_here(tensors, args, kwargs)
        with _DisableSubclass():
            out = fn(*args, **kwargs)
        while FLIP_COUNT[0] != count and has_history(out):
            # A flip began meanwhile: once more, seeing it.
            count = FLIP_COUNT[0]
            tensors, args, kwargs = _seen_here(tensors, args, kwargs)
            with _DisableSubclass():
                out = fn(*args, **kwargs)
    except (RuntimeError, IndexError) as e:
        raise op_error(op, e, tensors) from e
    if type(out) is _Tensor:
        for item in tensors:
            if out is item:
                return out.as_subclass(EagerTensor)
        out = own_leaf(out)
        out.__class__ = EagerTensor
    return out


def _seen_here(
    tensors: Sequence[Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]
) -> Tuple[Sequence[Any], Tuple[Any, ...], Dict[str, Any]]:
    """The op's inputs with each tensor flipped only by other threads' tapes (in `args`
    and `kwargs` too, also inside lists and tuples) replaced by its detached alias."""
    swaps: Dict[int, torch.Tensor] = {}
    for item in tensors:
        seen = seen_here(item)
        if seen is not item:
            swaps[id(item)] = seen
    if not swaps:
        return tensors, args, kwargs
    tensors = [swaps.get(id(item), item) for item in tensors]
    args = _swapped(args, swaps)
    if kwargs:
        kwargs = {key: _swapped(value, swaps) for key, value in kwargs.items()}
    return tensors, args, kwargs


def _swapped(value: Any, swaps: Dict[int, torch.Tensor]) -> Any:
    """`value` with each tensor keyed (by id) in `swaps` replaced, in lists and tuples too."""
    kind = type(value)
    if kind is tuple or kind is list:
        return kind([_swapped(item, swaps) for item in value])
    return swaps.get(id(value), value)


def _substitute(value: Any, reads: Dict[int, torch.Tensor]) -> Any:
    """`value` with each Variable in `reads` (also inside lists and tuples) replaced."""
    kind = type(value)
    if kind is ResourceVariable:
        read = reads.get(id(value))
        return value.read_for_op() if read is None else read
    if kind is tuple or kind is list:
        return kind([_substitute(item, reads) if type(item) in _NESTING else item
                     for item in value])
    return value


_NESTING = frozenset({ResourceVariable, tuple, list})


def float_unary(
    name: str,
    op: str,
    fn: Callable[[torch.Tensor], torch.Tensor],
    doc: str,
    allow_complex: builtins.bool = True,
) -> Callable[..., torch.Tensor]:
    """`tf.<name>`: TF's elementwise op `op` on a floating tensor, computed by `fn`.

    The common call (one drop-in or plain tensor of a floating dtype, no flip of
    another thread's tapes) runs inline, with one switch of torch functions: an
    elementwise op is the drop-in's most frequent one. Anything else goes through
    `float_input` and `call`.
    """
    allowed = INEXACT if allow_complex else FLOATING

    def unary(x: Any, name: Optional[str] = None) -> torch.Tensor:
        kind = type(x)
        plain = kind is EagerTensor or kind is _Tensor
        if plain and not (FLIPS and HOLDER[0] is not THREAD.tapes):
            count = FLIP_COUNT[0]
            with _DisableSubclass():
                if _DTYPE_GET(x) in allowed:
                    try:
                        out = fn(x)
                    except (RuntimeError, IndexError) as e:
                        raise InvalidArgumentError(None, None, f"{e} [Op:{op}]") from e
                    if (type(out) is _Tensor and out is not x and not is_view(out)
                            and (FLIP_COUNT[0] == count or not requires_grad_of(out))):
                        out.__class__ = EagerTensor  # fresh (NOTE: [Fresh results])
                        return out
        t = float_input(x, op, allow_complex)
        return call(op, fn, (t,), t)

    unary.__name__ = unary.__qualname__ = name
    unary.__doc__ = doc
    return unary


def invalid_argument(message: str, op: str) -> InvalidArgumentError:
    """TF's `InvalidArgumentError` of op `op`, its message `message`."""
    return InvalidArgumentError(None, None, f"{message} [Op:{op}]")


def disallowed(op: str, dtype: torch.dtype, allowed: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        None,
        None,
        f"Value for attr 'T' of {kernel_name(dtype)} is not in the list of allowed values: "
        f"{allowed} [Op:{op}]",
    )


_FLOAT_NAMES = "bfloat16, half, float, double, complex64, complex128"
_REAL_FLOAT_NAMES = "half, bfloat16, float, double"
_NUMBER_NAMES = "bfloat16, half, float, double, int8, int16, int32, int64, complex64, complex128"


def float_input(value: Any, op: str, allow_complex: builtins.bool = True) -> torch.Tensor:
    x = as_tensor(value)
    dtype = x.dtype
    if dtype in FLOATING or (allow_complex and dtype in COMPLEX):
        return x
    raise disallowed(op, dtype, _FLOAT_NAMES if allow_complex else _REAL_FLOAT_NAMES)


def number_input(value: Any, op: str) -> torch.Tensor:
    x = as_tensor(value)
    if x.dtype == torch.bool:
        raise disallowed(op, x.dtype, _NUMBER_NAMES)
    return x


def match_operands(x: Any, y: Any, op: str) -> Tuple[torch.Tensor, Any]:
    """TF's operand matching: the first tensor's dtype wins, Python values follow it."""
    if not isinstance(x, _Tensor):
        if isinstance(y, _Tensor):
            x = convert_value(x, y.dtype, y.device)
        else:
            x = convert_value(x)
    with _DisableSubclass():
        y = other_operand(x, y, op, TypeError)
        if not isinstance(y, _Tensor):
            y = convert_value(y, x.dtype, x.device)
    return x, y


#: Float dtypes into which NumPy converts a Python number as TF converts it.
_NUMPY_FLOATS = {torch.float32: np.float32, torch.float64: np.float64}


def exact_number(value: Any, like: torch.Tensor) -> Optional[float]:
    """Python int or float `value` as TF converts it to the dtype of `like`, float32 or
    float64; else None: another type (`bool` too) or dtype, NaN, or a finite number
    out of the dtype's range.

    >>> exact_number(0.1, torch.ones(1)) == float(np.float32(0.1))
    True
    >>> exact_number(True, torch.ones(1)), exact_number(1e40, torch.ones(1))
    (None, None)
    """
    kind = type(value)
    if kind is not float and kind is not int:
        return None
    with _DisableSubclass():  # (a drop-in tensor's raw dtype: no dispatch)
        numpy_type = _NUMPY_FLOATS.get(_DTYPE_GET(like))
    if numpy_type is None:
        return None
    try:
        with np.errstate(over="ignore"):
            number = float(numpy_type(value))
    except OverflowError:  # an int beyond any float
        return None
    if number != number or (math.isinf(number) and not math.isinf(value)):
        return None
    return number


def same_dtype(values: Sequence[Any], op: str) -> List[torch.Tensor]:
    """A list of op inputs as tensors of one dtype, the first tensor's (Python values
    convert to it, on its device), or TF's error naming the first input of another."""
    first = next((v for v in values if isinstance(v, _Tensor)), None)
    if first is None:
        tensors = [convert_value(v) for v in values]
    else:
        with _DisableSubclass():  # raw reads: a drop-in tensor's `dtype` is a Python call
            dtype, device = _DTYPE_GET(first), first.device
        tensors = [v if isinstance(v, _Tensor) else convert_value(v, dtype, device)
                   for v in values]
    with _DisableSubclass():
        dtypes = [_DTYPE_GET(item) for item in tensors]
    for index, dtype in enumerate(dtypes):
        if dtype != dtypes[0]:
            raise dtype_mismatch(op, dtypes[0], dtype, index)
    return tensors


def shape_arg(shape: Any, op: str, int32_converted: builtins.bool = False) -> List[int]:
    """A shape argument (int, list, tuple, TensorShape, tensor) as a list of ints.

    Raises TF's errors: `TypeError` for a Python float or string where TF's wrapper
    converts the shape to int32 itself (`int32_converted`: `zeros`, `ones`,
    `constant`), `InvalidArgumentError` for a non-integer tensor or list the kernel
    refuses, a nested list, or a negative size.
    """
    if isinstance(shape, _Tensor):
        with _DisableSubclass():
            if not_an_index(shape):
                raise index_dtype_error(kernel_name(shape.dtype), op)
            if shape.dim() > 1:
                raise _not_a_vector(list(shape.shape), op)
            dims = shape.reshape(-1).tolist()
    elif isinstance(shape, (int, np.integer)):
        dims = [int(shape)]
    elif isinstance(shape, (float, str, np.floating)):
        raise TypeError(f"Cannot convert {shape!r} to EagerTensor of dtype int32")
    else:
        dims = [d if type(d) is int else shape_entry(d, shape, op, int32_converted)
                for d in shape]
    for d in dims:
        if d < 0:
            raise InvalidArgumentError(None, None, f"Dimension {d} must be >= 0 [Op:{op}]")
    return dims


# The shape's attr in TF's kernels (`T` where not listed), and their message for a
# shape that is not a vector.
_SHAPE_ATTRS = {"Fill": "index_type", "BroadcastTo": "Tidx", "ScatterNd": "Tindices",
                "Reshape": "Tshape"}
_NOT_A_VECTOR = {"Fill": "dims must represent a vector, got shape [{}]",
                 "Reshape": "sizes input must be 1-D, not [{}]"}


def not_an_index(t: torch.Tensor) -> builtins.bool:
    """Whether tensor `t`'s dtype is one no shape or index takes (float, complex, bool)."""
    dtype = t.dtype
    return dtype.is_floating_point or dtype.is_complex or dtype == torch.bool


def index_dtype_error(kind: str, op: str) -> InvalidArgumentError:
    """TF's kernel error for a shape of dtype `kind` (`float`, `string`...)."""
    return InvalidArgumentError(
        None, None, f"Value for attr '{_SHAPE_ATTRS.get(op, 'T')}' of {kind} is not in the "
        f"list of allowed values: int32, int64 [Op:{op}]")


def _not_a_vector(dims: List[int], op: str) -> InvalidArgumentError:
    text = _NOT_A_VECTOR.get(op, "shape must be a vector of {{int32,int64}}, got shape [{}]")
    return InvalidArgumentError(
        None, None, text.format(",".join(str(d) for d in dims)) + f" [Op:{op}]")


def shape_entry(item: Any, shape: Any, op: str, int32_converted: builtins.bool = False) -> int:
    """One entry of a shape list that is not an `int`, or TF's error for it (see
    `shape_arg`): a float, a string, a non-integer tensor, or a nested list or tensor."""
    if isinstance(item, (list, tuple, np.ndarray)) or (isinstance(item, _Tensor) and item.dim()):
        dims = [len(shape), *item.shape] if isinstance(item, _Tensor) else list(np.shape(shape))
        raise _not_a_vector(dims, op)
    if isinstance(item, (float, str, np.floating)):
        if int32_converted:
            raise TypeError(f"Cannot convert {shape!r} to EagerTensor of dtype int32")
        raise index_dtype_error("string" if isinstance(item, str) else "float", op)
    if isinstance(item, _Tensor) and not_an_index(item):
        raise index_dtype_error(kernel_name(item.dtype), op)
    return int(item)


def int_scalar_arg(value: Any) -> int:
    """A scalar argument (a Python number or a rank-0 tensor) as an int; anything of
    another rank raises TF's `ValueError` (its `shape.assert_has_rank(0)`)."""
    shape = tuple(value.shape) if isinstance(value, (_Tensor, np.ndarray)) else np.shape(value)
    if shape != ():
        raise ValueError(f"Shape {shape} must have rank 0")
    if isinstance(value, _Tensor):
        with _DisableSubclass():
            return int(value.item())
    return int(value)


def axis_arg(axis: Any) -> Any:
    """An axis argument (int, list, tensor) as an int or a list of ints.

    Raises TF's errors: `TypeError` for a Python float (TF converts it to int32),
    `InvalidArgumentError` for a float or string list or tensor (the kernel's `Tidx`).
    """
    kind = type(axis)
    if kind is int:
        return axis
    if kind is list or kind is tuple:  # the common case, ints: a loop (no new function)
        for a in axis:
            if type(a) is not int:
                return [a if type(a) is int else _axis_item(a) for a in axis]
        return list(axis)
    if isinstance(axis, _Tensor):
        with _DisableSubclass():
            if axis.dtype not in _INDEX_DTYPES:
                raise _axis_dtype_error(kernel_name(axis.dtype))
            value = axis.tolist()
        return value
    if isinstance(axis, np.ndarray):
        if axis.dtype.kind not in "iu":
            raise _axis_dtype_error("float" if axis.dtype.kind == "f" else str(axis.dtype))
        return axis.tolist()
    if isinstance(axis, (list, tuple)):  # a subclass (a named tuple...)
        return axis_arg(list(axis))
    if isinstance(axis, (float, np.floating)):
        raise TypeError(f"Cannot convert {axis!r} to EagerTensor of dtype int32")
    if isinstance(axis, str):
        raise _axis_dtype_error("string")
    return int(axis)


_INDEX_DTYPES = frozenset({torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64})


def _axis_dtype_error(kind: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        None, None, f"Value for attr 'Tidx' of {kind} is not in the list of allowed values: "
        "int32, int64")


def _axis_item(item: Any) -> int:
    if isinstance(item, (float, np.floating)):
        raise _axis_dtype_error("float")
    if isinstance(item, str):
        raise _axis_dtype_error("string")
    return int(item)


def dtype_arg(dtype: Any) -> Optional[torch.dtype]:
    return None if dtype is None else as_dtype(dtype)
