"""Special functions and the "no NaN" arithmetic: `lgamma`, `digamma`, `polygamma`,
`zeta`, `lbeta`, `erfinv`, `ndtri`, `softsign`, `nextafter`, and the ops that are 0
where an operand is 0 (`xlogy`, `xdivy`, `xlog1py`, `divide_no_nan`,
`multiply_no_nan`, `reciprocal_no_nan`), with TF's gradients there.

The zero-masked ops are written with a safe operand (`where(x == 0, 1, y)`) so that
neither their values nor their gradients take a NaN from the branch `where` drops.

>>> import tftape_torch as tf
>>> print(tf.math.xlogy(tf.constant([0.0, 2.0]), tf.constant([0.0, 1.0])))
tf.Tensor([0. 0.], shape=(2,), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import numpy as np
import torch

from tftape_torch._activation_kernels import softsign as softsign_kernel
from tftape_torch._dtypes import COMPLEX, INEXACT, dtype_name
from tftape_torch._kernels import divide as divide_kernel
from tftape_torch._kernels import multiply_no_nan as multiply_no_nan_kernel
from tftape_torch._kernels import with_partials
from tftape_torch._math_ops import reduce_sum
from tftape_torch._op_call import (
    as_tensor,
    call,
    disallowed,
    float_unary,
    match_operands,
)
from tftape_torch._tensor import TRUEDIV_DTYPES

__all__ = [
    "digamma",
    "divide_no_nan",
    "erfinv",
    "lbeta",
    "lgamma",
    "multiply_no_nan",
    "erfcinv",
    "ndtri",
    "nextafter",
    "polygamma",
    "reciprocal_no_nan",
    "softsign",
    "xdivy",
    "xlog1py",
    "xlogy",
    "zeta",
]

_REAL = "bfloat16, half, float, double"


def _lgamma_kernel(x: torch.Tensor) -> torch.Tensor:
    # TF's gradient, `grad * digamma(x)`, with TF's digamma (NaN at 0) and its exact
    # second derivative.
    return with_partials(x, x, lambda a, _: torch.lgamma(a),
                         lambda a, _: (lambda: _digamma_kernel(a), None))


lgamma = float_unary("lgamma", "Lgamma", _lgamma_kernel, """`log(|Gamma(x)|)`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.lgamma(tf.constant([1.0, 3.0])))
    tf.Tensor([0.        0.6931472], shape=(2,), dtype=float32)
    """, allow_complex=False)
def _digamma(x: torch.Tensor) -> torch.Tensor:
    # TF's kernel gives NaN at 0 (a pole, as at the negative integers); torch's -inf/inf.
    nan = torch.full((), float("nan"), dtype=x.dtype, device=x.device)
    return torch.where(x == 0, nan, torch.digamma(x))


def _digamma_kernel(x: torch.Tensor) -> torch.Tensor:
    return _polygamma_order_kernel(0, x)


digamma = float_unary("digamma", "Digamma", _digamma_kernel, """`d/dx lgamma(x)`, elementwise
    (NaN at 0 and the negative integers).

    >>> import tftape_torch as tf
    >>> print(tf.math.digamma(tf.constant([1.0])))
    tf.Tensor([-0.5772159], shape=(1,), dtype=float32)
    """, allow_complex=False)
erfinv = float_unary("erfinv", "Erfinv", torch.erfinv, """The inverse of `erf`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.erfinv(tf.constant([0.0])))
    tf.Tensor([0.], shape=(1,), dtype=float32)
    """, allow_complex=False)
ndtri = float_unary("ndtri", "Ndtri", torch.special.ndtri, """The inverse of the standard
    normal CDF, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.ndtri(tf.constant([0.5])))
    tf.Tensor([0.], shape=(1,), dtype=float32)
    """, allow_complex=False)


def erfcinv(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The inverse of `erfc`, elementwise: `-ndtri(x / 2) / sqrt(2)`, as TF computes it
    (so its gradients are `ndtri`'s).

    >>> import tftape_torch as tf
    >>> print(tf.math.erfcinv(tf.constant([0.5, 1.5])))
    tf.Tensor([ 0.4769363 -0.4769363], shape=(2,), dtype=float32)
    """
    t = as_tensor(x)
    return -ndtri(0.5 * t) * np.sqrt(0.5)


softsign = float_unary("softsign", "Softsign", softsign_kernel, """`x / (1 + |x|)`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.softsign(tf.constant([-3.0, 1.0])))
    tf.Tensor([-0.75  0.5 ], shape=(2,), dtype=float32)
    """, allow_complex=False)


def _zero(like: torch.Tensor) -> torch.Tensor:
    return torch.zeros((), dtype=like.dtype, device=like.device)


def _one(like: torch.Tensor) -> torch.Tensor:
    return torch.ones((), dtype=like.dtype, device=like.device)


def _reciprocal_no_nan(x: torch.Tensor) -> torch.Tensor:
    zero = x == 0
    return torch.where(zero, _zero(x), 1 / torch.where(zero, _one(x), x))


reciprocal_no_nan = float_unary("reciprocal_no_nan", "ReciprocalNoNan", _reciprocal_no_nan,
                                """`1 / x`, and 0 where `x` is 0 (its gradient too).

    >>> import tftape_torch as tf
    >>> print(tf.math.reciprocal_no_nan(tf.constant([2.0, 0.0])))
    tf.Tensor([0.5 0. ], shape=(2,), dtype=float32)
    """)


def _masked_by_x(inner: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], safe_y: float
                 ) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """`inner(x, y)` where `x != 0`, else 0, with `y` replaced by `safe_y` where `x` is 0
    so that no NaN reaches the values or the gradients from there."""

    def run(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        zero = x == 0
        safe = torch.where(zero, torch.full((), safe_y, dtype=y.dtype, device=y.device), y)
        out = inner(x, safe)
        return torch.where(zero, _zero(out), out)

    return run


def _binary(name: str, op: str, inner: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
            safe_y: float, doc: str,
            partials: Optional[Callable[[torch.Tensor, torch.Tensor], Any]] = None,
            ) -> Callable[..., torch.Tensor]:
    """`tf.math.<name>`; `partials(x, y)`: TF's gradients for complex operands, which TF
    does not conjugate (torch's autograd would)."""
    fn = _masked_by_x(inner, safe_y)

    def binary(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
        a, b = match_operands(x, y, op)
        if a.dtype not in INEXACT:
            raise disallowed(op, a.dtype, _REAL + ", complex64, complex128")
        if partials is not None and a.dtype in COMPLEX:
            return call(op, with_partials, (a, b), a, b, fn, partials)
        return call(op, fn, (a, b), a, b)

    binary.__name__ = binary.__qualname__ = name
    binary.__doc__ = doc
    return binary


def _not_zero(x: torch.Tensor) -> torch.Tensor:
    return (x != 0).to(x.dtype)


def _xlogy_partials(x: torch.Tensor, y: torch.Tensor) -> Any:
    return _xlogy(_not_zero(x), y), _xdivy(x, y)


def _xdivy_partials(x: torch.Tensor, y: torch.Tensor) -> Any:
    return _xdivy(_not_zero(x), y), _xdivy(-x, y * y)


_xlogy = _masked_by_x(lambda x, y: x * torch.log(y), 1.0)
_xdivy = _masked_by_x(lambda x, y: x / y, 1.0)

xlogy = _binary("xlogy", "Xlogy", lambda x, y: x * torch.log(y), 1.0,
                """`x * log(y)`, and 0 where `x` is 0 (its gradients too, as TF's).

    >>> import tftape_torch as tf
    >>> print(tf.math.xlogy(tf.constant([0.0, 1.0]), tf.constant([0.0, 1.0])))
    tf.Tensor([0. 0.], shape=(2,), dtype=float32)
    """, _xlogy_partials)
xdivy = _binary("xdivy", "Xdivy", lambda x, y: x / y, 1.0,
                """`x / y`, and 0 where `x` is 0 (its gradients too, as TF's).

    >>> import tftape_torch as tf
    >>> print(tf.math.xdivy(tf.constant([0.0, 1.0]), tf.constant([0.0, 2.0])))
    tf.Tensor([0.  0.5], shape=(2,), dtype=float32)
    """, _xdivy_partials)
xlog1py = _binary("xlog1py", "Xlog1py", lambda x, y: x * torch.log1p(y), 0.0,
                  """`x * log1p(y)`, and 0 where `x` is 0 (its gradients too, as TF's).

    >>> import tftape_torch as tf
    >>> print(tf.math.xlog1py(tf.constant([0.0, 1.0]), tf.constant([-1.0, 0.0])))
    tf.Tensor([0. 0.], shape=(2,), dtype=float32)
    """)


def _no_nan_operands(x: Any, y: Any, op: str) -> Any:
    """TF's operands for `DivNoNan`/`MulNoNan`: tensors of one dtype (else the error
    each of TF's wrappers raises: `TypeError` for `div_no_nan`, `ValueError` for
    `multiply_no_nan`, which converts `y` to `x`'s dtype)."""
    a, b = as_tensor(x), as_tensor(y)
    if isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor) and a.dtype != b.dtype:
        if op == "MulNoNan":
            raise ValueError(f"Tensor conversion requested dtype {dtype_name(a.dtype)} for "
                             f"Tensor with dtype {dtype_name(b.dtype)}: {y!r}")
        raise TypeError(
            f"Input 'y' of '{op}' Op has type {dtype_name(b.dtype)} that does not match "
            f"type {dtype_name(a.dtype)} of argument 'x'."
        )
    a, b = match_operands(a, b, op)
    return a, b


def _div_no_nan(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    target = TRUEDIV_DTYPES.get(x.dtype)  # integers divide as floats, as `divide` does
    if target is not None:
        x, y = x.to(target), y.to(target)
    zero = y == 0
    quotient = divide_kernel(x, torch.where(zero, _one(y), y))
    return torch.where(zero, _zero(quotient), quotient)


def divide_no_nan(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x / y`, and 0 wherever `y` is 0 (gradients 0 there too); integers divide as floats.

    >>> import tftape_torch as tf
    >>> print(tf.math.divide_no_nan(tf.constant([3.0, 1.0]), tf.constant([2.0, 0.0])))
    tf.Tensor([1.5 0. ], shape=(2,), dtype=float32)

    Raises:
      TypeError: `x` and `y` are of different dtypes (a Python or NumPy operand is
        converted to the tensor's dtype first).
    """
    # NOTE: TF's `div_no_nan` converts the operand that is not a tensor to the other's
    # dtype (`y` to `x`'s when both or neither are), then requires one dtype.
    if not isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor):
        b = as_tensor(y)
        a = _converted_preferring(x, b.dtype)
    else:
        a = as_tensor(x)
        b = _converted_preferring(y, a.dtype)
    if a.dtype != b.dtype:
        raise TypeError(f"`x` and `y` must have the same dtype, got tf.{dtype_name(a.dtype)} "
                        f"!= tf.{dtype_name(b.dtype)}.")
    return call("DivNoNan", _div_no_nan, (a, b), a, b)


def _converted_preferring(value: Any, dtype: torch.dtype) -> torch.Tensor:
    """`value` as a tensor, of `dtype` if it is not one already and converts to it."""
    if isinstance(value, torch.Tensor):
        return as_tensor(value)
    try:
        return as_tensor(value, dtype)
    except (TypeError, ValueError):
        return as_tensor(value)


def multiply_no_nan(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
    """`x * y`, and 0 wherever `y` is 0, even where `x` is inf or NaN.

    >>> import tftape_torch as tf
    >>> print(tf.math.multiply_no_nan(tf.constant([float("inf"), 2.0]), tf.constant([0.0, 3.0])))
    tf.Tensor([0. 6.], shape=(2,), dtype=float32)

    Raises:
      ValueError: `x` and `y` are tensors of different dtypes.
      InvalidArgumentError: they are integers.
    """
    a, b = _no_nan_operands(x, y, "MulNoNan")
    if a.dtype not in INEXACT:
        raise disallowed("MulNoNan", a.dtype, "half, float, bfloat16, double, complex64, "
                         "complex128")
    return call("MulNoNan", multiply_no_nan_kernel, (a, b), a, b)


# ---------------------------------------------------------------------------
# polygamma, zeta, lbeta, nextafter


def _real_operands(x: Any, y: Any, op: str, allowed: str) -> Tuple[torch.Tensor, torch.Tensor]:
    """Two operands of TF's float/double ops (`Polygamma`, `Zeta`, `NextAfter`)."""
    a, b = match_operands(x, y, op)
    if a.dtype not in (torch.float32, torch.float64):
        raise disallowed(op, a.dtype, allowed)
    return a, b


def _nonpositive_integer(q: torch.Tensor) -> torch.Tensor:
    return (q <= 0) & (q == torch.floor(q))


def _zeta_values(x: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    # TF's kernel (Eigen's Cephes port) answers NaN at a pole q = 0, -1, ... unless x
    # is 1 or an even integer (+inf); torch says +inf for every x there.
    even = (x == torch.floor(x)) & (torch.remainder(x, 2) == 0)
    nan = torch.full((), float("nan"), dtype=x.dtype, device=x.device)
    pole_nan = _nonpositive_integer(q) & ~even & (x != 1)
    value = torch.where(pole_nan, nan, torch.special.zeta(x, q))
    # At q = +inf TF's series gives the limit 0 (for x > 1), torch's NaN.
    return torch.where((q == float("inf")) & (x > 1), torch.zeros_like(value), value)


def _polygamma_of_order(order: int, x: torch.Tensor) -> torch.Tensor:
    """TF's `Polygamma` kernel (Eigen's) at one non-negative integer `order`: digamma
    for 0, else `(-1)^(order+1) * exp(lgamma(order + 1)) * zeta(order + 1, x)`, with
    TF's zeta at the poles. (torch's own order-1 polygamma, its trigamma, is up to
    1.5e-9 off in float64; its zeta is exact.)"""
    if order == 0:
        return _digamma(x)
    n = torch.full((), float(order + 1), dtype=x.dtype, device=x.device)
    factorial = torch.exp(torch.lgamma(n))
    return ((-1.0 if order % 2 == 0 else 1.0) * factorial) * _zeta_values(n, x)


def _polygamma_order_kernel(order: int, x: torch.Tensor) -> torch.Tensor:
    """`_polygamma_of_order(order, x)`, differentiable in `x` through the next order,
    to any order (TF's `Digamma` and `Polygamma` gradients)."""
    return with_partials(x, x, lambda a, _: _polygamma_of_order(order, a),
                         lambda a, _: (lambda: _polygamma_order_kernel(order + 1, a), None))


def _polygamma_values(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    # TF's kernel: NaN unless `a` is a non-negative integer. Each order present is one
    # evaluation (a host read of the orders).
    a, x = torch.broadcast_tensors(a, x)
    out = torch.full((), float("nan"), dtype=x.dtype, device=x.device).expand(x.shape)
    valid = (a >= 0) & (a == torch.floor(a)) & torch.isfinite(a)
    for order in torch.unique(a[valid]).tolist():
        out = torch.where(a == order, _polygamma_of_order(int(order), x), out)
    return out


# TF registers no gradient for polygamma's order nor zeta's `x` (torch has none for
# zeta's `x`, and raises): None. d/dx polygamma(a, x) is TF's kernel at a + 1, whatever
# a is; d/dq zeta(x, q) is -x * zeta(x + 1, q). Both differentiable in turn.
def _polygamma_kernel(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return with_partials(a, x, _polygamma_values,
                         lambda a, x: (None, _polygamma_kernel(a + 1, x)))


def _zeta_kernel(x: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    return with_partials(x, q, _zeta_values, lambda x, q: (None, -x * _zeta_kernel(x + 1, q)))


def polygamma(a: Any, x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The polygamma function `psi^(a)(x)`: the `a`-th derivative of `digamma`,
    elementwise; NaN where `a` is not a non-negative integer. The gradient is
    `polygamma(a + 1, x)` for `x` and None for `a`, as TF's.

    >>> import tftape_torch as tf
    >>> print(tf.math.polygamma(tf.constant([0.0, 1.0]), tf.constant([1.0, 1.0])))
    tf.Tensor([-0.5772159  1.644934 ], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: for operands that are not float32 or float64.
    """
    a_, x_ = _real_operands(a, x, "Polygamma", "float, double")
    return call("Polygamma", _polygamma_kernel, (a_, x_), a_, x_)


def zeta(x: Any, q: Any, name: Optional[str] = None) -> torch.Tensor:
    """The Hurwitz zeta function `sum((n + q) ** -x for n >= 0)`, elementwise. The
    gradient is `-x * zeta(x + 1, q)` for `q` and None for `x`, as TF's.

    >>> import tftape_torch as tf
    >>> print(tf.math.zeta(tf.constant([2.0]), tf.constant([1.0])))
    tf.Tensor([1.644934], shape=(1,), dtype=float32)

    Raises:
      InvalidArgumentError: for operands that are not float32 or float64.
    """
    x_, q_ = _real_operands(x, q, "Zeta", "float, double")
    return call("Zeta", _zeta_kernel, (x_, q_), x_, q_)


def _ones_and_zeros(x: torch.Tensor, y: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    return torch.ones_like(x), torch.zeros_like(y)


def _nextafter(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return with_partials(x, y, torch.nextafter, _ones_and_zeros)


def nextafter(x1: Any, x2: Any, name: Optional[str] = None) -> torch.Tensor:
    """The next representable value after `x1` towards `x2`, elementwise. The gradient
    passes to `x1` unchanged and is zero for `x2`, as TF's.

    >>> import tftape_torch as tf
    >>> print(tf.math.nextafter(tf.constant([1.0]), tf.constant([2.0])) > 1.0)
    tf.Tensor([ True], shape=(1,), dtype=bool)

    Raises:
      InvalidArgumentError: for operands that are not float32 or float64.
    """
    a, b = _real_operands(x1, x2, "NextAfter", "double, float")
    return call("NextAfter", _nextafter, (a, b), a, b)


def lbeta(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`log(|Beta(x)|)` over the last dimension: `sum(lgamma(x), -1) - lgamma(sum(x, -1))`,
    computed as TF's Python does (so with its gradient).

    >>> import tftape_torch as tf
    >>> print(tf.math.lbeta(tf.constant([[1.0, 2.0]])))
    tf.Tensor([-0.6931472], shape=(1,), dtype=float32)

    Raises:
      InvalidArgumentError: for a scalar `x` or an integer one.
    """
    t = as_tensor(x)
    return reduce_sum(lgamma(t), axis=[-1]) - lgamma(reduce_sum(t, axis=[-1]))
