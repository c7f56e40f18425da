"""`tf.debugging`: assertions on tensors' values, shapes and dtypes, and `check_numerics`.

As in TF's eager mode, a failed value assertion raises `InvalidArgumentError` at once,
a failed shape or rank assertion `ValueError` and a failed dtype assertion
`TypeError`; a passing one returns `None`. Checking values reads them on the host
(inside a `tf.function`, that makes the function run eagerly, with its warning).

>>> import tftape_torch as tf
>>> x = tf.constant([1.0, 2.0])
>>> tf.debugging.assert_equal(x, x)
>>> try:
...     tf.debugging.assert_less(x, x)
... except tf.errors.InvalidArgumentError:
...     print("not less")
not less
"""

from __future__ import annotations

import builtins
from typing import Any, Callable, Dict, Iterable, List, Optional

import numpy as np
import torch

from tftape_torch._array_ops import identity
from tftape_torch._dtypes import FLOATING, INTEGER, dtype_name
from tftape_torch._elementwise_ops import (
    equal,
    greater,
    greater_equal,
    is_finite,
    is_nan,
    less,
    less_equal,
    not_equal,
)
from tftape_torch._math_ops import abs, reduce_all, subtract
from tftape_torch._op_call import as_tensor, disallowed
from tftape_torch._printing import numpy_value, tensor_str
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "Assert",
    "assert_all_finite",
    "assert_equal",
    "assert_greater",
    "assert_greater_equal",
    "assert_integer",
    "assert_less",
    "assert_less_equal",
    "assert_near",
    "assert_negative",
    "assert_non_negative",
    "assert_non_positive",
    "assert_none_equal",
    "assert_positive",
    "assert_proper_iterable",
    "assert_rank",
    "assert_rank_at_least",
    "assert_rank_in",
    "assert_same_float_dtype",
    "assert_scalar",
    "assert_shapes",
    "assert_type",
    "check_numerics",
    "is_numeric_tensor",
]


def _holds(condition: torch.Tensor) -> bool:
    return builtins.bool(reduce_all(condition))


def _summarize(summarize: Optional[int]) -> Any:
    """TF's eager default: 3 entries; a negative count means all of them, as TF's float
    1e9 (which, as in TF, cannot slice a tensor given in an assertion's data)."""
    if summarize is None:
        return 3
    return 1e9 if summarize < 0 else summarize


def _pretty(item: Any, summarize: int) -> str:
    """One item of a failed assertion's data, as TF's eager `_pretty_print` writes it."""
    if not isinstance(item, torch.Tensor):
        return str(item)
    value = numpy_value(item)
    if np.ndim(value) == 0:
        return str(value)
    flat = value.reshape(-1)
    shown = [str(v) for v in flat[:summarize]]
    return str(shown + ["..."] if len(shown) < flat.size else shown)


def _shape_and_dtype(t: torch.Tensor) -> str:
    return f"shape={tuple(t.shape)} dtype={dtype_name(t.dtype)}"


def _binary_assert(symbol: str, compare: Callable[..., torch.Tensor], x: Any, y: Any,
                   data: Optional[List[Any]], summarize: Optional[int],
                   message: Optional[str]) -> None:
    """TF's eager `_binary_assert`: nothing if `compare(x, y)` holds everywhere, else
    `InvalidArgumentError` listing `data` or, by default, the first differing entries."""
    a, b = as_tensor(x), as_tensor(y)
    test = compare(a, b)
    if _holds(test):
        return
    count = _summarize(summarize)
    if data is None:
        data = [f"Condition x {symbol} y did not hold."]
        if count > 0:
            xs, ys = numpy_value(a), numpy_value(b)
            if a.shape == b.shape and a.dim() > 0:
                failed = ~numpy_value(test)
                shown = builtins.min(count, int(failed.sum()))
                data += [f"Indices of first {shown} different values:",
                         np.argwhere(failed)[:shown], "Corresponding x values:",
                         xs[failed].reshape(-1)[:shown], "Corresponding y values:",
                         ys[failed].reshape(-1)[:shown]]
            xs, ys = np.reshape(xs, -1), np.reshape(ys, -1)
            nx, ny = builtins.min(xs.size, count), builtins.min(ys.size, count)
            data += [f"First {nx} elements of x:", xs[:nx], f"First {ny} elements of y:", ys[:ny]]
    if message is not None:
        data = [message, *data]
    raise InvalidArgumentError(None, None, "\n".join(_pretty(d, count) for d in data))


def _comparison(symbol: str, compare: Callable[..., torch.Tensor]) -> Callable[..., None]:
    def check(x: Any, y: Any, message: Optional[str] = None, summarize: Optional[int] = None,
              name: Optional[str] = None) -> None:
        _binary_assert(symbol, compare, x, y, None, summarize, message)

    check.__doc__ = (f"Raises `InvalidArgumentError` unless `x {symbol} y` holds for every "
                     "element (the two broadcast).")
    return check


assert_equal = _comparison("==", equal)
assert_none_equal = _comparison("!=", not_equal)
assert_less = _comparison("<", less)
assert_less_equal = _comparison("<=", less_equal)
assert_greater = _comparison(">", greater)
assert_greater_equal = _comparison(">=", greater_equal)
for _check, _name in ((assert_equal, "assert_equal"), (assert_none_equal, "assert_none_equal"),
                      (assert_less, "assert_less"), (assert_less_equal, "assert_less_equal"),
                      (assert_greater, "assert_greater"),
                      (assert_greater_equal, "assert_greater_equal")):
    _check.__name__ = _check.__qualname__ = _name


def _sign_check(condition: str, zero_first: bool, compare: Callable[..., torch.Tensor],
                what: str) -> Callable[..., None]:
    def check(x: Any, message: Optional[str] = None, summarize: Optional[int] = None,
              name: Optional[str] = None) -> None:
        t = as_tensor(x)
        zero = torch.zeros((), dtype=t.dtype, device=t.device)
        named = f"x ({_shape_and_dtype(t)}) = "
        prefix = f"{message}.  " if message else ""
        data: List[Any] = [prefix, condition, named, t]
        if condition.endswith(":x"):  # TF's assert_non_positive lacks a comma here
            data = [prefix, condition[:-1] + named, t]
        pair = (zero, t) if zero_first else (t, zero)
        _binary_assert("", compare, *pair, data, summarize, None)

    check.__doc__ = f"Raises `InvalidArgumentError` unless every element of `x` is {what}."
    return check


assert_positive = _sign_check("Condition x > 0 did not hold element-wise:", True, less,
                              "positive")
assert_negative = _sign_check("Condition x < 0 did not hold element-wise:", False, less,
                              "negative")
assert_non_negative = _sign_check("Condition x >= 0 did not hold element-wise:", True,
                                  less_equal, "non-negative")
assert_non_positive = _sign_check("Condition x <= 0 did not hold element-wise:x", False,
                                  less_equal, "non-positive")
for _check, _name in ((assert_positive, "assert_positive"), (assert_negative, "assert_negative"),
                      (assert_non_negative, "assert_non_negative"),
                      (assert_non_positive, "assert_non_positive")):
    _check.__name__ = _check.__qualname__ = _name


def assert_near(x: Any, y: Any, rtol: Any = None, atol: Any = None,
                message: Optional[str] = None, summarize: Optional[int] = None,
                name: Optional[str] = None) -> None:
    """Raises `InvalidArgumentError` unless `|x - y| < atol + rtol * |y|` everywhere.

    `rtol` and `atol` default to 10 epsilons of the dtype (`1.19e-6` for float32).
    """
    a = as_tensor(x)
    b = as_tensor(y, a.dtype)
    real = a.dtype.to_real() if a.dtype.is_complex else a.dtype
    eps = float(torch.finfo(real).eps) if real.is_floating_point else 0.0
    rtol_t = as_tensor(10 * eps if rtol is None else rtol, real)
    atol_t = as_tensor(10 * eps if atol is None else atol, real)
    tolerance = atol_t + rtol_t * abs(b)
    Assert(reduce_all(less(abs(subtract(a, b)), tolerance)),
           [f"{message}.  " if message else "",
            f"x and y not equal to tolerance rtol = {tensor_str(rtol_t)}, "
            f"atol = {tensor_str(atol_t)}",
            f"x ({_shape_and_dtype(a)}) = ", a, f"y ({_shape_and_dtype(b)}) = ", b],
           summarize=summarize)


def _rank(rank: Any) -> int:
    """A rank argument: an integer (TF refuses a float one with `TypeError`)."""
    if isinstance(rank, torch.Tensor):
        if rank.is_floating_point() or rank.is_complex():
            raise TypeError(f"tensor must be of type tf.int32; got tf.{dtype_name(rank.dtype)}")
        return int(rank.item())
    if isinstance(rank, (float, np.floating)):
        raise TypeError(f"rank must be an integer, got {rank!r}")
    return int(rank)


def _rank_error(x: torch.Tensor, wanted: str, message: Optional[str]) -> ValueError:
    prefix = f"{message}  " if message else ""
    return ValueError(f"{prefix}Tensor must have rank {wanted}.  Received rank {x.dim()}, "
                      f"shape {tuple(x.shape)}")


def assert_rank(x: Any, rank: int, message: Optional[str] = None,
                name: Optional[str] = None) -> None:
    """Raises `ValueError` unless `x` has rank `rank`."""
    t = as_tensor(x)
    if t.dim() != _rank(rank):
        raise _rank_error(t, str(_rank(rank)), message)


def assert_rank_at_least(x: Any, rank: int, message: Optional[str] = None,
                         name: Optional[str] = None) -> None:
    """Raises `ValueError` unless `x` has rank `rank` or more."""
    t = as_tensor(x)
    if t.dim() < _rank(rank):
        raise _rank_error(t, f"at least {_rank(rank)}", message)


def assert_rank_in(x: Any, ranks: Iterable[int], message: Optional[str] = None,
                   name: Optional[str] = None) -> None:
    """Raises `ValueError` unless the rank of `x` is one of `ranks`."""
    t = as_tensor(x)
    allowed = [int(r) for r in ranks]
    if t.dim() not in allowed:
        raise _rank_error(t, f"in {tuple(allowed)}", message)


def assert_scalar(tensor: Any, message: Optional[str] = None,
                  name: Optional[str] = None) -> None:
    """Raises `ValueError` unless `tensor` is a scalar."""
    t = as_tensor(tensor)
    if t.dim() != 0:
        prefix = f"{message}  " if message else ""
        raise ValueError(f"{prefix}Expected scalar shape, saw shape: {tuple(t.shape)}.")


def assert_shapes(shapes: Any, data: Any = None, summarize: Optional[int] = None,
                  message: Optional[str] = None, name: Optional[str] = None) -> None:
    """Raises `ValueError` unless every tensor has the shape its spec gives, with each
    named dimension (`'N'`) the same size everywhere it appears.

    >>> import tftape_torch as tf
    >>> tf.debugging.assert_shapes([(tf.ones([2]), ("N",)), (tf.ones([2, 3]), ("N", 3))])
    """
    pairs = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    sizes: Dict[str, int] = {}
    for tensor, spec in pairs:
        t = as_tensor(tensor)
        dims = [spec] if isinstance(spec, (str, int)) and spec != "" else list(spec)
        shape = tuple(t.shape)
        if len(dims) != len(shape):
            raise ValueError(f"Specified by tensor {t} rank {len(dims)}.  Tensor {t} must "
                             f"have rank {len(dims)}.  Received rank {len(shape)}, shape "
                             f"{shape}")
        for index, (dim, size) in enumerate(zip(dims, shape)):
            if dim is None or dim == ".":
                continue
            if isinstance(dim, str):
                known = sizes.setdefault(dim, size)
            else:
                known = int(dim)
            if known != size:
                raise ValueError(f"Dimension {index} of tensor shape={shape} must have size "
                                 f"{known}.  Received size {size}, shape {shape}")


def assert_type(tensor: Any, tf_type: Any, message: Optional[str] = None,
                name: Optional[str] = None) -> None:
    """Raises `TypeError` unless `tensor` has dtype `tf_type`."""
    from tftape_torch._dtypes import as_dtype

    t = as_tensor(tensor)
    wanted = as_dtype(tf_type)
    if t.dtype != wanted:
        prefix = f"{message}, " if message else ""
        raise TypeError(f"{prefix}tensor must be of type tf.{dtype_name(wanted)}; got "
                        f"tf.{dtype_name(t.dtype)}")


def assert_integer(x: Any, message: Optional[str] = None, name: Optional[str] = None) -> None:
    """Raises `TypeError` unless `x` has an integer dtype."""
    t = as_tensor(x)
    if t.dtype not in INTEGER:
        prefix = f"{message}  " if message else ""
        raise TypeError(f'{prefix}Expected "x" to be integer type.  Found: tensor of dtype '
                        f"tf.{dtype_name(t.dtype)}")


def assert_same_float_dtype(tensors: Any = None, dtype: Any = None) -> Any:
    """The one floating dtype of `tensors` (and `dtype`); `ValueError` if they differ or
    one is not floating. With neither, float32."""
    from tftape_torch._dtypes import as_dtype

    found = as_dtype(dtype) if dtype is not None else None
    for tensor in tensors or []:
        kind = as_tensor(tensor).dtype
        if found is None:
            found = kind
        elif kind != found:
            raise ValueError(f"Expected tf.{dtype_name(found)}, got tf.{dtype_name(kind)}.")
    if found is None:
        return torch.float32
    if found not in FLOATING:
        raise ValueError(f"Expected floating point type, got tf.{dtype_name(found)}.")
    return found


def assert_proper_iterable(values: Any) -> None:
    """Raises `TypeError` if `values` is a tensor, an array, a string or not iterable."""
    if isinstance(values, (torch.Tensor, np.ndarray, str, bytes)):
        raise TypeError('Expected argument "values" to be a "proper" iterable.  Found: '
                        f"{type(values)}")
    if not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be iterable.  Found: {type(values)}')


def check_numerics(tensor: Any, message: str, name: Optional[str] = None) -> torch.Tensor:
    """`tensor` itself (gradient passes through), or `InvalidArgumentError` if it holds
    an infinity or a NaN (or is not floating).

    >>> import tftape_torch as tf
    >>> print(tf.debugging.check_numerics(tf.constant([1.0]), "x"))
    tf.Tensor([1.], shape=(1,), dtype=float32)
    """
    t = as_tensor(tensor)
    if t.dtype not in FLOATING:
        raise disallowed("CheckNumerics", t.dtype, "bfloat16, half, float, double")
    if not _holds(is_finite(t)):
        kind = "NaN" if builtins.bool(torch.any(is_nan(t))) else "Inf"
        raise InvalidArgumentError(None, None, f"{message} : Tensor had {kind} values "
                                   "[Op:CheckNumerics]")
    return identity(t)


def assert_all_finite(x: Any, message: str, name: Optional[str] = None) -> torch.Tensor:
    """`check_numerics` under its other name."""
    return check_numerics(x, message)


def _eager_summary(item: Any, summarize: int) -> str:
    """One item of `Assert`'s data, as TF's `_summarize_eager` writes it (strings as the
    bytes TF converts them to)."""
    if isinstance(item, str):
        item = item.encode()
    if isinstance(item, bytes):
        return str(item) if summarize != 0 else ""
    value = numpy_value(item)
    if np.ndim(value) == 0:
        return str(value) if summarize != 0 else ""
    flat = value.reshape(-1)
    shown = [str(v) for v in flat[:summarize]]
    return ", ".join(shown + ["..."] if len(shown) < flat.size else shown)


def _condition_text(condition: Any) -> str:
    return tensor_str(condition) if isinstance(condition, torch.Tensor) else str(condition)


def Assert(condition: Any, data: Any, summarize: Optional[int] = None,  # noqa: N802
           name: Optional[str] = None) -> None:
    """Raises `InvalidArgumentError` printing `data` unless `condition` is true.

    >>> import tftape_torch as tf
    >>> try:
    ...     tf.debugging.Assert(tf.constant(False), ["x:", tf.range(5)])
    ... except tf.errors.InvalidArgumentError as e:
    ...     print(e)
    Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: b'x:'
    0, 1, 2, ...
    """
    if not builtins.bool(condition):
        items = [d if isinstance(d, (str, bytes)) else as_tensor(d) for d in data]
        shown = "\n".join(_eager_summary(item, 3 if summarize is None else summarize
                                          if summarize >= 0 or isinstance(item, (str, bytes))
                                          else item.numel())
                          for item in items)
        raise InvalidArgumentError(None, None, f"Expected '{_condition_text(condition)}' "
                                   f"to be true. Summarized data: {shown}")


def is_numeric_tensor(tensor: Any) -> bool:
    """Whether `tensor` is a tensor of a numeric dtype (not bool)."""
    return isinstance(tensor, torch.Tensor) and tensor.dtype != torch.bool
