"""TF's math ops: reductions, elementwise arithmetic and `matmul` (TF's `math_ops`).

Public as `tf.math.*` and, for the names TF also exports there, at the top level.
Gradients follow TF's conventions where torch's differ (NOTE: [TF's gradient
conventions] in `_kernels`).

>>> import tftape_torch as tf
>>> print(tf.reduce_sum(tf.square(tf.constant([1.0, 2.0]))))
tf.Tensor(5.0, shape=(), dtype=float32)
"""

from __future__ import annotations

import builtins
import math as _math
from typing import Any, Callable, FrozenSet, List, Optional

import torch

from tftape_torch import _kernels
from tftape_torch._convert import convert_value
from tftape_torch._dtypes import (
    COMPLEX,
    FLOATING,
    INEXACT,
    as_dtype,
    dtype_name,
)
from tftape_torch._op_call import (
    as_tensor,
    axis_arg,
    call,
    call_inline,
    disallowed,
    exact_number,
    float_unary,
    match_operands,
    number_input,
)
from tftape_torch._operator_dispatch import LinalgDispatchable, matmul_with_operator
from tftape_torch._prod_kernel import reduce_prod as prod_kernel
from tftape_torch._tensor import (
    EagerTensor,
    check_signed,
    operator_matmul,
    operator_pow,
    operator_truediv,
    other_operand,
)
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    TensorBase as _Base,
)
from tftape_torch._torch_internals import (
    dtype_of as _DTYPE_GET,
)
from tftape_torch.errors import InvalidArgumentError, NotFoundError

_Tensor = torch.Tensor

__all__ = [
    "abs",
    "add",
    "cos",
    "count_nonzero",
    "divide",
    "exp",
    "log",
    "matmul",
    "multiply",
    "pow",
    "reduce_all",
    "reduce_any",
    "reduce_euclidean_norm",
    "reduce_logsumexp",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_std",
    "reduce_sum",
    "reduce_variance",
    "scalar_mul",
    "sigmoid",
    "sin",
    "sqrt",
    "square",
    "subtract",
    "tanh",
]


# ---------------------------------------------------------------------------
# Reductions


def _reduction_axes(rank_: int, axis: Any, op: str) -> List[int]:
    """The axes to reduce, checked as TF checks them, sorted and non-negative."""
    axes = axis_arg(axis)
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
                "Invalid reduction arguments: Axes contains duplicate dimension: "
                f"{canon} [Op:{op}]",
            )
        seen.add(canon)
    return sorted(seen)


def _reduce(
    op: str,
    body: Callable[[torch.Tensor, Optional[List[int]], builtins.bool], torch.Tensor],
    input_tensor: Any,
    axis: Any,
    keepdims: builtins.bool,
    refused: FrozenSet[torch.dtype],
    fast: Optional[Callable[..., torch.Tensor]] = None,
    fast_over_all: builtins.bool = True,
) -> torch.Tensor:
    """Reduction `op`: TF's checks, then `body` (`_checked_reduce`). The common call, a
    floating tensor over one axis (`fast(x, [axis], keepdims)`) or all of them
    (`fast(x)`, if `fast_over_all`), runs inline (`_op_call.call_inline`)."""
    if fast is not None and (keepdims is False or keepdims is True):
        result = None
        if type(axis) is int:
            result = call_inline(_over_one_axis, (input_tensor,), fast, input_tensor, axis,
                                 keepdims)
        elif axis is None and not keepdims and fast_over_all:
            result = call_inline(fast, (input_tensor,), input_tensor)
        if result is not None:
            return result
    x = input_tensor if isinstance(input_tensor, _Tensor) else convert_value(input_tensor)
    return call(op, _checked_reduce, (x,), op, body, x, axis, builtins.bool(keepdims), refused)


def _over_one_axis(fn: Callable[..., torch.Tensor], x: torch.Tensor, axis: int,
                   keepdims: builtins.bool) -> Optional[torch.Tensor]:
    """`_reduce`'s common call over one axis; a scalar has none (torch takes 0 and -1)."""
    return fn(x, [axis], keepdims) if _Base.dim(x) else None  # (torch functions are off)


def _checked_reduce(
    op: str,
    body: Callable[[torch.Tensor, Optional[List[int]], builtins.bool], torch.Tensor],
    x: torch.Tensor,
    axis: Any,
    keepdims: builtins.bool,
    refused: FrozenSet[torch.dtype],
) -> torch.Tensor:
    """`_reduce`'s body: TF's checks, then `body` (torch functions are off: plain reads)."""
    dtype, rank_ = _DTYPE_GET(x), _Base.dim(x)
    if dtype in refused:
        raise disallowed(op, dtype, "float, double, int32, uint8, int16, int8, complex64, int64")
    axes = None
    if type(axis) is int and -rank_ <= axis < rank_:
        axes = [axis % rank_]  # one axis in range: the common call
    elif axis is not None:
        axes = _reduction_axes(rank_, axis, op)
        if not axes:
            return _Base.view_as(x, x)  # TF's identity
    return body(x, axes, keepdims)


# The dtypes a reduction refuses (TF has no kernel for them).
_NOT_NUMBERS: FrozenSet[torch.dtype] = frozenset({torch.bool})
_NOT_REAL: FrozenSet[torch.dtype] = frozenset({torch.bool, *COMPLEX})
_NONE_REFUSED: FrozenSet[torch.dtype] = frozenset()


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
    # TF sums integers narrower than 64 bits in a wide accumulator (the mean of uint8
    # [200, 200, 100] is 166, not the wrapped sum's 81 / 3), int64 in int64.
    total = torch.sum(x, dim=dims, keepdim=keepdims, dtype=torch.int64)
    if count == 0:  # TF's integer mean of nothing is 0
        return torch.zeros_like(total, dtype=_DTYPE_GET(x))
    return torch.div(total, count, rounding_mode="trunc").to(_DTYPE_GET(x))


def _prod(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool) -> torch.Tensor:
    return prod_kernel(x, _all_axes(x, axes), keepdims)


def _empty_extreme(
    x: torch.Tensor, axes: List[int], keepdims: builtins.bool, largest: builtins.bool
) -> torch.Tensor:
    """TF's max/min of nothing: -inf/+inf, or the dtype's lowest/highest integer.

    Computed from `x` (an empty sum plus the value), so its gradient is an empty
    tensor shaped like `x`, as TF's, not None.
    """
    dtype = _DTYPE_GET(x)
    if dtype in FLOATING:
        value: Any = -_math.inf if largest else _math.inf
    else:
        info = torch.iinfo(dtype)
        value = info.min if largest else info.max
    return torch.sum(x, dim=axes, keepdim=keepdims, dtype=dtype) + value


def _extreme(fn: Callable[..., torch.Tensor], largest: builtins.bool) -> Callable[..., Any]:
    def body(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool) -> Any:
        dims = _all_axes(x, axes)
        if x.numel() == 0:
            return _empty_extreme(x, dims, keepdims, largest)
        return fn(x, dim=dims, keepdim=keepdims)

    return body


_max, _min = _extreme(torch.amax, True), _extreme(torch.amin, False)


def reduce_sum(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
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
    return _reduce("Sum", _sum, input_tensor, axis, keepdims, _NOT_NUMBERS, torch.sum)


def reduce_mean(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
    """Mean of elements across the dimensions in `axis` (integer tensors: truncated).

    >>> import tftape_torch as tf
    >>> print(tf.reduce_mean(tf.constant([1.0, 2.0])), tf.reduce_mean(tf.constant([1, 2])))
    tf.Tensor(1.5, shape=(), dtype=float32) tf.Tensor(1, shape=(), dtype=int32)
    """
    return _reduce("Mean", _mean, input_tensor, axis, keepdims, _NOT_NUMBERS, torch.mean)


def reduce_prod(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
    """Product of elements across the dimensions in `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.reduce_prod(tf.constant([1.0, 2.0, 3.0])))
    tf.Tensor(6.0, shape=(), dtype=float32)
    """
    return _reduce("Prod", _prod, input_tensor, axis, keepdims, _NOT_NUMBERS)


def reduce_max(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
    """Maximum of elements across the dimensions in `axis`.

    The gradient is shared equally among tied maxima, as in TF.

    >>> import tftape_torch as tf
    >>> print(tf.reduce_max(tf.constant([[1, 5], [3, 2]]), axis=1))
    tf.Tensor([5 3], shape=(2,), dtype=int32)
    """
    return _reduce("Max", _max, input_tensor, axis, keepdims, _NOT_REAL, torch.amax)


def reduce_min(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
    """Minimum of elements across the dimensions in `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.reduce_min(tf.constant([3.0, 1.0, 2.0])))
    tf.Tensor(1.0, shape=(), dtype=float32)
    """
    return _reduce("Min", _min, input_tensor, axis, keepdims, _NOT_REAL, torch.amin)


def _logsumexp(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool
               ) -> torch.Tensor:
    return torch.logsumexp(x, dim=_all_axes(x, axes), keepdim=keepdims)


def reduce_logsumexp(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
    """`log(reduce_sum(exp(input_tensor), axis))`, computed without overflow.

    >>> import tftape_torch as tf
    >>> print(tf.reduce_logsumexp(tf.constant([0.0, 0.0])))
    tf.Tensor(0.6931472, shape=(), dtype=float32)

    Raises:
      InvalidArgumentError: for an integer or bool tensor, or an axis out of range.
    """
    x = as_tensor(input_tensor)
    if x.dtype not in FLOATING:
        raise disallowed("Exp", x.dtype, "bfloat16, half, float, double, complex64, complex128")
    return _reduce("Max", _logsumexp, x, axis, keepdims, _NOT_NUMBERS, torch.logsumexp, False)


def _bool_reduction(op: str, value: Any) -> torch.Tensor:
    x = as_tensor(value)
    if x.dtype != torch.bool:
        raise InvalidArgumentError(
            None,
            None,
            f"cannot compute {op} as input #0(zero-based) was expected to be a bool tensor but "
            f"is a {_type_word(x.dtype)} tensor [Op:{op}]",
        )
    return x


def _type_word(dtype: torch.dtype) -> str:
    name = dtype_name(dtype)
    return "float" if name == "float32" else name


def _any(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool) -> torch.Tensor:
    return torch.any(x, dim=_all_axes(x, axes), keepdim=keepdims)


def _all(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool) -> torch.Tensor:
    return torch.all(x, dim=_all_axes(x, axes), keepdim=keepdims)


def reduce_any(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
    """Logical OR of the elements across the dimensions in `axis` (bool tensors).

    >>> import tftape_torch as tf
    >>> x = tf.constant([[True, False], [False, False]])
    >>> print(tf.reduce_any(x), tf.reduce_any(x, axis=1))
    tf.Tensor(True, shape=(), dtype=bool) tf.Tensor([ True False], shape=(2,), dtype=bool)

    Raises:
      InvalidArgumentError: if the tensor is not bool.
    """
    x = _bool_reduction("Any", input_tensor)
    return _reduce("Any", _any, x, axis, keepdims, _NONE_REFUSED)


def reduce_all(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
    """Logical AND of the elements across the dimensions in `axis` (bool tensors).

    >>> import tftape_torch as tf
    >>> print(tf.reduce_all(tf.constant([True, False])))
    tf.Tensor(False, shape=(), dtype=bool)

    Raises:
      InvalidArgumentError: if the tensor is not bool.
    """
    x = _bool_reduction("All", input_tensor)
    return _reduce("All", _all, x, axis, keepdims, _NONE_REFUSED)


def _variance(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool
              ) -> torch.Tensor:
    dims = _all_axes(x, axes)
    means = torch.mean(x, dim=dims, keepdim=True)
    diff = x - means
    squared = torch.real(diff * diff.conj()) if diff.is_complex() else diff * diff
    return torch.mean(squared, dim=dims, keepdim=keepdims)


def reduce_variance(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
    """The (population) variance of the elements across the dimensions in `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.math.reduce_variance(tf.constant([1.0, 2.0, 3.0, 4.0])))
    tf.Tensor(1.25, shape=(), dtype=float32)

    Raises:
      TypeError: for an integer or bool tensor.
    """
    x = as_tensor(input_tensor)
    if x.dtype not in INEXACT:
        raise TypeError(
            f"Input must be either real or complex. Received integer input: {dtype_name(x.dtype)}."
        )
    return _reduce("Mean", _variance, x, axis, keepdims, _NOT_NUMBERS)


def reduce_std(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
    """The (population) standard deviation across the dimensions in `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.math.reduce_std(tf.constant([1.0, 3.0])))
    tf.Tensor(1.0, shape=(), dtype=float32)

    Raises:
      TypeError: for an integer or bool tensor.
    """
    return sqrt(reduce_variance(input_tensor, axis, keepdims))


def _euclidean_norm(x: torch.Tensor, axes: Optional[List[int]], keepdims: builtins.bool
                    ) -> torch.Tensor:
    dims = _all_axes(x, axes)
    if x.is_complex():
        return torch.sqrt(torch.sum(x * x.conj(), dim=dims, keepdim=keepdims))
    if not x.is_floating_point():
        wide = x.to(torch.float64)
        return torch.sqrt(torch.sum(wide * wide, dim=dims, keepdim=keepdims)).to(x.dtype)
    return torch.sqrt(torch.sum(x * x, dim=dims, keepdim=keepdims))


def reduce_euclidean_norm(
    input_tensor: Any, axis: Any = None, keepdims: builtins.bool = False, name: Optional[str] = None
) -> torch.Tensor:
    """`sqrt(reduce_sum(input_tensor ** 2, axis))`: the 2-norm across `axis`.

    As in TF, its gradient at an all-zero input is NaN.

    >>> import tftape_torch as tf
    >>> print(tf.math.reduce_euclidean_norm(tf.constant([3.0, 4.0])))
    tf.Tensor(5.0, shape=(), dtype=float32)
    """
    return _reduce("EuclideanNorm", _euclidean_norm, input_tensor, axis, keepdims, _NOT_NUMBERS)


def count_nonzero(
    input: Any,
    axis: Any = None,
    keepdims: Optional[builtins.bool] = None,
    dtype: Any = torch.int64,
    name: Optional[str] = None,
) -> torch.Tensor:
    """The number of non-zero elements across the dimensions in `axis` (int64 by default).

    >>> import tftape_torch as tf
    >>> print(tf.math.count_nonzero(tf.constant([[0, 1], [2, 3]]), axis=1))
    tf.Tensor([1 2], shape=(2,), dtype=int64)
    """
    x = as_tensor(input)
    with torch.no_grad():
        nonzero = _cast_plain(call("NotEqual", torch.ne, (x,), x, 0), torch.int64)
    counted = reduce_sum(nonzero, axis, builtins.bool(keepdims))
    target = as_dtype(dtype)
    if target == torch.int64:
        return counted
    return _cast_plain(counted, target)


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
    a = as_tensor(x)
    with _DisableSubclass():
        b = other_operand(a, y, "AddV2", InvalidArgumentError)
    return call("AddV2", torch.add, (a, b), a, b)


def subtract(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x - y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.subtract(tf.constant([5.0, 3.0]), 1.0))
    tf.Tensor([4. 2.], shape=(2,), dtype=float32)
    """
    a, b = match_operands(x, y, "Sub")
    return call("Sub", torch.sub, (a, b), a, b)


def multiply(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x * y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.multiply(tf.constant(4.0), tf.constant(4.0)))
    tf.Tensor(16.0, shape=(), dtype=float32)

    Raises:
      InvalidArgumentError: if `x` and `y` are tensors of different dtypes.
      TypeError: if a Python value cannot take the tensor's dtype.
    """
    a, b = match_operands(x, y, "Mul")
    return call("Mul", torch.mul, (a, b), a, b)


def divide(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x / y`, elementwise; integers are divided as float64 (int8/int16: float32).

    >>> import tftape_torch as tf
    >>> print(tf.divide(tf.constant(7), tf.constant(2)))
    tf.Tensor(3.5, shape=(), dtype=float64)
    """
    a, b = match_operands(x, y, "RealDiv")
    return call("RealDiv", operator_truediv, (a, b), a, b)


def scalar_mul(scalar: Any, x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`scalar * x`, checking that `scalar` is a 0-D value.

    >>> import tftape_torch as tf
    >>> print(tf.scalar_mul(2, tf.constant([1.0, 2.0])))
    tf.Tensor([2. 4.], shape=(2,), dtype=float32)

    Raises:
      ValueError: `scalar` is not 0-D.
    """
    t = as_tensor(x)
    factor = as_tensor(scalar, t.dtype)
    if factor.dim() != 0:
        raise ValueError(f"The input scalar must be a 0-D value. Received shape "
                         f"{tuple(factor.shape)}.")
    return multiply(factor, t)


def pow(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x ** y`, elementwise, with TF's gradient at `x <= 0`.

    >>> import tftape_torch as tf
    >>> print(tf.pow(tf.constant([2.0, 3.0]), 2.0))
    tf.Tensor([4. 9.], shape=(2,), dtype=float32)
    """
    number = exact_number(y, x) if isinstance(x, torch.Tensor) else None
    if number is not None:
        # A Python exponent of a float32/64 tensor stays a number, as in `x ** y` (TF's
        # same op): torch's own `pow`, whose gradient is TF's (`operator_pow`).
        return call("Pow", operator_pow, (x,), x, y if type(y) is int else number)
    a, b = match_operands(x, y, "Pow")
    return call("Pow", operator_pow, (a, b), a, b)


def square(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x * x`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.square(tf.constant(4.0)))
    tf.Tensor(16.0, shape=(), dtype=float32)
    """
    t = number_input(x, "Square")
    return call("Square", torch.square, (t,), t)


def abs(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The absolute value, elementwise (gradient 0 at 0, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.abs(tf.constant([-2, 3])))
    tf.Tensor([2 3], shape=(2,), dtype=int32)
    """
    t = number_input(x, "Abs")
    check_signed("Abs", t.dtype, "bfloat16, half, float, double, int8, int16, int32, int64")
    return call("Abs", torch.abs, (t,), t)


sqrt = float_unary(
    "sqrt",
    "Sqrt",
    _kernels.sqrt,
    """The square root, elementwise; its gradient is 0 where the incoming one is 0.

    >>> import tftape_torch as tf
    >>> print(tf.sqrt(tf.constant([4.0, 9.0])))
    tf.Tensor([2. 3.], shape=(2,), dtype=float32)
    """,
)


exp = float_unary(
    "exp",
    "Exp",
    torch.exp,
    """`e ** x`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.exp(tf.constant(0.0)))
    tf.Tensor(1.0, shape=(), dtype=float32)
    """,
)


sin = float_unary(
    "sin",
    "Sin",
    torch.sin,
    """The sine, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.sin(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)


cos = float_unary(
    "cos",
    "Cos",
    torch.cos,
    """The cosine, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.cos(tf.constant(0.0)))
    tf.Tensor(1.0, shape=(), dtype=float32)
    """,
)


tanh = float_unary(
    "tanh",
    "Tanh",
    torch.tanh,
    """The hyperbolic tangent, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.tanh(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)


sigmoid = float_unary(
    "sigmoid",
    "Sigmoid",
    torch.sigmoid,
    """`1 / (1 + exp(-x))`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.sigmoid(tf.constant(0.0)))
    tf.Tensor(0.5, shape=(), dtype=float32)
    """,
)


log = float_unary(
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
    return operator_matmul(p, q)


def _matrix_product(a: torch.Tensor, b: torch.Tensor) -> Optional[torch.Tensor]:
    """`matmul`'s common call (`_op_call.call_inline`): matrices, not one times a batch."""
    rank_a, rank_b = _Base.dim(a), _Base.dim(b)  # (torch functions are off here)
    if rank_a >= 2 and (rank_b == 2 or rank_b == rank_a):
        return torch.matmul(a, b)
    return None


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
    ):
        result = call_inline(_matrix_product, (a, b), a, b)
        if result is not None:
            return result
        return call("MatMul", operator_matmul, (a, b), a, b)  # the common case (checks dtypes)
    if isinstance(a, LinalgDispatchable) or isinstance(b, LinalgDispatchable):
        return matmul_with_operator(a, b, transpose_a, transpose_b, adjoint_a, adjoint_b,
                                    a_is_sparse or b_is_sparse, name)
    left, right = match_operands(a, b, "MatMul")
    if output_type is not None and as_dtype(output_type) != left.dtype:
        # TF accumulates (u)int8 products in the wider `output_type` (int32).
        if left.dtype not in (torch.int8, torch.uint8) or as_dtype(output_type) != torch.int32:
            raise NotFoundError(  # TF: no MatMul kernel for that pair of dtypes
                None,
                None,
                f"Argument `output_type` of matmul must be the inputs' dtype, or int32 for "
                f"int8/uint8 inputs; got {dtype_name(as_dtype(output_type))} for "
                f"{dtype_name(left.dtype)} inputs.",
            )
        left, right = _cast_plain(left, torch.int32), _cast_plain(right, torch.int32)

    flags = (
        builtins.bool(transpose_a),
        builtins.bool(transpose_b),
        builtins.bool(adjoint_a),
        builtins.bool(adjoint_b),
    )
    return call("MatMul", _matmul_body, (left, right), left, right, *flags)
