"""TF's elementwise math beyond `_math_ops`: unary functions, `maximum`/`minimum`,
comparisons, logic.

Public as `tf.math.*` and, for the names TF also exports there, at the top level.
Ops TF does not differentiate (`floor`, `round`, comparisons, `floordiv`...) give a
`None` gradient as in TF, not torch's zeros; their results are still on the tape, so
a gradient *with respect to* them exists, as in TF.

>>> import tftape_torch as tf
>>> print(tf.math.log1p(tf.constant([0.0, 1.0])))
tf.Tensor([0.        0.6931472], shape=(2,), dtype=float32)
"""

from __future__ import annotations

import builtins
from typing import Any, Callable, Optional

import torch
import torch.nn.functional as F

from tftape_torch._dtypes import COMPLEX, FLOATING, INTEGER, dtype_name
from tftape_torch._kernels import floor_divide as floor_divide_kernel
from tftape_torch._kernels import floor_mod as floor_mod_kernel
from tftape_torch._kernels import maximum as maximum_kernel
from tftape_torch._kernels import minimum as minimum_kernel
from tftape_torch._op_call import (
    as_tensor,
    call,
    call_inline,
    disallowed,
    exact_number,
    float_input,
    float_unary,
    match_operands,
    number_input,
)
from tftape_torch._recorded_ops import unregistered_gradient, without_gradient
from tftape_torch._rsqrt_kernel import rsqrt as rsqrt_kernel
from tftape_torch._tensor import check_signed, operator_truediv
from tftape_torch.errors import InternalError, InvalidArgumentError, NotFoundError

__all__ = [
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "ceil",
    "cosh",
    "equal",
    "erf",
    "erfc",
    "expm1",
    "floor",
    "floordiv",
    "floormod",
    "greater",
    "greater_equal",
    "is_finite",
    "is_inf",
    "is_nan",
    "less",
    "less_equal",
    "log1p",
    "log_sigmoid",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "negative",
    "not_equal",
    "realdiv",
    "reciprocal",
    "rint",
    "round",
    "rsqrt",
    "sign",
    "sinh",
    "squared_difference",
    "tan",
    "truediv",
    "truncatediv",
    "truncatemod",
]


log1p = float_unary(
    "log1p",
    "Log1p",
    torch.log1p,
    """`log(1 + x)`, elementwise, accurate for small `x`.

    >>> import tftape_torch as tf
    >>> print(tf.math.log1p(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)

expm1 = float_unary(
    "expm1",
    "Expm1",
    torch.expm1,
    """`exp(x) - 1`, elementwise, accurate for small `x`.

    >>> import tftape_torch as tf
    >>> print(tf.math.expm1(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)

erf = float_unary(
    "erf",
    "Erf",
    torch.erf,
    """The Gauss error function, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.erf(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
    allow_complex=False,
)

erfc = float_unary(
    "erfc",
    "Erfc",
    torch.erfc,
    """The complementary error function `1 - erf(x)`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.erfc(tf.constant(0.0)))
    tf.Tensor(1.0, shape=(), dtype=float32)
    """,
    allow_complex=False,
)

rsqrt = float_unary(
    "rsqrt",
    "Rsqrt",
    rsqrt_kernel,
    """`1 / sqrt(x)`, elementwise (gradient 0 where the incoming one is 0, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.math.rsqrt(tf.constant(4.0)))
    tf.Tensor(0.5, shape=(), dtype=float32)
    """,
)

asin = float_unary(
    "asin",
    "Asin",
    torch.asin,
    """The inverse sine, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.asin(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)

acos = float_unary(
    "acos",
    "Acos",
    torch.acos,
    """The inverse cosine, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.acos(tf.constant(1.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)

atan = float_unary(
    "atan",
    "Atan",
    torch.atan,
    """The inverse tangent, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.atan(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)

tan = float_unary(
    "tan",
    "Tan",
    torch.tan,
    """The tangent, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.tan(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)

sinh = float_unary(
    "sinh",
    "Sinh",
    torch.sinh,
    """The hyperbolic sine, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.sinh(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)

cosh = float_unary(
    "cosh",
    "Cosh",
    torch.cosh,
    """The hyperbolic cosine, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.cosh(tf.constant(0.0)))
    tf.Tensor(1.0, shape=(), dtype=float32)
    """,
)

asinh = float_unary(
    "asinh",
    "Asinh",
    torch.asinh,
    """The inverse hyperbolic sine, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.asinh(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)

acosh = float_unary(
    "acosh",
    "Acosh",
    torch.acosh,
    """The inverse hyperbolic cosine, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.acosh(tf.constant(1.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)

atanh = float_unary(
    "atanh",
    "Atanh",
    torch.atanh,
    """The inverse hyperbolic tangent, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.atanh(tf.constant(0.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """,
)


def _neg_softplus_neg(x: torch.Tensor) -> torch.Tensor:
    return torch.neg(F.softplus(torch.neg(x)))


log_sigmoid = float_unary(
    "log_sigmoid",
    "LogSigmoid",
    _neg_softplus_neg,
    """`log(1 / (1 + exp(-x)))`, elementwise, computed as `-softplus(-x)`.

    >>> import tftape_torch as tf
    >>> print(tf.math.log_sigmoid(tf.constant(0.0)))
    tf.Tensor(-0.6931472, shape=(), dtype=float32)
    """,
    allow_complex=False,
)


def _real_float(x: Any, op: str) -> torch.Tensor:
    return float_input(x, op, allow_complex=False)


def floor(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The largest integer not greater than `x`, elementwise (no gradient, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.floor(tf.constant([-1.5, 1.5])))
    tf.Tensor([-2.  1.], shape=(2,), dtype=float32)
    """
    t = _real_float(x, "Floor")
    return call("Floor", without_gradient(torch.floor), (t,), t)


def ceil(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The smallest integer not less than `x`, elementwise (no gradient, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.math.ceil(tf.constant([-1.5, 1.5])))
    tf.Tensor([-1.  2.], shape=(2,), dtype=float32)
    """
    t = _real_float(x, "Ceil")
    return call("Ceil", without_gradient(torch.ceil), (t,), t)


def round(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x` rounded to the nearest integer, halves to even (no gradient, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.round(tf.constant([0.5, 1.5, 2.7])))
    tf.Tensor([0. 2. 3.], shape=(3,), dtype=float32)
    """
    t = number_input(x, "Round")
    if t.dtype in INTEGER:
        return call("Identity", torch.clone, (t,), t)
    if t.dtype in COMPLEX:
        raise disallowed("Round", t.dtype, "bfloat16, half, float, double, int8, int16, "
                         "int32, int64")
    return call("Round", without_gradient(torch.round), (t,), t)


def rint(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x` rounded to the nearest integer, halves to even (no gradient, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.math.rint(tf.constant([0.5, 1.5, -1.7])))
    tf.Tensor([ 0.  2. -2.], shape=(3,), dtype=float32)
    """
    t = _real_float(x, "Rint")
    return call("Rint", without_gradient(torch.round), (t,), t)


def _sign(x: torch.Tensor) -> torch.Tensor:
    if x.is_complex():
        return torch.sgn(x)
    if x.is_floating_point():  # TF's sign of NaN is NaN; torch's is 0
        return torch.where(torch.isnan(x), x, torch.sign(x))
    return torch.sign(x)


def sign(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """-1, 0 or 1 by the sign of `x`, elementwise (gradient zero, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.sign(tf.constant([-2, 0, 3])))
    tf.Tensor([-1  0  1], shape=(3,), dtype=int32)
    """
    t = number_input(x, "Sign")
    check_signed("Sign", t.dtype, _SIGNED_NUMBERS)
    return call("Sign", _sign, (t,), t)


def reciprocal(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`1 / x`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.reciprocal(tf.constant([2.0, 4.0])))
    tf.Tensor([0.5  0.25], shape=(2,), dtype=float32)
    """
    t = number_input(x, "Reciprocal")
    check_signed("Reciprocal", t.dtype, _SIGNED_NUMBERS)
    if t.dtype in INTEGER:  # TF registers no integer kernel
        raise NotFoundError(
            None, None, "Could not find device for node: {{node Reciprocal}} = Reciprocal"
            f"[T=DT_{dtype_name(t.dtype).upper()}] [Op:Reciprocal]"
        )
    return call("Reciprocal", torch.reciprocal, (t,), t)


def negative(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`-x`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.negative(tf.constant([1, -2])))
    tf.Tensor([-1  2], shape=(2,), dtype=int32)
    """
    t = number_input(x, "Neg")
    check_signed("Neg", t.dtype, _SIGNED_NUMBERS)
    return call("Neg", torch.neg, (t,), t)


def _finite_test(name: str, op: str, fn: Callable[[torch.Tensor], torch.Tensor], doc: str
                 ) -> Callable[..., torch.Tensor]:
    def test(x: Any, name: Optional[str] = None) -> torch.Tensor:
        t = _real_float(x, op)
        return call(op, without_gradient(fn), (t,), t)

    test.__name__ = test.__qualname__ = name
    test.__doc__ = doc
    return test


is_nan = _finite_test(
    "is_nan",
    "IsNan",
    torch.isnan,
    """Whether each element of `x` is NaN (a bool tensor).

    >>> import tftape_torch as tf
    >>> print(tf.math.is_nan(tf.constant([1.0, float("nan")])))
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """,
)

is_inf = _finite_test(
    "is_inf",
    "IsInf",
    torch.isinf,
    """Whether each element of `x` is infinite (a bool tensor).

    >>> import tftape_torch as tf
    >>> print(tf.math.is_inf(tf.constant([1.0, float("inf")])))
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """,
)

is_finite = _finite_test(
    "is_finite",
    "IsFinite",
    torch.isfinite,
    """Whether each element of `x` is finite (neither infinite nor NaN).

    >>> import tftape_torch as tf
    >>> print(tf.math.is_finite(tf.constant([1.0, float("inf")])))
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """,
)


# ---------------------------------------------------------------------------
# Binary arithmetic


_SMALL_INTEGERS = frozenset({torch.int8, torch.int16, torch.uint8})
_SIGNED_NUMBERS = "bfloat16, half, float, double, int8, int16, int32, int64, complex64, complex128"


def maximum(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """The larger of `x` and `y`, elementwise; at a tie the gradient goes to `x`.

    >>> import tftape_torch as tf
    >>> print(tf.maximum(tf.constant([1.0, 5.0]), 3.0))
    tf.Tensor([3. 5.], shape=(2,), dtype=float32)
    """
    if isinstance(x, torch.Tensor) and (
            out := _bounded(torch.clamp_min, x, y)) is not None:
        return out
    a, b = match_operands(x, y, "Maximum")
    return call("Maximum", maximum_kernel, (a, b), a, b)


def minimum(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """The smaller of `x` and `y`, elementwise; at a tie the gradient goes to `x`.

    >>> import tftape_torch as tf
    >>> print(tf.minimum(tf.constant([1.0, 5.0]), 3.0))
    tf.Tensor([1. 3.], shape=(2,), dtype=float32)
    """
    if isinstance(x, torch.Tensor) and (
            out := _bounded(torch.clamp_max, x, y)) is not None:
        return out
    a, b = match_operands(x, y, "Minimum")
    return call("Minimum", minimum_kernel, (a, b), a, b)


def _bounded(clamp: Callable[..., torch.Tensor], x: torch.Tensor, bound: Any
             ) -> Optional[torch.Tensor]:
    """`maximum`/`minimum` of a float32/float64 tensor and a Python number as one
    `clamp_min`/`clamp_max`, or None for the op's own call: TF's values and gradient
    (a tie sends it to `x`, a NaN in `x` stays NaN and gets none), one built-in node."""
    number = exact_number(bound, x)
    if number is None:
        return None
    return call_inline(clamp, (x,), x, number)


def squared_difference(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`(x - y) * (x - y)`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.math.squared_difference(tf.constant([1.0, 4.0]), 2.0))
    tf.Tensor([1. 4.], shape=(2,), dtype=float32)
    """
    a, b = match_operands(x, y, "SquaredDifference")
    if a.dtype in _SMALL_INTEGERS or a.dtype == torch.bool:  # no kernels in TF
        raise disallowed("SquaredDifference", a.dtype, "bfloat16, half, float, double, int32, "
                         "int64, complex64, complex128")
    return call("SquaredDifference", _squared_difference, (a, b), a, b)


def _squared_difference(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    d = torch.sub(a, b)
    if d.is_complex():
        return torch.mul(d, torch.conj(d))
    return torch.mul(d, d)


def floordiv(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`floor(x / y)`, elementwise, in `x`'s dtype (no gradient, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.math.floordiv(tf.constant([7, -7]), 2))
    tf.Tensor([ 3 -4], shape=(2,), dtype=int32)
    """
    a, b = match_operands(x, y, "FloorDiv")
    return call("FloorDiv", without_gradient(_floor_divide), (a, b), a, b)


def _floor_divide(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if a.dtype in INTEGER and builtins.bool(torch.any(b == 0)):
        raise InvalidArgumentError(None, None, "Integer division by zero [Op:FloorDiv]")
    return floor_divide_kernel(a, b)


def floormod(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """The remainder of `floordiv(x, y)`: it has the sign of `y` (also `tf.math.mod`).

    >>> import tftape_torch as tf
    >>> print(tf.math.floormod(tf.constant([7, -7]), 3))
    tf.Tensor([1 2], shape=(2,), dtype=int32)
    """
    a, b = match_operands(x, y, "FloorMod")
    if a.dtype in INTEGER:
        return call("FloorMod", without_gradient(_int_mod), (a, b), a, b)
    return call("FloorMod", floor_mod_kernel, (a, b), a, b)


def _int_mod(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if builtins.bool(torch.any(b == 0)):
        raise InvalidArgumentError(None, None, "Integer division by zero [Op:FloorMod]")
    return torch.remainder(a, b)




def _truncate_divide(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if a.dtype in INTEGER and builtins.bool(torch.any(b == 0)):
        raise InternalError(None, None, "Integer division by zero [Op:TruncateDiv]")
    return torch.div(a, b, rounding_mode="trunc")


def truncatediv(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x / y` rounded towards zero, elementwise (no gradient, as in TF: None).

    >>> import tftape_torch as tf
    >>> print(tf.truncatediv(tf.constant([7, -7]), 2))
    tf.Tensor([ 3 -3], shape=(2,), dtype=int32)
    """
    a, b = match_operands(x, y, "TruncateDiv")
    return call("TruncateDiv", without_gradient(_truncate_divide), (a, b), a, b)


def _truncate_mod(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if a.dtype in INTEGER and builtins.bool(torch.any(b == 0)):
        raise InternalError(None, None, "Integer division by zero [Op:TruncateMod]")
    return torch.fmod(a, b)


def truncatemod(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """The remainder of `truncatediv(x, y)`: it has the sign of `x` (no gradient: TF has
    none registered, so asking for one raises `LookupError`).

    >>> import tftape_torch as tf
    >>> print(tf.truncatemod(tf.constant([7, -7]), 2))
    tf.Tensor([ 1 -1], shape=(2,), dtype=int32)
    """
    a, b = match_operands(x, y, "TruncateMod")
    if a.dtype in _SMALL_INTEGERS:  # no kernels in TF
        raise disallowed("TruncateMod", a.dtype, "int32, int64, bfloat16, half, float, double")
    return call("TruncateMod", unregistered_gradient("TruncateMod", _truncate_mod), (a, b),
                a, b)


def realdiv(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x / y` for floating and complex tensors (TF registers no integer kernel).

    >>> import tftape_torch as tf
    >>> print(tf.realdiv(7.0, 2.0))
    tf.Tensor(3.5, shape=(), dtype=float32)

    Raises:
      NotFoundError: for integer tensors.
    """
    a, b = match_operands(x, y, "RealDiv")
    if a.dtype in INTEGER:
        raise NotFoundError(
            None, None, "Could not find device for node: {{node RealDiv}} = RealDiv"
            f"[T=DT_{dtype_name(a.dtype).upper()}] [Op:RealDiv]"
        )
    return call("RealDiv", operator_truediv, (a, b), a, b)


def truediv(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x / y`, elementwise; integers are divided as float64 (int8/int16: float32).

    >>> import tftape_torch as tf
    >>> print(tf.truediv(tf.constant([3, 4]), tf.constant([2, 2])))
    tf.Tensor([1.5 2. ], shape=(2,), dtype=float64)
    """
    if isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor) and x.dtype != y.dtype:
        raise TypeError(
            f"`x` and `y` must have the same dtype, got {dtype_name(x.dtype)!r} != "
            f"{dtype_name(y.dtype)!r}."
        )
    a, b = match_operands(x, y, "truediv")
    return call("RealDiv", operator_truediv, (a, b), a, b)


def atan2(y: Any, x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The angle of the point `(x, y)`, elementwise (note the argument order).

    >>> import tftape_torch as tf
    >>> print(tf.atan2(tf.constant(0.0), tf.constant(1.0)))
    tf.Tensor(0.0, shape=(), dtype=float32)
    """
    a, b = match_operands(y, x, "Atan2")
    if a.dtype not in FLOATING:
        raise disallowed("Atan2", a.dtype, "bfloat16, half, float, double")
    return call("Atan2", torch.atan2, (a, b), a, b)


# ---------------------------------------------------------------------------
# Comparisons and logic


def _comparison(
    name: str, op: str, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], doc: str,
    ordered: builtins.bool,
) -> Callable[..., torch.Tensor]:
    def compare(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
        a, b = match_operands(x, y, op)
        if ordered and (a.dtype == torch.bool or a.dtype in COMPLEX):
            raise disallowed(op, a.dtype, "float, double, int32, uint8, int16, int8, int64, "
                             "bfloat16, uint16, half, uint32, uint64")
        return call(op, without_gradient(fn), (a, b), a, b)

    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = doc
    return compare


equal = _comparison(
    "equal",
    "Equal",
    torch.eq,
    """Whether `x == y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.equal(tf.constant([1, 2]), 2))
    tf.Tensor([False  True], shape=(2,), dtype=bool)

    Raises:
      InvalidArgumentError: if the shapes do not broadcast or the dtypes differ.
    """,
    ordered=False,
)

not_equal = _comparison(
    "not_equal",
    "NotEqual",
    torch.ne,
    """Whether `x != y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.not_equal(tf.constant([1, 2]), 2))
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """,
    ordered=False,
)

less = _comparison(
    "less",
    "Less",
    torch.lt,
    """Whether `x < y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.less(tf.constant([1, 2]), 2))
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """,
    ordered=True,
)

less_equal = _comparison(
    "less_equal",
    "LessEqual",
    torch.le,
    """Whether `x <= y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.less_equal(tf.constant([1, 3]), 2))
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """,
    ordered=True,
)

greater = _comparison(
    "greater",
    "Greater",
    torch.gt,
    """Whether `x > y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.greater(tf.constant([1, 3]), 2))
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """,
    ordered=True,
)

greater_equal = _comparison(
    "greater_equal",
    "GreaterEqual",
    torch.ge,
    """Whether `x >= y`, elementwise, with broadcasting.

    >>> import tftape_torch as tf
    >>> print(tf.greater_equal(tf.constant([1, 2]), 2))
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """,
    ordered=True,
)


def _bool_input(value: Any, op: str, index: int) -> torch.Tensor:
    t = as_tensor(value, torch.bool)
    if t.dtype != torch.bool:
        raise InvalidArgumentError(
            None,
            None,
            f"cannot compute {op} as input #{index}(zero-based) was expected to be a bool "
            f"tensor but is a {_type_word(t.dtype)} tensor [Op:{op}]",
        )
    return t


def _type_word(dtype: torch.dtype) -> str:
    name = dtype_name(dtype)
    return "float" if name == "float32" else name


def _logical(
    name: str, op: str, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], doc: str
) -> Callable[..., torch.Tensor]:
    def logical(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
        a, b = _bool_input(x, op, 0), _bool_input(y, op, 1)
        return call(op, fn, (a, b), a, b)

    logical.__name__ = logical.__qualname__ = name
    logical.__doc__ = doc
    return logical


logical_and = _logical(
    "logical_and",
    "LogicalAnd",
    torch.logical_and,
    """`x AND y`, elementwise, for bool tensors.

    >>> import tftape_torch as tf
    >>> print(tf.logical_and([True, True], [True, False]))
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """,
)

logical_or = _logical(
    "logical_or",
    "LogicalOr",
    torch.logical_or,
    """`x OR y`, elementwise, for bool tensors.

    >>> import tftape_torch as tf
    >>> print(tf.logical_or([False, False], [True, False]))
    tf.Tensor([ True False], shape=(2,), dtype=bool)
    """,
)

logical_xor = _logical(
    "logical_xor",
    "LogicalXor",
    torch.logical_xor,
    """`x XOR y`, elementwise, for bool tensors.

    >>> import tftape_torch as tf
    >>> print(tf.math.logical_xor([True, True], [True, False]))
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """,
)


def logical_not(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`NOT x`, elementwise, for a bool tensor.

    >>> import tftape_torch as tf
    >>> print(tf.logical_not([True, False]))
    tf.Tensor([False  True], shape=(2,), dtype=bool)
    """
    t = _bool_input(x, "LogicalNot", 0)
    return call("LogicalNot", torch.logical_not, (t,), t)
